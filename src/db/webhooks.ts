// Read queries for the organisation's webhook page (src/api/org/webhooks.ts): its webhooks with who
// made them and how delivery is going, and one webhook's deliveries. Deliveries are the webhook's
// outbox rows (payload.subscriptionId, index of migration 0054). Bodies name filings only (no
// personal data: src/notify/filing-webhooks.ts); the secret is never read here.
import type { Queryable } from './connection.ts';

export type DeliveryState = 'pending' | 'sent' | 'retrying' | 'failed' | 'dropped';

export interface WebhookDeliveryRow {
  id: number;
  event: string | null;
  serviceNumber: string | null;
  state: DeliveryState;
  responseStatus: number | null;
  attempts: number;
  error: string | null;
  createdAt: Date;
  lastAttemptAt: Date | null;
  /** When the next attempt is due (retrying only). */
  nextAttemptAt: Date | null;
}

export interface OrgWebhookRow {
  id: string;
  url: string;
  createdAt: Date;
  /** A person (display name) or an API key (its name). */
  createdBy: { kind: 'user' | 'api_key'; name: string } | null;
  lastDelivery: WebhookDeliveryRow | null;
  /** Failed event deliveries attempted since the last one that succeeded (test deliveries count neither way). */
  failuresInRow: number;
}

interface DeliverySql {
  id: string | number; payload: { tag?: unknown; body?: { event?: unknown; filing?: { serviceNumber?: unknown } } }; status: string; attempts: number;
  response_status: number | null; last_error: string | null; created_at: Date; last_attempt_at: Date | null; next_attempt_at: Date;
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);

function stateOf(r: DeliverySql): DeliveryState {
  if (r.status === 'sent') return 'sent';
  if (r.status === 'dead') return 'failed';
  if (r.status === 'dropped') return 'dropped';
  return r.last_error !== null ? 'retrying' : 'pending';
}

function presentDelivery(r: DeliverySql): WebhookDeliveryRow {
  const state = stateOf(r);
  return {
    id: Number(r.id), event: str(r.payload.tag) ?? str(r.payload.body?.event), serviceNumber: str(r.payload.body?.filing?.serviceNumber),
    state, responseStatus: r.response_status, attempts: r.attempts, error: state === 'sent' ? null : r.last_error,
    createdAt: new Date(r.created_at), lastAttemptAt: r.last_attempt_at ? new Date(r.last_attempt_at) : null,
    nextAttemptAt: state === 'retrying' ? new Date(r.next_attempt_at) : null,
  };
}

const DELIVERY_COLUMNS = 'o.id, o.payload, o.status, o.attempts, o.response_status, o.last_error, o.created_at, o.last_attempt_at, o.next_attempt_at';

/**
 * A console user's test delivery (tag `webhook.test`) is a check, not an outage: failures in a row count
 * the real event deliveries only, and a test that succeeds does not end a run of real failures either
 * (docs/notifications.md "Test deliveries"). The latest delivery still shows a test: its sender just asked.
 */
/** TEST_EVENT of src/notify/filing-webhooks.ts (src/db imports nothing from notify/). */
const TEST_TAG = 'webhook.test';
const NOT_A_TEST = (o: string) => `coalesce(${o}.payload ->> 'tag', '') <> '${TEST_TAG}'`;

interface WebhookSql {
  id: string; url: string; created_at: Date; user_name: string | null; key_name: string | null;
  last: DeliverySql | null; failures: number;
}

/** The organisation's live webhooks, oldest first (as GET /api/verify/v1/webhooks lists them). */
export async function listOrgWebhooks(db: Queryable, organisationId: string): Promise<OrgWebhookRow[]> {
  const rows = await db.query<WebhookSql>(
    `select ws.id, ws.url, ws.created_at, u.display_name as user_name, k.name as key_name,
            (select row_to_json(d) from (select ${DELIVERY_COLUMNS} from outbox o
                                          where o.channel = 'webhook' and o.payload ->> 'subscriptionId' = ws.id::text and o.last_attempt_at is not null
                                          order by o.last_attempt_at desc, o.id desc limit 1) d) as last,
            (select count(*)::int from outbox o
              where o.channel = 'webhook' and o.payload ->> 'subscriptionId' = ws.id::text and ${NOT_A_TEST('o')}
                and o.status in ('pending', 'dead') and o.last_error is not null
                and o.id > coalesce((select max(s.id) from outbox s
                                      where s.channel = 'webhook' and s.payload ->> 'subscriptionId' = ws.id::text and s.status = 'sent'
                                        and ${NOT_A_TEST('s')}), 0)) as failures
       from webhook_subscriptions ws
       left join users u on u.id = ws.created_by_user_id
       left join api_keys k on k.id = ws.created_by_key_id
      where ws.organisation_id = $1 and ws.deleted_at is null
      order by ws.created_at, ws.id`,
    [organisationId],
  );
  return rows.map((r) => ({
    id: r.id, url: r.url, createdAt: new Date(r.created_at),
    // A key acts for a person's organisation but is no person: name the key.
    createdBy: r.key_name !== null ? { kind: 'api_key', name: r.key_name } : r.user_name !== null ? { kind: 'user', name: r.user_name } : null,
    lastDelivery: r.last ? presentDelivery(r.last) : null,
    failuresInRow: r.failures,
  }));
}

/** Whether the organisation has this live webhook (another organisation's is "not found": house rule 7). */
export async function findOrgWebhook(db: Queryable, organisationId: string, id: string): Promise<{ id: string; url: string } | null> {
  const [row] = await db.query<{ id: string; url: string }>(
    'select id, url from webhook_subscriptions where id = $1 and organisation_id = $2 and deleted_at is null', [id, organisationId]);
  return row ?? null;
}

/** One webhook's deliveries, newest first. */
export async function listWebhookDeliveries(db: Queryable, subscriptionId: string, page: { limit: number; offset: number }): Promise<{ items: WebhookDeliveryRow[]; total: number }> {
  const rows = await db.query<DeliverySql & { total: number }>(
    `select ${DELIVERY_COLUMNS}, count(*) over ()::int as total from outbox o
      where o.channel = 'webhook' and o.payload ->> 'subscriptionId' = $1
      order by o.id desc limit $2 offset $3`,
    [subscriptionId, page.limit, page.offset],
  );
  return { items: rows.map(presentDelivery), total: rows[0]?.total ?? (page.offset > 0 ? await countDeliveries(db, subscriptionId) : 0) };
}

async function countDeliveries(db: Queryable, subscriptionId: string): Promise<number> {
  const [r] = await db.query<{ n: number }>(`select count(*)::int as n from outbox o where o.channel = 'webhook' and o.payload ->> 'subscriptionId' = $1`, [subscriptionId]);
  return r!.n;
}

export async function findWebhookDelivery(db: Queryable, outboxId: number): Promise<WebhookDeliveryRow | null> {
  const [row] = await db.query<DeliverySql>(`select ${DELIVERY_COLUMNS} from outbox o where o.id = $1 and o.channel = 'webhook'`, [outboxId]);
  return row ? presentDelivery(row) : null;
}
