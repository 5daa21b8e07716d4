// Working-day calendar for the bureau's 20-working-day review deadline (Order 33 Art. 12,
// DOMAIN.md §4.1 and §8). Pure: the schedule comes from static data plus override rows the
// caller loads from the database, and dates are plain `YYYY-MM-DD` strings.
//
// Precedence for a date, highest first: a province's override (only when the calendar was
// created for that province), a national override, then in an official year the published
// national schedule (holiday or 调休 make-up day) and in a provisional year the statutory
// holidays, then Monday–Friday. A year published by `beian calendar import` (a
// `year_published` row) is the imported schedule alone: its national overrides hold the file's
// days, and the package's days of that year no longer apply — a holiday the file leaves out is
// a working day, as `beian calendar check` and the import's preview count it.
//
// Official and provisional years (issue 12 part 1, ADR 0011): a year is OFFICIAL when the
// package data covers it (2004–2026 in chinese-days 1.5.7) or a `year_published` override row
// declares that the overrides now hold its announced schedule (`beian calendar import` writes
// both). Any later year up to 2099 is counted PROVISIONALLY: weekends and the statutory
// holidays of the 2024-11 rules (statutory-holidays.ts), no make-up days. A registry never
// stops counting; callers ask `provisionalYears` and mark such results provisional. Before
// 2004 and after 2099 it throws CalendarRangeError.
import { NATIONAL_DATA_YEARS, NATIONAL_HOLIDAYS, NATIONAL_MAKEUP_WORKDAYS } from './calendar-data.ts';
import { type IsoDate, InvalidDateError, addDays, dayOfWeek, isIsoDate, yearOf } from './dates.ts';
import { DomainError } from './errors.ts';
import { provinceByCode } from './provinces.ts';
import { STATUTORY_RULE_YEARS, statutoryHolidays } from './statutory-holidays.ts';

export { validateIsoDate, isIsoDate, InvalidDateError, type IsoDate } from './dates.ts';

export type DayOverride = { kind: 'holiday' | 'workday'; date: IsoDate; provinceCode?: string };
export type YearPublished = { kind: 'year_published'; year: number };
export type CalendarOverride = DayOverride | YearPublished;

/** A published national schedule: days off, make-up working days, and the years it covers. */
export interface NationalSchedule {
  readonly holidays: ReadonlySet<IsoDate>;
  readonly workdays: ReadonlySet<IsoDate>;
  readonly years: { readonly first: number; readonly last: number };
}

/** The schedule shipped in the installed chinese-days package. */
export const PACKAGE_SCHEDULE: NationalSchedule = { holidays: NATIONAL_HOLIDAYS, workdays: NATIONAL_MAKEUP_WORKDAYS, years: NATIONAL_DATA_YEARS };

export interface CalendarOptions {
  overrides?: readonly CalendarOverride[];
  /** The published schedule (default: the package's); tests pass a synthetic one. */
  schedule?: NationalSchedule;
  /** The province whose own overrides apply (the reviewing bureau's province). */
  provinceCode?: string;
}

