// Password reset by a code sent to the account's own mobile or email. Two uses, one flow:
// anyone who forgot their password, and the owner of a host account brought in by `beian import`
// (created with no usable password, docs/import.md), who sets the first one this way.
//
// - request: the same answer whether or not the login exists, is disabled, or has nothing to send
//   to (no account enumeration). A host gets the code by SMS on the account's mobile (template
//   `password_reset_code`), else by email; staff by email. At most RESET_MAX_PER_CLIENT_HOUR codes an
//   account an hour at one client's request (an IPv4 address, an IPv6 /64) and RESET_MAX_PER_HOUR from
//   all, so a stranger cannot use up the owner's requests; the rest send nothing and are answered alike.
//   A new code supersedes the pending one. Codes and clients are keyed hashes, never in clear.
// - confirm: 30 minutes, 5 wrong attempts; one answer for every reason a code does not work. The
//   new password follows the password rule; it ends every session and signs the person in.
import { randomInt, randomUUID } from 'node:crypto';
import { type AccountRow, findAccountByLogin } from '../db/accounts.ts';
import { hashPassword } from '../db/credentials.ts';
import { useOneTimeCode } from '../db/one-time-codes.ts';
import type { Sealer } from '../db/personal-data.ts';
import { insertSession, revokeUserSessions, type NewSession } from '../db/sessions.ts';
import { accountActor, parseLogin, validatePassword } from '../domain/accounts.ts';
import type { Actor } from '../domain/actors.ts';
import type { FieldProblem } from '../domain/errors.ts';
import { enqueueEmail, enqueueSms } from '../notify/outbox.ts';
import { AccountInputError, check } from './account-errors.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';

export const RESET_VALIDITY_MS = 30 * 60_000;
/** Wrong tries one client (an IPv4 address, an IPv6 /64) has at a reset code (ADR 0005 addendum "Wrong codes counted per client"). */
export const RESET_MAX_ATTEMPTS = 5;
/** Wrong tries all clients together have at a reset code: then it is exhausted for everyone. */
export const RESET_MAX_ATTEMPTS_ALL = 20;
/** Codes an account may be sent an hour, whoever asks (ADR 0005 addendum "Reset requests counted per client"). */
export const RESET_MAX_PER_HOUR = 10;
/** Codes an account may be sent an hour at the request of one client (an IPv4 address, an IPv6 /64): a stranger's share of RESET_MAX_PER_HOUR. */
export const RESET_MAX_PER_CLIENT_HOUR = 3;
/** The window an account's requests are counted over (RESET_MAX_PER_HOUR, RESET_MAX_PER_CLIENT_HOUR). */
export const RESET_WINDOW_MS = 3_600_000;
/**
 * How long a password reset row is kept (purge-password-resets.ts): two days — at least twice the longest
 * time a row is read (its code's validity, the window its request is counted in), so no purge removes a row
 * that still counts, and no longer: nothing else reads it (the account's history keeps `password_reset_requested` and `password_reset`).
 */
export const RESET_RETENTION_MS = 2 * 86_400_000;

const hashOf = (sealer: Sealer, id: string, code: string) => sealer.hash('sms_code', `password_reset:${id}:${code}`);

const actorOf = (a: AccountRow, requestId: string | null): Actor => accountActor({
  userId: a.id, role: a.role, orgId: a.organisation_id, orgKind: a.org_kind, orgProvinceCode: a.org_province_code, requestId,
});

/** Where the code goes: a host's mobile first (what it signs in with), else the account's email. */
function destination(a: AccountRow, sealer: Sealer): { channel: 'sms'; mobile: string } | { channel: 'email'; email: string } | null {
  if (a.role === 'host' && a.mobile_enc) return { channel: 'sms', mobile: sealer.open(a.mobile_enc) };
  if (a.email_enc) return { channel: 'email', email: sealer.open(a.email_enc) };
  return null;
}

/**
 * Queues a code when the login names an active account with somewhere to send it and neither limit is reached;
 * the caller answers the same either way. `client`: who asks (clientOf in src/api/rate-limit.ts), kept as a keyed hash.
 */
