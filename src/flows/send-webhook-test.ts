// Queues a test delivery (`webhook.test`) to one of the caller's organisation's webhooks, so staff can
// see that their endpoint receives and verifies signed deliveries before any filing changes. The body
// names the webhook, never a filing or a person; it is signed with the subscription's secret by the
// same worker path as every delivery (src/notify/worker.ts), tried once, never retried. Another
// organisation's webhook is "not found" (house rule 7).
import { randomUUID } from 'node:crypto';
import type { Actor } from '../domain/actors.ts';
import { isUuid } from '../domain/ids.ts';
import { TEST_EVENT } from '../notify/filing-webhooks.ts';
import { enqueueWebhook } from '../notify/outbox.ts';
import type { FlowContext } from './context.ts';
import { WebhookNotFoundError } from './delete-webhook-subscription.ts';

export { TEST_EVENT };

export interface WebhookTestBody { id: string; event: typeof TEST_EVENT; occurredAt: string; webhook: { id: string } }

/**
 * Returns the outbox id of the queued test delivery, leased to the caller, who sends it at once
 * (src/notify/worker.ts deliverNow) — a worker takes it only if that lease runs out.
 */
export async function sendWebhookTest(ctx: FlowContext, actor: Actor, webhookId: string, leaseMs = 5 * 60_000): Promise<number> {
  if (!actor.orgId || !isUuid(webhookId)) throw new WebhookNotFoundError();
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const [s] = await tx.query<{ id: string; url: string }>(
      'select id, url from webhook_subscriptions where id = $1 and organisation_id = $2 and deleted_at is null', [webhookId, actor.orgId]);
    if (!s) throw new WebhookNotFoundError();
    const body: WebhookTestBody = { id: randomUUID(), event: TEST_EVENT, occurredAt: now.toISOString(), webhook: { id: s.id } };
    return enqueueWebhook(tx, { subscriptionId: s.id, url: s.url, body, once: true }, { tag: TEST_EVENT, leasedUntil: new Date(now.getTime() + leaseMs) });
  });
}
