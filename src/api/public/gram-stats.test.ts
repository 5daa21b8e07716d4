// The access-path choice for name keywords (ADR 0023): pure cost model, and the same answers
// whichever path a search takes (on the demo data, PGlite or PostgreSQL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDatabase, type TestDb } from '../../../tests/db.ts';
import { migrate } from '../../db/migrate.ts';
import { seedDemo } from '../../db/seed/demo.ts';
import { bigrams, type GramStats, gramStats, preferScan } from './gram-stats.ts';
import { interpretKeyword } from './keyword.ts';
import { searchServices, SEARCH_WINDOW } from './queries.ts';

const table = (rows: number, freq: Record<string, number>) => ({ rows, freq: new Map(Object.entries(freq)) });

describe('bigram statistics and the access path', () => {
  it('splits keywords as beian_bigrams() does', () => {
    expect(bigrams('有限公司')).toEqual(['有限', '限公', '公司']);
    expect(bigrams('哈哈哈')).toEqual(['哈哈']);
    expect(bigrams('记')).toEqual([]);
  });

  it('scans for common keywords on a big table, takes the index for rare ones and on small tables', () => {
    const big = table(400_000, { 有限: 1, 限公: 0.8, 公司: 1, 科技: 0.27, 网络: 0.069, 络科: 0.069, 记账: 0.002 });
    expect(preferScan(big, '有限公司', SEARCH_WINDOW)).toBe(true);
    expect(preferScan(big, '科技', SEARCH_WINDOW)).toBe(true);
    expect(preferScan(big, '网络科技', SEARCH_WINDOW)).toBe(true);
    expect(preferScan(big, '记账', SEARCH_WINDOW)).toBe(false); // 800 matches: the index lists them at once
    expect(preferScan(big, '科技记账', SEARCH_WINDOW)).toBe(false); // 技记 is not among the common bigrams
    expect(preferScan(table(50, { 示例: 1 }), '示例', SEARCH_WINDOW)).toBe(false);
    expect(preferScan(table(0, {}), '示例', SEARCH_WINDOW)).toBe(false);
  });
});

describe('search answers alike by either path', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await emptyDatabase();
    await migrate(t.db);
    await seedDemo(t.db, t.sealer, { lives: { now: new Date('2026-03-02T02:00:00Z') } });
    await t.db.exec('analyze subjects; analyze services');
  }, 180_000);
  afterAll(async () => { await t?.close(); });

  it('scans from the first page on a server, so a window is the same from one request to the next', async () => {
    if (t.db.kind !== 'postgresql') return; // PGlite: one backend, no concurrent scan to join
    expect(await t.db.query('show synchronize_seqscans')).toEqual([{ synchronize_seqscans: 'off' }]);
  });

  it('never compiles a statement just in time on a server: a page of records would spend more compiling it than running it (ADR 0029)', async () => {
    if (t.db.kind !== 'postgresql') return; // PGlite has no JIT
    expect(await t.db.query('show jit')).toEqual([{ jit: 'off' }]);
  });

  it('runs a search statement with its generic plan, and leaves every pooled connection planning as usual afterwards (ADR 0029)', async () => {
    if (t.db.kind !== 'postgresql') return; // PGlite: no plan cache options
    const generic = { prepare: true, generic: true } as const;
    const during = await Promise.all(Array.from({ length: 8 }, () => t.db.query<{ m: string }>(`select current_setting('plan_cache_mode') as m`, [], generic)));
    expect(during.flat().map((r) => r.m)).toEqual(Array(8).fill('force_generic_plan'));
    const after = await Promise.all(Array.from({ length: 16 }, () => t.db.query<{ m: string }>(`select current_setting('plan_cache_mode') as m`)));
    expect(after.flat().map((r) => r.m)).toEqual(Array(16).fill('auto'));
    // A failing statement too.
    await expect(t.db.query('select 1 / $1::int', [0], generic)).rejects.toThrow(/division by zero/);
    const later = await Promise.all(Array.from({ length: 16 }, () => t.db.query<{ m: string }>(`select current_setting('plan_cache_mode') as m`)));
    expect(later.flat().map((r) => r.m)).toEqual(Array(16).fill('auto'));
  });

  it('reads the statistics of the bigram indexes', async () => {
    const s = await gramStats(t.db);
    expect(s.subjects.freq.get('示例')).toBeGreaterThan(0);
    expect(s.services.rows).toBeGreaterThan(0);
  });

  it.each(['示例', '示例科技', '记账', '深圳市示例网络科技有限公司', 'A2DP'])('%s', async (q) => {
    const k = interpretKeyword(q)!;
    const everything = (f: number) => ({ rows: 1e9, freq: new Map(bigrams(k.lower).map((g) => [g, f])) });
    const scan: GramStats = { services: everything(1), subjects: everything(1) };
    const index: GramStats = { services: table(0, {}), subjects: table(0, {}) };
    const o = { type: null, page: 1, pageSize: 100 };
    const byScan = await searchServices(t.db, k, { ...o, stats: scan });
    const byIndex = await searchServices(t.db, k, { ...o, stats: index });
    expect(byScan.rows.map((r) => r.service_number)).toEqual(byIndex.rows.map((r) => r.service_number));
    expect(byScan.total).toBe(byIndex.total);
  });
});
