// The bureau that runs a campaign (or the ministry) extends it (ADR 0018, addendum "Campaigns
// extended or ended early"): a later catalogue due date and/or end, with a reason. The
// organisations in scope with something still open are told; the campaign's history keeps the
// old and new dates. Disposal orders keep their own dates (an order's date moves by itself).
import type { Actor } from '../../domain/actors.ts';
import { chinaDate } from '../../domain/china-time.ts';
import { type CampaignExtension, checkCampaignMove, validateExtension } from '../../domain/supervision/campaigns.ts';
import { campaignExtendedNotice } from '../../notify/supervision-notices.ts';
import type { FlowContext } from '../context.ts';
import { recordHistory } from '../history.ts';
import { type CampaignMoved, loadForMove, tellOpen } from './campaign-moves.ts';

export async function extendCampaign(ctx: FlowContext, actor: Actor, id: string, input: CampaignExtension): Promise<CampaignMoved> {
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const c = await loadForMove(tx, actor, id);
    const facts = { ownerProvinceCode: c.owner_province_code, startsOn: c.starts_on, endsOn: c.ends_on, endedOn: c.ended_on };
    checkCampaignMove(facts, 'extend', actor, chinaDate(now));
    const next = validateExtension({ startsOn: c.starts_on, catalogueDueOn: c.catalogue_due_on, endsOn: c.ends_on }, input);
    const reason = input.reason.trim();
    await tx.query('update campaigns set catalogue_due_on = $2, ends_on = $3 where id = $1', [c.id, next.catalogueDueOn, next.endsOn]);
    const notified = await tellOpen(ctx, tx, c, campaignExtendedNotice({ name: c.name, ...next, previousCatalogueDueOn: c.catalogue_due_on, previousEndsOn: c.ends_on, reason }, ctx.publicUrl, now));
    await recordHistory(tx, actor, {
      entityType: 'campaign', entityId: c.id, action: 'extend', from: 'open', to: 'open',
      reason: { reason, old: { catalogueDueOn: c.catalogue_due_on, endsOn: c.ends_on }, new: next, notified },
    }, now);
    return { id: c.id, ...next, endedOn: null, notified };
  });
}

