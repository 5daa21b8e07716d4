// beian_bigrams (migration 0038) gives, for every text, the bigrams migration 0004's function gave,
// as a set: every 2-character substring in order, a repeated one repeated (0004 sorted them, each
// once; every use takes the array as a set — GIN keys, `@>`, ANALYZE's element statistics).
// Compared on both databases with a reference in TypeScript (over the database's own lower()) and
// with 0004's function itself.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDb } from '../../tests/db.ts';

/** The 2-code-point substrings of a lower-cased text, in order. */
function reference(lower: string): string[] {
  const cs = [...lower];
  const out: string[] = [];
  for (let i = 0; i + 1 < cs.length; i++) out.push(cs[i]! + cs[i + 1]!);
  return out;
}

// Characters that stress the function: cases (ASCII, Latin, Greek, Cyrillic, full-width, ones
// whose lower case is longer or special), Han, emoji and other astral characters (surrogate pairs
// in UTF-16), combining marks, white space and line breaks, quotes and backslashes.
const POOL = [
  'a', 'B', 'z', 'Z', 'É', 'é', 'ß', 'ẞ', 'İ', 'ı', 'I', 'Σ', 'σ', 'ς', 'Д', 'д', 'Ａ', 'ａ', 'Ⅻ', 'ǅ',
  '有', '限', '公', '司', '科', '技', '记', '账', '哈', '𠮷', '😀', '👍🏽', '\u0301', '\u200d', ' ', '\n', '\t', '"', '\\', ',', '{', '}', '0', '9',
];
const char = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...POOL) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff).map((c) => String.fromCodePoint(c)) },
);
// Short texts (0, 1, 2 characters) and repetitions (哈哈哈, abab) come often from a small alphabet.
const texts = fc.oneof(
  fc.array(char, { maxLength: 3 }).map((cs) => cs.join('')),
  fc.array(char, { maxLength: 40 }).map((cs) => cs.join('')),
  fc.tuple(fc.array(char, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 6 })).map(([cs, n]) => cs.join('').repeat(n)),
);

describe('beian_bigrams', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await testDatabase();
    // Migration 0004's function, as the reference of the database side.
    await t.db.exec(`create function bigrams_0004(s text) returns text[] language sql immutable strict as $$
      select coalesce(array_agg(distinct substr(t.v, i, 2)), '{}'::text[])
        from (select lower(s) as v) t, generate_series(1, char_length(t.v) - 1) as i $$`);
  });
  afterAll(async () => { await t.close(); });

  const compare = async (xs: string[]) => {
    const rows = await t.db.query<{ lower: string; now: string[]; before: string[] }>(
      'select lower(x) as lower, beian_bigrams(x) as now, bigrams_0004(x) as before from unnest($1::text[]) with ordinality as u(x, i) order by i', [xs]);
    expect(rows).toHaveLength(xs.length);
    rows.forEach((r, i) => {
      const ref = reference(r.lower);
      const why = JSON.stringify(xs[i]);
      // Every substring in order.
      expect(r.now, why).toEqual(ref);
      // The same set as migration 0004's function (which sorted them, each once).
      expect([...new Set(r.now)].sort(), why).toEqual([...r.before].sort());
    });
  };

  it('gives the bigrams of 0004 for named cases', async () => {
    await compare(['', '记', '记账', '示例记账', '有限公司', '哈哈哈', '哈哈哈哈', 'abab', 'AbcAb', 'ABC', 'a😀b', '😀😀😀', '👍🏽', 'e\u0301e\u0301',
      'line\nbreak', 'İstanbul', 'STRASSE Straße', 'ΣΊΣΥΦΟΣ', '"quoted" \\ {a,b}', '  ', 'a b a b', 'Ａｂ', '深圳示例科技有限公司科技']);
    const [r] = await t.db.query<{ b: string[] }>(`select beian_bigrams('示例记账') as b`);
    expect(r!.b).toEqual(['示例', '例记', '记账']);
    const [rep] = await t.db.query<{ b: string[] }>(`select beian_bigrams('哈哈哈') as b`);
    expect(rep!.b).toEqual(['哈哈', '哈哈']);
  });

  it('gives the bigrams of 0004 for any text (property)', async () => {
    await fc.assert(fc.asyncProperty(fc.array(texts, { minLength: 1, maxLength: 50 }), compare), { numRuns: 60 });
  });

  it('answers containment as 0004 did, through the index', async () => {
    await t.db.exec(`create table bigram_probe (name text);
      insert into bigram_probe select n from unnest(array['示例记账', '记账助手', '有限公司', '哈哈哈', 'AbcAb', 'abc', 'a😀b', 'x']) as n;
      create index bigram_probe_names on bigram_probe using gin (beian_bigrams(name))`);
    const byIndex = 'select name from bigram_probe where beian_bigrams(name) @> beian_bigrams($1) order by name';
    for (const k of ['记账', '哈哈', 'ab', 'BC', '😀b', '有限公司', 'ca', '例记账']) {
      const now = await t.db.transaction(async (tx) => {
        await tx.exec('set local enable_seqscan = off');
        const plan = (await tx.query<{ 'QUERY PLAN': string }>(`explain ${byIndex}`, [k])).map((r) => r['QUERY PLAN']).join('\n');
        expect(plan).toContain('bigram_probe_names');
        return tx.query<{ name: string }>(byIndex, [k]);
      });
      const before = await t.db.query<{ name: string }>(
        'select name from bigram_probe where bigrams_0004(name) @> bigrams_0004($1) order by name', [k]);
      expect(now.map((r) => r.name), k).toEqual(before.map((r) => r.name));
      if (k === '记账') expect(now.map((r) => r.name)).toEqual(['示例记账', '记账助手']);
    }
  });
});
