// The per-process cache of common-word search answers and the triggers behind it (migration 0030,
// ADR 0029 addendum), on both databases: a kept answer is served without the database until a write
// to any table a search answer shows is committed; then the next search reads the new state. A load
// racing a change is not kept; answers that are not worth keeping (not capped) are not kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_TIMEOUT } from '../../../tests/auth.ts';
import { testDatabase, type TestDb } from '../../../tests/db.ts';
import type { Queryable } from '../../db/connection.ts';
import { seedDemo } from '../../db/seed/demo.ts';
import { interpretKeyword } from './keyword.ts';
import { searchServices, type SearchPage } from './queries.ts';
import { type SearchCache, startSearchCache } from './search-cache.ts';
import { DEMO } from './test-support.ts';

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('search cache', () => {
  let t: TestDb;
  let cache: SearchCache;
  let loads = 0;
  const k = interpretKeyword('示例')!;
  const search = (reads: Queryable) => { loads += 1; return searchServices(reads, k, { type: null, page: 1, pageSize: 20 }); };
  const names = (p: SearchPage) => p.rows.map((r) => `${r.service_number} ${r.service_name} ${r.status}`).sort();
  /** Runs `write` and waits until this process has heard its notification. */
  const heard = async (write: () => Promise<unknown>) => {
    const before = cache.stats().invalidations;
    await write();
    await until(() => cache.stats().invalidations > before);
  };

  beforeAll(async () => {
    t = await testDatabase();
    await seedDemo(t.db, t.sealer);
    cache = await startSearchCache(t.db, { keep: () => true });
  }, SETUP_TIMEOUT);
  afterAll(async () => { await cache?.close(); await t?.close(); });

  it('serves a kept answer from memory, and reads again after a committed change to a record', async () => {
    loads = 0;
    const first = await cache.get('示例', search);
    expect(first.rows.length).toBeGreaterThan(0);
    expect(await cache.get('示例', search)).toBe(first);
    expect(loads).toBe(1);
    expect(cache.stats()).toMatchObject({ size: 1, hits: 1, listening: true });

    await heard(() => t.db.query(`update services set name = name || '改' where service_number = $1`, [DEMO.demoWebsite]));
    expect(cache.stats().size).toBe(0);
    const second = await cache.get('示例', search);
    expect(loads).toBe(2);
    expect(names(second)).toEqual(names(await searchServices(t.db, k, { type: null, page: 1, pageSize: 20 })));
    expect(second.rows.find((r) => r.service_number === DEMO.demoWebsite)!.service_name).toMatch(/改$/);
  });

  it('is emptied by any statement on a table an answer shows (services, subjects, platforms, events, log leaves)', async () => {
    for (const sql of [
      'update services set name = name where false',
      'update subjects set name = name where false',
      'update app_platforms set package_name = package_name where false',
      'delete from public_events where false',
      'delete from log_leaves where false',
    ]) {
      await cache.get('示例', search);
      expect(cache.stats().size, sql).toBe(1);
      await heard(() => t.db.query(sql));
      expect(cache.stats().size, sql).toBe(0);
    }
  });

  it('does not keep a load that a change overtook, nor an answer not worth keeping', async () => {
    let release = () => {};
    const gate = new Promise<void>((r) => { release = r; });
    const slow = async (reads: Queryable) => { await gate; return search(reads); };
    const pending = cache.get('示例 slow', slow);
    await heard(() => t.db.query('update subjects set name = name where false'));
    release();
    await pending;
    expect(cache.stats().size).toBe(0);

    const picky = await startSearchCache(t.db); // the default: capped answers only
    try {
      const p = await picky.get('示例', search);
      expect(p.capped).toBe(false);
      expect(picky.stats().size).toBe(0);
    } finally { await picky.close(); }
  });
});
