// The provisional mark next to a bureau deadline (issue 12 part 1; ADR 0011): shown wherever
// `deadlineOn` is, so no reader mistakes a deadline counted without the official holiday
// schedule for a final one. The stored flag (migration 0008) decides; the calendar only names
// the years still unofficial.
import { type WorkingDayCalendar, provisionalReason } from '../../domain/calendar.ts';
import { yearOf } from '../../domain/dates.ts';

interface DeadlineRow { received_on: string | null; deadline_on: string | null; deadline_provisional: boolean }

export function deadlineFields(a: DeadlineRow, cal: WorkingDayCalendar | null) {
  if (!a.deadline_provisional || !a.deadline_on) return { deadlineProvisional: false, deadlineProvisionalReason: null };
  let years: number[] = [];
  try { years = cal ? cal.provisionalYears(a.received_on ?? a.deadline_on, a.deadline_on) : []; } catch { /* out of range: name the deadline's year */ }
  return { deadlineProvisional: true, deadlineProvisionalReason: provisionalReason(years.length ? years : [yearOf(a.deadline_on)]) };
}
