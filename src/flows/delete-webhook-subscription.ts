// Ends a webhook subscription of the caller's organisation; another organisation's is "not
// found" (house rule 7). Deliveries already queued for it are dropped when they come due (the
// outbox worker checks the subscription then: src/notify/webhook-subscriptions.ts): a withdrawn
// URL is told nothing more, and nothing more is signed with its secret.
import type { Actor } from '../domain/actors.ts';
import { NamedError } from '../domain/errors.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';
import { isUuid } from '../domain/ids.ts';

export class WebhookNotFoundError extends NamedError {
  constructor() { super('webhook_not_found', 'not_found', 'no such webhook in your organisation'); }
}


export async function deleteWebhookSubscription(ctx: FlowContext, actor: Actor, id: string): Promise<void> {
  if (!isUuid(id)) throw new WebhookNotFoundError();
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    const rows = await tx.query<{ id: string }>(
      `update webhook_subscriptions set deleted_at = $3 where id = $1 and organisation_id = $2 and deleted_at is null returning id`,
      [id, actor.orgId, now],
    );
    if (!rows.length) throw new WebhookNotFoundError();
    await recordHistory(tx, actor, { entityType: 'organisation', entityId: actor.orgId!, action: 'webhook_deleted', reason: { webhookId: id } }, now);
  });
}
