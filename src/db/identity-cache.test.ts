// The identity cache and the registry triggers behind it (migration 0003, ADR 0006), on both
// databases: hits and misses, invalidation by key and by '*', a load racing a change is not
// stored, and (PostgreSQL) a lost listening connection disables the cache until it is back.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_TIMEOUT } from '../../tests/auth.ts';
import { backend, testDatabase, type TestDb } from '../../tests/db.ts';
import type { Db } from './connection.ts';
import { type IdentityCache, MAX_LOADS, REGISTRY_CHANNEL, startIdentityCache } from './identity-cache.ts';
import { seedDemo } from './seed/demo.ts';

const A2DP = { platform: 'android', packageName: 'a2dp.Vol' };
const LEDGER = { platform: 'ios', packageName: 'com.example.ledger' };

async function until(check: () => boolean | Promise<boolean>, ms = 1000): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - start;
}

/** The database, with its identity queries counted and, while `held`, kept waiting until released. */
function gated(db: Db) {
  let held: Promise<void> | null = null;
  let release = () => {};
  const state = {
    queries: 0,
    hold() { held = new Promise((r) => { release = r; }); },
    release() { held = null; release(); },
    db: Object.assign(Object.create(db) as Db, {
      query: async (text: string, params?: unknown[]) => {
        if (text.includes('unnest')) { state.queries += 1; if (held) await held; }
        return db.query(text, params);
      },
    }),
  };
  return state;
}

