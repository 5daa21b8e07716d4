// Verification from memory (ADR 0022) on both databases: the load (every identity, the answering
// row of a package with several), answers without queries, updates / revocations / deletions
// through NOTIFY and the one re-read function, a key changed again while its re-read runs, '*'
// reloads, and (PostgreSQL) a lost listening connection: nothing answered from memory until
// the reload after it is back.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_TIMEOUT } from '../../tests/auth.ts';
import { backend, testDatabase, type TestDb } from '../../tests/db.ts';
import type { Db } from './connection.ts';
import { type InvalidationBatch, type MemoryIdentities, rereadIdentities, startMemoryIdentities } from './memory-identities.ts';
import { IdentityRead } from './identity-index.ts';
import { seedDemo } from './seed/demo.ts';
import { loadIdentities } from './verification.ts';

const A2DP = { platform: 'android', packageName: 'a2dp.Vol' };
const LEDGER = { platform: 'ios', packageName: 'com.example.ledger' };
const NEVER = { platform: 'android', packageName: 'com.never.seen' };

async function until(check: () => boolean | Promise<boolean>, ms = 2000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The database with its queries counted. */
function counted(db: Db) {
  const state = {
    texts: [] as string[],
    db: Object.assign(Object.create(db) as Db, {
      query: (text: string, params?: unknown[], options?: unknown) => { state.texts.push(text); return db.query(text, params, options as never); },
    }),
  };
  return state;
}

/** MemoryIdentities.readBytes for an android package, given as the bytes of a request body. */
function readBytes(c: MemoryIdentities, packageName: string): boolean | undefined {
  const src = Buffer.from(`{"packageName":"${packageName}","fingerprint":"${'C1'.repeat(16)}"}`, 'latin1');
  return c.readBytes(0, src, 16, 16 + packageName.length, 'md5', 16 + packageName.length + 17, new IdentityRead());
}

describe('memory identities', () => {
  let t: TestDb;
  let m: MemoryIdentities;
  beforeAll(async () => {
    t = await testDatabase();
    await seedDemo(t.db, t.sealer);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await m?.close(); await t?.close(); });

  it('loads every identity and answers them as the database does, hits and never-seen, with no query', async () => {
    const c = counted(t.db);
    m = await startMemoryIdentities(c.db);
    const all = await t.db.query<{ platform: string; package_name: string }>('select distinct platform, package_name from verify_identities');
    expect(m.stats()).toMatchObject({ size: all.length, ready: true, loads: 1, listening: true });
    const keys = [...all.map((r) => ({ platform: r.platform, packageName: r.package_name })), NEVER];
    const fromDb = await loadIdentities(t.db, keys);
    c.texts.length = 0;
    const answers = m.peek(keys)!;
    expect(answers).toHaveLength(keys.length);
    keys.forEach((k, i) => expect(answers[i]).toEqual(fromDb.get(`${k.platform}|${k.packageName}`) ?? null));
    expect(m.peek1(NEVER)).toBeNull();
    expect(await m.get([A2DP, NEVER])).toEqual([fromDb.get('android|a2dp.Vol'), null]);
    expect(c.texts).toHaveLength(0);
  });

  it('follows a revocation, a platform dropped, a new filing, a rename and a deletion through NOTIFY', async () => {
    const inv = m.stats().invalidations;
    await t.db.query(`update services set status = 'revoked', revocation_category = 'other', status_changed_at = now() where id = (select service_id from app_platforms where package_name = 'a2dp.Vol' and platform = 'android')`);
    await until(() => m.stats().invalidations > inv && m.stats().pending === 0);
    expect(m.peek1(A2DP)).toMatchObject({ serviceStatus: 'revoked' });
    // A platform dropped from a filed service: inactive, not_filed by judge.
    await t.db.query(`update app_platforms set active = false where package_name = 'com.example.ledger' and platform = 'ios'`);
    await until(() => m.peek1(LEDGER)?.active === false);
    // A new identity appears (an approval adds a platform row).
    await t.db.query(`insert into app_platforms (service_id, platform, package_name, cert_md5, active)
      select service_id, 'harmonyos', 'com.example.fresh', 'c1cabe8ad9dc272b2443a3a67bc443d5', true from app_platforms where package_name = 'a2dp.Vol' limit 1`);
    await until(() => m.peek1({ platform: 'harmonyos', packageName: 'com.example.fresh' }) != null);
    expect(m.peek1({ platform: 'harmonyos', packageName: 'com.example.fresh' })).toMatchObject({ certMd5: 'c1cabe8ad9dc272b2443a3a67bc443d5', serviceStatus: 'revoked' });
    // A subject renamed: every package of it re-read.
    await t.db.query(`update subjects set name = name || '（改）' where id = (select s.subject_id from services s join app_platforms p on p.service_id = s.id where p.package_name = 'a2dp.Vol' limit 1)`);
    await until(() => m.peek1(A2DP)?.hostName.endsWith('（改）') === true);
    // A platform row deleted: no record.
    await t.db.query(`delete from app_platforms where package_name = 'com.example.fresh'`);
    await until(() => m.peek1({ platform: 'harmonyos', packageName: 'com.example.fresh' }) === null);
    expect(await loadIdentities(t.db, [{ platform: 'harmonyos', packageName: 'com.example.fresh' }])).toEqual(new Map());
  });

  it('answers a key changed a moment ago from the database until its re-read lands, and re-reads it again if it changed meanwhile', async () => {
    let hold = null as (() => void) | null;
    const release = () => (hold as (() => void) | null)?.();
    const batches: InvalidationBatch[] = [];
    const c = await startMemoryIdentities(t.db, {
      reread: async (batch) => {
        batches.push(batch);
        // Re-reads of invalidations (they carry payloads) wait while held; database answers do not.
        if (batch.payloads.length && hold === null) await new Promise<void>((r) => { hold = r; });
        return rereadIdentities(t.db, batch);
      },
    });
    try {
      const before = c.peek1(A2DP)!;
      await t.db.query(`update services set name = 'A2DP 改名' where id = $1`, [before.serviceId]);
      await until(() => hold !== null);
      expect(c.stats().pending).toBeGreaterThan(0);
      expect(c.peek1(A2DP)).toBeUndefined(); // memory does not answer a changed key
      expect(readBytes(c, 'a2dp.Vol')).toBeUndefined(); // nor from a request's bytes
      expect(readBytes(c, 'com.example.minigame')).toBe(true); // another key: answered
      expect(readBytes(c, 'never.filed.app')).toBe(false);
      expect((await c.get([A2DP]))[0]?.serviceName).toBe('A2DP 改名'); // the database does
      const inDb = batches.find((b) => b.payloads.length && b.keys.some((k) => k.packageName === 'a2dp.Vol'));
      expect(inDb?.payloads.some((p) => p.includes('android|a2dp.Vol'))).toBe(true);
      // Changed again while the first re-read is held: the first answer must not be kept.
      await t.db.query(`update services set name = 'A2DP 再改' where id = $1`, [before.serviceId]);
      await until(() => batches.filter((b) => b.payloads.length).length >= 1 && c.stats().invalidations >= 2);
      release();
      await until(() => c.stats().pending === 0);
      expect(c.peek1(A2DP)?.serviceName).toBe('A2DP 再改');
    } finally {
      release();
      await c.close();
    }
  });

  it("empties and reloads itself on '*' (a bulk statement), answering from the database meanwhile", async () => {
    const loads = m.stats().loads;
    await t.db.query(
      `insert into services (subject_id, service_type, name, principal_person_id, sequence, service_number, filed_at, status_changed_at)
       select s.id, 'app', 'bulk ' || g, s.principal_person_id, 1000 + g, 'bulk-' || g, now(), now()
         from subjects s, generate_series(1, 101) g where s.main_number = '粤ICP备2024000001号'`);
    await t.db.query(`insert into app_platforms (service_id, platform, package_name, cert_md5) select id, 'android', 'com.bulk.p' || sequence, 'c1cabe8ad9dc272b2443a3a67bc443d5' from services where name like 'bulk %'`);
    await until(() => m.stats().loads > loads && m.stats().ready, 5000);
    expect(m.peek1({ platform: 'android', packageName: 'com.bulk.p1050' })).toMatchObject({ serviceNumber: 'bulk-50', active: true });
    const all = await t.db.query<{ n: number }>('select count(distinct (platform, package_name))::int as n from verify_identities');
    expect(m.stats().size).toBe(all[0]!.n);
  });

  it('answers a package filed twice (cancelled, then filed again) with its live filing', async () => {
    // The demo's a2dp.Vol service is revoked above; its platform leaves the live filings, and the
    // same package is filed again under another service.
    await t.db.query(`update app_platforms set active = false where package_name = 'a2dp.Vol'`);
    await t.db.query(`delete from app_platforms where package_name = 'com.bulk.p1007'`);
    await t.db.query(`insert into app_platforms (service_id, platform, package_name, cert_md5, active)
      select id, 'android', 'a2dp.Vol', 'c1cabe8ad9dc272b2443a3a67bc443d5', true from services where name = 'bulk 7'`);
    await until(() => m.peek1(A2DP)?.serviceNumber === 'bulk-7');
    const c = await startMemoryIdentities(t.db); // and a fresh load picks the same row
    try {
      expect(c.peek1(A2DP)).toEqual((await loadIdentities(t.db, [A2DP])).get('android|a2dp.Vol'));
      expect(c.peek1(A2DP)?.serviceNumber).toBe('bulk-7');
    } finally {
      await c.close();
    }
  });

  it('loads names that COPY escapes or that hold its field separator, and names of every width, as the database answers them', async () => {
    // The load reads COPY output as bytes (IdentityIndex.putLine); a line with a backslash (COPY's
    // escape of \\, \t, \n, \r, \b, \f, \v) or a U+001F inside a value is read again as a row.
    const names = ['tab\there', 'new\nline', 'back\\slash', 'sep\x1fchar', 'cr\rbs\b', 'emoji 😀 𠀀', 'Café ÿ', '星辰记账'];
    const all = await t.db.query<{ platform: string; package_name: string }>('select distinct platform, package_name from verify_identities');
    const keys = all.map((r) => ({ platform: r.platform, packageName: r.package_name }));
    // Services whose rows answer for their keys (a package filed twice answers with one of its rows only).
    const answering = [...new Set([...(await loadIdentities(t.db, keys)).values()].map((r) => r.serviceId))].sort().slice(0, names.length);
    expect(answering).toHaveLength(names.length);
    for (const [i, id] of answering.entries()) await t.db.query('update services set name = $2 where id = $1', [id, names[i]]);
    const c = await startMemoryIdentities(t.db);
    try {
      const fromDb = await loadIdentities(t.db, keys);
      const answers = c.peek(keys)!;
      keys.forEach((k, i) => expect(answers[i], `${k.platform}|${k.packageName}`).toEqual(fromDb.get(`${k.platform}|${k.packageName}`) ?? null));
      for (const n of names) expect(answers.some((a) => a?.serviceName === n), n).toBe(true);
    } finally {
      await c.close();
    }
  });

  it('after wroteLocally, memory waits until it has heard every change committed before (read-your-writes in one process)', async () => {
    const c = await startMemoryIdentities(t.db);
    try {
      for (let i = 0; i < 5; i++) {
        await t.db.query(`update services set name = $1 where service_number = 'bulk-7'`, [`rw ${i}`]);
        c.wroteLocally();
        expect(c.peek1(A2DP)).toBeUndefined(); // not without the marker
        expect(readBytes(c, 'com.example.minigame')).toBeUndefined();
        expect((await c.get([A2DP]))[0]?.serviceName).toBe(`rw ${i}`);
      }
      await until(() => c.stats().pending === 0);
      expect(c.peek1(A2DP)?.serviceName).toBe('rw 4');
    } finally {
      await c.close();
    }
  });

  // A lost listening connection can only be provoked on a server (pg_terminate_backend).
  if (backend() === 'postgresql') it('answers nothing from memory while its listening connection is lost, and reloads when it is back (PostgreSQL)', async () => {
    const c = await startMemoryIdentities(t.db);
    try {
      expect(c.peek1(A2DP)).not.toBeUndefined();
      const loads = c.stats().loads;
      const admin = new pg.Client({ connectionString: t.url! });
      await admin.connect();
      await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'beian-listen' and datname = current_database()`);
      await until(() => !c.stats().listening);
      expect(c.stats().ready).toBe(false);
      expect(c.peek1(A2DP)).toBeUndefined();
      expect(c.peek1(NEVER)).toBeUndefined();
      // A change made while deaf (its notification is lost) is answered by the database now…
      await admin.query(`update services set name = 'while deaf' where service_number = 'bulk-7'`);
      await admin.end();
      expect((await c.get([A2DP]))[0]?.serviceName).toBe('while deaf');
      // …and by memory after the reload.
      await until(() => c.stats().listening && c.stats().ready && c.stats().loads > loads, 8000);
      expect(c.peek1(A2DP)?.serviceName).toBe('while deaf');
      const inv = c.stats().invalidations;
      await t.db.query(`update services set name = 'heard again' where service_number = 'bulk-7'`);
      await until(() => c.stats().invalidations > inv && c.peek1(A2DP)?.serviceName === 'heard again');
    } finally {
      await c.close();
    }
  });
});
