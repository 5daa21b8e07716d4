// An organisation's staff create an API key for its systems. The secret is returned once and
// stored only as its SHA-256 digest (src/db/credentials.ts); the key acts for the organisation,
// within its scope: `verify` (the default) or `full`.
import { newApiKey } from '../db/credentials.ts';
import type { ApiKeyScope } from '../db/sessions.ts';
import type { Actor } from '../domain/actors.ts';
import { NamedError } from '../domain/errors.ts';
import { uniqueViolation } from './account-errors.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';

/** Another active key of the organisation has this name: keys are told apart by name in the console and in history. */
export class ApiKeyNameTakenError extends NamedError {
  constructor() {
    const message = 'another active key of your organisation has this name: choose another, or revoke that key first';
    super('api_key_name_taken', 'conflict', message, [{ field: 'name', code: 'api_key_name_taken', message }]);
  }
}

export async function createApiKey(ctx: FlowContext, actor: Actor, input: { name: string; scope?: ApiKeyScope }): Promise<{ id: string; secret: string }> {
  if (!actor.orgId) throw new Error('createApiKey needs an actor with an organisation');
  const key = newApiKey();
  // A new key may verify, nothing more, unless its creator chooses `full` (ADR 0005 addendum).
  const scope = input.scope ?? 'verify';
  try {
    return await insertKey(ctx, actor, input.name, scope, key);
  } catch (err) {
    // The partial unique index api_keys_active_name (migration 0052) decides, racing creations too.
    if (uniqueViolation(err) === 'api_keys_active_name') throw new ApiKeyNameTakenError();
    throw err;
  }
}

async function insertKey(ctx: FlowContext, actor: Actor, name: string, scope: ApiKeyScope, key: ReturnType<typeof newApiKey>): Promise<{ id: string; secret: string }> {
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into api_keys (organisation_id, name, key_prefix, key_hash, created_by, created_at, scope)
       values ($1, $2, $3, $4, $5, $6, $7) returning id`,
      [actor.orgId, name, key.prefix, key.hash, actor.userId, now, scope],
    );
    await recordHistory(tx, actor, { entityType: 'api_key', entityId: row!.id, action: 'created', to: 'active', reason: { name, scope } }, now);
    return { id: row!.id, secret: key.key };
  });
}
