// The ministry administrator disables an account: it cannot sign in, and its open sessions
// end now (revoked here; every request also checks disabled_at).
import { revokeUserSessions } from '../db/sessions.ts';
import type { Actor } from '../domain/actors.ts';
import { CannotDisableSelfError, UserNotFoundError, UserStatusConflictError } from './account-errors.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';

export async function disableUser(ctx: FlowContext, actor: Actor, userId: string): Promise<void> {
  if (userId === actor.userId) throw new CannotDisableSelfError();
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    const [user] = await tx.query<{ disabled_at: Date | null }>('select disabled_at from users where id = $1 for update', [userId]);
    if (!user) throw new UserNotFoundError();
    if (user.disabled_at) throw new UserStatusConflictError(true);
    await tx.query('update users set disabled_at = $2 where id = $1', [userId, now]);
    await revokeUserSessions(tx, userId, now);
    await recordHistory(tx, actor, { entityType: 'user', entityId: userId, action: 'disabled', from: 'active', to: 'disabled' }, now);
  });
}
