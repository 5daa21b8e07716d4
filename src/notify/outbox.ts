// The transactional outbox (house rule 5): a flow writes the message in the same transaction
// as the change it reports, so a rolled-back change sends nothing and a committed one is sent
// by the worker (worker.ts) after commit — at least once. Recipients and bodies are sealed
// in the payload: SMS bodies carry verification codes, emails carry names and numbers, and
// the outbox is read by operators (house rule 10, 14).
import type { Queryable } from '../db/connection.ts';
import type { Sealer } from '../db/personal-data.ts';
import { isSmsKind, type SmsKind, type SmsTemplate } from './sms-templates.ts';

/** The NOTIFY channel the worker listens on; delivered to listeners only when the transaction commits. */
export const OUTBOX_CHANNEL = 'beian_outbox';

export interface EmailMessage { to: string; subject: string; text: string; html?: string }
/**
 * An SMS: the gateway template with its parameters (what a real gateway sends — it accepts
 * no free text) and the rendered text (what the development inbox shows).
 */
export interface SmsMessage { mobile: string; text: string; template: SmsTemplate }
/** An SMS as the worker reads it back; rows queued before templates existed have none. */
export interface OpenedSms { mobile: string; text: string; template: SmsTemplate | null }
export interface WebhookMessage { url: string; secret?: string; body: unknown }
/**
 * A delivery to a relying party's subscription: its URL and secret are read from the subscription
 * when the delivery is due (worker.ts), so a subscription deleted in the meantime gets nothing.
 */
export interface SubscriptionDelivery { subscriptionId: string; url: string; body: unknown; /** Tried once, never retried (a test delivery). */ once?: true }

/** What the outbox stores per channel. `tag` is a non-personal label for operators (e.g. the event name). */
export interface EmailPayload { to: string; content: string; tag?: string }
/** `kind` is in clear (operators see which template); `params` are sealed (they hold verification codes). */
export interface SmsPayload { mobile: string; text: string; kind?: SmsKind; params?: string; tag?: string }
/**
 * `subscriptionId`: the webhook subscription it goes to (rows queued before migration 0042 have
 * none, but a copy of the secret); `url` is kept for the administrator's view of failures.
 */
export interface WebhookPayload { url: string; subscriptionId?: string; secret?: string; body: unknown; tag?: string; once?: true }

export interface EnqueueOptions {
  /** A non-personal label stored in clear (event name, message kind) so operators can tell rows apart. */
  tag?: string;
  /**
   * The caller sends the message itself (worker.ts deliverNow) and leases the row to itself until
   * then, as a worker's claim does (its first attempt counted): no worker takes it unless that lease
   * runs out (the caller's process died).
   */
  leasedUntil?: Date;
}

async function insert(tx: Queryable, channel: 'email' | 'sms' | 'webhook', payload: object, leasedUntil?: Date): Promise<number> {
  if (leasedUntil) {
    const [row] = await tx.query<{ id: number }>(
      'insert into outbox (channel, payload, attempts, next_attempt_at) values ($1, $2::jsonb, 1, $3) returning id',
      [channel, JSON.stringify(payload), leasedUntil],
    );
    return Number(row!.id);
  }
  const [row] = await tx.query<{ id: number }>(
    'insert into outbox (channel, payload) values ($1, $2::jsonb) returning id',
    [channel, JSON.stringify(payload)],
  );
  await tx.query(`select pg_notify('${OUTBOX_CHANNEL}', '')`);
  return row!.id;
}

const tagged = (o: EnqueueOptions) => (o.tag ? { tag: o.tag } : {});

/** Queues an email; returns the outbox id. Recipient and content are sealed. */
export function enqueueEmail(tx: Queryable, sealer: Sealer, msg: EmailMessage, options: EnqueueOptions = {}): Promise<number> {
  const content = JSON.stringify({ subject: msg.subject, text: msg.text, ...(msg.html ? { html: msg.html } : {}) });
  const payload: EmailPayload = { to: sealer.seal(msg.to), content: sealer.seal(content), ...tagged(options) };
  return insert(tx, 'email', payload);
}

/** Queues an SMS; returns the outbox id. Mobile, text and parameters are sealed (they may hold a verification code). */
export function enqueueSms(tx: Queryable, sealer: Sealer, msg: SmsMessage, options: EnqueueOptions = {}): Promise<number> {
  const payload: SmsPayload = {
    mobile: sealer.seal(msg.mobile), text: sealer.seal(msg.text),
    kind: msg.template.kind, params: sealer.seal(JSON.stringify(msg.template.params)), ...tagged(options),
  };
  return insert(tx, 'sms', payload);
}

/**
 * Queues a webhook call to a subscription; returns the outbox id. No copy of the signing secret is
 * stored: the worker signs with the subscription's own when the delivery is due, and drops the
 * delivery if the subscription was deleted by then. The body is stored as given — callers put no
 * personal data in webhook bodies.
 */
export function enqueueWebhook(tx: Queryable, msg: SubscriptionDelivery, options: EnqueueOptions = {}): Promise<number> {
  const payload: WebhookPayload = { url: msg.url, subscriptionId: msg.subscriptionId, body: msg.body, ...tagged(options), ...(msg.once ? { once: true as const } : {}) };
  return insert(tx, 'webhook', payload, options.leasedUntil);
}

/** Opens a stored email payload (worker side). */
export function openEmail(sealer: Sealer, p: EmailPayload): EmailMessage {
  const content = JSON.parse(sealer.open(p.content)) as { subject: string; text: string; html?: string };
  return { to: sealer.open(p.to), ...content };
}

export function openSms(sealer: Sealer, p: SmsPayload): OpenedSms {
  const template = isSmsKind(p.kind) && p.params ? { kind: p.kind, params: JSON.parse(sealer.open(p.params)) as Record<string, string> } : null;
  return { mobile: sealer.open(p.mobile), text: sealer.open(p.text), template };
}

