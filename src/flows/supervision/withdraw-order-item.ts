// The bureau withdraws a disposal order item (ADR 0018, addendum "Objections, withdrawals and
// re-dated orders"): it agrees with an organisation's objection, or finds the item ordered by
// mistake (the wrong organisation, an APP filed meanwhile). Before it is accepted, whatever its
// state; a withdrawn item is final, counts neither as disposed nor as overdue, and frees its
// finding for another order (the partial unique index of migration 0041). The organisation is told.
import type { Queryable } from '../../db/connection.ts';
import type { Actor } from '../../domain/actors.ts';
import { NamedError } from '../../domain/errors.ts';
import { itemTransition } from '../../domain/supervision/orders.ts';
import { noticeOrganisation } from '../../notify/record-notices.ts';
import { itemWithdrawnNotice } from '../../notify/supervision-notices.ts';
import type { FlowContext } from '../context.ts';
import { recordHistory } from '../history.ts';
import { type ItemRow, loadItem } from './order-items.ts';

/** Withdraws a loaded, locked item in the caller's transaction (settling a legacy duplicate uses it too). */
export async function withdrawItemIn(ctx: Pick<FlowContext, 'sealer' | 'publicUrl'>, tx: Queryable, actor: Actor, item: ItemRow, reason: string, now: Date): Promise<{ id: string; status: string }> {
  const to = itemTransition(item.status, 'withdraw', actor);
  await tx.query('update disposal_order_items set status = $2, decided_at = $3, answer_note = $4 where id = $1', [item.id, to, now, reason]);
  await recordHistory(tx, actor, { entityType: 'disposal_order_item', entityId: item.id, action: 'withdraw', from: item.status, to, reason: { orderId: item.order_id, reason } }, now);
  await noticeOrganisation(tx, ctx.sealer, item.organisation_id, itemWithdrawnNotice({ label: item.label, measure: item.measure, reason }, ctx.publicUrl, now));
  return { id: item.id, status: to };
}

export async function withdrawOrderItem(ctx: FlowContext, actor: Actor, orderId: string, itemId: string, input: { reason: string }): Promise<{ id: string; status: string }> {
  const reason = input.reason.trim();
  if (!reason) throw new NamedError('reason_required', 'invalid', 'say why the item is withdrawn', [{ field: 'reason', code: 'required', message: 'a reason is required' }]);
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => withdrawItemIn(ctx, tx, actor, await loadItem(tx, actor, orderId, itemId), reason, now));
}
