// The batch body read in place: whatever it accepts, JSON.parse and the schema accept with the
// same items; the plain shape every client library writes is accepted (else the fast path is never
// taken); everything else is left to JSON.parse and the schema.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanVerifyBody } from './batch-scan.ts';
import { MAX_BATCH_ITEMS, verifyBody } from './schemas.ts';

const item = { platform: 'android', packageName: 'a2dp.Vol', fingerprint: 'ab'.repeat(16) };
const scan = (text: string) => scanVerifyBody(Buffer.from(text, 'utf8'));

// Strings mostly plain, sometimes with what the scan must leave to JSON.parse (escapes, non-ASCII, controls).
const text = (max: number) => fc.oneof(
  { weight: 30, arbitrary: fc.string({ unit: fc.constantFrom(...'ab.Z09_- :~!'), maxLength: max }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom('"', '\\', '\u0001', '两', '\u007f', 'x'.repeat(max + 1)) },
);
const itemArb = fc.tuple(
  fc.record({ platform: text(34), packageName: text(40), fingerprint: text(66), ref: text(130) }, { requiredKeys: ['platform', 'packageName', 'fingerprint'] }),
  fc.integer({ min: 0, max: 30 }),
).map(([o, k]) => {
  if (k === 0) return { ...o, extra: 'x' };
  if (k === 1) return { ...o, platform: k };
  if (k === 2) { const { fingerprint: _, ...rest } = o; return rest; }
  return o;
});
const body = fc.oneof(
  { weight: 8, arbitrary: fc.array(itemArb, { minLength: 0, maxLength: 6 }).map((items) => ({ items })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);
/** The same JSON written with the whitespace JSON allows between tokens. */
const spaced = (json: string, ws: string) => json.replace(/("(?:[^"\\]|\\.)*")|([{}[\]:,])/g, (m, str: string | undefined) => (str !== undefined ? str : `${ws}${m}${ws}`));

describe('scanVerifyBody', () => {
  it('accepts only what JSON.parse and verifyBody accept, with the same items', () => {
    let accepted = 0;
    fc.assert(fc.property(body, fc.constantFrom('', ' ', '\n', '\r\n\t '), (value, ws) => {
      const json = spaced(JSON.stringify(value) ?? 'null', ws);
      const scanned = scan(json);
      if (scanned === null) return;
      accepted += 1;
      const parsed = verifyBody.safeParse(JSON.parse(json));
      expect(parsed.success).toBe(true);
      expect(scanned.items()).toEqual(parsed.data!.items);
      expect(scanned.count).toBe(parsed.data!.items.length);
    }), { numRuns: 3_000 });
    expect(accepted).toBeGreaterThan(500); // the property was tested on bodies the scan reads, not only refused ones
  });

  it('reads the plain shape in place, with whitespace anywhere JSON allows it', () => {
    fc.assert(fc.property(
      fc.array(fc.record({
        platform: fc.constantFrom('android', 'ios', 'harmonyos', 'Android', 'x'),
        packageName: fc.string({ unit: fc.constantFrom(...'ab.Z09_-'), maxLength: 40 }),
        fingerprint: fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:'), maxLength: 64 }),
        ref: fc.string({ unit: fc.constantFrom(...'ab ~!@#$%^&*()'), maxLength: 128 }),
      }, { requiredKeys: ['platform', 'packageName', 'fingerprint'] }), { minLength: 1, maxLength: 20 }),
      fc.constantFrom('', ' ', '\n', '\r\n\t '),
      (items, ws) => {
        const scanned = scan(spaced(JSON.stringify({ items }), ws));
        expect(scanned).not.toBeNull();
        expect(scanned!.items()).toEqual(items);
      },
    ), { numRuns: 1_000 });
  });

  it('leaves every other body to JSON.parse and the schema', () => {
    const plain = JSON.stringify({ items: [item] });
    expect(scan(plain)).not.toBeNull();
    const others = [
      '', ' ', '{}', '[]', 'null', '{"items":[]}', '{"items":{}}', `${plain}x`, `${plain},`, plain.slice(0, -1),
      JSON.stringify({ items: [item], other: 1 }), JSON.stringify({ items: [{ ...item, other: 'x' }] }),
      JSON.stringify({ items: [{ ...item, platform: 1 }] }), JSON.stringify({ items: [{ ...item, ref: null }] }),
      JSON.stringify({ items: [{ platform: 'android', packageName: 'a.b' }] }),
      JSON.stringify({ items: [item] }).replace('"platform"', '"platform":"ios","platform"'), // a key twice
      JSON.stringify({ items: [{ ...item, ref: 'r'.repeat(129) }] }), JSON.stringify({ items: [{ ...item, platform: 'p'.repeat(33) }] }),
      JSON.stringify({ items: [{ ...item, packageName: 'p'.repeat(301) }] }), JSON.stringify({ items: [{ ...item, fingerprint: 'f'.repeat(301) }] }),
      JSON.stringify({ items: [{ ...item, ref: 'a"b' }] }), JSON.stringify({ items: [{ ...item, ref: '两' }] }),
      JSON.stringify({ items: [{ ...item, ref: '\u007f' }] }), JSON.stringify({ items: [item] }).replace('android', 'andr\\u006fid'),
      JSON.stringify({ items: Array.from({ length: MAX_BATCH_ITEMS + 1 }, () => item) }),
      JSON.stringify({ items: [item, item] }).replace('},{', '}{'), JSON.stringify({ items: [item] }).replace('{"items"', '{ "items" ,'),
    ];
    for (const o of others) expect(scan(o), o.slice(0, 80)).toBeNull();
    // The most items the schema takes, all read in place.
    expect(scan(JSON.stringify({ items: Array.from({ length: MAX_BATCH_ITEMS }, () => item) }))?.count).toBe(MAX_BATCH_ITEMS);
    // A ref of 128 characters and the other limits exactly: in place.
    const edge = { platform: 'p'.repeat(32), packageName: 'p'.repeat(300), fingerprint: 'f'.repeat(300), ref: 'r'.repeat(128) };
    expect(scan(JSON.stringify({ items: [edge] }))?.items()).toEqual([edge]);
  });
});
