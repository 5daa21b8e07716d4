// An organisation objects to a disposal order item (ADR 0018, addendum "Objections, withdrawals
// and re-dated orders"): the APP is not one it distributes, gives access to or preinstalls; it is
// filed now; the organisation needs more time (the date it asks for); or another reason. The item
// waits for the bureau (`objected`: not overdue meanwhile), which is told; the organisation may
// still carry the order out. Evidence files may go with the objection (attachments).
import type { Actor } from '../../domain/actors.ts';
import { chinaDate } from '../../domain/china-time.ts';
import { addDays, type IsoDate } from '../../domain/dates.ts';
import { NamedError } from '../../domain/errors.ts';
import { itemTransition, MAX_REQUESTED_DAYS, type ObjectionGround } from '../../domain/supervision/orders.ts';
import { noticeIssuer } from '../../notify/record-notices.ts';
import { orderObjectedNotice } from '../../notify/supervision-notices.ts';
import type { FlowContext } from '../context.ts';
import { recordHistory } from '../history.ts';
import { loadItem } from './order-items.ts';

export interface ObjectionInput { ground: ObjectionGround; note: string; requestedDueOn?: string }

const invalid = (field: string, code: string, message: string) => new NamedError('objection_invalid', 'invalid', message, [{ field, code, message }]);

export async function objectToOrderItem(ctx: FlowContext, actor: Actor, orderId: string, itemId: string, input: ObjectionInput): Promise<{ id: string; status: string; objectedAt: string }> {
  const note = input.note.trim();
  if (!note) throw invalid('note', 'required', 'say why you object');
  if (input.ground !== 'more_time' && input.requestedDueOn) throw invalid('requestedDueOn', 'not_applicable', 'a date is asked for with the ground more_time only');
  if (input.ground === 'more_time' && !input.requestedDueOn) throw invalid('requestedDueOn', 'required', 'name the date you ask for');
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const item = await loadItem(tx, actor, orderId, itemId);
    const to = itemTransition(item.status, 'object', actor);
    const asked = input.requestedDueOn ?? null;
    if (asked && asked <= item.due_on) throw invalid('requestedDueOn', 'not_later', `the order is due ${item.due_on}: ask for a later date`);
    if (asked && asked > addDays(chinaDate(now) as IsoDate, MAX_REQUESTED_DAYS)) throw invalid('requestedDueOn', 'too_far', `at most ${MAX_REQUESTED_DAYS} days ahead`);
    await tx.query(
      `update disposal_order_items set status = $2, objection_ground = $3, objection_note = $4, objection_due_requested = $5, objected_at = $6, objected_by = $7,
              answer_note = null where id = $1`, [item.id, to, input.ground, note, asked, now, actor.userId]);
    await recordHistory(tx, actor, { entityType: 'disposal_order_item', entityId: item.id, action: 'object', from: item.status, to, reason: { orderId, ground: input.ground, note, requestedDueOn: asked } }, now);
    await noticeIssuer(tx, ctx.sealer, item.province_code, orderObjectedNotice({
      label: item.label, measure: item.measure, organisationName: item.organisation_name, ground: input.ground, note, requestedDueOn: asked,
    }, ctx.publicUrl, now));
    return { id: item.id, status: to, objectedAt: now.toISOString() };
  });
}
