// A host registers (issue 3, item 1): display name, mobile, email and password. Mobile and
// email are sealed with a keyed hash beside each (one account per mobile and per email);
// hosts sign in with their email or mobile, which are stored sealed and found by keyed hash. Registration signs the host in.
//
// The mobile is proven first (ADR 0005 addendum 2026-12-07): `smsCode` is the code POST
// /api/auth/register/code sent (request-registration-code.ts). Every reason the registration cannot go
// ahead after the fields are valid — a wrong, expired, exhausted or missing code, a mobile or email that
// already has an account — answers the same 400 `sms_code_invalid`, and the code is checked before
// anything about accounts, so a prober without the phone learns nothing. With the right code (the
// prober owns the phone) a taken email uses the code up and its owner is told by email.
import { hashPassword } from '../db/credentials.ts';
import { useOneTimeCode } from '../db/one-time-codes.ts';
import type { Queryable } from '../db/connection.ts';
import { insertSession, type NewSession } from '../db/sessions.ts';
import { accountActor, validateDisplayName, validatePassword } from '../domain/accounts.ts';
import type { FieldProblem } from '../domain/errors.ts';
import { validateEmail, validateMobile } from '../domain/validation/index.ts';
import { enqueueEmail } from '../notify/outbox.ts';
import { AccountInputError, check, uniqueViolation } from './account-errors.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';
import { hasHostAccount, REGISTRATION_CODE_MAX_ATTEMPTS, REGISTRATION_CODE_MAX_ATTEMPTS_ALL, registrationCodeHash } from './request-registration-code.ts';

export interface RegisterHostInput { displayName: string; mobile: string; email: string; password: string; locale: 'zh-CN' | 'en'; smsCode?: string | undefined }

const codeProblem: FieldProblem = {
  field: 'smsCode', code: 'sms_code_invalid',
  message: 'the code is wrong or no longer valid, or this mobile or email cannot register; ask for a new code (POST /api/auth/register/code). '
    + 'A mobile or email that already has an account cannot register again: its owner has been sent a password-reset code or an email',
};
const codeMissing: FieldProblem = {
  field: 'smsCode', code: 'sms_code_required',
  message: 'ask for a code first: POST /api/auth/register/code with the mobile sends one by SMS; send it here as smsCode',
};

/**
 * `client`: who tries the code — an IPv4 address, or an IPv6 /64 (clientOf in src/api/rate-limit.ts); wrong
 * tries count per client and on the code (src/db/one-time-codes.ts), kept only as a keyed hash.
 */
export async function registerHost(ctx: FlowContext, input: RegisterHostInput, client: string, requestId: string | null): Promise<{ userId: string; session: NewSession }> {
  const v = validate(input);
  const mobileHash = ctx.sealer.hash('phone', v.mobile);
  const emailHash = ctx.sealer.hash('email', v.email);
  // argon2 outside the transaction: it takes tens of milliseconds and PGlite runs one query at a time.
  const passwordHash = await hashPassword(v.password);
  const now = ctx.now();
  let outcome: { userId: string; session: NewSession } | 'refused';
  try {
    outcome = await ctx.db.transaction(async (tx) => {
      const codes = { table: 'registration_codes', keyColumn: 'mobile_hash', maxAttempts: REGISTRATION_CODE_MAX_ATTEMPTS, maxAttemptsAll: REGISTRATION_CODE_MAX_ATTEMPTS_ALL, hash: (id: string, c: string) => registrationCodeHash(ctx.sealer, id, c) } as const;
      if (!(await useOneTimeCode(tx, codes, mobileHash, v.smsCode, ctx.sealer.hash('client_address', client), now))) return 'refused' as const;
      // The code was right: only now anything about accounts. Its owner learns a taken email by email.
      if (await hasHostAccount(tx, mobileHash)) return 'refused' as const;
      if (await emailTaken(tx, emailHash, v.email)) {
        await enqueueEmail(tx, ctx.sealer, {
          to: v.email,
          subject: '您的邮箱已有备案系统账号 / Your email already has a beian account',
          text: `有人用本邮箱在备案系统（${ctx.publicUrl}）注册主办者账号，但本邮箱已有账号，未注册新账号。如是您本人，请直接登录；忘记密码可在登录页「忘记密码」重置。如非您本人操作，请忽略本邮件。\n\n`
            + `Someone tried to register a host account at ${ctx.publicUrl} with this email, which already has an account; no new account was made. `
            + 'If it was you, sign in, or use "Forgot password" on the sign-in page. If not, ignore this email.',
        }, { tag: 'registration_email_taken' });
        return 'refused' as const;
      }
      const [row] = await tx.query<{ id: string }>(
        `insert into users (role, display_name, password_hash, mobile_enc, mobile_hash, email_enc, email_hash, locale, created_at)
         values ('host', $1, $2, $3, $4, $5, $6, $7, $8) returning id`,
        [v.displayName, passwordHash, ctx.sealer.seal(v.mobile), mobileHash, ctx.sealer.seal(v.email), emailHash, input.locale, now],
      );
      const userId = row!.id;
      const actor = accountActor({ userId, role: 'host', orgId: null, orgKind: null, orgProvinceCode: null, requestId });
      await recordHistory(tx, actor, { entityType: 'user', entityId: userId, action: 'registered', to: 'active' }, now);
      return { userId, session: await insertSession(tx, userId, now) };
    });
  } catch (err) {
    // Two registrations racing past the checks: the unique indexes decide, and the answer is the same.
    if (uniqueViolation(err) !== null) throw new AccountInputError([codeProblem]);
    throw err;
  }
  // A wrong code's attempt (or a used-up code) is committed above; only then the refusal.
  if (outcome === 'refused') throw new AccountInputError([codeProblem]);
  return outcome;
}

function validate(input: RegisterHostInput) {
  const problems: FieldProblem[] = [];
  const displayName = check(problems, 'displayName', validateDisplayName(input.displayName));
  const mobile = check(problems, 'mobile', validateMobile(input.mobile));
  const email = check(problems, 'email', validateEmail(input.email))?.toLowerCase() ?? null;
  const password = check(problems, 'password', validatePassword(input.password, { mobile, email }));
  const smsCode = input.smsCode?.trim() ?? '';
  if (!smsCode) problems.push(codeMissing);
  if (problems.length || !displayName || !mobile || !email || !password) throw new AccountInputError(problems);
  return { displayName, mobile, email, password, smsCode };
}



async function emailTaken(tx: Queryable, emailHash: string, login: string): Promise<boolean> {
  const [row] = await tx.query<{ taken: boolean }>(
    `select exists (select 1 from users where (role = 'host' and email_hash = $1) or login = $2) as taken`, [emailHash, login]);
  return row!.taken;
}
