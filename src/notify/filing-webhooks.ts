// Webhooks for relying parties (issue 5, item 5; issue 13 item 8): when a filed service is cancelled,
// revoked, changed or left without access (a shell, `filing.shell`), every organisation that
// checked it (verification_watches) and subscribed a webhook gets one outbox row per subscription, written in the changing transaction (house rule 5) —
// a rolled-back change tells nobody. The body (src/db/filing-event-body.ts) names the filing, never a person: an individual
// host's name is masked and no reason text is included (it may quote personal details).
import type { Queryable } from '../db/connection.ts';
import { type FilingEvent, filingEventBody, filingOfEvent } from '../db/filing-event-body.ts';
import type { RemovedIdentity } from '../domain/verification.ts';
import { enqueueWebhook } from './outbox.ts';

/** A console user's test delivery (src/flows/send-webhook-test.ts): tried once, its sender waiting for the answer. */
export const TEST_EVENT = 'webhook.test';

interface SubscriptionRow { id: string; url: string }

/**
 * Queues the event for every live subscription of every organisation watching the service; returns how many.
 * `removed`: the identities a change stopped answering `filed` (removedIdentities in src/domain/verification.ts).
 */
export async function enqueueFilingWebhooks(tx: Queryable, serviceId: string, event: FilingEvent, at: Date, removed: RemovedIdentity[] = []): Promise<number> {
  const subs = await tx.query<SubscriptionRow>(
    `select ws.id, ws.url
       from verification_watches w
       join webhook_subscriptions ws on ws.organisation_id = w.organisation_id and ws.deleted_at is null
      where w.service_id = $1
      order by ws.created_at, ws.id`,
    [serviceId],
  );
  if (subs.length === 0) return 0;
  const filing = await filingOfEvent(tx, serviceId, removed);
  for (const s of subs) {
    const body = filingEventBody(event, at, filing);
    // The subscription, not a copy of its secret: the worker signs with the subscription's secret
    // when the delivery is due, and drops it if the subscription was deleted meanwhile.
    await enqueueWebhook(tx, { subscriptionId: s.id, url: s.url, body }, { tag: event });
  }
  return subs.length;
}
