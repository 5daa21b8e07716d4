// An organisation marks the hosts of its findings as notified (issue 14, contract 4), one by
// one or in bulk. Only its own findings; another's is a 404. Marking twice keeps the first time.
import type { Actor } from '../../domain/actors.ts';
import { NamedError } from '../../domain/errors.ts';
import type { FlowContext } from '../context.ts';
import { recordHistory } from '../history.ts';
import { isOrgStaff, isUuid } from './scope.ts';

export async function markNotified(ctx: FlowContext, actor: Actor, findingIds: string[]): Promise<{ notified: number; already: number }> {
  const bad = findingIds.findIndex((x) => !isUuid(x));
  const notFound = (i: number) => new NamedError('finding_not_found', 'not_found', `no finding ${findingIds[i]} of yours`, [{ field: `findingIds.${i}`, code: 'not_found', message: 'no such finding of yours' }]);
  if (!isOrgStaff(actor)) throw notFound(0);
  if (bad >= 0) throw notFound(bad);
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const rows = await tx.query<{ id: string; notified_at: Date | null }>(
      'select id, notified_at from findings where id = any($1::uuid[]) and organisation_id = $2 for update', [findingIds, actor.orgId]);
    const have = new Set(rows.map((r) => r.id));
    const missing = findingIds.findIndex((x) => !have.has(x));
    if (missing >= 0) throw notFound(missing);
    const fresh = rows.filter((r) => !r.notified_at).map((r) => r.id);
    if (fresh.length) await tx.query('update findings set notified_at = $2, notified_by = $3 where id = any($1::uuid[])', [fresh, now, actor.userId]);
    for (const id of fresh) await recordHistory(tx, actor, { entityType: 'finding', entityId: id, action: 'notified', to: 'notified' }, now);
    return { notified: fresh.length, already: rows.length - fresh.length };
  });
}
