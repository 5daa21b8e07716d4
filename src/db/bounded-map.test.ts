import { describe, expect, it } from 'vitest';
import { evictOldest } from './bounded-map.ts';

describe('evictOldest', () => {
  it('leaves a map within its bound alone', () => {
    const m = new Map([[1, 'a'], [2, 'b']]);
    evictOldest(m, 2);
    expect([...m.keys()]).toEqual([1, 2]);
  });

  it('drops the oldest entries, down to the bound less a sixteenth of it', () => {
    const m = new Map<number, number>();
    for (let i = 0; i < 33; i++) m.set(i, i);
    evictOldest(m, 32);
    expect(m.size).toBe(30); // 32 - 32/16
    expect([...m.keys()]).toEqual(Array.from({ length: 30 }, (_, i) => i + 3));
  });

  it('drops exactly the excess for small bounds, and keeps the recently refreshed', () => {
    const m = new Map([['a', 1], ['b', 2], ['c', 3]]);
    m.delete('a'); m.set('a', 1); // refreshed: now the newest
    m.set('d', 4);
    evictOldest(m, 3);
    expect([...m.keys()]).toEqual(['c', 'a', 'd']);
  });
});
