// Request body limits (the application's default and the few routes that take more).
/**
 * How large a request body may be (bytes). `default` is every route's unless it names another: the
 * largest legitimate body of an ordinary route is a filing's materials, 0.85 MB with every list of the
 * draft schema at its maximum length and realistic entries (scripts/measure-bodies.ts measures it: 50
 * access entries of 200 IPv6 addresses are most of it), so 2 MiB leaves room for 2.4 times that. Parsing
 * 2 MiB of JSON takes milliseconds, where the 20 MiB every route took stalled the event loop. Over the limit: 413 `body_too_large`, answered from the
 * Content-Length before a byte of the body is read (a chunked body stops being read at the limit).
 */
export const BODY_LIMITS = {
  default: 2 * 1024 * 1024,
  /** POST /api/verify/v1/apps: 10,000 items (each at most ~800 bytes of JSON at its schema's string limits). */
  verifyBatch: 20 * 1024 * 1024,
  /** The calendar import's file (2,000,000 characters, escaped in JSON). */
  calendarImport: 8 * 1024 * 1024,
} as const;
