// Delivers webhook outbox rows (the worker's WebhookSender): POST the JSON body with
// `X-Beian-Signature: sha256=<hex HMAC-SHA-256 of the exact body bytes with the subscription's
// secret>`, `X-Beian-Event` and `X-Beian-Delivery`. A 2xx answer is delivery; anything else
// (or a timeout) is a failure the outbox retries with backoff; 410 Gone is final. Redirects are
// not followed: the registered URL is the only place a signed body goes.
import { createHmac } from 'node:crypto';
import { DeliveryError } from './errors.ts';
import type { WebhookMessage } from './outbox.ts';
import type { WebhookSender } from './worker.ts';

export const SIGNATURE_HEADER = 'x-beian-signature';
export const EVENT_HEADER = 'x-beian-event';
export const DELIVERY_HEADER = 'x-beian-delivery';

/** `sha256=<hex>` of the body with the secret: what receivers recompute and compare. */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface WebhookSenderOptions {
  /** Per request; default 10 s. */
  timeoutMs?: number;
  userAgent?: string;
}

export function createWebhookSender(options: WebhookSenderOptions = {}): WebhookSender {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async send(msg: WebhookMessage) {
      const body = JSON.stringify(msg.body);
      const b = msg.body as { event?: unknown; id?: unknown };
      const headers: Record<string, string> = {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': options.userAgent ?? 'beian-webhooks/1',
        ...(typeof b.event === 'string' ? { [EVENT_HEADER]: b.event } : {}),
        ...(typeof b.id === 'string' ? { [DELIVERY_HEADER]: b.id } : {}),
        ...(msg.secret ? { [SIGNATURE_HEADER]: signWebhookBody(msg.secret, body) } : {}),
      };
      let res: Response;
      try {
        res = await fetch(msg.url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        // The URL is the subscriber's, not personal data; the cause says refused / timed out.
        const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
        throw new DeliveryError(`webhook POST failed: ${cause}`);
      }
      await res.body?.cancel().catch(() => {});
      if (res.status >= 200 && res.status < 300) return;
      throw new DeliveryError(`webhook endpoint answered ${res.status}`, res.status === 410);
    },
  };
}
