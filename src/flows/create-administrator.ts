// The first (or another) ministry administrator of a deployment, created from the command line
// (`beian admin create`, issue 12 part 2; ADR 0012): a fresh database has the ministry and the
// bureaus but no account, and the API's administration needs a signed-in administrator. The
// password is generated (or given on standard input) and is one-time: the account must set its
// own with POST /api/auth/password before any other call (must_change_password).
import { hashPassword } from '../db/credentials.ts';
import { validateDisplayName, validatePassword, validateStaffLogin } from '../domain/accounts.ts';
import { SYSTEM_ACTOR } from '../domain/actors.ts';
import type { FieldProblem } from '../domain/errors.ts';
import { validateEmail } from '../domain/validation/index.ts';
import { AccountInputError, check, LoginTakenError, OrganisationNotFoundError, uniqueViolation } from './account-errors.ts';
import type { FlowContext } from './context.ts';
import { generatePassword } from './create-user.ts';
import { recordHistory } from './history.ts';

export interface CreateAdministratorInput {
  login: string;
  email: string;
  displayName?: string | undefined;
  /** Omitted: one is generated and returned. */
  password?: string | undefined;
}

export interface CreatedAdministrator { id: string; login: string; organisationName: string; password: string; generated: boolean }

export async function createAdministrator(ctx: FlowContext, input: CreateAdministratorInput): Promise<CreatedAdministrator> {
  const v = validateAdministrator(input);
  const passwordHash = await hashPassword(v.password);
  const now = ctx.now();
  try {
    return await ctx.db.transaction(async (tx) => {
      const [ministry] = await tx.query<{ id: string; name: string }>(`select id, name from organisations where reference_key = 'ministry'`);
      if (!ministry) throw new OrganisationNotFoundError();
      if ((await tx.query('select 1 from users where login = $1', [v.login])).length) throw new LoginTakenError();
      const [row] = await tx.query<{ id: string }>(
        `insert into users (role, organisation_id, display_name, login, password_hash, email_enc, email_hash, must_change_password, created_at)
         values ('ministry_admin', $1, $2, $3, $4, $5, $6, true, $7) returning id`,
        [ministry.id, v.displayName, v.login, passwordHash, ctx.sealer.seal(v.email), ctx.sealer.hash('email', v.email), now],
      );
      await recordHistory(tx, SYSTEM_ACTOR, {
        entityType: 'user', entityId: row!.id, action: 'created', to: 'active',
        reason: { role: 'ministry_admin', organisationId: ministry.id, via: 'command line' },
      }, now);
      return { id: row!.id, login: v.login, organisationName: ministry.name, password: v.password, generated: input.password === undefined };
    });
  } catch (err) {
    if (uniqueViolation(err) === 'users_login_key') throw new LoginTakenError();
    throw err;
  }
}

/** The input's problems (AccountInputError naming each field), before any database work. */
export function validateAdministrator(input: CreateAdministratorInput) {
  const problems: FieldProblem[] = [];
  const login = check(problems, 'login', validateStaffLogin(input.login));
  const email = check(problems, 'email', validateEmail(input.email))?.toLowerCase();
  // No name given: the login is the name — and a bad login is reported once, as the login's problem.
  const displayName = input.displayName === undefined && !login ? null : check(problems, 'displayName', validateDisplayName(input.displayName ?? login ?? ''));
  const password = input.password === undefined
    ? generatePassword()
    : check(problems, 'password', validatePassword(input.password, { email: email ?? null, login: login ?? null }));
  if (problems.length || !login || !email || !displayName || !password) throw new AccountInputError(problems);
  return { login, email, displayName, password };
}
