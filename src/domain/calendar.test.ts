import { describe, expect, it } from 'vitest';
import { CalendarArgumentError, CalendarRangeError, countWorkingDays, createCalendar, decidedLate } from './calendar.ts';
import { InvalidDateError } from './dates.ts';

const national = createCalendar();

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (e) {
    expect((e as { code?: string }).code).toBe(code);
    return;
  }
  throw new Error(`expected an error with code ${code}`);
}

describe('2025 national schedule (国办发明电〔2024〕12号, DOMAIN.md §8)', () => {
  it('20 working days after 2025-09-25 is 2025-10-29 (the issue acceptance vector)', () => {
    expect(national.addWorkingDays('2025-09-25', 20)).toBe('2025-10-29');
    expect(national.workingDaysBetween('2025-09-25', '2025-10-29')).toBe(20);
  });

  it.each(['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'])('make-up day %s is a working day', (d) => {
    expect(national.isWorkingDay(d)).toBe(true);
  });

  it('a decision after the 20th working day is late, also on the holiday that follows it', () => {
    const cal = createCalendar();
    expect(cal.addWorkingDays('2025-09-25', 20)).toBe('2025-10-29');
    expect(decidedLate(cal, '2025-09-25', '2025-10-29', 20)).toBe(false);
    expect(decidedLate(cal, '2025-09-25', '2025-10-30', 20)).toBe(true);
    // 20 working days from 2025-09-03 end on Tuesday 30 September (Sunday 28th a make-up working
    // day); the 国庆 holiday follows: a decision on 2 October is late although it is still 20
    // working days after receipt (the 21st only begins on the 9th).
    expect(cal.addWorkingDays('2025-09-03', 20)).toBe('2025-09-30');
    expect(cal.workingDaysBetween('2025-09-03', '2025-10-02')).toBe(20);
    expect(decidedLate(cal, '2025-09-03', '2025-10-02', 20)).toBe(true);
  });

  it('National Day + Mid-Autumn 2025-10-01..08 are all days off', () => {
    for (let day = 1; day <= 8; day += 1) expect(national.isWorkingDay(`2025-10-0${day}`)).toBe(false);
    expect(national.isWorkingDay('2025-10-09')).toBe(true);
  });

  it('Spring Festival 2025-01-28..02-04 off; New Year, Qingming, Labour Day, Dragon Boat off', () => {
    for (const d of ['2025-01-28', '2025-01-31', '2025-02-03', '2025-02-04', '2025-01-01', '2025-04-04', '2025-05-05', '2025-06-02']) {
      expect(national.isWorkingDay(d)).toBe(false);
    }
    expect(national.isWorkingDay('2025-02-05')).toBe(true);
  });

  it('ordinary weekdays work, ordinary weekends do not', () => {
    expect(national.isWorkingDay('2025-03-12')).toBe(true); // Wednesday
    expect(national.isWorkingDay('2025-03-15')).toBe(false); // Saturday
    expect(national.isWorkingDay('2025-03-16')).toBe(false); // Sunday
  });
});

describe('2026 national schedule (announced 2025-11)', () => {
  it('New Year 01-01..03 off, Sunday 01-04 works', () => {
    expect(['2026-01-01', '2026-01-02', '2026-01-03'].map(national.isWorkingDay)).toEqual([false, false, false]);
    expect(national.isWorkingDay('2026-01-04')).toBe(true);
  });

  it('Spring Festival 02-15..23 off (nine days), Saturdays 02-14 and 02-28 work', () => {
    for (let day = 15; day <= 23; day += 1) expect(national.isWorkingDay(`2026-02-${day}`)).toBe(false);
    expect(national.isWorkingDay('2026-02-14')).toBe(true);
    expect(national.isWorkingDay('2026-02-24')).toBe(true);
    expect(national.isWorkingDay('2026-02-28')).toBe(true);
  });

  it('Labour Day 05-01..05 off with Saturday 05-09 working; National Day 10-01..07 with 09-20 and 10-10 working', () => {
    for (const d of ['2026-05-01', '2026-05-05', '2026-10-01', '2026-10-07', '2026-06-19', '2026-09-25', '2026-04-06']) {
      expect(national.isWorkingDay(d)).toBe(false);
    }
    for (const d of ['2026-05-09', '2026-09-20', '2026-10-10', '2026-10-08']) expect(national.isWorkingDay(d)).toBe(true);
  });

  it('a deadline across the Spring Festival: 20 working days after 2026-02-06', () => {
    // 02-09..13 (5), 02-14 Sat make-up (6), 02-24..27 (10), 02-28 Sat make-up (11),
    // 03-02..06 (16), 03-09..12 (20).
    expect(national.addWorkingDays('2026-02-06', 20)).toBe('2026-03-12');
  });
});

