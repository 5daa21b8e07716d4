// Step 1 of host self-registration (security audit; ADR 0005 addendum 2026-12-07): prove the mobile
// before the account exists. The caller answers the same 202 whatever happens here, so nobody learns
// whether the mobile has an account:
// - a mobile with no host account gets a 6-digit code by SMS (template `verification_code`, which
//   every deployment with a gateway already has: no new template id); POST /api/auth/register needs it;
// - a mobile that has a host account gets a password-reset code instead (template
//   `password_reset_code`, the reset flow with its own limits), so its owner — the only one who reads
//   the SMS — learns that an account exists and can get into it; nobody else can register the mobile;
// - a mobile's requests are acted on at most REGISTRATION_CODES_PER_CLIENT_HOUR an hour from one client
//   (an IPv4 address or an IPv6 /64) and REGISTRATION_CODES_PER_HOUR an hour from all (SMS bombing); the
//   rest send nothing. Per client first, so one stranger cannot use up the mobile's hour and keep its
//   owner, asking from elsewhere, waiting (ADR 0005 addendum "A fairer limit").
// Codes are keyed hashes, never in clear; a new code supersedes the pending one.
import { randomInt, randomUUID } from 'node:crypto';
import type { Queryable } from '../db/connection.ts';
import type { Sealer } from '../db/personal-data.ts';
import type { FieldProblem } from '../domain/errors.ts';
import { validateMobile } from '../domain/validation/index.ts';
import { enqueueSms } from '../notify/outbox.ts';
import { SMS_CODE_VALIDITY_MS, validityEn, validityZh } from '../notify/sms-templates.ts';
import { AccountInputError, check } from './account-errors.ts';
import type { FlowContext } from './context.ts';
import { requestPasswordReset } from './reset-password.ts';

/**
 * A registration code is valid as long as the `verification_code` template it goes by says (24小时内有效):
 * what the mobile's owner reads must be true, and the template cannot say otherwise without a new template
 * id in every deployment (ADR 0005 addendum "What the SMS says"). Guessing is bounded by attempts per code
 * and codes per mobile, not by the validity.
 */
export const REGISTRATION_CODE_VALIDITY_MS = SMS_CODE_VALIDITY_MS.verification_code;
/** Wrong tries one client (an IPv4 address, an IPv6 /64) has at a registration code (ADR 0005 addendum "Wrong codes counted per client"). */
export const REGISTRATION_CODE_MAX_ATTEMPTS = 5;
/** Wrong tries all clients together have at a registration code: then it is exhausted for everyone. */
export const REGISTRATION_CODE_MAX_ATTEMPTS_ALL = 20;
/** Requests acted on per mobile an hour, from every client together: what one phone may be sent. */
export const REGISTRATION_CODES_PER_HOUR = 10;
/** Requests acted on per mobile an hour from one client: a stranger's share of REGISTRATION_CODES_PER_HOUR. */
export const REGISTRATION_CODES_PER_CLIENT_HOUR = 3;
/** The longest window a mobile's requests are counted over. */
export const REGISTRATION_CODE_WINDOWS_MS = 3_600_000;
/**
 * How long a registration code row is kept (purge-registration-codes.ts): two days — at least twice the
 * longest time a row is read (its code's validity, the longest window its request is counted in), so
 * no purge removes a row that still counts, and no longer: nothing else reads it.
 */
export const REGISTRATION_CODE_RETENTION_MS = 2 * 86_400_000;

export const registrationCodeHash = (sealer: Sealer, id: string, code: string) => sealer.hash('sms_code', `registration:${id}:${code}`);

/** The mobile, validated and normalised; 400 naming `mobile` otherwise (its form only: no account is looked at). */
export function registrationMobile(mobile: string): string {
  const problems: FieldProblem[] = [];
  const v = check(problems, 'mobile', validateMobile(mobile));
  if (!v || problems.length) throw new AccountInputError(problems);
  return v;
}

/**
 * `client`: who asks — an IPv4 address, or an IPv6 /64 (clientOf in src/api/rate-limit.ts), the same
 * client the per-address quota counts; kept only as a keyed hash.
 */
export async function requestRegistrationCode(ctx: FlowContext, input: { mobile: string; client: string }, requestId: string | null): Promise<void> {
  const mobile = registrationMobile(input.mobile);
  const mobileHash = ctx.sealer.hash('phone', mobile);
  const clientHash = ctx.sealer.hash('client_address', input.client);
  const now = ctx.now();
  const outcome = await ctx.db.transaction(async (tx) => {
    // One request at a time per mobile (the pending code is unique per mobile).
    await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`registration:${mobileHash}`]);
    const [recent] = await tx.query<{ total: number; mine: number }>(
      `select count(*)::int as total, (count(*) filter (where client_hash = $3))::int as mine
         from registration_codes where mobile_hash = $1 and created_at > $2`,
      [mobileHash, new Date(now.getTime() - REGISTRATION_CODE_WINDOWS_MS), clientHash]);
    if (recent!.mine >= REGISTRATION_CODES_PER_CLIENT_HOUR || recent!.total >= REGISTRATION_CODES_PER_HOUR) return 'quota' as const;
    const id = randomUUID();
    if (await hasHostAccount(tx, mobileHash)) {
      await tx.query(
        `insert into registration_codes (id, mobile_hash, client_hash, code_hash, status, created_at, expires_at, decided_at)
         values ($1, $2, $3, null, 'account_exists', $4, $4, $4)`, [id, mobileHash, clientHash, now]);
      return 'account_exists' as const;
    }
    await tx.query(`update registration_codes set status = 'superseded', decided_at = $2 where mobile_hash = $1 and status = 'pending'`, [mobileHash, now]);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await enqueueSms(tx, ctx.sealer, {
      mobile,
      text: `【备案系统】您正在注册备案系统主办者账号，验证码：${code}，${validityZh(REGISTRATION_CODE_VALIDITY_MS)}内有效，请勿告知他人。如非本人操作请忽略。`
        + `Code ${code} confirms your mobile for a new beian host account; valid ${validityEn(REGISTRATION_CODE_VALIDITY_MS)}.`,
      template: { kind: 'verification_code', params: { code } },
    }, { tag: 'registration_code' });
    await tx.query(
      `insert into registration_codes (id, mobile_hash, client_hash, code_hash, created_at, expires_at) values ($1, $2, $3, $4, $5, $6)`,
      [id, mobileHash, clientHash, registrationCodeHash(ctx.sealer, id, code), now, new Date(now.getTime() + REGISTRATION_CODE_VALIDITY_MS)]);
    return 'sent' as const;
  });
  // The owner of the mobile's account: a password-reset code (its own transaction and per-account and per-client limits).
  if (outcome === 'account_exists') await requestPasswordReset(ctx, { login: mobile, client: input.client }, requestId);
}

export async function hasHostAccount(tx: Queryable, mobileHash: string): Promise<boolean> {
  const [row] = await tx.query<{ taken: boolean }>(`select exists (select 1 from users where role = 'host' and mobile_hash = $1) as taken`, [mobileHash]);
  return row!.taken;
}
