// What kind of failure a delivery's recorded error is, for the people reading it: outbox.last_error
// keeps the sender's own words (Node's ECONNREFUSED, "webhook endpoint answered 500", an SMTP or
// gateway reply), which the console's and the administrator's delivery lists explain in Chinese
// (or English) by kind, the raw text still shown beside it. Read from the stored text, so rows
// written before this existed are explained too. Pure: no I/O.

export const FAILURE_KINDS = ['connection_refused', 'connection_reset', 'timeout', 'dns', 'unreachable', 'tls', 'address_refused', 'http_status'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface FailureReading {
  kind: FailureKind;
  /** The HTTP status the far end answered (http_status only). */
  httpStatus: number | null;
}

// Node's and OpenSSL's codes, as describeError (src/notify/errors.ts) and the webhook sender write them.
const BY_CODE: readonly [RegExp, FailureKind][] = [
  [/\bwebhook_address_refused\b|not a public address/, 'address_refused'],
  [/\bECONNREFUSED\b/, 'connection_refused'],
  [/\b(?:ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL|ENODATA)\b|has no address/, 'dns'],
  [/\b(?:ETIMEDOUT|ESOCKETTIMEDOUT|ECONNABORTED|ABORT_ERR|TimeoutError|AbortError)\b|\btimed? ?out\b|\btimeout\b/i, 'timeout'],
  [/\b(?:EHOSTUNREACH|ENETUNREACH|EHOSTDOWN|ENETDOWN)\b/, 'unreachable'],
  [/\b(?:ECONNRESET|EPIPE)\b|socket hang up/, 'connection_reset'],
  [/\b(?:CERT_[A-Z_]+|ERR_TLS_[A-Z_]+|ERR_SSL_[A-Z_]+|UNABLE_TO_[A-Z_]+|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|HOSTNAME_MISMATCH|EPROTO)\b|\bTLS\b|\bSSL\b|certificate/, 'tls'],
];

/** "webhook endpoint answered 503" (the webhook sender), "http_502" (the SMS gateways' own code). */
const ANSWERED = /\banswered (\d{3})\b|\bhttp_(\d{3})\b|\bHTTP (\d{3})\b/;

/**
 * The kind of a failed delivery, from its recorded error and the HTTP status its endpoint answered
 * (outbox.response_status, webhooks), or null when the error is of no kind known here (an SMTP
 * refusal, a gateway's own code: shown as recorded).
 */
export function readFailure(error: string | null, responseStatus: number | null = null): FailureReading | null {
  if (responseStatus !== null && (responseStatus < 200 || responseStatus >= 300)) return { kind: 'http_status', httpStatus: responseStatus };
  if (!error) return null;
  const answered = ANSWERED.exec(error);
  if (answered) return { kind: 'http_status', httpStatus: Number(answered[1] ?? answered[2] ?? answered[3]) };
  for (const [re, kind] of BY_CODE) if (re.test(error)) return { kind, httpStatus: null };
  return null;
}
