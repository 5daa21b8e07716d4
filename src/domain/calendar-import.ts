// A year's official holiday schedule as a file (issue 12 part 1; ADR 0011): the ICS that
// chinese-days publishes (dist/holidays.ics, dist/years/<year>.ics — all-day events whose
// DESCRIPTION is 休 for days off or 班 for 调休 make-up working days, DTEND exclusive) or a
// small JSON `{ "year": 2027, "holidays": [...], "workdays": [...] }` (arrays of dates, or
// date → name objects as in chinese-days.json). Pure: text in, schedule out; plus the
// comparisons the import preview and `beian calendar check` show.
import ICAL from 'ical.js';
import type { NationalSchedule, WorkingDayCalendar } from './calendar.ts';
import { type IsoDate, addDays, dayOfWeek, isIsoDate, yearOf } from './dates.ts';
import { NamedError } from './errors.ts';

export interface YearSchedule { year: number; format: 'ics' | 'json'; holidays: IsoDate[]; workdays: IsoDate[] }

const invalid = (message: string, field = 'file') => new NamedError('calendar_file_invalid', 'invalid', message, [{ field, code: 'calendar_file_invalid', message }]);

type Days = { holidays: Set<IsoDate>; workdays: Set<IsoDate> };

/** Parses an ICS or JSON schedule and keeps one year: `year`, or the only year the file holds. */
export function parseScheduleFile(text: string, year?: number): YearSchedule {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  const format = trimmed.startsWith('BEGIN:VCALENDAR') ? 'ics' : trimmed.startsWith('{') ? 'json' : null;
  if (!format) throw invalid('not a calendar file: expected an ICS (BEGIN:VCALENDAR) or a JSON object');
  const days = format === 'ics' ? fromIcs(trimmed) : fromJson(trimmed);
  const years = [...new Set([...days.holidays, ...days.workdays].map(yearOf))].sort();
  const chosen = year ?? (years.length === 1 ? years[0] : undefined);
  if (chosen === undefined) {
    throw invalid(years.length ? `the file holds ${years.join(', ')}: name the year to import` : 'the file holds no days', years.length ? 'year' : 'file');
  }
  if (!Number.isInteger(chosen) || chosen < 2004 || chosen > 2099) throw invalid(`year must be 2004–2099, not ${chosen}`, 'year');
  const inYear = (s: Set<IsoDate>) => [...s].filter((d) => yearOf(d) === chosen).sort();
  const schedule = { year: chosen, format, holidays: inYear(days.holidays), workdays: inYear(days.workdays) } as const;
  if (schedule.holidays.length === 0) throw invalid(`the file has no holidays in ${chosen}`, years.includes(chosen) ? 'file' : 'year');
  const both = schedule.holidays.filter((d) => days.workdays.has(d));
  if (both.length) throw invalid(`${both.join(', ')} both a holiday and a make-up working day`);
  return { ...schedule, holidays: [...schedule.holidays], workdays: [...schedule.workdays] };
}

function fromIcs(text: string): Days {
  let root: ICAL.Component;
  let events: ICAL.Component[];
  // ical.js accepts unbalanced BEGIN/END (END:VEVENT inside no VEVENT) and leaves a tree its own
  // accessors then fail on (a TypeError): both are an unreadable file, a 400, not a 500.
  try {
    root = new ICAL.Component(ICAL.parse(text) as unknown[]);
    events = root.getAllSubcomponents('vevent');
  } catch (e) { throw invalid(`unreadable ICS: ${(e as Error).message}`); }
  const days: Days = { holidays: new Set(), workdays: new Set() };
  for (const event of events) {
    const kind = eventKind(event);
    const start = event.getFirstPropertyValue('dtstart') as ICAL.Time | null;
    const end = event.getFirstPropertyValue('dtend') as ICAL.Time | null;
    if (!kind || !start) continue;
    const first = start.toString().slice(0, 10);
    const last = end ? addDays(end.toString().slice(0, 10), -1) : first; // DTEND of an all-day event is exclusive
    if (!isIsoDate(first) || !isIsoDate(last) || last < first || last > addDays(first, 31)) {
      throw invalid(`event "${String(event.getFirstPropertyValue('summary') ?? '')}" has unusable dates`);
    }
    for (let d = first; d <= last; d = addDays(d, 1)) (kind === 'off' ? days.holidays : days.workdays).add(d);
  }
  return days;
}

