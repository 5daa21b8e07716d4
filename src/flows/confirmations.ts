// Confirmations by the principal's SMS code (issue 13 items 4–5): a host's request to cancel a
// service, a subject or an access record takes effect only when the principal concerned enters
// the code sent to their mobile — the subject principal for a subject, the service principal
// for a service or its access (DOMAIN.md §4.1 "who gets the SMS"). Same rules as the filing SMS
// check: 24 h, 5 wrong attempts; codes stored as keyed hashes, never in clear.
import { randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../db/connection.ts';
import { mask, type Sealer } from '../db/personal-data.ts';
import type { Actor } from '../domain/actors.ts';
import { NamedError } from '../domain/errors.ts';
import { enqueueSms } from '../notify/outbox.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';
import { SMS_MAX_ATTEMPTS, SMS_VALIDITY_MS } from './sms-challenges.ts';
import { isUuid } from '../domain/ids.ts';

export type ConfirmationAction = 'cancel_service' | 'cancel_subject' | 'cancel_access';

export interface ConfirmationRequest {
  action: ConfirmationAction;
  subjectId: string;
  serviceId: string | null;
  accessRecordId: string | null;
  reason: string | null;
  /** The principal who confirms. */
  personId: string;
  personRole: 'subject_principal' | 'service_principal';
  /** What the SMS names (the service's or subject's name). */
  label: string;
}

export interface OpenedConfirmation { confirmationId: string; sentTo: string; expiresAt: Date }

export interface ConfirmationRow {
  id: string; host_user_id: string; action: ConfirmationAction; subject_id: string; service_id: string | null; access_record_id: string | null;
  reason: string | null; code_hash: string; attempts: number; status: string; expires_at: Date; created_at: Date;
}

const WHAT: Record<ConfirmationAction, [string, string]> = {
  cancel_service: ['注销服务', 'cancel the service'],
  cancel_subject: ['注销主体及其全部服务', 'cancel the subject and all its services'],
  cancel_access: ['取消接入', 'cancel an access record of'],
};

const hashOf = (sealer: Sealer, id: string, code: string) => sealer.hash('sms_code', `confirmation:${id}:${code}`);

/** Sends the code and records the pending confirmation, superseding an older one for the same target. */
export async function openConfirmation(ctx: FlowContext, tx: Queryable, actor: Actor, r: ConfirmationRequest): Promise<OpenedConfirmation> {
  const now = ctx.now();
  const [person] = await tx.query<{ mobile_enc: string }>('select mobile_enc from persons where id = $1', [r.personId]);
  if (!person) throw new Error(`principal ${r.personId} not found`);
  const mobile = ctx.sealer.open(person.mobile_enc);
  const target = r.accessRecordId ?? r.serviceId ?? r.subjectId;
  await tx.query(
    `update confirmations set status = 'superseded', decided_at = $3
      where action = $1 and coalesce(access_record_id, service_id, subject_id) = $2 and status = 'pending'`, [r.action, target, now]);
  const id = randomUUID();
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const expiresAt = new Date(now.getTime() + SMS_VALIDITY_MS);
  const [zh, en] = WHAT[r.action];
  await enqueueSms(tx, ctx.sealer, {
    mobile,
    text: `【备案核验】您正在${zh}"${r.label}"，确认码：${code}，24小时内有效，请勿告知他人。Code ${code} confirms: ${en} "${r.label}"; valid 24 h.`,
    // A gateway sends only approved templates, and a code template may hold only the code: its own
    // template says it confirms a cancellation, so nobody hands it over believing it files something.
    template: { kind: 'cancellation_code', params: { code } },
  });
  await tx.query(
    `insert into confirmations (id, host_user_id, action, subject_id, service_id, access_record_id, reason, mobile_enc, mobile_hash,
       person_role, code_hash, created_at, expires_at)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
    [id, actor.userId, r.action, r.subjectId, r.serviceId, r.accessRecordId, r.reason, ctx.sealer.seal(mobile), ctx.sealer.hash('phone', mobile),
      r.personRole, hashOf(ctx.sealer, id, code), now, expiresAt]);
  await recordHistory(tx, actor, {
    entityType: r.serviceId ? 'service' : 'subject', entityId: r.serviceId ?? r.subjectId, action: `${r.action}_requested`,
    reason: { confirmationId: id, accessRecordId: r.accessRecordId, personRole: r.personRole },
  }, now);
  return { confirmationId: id, sentTo: mask.phone(mobile), expiresAt };
}

export class ConfirmationNotFoundError extends NamedError {
  constructor(id: string) { super('confirmation_not_found', 'not_found', `no confirmation ${id} of yours`); }
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export type CodeCheck =
  | { outcome: 'right'; confirmation: ConfirmationRow }
  | { outcome: 'wrong_code'; remainingAttempts: number }
  | { outcome: 'exhausted' | 'expired' };

/**
 * Checks a code against the host's pending confirmation, locked. A wrong code counts an
 * attempt (the 5th ends it); a late one expires it. These outcomes are written in `tx`, so the
 * caller must commit them (answer, not throw).
 */
export async function checkCode(ctx: FlowContext, tx: Queryable, actor: Actor, id: string, code: string): Promise<CodeCheck> {
  if (!isUuid(id)) throw new ConfirmationNotFoundError(id);
  const [c] = await tx.query<ConfirmationRow>(`select * from confirmations where id = $1 and host_user_id = $2 for update`, [id, actor.userId]);
  if (!c) throw new ConfirmationNotFoundError(id);
  if (c.status !== 'pending') {
    throw new NamedError('confirmation_not_pending', 'conflict', `this confirmation is ${c.status}; ask for a new code`);
  }
  const now = ctx.now();
  if (now >= c.expires_at) {
    await tx.query(`update confirmations set status = 'expired', decided_at = $2 where id = $1`, [c.id, now]);
    return { outcome: 'expired' };
  }
  if (!same(hashOf(ctx.sealer, c.id, code.trim()), c.code_hash)) {
    const attempts = c.attempts + 1;
    const exhausted = attempts >= SMS_MAX_ATTEMPTS;
    await tx.query(`update confirmations set attempts = $2, status = $3, decided_at = $4 where id = $1`,
      [c.id, attempts, exhausted ? 'exhausted' : 'pending', exhausted ? now : null]);
    return exhausted ? { outcome: 'exhausted' } : { outcome: 'wrong_code', remainingAttempts: SMS_MAX_ATTEMPTS - attempts };
  }
  await tx.query(`update confirmations set status = 'confirmed', decided_at = $2 where id = $1`, [c.id, now]);
  return { outcome: 'right', confirmation: c };
}

/** System timer: pending confirmations past their 24 h are expired. Returns how many. */
export async function expireConfirmations(ctx: FlowContext): Promise<number> {
  const rows = await ctx.db.query(`update confirmations set status = 'expired', decided_at = $1 where status = 'pending' and expires_at <= $1 returning id`, [ctx.now()]);
  return rows.length;
}
