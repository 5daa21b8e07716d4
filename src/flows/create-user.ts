// The ministry administrator creates a staff account: the role must be the one of its
// organisation's kind (a bureau reviewer needs a bureau). The first password is generated
// and returned once, for the administrator to hand over; someone else has seen it, so the
// account must change it (POST /api/auth/password) before anything else (must_change_password,
// as for `beian admin create`). An optional contact email is sealed.
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/connection.ts';
import { hashPassword } from '../db/credentials.ts';
import {
  type StaffRole, roleFitsOrganisation, validateDisplayName, validatePassword, validateStaffLogin,
} from '../domain/accounts.ts';
import type { Actor, OrganisationKind } from '../domain/actors.ts';
import type { FieldProblem } from '../domain/errors.ts';
import { validateEmail } from '../domain/validation/index.ts';
import { AccountInputError, LoginTakenError, check, uniqueViolation } from './account-errors.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';

export interface CreateUserInput {
  organisationId: string;
  role: StaffRole;
  displayName: string;
  login: string;
  email?: string | null | undefined;
  locale: 'zh-CN' | 'en';
}

/** 15 random bytes → 20 characters of base64url; redrawn in the rare case it has one class. */
export function generatePassword(): string {
  for (;;) {
    const p = randomBytes(15).toString('base64url');
    if (validatePassword(p).ok) return p;
  }
}

export async function createUser(ctx: FlowContext, actor: Actor, input: CreateUserInput): Promise<{ id: string; initialPassword: string }> {
  const v = validate(input);
  const initialPassword = generatePassword();
  const passwordHash = await hashPassword(initialPassword);
  const now = ctx.now();
  try {
    const id = await ctx.db.transaction(async (tx) => {
      await assertFits(tx, input.organisationId, input.role);
      if ((await tx.query('select 1 from users where login = $1', [v.login])).length) throw new LoginTakenError();
      const [row] = await tx.query<{ id: string }>(
        `insert into users (role, organisation_id, display_name, login, password_hash, email_enc, email_hash, locale, must_change_password, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, true, $9) returning id`,
        [input.role, input.organisationId, v.displayName, v.login, passwordHash,
          v.email ? ctx.sealer.seal(v.email) : null, v.email ? ctx.sealer.hash('email', v.email) : null, input.locale, now],
      );
      await recordHistory(tx, actor, {
        entityType: 'user', entityId: row!.id, action: 'created', to: 'active', reason: { role: input.role, organisationId: input.organisationId },
      }, now);
      return row!.id;
    });
    return { id, initialPassword };
  } catch (err) {
    if (uniqueViolation(err) === 'users_login_key') throw new LoginTakenError();
    throw err;
  }
}

function validate(input: CreateUserInput) {
  const problems: FieldProblem[] = [];
  const displayName = check(problems, 'displayName', validateDisplayName(input.displayName));
  const login = check(problems, 'login', validateStaffLogin(input.login));
  const email = input.email ? check(problems, 'email', validateEmail(input.email))?.toLowerCase() ?? null : null;
  if (problems.length || !displayName || !login) throw new AccountInputError(problems);
  return { displayName, login, email };
}

async function assertFits(tx: Queryable, organisationId: string, role: StaffRole): Promise<void> {
  const [org] = await tx.query<{ kind: OrganisationKind }>('select kind from organisations where id = $1', [organisationId]);
  if (!org) throw new AccountInputError([{ field: 'organisationId', code: 'organisation_not_found', message: 'no such organisation' }]);
  if (!roleFitsOrganisation(role, org.kind)) {
    throw new AccountInputError([{ field: 'role', code: 'role_organisation_mismatch', message: `staff of a ${org.kind} organisation have another role` }]);
  }
}