/** chinese-days marks days off 休 and make-up days 班 (DESCRIPTION, SUMMARY suffix, Apple's special-day tag). */
function eventKind(event: ICAL.Component): 'off' | 'work' | null {
  const text = ['description', 'summary', 'x-apple-special-day'].map((p) => String(event.getFirstPropertyValue(p) ?? '')).join(' ');
  const off = /休|WORK-HOLIDAY/.test(text);
  const work = /班|ALTERNATE-WORKDAY/.test(text);
  return off === work ? null : off ? 'off' : 'work';
}

function fromJson(text: string): Days {
  let data: unknown;
  try { data = JSON.parse(text); } catch (e) { throw invalid(`unreadable JSON: ${(e as Error).message}`); }
  const o = data as { holidays?: unknown; workdays?: unknown; year?: unknown };
  const list = (v: unknown, field: string): Set<IsoDate> => {
    const dates = Array.isArray(v) ? v : v && typeof v === 'object' ? Object.keys(v) : v === undefined ? [] : null;
    if (!dates) throw invalid(`${field} must be a list of dates or a date → name object`, field);
    for (const d of dates) if (typeof d !== 'string' || !isIsoDate(d)) throw invalid(`${field}: ${JSON.stringify(d)} is not a YYYY-MM-DD date`, field);
    return new Set(dates as IsoDate[]);
  };
  const days = { holidays: list(o.holidays, 'holidays'), workdays: list(o.workdays, 'workdays') };
  if (o.year !== undefined && [...days.holidays, ...days.workdays].some((d) => yearOf(d) !== o.year)) {
    throw invalid(`every date must be in ${String(o.year)}`);
  }
  return days;
}

/** The national override rows an imported schedule becomes. */
export function scheduleOverrides(s: YearSchedule) {
  return [
    ...s.holidays.map((date) => ({ kind: 'holiday' as const, date })),
    ...s.workdays.map((date) => ({ kind: 'workday' as const, date })),
  ];
}

export type DayKind = 'working' | 'off';
export interface DayChange { date: IsoDate; before: DayKind; after: DayKind }

/** Days of a year whose working status differs between two calendars. */
export function dayChanges(before: WorkingDayCalendar, after: WorkingDayCalendar, year: number): DayChange[] {
  const changes: DayChange[] = [];
  for (let d = `${year}-01-01`; yearOf(d) === year; d = addDays(d, 1)) {
    const [b, a] = [before.isWorkingDay(d), after.isWorkingDay(d)];
    if (a !== b) changes.push({ date: d, before: b ? 'working' : 'off', after: a ? 'working' : 'off' });
  }
  return changes;
}

export interface ScheduleDifference { date: IsoDate; imported: DayKind; library: DayKind }

/**
 * Where a published schedule (a newer chinese-days) covers an imported year, the days whose
 * working status differs; null when the package does not cover the year yet.
 */
export function compareWithSchedule(imported: Pick<YearSchedule, 'year' | 'holidays' | 'workdays'>, schedule: NationalSchedule): ScheduleDifference[] | null {
  const { year } = imported;
  if (year < schedule.years.first || year > schedule.years.last) return null;
  const holidays = new Set(imported.holidays);
  const workdays = new Set(imported.workdays);
  const status = (d: IsoDate, off: ReadonlySet<IsoDate>, work: ReadonlySet<IsoDate>): DayKind =>
    work.has(d) ? 'working' : off.has(d) ? 'off' : dayOfWeek(d) === 0 || dayOfWeek(d) === 6 ? 'off' : 'working';
  const differences: ScheduleDifference[] = [];
  for (let d = `${year}-01-01`; yearOf(d) === year; d = addDays(d, 1)) {
    const mine = status(d, holidays, workdays);
    const theirs = status(d, schedule.holidays, schedule.workdays);
    if (mine !== theirs) differences.push({ date: d, imported: mine, library: theirs });
  }
  return differences;
}
