// Whom a queued webhook delivery may still go to, decided when it is due rather than when it was
// queued (a delivery may wait hours in the outbox between retries): the subscription must still
// stand — not deleted — and its organisation must still be an active relying party (not
// suspended). Otherwise the delivery is dropped: a withdrawn URL is told nothing, and no body is
// signed with a deleted secret (a re-subscription of the same URL has a new id and a new secret).
// The URL and the secret come from the subscription itself, so the outbox holds no copy of the secret.
import type { Queryable } from '../db/connection.ts';
import type { Sealer } from '../db/personal-data.ts';
import { API_KEY_KINDS } from '../domain/accounts.ts';
import type { WebhookMessage, WebhookPayload } from './outbox.ts';

/** Why a delivery was dropped: outbox.last_error_code (a stable code) and last_error. */
export interface DroppedDelivery { code: 'subscription_deleted' | 'organisation_suspended' | 'organisation_not_relying_party'; reason: string }

export type WebhookTarget = { send: WebhookMessage } | { drop: DroppedDelivery };

interface SubscriptionRow { id: string; url: string; secret_enc: string; deleted_at: Date | null; org_status: string; org_kind: string }

const SELECT = `select ws.id, ws.url, ws.secret_enc, ws.deleted_at, o.status as org_status, o.kind as org_kind
                  from webhook_subscriptions ws join organisations o on o.id = ws.organisation_id`;

const DELETED: DroppedDelivery = { code: 'subscription_deleted', reason: 'dropped: the webhook subscription was deleted before delivery' };

function judge(sealer: Sealer, s: SubscriptionRow, body: unknown): WebhookTarget {
  if (s.deleted_at !== null) return { drop: DELETED };
  if (s.org_status !== 'active') return { drop: { code: 'organisation_suspended', reason: 'dropped: the subscribing organisation is suspended' } };
  if (!(API_KEY_KINDS as readonly string[]).includes(s.org_kind)) {
    return { drop: { code: 'organisation_not_relying_party', reason: 'dropped: the subscribing organisation may no longer verify filings' } };
  }
  return { send: { url: s.url, secret: sealer.open(s.secret_enc), body } };
}

/**
 * The message to send for a due webhook row, or why it is dropped. Rows queued before migration
 * 0042 name no subscription but carry a sealed copy of its secret: they go only to a live
 * subscription of the same URL with that same secret (so never to a re-subscription).
 */
export async function webhookTarget(db: Queryable, sealer: Sealer, p: WebhookPayload): Promise<WebhookTarget> {
  if (p.subscriptionId) {
    const [s] = await db.query<SubscriptionRow>(`${SELECT} where ws.id = $1`, [p.subscriptionId]);
    return s ? judge(sealer, s, p.body) : { drop: DELETED };
  }
  const secret = p.secret ? sealer.open(p.secret) : null;
  const rows = await db.query<SubscriptionRow>(`${SELECT} where ws.url = $1 order by ws.deleted_at is null desc, ws.created_at desc`, [p.url]);
  const same = rows.find((s) => secret !== null && s.deleted_at === null && sealer.open(s.secret_enc) === secret);
  return same ? judge(sealer, same, p.body) : { drop: DELETED };
}
