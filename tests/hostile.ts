// Strings for property tests of validators and parsers (src/domain): what any client could
// send, and what no well-behaved one would — NUL and control characters, lone surrogates,
// bidi overrides, full-width text, and huge input.
import fc from 'fast-check';

/** Any string a client could send, and some no well-behaved one would. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), maxLength: 10 }),
  fc.constantFrom('', ' ', '\u0000', '\uD800', '\uFEFF', 'a\u202Eb', '\u3000', 'ＡＢＣ１２３', '-', '.', '..', '@', '+86', 'X', 'x'),
  fc.integer({ min: 1000, max: 100_000 }).map((n) => '9'.repeat(n)),
  fc.integer({ min: 1000, max: 20_000 }).map((n) => '京'.repeat(n)),
);

/** Runs of a property: `FUZZ_RUNS` when set (a longer run), else the default that fits CI. */
export const fuzzRuns = (defaultRuns: number): number => Number(process.env.FUZZ_RUNS ?? defaultRuns);
