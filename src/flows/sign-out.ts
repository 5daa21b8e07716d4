// Sign-out: the session ends now (revoked, not deleted, so history can still name it).
import { digest } from '../db/credentials.ts';
import { revokeSession } from '../db/sessions.ts';
import type { Actor } from '../domain/actors.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';

export async function signOut(ctx: FlowContext, actor: Actor, sessionToken: string): Promise<void> {
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    const ended = await revokeSession(tx, digest(sessionToken), now);
    if (ended && actor.userId) await recordHistory(tx, actor, { entityType: 'user', entityId: actor.userId, action: 'signed_out' }, now);
  });
}
