// Disposal order items (issue 14, contract 5): the organisation confirms an item done with its
// evidence; the bureau accepts it or reopens it. Moves only as ITEM_LIFECYCLE says; an order the
// caller may not see is a 404.
import type { Queryable } from '../../db/connection.ts';
import type { Actor } from '../../domain/actors.ts';
import { NamedError } from '../../domain/errors.ts';
import { type ItemAction, type ItemStatus, itemTransition, type Measure } from '../../domain/supervision/orders.ts';
import type { FlowContext } from '../context.ts';
import { recordHistory } from '../history.ts';
import { isUuid, NotFoundError, orderVisible } from './scope.ts';

/** An order item with what its flows and notices need of its order. */
export interface ItemRow {
  id: string; order_id: string; status: ItemStatus; organisation_id: string; organisation_name: string; province_code: string | null;
  measure: Measure; due_on: string; label: string;
}

/** The item, locked, if the actor may see its order (else 404, house rule 7). */
export async function loadItem(tx: Queryable, actor: Actor, orderId: string, itemId: string): Promise<ItemRow> {
  if (!isUuid(orderId) || !isUuid(itemId)) throw new NotFoundError('order_item', itemId);
  const v = orderVisible(actor, 3);
  const [r] = await tx.query<ItemRow>(
    `select i.id, i.order_id, i.status, o.organisation_id, org.name as organisation_name, o.province_code, o.measure, o.due_on::text,
            coalesce(i.package_name, i.service_number, i.id::text) as label
       from disposal_order_items i join disposal_orders o on o.id = i.order_id join organisations org on org.id = o.organisation_id
      where i.order_id = $1 and i.id = $2 and ${v.sql} for update of i`, [orderId, itemId, ...v.params]);
  if (!r) throw new NotFoundError('order_item', itemId);
  return r;
}

export interface EvidenceInput { evidence: string; attachments?: { name: string; url?: string; sha256?: string }[] }

/** The organisation confirms an item done (status `done`), with its evidence. */
export async function confirmOrderItem(ctx: FlowContext, actor: Actor, orderId: string, itemId: string, input: EvidenceInput): Promise<{ id: string; status: ItemStatus; doneAt: Date }> {
  const evidence = input.evidence.trim();
  if (!evidence) throw new NamedError('evidence_required', 'invalid', 'describe what was done', [{ field: 'evidence', code: 'required', message: 'evidence is required' }]);
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const item = await loadItem(tx, actor, orderId, itemId);
    const to = itemTransition(item.status, 'confirm', actor);
    await tx.query(`update disposal_order_items set status = $2, evidence = $3, attachments = $4, done_at = $5, done_by = $6, reopen_reason = null where id = $1`,
      [item.id, to, evidence, JSON.stringify(input.attachments ?? []), now, actor.userId]);
    // The evidence files uploaded to the item (their digests), beside any described by reference.
    const files = await tx.query<{ id: string; name: string; sha256: string; bytes: number }>(
      'select id, name, sha256, bytes from order_item_attachments where item_id = $1 order by uploaded_at, id', [item.id]);
    await recordHistory(tx, actor, { entityType: 'disposal_order_item', entityId: item.id, action: 'confirm', from: item.status, to, reason: { orderId, evidence, attachments: input.attachments ?? [], files } }, now);
    return { id: item.id, status: to, doneAt: now };
  });
}

/** The bureau accepts a confirmed item, or reopens it with a reason. */
export async function decideOrderItem(ctx: FlowContext, actor: Actor, orderId: string, itemId: string, action: Extract<ItemAction, 'accept' | 'reopen'>, reason?: string): Promise<{ id: string; status: ItemStatus }> {
  if (action === 'reopen' && !reason?.trim()) throw new NamedError('reason_required', 'invalid', 'say why the item is reopened', [{ field: 'reason', code: 'required', message: 'a reason is required' }]);
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const item = await loadItem(tx, actor, orderId, itemId);
    const to = itemTransition(item.status, action, actor);
    // A reopened item is not disposed: its done_at/done_by go (the confirmation stays in history,
    // its evidence text with the item), so the campaign's timeline counts it open — and overdue
    // past its due date — until it is confirmed again.
    await tx.query(
      `update disposal_order_items set status = $2, decided_at = $3, reopen_reason = $4,
              done_at = case when $2 = 'open' then null else done_at end, done_by = case when $2 = 'open' then null else done_by end
        where id = $1`, [item.id, to, now, action === 'reopen' ? reason!.trim() : null]);
    await recordHistory(tx, actor, { entityType: 'disposal_order_item', entityId: item.id, action, from: item.status, to, reason: { orderId, reason: reason?.trim() ?? null } }, now);
    return { id: item.id, status: to };
  });
}