describe('addWorkingDays and workingDaysBetween', () => {
  it('does not count the start day, even when the start is a working day', () => {
    expect(national.addWorkingDays('2025-03-10', 1)).toBe('2025-03-11');
    expect(national.addWorkingDays('2025-03-14', 1)).toBe('2025-03-17'); // Friday → Monday
  });

  it('n = 0 returns the start unchanged; negative n goes back', () => {
    expect(national.addWorkingDays('2025-10-04', 0)).toBe('2025-10-04');
    expect(national.addWorkingDays('2025-10-29', -20)).toBe('2025-09-25');
  });

  it('between is exclusive of a, inclusive of b, negative when b < a, zero on the same day', () => {
    expect(national.workingDaysBetween('2025-03-10', '2025-03-11')).toBe(1);
    expect(national.workingDaysBetween('2025-03-14', '2025-03-16')).toBe(0);
    expect(national.workingDaysBetween('2025-10-29', '2025-09-25')).toBe(-20);
    expect(national.workingDaysBetween('2025-03-10', '2025-03-10')).toBe(0);
  });

  it('works across a year boundary', () => {
    // 01-01..03 off, Sunday 01-04 is a make-up day, Monday 01-05 works.
    expect(national.workingDaysBetween('2025-12-31', '2026-01-05')).toBe(2);
    expect(national.addWorkingDays('2025-12-31', 1)).toBe('2026-01-04');
  });

  it('rejects a non-integer count with calendar_invalid_argument', () => {
    expectCode(() => national.addWorkingDays('2025-03-10', 1.5), 'calendar_invalid_argument');
    expectCode(() => national.addWorkingDays('2025-03-10', Number.NaN), 'calendar_invalid_argument');
  });

  it('rejects malformed or unreal dates with invalid_date', () => {
    expect(() => national.isWorkingDay('2025-02-29')).toThrow(InvalidDateError);
    expectCode(() => national.isWorkingDay('2025/03/10'), 'invalid_date');
    expectCode(() => national.workingDaysBetween('2025-3-1', '2025-03-10'), 'invalid_date');
  });
});

describe('range: official years, then provisional counting (issue 12 part 1)', () => {
  it('counts 2004–2099; 2004–2026 are official from the package data', () => {
    expect(national.firstSupportedYear).toBe(2004);
    expect(national.lastSupportedYear).toBe(2099);
    expect(national.isOfficialYear(2026)).toBe(true);
    expect(national.isOfficialYear(2027)).toBe(false);
  });

  it('refuses 2003 and 2100 dates with calendar_out_of_range', () => {
    expect(() => national.isWorkingDay('2003-12-31')).toThrow(CalendarRangeError);
    expectCode(() => national.isWorkingDay('2100-01-04'), 'calendar_out_of_range');
  });

  it('npx beian workdays add 2026-12-04 20: counts into 2027 provisionally (元旦 on Friday 1 January)', () => {
    const counted = countWorkingDays(national, '2026-12-04', 20);
    expect(counted).toMatchObject({ date: '2027-01-04', provisional: true, provisionalYears: [2027] });
    expect(counted.reason).toMatch(/2027.*statutory holidays.*without make-up/);
    expect(countWorkingDays(national, '2026-12-01', 20)).toMatchObject({ date: '2026-12-29', provisional: false, reason: null });
    expect(national.workingDaysBetween('2026-12-30', '2027-01-04')).toBe(2); // 31 Dec, 4 Jan
    expect(national.provisionalYears('2027-03-01', '2026-12-30')).toEqual([2027]);
  });

  it('2027 春节 from its lunar date: 除夕 Friday 5 February to 初三 Monday 8 February are off', () => {
    for (const d of ['2027-02-05', '2027-02-08']) expect(national.isWorkingDay(d)).toBe(false);
    expect(national.isWorkingDay('2027-02-04')).toBe(true);
    expect(national.isWorkingDay('2027-02-09')).toBe(true);
    // 21 Jan … 4 Feb are 11 working days; 5–8 Feb off; 9–12 and 15–19 Feb make 20.
    expect(countWorkingDays(national, '2027-01-20', 20)).toMatchObject({ date: '2027-02-19', provisional: true });
  });

  it('a year_published row makes a year official: its overrides apply and the statutory days no longer do', () => {
    const cal = createCalendar({
      overrides: [
        { kind: 'year_published', year: 2027 },
        { kind: 'holiday', date: '2027-01-01' },
      ],
    });
    expect(cal.isOfficialYear(2027)).toBe(true);
    expect(cal.isWorkingDay('2027-01-01')).toBe(false); // Friday, declared off
    expect(cal.isWorkingDay('2027-02-05')).toBe(true); // 除夕 is not declared off in this (test) schedule
    expect(cal.provisionalYears('2026-12-04', '2027-12-31')).toEqual([]);
    expect(cal.provisionalYears('2027-12-04', '2028-01-31')).toEqual([2028]);
  });

  it('a year the package covers, once published by an import, is its overrides alone (the package\'s days of that year drop)', () => {
    // An imported 2026 schedule that declares only 1 and 8 October off (a wrong file, say): the calendar counts what was imported.
    const cal = createCalendar({ overrides: [{ kind: 'year_published', year: 2026 }, { kind: 'holiday', date: '2026-10-01' }, { kind: 'holiday', date: '2026-10-08' }] });
    expect(cal.isWorkingDay('2026-10-02')).toBe(true); // Friday: off in the package's schedule, not in the file
    expect(cal.isWorkingDay('2026-10-08')).toBe(false);
    expect(cal.isWorkingDay('2026-10-10')).toBe(false); // Saturday: a make-up day in the package's schedule only
    expect(cal.isWorkingDay('2025-10-02')).toBe(false); // other package years unchanged
    expect(createCalendar().isWorkingDay('2026-10-02')).toBe(false);
  });

  it('publishing 2028 without 2027 makes only 2028 official', () => {
    const cal = createCalendar({ overrides: [{ kind: 'year_published', year: 2028 }] });
    expect(cal.provisionalYears('2026-12-01', '2028-03-01')).toEqual([2027]);
    expect(createCalendar({ overrides: [{ kind: 'holiday', date: '2027-01-01' }] }).isOfficialYear(2027)).toBe(false);
  });

  it('a newer package schedule covering 2027 makes 2027 official without any row', () => {
    const schedule = { holidays: new Set(['2027-02-05', '2027-02-09']), workdays: new Set(['2027-02-20']), years: { first: 2004, last: 2027 } };
    const cal = createCalendar({ schedule });
    expect(cal.isOfficialYear(2027)).toBe(true);
    expect(cal.isWorkingDay('2027-02-08')).toBe(true);
    expect(cal.isWorkingDay('2027-02-09')).toBe(false);
    expect(cal.isWorkingDay('2027-02-20')).toBe(true);
  });
});

