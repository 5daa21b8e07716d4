import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uuidv7 } from './uuid7.ts';

describe('uuidv7', () => {
  it('is an RFC 9562 version 7 UUID carrying the millisecond', () => {
    const ms = Date.UTC(2026, 11, 5, 1, 2, 3, 456);
    const id = uuidv7(ms);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms);
    expect(z.uuid().safeParse(id).success).toBe(true);
  });

  it('sorts in the order made, within one millisecond too, and is unique', () => {
    const ms = Date.UTC(2027, 0, 1);
    const ids = [...Array.from({ length: 5000 }, () => uuidv7(ms)), uuidv7(ms + 10), uuidv7(ms + 5)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // 5,000 in one millisecond overflow the 12-bit counter: the next millisecond is borrowed.
    expect(parseInt(ids[4999]!.slice(0, 8) + ids[4999]!.slice(9, 13), 16)).toBe(ms + 1);
  });

  it('differs in its random bits', () => {
    const a = uuidv7(Date.UTC(2028, 0, 1));
    const b = uuidv7(Date.UTC(2028, 0, 1, 0, 0, 1));
    expect(a.slice(19)).not.toBe(b.slice(19));
  });
});
