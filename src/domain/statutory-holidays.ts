// The statutory public holidays of 全国年节及纪念日放假办法 as amended by the State Council on
// 2024-11-10 (in force from 2025), used to count working days PROVISIONALLY in a year whose
// official schedule (国务院办公厅关于部分节假日安排的通知) is not known yet (ADR 0011):
//   元旦 1 day (1 January)          春节 4 days (农历除夕 and 正月初一 to 初三)
//   清明节 1 day (the 清明 solar term) 劳动节 2 days (1–2 May)
//   端午节 1 day (农历五月初五)        中秋节 1 day (农历八月十五)
//   国庆节 3 days (1–3 October)
// Lunar dates and the solar term come from chinese-days' own lunar functions (the package
// that supplies the published schedules), called with explicit dates only — they never read
// the clock that way. Art. 5's 补假 and the 调休 make-up working days are announced each
// year, not derived, so a provisional count has neither (ADR 0011).
import chineseDays from 'chinese-days';
import { type IsoDate, addDays } from './dates.ts';

/** The lunar tables of chinese-days cover 1900–2100; 春节 of year Y needs lunar year Y. */
export const STATUTORY_RULE_YEARS = { first: 2025, last: 2099 } as const;

export type StatutoryHoliday = '元旦' | '除夕' | '春节' | '清明节' | '劳动节' | '端午节' | '中秋节' | '国庆节';

const cache = new Map<number, ReadonlyMap<IsoDate, StatutoryHoliday>>();

const lunar = (year: number, month: number, day: number): IsoDate =>
  chineseDays.getSolarDateFromLunar(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`).date;

/** The statutory days off of a Gregorian year, date → festival. Weekends are not included. */
export function statutoryHolidays(year: number): ReadonlyMap<IsoDate, StatutoryHoliday> {
  const hit = cache.get(year);
  if (hit) return hit;
  if (!Number.isInteger(year) || year < STATUTORY_RULE_YEARS.first || year > STATUTORY_RULE_YEARS.last) {
    throw new RangeError(`statutory holiday rules are applied to ${STATUTORY_RULE_YEARS.first}–${STATUTORY_RULE_YEARS.last}, not ${year}`);
  }
  const days = new Map<IsoDate, StatutoryHoliday>();
  const springFestival = lunar(year, 1, 1);
  // 除夕 is the last day of the twelfth lunar month (the 29th or the 30th): the day before 初一.
  const entries: [IsoDate, StatutoryHoliday][] = [
    [`${year}-01-01`, '元旦'],
    [addDays(springFestival, -1), '除夕'],
    [springFestival, '春节'], [addDays(springFestival, 1), '春节'], [addDays(springFestival, 2), '春节'],
    [chineseDays.getSolarTermDate(year, 4, 'pure_brightness'), '清明节'],
    [`${year}-05-01`, '劳动节'], [`${year}-05-02`, '劳动节'],
    [lunar(year, 5, 5), '端午节'],
    [lunar(year, 8, 15), '中秋节'],
    [`${year}-10-01`, '国庆节'], [`${year}-10-02`, '国庆节'], [`${year}-10-03`, '国庆节'],
  ];
  // 春节 falls between 21 January and 20 February, so every day above is in the year itself.
  for (const [date, name] of entries) days.set(date, name);
  cache.set(year, days);
  return days;
}
