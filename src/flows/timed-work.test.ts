// Timed work (ADR 0016): the daily certificate-expiry job runs once per China day even when
// several server processes tick at once — on PostgreSQL two connection pools (two processes
// as far as the database can tell) race for it; on PGlite (one process) two ticks do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, signIn } from '../../tests/auth.ts';
import { backend } from '../../tests/db.ts';
import { call } from '../../tests/filing.ts';
import { type Db, openPostgres } from '../db/connection.ts';
import { findExpiringCertificates } from './certificate-expiry.ts';
import type { FlowContext } from './context.ts';
import { claimTick, onceADay, TIMED_WORK } from './timed-work.ts';

describe('daily certificate-expiry job', () => {
  let a: AuthTestApp;
  let other: Db | null = null;
  const ctxOf = (db: Db): FlowContext => ({ db, sealer: a.t.sealer, now: a.clock.now, publicUrl: 'http://localhost' });

  beforeAll(async () => {
    a = await authTestApp();
    if (backend() === 'postgresql') other = await openPostgres(a.t.url!, { max: 2 });
  }, SETUP_TIMEOUT);
  afterAll(async () => { await other?.close(); await a?.close(); });

  it('finds ended and ending certificates, tells each host once, and runs once per day across processes', async () => {
    // The 深圳 subject's principal's ID ends in 10 days; 王小二's ended last month; the 杭州 subject's licence is long-term.
    await a.t.db.query(`update persons set certificate_valid_to = '2026-03-12' where id = (select principal_person_id from subjects where main_number = '粤ICP备2024000001号')`);
    await a.t.db.query(`update persons set certificate_valid_to = '2026-02-01' where id = (select principal_person_id from subjects where main_number = '京ICP备2025000001号')`);
    await a.t.db.query(`update subjects set certificate_valid_to = '2027-01-01' where main_number = '浙ICP备2024000001号'`);
    const runs = await Promise.all([
      onceADay(ctxOf(a.t.db), 'certificate_expiry', findExpiringCertificates),
      onceADay(ctxOf(other ?? a.t.db), 'certificate_expiry', findExpiringCertificates),
    ]);
    expect(runs.filter((r) => r !== null)).toEqual([2]);
    expect(await onceADay(ctxOf(a.t.db), 'certificate_expiry', findExpiringCertificates)).toBeNull();
    const rows = await a.t.db.query<{ job: string; day: string }>(`select job, to_char(day, 'YYYY-MM-DD') as day from job_runs`);
    expect(rows).toEqual([{ job: 'certificate_expiry', day: '2026-03-02' }]);
    const notes = await a.t.db.query<{ title: string }>(`select title from notifications where event = 'record.certificate_expiring'`);
    expect(notes.map((n) => n.title).sort()).toEqual(['证件即将到期 / Certificate expiring: 粤ICP备2024000001号', '证件已过期 / Certificate expired: 京ICP备2025000001号'].sort());
    // The next day it runs again, but a finding already told is not told twice.
    a.clock.set('2026-03-03T02:00:00Z');
    const daily = TIMED_WORK.find((w) => w.name === 'certificate_expiry')!;
    expect(await daily.run(ctxOf(a.t.db))).toBe(0);
    expect(await a.t.db.query(`select 1 from notifications where event = 'record.certificate_expiring'`)).toHaveLength(2);
    // The bureau's list: its province only.
    const gd = await signIn(a.app, 'gd.reviewer');
    const list = await call(a.app, gd, 'GET', '/api/bureau/expiring');
    expect(list.items).toEqual([expect.objectContaining({ kind: 'subject_principal', validTo: '2026-03-12', expired: false, mainNumber: '粤ICP备2024000001号', notifiedOn: '2026-03-02' })]);
    const host = await signIn(a.app, 'host@demo.beian.test');
    expect((await a.app.inject({ method: 'GET', url: '/api/bureau/expiring', headers: host.headers })).statusCode).toBe(403);
  });
});

// Issue 16 §3 (ADR 0021): several processes behind a proxy each tick every minute; the minute works'
// scan runs in one of them per minute. Two pools on PostgreSQL (two processes to the database), or
// two calls at once on PGlite.
describe('minute work, once per tick across processes', () => {
  let a: AuthTestApp;
  let other: Db | null = null;
  const ctxOf = (db: Db): FlowContext => ({ db, sealer: a.t.sealer, now: a.clock.now, publicUrl: 'http://localhost' });

  beforeAll(async () => {
    a = await authTestApp({ seed: false });
    if (backend() === 'postgresql') other = await openPostgres(a.t.url!, { max: 4 });
  }, SETUP_TIMEOUT);
  afterAll(async () => { await other?.close(); await a?.close(); });

  it('one of many racing processes claims each minute; the next minute is claimed again, an earlier one never', async () => {
    a.clock.set('2026-03-02T02:00:10Z');
    const race = () => Promise.all(Array.from({ length: 6 }, (_, i) => claimTick(ctxOf(i % 2 && other ? other : a.t.db), 'sms_expiry')));
    expect((await race()).filter(Boolean)).toHaveLength(1);
    a.clock.set('2026-03-02T02:00:59Z'); // the same minute
    expect((await race()).filter(Boolean)).toHaveLength(0);
    a.clock.set('2026-03-02T02:01:00Z');
    expect((await race()).filter(Boolean)).toHaveLength(1);
    a.clock.set('2026-03-02T02:00:30Z'); // a process whose clock is behind does not run a past tick again
    expect((await race()).filter(Boolean)).toHaveLength(0);
    // Jobs are claimed separately.
    expect(await claimTick(ctxOf(a.t.db), 'confirmation_expiry')).toBe(true);
  });

  it('the registered minute works run their scan in one process per tick', async () => {
    const works = TIMED_WORK.filter((w) => w.every === 'minute');
    expect(works.map((w) => w.name).sort()).toEqual(['confirmation_expiry', 'sms_expiry']);
    a.clock.set('2026-03-02T02:05:00Z');
    let scans = 0;
    const counting = (): FlowContext => {
      const db = other ?? a.t.db;
      // Counts the scans (the work's first query) beside the claims.
      const query = ((sql: string, params?: unknown[]) => { if (!sql.includes('timed_work_ticks')) scans += 1; return db.query(sql, params); }) as Db['query'];
      const spy: Db = Object.assign(Object.create(db) as Db, { query });
      return ctxOf(spy);
    };
    await Promise.all([...works, ...works, ...works].map((w) => w.run(counting())));
    expect(scans).toBe(works.length);
  });
});
