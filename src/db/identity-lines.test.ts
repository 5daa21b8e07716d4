// The identity load's line reading (src/db/verification.ts): COPY output arrives in chunks that
// split lines anywhere; lineSpans splits a line into its 16 fields and refuses what must be read
// again as a row (a backslash: COPY's escape; U+001F inside a value: another number of fields).
import { describe, expect, it } from 'vitest';
import { LINE_FIELDS } from './identity-index.ts';
import { LineChunks, lineSpans } from './verification.ts';

const fields = (i: number) => Array.from({ length: LINE_FIELDS }, (_, k) => (k === 10 ? `名称${i}😀` : `f${k}-${i}`));

describe('identity load lines', () => {
  it('yields every whole line once, in order, wherever the chunks split them (inside a UTF-8 character too)', () => {
    const text = Array.from({ length: 7 }, (_, i) => `${fields(i).join('\x1f')}\n`).join('');
    const all = Buffer.from(text);
    const expected = text.slice(0, -1).split('\n');
    for (const size of [1, 2, 3, 7, 64, all.length - 1, all.length]) {
      for (let first = 1; first <= Math.min(size, 9); first++) {
        const got: string[] = [];
        const lines = new LineChunks();
        let at = 0;
        for (let end = first; at < all.length; end = Math.min(all.length, end + size)) {
          lines.push(all.subarray(at, end), (buf, s, e) => got.push(buf.toString('utf8', s, e)));
          at = end;
        }
        expect(got, `chunks of ${size}, first ${first}`).toEqual(expected);
        expect(lines.pending).toBe(false);
      }
    }
    const cut = new LineChunks();
    cut.push(Buffer.from('a\x1fb\nc'), () => {});
    expect(cut.pending).toBe(true);
  });

  it('splits a line into its fields as spans, and refuses a backslash or another number of fields', () => {
    const spans = new Int32Array(2 * LINE_FIELDS);
    const f = fields(3);
    f[15] = '';
    const src = Buffer.from(`>${f.join('\x1f')}<`);
    expect(lineSpans(src, 1, src.length - 1, spans)).toBe(true);
    expect(Array.from({ length: LINE_FIELDS }, (_, k) => src.toString('utf8', spans[2 * k]!, spans[2 * k + 1]!))).toEqual(f);
    for (const bad of [[...f.slice(0, 10), 'a\x1fb', ...f.slice(11)], f.slice(1), [...f.slice(0, 10), 'back\\\\slash', ...f.slice(11)]]) {
      const b = Buffer.from(bad.join('\x1f'));
      expect(lineSpans(b, 0, b.length, spans)).toBe(false);
    }
  });
});
