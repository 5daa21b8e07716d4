// Where a relying party may ask for webhooks (issue 5, item 5): an https URL to a public address.
// A signed body must not travel in clear over a network, and credentials in the URL would be stored
// and logged in clear. The registry makes the request, from inside its own network, so a URL naming
// a private, loopback, link-local, unique-local, multicast or unspecified address would let a
// subscriber reach what only the registry can (a cloud metadata service at 169.254.169.254, an admin
// port on 127.0.0.1): refused here for literal addresses — in every spelling the URL parser turns
// into one (2852039166, 0xA9FEA9FE, 0251.0376.0251.0376, [::ffff:a9fe:a9fe]) — and again at send
// time for names, after resolving them (src/notify/webhook.ts; docs/decisions/0006, addendum).
// Loopback (plain http or https) only where the deployment allows local webhooks
// (WEBHOOKS_ALLOW_LOOPBACK: development, tests, the documentation's local receiver).
import { type IpScope, ipScope } from './validation/ip.ts';
import { type Validation, invalid, valid } from './validation/result.ts';

export const WEBHOOK_URL_MAX = 2048;

/** A DNS host name as the URL parser leaves it (lower case, punycode): LDH labels of 1–63, at most 253 characters, a final dot allowed. */
const DNS_NAME = /^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/;

export interface WebhookUrlOptions {
  /** Accept loopback hosts (127.0.0.0/8, ::1, localhost), over plain http too: WEBHOOKS_ALLOW_LOOPBACK. */
  allowLoopback?: boolean;
}

/** What a URL's host leads to without resolving it: an address's scope, loopback for localhost names, null for other names. */
export function hostScope(hostname: string): IpScope | null {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback'; // RFC 6761 §6.3
  return ipScope(host);
}

/**
 * Codes: `webhook_url_invalid`, `webhook_url_scheme`, `webhook_url_credentials`,
 * `webhook_url_too_long`, `webhook_url_address` (a host that is a non-public address, or loopback
 * where local webhooks are not allowed).
 */
export function validateWebhookUrl(input: string, options: WebhookUrlOptions = {}): Validation<string> {
  const s = input.trim();
  if (s.length > WEBHOOK_URL_MAX) return invalid('webhook_url_too_long', `at most ${WEBHOOK_URL_MAX} characters`);
  let u: URL;
  try { u = new URL(s); } catch { return invalid('webhook_url_invalid', 'not an absolute URL'); }
  if (u.username || u.password) return invalid('webhook_url_credentials', 'no user name or password in the URL; authenticate deliveries with the signature');
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return invalid('webhook_url_scheme', 'use https');
  const scope = hostScope(u.hostname);
  if (scope === 'special') {
    return invalid('webhook_url_address', `${u.hostname} is a private, link-local, multicast or otherwise non-public address; webhooks go to public addresses only`);
  }
  // A name (not an address) that DNS cannot hold — a label over 63 characters, a name over 253, characters other
  // than letters, digits and inner hyphens (the URL parser lets `_` through) — could never be delivered to.
  if (scope === null && !DNS_NAME.test(u.hostname)) {
    return invalid('webhook_url_invalid', `${u.hostname} is not a host name DNS can hold (labels of 1–63 letters, digits and inner hyphens, at most 253 characters)`);
  }
  const loopback = scope === 'loopback';
  if (loopback && !options.allowLoopback) {
    return invalid('webhook_url_address', `${u.hostname} is this machine (loopback); local webhooks are allowed only where the server is configured for them (WEBHOOKS_ALLOW_LOOPBACK)`);
  }
  if (u.protocol !== 'https:' && !loopback) return invalid('webhook_url_scheme', 'use https (plain http only to a loopback address, where local webhooks are allowed)');
  u.hash = '';
  return valid(u.toString());
}
