// Loading filed subjects for a write (cancellation): a host acts on its own subjects only;
// another's is a 404 (house rule 7). By id or by main number (what a host has in hand).
import type { Queryable } from '../db/connection.ts';
import type { Actor } from '../domain/actors.ts';
import { NamedError } from '../domain/errors.ts';
import { parseFilingNumber } from '../domain/filing-number.ts';
import { type SubjectStatus, subjectTransition } from '../domain/service-lifecycle.ts';
import { closeApplicationsOf } from './applications.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';
import { isUuid } from '../domain/ids.ts';

export interface SubjectRow {
  id: string; name: string; main_number: string; status: SubjectStatus; host_user_id: string; province_code: string; principal_person_id: string;
}

export class SubjectNotFoundError extends NamedError {
  constructor(id: string) { super('subject_not_found', 'not_found', `no filed subject ${id} that you can act on`); }
}


export async function loadSubjectForUpdate(tx: Queryable, idOrNumber: string, actor: Actor): Promise<SubjectRow> {
  if (actor.role !== 'host') throw new SubjectNotFoundError(idOrNumber);
  const number = isUuid(idOrNumber) ? null : parseFilingNumber(idOrNumber);
  if (number && (!number.ok || number.value.kind !== 'subject')) throw new SubjectNotFoundError(idOrNumber);
  const [row] = await tx.query<SubjectRow>(
    `select id, name, main_number, status, host_user_id, province_code, principal_person_id from subjects
      where ${number ? 'main_number = $1' : 'id = $1::uuid'} and host_user_id = $2 and main_number is not null for update`,
    [number?.ok ? number.value.number : idOrNumber, actor.userId]);
  if (!row) throw new SubjectNotFoundError(idOrNumber);
  return row;
}

/**
 * A subject whose last live service the authority ended (revoked, or cleaned up as a shell) is
 * cancelled with it — no empty subject (空壳主体) is kept, DOMAIN.md §4.3 — in the same
 * transaction: the subject's 'clean_up' move, `reason` in its history, its open changes and new
 * services closed. False when a live service is left or the subject is not filed.
 */
export async function cancelEmptySubject(ctx: FlowContext, tx: Queryable, actor: Actor, subjectId: string, reason: Record<string, unknown>): Promise<boolean> {
  const [left] = await tx.query<{ n: number }>(`select count(*)::int as n from services where subject_id = $1 and status = 'filed'`, [subjectId]);
  if (left!.n > 0) return false;
  const [sub] = await tx.query<{ status: SubjectStatus; main_number: string }>('select status, main_number from subjects where id = $1 for update', [subjectId]);
  if (sub!.status !== 'filed') return false;
  const t = subjectTransition(sub!.status, 'clean_up', actor);
  const now = ctx.now();
  await tx.query('update subjects set status = $2, updated_at = $3 where id = $1', [subjectId, t.to, now]);
  await recordHistory(tx, actor, { entityType: 'subject', entityId: subjectId, action: 'clean_up', from: t.from, to: t.to, reason }, now);
  await closeApplicationsOf(ctx, tx, { subjectId }, { closedBecause: 'subject_cancelled', mainNumber: sub!.main_number });
  return true;
}
