// Loads the calendar override rows for the pure working-day calendar in src/domain.
import { type CalendarOverride, createCalendar, type WorkingDayCalendar } from '../domain/calendar.ts';
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
