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
import { noticeHost, inBoth } from '../notify/record-notices.ts';
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
      where ${number ? 'main_number = $1' : 'id = $1::uuid'} and host_user_id = $2 and main_number is not null for no key update`,
    [number?.ok ? number.value.number : idOrNumber, actor.userId]);
  if (!row) throw new SubjectNotFoundError(idOrNumber);
  return row;
}

/**
 * A subject whose last live service ended — the authority revoked it or cleaned it up as a shell,
 * or the host's own cancellation of it was confirmed — is cancelled with it: no empty subject
 * (空壳主体) is kept, DOMAIN.md §4.3. In the same transaction: the subject's move ('clean_up' by
 * the authority, 'cancel' by the host), `reason` in its history, its open changes and new services
 * closed, the host told. Decided under the subject's lock (taken here first if the caller has not,
 * ADR 0033), so two transactions ending its last two services cannot each see the other's live.
 * Returns the cancelled main number; null when a live service is left or the subject is not filed.
 */
export async function cancelEmptySubject(ctx: FlowContext, tx: Queryable, actor: Actor, subjectId: string, reason: Record<string, unknown>): Promise<string | null> {
  const [sub] = await tx.query<{ status: SubjectStatus; main_number: string; name: string; host_user_id: string }>(
    'select status, main_number, name, host_user_id from subjects where id = $1 for no key update', [subjectId]);
  if (!sub || sub.status !== 'filed') return null;
  const [left] = await tx.query<{ n: number }>(`select count(*)::int as n from services where subject_id = $1 and status = 'filed'`, [subjectId]);
  if (left!.n > 0) return null;
  const action = actor.role === 'host' ? 'cancel' : 'clean_up';
  const t = subjectTransition(sub.status, action, actor);
  const now = ctx.now();
  await tx.query('update subjects set status = $2, updated_at = $3 where id = $1', [subjectId, t.to, now]);
  await recordHistory(tx, actor, { entityType: 'subject', entityId: subjectId, action, from: t.from, to: t.to, reason }, now);
  await closeApplicationsOf(ctx, tx, { subjectId }, { closedBecause: 'subject_cancelled', mainNumber: sub.main_number });
  await noticeHost(tx, ctx.sealer, sub.host_user_id, {
    event: 'subject.cancelled', at: now,
    ...inBoth({ zh: '主体备案已注销', en: 'Subject cancelled', of: sub.main_number }, {
      zh: `${sub.name}（${sub.main_number}）已无有效的服务备案，主体备案随之注销，主体备案号不再有效。如需继续提供服务，请重新提交首次备案。`,
      en: `The subject ${sub.main_number} (${sub.name}) has no live service filing left, so it is cancelled with its last one; the main number is no longer valid. File again (a first filing) to resume.`,
    }),
  });
  return sub.main_number;
}
