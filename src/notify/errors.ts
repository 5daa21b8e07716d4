// Delivery failures as the worker records them: a short, stable description with no personal
// data (house rule 14) — SMTP servers echo recipient addresses in their replies, so the
// text is scrubbed before it reaches outbox.last_error or a log line.

export interface DeliveryErrorDetails {
  /** The remote service's own code (`isv.MOBILE_NUMBER_ILLEGAL`, `LimitExceeded.PhoneNumberDailyLimit`), kept in outbox.last_error_code. */
  remoteCode?: string;
  /** The earliest sensible retry (a gateway's daily limit is not lifted in 30 s). */
  retryAfterMs?: number;
  /** The sender that failed, when not the worker's own (a fallback SMS gateway). */
  provider?: string;
  /** The HTTP status a webhook endpoint answered (outbox.response_status). */
  httpStatus?: number;
}

/** Thrown by senders; `permanent` failures (e.g. a recipient the server refuses for good) are not retried. */
export class DeliveryError extends Error {
  readonly code = 'delivery_failed';
  readonly remoteCode: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly provider: string | undefined;
  readonly httpStatus: number | undefined;

  constructor(message: string, readonly permanent = false, details: DeliveryErrorDetails = {}) {
    super(message);
    this.name = 'DeliveryError';
    this.remoteCode = details.remoteCode;
    this.retryAfterMs = details.retryAfterMs;
    this.provider = details.provider;
    this.httpStatus = details.httpStatus;
  }
}

/** The code kept in outbox.last_error_code: a gateway's code, else an error code such as nodemailer's `EENVELOPE`. */
export function errorCode(err: unknown): string | null {
  if (err instanceof DeliveryError) return err.remoteCode ?? null;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Za-z0-9._-]{1,100}$/.test(code) ? code : null;
}

const EMAIL = /[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g;
const LONG_DIGITS = /\d{7,}/g;

/** Removes anything that looks like an email address or a phone/ID number. */
export function scrub(text: string): string {
  return text.replace(EMAIL, '<address>').replace(LONG_DIGITS, '<number>');
}

/** One line for outbox.last_error and the log: error code, SMTP reply code and scrubbed message. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown error';
  const e = err as Error & { code?: unknown; responseCode?: unknown; command?: unknown };
  const parts = [
    err instanceof DeliveryError && err.remoteCode ? err.remoteCode : typeof e.code === 'string' ? e.code : e.name,
    typeof e.command === 'string' ? `at ${e.command}` : '',
    typeof e.responseCode === 'number' ? `(${e.responseCode})` : '',
    scrub(e.message.split('\n')[0] ?? ''),
  ];
  return parts.filter(Boolean).join(' ').slice(0, 300);
}

/** Whether a failure should go straight to 'dead' instead of being retried. */
export function isPermanent(err: unknown): boolean {
  if (err instanceof DeliveryError) return err.permanent;
  const e = err as { permanent?: unknown; command?: unknown } | null;
  // nodemailer marks 5xx replies permanent; only a refused recipient is final for this message
  // (a 5xx at AUTH or MAIL FROM is a configuration problem an operator can fix, so retry).
  return e?.permanent === true && e.command === 'RCPT TO';
}
