// The principal's SMS code makes a host's request take effect (issue 13 items 4–5):
// `POST /api/host/confirmations/{id}` with the code. Right: the cancellation (service, subject,
// access record) is carried out in the same transaction as the code's acceptance. Wrong: an
// attempt is counted (5 at most); late: the request lapses (24 h) — both committed.
import type { Actor } from '../domain/actors.ts';
import { NamedError } from '../domain/errors.ts';
import { type AccessCancelled, cancelAccessConfirmed } from './cancel-access.ts';
import { confirmServiceCancellation } from './cancel-service.ts';
import { cancelSubjectConfirmed } from './cancel-subject.ts';
import { checkCode, type ConfirmationAction } from './confirmations.ts';
import type { FlowContext } from './context.ts';
import type { Queryable } from '../db/connection.ts';
import { isUuid } from '../domain/ids.ts';
import { lockServiceRow, lockSubjectRow } from './services.ts';

export type Confirmed =
  | { outcome: 'confirmed'; action: ConfirmationAction; servicesCancelled: string[]; subjectCancelled: string | null; access: AccessCancelled | null }
  | { outcome: 'wrong_code'; remainingAttempts: number }
  | { outcome: 'exhausted' | 'expired' };

export async function confirmByCode(ctx: FlowContext, actor: Actor, id: string, input: { code: string }): Promise<Confirmed> {
  return ctx.db.transaction(async (tx) => {
    await lockTargetOf(tx, actor, id);
    const check = await checkCode(ctx, tx, actor, id, input.code);
    if (check.outcome !== 'right') return check;
    const c = check.confirmation;
    switch (c.action) {
      case 'cancel_service': {
        const r = await confirmServiceCancellation(ctx, tx, actor, c.service_id!, c.reason, c.id);
        return { outcome: 'confirmed', action: c.action, ...r, access: null };
      }
      case 'cancel_subject': {
        await refuseServicesFiledSince(tx, c.subject_id, c.created_at);
        const r = await cancelSubjectConfirmed(ctx, tx, actor, c.subject_id, c.reason, c.id);
        return { outcome: 'confirmed', action: c.action, servicesCancelled: r.servicesCancelled, subjectCancelled: r.subject.main_number, access: null };
      }
      case 'cancel_access': {
        const access = await cancelAccessConfirmed(ctx, tx, actor, c.service_id!, c.access_record_id!, c.reason);
        return { outcome: 'confirmed', action: c.action, servicesCancelled: [], subjectCancelled: null, access };
      }
      default: throw new NamedError('confirmation_unknown', 'conflict', 'unknown confirmation');
    }
  });
}

/**
 * A subject's cancellation cancels the services it had when the host asked: one filed since (a new
 * service approved within the 24 hours) was not what the principal's code agreed to end. Refused —
 * nothing happens, the code is not used up; the host asks again, and that request names it.
 */
async function refuseServicesFiledSince(tx: Queryable, subjectId: string, askedAt: Date): Promise<void> {
  const since = await tx.query<{ service_number: string }>(
    `select service_number from services where subject_id = $1 and status = 'filed' and filed_at > $2 order by service_number`, [subjectId, askedAt]);
  if (!since.length) return;
  const numbers = since.map((s) => s.service_number).join(', ');
  throw new NamedError('subject_changed_since_request', 'conflict', `${numbers} was filed after the cancellation was requested: request it again to cancel it too`,
    [{ field: 'code', code: 'subject_changed_since_request', message: `filed since the request: ${numbers}` }]);
}

/**
 * The records a confirmation acts on, locked before the confirmation row (ADR 0033's order:
 * subject, service, then the rows under them) — a new request for the same record locks them
 * first and then supersedes the pending confirmation. Unknown ids lock nothing (checkCode answers).
 */
async function lockTargetOf(tx: Queryable, actor: Actor, id: string): Promise<void> {
  if (!isUuid(id)) return;
  const [c] = await tx.query<{ subject_id: string; service_id: string | null }>(
    'select subject_id, service_id from confirmations where id = $1 and host_user_id = $2', [id, actor.userId]);
  if (!c) return;
  await lockSubjectRow(tx, c.subject_id);
  if (c.service_id) await lockServiceRow(tx, c.service_id);
}
