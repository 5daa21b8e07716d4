// Failed and abandoned deliveries for the administrator (issue 12 §5: a gateway refusal is
// "visible to the administrator"): outbox rows still being retried after a failure, and dead
// ones, with the sender that tried, the remote code (isv.MOBILE_NUMBER_ILLEGAL, …) and the
// scrubbed error. Recipients are masked (139****1111, z***@example.cn; house rule 10); bodies
// and template parameters are never read here.
import type { Queryable } from '../db/connection.ts';
import { mask, type Sealer } from '../db/personal-data.ts';
import type { EmailPayload, SmsPayload, WebhookPayload } from './outbox.ts';
import { normaliseMobile } from './sms.ts';
import { TEST_EVENT } from './filing-webhooks.ts';

export type FailureState = 'retrying' | 'dead';

export interface DeliveryFailure {
  id: number;
  channel: 'email' | 'sms' | 'webhook';
  /** The SMS template kind (verification_code, filing_approved, …), when an SMS. */
  kind: string | null;
  /** The event the message reports (payload tag), when known. */
  event: string | null;
  state: FailureState;
  attempts: number;
  provider: string | null;
  errorCode: string | null;
  error: string | null;
  /** The HTTP status a webhook endpoint answered at the last attempt (outbox.response_status). */
  responseStatus: number | null;
  /** Masked mobile or email; a webhook's host. */
  recipient: string;
  createdAt: Date;
  lastAttemptAt: Date | null;
  /** When the next attempt is due (retrying only). */
  nextAttemptAt: Date | null;
}

interface Row {
  id: number; channel: DeliveryFailure['channel']; payload: unknown; status: string; attempts: number; provider: string | null;
  last_error_code: string | null; last_error: string | null; response_status: number | null; created_at: Date; last_attempt_at: Date | null; next_attempt_at: Date; total: number;
}

function recipientOf(sealer: Sealer, r: Row): string {
  try {
    if (r.channel === 'sms') return mask.phone(normaliseMobile(sealer.open((r.payload as SmsPayload).mobile)));
    if (r.channel === 'email') return mask.email(sealer.open((r.payload as EmailPayload).to));
    return new URL((r.payload as WebhookPayload).url).host;
  } catch {
    return '****'; // a payload sealed under a removed key (itself a reason for 'dead')
  }
}

const WHERE = {
  retrying: `status = 'pending' and last_error is not null`,
  dead: `status = 'dead'`,
  any: `(status = 'dead' or (status = 'pending' and last_error is not null))`,
};

/**
 * A console user's test delivery (POST /api/org/webhooks/{id}/test, tag `webhook.test`) is not a message
 * anyone is waiting for: it is tried once, its sender sees the answer at once and in the webhook's
 * deliveries, and only the subscriber can fix its endpoint. So it is no failure for the administrator
 * to act on, and the queue leaves it out (docs/notifications.md "Test deliveries").
 */
const NOT_A_TEST = `not (channel = 'webhook' and coalesce(payload ->> 'tag', '') = '${TEST_EVENT}')`;

export async function listDeliveryFailures(
  db: Queryable, sealer: Sealer,
  options: { state?: FailureState; channel?: DeliveryFailure['channel']; limit?: number; offset?: number } = {},
): Promise<{ items: DeliveryFailure[]; total: number }> {
  const rows = await db.query<Row>(
    `select id, channel, payload, status, attempts, provider, last_error_code, last_error, response_status, created_at, last_attempt_at, next_attempt_at,
            count(*) over ()::int as total
       from outbox
      where ${WHERE[options.state ?? 'any']} and ${NOT_A_TEST} and ($1::text is null or channel = $1)
      order by id desc limit $2 offset $3`,
    [options.channel ?? null, options.limit ?? 100, options.offset ?? 0],
  );
  const items = rows.map((r): DeliveryFailure => {
    const p = r.payload as { kind?: unknown; tag?: unknown };
    const dead = r.status === 'dead';
    return {
      id: Number(r.id), channel: r.channel, kind: typeof p.kind === 'string' ? p.kind : null, event: typeof p.tag === 'string' ? p.tag : null,
      state: dead ? 'dead' : 'retrying', attempts: r.attempts, provider: r.provider, errorCode: r.last_error_code, error: r.last_error, responseStatus: r.response_status,
      recipient: recipientOf(sealer, r), createdAt: new Date(r.created_at),
      lastAttemptAt: r.last_attempt_at ? new Date(r.last_attempt_at) : null, nextAttemptAt: dead ? null : new Date(r.next_attempt_at),
    };
  });
  return { items, total: rows[0]?.total ?? 0 };
}
