// The principal's SMS code makes a host's request take effect (issue 13 items 4–5):
// `POST /api/host/confirmations/{id}` with the code. Right: the cancellation (service, subject,
// access record) is carried out in the same transaction as the code's acceptance. Wrong: an
// attempt is counted (5 at most); late: the request lapses (24 h) — both committed.
import type { Actor } from '../domain/actors.ts';
import { NamedError } from '../domain/errors.ts';
import { type AccessCancelled, cancelAccessConfirmed } from './cancel-access.ts';
import { cancelServiceConfirmed } from './cancel-service.ts';
import { cancelSubjectConfirmed } from './cancel-subject.ts';
import { checkCode, type ConfirmationAction } from './confirmations.ts';
import type { FlowContext } from './context.ts';
import { loadServiceForUpdate } from './services.ts';

export type Confirmed =
  | { outcome: 'confirmed'; action: ConfirmationAction; servicesCancelled: string[]; subjectCancelled: string | null; access: AccessCancelled | null }
  | { outcome: 'wrong_code'; remainingAttempts: number }
  | { outcome: 'exhausted' | 'expired' };

export async function confirmByCode(ctx: FlowContext, actor: Actor, id: string, input: { code: string }): Promise<Confirmed> {
  return ctx.db.transaction(async (tx) => {
    const check = await checkCode(ctx, tx, actor, id, input.code);
    if (check.outcome !== 'right') return check;
    const c = check.confirmation;
    switch (c.action) {
      case 'cancel_service': {
        const s = await loadServiceForUpdate(tx, c.service_id!, actor);
        await cancelServiceConfirmed(ctx, tx, actor, s, c.reason, c.id);
        return { outcome: 'confirmed', action: c.action, servicesCancelled: [s.service_number], subjectCancelled: null, access: null };
      }
      case 'cancel_subject': {
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
