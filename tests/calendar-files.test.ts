// Reading a year's schedule from chinese-days' own ICS and from JSON, and comparing an import
// with a published schedule (issue 12 part 1).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NATIONAL_HOLIDAYS, NATIONAL_MAKEUP_WORKDAYS } from '../src/domain/calendar-data.ts';
import { compareWithSchedule, dayChanges, parseScheduleFile } from '../src/domain/calendar-import.ts';
import { createCalendar } from '../src/domain/calendar.ts';

const dist = path.dirname(createRequire(import.meta.url).resolve('chinese-days')); // …/chinese-days/dist
const ics = (file: string) => readFileSync(path.join(dist, file), 'utf8');
const code = (f: () => unknown) => { try { f(); } catch (e) { return (e as { code: string; errors?: { field: string }[] }); } throw new Error('no error'); };

describe('parseScheduleFile', () => {
  it('reads the ICS chinese-days publishes: the same days as its JSON for 2025 and 2026', () => {
    for (const year of [2025, 2026]) {
      const s = parseScheduleFile(ics(`years/${year}.ics`));
      expect(s).toMatchObject({ year, format: 'ics' });
      expect(s.holidays).toEqual([...NATIONAL_HOLIDAYS].filter((d) => d.startsWith(`${year}-`)).sort());
      expect(s.workdays).toEqual([...NATIONAL_MAKEUP_WORKDAYS].filter((d) => d.startsWith(`${year}-`)).sort());
    }
  });

  it('a file of several years needs the year; with it, keeps only that year', () => {
    expect(code(() => parseScheduleFile(ics('holidays.ics')))).toMatchObject({ code: 'calendar_file_invalid', errors: [{ field: 'year' }] });
    const s = parseScheduleFile(ics('holidays.ics'), 2026);
    expect(s.holidays).toContain('2026-02-15');
    expect(s.holidays.every((d) => d.startsWith('2026-'))).toBe(true);
    expect(code(() => parseScheduleFile(ics('holidays.ics'), 2030))).toMatchObject({ errors: [{ field: 'year' }] });
  });

  it('reads JSON as lists or as chinese-days\' date → name objects', () => {
    expect(parseScheduleFile('{"year":2027,"holidays":["2027-10-01"],"workdays":["2027-10-09"]}'))
      .toEqual({ year: 2027, format: 'json', holidays: ['2027-10-01'], workdays: ['2027-10-09'] });
    expect(parseScheduleFile('{"holidays":{"2027-10-01":"National Day,国庆节,3"}}').holidays).toEqual(['2027-10-01']);
  });

  it('refuses what is not a schedule', () => {
    for (const [text, field] of [
      ['', 'file'], ['BEGIN:VCALENDAR\nBROKEN', 'file'], ['{"holidays":"2027-10-01"}', 'holidays'],
      ['{"year":2027,"holidays":["2028-01-01"]}', 'file'], ['{"workdays":["2027-02-20"]}', 'file'],
    ] as const) expect(code(() => parseScheduleFile(text)), text).toMatchObject({ code: 'calendar_file_invalid', errors: [{ field }] });
  });
});

describe('comparisons', () => {
  it('dayChanges lists the days whose working status differs', () => {
    const before = createCalendar();
    const after = createCalendar({ overrides: [{ kind: 'year_published', year: 2027 }, { kind: 'workday', date: '2027-02-20' }, { kind: 'holiday', date: '2027-02-05' }] });
    const changes = dayChanges(before, after, 2027);
    expect(changes).toContainEqual({ date: '2027-02-08', before: 'off', after: 'working' }); // 初三 no longer assumed
    expect(changes).toContainEqual({ date: '2027-02-20', before: 'off', after: 'working' });
    expect(changes.find((c) => c.date === '2027-02-05')).toBeUndefined(); // off either way
  });

  it('compareWithSchedule: null while the package does not cover the year, else the differing days', () => {
    const imported = { year: 2027, holidays: ['2027-10-01', '2027-10-04'], workdays: ['2027-10-09'] };
    expect(compareWithSchedule(imported, { holidays: new Set(), workdays: new Set(), years: { first: 2004, last: 2026 } })).toBeNull();
    const newer = { holidays: new Set(['2027-10-01', '2027-10-05']), workdays: new Set(['2027-10-09']), years: { first: 2004, last: 2027 } };
    expect(compareWithSchedule(imported, newer)).toEqual([
      { date: '2027-10-04', imported: 'off', library: 'working' },
      { date: '2027-10-05', imported: 'working', library: 'off' },
    ]);
  });
});
