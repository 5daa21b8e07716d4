// JsonBytes writes what JSON.stringify then UTF-8 encoding writes: JS strings, strings stored as
// Latin-1, UTF-8 or UTF-16LE bytes (whole and as prefixes, as String.prototype.slice cuts them),
// and dates — including escapes, lone surrogates, astral characters and dates outside 0–9999.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { E_LATIN1, E_UTF16, E_UTF8 } from '../../db/identity-index.ts';
import { hostileString } from '../../../tests/hostile.ts';
import { BufferPool, fragment, JsonBytes } from './json-bytes.ts';

const json = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8');
/** The bytes a writer produced, starting at a small buffer so growth is exercised. */
const written = (write: (w: JsonBytes) => void) => { const w = new JsonBytes(8); write(w); return Buffer.from(w.bytes()); };
const short = hostileString.filter((s) => s.length <= 3000);
const latin1 = fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 40 });

describe('JsonBytes', () => {
  it('a JS string, as JSON.stringify writes it', () => {
    for (const s of ['', 'a2dp.Vol', '"', '\\', '\u0000\u001f\b\f\n\r\t', '\ud800', '\udc00x', '😀', '\u2028', '京ICP备2024012345号-2A']) {
      expect(written((w) => w.string(s))).toEqual(json(s));
    }
    fc.assert(fc.property(short, (s) => { expect(written((w) => w.string(s))).toEqual(json(s)); }), { numRuns: 500 });
  });

  it('a string stored as UTF-16LE, whole and every prefix, as JSON.stringify(s.slice(0, n))', () => {
    fc.assert(fc.property(short, fc.nat(), (s, cut) => {
      const b = Buffer.from(`xy${s}`, 'utf16le'); // stored at an offset, as in the arena
      expect(written((w) => w.stored(b, 4, b.length, E_UTF16))).toEqual(json(s));
      const n = cut % (s.length + 1);
      expect(written((w) => w.stored(b, 4, b.length, E_UTF16, n))).toEqual(json(s.slice(0, n)));
    }), { numRuns: 500 });
    const pair = 'a😀b'; // a prefix that ends between the surrogates keeps the high one, escaped
    const b = Buffer.from(pair, 'utf16le');
    for (let n = 0; n <= pair.length; n++) expect(written((w) => w.stored(b, 0, b.length, E_UTF16, n))).toEqual(json(pair.slice(0, n)));
  });

  it('a string stored as UTF-8 (what Buffer.from makes of it), whole and every prefix', () => {
    fc.assert(fc.property(short, fc.nat(), (raw, cut) => {
      const b = Buffer.from(raw, 'utf8');
      const s = b.toString('utf8'); // lone surrogates became U+FFFD when stored, as the index stores them
      expect(written((w) => w.stored(b, 0, b.length, E_UTF8))).toEqual(json(s));
      const n = cut % (s.length + 1);
      expect(written((w) => w.stored(b, 0, b.length, E_UTF8, n))).toEqual(json(s.slice(0, n)));
    }), { numRuns: 500 });
    const b = Buffer.from('号😀', 'utf8');
    for (let n = 0; n <= 3; n++) expect(written((w) => w.stored(b, 0, b.length, E_UTF8, n))).toEqual(json('号😀'.slice(0, n)));
  });

  it('a string stored as Latin-1 (controls, quotes, bytes 0x80–0xff), whole and every prefix', () => {
    fc.assert(fc.property(latin1, fc.nat(), (s, cut) => {
      const b = Buffer.from(s, 'latin1');
      expect(written((w) => w.stored(b, 0, b.length, E_LATIN1))).toEqual(json(s));
      const n = cut % (s.length + 1);
      expect(written((w) => w.stored(b, 0, b.length, E_LATIN1, n))).toEqual(json(s.slice(0, n)));
    }), { numRuns: 500 });
  });

  it('a date as JSON.stringify writes a Date, from year 0 to 9999 and (by Date itself) beyond', () => {
    const edges = [0, -1, 1, 86_399_999, 86_400_000, 951_782_400_000 /* 2000-02-29 */, 1_709_164_800_000 /* 2024-02-29 */, 4_107_542_399_999,
      Date.UTC(0, 0, 1) - 0, Date.UTC(9999, 11, 31, 23, 59, 59, 999), -62_198_755_200_000 /* year 0 */, -62_198_755_200_001, 253_402_300_800_000, 8.64e15];
    for (const ms of edges) expect(written((w) => w.date(ms)), String(ms)).toEqual(json(new Date(ms)));
    fc.assert(fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => { expect(written((w) => w.date(ms))).toEqual(json(new Date(ms))); }), { numRuns: 2000 });
    fc.assert(fc.property(fc.integer({ min: 0, max: 4.1e12 }), (ms) => { expect(written((w) => w.date(ms))).toEqual(json(new Date(ms))); }), { numRuns: 2000 });
  });

  it('fragments, text and strings in a row grow one buffer without losing a byte', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom('frag', 'text', 'string'), short), { maxLength: 40 }), (parts) => {
      const expected = parts.map(([kind, s]) => (kind === 'string' ? JSON.stringify(s) : kind === 'text' ? s : JSON.stringify(s))).join('');
      const got = written((w) => { for (const [kind, s] of parts) { if (kind === 'frag') w.frag(fragment(JSON.stringify(s))); else if (kind === 'text') w.text(s); else w.string(s); } });
      expect(got).toEqual(Buffer.from(expected, 'utf8'));
    }), { numRuns: 200 });
  });
});

describe('BufferPool (batch answers reused once sent)', () => {
  it('issues a buffer once until it is given back (by any view of it), and keeps at most `keep`', () => {
    const pool = new BufferPool(2);
    const a = pool.take(1000);
    const b = pool.take(1000);
    expect(a.buffer).not.toBe(b.buffer); // both out: two buffers
    pool.giveBack(a.subarray(0, 10)); // a view of a (JsonBytes.bytes) gives a back
    pool.giveBack(a); // twice: still once in the pool
    const c = pool.take(900);
    expect(c).toBe(a);
    expect(pool.take(900)).not.toBe(a); // a is out again
    pool.giveBack(Buffer.alloc(2000)); // not issued here: ignored
    expect(pool.take(1500).length).toBe(1500);
    for (const x of [b, c]) pool.giveBack(x);
    const d = pool.take(100);
    const e = pool.take(100);
    expect([d, e].sort((x, y) => x.length - y.length)).toEqual([b, c].sort((x, y) => x.length - y.length));
    pool.giveBack(d); pool.giveBack(e);
    pool.giveBack(pool.take(5000)); // a third: beyond `keep`, not kept
    expect([pool.take(10), pool.take(10)].every((x) => x === d || x === e)).toBe(true);
  });

  it('a writer from the pool that grows gives its first buffer back, and writes the same bytes', () => {
    const pool = new BufferPool(2);
    const w = new JsonBytes(8, pool);
    const first = w.buf;
    w.ascii('{"results":[').string('x'.repeat(100)).ascii(']}');
    expect(w.buf).not.toBe(first);
    expect(Buffer.from(w.bytes()).toString()).toBe(`{"results":["${'x'.repeat(100)}"]}`);
    expect(pool.take(8)).toBe(first);
  });
});
