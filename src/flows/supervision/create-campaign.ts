// A bureau reviewer (its province) or the ministry administrator (national) opens an inspection
// campaign (issue 14, contract 1); the organisations in scope are notified in the same
// transaction: a console notice and an email to their contact address (src/notify/supervision-notices.ts).
import type { Actor } from '../../domain/actors.ts';
import { chinaDate } from '../../domain/china-time.ts';
import { type CampaignInput, campaignCovers, provinceOfUscc, validateCampaign } from '../../domain/supervision/campaigns.ts';
import type { OrganisationKind } from '../../domain/actors.ts';
import { noticeOrganisation } from '../../notify/record-notices.ts';
import { campaignOpenedNotice } from '../../notify/supervision-notices.ts';
import type { FlowContext } from '../context.ts';
import { recordHistory } from '../history.ts';

export interface CampaignCreated { id: string; notified: number }

export async function createCampaign(ctx: FlowContext, actor: Actor, input: CampaignInput): Promise<CampaignCreated> {
  const now = ctx.now();
  const scope = validateCampaign(input, actor, chinaDate(now));
  return ctx.db.transaction(async (tx) => {
    const [c] = await tx.query<{ id: string }>(
      `insert into campaigns (name, kind, province_codes, org_kinds, starts_on, catalogue_due_on, ends_on, owner_province_code, created_by, created_at)
       values ($1, $2, $3::char(6)[], $4::text[], $5, $6, $7, $8, $9, $10) returning id`,
      [input.name.trim(), input.kind, scope.provinceCodes, scope.orgKinds, input.startsOn, input.catalogueDueOn, input.endsOn,
        actor.role === 'bureau_reviewer' ? actor.provinceCode : null, actor.userId, now]);
    const orgs = await tx.query<{ id: string; kind: OrganisationKind; uscc: string | null }>(
      `select id, kind, uscc from organisations where kind in ('access_provider', 'distribution_platform', 'device_maker') and status = 'active'`);
    const inScope = orgs.filter((o) => campaignCovers(scope, { kind: o.kind, provinceCode: provinceOfUscc(o.uscc) }));
    const notice = campaignOpenedNotice({ id: c!.id, name: input.name.trim(), catalogueDueOn: input.catalogueDueOn, endsOn: input.endsOn }, ctx.publicUrl, now);
    for (const o of inScope) await noticeOrganisation(tx, ctx.sealer, o.id, notice);
    await recordHistory(tx, actor, { entityType: 'campaign', entityId: c!.id, action: 'create', to: 'open', reason: { ...input, provinceCodes: scope.provinceCodes, notified: inScope.length } }, now);
    return { id: c!.id, notified: inScope.length };
  });
}