describe('overrides', () => {
  // Example: a regional holiday such as Xinjiang's Corban Festival (古尔邦节), which the
  // national schedule does not carry (DOMAIN.md §8: provincial holidays are not in the data).
  const corban = { kind: 'holiday', date: '2025-06-06', provinceCode: '650000' } as const;

  it('a provincial holiday applies only to a calendar created for that province', () => {
    const xinjiang = createCalendar({ overrides: [corban], provinceCode: '650000' });
    const beijing = createCalendar({ overrides: [corban], provinceCode: '110000' });
    const nationwide = createCalendar({ overrides: [corban] });
    expect(xinjiang.isWorkingDay('2025-06-06')).toBe(false);
    expect(beijing.isWorkingDay('2025-06-06')).toBe(true);
    expect(nationwide.isWorkingDay('2025-06-06')).toBe(true);
    expect(xinjiang.addWorkingDays('2025-06-05', 1)).toBe('2025-06-09');
  });

  it('a national make-up working day turns a Saturday into a working day', () => {
    const cal = createCalendar({ overrides: [{ kind: 'workday', date: '2025-03-15' }] });
    expect(cal.isWorkingDay('2025-03-15')).toBe(true);
    expect(cal.workingDaysBetween('2025-03-14', '2025-03-17')).toBe(2);
  });

  it('an override beats the package data (a correction to a published schedule)', () => {
    const cal = createCalendar({ overrides: [{ kind: 'workday', date: '2025-10-08' }] });
    expect(cal.isWorkingDay('2025-10-08')).toBe(true);
  });

  it('a provincial override beats a national one for its own province', () => {
    const overrides = [
      { kind: 'holiday', date: '2025-03-12' },
      { kind: 'workday', date: '2025-03-12', provinceCode: '440000' },
    ] as const;
    expect(createCalendar({ overrides, provinceCode: '440000' }).isWorkingDay('2025-03-12')).toBe(true);
    expect(createCalendar({ overrides, provinceCode: '310000' }).isWorkingDay('2025-03-12')).toBe(false);
  });

  it('refuses bad configuration', () => {
    expect(() => createCalendar({ provinceCode: '999999' })).toThrow(CalendarArgumentError);
    expectCode(() => createCalendar({ overrides: [{ kind: 'holiday', date: '2025-13-01' }] }), 'invalid_date');
    expectCode(() => createCalendar({ overrides: [{ kind: 'holiday', date: '2025-03-12', provinceCode: '990000' }] }), 'calendar_invalid_argument');
    expectCode(
      () => createCalendar({ overrides: [{ kind: 'holiday', date: '2025-03-12' }, { kind: 'workday', date: '2025-03-12' }] }),
      'calendar_invalid_argument',
    );
  });
});
