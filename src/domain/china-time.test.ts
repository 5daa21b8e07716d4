import { describe, expect, it } from 'vitest';
import { chinaDate, chinaDateTime, chinaYear } from './china-time.ts';

describe('China time', () => {
  it('an instant before 08:00 in Beijing is on the China date after the UTC one', () => {
    const t = new Date('2027-01-24T23:30:00Z'); // 07:30 on 25 January in Beijing
    expect(chinaDate(t)).toBe('2027-01-25');
    expect(chinaDateTime(t)).toBe('2027-01-25 07:30');
    expect(chinaDateTime(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01 00:00');
    expect(chinaYear(new Date('2026-12-31T16:00:00Z'))).toBe(2027);
    expect(chinaDateTime(new Date('2026-04-09T02:00:00.000Z'))).toBe('2026-04-09 10:00');
  });
});
