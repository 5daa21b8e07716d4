// The host cancels one of its filed services (注销APP, DOMAIN.md §4.3), confirmed by the
// service principal's SMS code (issue 13 item 4): the request answers with a confirmation; the
// code makes it take effect (src/flows/confirm.ts). The number is withdrawn and never reused.
// When it is the subject's last live service, the request becomes the subject's cancellation
// (confirmed by the subject principal): a subject without services is an empty shell (空壳主体)
// that practice cancels instead of keeping [S12][S19]. Relying parties are told by webhook.
import type { Queryable } from '../db/connection.ts';
import type { Actor } from '../domain/actors.ts';
import { serviceTransition } from '../domain/service-lifecycle.ts';
import { noticeHost, inBoth } from '../notify/record-notices.ts';
import { type OpenedConfirmation, openConfirmation } from './confirmations.ts';
import type { FlowContext } from './context.ts';
import { cancelEmptySubject, loadSubjectForUpdate } from './subjects.ts';
import { loadServiceForUpdate, moveService, type ServiceMoved, type ServiceRow, stateOf } from './services.ts';

export interface CancellationRequested extends OpenedConfirmation {
  /** What the code will cancel: the service, or — it being the subject's last live service — the subject with it. */
  cancels: 'service' | 'subject';
  subject: { id: string; mainNumber: string };
  service: { id: string; serviceNumber: string } | null;
}

/** Live (filed or shell: both are status 'filed') services of a subject other than `exceptId`. */
export async function otherLiveServices(tx: Queryable, subjectId: string, exceptId: string | null): Promise<number> {
  const [r] = await tx.query<{ n: number }>(
    `select count(*)::int as n from services where subject_id = $1 and status = 'filed' and ($2::uuid is null or id <> $2::uuid)`, [subjectId, exceptId]);
  return r!.n;
}

export async function requestServiceCancellation(ctx: FlowContext, actor: Actor, id: string, input: { reason?: string | undefined } = {}): Promise<CancellationRequested> {
  const reason = input.reason?.trim() || null;
  return ctx.db.transaction(async (tx) => {
    const s = await loadServiceForUpdate(tx, id, actor);
    serviceTransition(stateOf(s), 'cancel', actor); // refuse now (wrong status), not after the code
    const subject = await loadSubjectForUpdate(tx, s.subject_id, actor);
    if (await otherLiveServices(tx, s.subject_id, s.id) === 0) {
      const opened = await openConfirmation(ctx, tx, actor, {
        action: 'cancel_subject', subjectId: subject.id, serviceId: null, accessRecordId: null, reason,
        personId: subject.principal_person_id, personRole: 'subject_principal', label: subject.name,
      });
      return { ...opened, cancels: 'subject', subject: { id: subject.id, mainNumber: subject.main_number }, service: { id: s.id, serviceNumber: s.service_number } };
    }
    const opened = await openConfirmation(ctx, tx, actor, {
      action: 'cancel_service', subjectId: s.subject_id, serviceId: s.id, accessRecordId: null, reason,
      personId: s.principal_person_id, personRole: 'service_principal', label: s.name,
    });
    return { ...opened, cancels: 'service', subject: { id: subject.id, mainNumber: subject.main_number }, service: { id: s.id, serviceNumber: s.service_number } };
  });
}

export interface ServiceCancellationConfirmed { servicesCancelled: string[]; subjectCancelled: string | null }

/**
 * The host's confirmed cancellation of one service, in the confirming transaction — decided again
 * now, not by what the request saw: when no other live service is left (the other one's
 * cancellation was confirmed meanwhile, or it was revoked or cleaned up as a shell), the subject is
 * cancelled with it (no empty subject, DOMAIN.md §4.3). Under the subject's lock, taken first
 * (ADR 0033), so two confirmations of a subject's last two services cannot both miss it.
 */
export async function confirmServiceCancellation(ctx: FlowContext, tx: Queryable, actor: Actor, serviceId: string, reason: string | null, confirmationId: string): Promise<ServiceCancellationConfirmed> {
  const s = await loadServiceForUpdate(tx, serviceId, actor);
  await cancelServiceConfirmed(ctx, tx, actor, s, reason, confirmationId);
  const subjectCancelled = await cancelEmptySubject(ctx, tx, actor, s.subject_id,
    { reason, confirmationId, note: 'its last live service was cancelled', serviceNumber: s.service_number, servicesCancelled: [s.service_number] });
  return { servicesCancelled: [s.service_number], subjectCancelled };
}

/** The confirmed cancellation of one service (in the confirming transaction). */
export async function cancelServiceConfirmed(ctx: FlowContext, tx: Queryable, actor: Actor, s: ServiceRow, reason: string | null, confirmationId: string): Promise<ServiceMoved> {
  const moved = await moveService(ctx, tx, s, 'cancel', actor, { reason, confirmationId });
  await noticeHost(tx, ctx.sealer, s.host_user_id, {
    event: 'service.cancelled', at: ctx.now(),
    ...inBoth({ zh: '备案已注销', en: 'Filing cancelled', of: s.service_number }, {
      zh: `您的${s.name}（${s.service_number}）备案已注销，备案号不再有效。`,
      en: `The filing ${s.service_number} (${s.name}) is cancelled; the number is no longer valid.`,
    }),
  });
  return moved;
}
