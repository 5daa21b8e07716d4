// The bureau that runs a campaign (or the ministry) ends it early (ADR 0018, addendum "Campaigns
// extended or ended early"), with a reason: from today no catalogue is received and its dashboard
// stops at today. The disposal orders already issued stand as they are — an order is a measure
// against an unfiled APP, which ending the inspection does not file; the bureau withdraws items one
// by one where it wants to. The organisations with something open are told; history keeps it all.
import type { Actor } from '../../domain/actors.ts';
import { chinaDate } from '../../domain/china-time.ts';
import { NamedError } from '../../domain/errors.ts';
import { checkCampaignMove } from '../../domain/supervision/campaigns.ts';
import { PENDING_ITEM_STATUSES } from '../../domain/supervision/orders.ts';
import { campaignEndedNotice } from '../../notify/supervision-notices.ts';
import type { FlowContext } from '../context.ts';
import { recordHistory } from '../history.ts';
import { type CampaignMoved, loadForMove, tellOpen } from './campaign-moves.ts';

export async function endCampaign(ctx: FlowContext, actor: Actor, id: string, input: { reason: string }): Promise<CampaignMoved> {
  const reason = input.reason.trim();
  if (!reason) throw new NamedError('reason_required', 'invalid', 'say why the campaign ends early', [{ field: 'reason', code: 'required', message: 'a reason is required' }]);
  const now = ctx.now();
  const today = chinaDate(now);
  return ctx.db.transaction(async (tx) => {
    const c = await loadForMove(tx, actor, id);
    checkCampaignMove({ ownerProvinceCode: c.owner_province_code, startsOn: c.starts_on, endsOn: c.ends_on, endedOn: c.ended_on }, 'end', actor, today);
    await tx.query('update campaigns set ended_on = $2, end_reason = $3 where id = $1', [c.id, today, reason]);
    const notified = await tellOpen(ctx, tx, c, campaignEndedNotice({ name: c.name, endedOn: today, reason }, ctx.publicUrl, now));
    const [open] = await tx.query<{ n: number }>(
      `select count(*)::int as n from disposal_order_items i join disposal_orders d on d.id = i.order_id where d.campaign_id = $1 and i.status = any($2::text[])`,
      [c.id, PENDING_ITEM_STATUSES]);
    await recordHistory(tx, actor, {
      entityType: 'campaign', entityId: c.id, action: 'end', from: today < c.starts_on ? 'upcoming' : 'open', to: 'ended',
      reason: { reason, endedOn: today, plannedEndsOn: c.ends_on, openItemsKept: open!.n, notified },
    }, now);
    return { id: c.id, catalogueDueOn: c.catalogue_due_on, endsOn: c.ends_on, endedOn: today, notified };
  });
}
