// A calendar date in a query or body: `YYYY-MM-DD` and a day that exists (2026-02-30 is refused
// here, naming the field, not deep in a flow as a bare invalid_date).
import { z } from 'zod';
import { chinaDate } from '../../domain/china-time.ts';
import { validateIsoDate } from '../../domain/dates.ts';

export const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
  .refine((s) => validateIsoDate(s).ok, 'not a day of the calendar (YYYY-MM-DD)');

/**
 * A shell's `shellSince` as every API answers it — the China date (YYYY-MM-DD, Asia/Shanghai) the
 * service lost its last access record, as the public record, the verification API and webhooks give
 * it — and, for the console routes that gave the moment there before, that moment as `shellSinceAt`
 * (ISO 8601). A UTC timestamp's first ten characters are the wrong day for a shell made before 08:00
 * China time, which is why consoles and the verification API disagreed.
 */
export const shellSinceFields = (since: Date | null): { shellSince: string | null; shellSinceAt: string | null } =>
  ({ shellSince: since ? chinaDate(since) : null, shellSinceAt: since ? since.toISOString() : null });

export const shellSinceSchema = {
  shellSince: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable().describe('YYYY-MM-DD (China date) since when the service has had no access record (a shell, 空壳), as the public record and the verification API give it; null otherwise'),
  shellSinceAt: z.string().nullable().describe('the moment (ISO 8601) the service became a shell; null otherwise'),
};
