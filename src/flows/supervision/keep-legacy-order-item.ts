// The bureau settles a legacy duplicate order item (migration 0040; ADR 0018, addendum "Campaigns
// extended or ended early; legacy duplicates settled"): of the items holding one finding from
// before the one-open-item rule, it names the one that stands. Every other item holding the finding
// is withdrawn — the order follow-up's own move (withdraw-order-item.ts: history, the organisation
// told) — and the kept item, if it was the marked one, goes back under the rule
// (`legacy_duplicate = false`; the partial unique index disposal_order_items_finding_open checks
// it is now alone). One transaction; the kept item's history says what was settled and why.
import type { Actor } from '../../domain/actors.ts';
import { NamedError } from '../../domain/errors.ts';
import type { ItemStatus } from '../../domain/supervision/orders.ts';
import type { FlowContext } from '../context.ts';
import { recordHistory } from '../history.ts';
import { loadItem } from './order-items.ts';
import { isSupervisor, isUuid, NotFoundError, orderVisible } from './scope.ts';
import { withdrawItemIn } from './withdraw-order-item.ts';

/** The statuses that hold a finding (the index of migrations 0040/0041). */
export const HOLDING_STATUSES: readonly ItemStatus[] = ['open', 'objected', 'done'];

export interface LegacyItemKept { id: string; findingId: string; withdrawn: string[] }

export async function keepLegacyOrderItem(ctx: FlowContext, actor: Actor, itemId: string, input: { reason: string }): Promise<LegacyItemKept> {
  const reason = input.reason.trim();
  if (!reason) throw new NamedError('reason_required', 'invalid', 'say why this item stands', [{ field: 'reason', code: 'required', message: 'a reason is required' }]);
  if (!isSupervisor(actor) || !isUuid(itemId)) throw new NotFoundError('order_item', itemId);
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const v = orderVisible(actor, 2);
    const [kept] = await tx.query<{ id: string; order_id: string; finding_id: string | null }>(
      `select i.id, i.order_id, i.finding_id from disposal_order_items i join disposal_orders o on o.id = i.order_id where i.id = $1 and ${v.sql}`, [itemId, ...v.params]);
    if (!kept) throw new NotFoundError('order_item', itemId);
    // Every item holding the finding, locked in id order (two settlements of one finding wait on each other).
    const group = kept.finding_id ? await tx.query<{ id: string; order_id: string; status: ItemStatus; legacy_duplicate: boolean; visible: boolean }>(
      `select i.id, i.order_id, i.status, i.legacy_duplicate, (${v.sql}) as visible
         from disposal_order_items i join disposal_orders o on o.id = i.order_id
        where i.finding_id = $1 and i.status = any($${2 + v.params.length}::text[]) order by i.id for update of i`,
      [kept.finding_id, ...v.params, HOLDING_STATUSES]) : [];
    const me = group.find((g) => g.id === kept.id);
    if (!me) throw new NamedError('order_item_status_conflict', 'conflict', 'the item no longer holds its finding (accepted or withdrawn): keep one that does');
    if (!group.some((g) => g.legacy_duplicate)) throw new NamedError('not_a_legacy_duplicate', 'conflict', 'no item of this finding is a legacy duplicate: nothing to settle');
    const others = group.filter((g) => g.id !== kept.id);
    // An item ordered by another bureau (or the ministry) is theirs to withdraw.
    if (others.some((g) => !g.visible)) throw new NamedError('action_not_allowed', 'forbidden', 'another item of this finding was ordered by another bureau or the ministry: they settle it');
    for (const g of others) await withdrawItemIn(ctx, tx, actor, await loadItem(tx, actor, g.order_id, g.id), reason, now);
    if (me.legacy_duplicate) await tx.query('update disposal_order_items set legacy_duplicate = false where id = $1', [kept.id]);
    await recordHistory(tx, actor, {
      entityType: 'disposal_order_item', entityId: kept.id, action: 'legacy_kept', from: me.status, to: me.status,
      reason: { orderId: kept.order_id, findingId: kept.finding_id, reason, wasLegacyDuplicate: me.legacy_duplicate, withdrawn: others.map((g) => g.id) },
    }, now);
    return { id: kept.id, findingId: kept.finding_id!, withdrawn: others.map((g) => g.id) };
  });
}
