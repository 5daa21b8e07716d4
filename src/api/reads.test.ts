// Reads from standbys (issue 16 item 1; ADR 0020). On the PostgreSQL run,
// a real primary + streaming standby (tests/pg-cluster.ts) with replay paused shows that reads
// really go to the standby, that a session's reads after its own write do not (read-your-writes,
// the `beian-lsn` fence), and what /api/health reports. On PGlite every read is the primary's.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import { loadConfig } from '../config.ts';
import { authTestApp, fixedClock, SETUP_TIMEOUT, signIn, type AuthTestApp } from '../../tests/auth.ts';
import { backend, testSecrets } from '../../tests/db.ts';
import { type PgCluster, clusterTestsRun, seededDatabase, startPgCluster } from '../../tests/pg-cluster.ts';
import { childEnv } from '../../tests/server-process.ts';
import { a2dp, serviceId, verify } from '../../tests/verify.ts';
import { type Db, openPostgres } from '../db/connection.ts';
import { listMigrations, migrate } from '../db/migrate.ts';
import { createSealer } from '../db/personal-data.ts';
import { lsnValue, primaryOnly, type ReadSide, waitForReplay, withStandbys } from '../db/replicas.ts';

const statusOf = async (app: FastifyInstance, number: string, headers: Record<string, string> = {}) => {
  const res = await app.inject({ method: 'GET', url: `/api/public/v1/services/${encodeURIComponent(number)}`, headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().status as string;
};

describe('without standbys (the embedded database, or no DATABASE_READ_URL)', () => {
  let a: AuthTestApp;
  beforeAll(async () => { a = await authTestApp(); }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('reads the primary, sets no fence after a write and names no standby in /api/health', async () => {
    const side = primaryOnly(a.t.db);
    expect(side.at('0/1')).toBe(a.t.db);
    expect(await side.reader('0/1')).toBe(a.t.db);
    expect(await side.primaryLsn()).toBeNull();
    const gd = await signIn(a.app, 'gd.reviewer');
    const id = await serviceId(a.t.db, 'a2dp.Vol');
    const res = await a.app.inject({ method: 'POST', url: `/api/bureau/services/${id}/revoke`, headers: gd.headers, payload: { reason: '无备库' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['beian-lsn']).toBeUndefined();
    expect(String(res.headers['set-cookie'] ?? '')).not.toContain('beian_lsn');
    expect(await statusOf(a.app, res.json().serviceNumber)).toBe('revoked');
    const health = (await a.app.inject({ method: 'GET', url: '/api/health' })).json();
    expect(health).toEqual({ status: 'ok', database: backend(), migration: expect.any(String), primary: 'up', writes: 'ok', rateLimitStore: 'memory' });
  });

  // Defect: with standbys configured, a sign-in answered Set-Cookie beian_session twice (plus
  // beian_lsn): the fence re-sent the cookies already set, and Fastify appends.
  it('a write with a fence to hand out sets each cookie once', async () => {
    const fenced: ReadSide = { ...primaryOnly(a.t.db), replicated: true, primaryLsn: async () => '0/16B3748' };
    const app = await buildApp({ db: a.t.db, reads: fenced, sealer: a.t.sealer, now: fixedClock().now, config: loadConfig({ LOG_LEVEL: 'silent' }) });
    try {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'gd.reviewer', password: 'Demo@2026' } });
      expect(res.statusCode, res.body).toBe(200);
      const names = [res.headers['set-cookie']].flat().map((c) => String(c).split('=')[0]);
      expect(names.filter((n) => n === 'beian_session')).toHaveLength(1);
      expect(names.filter((n) => n === 'beian_lsn')).toHaveLength(1);
      expect(new Set(names).size).toBe(names.length);
    } finally {
      await app.close();
    }
  });
});

// A cluster of its own per run: only where PostgreSQL 15 can be started (the PostgreSQL run of CI).
describe.skipIf(!clusterTestsRun('reads from a paused standby'))('with a streaming standby whose replay is paused', () => {
  let cluster: PgCluster;
  let primary: Db;
  let standby: Db;
  let reads: ReadSide;
  let app: FastifyInstance;
  beforeAll(async () => {
    cluster = await startPgCluster();
    const urls = await seededDatabase(cluster);
    primary = await openPostgres(urls.primaryUrl, { max: 4 });
    standby = await openPostgres(urls.standbyUrl, { max: 4 });
    reads = withStandbys(primary, [{ name: `127.0.0.1:${cluster.standby.port}`, db: standby }]);
    app = await buildApp({ db: primary, reads, sealer: createSealer(testSecrets), now: fixedClock().now, config: loadConfig({ LOG_LEVEL: 'silent' }) });
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await app?.close();
    await reads?.close();
    await primary?.close();
    await cluster?.close();
  });

  it('waits for replay up to the bound, then reads the primary; reads the standby once it has replayed', async () => {
    await cluster.standby.pauseReplay();
    try {
      await primary.query('create table probe (x int)');
      const lsn = (await reads.primaryLsn())!;
      const start = Date.now();
      expect(await waitForReplay(standby, lsn, 200)).toBe(false);
      expect(Date.now() - start).toBeGreaterThanOrEqual(190);
      expect(await reads.reader(lsn)).toBe(primary);
      expect(await reads.reader(null)).toBe(standby); // no fence: the standby, however far behind
      await expect(standby.query('select * from probe')).rejects.toThrow(/does not exist/);
      await expect(reads.at(lsn).query('select * from probe')).resolves.toEqual([]);
    } finally {
      await cluster.standby.resumeReplay();
    }
    const lsn = (await reads.primaryLsn())!;
    expect(await waitForReplay(standby, lsn, 10_000)).toBe(true);
    expect(await reads.reader(lsn)).toBe(standby);
  });

  it('read-your-writes: the reviewer who revoked reads revoked; a reader without the fence still gets the standby\'s filed', async () => {
    const gd = await signIn(app, 'gd.reviewer');
    const id = await serviceId(primary, 'a2dp.Vol');
    await cluster.caughtUp();
    await cluster.standby.pauseReplay();
    try {
      const res = await app.inject({ method: 'POST', url: `/api/bureau/services/${id}/revoke`, headers: gd.headers, payload: { reason: '读己之写' } });
      expect(res.statusCode, res.body).toBe(200);
      const number = res.json().serviceNumber as string;
      const lsn = res.headers['beian-lsn'] as string;
      expect(lsnValue(lsn)).not.toBeNull();
      const cookie = [res.headers['set-cookie']].flat().find((c) => String(c).startsWith('beian_lsn='));
      expect(cookie).toMatch(/^beian_lsn=[0-9A-F]+\/[0-9A-F]+; Max-Age=3600; Path=\/; HttpOnly; SameSite=Lax$/);
      // The session (its cookie) and an API client (the header) read their write; anyone else reads the lagging standby.
      expect(await statusOf(app, number, { cookie: `${gd.cookie}; beian_lsn=${lsn}` })).toBe('revoked');
      expect(await statusOf(app, number, { 'beian-lsn': lsn })).toBe('revoked');
      expect(await statusOf(app, number)).toBe('filed');
      expect(await statusOf(app, number, { 'beian-lsn': 'not-a-position' })).toBe('filed');
      // A verification by POST changes nothing its caller reads back: no position is taken for it.
      const checked = await verify(app, [a2dp()]);
      expect(checked.statusCode).toBe(200);
      expect(checked.headers['beian-lsn']).toBeUndefined();
      const health = (await app.inject({ method: 'GET', url: '/api/health' })).json();
      expect(health.standbys).toEqual([{
        name: `127.0.0.1:${cluster.standby.port}`, replayLsn: expect.stringMatching(/^[0-9A-F]+\/[0-9A-F]+$/), replayLagMs: expect.any(Number),
        replayLagBytes: expect.any(Number), streaming: true, notAStandby: false,
      }]);
      expect(health.standbys[0].replayLagBytes).toBeGreaterThan(0);
      expect(health.standbys[0].replayLagMs).toBeGreaterThan(0);
      expect(lsnValue(health.standbys[0].replayLsn)! < lsnValue(lsn)!).toBe(true);
    } finally {
      await cluster.standby.resumeReplay();
    }
    await cluster.caughtUp();
    expect(await statusOf(app, (await primary.query<{ service_number: string }>('select service_number from services where id = $1', [id]))[0]!.service_number)).toBe('revoked');
    const health = (await app.inject({ method: 'GET', url: '/api/health' })).json();
    expect(health.standbys[0].replayLagMs).toBe(0);
  });

  it('a standby that is down: reads go to the primary, and /api/health says it does not answer', async () => {
    await cluster.standby.stop('fast');
    try {
      const id = await serviceId(primary, 'a2dp.Vol');
      const [{ service_number: number }] = await primary.query<{ service_number: string }>('select service_number from services where id = $1', [id]) as [{ service_number: string }];
      expect(await statusOf(app, number)).toBe('revoked');
      const health = (await app.inject({ method: 'GET', url: '/api/health' })).json();
      expect(health.standbys).toEqual([{ name: `127.0.0.1:${cluster.standby.port}`, replayLsn: null, replayLagMs: null, replayLagBytes: null, streaming: null, notAStandby: false }]);
      expect(health).toMatchObject({ status: 'degraded', primary: 'up', writes: 'ok' });
    } finally {
      await cluster.standby.start();
    }
  });

  // Defect: a standby cut off from the primary said replayLagMs 0 (nothing received = nothing to
  // replay) and kept serving older and older reads.
  it('a standby cut off from the primary: streaming false, its lag grows, and reads avoid it while the primary answers', async () => {
    await cluster.caughtUp();
    const [{ conninfo }] = await cluster.standby.query<{ conninfo: string }>('select current_setting(\'primary_conninfo\') as conninfo') as [{ conninfo: string }];
    const setConninfo = async (value: string) => {
      await cluster.standby.query(`alter system set primary_conninfo = '${value.replaceAll("'", "''")}'`);
      await cluster.standby.query('select pg_reload_conf()');
    };
    await setConninfo('host=127.0.0.1 port=1 user=postgres');
    try {
      for (let i = 0; i < 100 && (await cluster.standby.query('select 1 from pg_stat_wal_receiver where status = \'streaming\'')).length; i++) await new Promise((r) => setTimeout(r, 100));
      await primary.query('create table cut_off_probe (x int)');
      await new Promise((r) => setTimeout(r, 300));
      const health = (await app.inject({ method: 'GET', url: '/api/health' })).json();
      expect(health.status).toBe('degraded');
      expect(health.standbys[0]).toMatchObject({ streaming: false, notAStandby: false });
      expect(health.standbys[0].replayLagBytes).toBeGreaterThan(0);
      expect(health.standbys[0].replayLagMs).toBeGreaterThan(0); // was 0: nothing received, nothing to replay
      expect(await reads.reader(null)).toBe(primary);
      await expect(reads.at(null).query('select * from cut_off_probe')).resolves.toEqual([]);
      const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toContain(`beian_standby_streaming{standby="127.0.0.1:${cluster.standby.port}"} 0`);
    } finally {
      await setConninfo(conninfo);
    }
    await cluster.caughtUp();
    // Streaming again: reads come back to it (after the 2 s a failed standby is left alone, from the test before).
    let back: unknown = null;
    for (let i = 0; i < 40 && back !== standby; i++) {
      await reads.standbys();
      back = await reads.reader(null);
      if (back !== standby) await new Promise((r) => setTimeout(r, 100));
    }
    expect(back).toBe(standby);
  });

  // Defect: a DATABASE_READ_URL naming a server that is not a standby (e.g. the promoted one)
  // reported lag 0, and every fenced read waited its whole 250 ms bound for a replay position
  // that never comes.
  it('a read URL that is not a standby: notAStandby in health, and no read waits for it', async () => {
    const notStandby = await openPostgres(cluster.primary.url('beian'), { max: 2 });
    const excluded: unknown[] = [];
    const side = withStandbys(primary, [{ name: 'wrong', db: notStandby }], { onExcluded: (name, why) => excluded.push([name, why]) });
    try {
      const [s] = await side.standbys();
      expect(s).toMatchObject({ name: 'wrong', notAStandby: true, streaming: false, replayLsn: null, replayLagMs: null });
      expect(excluded).toEqual([['wrong', 'not_a_standby']]);
      const start = Date.now();
      expect(await side.reader((await side.primaryLsn())!)).toBe(primary);
      expect(Date.now() - start).toBeLessThan(200);
      expect(await side.reader(null)).toBe(primary);
    } finally {
      await side.close();
    }
  });

  // Defect: read-only commands against a standby failed with "cannot execute CREATE TABLE in a
  // read-only transaction": they migrate first, and migrating wrote even when there was nothing to do.
  it('read-only commands and migrate run against a standby whose schema is current; one behind is named, not a raw SQL error', async () => {
    await cluster.caughtUp();
    const env = childEnv({
      DATABASE_URL: cluster.standby.url('beian'), LOG_LEVEL: 'silent',
      BEIAN_DATA_KEYS: `t1:${testSecrets.dataKeys[0]!.key.toString('base64')}`, BEIAN_HASH_KEY: testSecrets.hashKey.toString('base64'),
    });
    const beian = (...args: string[]) => promisify(execFile)(process.execPath, [path.join(import.meta.dirname, '../../bin/beian.js'), ...args], { env, timeout: 120_000 })
      .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e);
    expect(await beian('migrate')).toMatchObject({ code: 0, stdout: 'database is up to date\n' });
    for (const args of [['keys', 'status'], ['audit', 'verify'], ['calendar', 'check']]) {
      const r = await beian(...args);
      expect(r.stderr, args.join(' ')).not.toMatch(/read-only transaction/);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).not.toBe(2);
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'beian-migrations-'));
    try {
      for (const m of await listMigrations()) copyFileSync(m.file, path.join(dir, path.basename(m.file)));
      writeFileSync(path.join(dir, '9999_later.sql'), 'create table later (x int);');
      await expect(migrate(standby, dir)).rejects.toThrow('DATABASE_URL names a read-only standby whose schema lacks migration 9999; run this against the primary');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  // Defect: synchronous_standby_names naming a standby that is not connected made every write hang
  // while /api/health said ok.
  it('writes waiting for a missing synchronous standby show in /api/health', async () => {
    await cluster.primary.query(`alter system set synchronous_standby_names = 'nosuch'`);
    await cluster.primary.query('select pg_reload_conf()');
    try {
      await new Promise((r) => setTimeout(r, 200));
      const res = await app.inject({ method: 'GET', url: '/api/health' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'degraded', primary: 'up', writes: 'waiting_for_synchronous_standby', synchronousStandbys: { required: 'nosuch', connected: [] } });
    } finally {
      await cluster.primary.query('alter system reset synchronous_standby_names');
      await cluster.primary.query('select pg_reload_conf()');
    }
  });

  // Defects: with the primary down, /api/health said "ok" (migration null) and the proxy kept every
  // process for writes that answered 500; and the public search answered 500 (its cache's fence
  // asked the primary for a position) while a single record still answered from the standby.
  it('the primary unreachable: health says so (200, degraded: reads go on), search answers from the standby, writes answer 503', async () => {
    await cluster.caughtUp();
    await cluster.primary.stop('immediate');
    try {
      const res = await app.inject({ method: 'GET', url: '/api/health' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'degraded', primary: 'unreachable', writes: 'unavailable', migration: null });
      expect(res.json().standbys[0].replayLsn).not.toBeNull();
      for (const q of ['A2DP', '科技']) {
        const search = await app.inject({ method: 'GET', url: `/api/public/v1/services?q=${encodeURIComponent(q)}` });
        expect(search.statusCode, search.body).toBe(200);
      }
      const write = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'gd.reviewer', password: 'Demo@2026' } });
      expect(write.statusCode, write.body).toBe(503);
      expect(write.json()).toMatchObject({ code: 'database_unavailable' });
      expect(write.headers['retry-after']).toBeDefined();
      // Nothing answers at all: 503, and the proxy takes the process out.
      await cluster.standby.stop('fast');
      try {
        const none = await app.inject({ method: 'GET', url: '/api/health' });
        expect(none.statusCode).toBe(503);
        expect(none.json()).toMatchObject({ status: 'unavailable', primary: 'unreachable' });
      } finally {
        await cluster.standby.start();
      }
    } finally {
      await cluster.primary.start();
    }
  });
});
