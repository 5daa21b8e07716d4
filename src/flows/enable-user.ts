// The ministry administrator enables a disabled account again. Its old sessions stay ended;
// the person signs in anew.
import type { Actor } from '../domain/actors.ts';
import { UserNotFoundError, UserStatusConflictError } from './account-errors.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';

export async function enableUser(ctx: FlowContext, actor: Actor, userId: string): Promise<void> {
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    const [user] = await tx.query<{ disabled_at: Date | null }>('select disabled_at from users where id = $1 for update', [userId]);
    if (!user) throw new UserNotFoundError();
    if (!user.disabled_at) throw new UserStatusConflictError(false);
    await tx.query('update users set disabled_at = null where id = $1', [userId]);
    await recordHistory(tx, actor, { entityType: 'user', entityId: userId, action: 'enabled', from: 'disabled', to: 'active' }, now);
  });
}
