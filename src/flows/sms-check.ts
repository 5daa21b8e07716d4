// The host enters the SMS codes (DOMAIN.md §4.1 step 4). A wrong code counts an attempt;
// the 5th wrong one, or 24 h without an answer, returns the application. When the last
// outstanding code is right the bureau has complete materials: its 20-working-day clock
// starts that day (Order 33 Art. 12; DOMAIN.md §8).
import { timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../db/connection.ts';
import { loadCalendar } from '../db/calendar.ts';
import { type Actor, SYSTEM_ACTOR } from '../domain/actors.ts';
import { CalendarRangeError, countWorkingDays } from '../domain/calendar.ts';
import { chinaDate } from '../domain/china-time.ts';
import { NamedError } from '../domain/errors.ts';
import { availableActions, transition } from '../domain/lifecycle.ts';
import { type ApplicationRow, loadApplication, move } from './applications.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';
import { type ChallengeRow, codeHash, SMS_MAX_ATTEMPTS, SMS_MAX_RESENDS, SMS_RESEND_INTERVAL_MS, sendCode, smsServiceOf } from './sms-challenges.ts';

/** The bureau's review window (Order 33 Art. 12). */
export const BUREAU_REVIEW_WORKING_DAYS = 20;

export type SmsOutcome =
  | { outcome: 'verified'; application: ApplicationRow; remainingChallenges: number }
  | { outcome: 'wrong_code'; remainingAttempts: number }
  | { outcome: 'exhausted' | 'expired'; application: ApplicationRow };

async function loadChallenge(tx: Queryable, app: ApplicationRow, challengeId: string): Promise<ChallengeRow> {
  const [c] = await tx.query<ChallengeRow>(
    `select * from sms_challenges where id::text = $1 and application_id = $2 and status = 'pending' for update`, [challengeId, app.id]);
  if (!c) throw new NamedError('sms_challenge_not_found', 'not_found', `no pending SMS check ${challengeId} on this application`);
  return c;
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export async function verifySmsCode(ctx: FlowContext, actor: Actor, id: string, input: { challengeId: string; code: string }): Promise<SmsOutcome> {
  return ctx.db.transaction(async (tx) => {
    const app = await loadApplication(tx, id, actor, { forUpdate: true });
    transition(app.status, 'sms_verify', actor);
    const c = await loadChallenge(tx, app, input.challengeId);
    const now = ctx.now();
    if (now >= c.expires_at) return { outcome: 'expired', application: await failCheck(ctx, tx, app, actor, 'expired') };
    if (!same(codeHash(ctx.sealer, c.id, input.code.trim()), c.code_hash)) {
      const attempts = c.attempts + 1;
      await tx.query(`update sms_challenges set attempts = $2 where id = $1`, [c.id, attempts]);
      await recordHistory(tx, actor, { entityType: 'application', entityId: app.id, action: 'sms_wrong_code', reason: { challengeId: c.id, attempts } }, now);
      if (attempts >= SMS_MAX_ATTEMPTS) return { outcome: 'exhausted', application: await failCheck(ctx, tx, app, actor, 'exhausted') };
      return { outcome: 'wrong_code', remainingAttempts: SMS_MAX_ATTEMPTS - attempts };
    }
    await tx.query(`update sms_challenges set status = 'verified', verified_at = $2 where id = $1`, [c.id, now]);
    const [{ pending }] = await tx.query<{ pending: number }>(
      `select count(*)::int as pending from sms_challenges where application_id = $1 and status = 'pending'`, [app.id]) as [{ pending: number }];
    if (pending > 0) {
      await recordHistory(tx, actor, { entityType: 'application', entityId: app.id, action: 'sms_verified_one', from: app.status, to: app.status, reason: { challengeId: c.id, remaining: pending } }, now);
      return { outcome: 'verified', application: app, remainingChallenges: pending };
    }
    const { receivedOn, deadlineOn, provisional, reason } = await deadline(tx, app.province_code!, now);
    const moved = await move(ctx, tx, app, 'sms_verify', actor, {
      set: { received_on: receivedOn, deadline_on: deadlineOn, deadline_provisional: provisional },
      reason: { receivedOn, deadlineOn, ...(provisional ? { deadlineProvisional: true, note: reason } : {}) },
      notice: deadlineOn ? { deadline: deadlineOn } : {},
    });
    return { outcome: 'verified', application: moved, remainingChallenges: 0 };
  });
}

/**
 * Receipt today (China time) and the deadline 20 working days later, overrides honoured;
 * provisional when it is counted into a year without an official schedule (ADR 0011).
 */
async function deadline(tx: Queryable, provinceCode: string, now: Date) {
  const receivedOn = chinaDate(now);
  try {
    const counted = countWorkingDays(await loadCalendar(tx, provinceCode), receivedOn, BUREAU_REVIEW_WORKING_DAYS);
    return { receivedOn, deadlineOn: counted.date, provisional: counted.provisional, reason: counted.reason };
  } catch (e) {
    // Only past 2099 (the lunar tables' end): no deadline rather than a guess.
    if (e instanceof CalendarRangeError) return { receivedOn, deadlineOn: null, provisional: false, reason: null };
    throw e;
  }
}

async function failCheck(ctx: FlowContext, tx: Queryable, app: ApplicationRow, actor: Actor, why: 'exhausted' | 'expired') {
  await tx.query(`update sms_challenges set status = $2 where application_id = $1 and status = 'pending'`, [app.id, why]);
  const reasons = [{
    field: 'sms',
    error: why === 'exhausted' ? 'sms_attempts_exhausted' : 'sms_check_expired',
    suggestion: why === 'exhausted' ? '5 wrong codes: check the mobile and resubmit' : 'the 24-hour SMS window passed: resubmit and answer within 24 hours',
  }];
  return move(ctx, tx, app, 'sms_fail', actor, { set: { review_reasons: reasons }, reason: { why }, notice: { reasons, smsFailure: why } });
}

export async function resendSmsCode(ctx: FlowContext, actor: Actor, id: string, input: { challengeId: string }) {
  return ctx.db.transaction(async (tx) => {
    const app = await loadApplication(tx, id, actor, { forUpdate: true });
    transition(app.status, 'sms_resend', actor);
    const c = await loadChallenge(tx, app, input.challengeId);
    const now = ctx.now();
    if (c.sends > SMS_MAX_RESENDS) throw new NamedError('sms_resend_limit', 'rate_limited', `at most ${SMS_MAX_RESENDS} resends per SMS check`, [], {}, { maxResends: SMS_MAX_RESENDS });
    const wait = c.last_sent_at.getTime() + SMS_RESEND_INTERVAL_MS - now.getTime();
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new NamedError('sms_resend_too_soon', 'rate_limited', `wait ${seconds} s before asking for another code`, [], { 'retry-after': String(seconds) }, { retryAfterSeconds: seconds });
    }
    const hash = await sendCode(tx, ctx.sealer, c.id, ctx.sealer.open(c.mobile_enc), smsServiceOf(app));
    await tx.query(`update sms_challenges set code_hash = $2, sends = sends + 1, last_sent_at = $3 where id = $1`, [c.id, hash, now]);
    await recordHistory(tx, actor, { entityType: 'application', entityId: app.id, action: 'sms_resend', reason: { challengeId: c.id, sends: c.sends + 1 } }, now);
    return { challengeId: c.id, sends: c.sends + 1, resendsLeft: SMS_MAX_RESENDS - c.sends, expiresAt: c.expires_at };
  });
}

/** System timer: applications whose SMS window passed are returned. Returns how many. */
export async function expireSmsChecks(ctx: FlowContext): Promise<number> {
  const due = await ctx.db.query<{ application_id: string }>(
    `select distinct application_id from sms_challenges where status = 'pending' and expires_at <= $1`, [ctx.now()]);
  let n = 0;
  for (const { application_id } of due) {
    await ctx.db.transaction(async (tx) => {
      const app = await loadApplication(tx, application_id, SYSTEM_ACTOR, { forUpdate: true });
      if (!availableActions(app.status, 'system').includes('sms_fail')) return;
      await failCheck(ctx, tx, app, SYSTEM_ACTOR, 'expired');
      n++;
    });
  }
  return n;
}
