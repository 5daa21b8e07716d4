// A calendar date in a query or body: `YYYY-MM-DD` and a day that exists (2026-02-30 is refused
// here, naming the field, not deep in a flow as a bare invalid_date).
import { z } from 'zod';
import { validateIsoDate } from '../../domain/dates.ts';

export const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
  .refine((s) => validateIsoDate(s).ok, 'not a day of the calendar (YYYY-MM-DD)');