export interface WorkingDayCalendar {
  readonly provinceCode: string | undefined;
  readonly firstSupportedYear: number;
  readonly lastSupportedYear: number;
  /** True when the year's schedule is known (package data or a `year_published` row). */
  isOfficialYear(year: number): boolean;
  /** Years after `a` up to `b` (either order) that are counted provisionally; empty when all are official. */
  provisionalYears(a: IsoDate, b: IsoDate): number[];
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
/** The last year counted at all (provisionally): the lunar tables end in 2100. */
export const LAST_SUPPORTED_YEAR = STATUTORY_RULE_YEARS.last;

/** Why a result is provisional, in words (API and CLI); empty years → null. */
export function provisionalReason(years: readonly number[]): string | null {
  if (years.length === 0) return null;
  return `no official working-day schedule for ${years.join(', ')} yet: counted with weekends and the statutory holidays `
    + '(全国年节及纪念日放假办法, 2024-11), without make-up working days; the date may move when the schedule is imported';
}

export function createCalendar(options: CalendarOptions = {}): WorkingDayCalendar {
  const { provinceCode } = options;
  if (provinceCode !== undefined && !provinceByCode(provinceCode)) throw new CalendarArgumentError(`unknown province ${provinceCode}${/^\d{2}$/.test(provinceCode) ? ` (a province is named by its 6-digit code, such as ${provinceCode}0000)` : ' (a 6-digit code such as 440000)'}`);
  const overrides = options.overrides ?? [];
  const days = indexDayOverrides(overrides.filter(isDayOverride), provinceCode);
  const schedule = options.schedule ?? PACKAGE_SCHEDULE;
  const published = new Set(overrides.filter(isYearPublished).map((r) => r.year));
  const isOfficialYear = (y: number) => (y >= schedule.years.first && y <= schedule.years.last) || published.has(y);
  // The package's days count in its years unless an import published the year (its overrides are then the schedule).
  const fromPackage = (y: number) => y >= schedule.years.first && y <= schedule.years.last && !published.has(y);
  const { inRange, isWorkingDay } = dayRule(days, schedule, isOfficialYear, fromPackage);

  const provisionalYears = (a: IsoDate, b: IsoDate): number[] => {
    const [from, to] = inRange(a) <= inRange(b) ? [a, b] : [b, a];
    if (from === to) return [];
    const years: number[] = [];
    for (let y = yearOf(addDays(from, 1)); y <= yearOf(to); y++) if (!isOfficialYear(y)) years.push(y);
    return years;
  };

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

  return {
    provinceCode, firstSupportedYear: FIRST_SUPPORTED_YEAR, lastSupportedYear: LAST_SUPPORTED_YEAR,
    isOfficialYear, provisionalYears, isWorkingDay, addWorkingDays, workingDaysBetween,
  };
}

/** The per-day rule in the precedence order of the header comment, guarded by the range. */
function dayRule(
  days: ReadonlyMap<IsoDate, DayOverride['kind']>, schedule: NationalSchedule,
  isOfficialYear: (y: number) => boolean, fromPackage: (y: number) => boolean,
) {
  const inRange = (date: IsoDate): IsoDate => {
    if (!isIsoDate(date)) throw new InvalidDateError(date);
    const y = yearOf(date);
    const counted = isOfficialYear(y) || (y >= STATUTORY_RULE_YEARS.first && y <= LAST_SUPPORTED_YEAR);
    if (y < FIRST_SUPPORTED_YEAR || !counted) throw new CalendarRangeError(date, FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR);
    return date;
  };
  const isWorkingDay = (date: IsoDate): boolean => {
    const d = inRange(date);
    const override = days.get(d);
    if (override) return override === 'workday';
    const y = yearOf(d);
    if (fromPackage(y)) {
      if (schedule.workdays.has(d)) return true;
      if (schedule.holidays.has(d)) return false;
    } else if (!isOfficialYear(y) && statutoryHolidays(y).has(d)) return false; // a year an import published: its overrides above
    const dow = dayOfWeek(d);
    return dow !== 0 && dow !== 6;
  };
  return { inRange, isWorkingDay };
}

/** A date counted n working days from start, with whether (and why) it is provisional. */
export interface CountedDate { date: IsoDate; provisional: boolean; provisionalYears: number[]; reason: string | null }

export function countWorkingDays(cal: WorkingDayCalendar, start: IsoDate, n: number): CountedDate {
  const date = cal.addWorkingDays(start, n);
  const provisionalYears = cal.provisionalYears(start, date);
  return { date, provisional: provisionalYears.length > 0, provisionalYears, reason: provisionalReason(provisionalYears) };
}

/**
 * Whether a decision on `decided` missed a limit of n working days from `received`: after the
 * n-th working day — on the weekend or holiday that follows it too, when no (n+1)-th working day
 * has begun. Dates outside the calendar's range count as not late.
 */
export function decidedLate(cal: WorkingDayCalendar, received: IsoDate, decided: IsoDate, n: number): boolean {
  try { return decided > cal.addWorkingDays(received, n); } catch { return false; }
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
