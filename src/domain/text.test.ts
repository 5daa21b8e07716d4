// toHalfWidth's early return for text it would not change (a filing number with its Han
// characters) gives exactly what the character-by-character mapping gives, for any string.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHalfWidth } from './text.ts';
import { fuzzRuns, hostileString } from '../../tests/hostile.ts';

/** The mapping, one code point at a time, with no early return. */
function reference(input: string): string {
  let out = '';
  for (const ch of input) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0xff01 && cp <= 0xff5e) out += String.fromCodePoint(cp - 0xfee0);
    else if (/\s/u.test(ch)) out += ' ';
    else out += ch;
  }
  return out;
}

const pasted = fc.array(fc.constantFrom('粤', 'ICP', '备', '号', '２', 'Ａ', '\u3000', '\u00a0', ' ', '\t', '-', '—', '𠀋', '\ud800', 'x'), { maxLength: 12 })
  .map((xs) => xs.join(''));

describe('toHalfWidth', () => {
  it('maps full-width ASCII to ASCII and every space to U+0020, and leaves other text as it is', () => {
    expect(toHalfWidth('粤ICP备2017000001号-1A')).toBe('粤ICP备2017000001号-1A');
    expect(toHalfWidth('粤ＩＣＰ备２０１７\u3000号')).toBe('粤ICP备2017 号');
    fc.assert(fc.property(fc.oneof(pasted, fc.string({ unit: 'grapheme' }), hostileString), (s) => { expect(toHalfWidth(s)).toBe(reference(s)); }),
      { numRuns: fuzzRuns(500) });
  });
});
