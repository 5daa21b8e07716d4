// The national holiday schedule as published yearly by the State Council (国务院办公厅关于
// 部分节假日安排的通知), taken from the `chinese-days` package's static JSON (DOMAIN.md §8
// [S32]) rather than its functions, which default to "today" and so would read the clock.
//
// In that JSON, `holidays` lists every day off of each holiday period (weekend days inside
// the period included) and `workdays` lists the 调休 make-up working days (usually a
// Saturday or Sunday). `inLieuDays` only explains why a weekday is off and is not needed.
import data from 'chinese-days/dist/chinese-days.json' with { type: 'json' };

interface ChineseDaysJson {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

const json = data as ChineseDaysJson;

/** Days off that would otherwise be weekdays, plus weekend days inside a holiday period. */
export const NATIONAL_HOLIDAYS: ReadonlySet<string> = new Set(Object.keys(json.holidays));
/** Weekend days declared working days (调休). */
export const NATIONAL_MAKEUP_WORKDAYS: ReadonlySet<string> = new Set(Object.keys(json.workdays));

function yearRange(): { first: number; last: number } {
  const years = [...NATIONAL_HOLIDAYS, ...NATIONAL_MAKEUP_WORKDAYS].map((d) => Number(d.slice(0, 4)));
  return { first: Math.min(...years), last: Math.max(...years) };
}

/** Years the package has schedules for (2004–2026 in chinese-days 1.5.7). */
export const NATIONAL_DATA_YEARS: { readonly first: number; readonly last: number } = Object.freeze(yearRange());
