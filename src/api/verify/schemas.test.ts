// The batch route's fast body check never accepts what Zod would refuse (Zod names the problems).
import { describe, expect, it } from 'vitest';
import { isVerifyBody, MAX_BATCH_ITEMS, verifyBody } from './schemas.ts';

const item = { platform: 'android', packageName: 'a2dp.Vol', fingerprint: 'c1cabe8ad9dc272b2443a3a67bc443d5' };

describe('isVerifyBody', () => {
  const valid = [
    { items: [item] },
    { items: [{ ...item, ref: 'row-1' }] },
    { items: Array.from({ length: MAX_BATCH_ITEMS }, () => item) },
    { items: [{ platform: 'x'.repeat(32), packageName: 'p'.repeat(300), fingerprint: 'f'.repeat(300), ref: 'r'.repeat(128) }] },
  ];
  const invalid: unknown[] = [
    null, 'text', [], {}, { items: [] }, { items: item }, { items: [item], extra: 1 },
    { items: Array.from({ length: MAX_BATCH_ITEMS + 1 }, () => item) },
    { items: [{ ...item, platform: 'x'.repeat(33) }] }, { items: [{ ...item, packageName: 'p'.repeat(301) }] },
    { items: [{ ...item, fingerprint: 'f'.repeat(301) }] }, { items: [{ ...item, ref: 'r'.repeat(129) }] },
    { items: [{ ...item, ref: 5 }] }, { items: [{ ...item, ref: null }] }, { items: [{ ...item, other: 'x' }] },
    { items: [{ platform: 'android', packageName: 'a' }] }, { items: [{ ...item, fingerprint: 123 }] },
    { items: [item, null] }, { items: [item, [item]] }, { items: [item, 'x'] },
  ];

  it('accepts bodies Zod accepts', () => {
    for (const b of valid) {
      expect(verifyBody.safeParse(b).success).toBe(true);
      expect(isVerifyBody(b)).toBe(true);
    }
  });

  it('never accepts a body Zod refuses', () => {
    for (const b of invalid) {
      expect(verifyBody.safeParse(b).success, JSON.stringify(b).slice(0, 80)).toBe(false);
      expect(isVerifyBody(b), JSON.stringify(b).slice(0, 80)).toBe(false);
    }
  });
});
