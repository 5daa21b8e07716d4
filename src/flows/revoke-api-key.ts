// Revoking a key takes effect on the next request (keys are looked up on every request).
// Another organisation's key is "not found" (house rule 7). Revoking twice changes nothing.
import type { Actor } from '../domain/actors.ts';
import { ApiKeyNotFoundError } from './account-errors.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';

export async function revokeApiKey(ctx: FlowContext, actor: Actor, keyId: string): Promise<void> {
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    const [key] = await tx.query<{ revoked_at: Date | null }>(
      'select revoked_at from api_keys where id = $1 and organisation_id = $2 for update', [keyId, actor.orgId]);
    if (!key) throw new ApiKeyNotFoundError();
    if (key.revoked_at) return;
    await tx.query('update api_keys set revoked_at = $2 where id = $1', [keyId, now]);
    await recordHistory(tx, actor, { entityType: 'api_key', entityId: keyId, action: 'revoked', from: 'active', to: 'revoked' }, now);
  });
}
