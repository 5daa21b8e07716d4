// Calendar dates as plain `YYYY-MM-DD` strings. Filing deadlines are counted in whole days in
// China Standard Time; carrying dates as strings (never Date objects with a zone) keeps the
// domain free of timezone bugs. Arithmetic goes through UTC milliseconds and reads no clock.
import { DomainError } from './errors.ts';
import { type Validation, invalid, valid } from './validation/result.ts';

export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export class InvalidDateError extends DomainError {
  readonly code = 'invalid_date';

  constructor(readonly input: string) {
    super(`not a real calendar date in YYYY-MM-DD form: ${JSON.stringify(input)}`);
  }
}

// Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
function utc(year: number, month: number, day: number): number {
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  return t.getTime();
}

/** Days in a month of the proleptic Gregorian calendar (month 1–12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(utc(year, month + 1, 0)).getUTCDate();
}

/** True for a real calendar date (e.g. rejects 2025-02-29 and 2025-13-01). */
export function isRealDate(year: number, month: number, day: number): boolean {
  return Number.isInteger(year) && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * Validate a `YYYY-MM-DD` string. Codes: `date_format` (not the shape), `date_invalid`
 * (shape fine, day does not exist). Year 0000 is refused as no real filing date uses it.
 */
export function validateIsoDate(input: string): Validation<IsoDate> {
  const m = ISO_DATE.exec(input);
  if (!m) return invalid('date_format', 'expected a date written YYYY-MM-DD');
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || !isRealDate(y, mo, d)) return invalid('date_invalid', `${input} is not a real calendar date`);
  return valid(input);
}

export function isIsoDate(input: string): boolean {
  return validateIsoDate(input).ok;
}

/** Parse or throw InvalidDateError; for callers that already validated at the edge. */
export function toUtcMillis(date: IsoDate): number {
  if (!isIsoDate(date)) throw new InvalidDateError(date);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return utc(y, m, d);
}

export function fromUtcMillis(ms: number): IsoDate {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `date` plus `days` calendar days (negative goes back). */
export function addDays(date: IsoDate, days: number): IsoDate {
  return fromUtcMillis(toUtcMillis(date) + days * DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: IsoDate): number {
  return new Date(toUtcMillis(date)).getUTCDay();
}

/** Whole calendar days from a to b (b − a). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.round((toUtcMillis(b) - toUtcMillis(a)) / DAY_MS);
}

export function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}
