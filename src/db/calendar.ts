// Loads the calendar override rows for the pure working-day calendar in src/domain.
import { type CalendarOverride, createCalendar, type NationalSchedule, PACKAGE_SCHEDULE, type WorkingDayCalendar } from '../domain/calendar.ts';
import { compareWithSchedule, type ScheduleDifference } from '../domain/calendar-import.ts';
import type { Queryable } from './connection.ts';

export async function loadCalendarOverrides(db: Queryable): Promise<CalendarOverride[]> {
  const rows = await db.query<{ day: string; kind: 'holiday' | 'workday' | 'year_published'; province_code: string | null }>(
    'select day, kind, province_code from calendar_overrides order by day',
  );
  return rows.map((r) => r.kind === 'year_published'
    ? { kind: 'year_published', year: Number(r.day.slice(0, 4)) }
    : { kind: r.kind, date: r.day, ...(r.province_code ? { provinceCode: r.province_code } : {}) });
}

export async function loadCalendar(db: Queryable, provinceCode?: string): Promise<WorkingDayCalendar> {
  return createCalendar({ overrides: await loadCalendarOverrides(db), ...(provinceCode ? { provinceCode } : {}) });
}

/** The latest import of each year (migration 0008), oldest year first. */
export async function loadLatestImports(db: Queryable) {
  return db.query<{ id: string; year: number; source: string; format: 'ics' | 'json'; holidays: string[]; workdays: string[]; imported_at: Date }>(
    `select distinct on (year) id, year, source, format, holidays, workdays, imported_at
       from calendar_imports order by year, imported_at desc, id`);
}

/** Applications whose bureau deadline is still running (the 20 working days count only in bureau_review). */
export async function loadRunningDeadlines(db: Queryable, opts: { forUpdate?: boolean } = {}) {
  return db.query<{ id: string; service_name: string | null; province_code: string; received_on: string; deadline_on: string | null; deadline_provisional: boolean }>(
    `select id, service_name, province_code, received_on, deadline_on, deadline_provisional
       from applications where status = 'bureau_review' and received_on is not null and province_code is not null
      order by province_code, deadline_on nulls last, id${opts.forUpdate ? ' for update' : ''}`);
}

export interface ImportedYearCheck {
  year: number; importId: string; source: string; importedAt: string;
  /** False while the installed chinese-days does not cover the year yet. */
  coveredByPackage: boolean;
  differences: ScheduleDifference[];
}

/**
 * Imported years against the installed chinese-days (or a given schedule): after an upgrade
 * that covers an imported year, every day whose working status differs is reported.
 */
export async function checkImportedYears(db: Queryable, schedule: NationalSchedule = PACKAGE_SCHEDULE) {
  const years: ImportedYearCheck[] = (await loadLatestImports(db)).map((i) => {
    const differences = compareWithSchedule(i, schedule);
    return { year: i.year, importId: i.id, source: i.source, importedAt: i.imported_at.toISOString(), coveredByPackage: differences !== null, differences: differences ?? [] };
  });
  return { packageYears: { ...schedule.years }, years, agrees: years.every((y) => y.differences.length === 0) };
}
