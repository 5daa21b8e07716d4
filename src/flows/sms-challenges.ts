// The MIIT SMS check (DOMAIN.md §4.1 step 4): a 6-digit code to each principal's mobile
// (one SMS when both principals share a phone), valid 24 h, 5 wrong attempts at most.
// Codes are stored as keyed hashes, never in clear.
import { randomInt, randomUUID } from 'node:crypto';
import type { Queryable } from '../db/connection.ts';
import type { Sealer } from '../db/personal-data.ts';
import { enqueueSms } from '../notify/outbox.ts';
import { type ServiceType, smsChallenge } from '../notify/templates.ts';
import type { Principal } from './principals.ts';
import { type ApplicationType, kindOf } from '../domain/lifecycle.ts';

export const SMS_VALIDITY_MS = 24 * 60 * 60 * 1000;
export const SMS_MAX_ATTEMPTS = 5;
/** Resends after the first message (Huawei Cloud allows up to 2, DOMAIN.md §4.1). */
export const SMS_MAX_RESENDS = 2;
export const SMS_RESEND_INTERVAL_MS = 60 * 1000;

export const codeHash = (sealer: Sealer, challengeId: string, code: string) => sealer.hash('sms_code', `${challengeId}:${code}`);

export interface SmsService { serviceName: string; serviceType: ServiceType; subjectChange?: boolean }

/** What the SMS names: the service, or — an application that carries no service (变更主体) — the subject's change. */
export function smsServiceOf(app: { service_name: string | null; service_type: ServiceType; application_type: ApplicationType }): SmsService {
  return { serviceName: app.service_name ?? '', serviceType: app.service_type, subjectChange: !kindOf(app.application_type).groups.includes('service') };
}

export async function sendCode(tx: Queryable, sealer: Sealer, challengeId: string, mobile: string, s: SmsService): Promise<string> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await enqueueSms(tx, sealer, { mobile, ...smsChallenge({ code, ...s, validHours: SMS_VALIDITY_MS / 3_600_000 }) }, { tag: 'sms.verification_code' });
  return codeHash(sealer, challengeId, code);
}

export async function openChallenges(tx: Queryable, sealer: Sealer, applicationId: string, service: SmsService, principals: Principal[], now: Date) {
  await tx.query(`update sms_challenges set status = 'cancelled' where application_id = $1 and status = 'pending'`, [applicationId]);
  const expiresAt = new Date(now.getTime() + SMS_VALIDITY_MS);
  for (const p of principals) {
    const id = randomUUID();
    const hash = await sendCode(tx, sealer, id, p.person.mobile, service);
    await tx.query(
      `insert into sms_challenges (id, application_id, mobile_enc, mobile_hash, person_roles, code_hash, created_at, last_sent_at, expires_at)
       values ($1,$2,$3,$4,$5,$6,$7,$7,$8)`,
      [id, applicationId, sealer.seal(p.person.mobile), sealer.hash('phone', p.person.mobile), p.roles, hash, now, expiresAt]);
  }
  return expiresAt;
}

export interface ChallengeRow {
  id: string; application_id: string; mobile_enc: string; person_roles: string[]; code_hash: string;
  attempts: number; sends: number; status: string; last_sent_at: Date; expires_at: Date; verified_at: Date | null;
}
