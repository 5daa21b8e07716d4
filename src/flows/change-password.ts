// A person changes their own password: the current one is checked (and wrong guesses count
// against the account's sign-in throttle), the new one must pass the password rule, and every
// other session of the account ends. It also clears must_change_password, set on an account
// whose password someone else chose (`beian admin create`, ADR 0012): the new one must differ.
import { findAccount } from '../db/accounts.ts';
import { hashPassword, verifyPassword } from '../db/credentials.ts';
import { lockedForSeconds, recordFailure } from '../db/login-throttle.ts';
import { revokeUserSessions } from '../db/sessions.ts';
import { THROTTLE_POLICY, validatePassword } from '../domain/accounts.ts';
import type { Actor } from '../domain/actors.ts';
import type { FieldProblem } from '../domain/errors.ts';
import { AccountInputError, CurrentPasswordWrongError, SignInThrottledError, UserNotFoundError, check } from './account-errors.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';

export interface ChangePasswordInput { currentPassword: string; newPassword: string; keepSessionHash: string | null }

export async function changePassword(ctx: FlowContext, actor: Actor, input: ChangePasswordInput): Promise<void> {
  const account = actor.userId ? await findAccount(ctx.db, actor.userId) : null;
  if (!account) throw new UserNotFoundError();
  const key = `user:${account.id}`;
  const locked = await lockedForSeconds(ctx.db, [key], ctx.now());
  if (locked > 0) throw new SignInThrottledError(locked);
  if (!(await verifyPassword(account.password_hash, input.currentPassword))) {
    const until = await recordFailure(ctx.db, key, THROTTLE_POLICY.login, ctx.now());
    if (until) throw new SignInThrottledError(Math.max(1, Math.ceil((until.getTime() - ctx.now().getTime()) / 1000)));
    throw new CurrentPasswordWrongError();
  }
  const email = account.email_enc ? ctx.sealer.open(account.email_enc) : null;
  const mobile = account.mobile_enc ? ctx.sealer.open(account.mobile_enc) : null;
  const problems: FieldProblem[] = [];
  const password = check(problems, 'newPassword', validatePassword(input.newPassword, { email, mobile, login: account.login }));
  if (password && password === input.currentPassword) {
    problems.push({ field: 'newPassword', code: 'password_unchanged', message: 'choose a password other than the current one' });
  }
  if (!password || problems.length) throw new AccountInputError(problems);
  const hash = await hashPassword(password);
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    await tx.query('update users set password_hash = $2, must_change_password = false where id = $1', [account.id, hash]);
    await revokeUserSessions(tx, account.id, now, input.keepSessionHash);
    await recordHistory(tx, actor, { entityType: 'user', entityId: account.id, action: 'password_changed' }, now);
  });
}
