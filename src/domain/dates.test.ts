import { describe, expect, it } from 'vitest';
import { addDays, dayOfWeek, daysBetween, daysInMonth, validateIsoDate } from './dates.ts';

describe('validateIsoDate', () => {
  it.each(['2025-09-25', '2024-02-29', '2000-02-29', '1949-12-31'])('accepts %s', (d) => {
    expect(validateIsoDate(d)).toEqual({ ok: true, value: d, warnings: [] });
  });

  it.each(['2025-9-25', '20250925', '2025/09/25', ' 2025-09-25', '2025-09-25T00:00', '', 'yesterday'])('rejects shape %j with date_format', (d) => {
    expect(validateIsoDate(d)).toMatchObject({ ok: false, error: { code: 'date_format' } });
  });

  it.each(['2025-02-29', '1900-02-29', '2025-13-01', '2025-00-10', '2025-04-31', '2025-01-00', '0000-01-01'])('rejects unreal %s with date_invalid', (d) => {
    expect(validateIsoDate(d)).toMatchObject({ ok: false, error: { code: 'date_invalid' } });
  });
});

describe('date arithmetic', () => {
  it('adds days across month, year and leap boundaries', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
  });

  it('knows weekdays and month lengths, including years below 100', () => {
    expect(dayOfWeek('2025-10-01')).toBe(3);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(4, 2)).toBe(29);
    expect(daysBetween('2025-09-25', '2025-10-29')).toBe(34);
  });
});
