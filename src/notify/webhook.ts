// Delivers webhook outbox rows (the worker's WebhookSender): POST the JSON body with
// `X-Beian-Signature: sha256=<hex HMAC-SHA-256 of the exact body bytes with the subscription's
// secret>`, `X-Beian-Event` and `X-Beian-Delivery`. A 2xx answer is delivery; anything else
// (or a timeout) is a failure the outbox retries with backoff; 410 Gone is final. Redirects are
// not followed: the registered URL is the only place a signed body goes.
// The host is resolved here and every address it resolves to must be public (src/domain/webhook-url.ts):
// a name that passed at subscription may point at 10.0.0.5 or 169.254.169.254 by the time of
// delivery (DNS rebinding). The connection is made to the address checked — the check is the
// socket's own lookup — so no second resolution can differ from it (docs/decisions/0006, addendum).
import { createHmac } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { ipScope } from '../domain/validation/ip.ts';
import { DeliveryError } from './errors.ts';
import type { WebhookMessage } from './outbox.ts';
import type { WebhookSender } from './worker.ts';

export const SIGNATURE_HEADER = 'x-beian-signature';
export const EVENT_HEADER = 'x-beian-event';
export const DELIVERY_HEADER = 'x-beian-delivery';

/** outbox.last_error_code of a delivery refused because its host leads to a non-public address. */
export const ADDRESS_REFUSED = 'webhook_address_refused';

/** `sha256=<hex>` of the body with the secret: what receivers recompute and compare. */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface WebhookSenderOptions {
  /** Per request; default 10 s. */
  timeoutMs?: number;
  userAgent?: string;
  /** Loopback addresses may be connected to (WEBHOOKS_ALLOW_LOOPBACK: development and tests); never other non-public ones. */
  allowLoopback?: boolean;
  /** The resolver (tests give one that answers a rebinding name); default node:dns lookup. */
  resolve?: (host: string) => Promise<LookupAddress[]>;
}

const systemResolve = (host: string) => new Promise<LookupAddress[]>((resolve, reject) => {
  dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
});

const refused = (host: string, address: string) => new DeliveryError(
  `webhook host ${host} leads to ${address}, not a public address: not connected`, false, { remoteCode: ADDRESS_REFUSED });

export function createWebhookSender(options: WebhookSenderOptions = {}): WebhookSender {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const resolve = options.resolve ?? systemResolve;
  const allowed = (address: string) => {
    const scope = ipScope(address);
    return scope === 'public' || (scope === 'loopback' && options.allowLoopback === true);
  };
  /** net.connect's lookup: resolves, refuses the host if any address is not allowed, answers only checked addresses. */
  const guardedLookup = (host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    resolve(host).then((addresses) => {
      const bad = addresses.find((a) => !allowed(a.address));
      if (bad || addresses.length === 0) { cb(bad ? refused(host, bad.address) : new DeliveryError(`webhook host ${host} has no address`)); return; }
      if (opts.all) cb(null, addresses);
      else cb(null, addresses[0]!.address, addresses[0]!.family);
    }, (err: unknown) => cb(err));
  };
  return {
    async send(msg: WebhookMessage) {
      const body = JSON.stringify(msg.body);
      const b = msg.body as { event?: unknown; id?: unknown };
      const headers: Record<string, string> = {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': options.userAgent ?? 'beian-webhooks/1',
        ...(typeof b.event === 'string' ? { [EVENT_HEADER]: b.event } : {}),
        ...(typeof b.id === 'string' ? { [DELIVERY_HEADER]: b.id } : {}),
        ...(msg.secret ? { [SIGNATURE_HEADER]: signWebhookBody(msg.secret, body) } : {}),
      };
      const url = new URL(msg.url);
      // A literal address is never looked up by the socket: judged here. Names (localhost too) are judged by guardedLookup.
      const bare = url.hostname.replace(/^\[(.*)\]$/, '$1');
      if (ipScope(bare) !== null && !allowed(bare)) throw refused(url.hostname, bare);
      const status = await post(url, headers, body, timeoutMs, guardedLookup);
      if (status >= 200 && status < 300) return { status };
      throw new DeliveryError(`webhook endpoint answered ${status}`, status === 410, { httpStatus: status });
    },
  };
}

/** One POST without following redirects; the answer's status. */
function post(url: URL, headers: Record<string, string>, body: string, timeoutMs: number, lookup: unknown): Promise<number> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<number>((resolve, reject) => {
    const req = client.request(url, { method: 'POST', headers, lookup: lookup as never, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      res.resume(); // the answer's body is not read
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err: Error & { code?: string }) => {
      // The URL is the subscriber's, not personal data; the cause says refused / timed out / not public.
      if (err instanceof DeliveryError) reject(err);
      else reject(new DeliveryError(`webhook POST failed: ${err.code ?? err.name}`));
    });
    req.end(body);
  });
}