describe('identity cache', () => {
  let t: TestDb;
  let cache: IdentityCache;
  beforeAll(async () => {
    t = await testDatabase();
    await seedDemo(t.db, t.sealer);
    cache = await startIdentityCache(t.db, { maxEntries: 3 });
  }, SETUP_TIMEOUT);
  afterAll(async () => { await cache?.close(); await t?.close(); });

  it('loads misses in one query, answers hits from memory, remembers "no record" too', async () => {
    const first = await cache.get([A2DP, LEDGER, { platform: 'android', packageName: 'com.none' }, A2DP]);
    expect(first[0]).toMatchObject({ active: true, serviceStatus: 'filed', certMd5: 'c1cabe8ad9dc272b2443a3a67bc443d5' });
    expect(first[1]).toMatchObject({ active: true, certSha1: 'fedcba9876543210fedcba9876543210fedcba98' });
    expect(first[2]).toBeNull();
    expect(first[3]).toBe(first[0]);
    expect(cache.stats()).toMatchObject({ size: 3, misses: 3, hits: 0, listening: true });
    await cache.get([A2DP, { platform: 'android', packageName: 'com.none' }]);
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 3 });
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    await cache.get([{ platform: 'android', packageName: 'com.other' }]);
    expect(cache.stats().size).toBe(3);
    const before = cache.stats().misses;
    await cache.get([A2DP, { platform: 'android', packageName: 'com.none' }, { platform: 'android', packageName: 'com.other' }]);
    expect(cache.stats().misses).toBe(before); // LEDGER, the least recently used, went
    await cache.get([LEDGER]);
    expect(cache.stats().misses).toBe(before + 1);
  });

  it('forgets a key when its platform row changes (NOTIFY on commit), and not on a rollback', async () => {
    await cache.get([A2DP]);
    const inv = cache.stats().invalidations;
    await t.db.transaction(async (tx) => {
      await tx.query(`update app_platforms set cert_sha256 = cert_sha256 where package_name = 'a2dp.Vol'`);
      throw new Error('rolled back');
    }).catch(() => {});
    await new Promise((r) => setTimeout(r, 100));
    expect(cache.stats().invalidations).toBe(inv);
    await t.db.query(`update app_platforms set active = false where package_name = 'a2dp.Vol'`);
    await until(() => cache.stats().invalidations > inv);
    expect((await cache.get([A2DP]))[0]).toMatchObject({ active: false });
    await t.db.query(`update app_platforms set active = true where package_name = 'a2dp.Vol'`);
    await until(async () => (await cache.get([A2DP]))[0]?.active === true);
  });

  it('forgets the packages of a service or subject whose name changes, and all on a bulk statement', async () => {
    await cache.get([A2DP]);
    await t.db.query(`update services set name = 'A2DP Volume 2' where name = 'A2DP Volume'`);
    await until(async () => (await cache.get([A2DP]))[0]?.serviceName === 'A2DP Volume 2');
    await t.db.query(`update subjects set name = '深圳市示例网络科技股份有限公司' where name = '深圳市示例网络科技有限公司'`);
    await until(async () => (await cache.get([A2DP]))[0]?.hostName === '深圳市示例网络科技股份有限公司');
    const payloads: string[] = [];
    const stop = await t.db.listen(REGISTRY_CHANNEL, (p) => payloads.push(p));
    await t.db.query(
      `insert into services (subject_id, service_type, name, principal_person_id, sequence, service_number, filed_at, status_changed_at)
       select s.id, 'app', 'bulk ' || g, s.principal_person_id, 1000 + g, 'bulk-' || g, now(), now()
         from subjects s, generate_series(1, 101) g where s.main_number = '粤ICP备2024000001号'`);
    await t.db.query(`insert into app_platforms (service_id, platform, package_name) select id, 'android', 'com.bulk.p' || sequence from services where name like 'bulk %'`);
    await until(() => payloads.includes('*'));
    await stop();
  });

  it('peeks without waiting only when memory holds every key, and forgets on a change like get', async () => {
    const c = await startIdentityCache(t.db);
    try {
      expect(c.peek([A2DP])).toBeUndefined();
      await c.get([A2DP, LEDGER]);
      const hits = c.stats().hits;
      expect(c.peek([A2DP, { platform: 'android', packageName: 'com.never' }])).toBeUndefined();
      expect(c.peek([LEDGER, A2DP])?.map((x) => x?.serviceNumber)).toEqual([
        (await c.get([LEDGER]))[0]!.serviceNumber, (await c.get([A2DP]))[0]!.serviceNumber]);
      expect(c.stats().hits).toBe(hits + 4);
      expect(c.peek1(A2DP)?.serviceNumber).toBe((await c.get([A2DP]))[0]!.serviceNumber);
      expect(c.peek1({ platform: 'android', packageName: 'com.never' })).toBeUndefined();
      const inv = c.stats().invalidations;
      await t.db.query(`update app_platforms set domains = domains where package_name = 'a2dp.Vol'`);
      await until(() => c.stats().invalidations > inv);
      expect(c.peek([A2DP])).toBeUndefined();
      expect(c.peek1(A2DP)).toBeUndefined();
      expect(c.peek([LEDGER])).toHaveLength(1);
    } finally {
      await c.close();
    }
  });

  it(`coalesces misses: while ${MAX_LOADS} loads run, every other call's misses wait and go in one query`, async () => {
    const g = gated(t.db);
    const c = await startIdentityCache(g.db);
    try {
      g.hold();
      const keys = Array.from({ length: 20 }, (_, i) => ({ platform: 'android', packageName: `com.coalesce.k${i}` }));
      const calls = [...keys.map((k) => c.get([k])), c.get([A2DP, keys[0]!])];
      await new Promise((r) => setTimeout(r, 50));
      expect(g.queries).toBe(MAX_LOADS); // the first calls, one query each; the rest wait
      g.release();
      const answers = await Promise.all(calls);
      expect(g.queries).toBe(MAX_LOADS + 1); // everything else in one
      expect(answers.slice(0, 20).every((a) => a.length === 1 && a[0] === null)).toBe(true);
      expect(answers[20]![0]).toMatchObject({ certMd5: 'c1cabe8ad9dc272b2443a3a67bc443d5' });
      expect(c.stats()).toMatchObject({ misses: 21, size: 21 });
    } finally {
      g.release();
      await c.close();
    }
  });

  it('does not let a check that begins after a change join a load begun before it', async () => {
    const g = gated(t.db);
    const c = await startIdentityCache(g.db);
    try {
      g.hold();
      const early = c.get([A2DP]);
      await until(() => g.queries === 1);
      const inv = c.stats().invalidations;
      await t.db.query(`update services set name = 'A2DP Volume 3' where id = (select service_id from app_platforms where package_name = 'a2dp.Vol')`);
      await until(() => c.stats().invalidations > inv);
      const late = c.get([A2DP]);
      await until(() => g.queries === 2); // its own query, not the running one
      g.release();
      expect((await late)[0]?.serviceName).toBe('A2DP Volume 3');
      await early;
      expect(c.stats().size).toBe(1); // only the load begun after the change was stored
      expect((await c.get([A2DP]))[0]?.serviceName).toBe('A2DP Volume 3');
    } finally {
      g.release();
      await c.close();
    }
  });

  it('does not store a load that raced a change', async () => {
    const racing = await startIdentityCache(t.db);
    try {
      const load = racing.get([LEDGER]);
      await t.db.query(`update app_platforms set domains = domains where package_name = 'com.example.ledger' and platform = 'ios'`);
      await load;
      await new Promise((r) => setTimeout(r, 100));
      // Either the notification arrived during the load (not stored) or after it (dropped): not cached now.
      const misses = racing.stats().misses;
      await racing.get([LEDGER]);
      expect(racing.stats().misses).toBe(misses + 1);
    } finally {
      await racing.close();
    }
  });

  // A lost listening connection can only be provoked on a server (pg_terminate_backend).
  if (backend() === 'postgresql') it('stops caching while its listening connection is lost and empties itself when it is back (PostgreSQL)', async () => {
    const c = await startIdentityCache(t.db);
    try {
      await c.get([A2DP]);
      expect(c.stats().size).toBe(1);
      const admin = new pg.Client({ connectionString: t.url! });
      await admin.connect();
      await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'beian-listen' and datname = current_database()`);
      await admin.end();
      await until(() => !c.stats().listening, 2000);
      expect(c.stats().size).toBe(0);
      await c.get([A2DP]);
      expect(c.stats().size).toBe(0); // bypassed: nothing stored while deaf
      await until(() => c.stats().listening, 5000);
      await c.get([A2DP]);
      expect(c.stats().size).toBe(1);
      // And it hears changes again.
      const inv = c.stats().invalidations;
      await t.db.query(`update app_platforms set domains = domains where package_name = 'a2dp.Vol'`);
      await until(() => c.stats().invalidations > inv);
      expect(c.stats().size).toBe(0);
    } finally {
      await c.close();
    }
  });
});
