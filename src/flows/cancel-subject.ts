// The host cancels a filed subject (注销主体, DOMAIN.md §4.3), confirmed by the subject
// principal's SMS code (issue 13 item 4): every live service under it is cancelled with it, in
// one transaction — a cancelled subject keeps no filed service, and no filed service is left
// under a cancelled subject. Numbers are withdrawn for good.
import type { Queryable } from '../db/connection.ts';
import type { Actor } from '../domain/actors.ts';
import { subjectTransition } from '../domain/service-lifecycle.ts';
import { noticeHost, inBoth } from '../notify/record-notices.ts';
import { closeApplicationsOf } from './applications.ts';
import { cancelServiceConfirmed, type CancellationRequested } from './cancel-service.ts';
import { openConfirmation } from './confirmations.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';
import { loadServiceForUpdate } from './services.ts';
import { loadSubjectForUpdate, type SubjectRow } from './subjects.ts';

/** The subject's live services, locked in one order (after the subject: ADR 0033's lock order). */
async function lockLiveServices(tx: Queryable, subjectId: string): Promise<string[]> {
  const rows = await tx.query<{ id: string }>(`select id from services where subject_id = $1 and status = 'filed' order by sequence for no key update`, [subjectId]);
  return rows.map((r) => r.id);
}

export async function requestSubjectCancellation(ctx: FlowContext, actor: Actor, id: string, input: { reason?: string | undefined } = {}): Promise<CancellationRequested> {
  const reason = input.reason?.trim() || null;
  return ctx.db.transaction(async (tx) => {
    const subject = await loadSubjectForUpdate(tx, id, actor);
    subjectTransition(subject.status, 'cancel', actor);
    const opened = await openConfirmation(ctx, tx, actor, {
      action: 'cancel_subject', subjectId: subject.id, serviceId: null, accessRecordId: null, reason,
      personId: subject.principal_person_id, personRole: 'subject_principal', label: subject.name,
    });
    return { ...opened, cancels: 'subject', subject: { id: subject.id, mainNumber: subject.main_number }, service: null };
  });
}

export interface SubjectCancelled { subject: SubjectRow; servicesCancelled: string[] }

/** The confirmed cancellation of a subject and all its live services (in the confirming transaction). */
export async function cancelSubjectConfirmed(ctx: FlowContext, tx: Queryable, actor: Actor, subjectId: string, reason: string | null, confirmationId: string): Promise<SubjectCancelled> {
  const subject = await loadSubjectForUpdate(tx, subjectId, actor);
  const ids = await lockLiveServices(tx, subject.id);
  const t = subjectTransition(subject.status, 'cancel', actor);
  const cancelled: string[] = [];
  for (const id of ids) {
    const s = await loadServiceForUpdate(tx, id, actor);
    await cancelServiceConfirmed(ctx, tx, actor, s, reason, confirmationId);
    cancelled.push(s.service_number);
  }
  const now = ctx.now();
  await tx.query(`update subjects set status = $2, updated_at = $3 where id = $1`, [subject.id, t.to, now]);
  await closeApplicationsOf(ctx, tx, { subjectId: subject.id }, { closedBecause: 'subject_cancelled', mainNumber: subject.main_number });
  await recordHistory(tx, actor, { entityType: 'subject', entityId: subject.id, action: 'cancel', from: t.from, to: t.to, reason: { reason, confirmationId, servicesCancelled: cancelled } }, now);
  await noticeHost(tx, ctx.sealer, subject.host_user_id, {
    event: 'subject.cancelled', at: now,
    ...inBoth({ zh: '主体备案已注销', en: 'Subject cancelled', of: subject.main_number }, {
      zh: `${subject.name}（${subject.main_number}）的主体备案及其 ${cancelled.length} 个服务备案已注销。`,
      en: `The subject ${subject.main_number} and its ${cancelled.length} service filing(s) are cancelled.`,
    }),
  });
  return { subject: { ...subject, status: t.to }, servicesCancelled: cancelled };
}
