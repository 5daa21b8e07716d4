// Where a relying party may ask for webhooks (issue 5, item 5): an https URL, or plain http to
// the loopback address only (local development and tests). A signed body must not travel in
// clear over a network, and credentials in the URL would be stored and logged in clear.
import { type Validation, invalid, valid } from './validation/result.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
export const WEBHOOK_URL_MAX = 2048;

/** Codes: `webhook_url_invalid`, `webhook_url_scheme`, `webhook_url_credentials`, `webhook_url_too_long`. */
export function validateWebhookUrl(input: string): Validation<string> {
  const s = input.trim();
  if (s.length > WEBHOOK_URL_MAX) return invalid('webhook_url_too_long', `at most ${WEBHOOK_URL_MAX} characters`);
  let u: URL;
  try { u = new URL(s); } catch { return invalid('webhook_url_invalid', 'not an absolute URL'); }
  if (u.username || u.password) return invalid('webhook_url_credentials', 'no user name or password in the URL; authenticate deliveries with the signature');
  const loopbackHttp = u.protocol === 'http:' && LOOPBACK.has(u.hostname);
  if (u.protocol !== 'https:' && !loopbackHttp) return invalid('webhook_url_scheme', 'use https (plain http only to 127.0.0.1 for local testing)');
  u.hash = '';
  return valid(u.toString());
}
