// The first load's fingerprint filter (src/db/first-load.ts): every key added is found again,
// across the table's growth; a key never added is found only by chance (then looked up in the
// registry, which decides), about once in 2^32 / size.
import { describe, expect, it } from 'vitest';
import { FingerprintSet } from './first-load.ts';

describe('FingerprintSet', () => {
  it('finds every key added, through its growth, and few it was never given', () => {
    const set = new FingerprintSet(16);
    const key = (i: number) => `粤ICP备2017${String(i).padStart(6, '0')}号-${(i % 7) + 1}A`;
    for (let i = 0; i < 200_000; i++) set.add(key(i));
    for (let i = 0; i < 200_000; i++) if (!set.has(key(i))) expect.fail(`key ${i} lost`);
    expect(set.size).toBeGreaterThan(199_980); // two keys with one fingerprint count once
    expect(set.bytes).toBe(4 * 2 ** 19); // at most half full
    let chance = 0;
    for (let i = 200_000; i < 400_000; i++) if (set.has(key(i))) chance += 1;
    expect(chance).toBeLessThan(60); // ~9 expected (200,000 × 200,000 / 2^32)
    const size = set.size;
    set.add(key(1));
    expect(set.size).toBe(size); // adding a key again changes nothing
  });
});
