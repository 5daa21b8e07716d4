// Evidence files of disposal order items (issue 14, contract 5 `attachments?`): the organisation
// the order is addressed to uploads PDF, PNG or JPEG files to an open item before confirming it;
// the organisation and the bureau that sees the order list and download them. The type is read
// from the file's first bytes (never from its name or the client's word); each upload is a
// history row with the file's SHA-256, and the confirmation lists every file's digest.
import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/connection.ts';
import type { Actor } from '../../domain/actors.ts';
import { NamedError } from '../../domain/errors.ts';
import { type ItemStatus, PENDING_ITEM_STATUSES } from '../../domain/supervision/orders.ts';
import type { FlowContext } from '../context.ts';
import { recordHistory } from '../history.ts';
import { isOrgStaff, isUuid, NotFoundError, orderVisible } from './scope.ts';

export const ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024;
export const ATTACHMENTS_PER_ITEM = 10;

/** The content type a file's first bytes show, among those accepted; null otherwise. */
export function sniffEvidenceType(head: Buffer): 'application/pdf' | 'image/png' | 'image/jpeg' | null {
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  return null;
}

/** A file name as shown and stored: its last path segment, without control characters, at most 200 characters. */
export function cleanFileName(name: string): string {
  const base = (name.split(/[/\\]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
  return base || 'evidence';
}

export interface AttachmentView { id: string; name: string; contentType: string; bytes: number; sha256: string; uploadedAt: string }

interface ItemRow { id: string; order_id: string; status: string; organisation_id: string }

async function loadVisibleItem(db: Queryable, actor: Actor, orderId: string, itemId: string, lock = false): Promise<ItemRow> {
  if (!isUuid(orderId) || !isUuid(itemId)) throw new NotFoundError('order_item', itemId);
  const v = orderVisible(actor, 3);
  const [r] = await db.query<ItemRow>(
    `select i.id, i.order_id, i.status, o.organisation_id from disposal_order_items i join disposal_orders o on o.id = i.order_id
      where i.order_id = $1 and i.id = $2 and ${v.sql}${lock ? ' for update of i' : ''}`, [orderId, itemId, ...v.params]);
  if (!r) throw new NotFoundError('order_item', itemId);
  return r;
}

/**
 * Before an upload is read: the item must be one the actor may add to (else 404 / 403, as for any
 * record not its own) — a stranger's upload is refused before its body is taken in. The upload
 * itself checks again under lock.
 */
export async function assertAttachable(db: Queryable, actor: Actor, orderId: string, itemId: string): Promise<void> {
  if (!isOrgStaff(actor)) throw new NamedError('forbidden', 'forbidden', 'the organisation the order is addressed to adds its evidence');
  await loadVisibleItem(db, actor, orderId, itemId);
}

/** The organisation adds one evidence file to an open (or objected) item of its order. */
export async function addOrderItemAttachment(ctx: FlowContext, actor: Actor, orderId: string, itemId: string, file: { name: string; content: Buffer }): Promise<AttachmentView> {
  if (!isOrgStaff(actor)) throw new NamedError('forbidden', 'forbidden', 'the organisation the order is addressed to adds its evidence');
  if (file.content.length === 0) throw new NamedError('attachment_empty', 'invalid', 'the file is empty', [{ field: 'file', code: 'empty', message: 'the file is empty' }]);
  if (file.content.length > ATTACHMENT_MAX_BYTES) throw attachmentTooLarge();
  const contentType = sniffEvidenceType(file.content.subarray(0, 16));
  if (!contentType) {
    throw new NamedError('attachment_type', 'invalid', 'evidence files are PDF, PNG or JPEG', [{ field: 'file', code: 'attachment_type', message: 'a PDF, PNG or JPEG file' }]);
  }
  const name = cleanFileName(file.name);
  const sha256 = createHash('sha256').update(file.content).digest('hex');
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const item = await loadVisibleItem(tx, actor, orderId, itemId, true);
    // Evidence of a disposal, or of an objection (migration 0041): while the item waits on the organisation or on its objection.
    if (!PENDING_ITEM_STATUSES.includes(item.status as ItemStatus)) {
      throw new NamedError('order_item_status_conflict', 'conflict', `the item is ${item.status}: evidence files are added while it is open or objected`);
    }
    const [{ n }] = await tx.query<{ n: number }>('select count(*)::int as n from order_item_attachments where item_id = $1', [item.id]) as [{ n: number }];
    if (n >= ATTACHMENTS_PER_ITEM) {
      throw new NamedError('attachments_too_many', 'conflict', `at most ${ATTACHMENTS_PER_ITEM} files an item`, [{ field: 'file', code: 'attachments_too_many', message: `at most ${ATTACHMENTS_PER_ITEM} files an item` }]);
    }
    const [row] = await tx.query<{ id: string }>(
      `insert into order_item_attachments (item_id, organisation_id, name, content_type, bytes, sha256, content, uploaded_by, api_key_id, uploaded_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
      [item.id, item.organisation_id, name, contentType, file.content.length, sha256, file.content, actor.userId, actor.apiKeyId ?? null, now]);
    await recordHistory(tx, actor, {
      entityType: 'disposal_order_item', entityId: item.id, action: 'attach', from: item.status, to: item.status,
      reason: { orderId, attachmentId: row!.id, name, contentType, bytes: file.content.length, sha256 },
    }, now);
    return { id: row!.id, name, contentType, bytes: file.content.length, sha256, uploadedAt: now.toISOString() };
  });
}

export const attachmentTooLarge = () =>
  new NamedError('attachment_too_large', 'too_large', `an evidence file has at most ${ATTACHMENT_MAX_BYTES / 1048576} MiB`, [{ field: 'file', code: 'too_large', message: `at most ${ATTACHMENT_MAX_BYTES / 1048576} MiB` }]);

/** Files of the given items (metadata), by item id. */
export async function attachmentsOf(db: Queryable, itemIds: string[]): Promise<Map<string, AttachmentView[]>> {
  const out = new Map<string, AttachmentView[]>();
  if (!itemIds.length) return out;
  const rows = await db.query<{ id: string; item_id: string; name: string; content_type: string; bytes: number; sha256: string; uploaded_at: Date }>(
    `select id, item_id, name, content_type, bytes, sha256, uploaded_at from order_item_attachments where item_id = any($1::uuid[]) order by uploaded_at, id`, [itemIds]);
  for (const r of rows) {
    const list = out.get(r.item_id) ?? [];
    list.push({ id: r.id, name: r.name, contentType: r.content_type, bytes: r.bytes, sha256: r.sha256, uploadedAt: r.uploaded_at.toISOString() });
    out.set(r.item_id, list);
  }
  return out;
}

/** One file with its content, if the caller sees the order. */
export async function loadOrderItemAttachment(db: Queryable, actor: Actor, orderId: string, itemId: string, attachmentId: string) {
  const item = await loadVisibleItem(db, actor, orderId, itemId);
  if (!isUuid(attachmentId)) throw new NotFoundError('attachment', attachmentId);
  const [r] = await db.query<{ name: string; content_type: string; sha256: string; content: Buffer }>(
    'select name, content_type, sha256, content from order_item_attachments where id = $1 and item_id = $2', [attachmentId, item.id]);
  if (!r) throw new NotFoundError('attachment', attachmentId);
  return { name: r.name, contentType: r.content_type, sha256: r.sha256, content: Buffer.from(r.content) };
}
