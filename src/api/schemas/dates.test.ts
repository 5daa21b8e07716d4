// shellSince is the China date everywhere (consoles, verification, webhooks, the public record): a
// shell made before 08:00 China time is on the next UTC day's date, not the UTC timestamp's.
import { describe, expect, it } from 'vitest';
import { shellDay } from '../verify/presenters.ts';
import { shellSinceFields } from './dates.ts';

describe('shellSinceFields', () => {
  it('gives the China date the verification API gives, and the moment beside it', () => {
    const since = new Date('2026-10-22T20:00:02.462Z'); // 04:00 on 23 October in Beijing
    expect(shellSinceFields(since)).toEqual({ shellSince: '2026-10-23', shellSinceAt: '2026-10-22T20:00:02.462Z' });
    expect(shellSinceFields(since).shellSince).toBe(shellDay(since));
    expect(shellSinceFields(null)).toEqual({ shellSince: null, shellSinceAt: null });
  });
});
