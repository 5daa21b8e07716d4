// Working-day calendar for the bureau's 20-working-day review deadline (Order 33 Art. 12,
// DOMAIN.md §4.1 and §8). Pure: the schedule comes from static data plus override rows the
// caller loads from the database, and dates are plain `YYYY-MM-DD` strings.
//
// Precedence for a date, highest first: a province's override (only when the calendar was
// created for that province), a national override, the published national schedule
// (holiday or 调休 make-up day), then Monday–Friday.
//
// Range: the calendar answers only for years it has a complete schedule for — 2004 through
// the last year in chinese-days (2026), extended year by year by `year_published` override
// rows: `{ kind: 'year_published', year: 2027 }` declares that the overrides for 2027 now hold
// that year's whole announced schedule. Years must follow one another: publishing 2028
// without 2027 extends nothing. Outside the range it throws CalendarRangeError rather than
// guess that an unannounced year has no holidays.
import { NATIONAL_DATA_YEARS, NATIONAL_HOLIDAYS, NATIONAL_MAKEUP_WORKDAYS } from './calendar-data.ts';
import { type IsoDate, InvalidDateError, addDays, dayOfWeek, isIsoDate, yearOf } from './dates.ts';
import { DomainError } from './errors.ts';
import { provinceByCode } from './provinces.ts';

export { validateIsoDate, isIsoDate, InvalidDateError, type IsoDate } from './dates.ts';

export type DayOverride = { kind: 'holiday' | 'workday'; date: IsoDate; provinceCode?: string };
export type YearPublished = { kind: 'year_published'; year: number };
export type CalendarOverride = DayOverride | YearPublished;

export interface CalendarOptions {
  overrides?: readonly CalendarOverride[];
  /** The province whose own overrides apply (the reviewing bureau's province). */
  provinceCode?: string;
}

export interface WorkingDayCalendar {
  readonly provinceCode: string | undefined;
  readonly firstSupportedYear: number;
  readonly lastSupportedYear: number;
  isWorkingDay(date: IsoDate): boolean;
  /** The date n working days after start; start itself is not counted. Negative n goes back. */
  addWorkingDays(start: IsoDate, n: number): IsoDate;
  /** Working days d with a < d ≤ b; when b < a, minus the working days d with b < d ≤ a. */
  workingDaysBetween(a: IsoDate, b: IsoDate): number;
}

export class CalendarRangeError extends DomainError {
  readonly code = 'calendar_out_of_range';

  constructor(readonly date: IsoDate, readonly firstSupportedYear: number, readonly lastSupportedYear: number) {
    super(`no published working-day schedule for ${date}: the calendar covers ${firstSupportedYear}–${lastSupportedYear}`);
  }
}

/** Bad configuration or arguments: unknown province, conflicting overrides, non-integer n. */
export class CalendarArgumentError extends DomainError {
  readonly code = 'calendar_invalid_argument';
}

export const FIRST_SUPPORTED_YEAR = NATIONAL_DATA_YEARS.first;

export function createCalendar(options: CalendarOptions = {}): WorkingDayCalendar {
  const { provinceCode } = options;
  if (provinceCode !== undefined && !provinceByCode(provinceCode)) throw new CalendarArgumentError(`unknown province ${provinceCode}`);
  const overrides = options.overrides ?? [];
  const days = indexDayOverrides(overrides.filter(isDayOverride), provinceCode);
  const last = lastSupportedYear(overrides.filter(isYearPublished));
  const { inRange, isWorkingDay } = dayRule(days, FIRST_SUPPORTED_YEAR, last);

  const addWorkingDays = (start: IsoDate, n: number): IsoDate => {
    if (!Number.isSafeInteger(n)) throw new CalendarArgumentError(`working-day count must be an integer, got ${n}`);
    const step = Math.sign(n);
    let d = inRange(start);
    for (let left = Math.abs(n); left > 0;) {
      d = addDays(d, step);
      if (isWorkingDay(d)) left -= 1;
    }
    return d;
  };

  const workingDaysBetween = (a: IsoDate, b: IsoDate): number => {
    const [from, to, sign] = inRange(a) <= inRange(b) ? [a, b, 1] : [b, a, -1];
    let count = 0;
    for (let d = from; d < to;) {
      d = addDays(d, 1);
      if (isWorkingDay(d)) count += 1;
    }
    return count === 0 ? 0 : sign * count;
  };

  return { provinceCode, firstSupportedYear: FIRST_SUPPORTED_YEAR, lastSupportedYear: last, isWorkingDay, addWorkingDays, workingDaysBetween };
}

/** The per-day rule in the precedence order of the header comment, guarded by the range. */
function dayRule(days: ReadonlyMap<IsoDate, DayOverride['kind']>, first: number, last: number) {
  const inRange = (date: IsoDate): IsoDate => {
    if (!isIsoDate(date)) throw new InvalidDateError(date);
    const y = yearOf(date);
    if (y < first || y > last) throw new CalendarRangeError(date, first, last);
    return date;
  };
  const isWorkingDay = (date: IsoDate): boolean => {
    const d = inRange(date);
    const override = days.get(d);
    if (override) return override === 'workday';
    if (NATIONAL_MAKEUP_WORKDAYS.has(d)) return true;
    if (NATIONAL_HOLIDAYS.has(d)) return false;
    const dow = dayOfWeek(d);
    return dow !== 0 && dow !== 6;
  };
  return { inRange, isWorkingDay };
}

function isDayOverride(o: CalendarOverride): o is DayOverride {
  return o.kind === 'holiday' || o.kind === 'workday';
}

function isYearPublished(o: CalendarOverride): o is YearPublished {
  return o.kind === 'year_published';
}

/**
 * Keep the national rows and, if a province is given, that province's rows; a provincial row
 * replaces the national one for the same date. Two rows for the same date and scope that
 * disagree are refused: the database should never hold both, and picking one would be a guess.
 */
function indexDayOverrides(rows: readonly DayOverride[], provinceCode: string | undefined): Map<IsoDate, DayOverride['kind']> {
  const national = new Map<IsoDate, DayOverride['kind']>();
  const provincial = new Map<IsoDate, DayOverride['kind']>();
  for (const row of rows) {
    if (!isIsoDate(row.date)) throw new InvalidDateError(row.date);
    if (row.provinceCode !== undefined && !provinceByCode(row.provinceCode)) {
      throw new CalendarArgumentError(`override for ${row.date} names unknown province ${row.provinceCode}`);
    }
    if (row.provinceCode !== undefined && row.provinceCode !== provinceCode) continue;
    const target = row.provinceCode === undefined ? national : provincial;
    const seen = target.get(row.date);
    if (seen !== undefined && seen !== row.kind) throw new CalendarArgumentError(`conflicting overrides for ${row.date}`);
    target.set(row.date, row.kind);
  }
  return new Map([...national, ...provincial]);
}

function lastSupportedYear(rows: readonly YearPublished[]): number {
  const published = new Set(rows.map((r) => r.year));
  let last = NATIONAL_DATA_YEARS.last;
  while (published.has(last + 1)) last += 1;
  return last;
}
