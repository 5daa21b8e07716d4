// An organisation (its staff, its API key, a bureau's reviewers) or a host marks notices of its console read
// (docs/notifications.md "The console's notices"). Only its own: another's id is a 404, as if it did
// not exist (house rule 7). Marking twice keeps the first time. A notice's read mark is the inbox's
// state, not a record's: it has no history row.
import type { Actor } from '../domain/actors.ts';
import { NamedError } from '../domain/errors.ts';
import type { FlowContext } from './context.ts';

export async function markNotificationsRead(ctx: FlowContext, actor: Actor, ids: number[]): Promise<{ read: number; already: number }> {
  const notFound = (i: number) => new NamedError('notification_not_found', 'not_found', `no notice ${ids[i]} of yours`,
    [{ field: `ids.${i}`, code: 'not_found', message: 'no such notice of yours' }]);
  // A host's notices are its account's; staff's, their organisation's.
  const owner = actor.role === 'host' ? { column: 'user_id', id: actor.userId } : { column: 'organisation_id', id: actor.orgId };
  if (!owner.id) throw notFound(0);
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const rows = await tx.query<{ id: string; read_at: Date | null }>(
      `select id::text, read_at from notifications where id = any($1::bigint[]) and ${owner.column} = $2 for update`, [ids, owner.id]);
    const have = new Set(rows.map((r) => r.id));
    const missing = ids.findIndex((x) => !have.has(String(x)));
    if (missing >= 0) throw notFound(missing);
    const fresh = rows.filter((r) => !r.read_at).map((r) => r.id);
    if (fresh.length) await tx.query('update notifications set read_at = $2 where id = any($1::bigint[])', [fresh, now]);
    return { read: fresh.length, already: rows.length - fresh.length };
  });
}
