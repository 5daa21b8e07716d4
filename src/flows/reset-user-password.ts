// An administrator sets a new one-time password on a staff account: the way back in for staff who
// forgot theirs and have no email to receive a reset code (the self-service reset,
// reset-password.ts, sends staff codes by email only), and for an account suspected of being
// compromised. The ministry administrator does it in the API (POST /api/admin/users/{id}/password);
// `beian admin reset-password` does it from the command line when no administrator can sign in.
//
// The new password is generated (or given, on the command line) and is one-time, as at creation:
// the account must set its own (POST /api/auth/password) before anything else. Every session of
// the account ends, a pending reset code is superseded and the sign-in lock of the account is
// lifted. Host accounts are refused: a host proves who they are by SMS on their own mobile
// (reset-password.ts), and an administrator who could set a host's password could act as the host.
// Administrators change their own password with their current one (change-password.ts).
import { hashPassword } from '../db/credentials.ts';
import { clearFailures } from '../db/login-throttle.ts';
import { revokeUserSessions } from '../db/sessions.ts';
import { validatePassword } from '../domain/accounts.ts';
import type { Actor } from '../domain/actors.ts';
import { AccountInputError, HostPasswordResetError, OwnPasswordResetError, UserNotFoundError } from './account-errors.ts';
import type { FlowContext } from './context.ts';
import { generatePassword } from './create-user.ts';
import { recordHistory } from './history.ts';
import { accountThrottleKey } from './sign-in.ts';

/** The account by id (the API) or by login (the command line). */
export type ResetTarget = { id: string } | { login: string };

export interface PasswordResetByAdministrator { id: string; login: string; password: string; generated: boolean }

export async function resetUserPassword(ctx: FlowContext, actor: Actor, target: ResetTarget, password?: string): Promise<PasswordResetByAdministrator> {
  const now = ctx.now();
  const found = await ctx.db.query<{ id: string; role: string; login: string | null; email_enc: string | null }>(
    'id' in target ? 'select id, role, login, email_enc from users where id = $1' : 'select id, role, login, email_enc from users where login = $1',
    ['id' in target ? target.id : target.login.trim().toLowerCase()],
  );
  const user = found[0];
  if (!user) throw new UserNotFoundError();
  if (user.role === 'host') throw new HostPasswordResetError();
  if (user.id === actor.userId) throw new OwnPasswordResetError();
  if (password !== undefined) {
    const v = validatePassword(password, { login: user.login, email: user.email_enc ? ctx.sealer.open(user.email_enc) : null });
    if (!v.ok) throw new AccountInputError([{ field: 'password', code: v.error.code, message: v.error.message }]);
  }
  const chosen = password ?? generatePassword();
  const hash = await hashPassword(chosen);
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.query<{ role: string }>('select role from users where id = $1 for update', [user.id]);
    if (!row) throw new UserNotFoundError();
    await tx.query('update users set password_hash = $2, must_change_password = true where id = $1', [user.id, hash]);
    await revokeUserSessions(tx, user.id, now);
    await tx.query(`update password_resets set status = 'superseded', decided_at = $2 where user_id = $1 and status = 'pending'`, [user.id, now]);
    await clearFailures(tx, accountThrottleKey(user.id));
    await recordHistory(tx, actor, {
      entityType: 'user', entityId: user.id, action: 'password_set_by_administrator',
      reason: { via: actor.userId ? 'api' : 'command line', generated: password === undefined },
    }, now);
  });
  return { id: user.id, login: user.login ?? '', password: chosen, generated: password === undefined };
}
