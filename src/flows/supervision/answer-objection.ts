// The bureau upholds an order item an organisation objected to (ADR 0018, addendum "Objections,
// withdrawals and re-dated orders"): the item is open again, with the bureau's words; granting
// time moves the whole order's date in the same transaction (src/flows/supervision/redate-order.ts).
// To agree with the objection instead, the bureau withdraws the item (withdraw-order-item.ts).
import type { Actor } from '../../domain/actors.ts';
import { NamedError } from '../../domain/errors.ts';
import { itemTransition } from '../../domain/supervision/orders.ts';
import { noticeOrganisation } from '../../notify/record-notices.ts';
import { objectionUpheldNotice } from '../../notify/supervision-notices.ts';
import type { FlowContext } from '../context.ts';
import { recordHistory } from '../history.ts';
import { loadItem } from './order-items.ts';
import { loadOrderForUpdate, moveOrderDue } from './redate-order.ts';

export interface UpholdInput { reason: string; dueInWorkingDays?: number }

export async function upholdOrderItem(ctx: FlowContext, actor: Actor, orderId: string, itemId: string, input: UpholdInput): Promise<{ id: string; status: string; dueOn: string }> {
  const reason = input.reason.trim();
  if (!reason) throw new NamedError('reason_required', 'invalid', 'say why the order stands', [{ field: 'reason', code: 'required', message: 'a reason is required' }]);
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    // The order first, then its item: the lock order of re-dating, so the two never wait on each other.
    const order = await loadOrderForUpdate(tx, actor, orderId);
    const item = await loadItem(tx, actor, orderId, itemId);
    const to = itemTransition(item.status, 'uphold', actor);
    await tx.query('update disposal_order_items set status = $2, decided_at = $3, answer_note = $4 where id = $1', [item.id, to, now, reason]);
    await recordHistory(tx, actor, { entityType: 'disposal_order_item', entityId: item.id, action: 'uphold', from: item.status, to, reason: { orderId, reason, dueInWorkingDays: input.dueInWorkingDays ?? null } }, now);
    const moved = input.dueInWorkingDays === undefined ? null : await moveOrderDue(ctx, tx, actor, order, { dueInWorkingDays: input.dueInWorkingDays, reason }, now);
    const dueOn = moved?.dueOn ?? order.due_on;
    await noticeOrganisation(tx, ctx.sealer, item.organisation_id, objectionUpheldNotice({ label: item.label, measure: item.measure, reason, dueOn, dueMoved: moved !== null }, ctx.publicUrl, now));
    return { id: item.id, status: to, dueOn };
  });
}
