// The provisional statutory holidays, checked against dates known independently of the
// lunar library: 春节 2027 is Saturday 6 February and 春节 2028 Wednesday 26 January (the
// published Chinese calendars), 清明 2027 is 5 April, 端午 2027 9 June, 中秋 2027 15 September.
import { describe, expect, it } from 'vitest';
import { statutoryHolidays } from './statutory-holidays.ts';

describe('statutory holidays (全国年节及纪念日放假办法 as amended 2024-11)', () => {
  it('2027: 13 days with 春节 from 除夕 5 February', () => {
    expect([...statutoryHolidays(2027)].sort()).toEqual([
      ['2027-01-01', '元旦'],
      ['2027-02-05', '除夕'], ['2027-02-06', '春节'], ['2027-02-07', '春节'], ['2027-02-08', '春节'],
      ['2027-04-05', '清明节'],
      ['2027-05-01', '劳动节'], ['2027-05-02', '劳动节'],
      ['2027-06-09', '端午节'],
      ['2027-09-15', '中秋节'],
      ['2027-10-01', '国庆节'], ['2027-10-02', '国庆节'], ['2027-10-03', '国庆节'],
    ]);
  });

  it('2028: 除夕 25 January; 中秋 falls on 3 October, inside 国庆 (one day, counted once)', () => {
    const days = statutoryHolidays(2028);
    expect(days.get('2028-01-25')).toBe('除夕');
    expect(days.get('2028-01-28')).toBe('春节');
    expect(days.has('2028-01-29')).toBe(false);
    expect(days.get('2028-04-04')).toBe('清明节');
    expect(days.get('2028-05-28')).toBe('端午节');
    expect(days.size).toBe(12);
  });

  it('agrees with the published 2025 and 2026 schedules on every statutory day', async () => {
    const { NATIONAL_HOLIDAYS } = await import('./calendar-data.ts');
    for (const year of [2025, 2026]) for (const d of statutoryHolidays(year).keys()) expect(NATIONAL_HOLIDAYS.has(d), d).toBe(true);
  });

  it('refuses years outside the rule\'s span', () => {
    expect(() => statutoryHolidays(2024)).toThrow(RangeError);
    expect(() => statutoryHolidays(2100)).toThrow(RangeError);
  });
});
