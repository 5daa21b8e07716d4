// An organisation's staff create an API key for its systems. The secret is returned once and
// stored only as its SHA-256 digest (src/db/credentials.ts); the key acts for the organisation.
import { newApiKey } from '../db/credentials.ts';
import type { Actor } from '../domain/actors.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';

export async function createApiKey(ctx: FlowContext, actor: Actor, input: { name: string }): Promise<{ id: string; secret: string }> {
  if (!actor.orgId) throw new Error('createApiKey needs an actor with an organisation');
  const key = newApiKey();
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into api_keys (organisation_id, name, key_prefix, key_hash, created_by, created_at)
       values ($1, $2, $3, $4, $5, $6) returning id`,
      [actor.orgId, input.name, key.prefix, key.hash, actor.userId, now],
    );
    await recordHistory(tx, actor, { entityType: 'api_key', entityId: row!.id, action: 'created', to: 'active', reason: { name: input.name } }, now);
    return { id: row!.id, secret: key.key };
  });
}
