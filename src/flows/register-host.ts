// A host registers (issue 3, item 1): display name, mobile, email and password. Mobile and
// email are sealed with a keyed hash beside each (one account per mobile and per email);
// hosts sign in with their email or mobile, which are stored sealed and found by keyed hash. Registration signs the host in.
import { hashPassword } from '../db/credentials.ts';
import type { Queryable } from '../db/connection.ts';
import { insertSession, type NewSession } from '../db/sessions.ts';
import { accountActor, validateDisplayName, validatePassword } from '../domain/accounts.ts';
import type { FieldProblem } from '../domain/errors.ts';
import { validateEmail, validateMobile } from '../domain/validation/index.ts';
import { AccountInputError, AlreadyRegisteredError, check, uniqueViolation } from './account-errors.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';

export interface RegisterHostInput { displayName: string; mobile: string; email: string; password: string; locale: 'zh-CN' | 'en' }

export async function registerHost(ctx: FlowContext, input: RegisterHostInput, requestId: string | null): Promise<{ userId: string; session: NewSession }> {
  const v = validate(input);
  const mobileHash = ctx.sealer.hash('phone', v.mobile);
  const emailHash = ctx.sealer.hash('email', v.email);
  // argon2 outside the transaction: it takes tens of milliseconds and PGlite runs one query at a time.
  const passwordHash = await hashPassword(v.password);
  const now = ctx.now();
  try {
    return await ctx.db.transaction(async (tx) => {
      await assertUnregistered(tx, mobileHash, emailHash, v.email);
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
    // Two registrations racing past the check: the unique indexes decide.
    const constraint = uniqueViolation(err);
    if (constraint === 'users_host_mobile') throw new AlreadyRegisteredError([taken('mobile')]);
    if (constraint !== null) throw new AlreadyRegisteredError([taken('email')]);
    throw err;
  }
}

function validate(input: RegisterHostInput) {
  const problems: FieldProblem[] = [];
  const displayName = check(problems, 'displayName', validateDisplayName(input.displayName));
  const mobile = check(problems, 'mobile', validateMobile(input.mobile));
  const email = check(problems, 'email', validateEmail(input.email))?.toLowerCase() ?? null;
  const password = check(problems, 'password', validatePassword(input.password, { mobile, email }));
  if (problems.length || !displayName || !mobile || !email || !password) throw new AccountInputError(problems);
  return { displayName, mobile, email, password };
}

const taken = (field: 'mobile' | 'email'): FieldProblem => ({
  field, code: `${field}_taken`, message: `an account with this ${field === 'mobile' ? 'mobile number' : 'email'} exists; sign in instead`,
});

async function assertUnregistered(tx: Queryable, mobileHash: string, emailHash: string, login: string): Promise<void> {
  const [row] = await tx.query<{ mobile: boolean; email: boolean }>(
    `select exists (select 1 from users where role = 'host' and mobile_hash = $1) as mobile,
            exists (select 1 from users where (role = 'host' and email_hash = $2) or login = $3) as email`,
    [mobileHash, emailHash, login],
  );
  const problems = [...(row?.mobile ? [taken('mobile')] : []), ...(row?.email ? [taken('email')] : [])];
  if (problems.length) throw new AlreadyRegisteredError(problems);
}
