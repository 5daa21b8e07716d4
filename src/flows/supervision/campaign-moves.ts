// What extending and ending a campaign share (ADR 0018, addendum "Campaigns extended or ended
// early"; the flows are extend-campaign.ts and end-campaign.ts): the campaign locked for the move,
// and the organisations in scope that still have something open — no catalogue yet, or an order
// item of the campaign still open or objected — who are told.
import type { Queryable } from '../../db/connection.ts';
import type { Actor, OrganisationKind } from '../../domain/actors.ts';
import { campaignCovers, provinceOfUscc } from '../../domain/supervision/campaigns.ts';
import { PENDING_ITEM_STATUSES } from '../../domain/supervision/orders.ts';
import { noticeOrganisation, type RecordNotice } from '../../notify/record-notices.ts';
import type { FlowContext } from '../context.ts';
import { type CampaignRow, isSupervisor, loadCampaign, NotFoundError } from './scope.ts';

export interface CampaignMoved { id: string; catalogueDueOn: string; endsOn: string; endedOn: string | null; notified: number }

/** The organisations in the campaign's scope with something still open: no current catalogue, or a pending order item of the campaign. */
export async function organisationsWithOpenItems(tx: Queryable, c: CampaignRow): Promise<string[]> {
  const orgs = await tx.query<{ id: string; kind: OrganisationKind; uscc: string | null; open: boolean }>(
    `select o.id, o.kind, o.uscc,
            not exists (select 1 from catalogue_submissions s where s.campaign_id = $1 and s.organisation_id = o.id and s.status = 'current')
            or exists (select 1 from disposal_orders d join disposal_order_items i on i.order_id = d.id
                        where d.campaign_id = $1 and d.organisation_id = o.id and i.status = any($2::text[])) as open
       from organisations o where o.kind in ('access_provider', 'distribution_platform', 'device_maker') and o.status = 'active' order by o.id`,
    [c.id, PENDING_ITEM_STATUSES]);
  const scope = { provinceCodes: c.province_codes, orgKinds: c.org_kinds as never };
  return orgs.filter((o) => o.open && campaignCovers(scope, { kind: o.kind, provinceCode: provinceOfUscc(o.uscc) })).map((o) => o.id);
}

export async function loadForMove(tx: Queryable, actor: Actor, id: string): Promise<CampaignRow> {
  if (!isSupervisor(actor)) throw new NotFoundError('campaign', id);
  return loadCampaign(tx, actor, id, null, true);
}

export async function tellOpen(ctx: FlowContext, tx: Queryable, c: CampaignRow, notice: RecordNotice): Promise<number> {
  const ids = await organisationsWithOpenItems(tx, c);
  for (const id of ids) await noticeOrganisation(tx, ctx.sealer, id, notice);
  return ids.length;
}