export async function requestPasswordReset(ctx: FlowContext, input: { login: string; client: string }, requestId: string | null): Promise<void> {
  const account = await findAccountByLogin(ctx.db, ctx.sealer, parseLogin(input.login));
  if (!account || account.disabled_at || account.org_status === 'suspended') return;
  const to = destination(account, ctx.sealer);
  if (!to) return;
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    await tx.query('select id from users where id = $1 for update', [account.id]); // one request at a time per account
    const clientHash = ctx.sealer.hash('client_address', input.client);
    const [recent] = await tx.query<{ total: number; mine: number }>(
      `select count(*)::int as total, (count(*) filter (where client_hash = $3))::int as mine
         from password_resets where user_id = $1 and created_at > $2`, [account.id, new Date(now.getTime() - RESET_WINDOW_MS), clientHash]);
    if (recent!.mine >= RESET_MAX_PER_CLIENT_HOUR || recent!.total >= RESET_MAX_PER_HOUR) return;
    await tx.query(`update password_resets set status = 'superseded', decided_at = $2 where user_id = $1 and status = 'pending'`, [account.id, now]);
    const id = randomUUID();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    if (to.channel === 'sms') {
      await enqueueSms(tx, ctx.sealer, {
        mobile: to.mobile,
        text: `【备案系统】您正在重置登录密码，验证码：${code}，30分钟内有效，如非本人操作请忽略。Code ${code} resets your beian password; valid 30 minutes.`,
        template: { kind: 'password_reset_code', params: { code } },
      }, { tag: 'password_reset' });
    } else {
      await enqueueEmail(tx, ctx.sealer, {
        to: to.email,
        subject: '重置备案系统登录密码 / Reset your beian password',
        text: `您正在重置备案系统（${ctx.publicUrl}）的登录密码，验证码：${code}，30分钟内有效。如非您本人操作，请忽略本邮件，您的密码不会改变。\n\n`
          + `Code ${code} resets the password of your account at ${ctx.publicUrl}; it is valid for 30 minutes. If you did not ask for it, ignore this email: your password stays as it is.`,
      }, { tag: 'password_reset' });
    }
    await tx.query(
      `insert into password_resets (id, user_id, channel, code_hash, created_at, expires_at, client_hash) values ($1,$2,$3,$4,$5,$6,$7)`,
      [id, account.id, to.channel, hashOf(ctx.sealer, id, code), now, new Date(now.getTime() + RESET_VALIDITY_MS), clientHash]);
    await recordHistory(tx, actorOf(account, requestId), { entityType: 'user', entityId: account.id, action: 'password_reset_requested', reason: { channel: to.channel } }, now);
  });
}

const codeProblem: FieldProblem = { field: 'code', code: 'reset_code_invalid', message: 'the code is wrong or no longer valid; ask for a new one' };

export interface ConfirmResetInput { login: string; code: string; newPassword: string }

/** Sets the new password when the code is right, ends every session and signs in. */
/** `client`: who tries the code (clientOf in src/api/rate-limit.ts): wrong tries count per client and on the code. */
export async function confirmPasswordReset(ctx: FlowContext, input: ConfirmResetInput, client: string, requestId: string | null): Promise<{ account: AccountRow; session: NewSession }> {
  const account = await findAccountByLogin(ctx.db, ctx.sealer, parseLogin(input.login));
  // No pending code can exist for these (request sends none): the same answer as a wrong code.
  if (!account || account.disabled_at || account.org_status === 'suspended') throw new AccountInputError([codeProblem]);
  const problems: FieldProblem[] = [];
  const password = check(problems, 'newPassword', validatePassword(input.newPassword, {
    email: account.email_enc ? ctx.sealer.open(account.email_enc) : null,
    mobile: account.mobile_enc ? ctx.sealer.open(account.mobile_enc) : null,
    login: account.login,
  }));
  if (!password || problems.length) throw new AccountInputError(problems);
  const hash = await hashPassword(password); // argon2 outside the transaction
  const now = ctx.now();
  const outcome = await ctx.db.transaction(async (tx) => {
    const right = await useOneTimeCode(tx, { table: 'password_resets', keyColumn: 'user_id', maxAttempts: RESET_MAX_ATTEMPTS, maxAttemptsAll: RESET_MAX_ATTEMPTS_ALL, hash: (id, c) => hashOf(ctx.sealer, id, c) },
      account.id, input.code.trim(), ctx.sealer.hash('client_address', client), now);
    if (!right) return null;
    await tx.query('update users set password_hash = $2, must_change_password = false where id = $1', [account.id, hash]);
    await revokeUserSessions(tx, account.id, now);
    await recordHistory(tx, actorOf(account, requestId), { entityType: 'user', entityId: account.id, action: 'password_reset' }, now);
    return insertSession(tx, account.id, now);
  });
  // A wrong code's attempt is committed above; only then the refusal.
  if (!outcome) throw new AccountInputError([codeProblem]);
  return { account, session: outcome };
}

