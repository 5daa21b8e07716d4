// Password resets are purged (ADR 0005 addendum "Password resets: purge"): a row is deleted by the
// daily timed work once it is older than the retention, whatever its state (used, superseded, pending
// and expired); younger rows stay and still count against the account's hourly limit; the job runs once
// a day across processes (ADR 0016); the account's history of resets stays.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_TIMEOUT } from '../../tests/auth.ts';
import { type TestDb, testDatabase } from '../../tests/db.ts';
import { seedDemo } from '../db/seed/demo.ts';
import type { FlowContext } from './context.ts';
import { RESET_RETENTION_MS, RESET_VALIDITY_MS, RESET_WINDOW_MS, requestPasswordReset } from './reset-password.ts';
import { TIMED_WORK } from './timed-work.ts';

describe('password reset purge', () => {
  let t: TestDb;
  let now = new Date('2026-12-01T02:00:00Z');
  const ctx = (): FlowContext => ({ db: t.db, sealer: t.sealer, now: () => now, publicUrl: 'http://localhost' });
  const ask = (at: string) => { now = new Date(at); return requestPasswordReset(ctx(), { login: 'host@demo.beian.test', client: '192.0.2.1' }, null); };
  const rows = async () => (await t.db.query<{ status: string; created_at: Date }>('select status, created_at from password_resets order by created_at'))
    .map((r) => `${r.created_at.toISOString()} ${r.status}`);
  const history = async () => (await t.db.query<{ n: number }>(`select count(*)::int as n from history where action = 'password_reset_requested'`))[0]!.n;
  const purge = TIMED_WORK.find((w) => w.name === 'password_reset_purge');

  beforeAll(async () => { t = await testDatabase(); await seedDemo(t.db, t.sealer); }, SETUP_TIMEOUT);
  afterAll(async () => { await t?.close(); });

  it('keeps a row at least twice as long as anything reads it, and no longer than two days', () => {
    expect(RESET_RETENTION_MS).toBeGreaterThanOrEqual(2 * Math.max(RESET_VALIDITY_MS, RESET_WINDOW_MS));
    expect(RESET_RETENTION_MS).toBeLessThanOrEqual(2 * 86_400_000);
  });

  it('the daily work deletes rows older than the retention, in every state, once a day; younger rows stay', async () => {
    expect(purge, 'registered with the timed work').toMatchObject({ every: 'day' });
    await ask('2026-12-01T02:00:00Z'); // superseded by the next one
    await ask('2026-12-01T02:05:00Z'); // pending, expired long ago
    await ask('2026-12-03T03:00:00Z'); // younger than two days at the run below (supersedes the one before)
    await ask('2026-12-04T01:59:00Z');
    expect(await rows()).toHaveLength(4);
    expect(await history()).toBe(4);
    now = new Date('2026-12-04T02:30:00Z');
    expect(await purge!.run(ctx())).toBe(2);
    expect(await rows()).toEqual(['2026-12-03T03:00:00.000Z superseded', '2026-12-04T01:59:00.000Z pending']);
    // Once a day across processes: a second run the same China day does nothing, even with rows due.
    await t.db.query(`update password_resets set created_at = created_at - interval '3 days'`);
    expect(await purge!.run(ctx())).toBe(0);
    expect(await rows()).toHaveLength(2);
    now = new Date('2026-12-05T02:30:00Z');
    expect(await purge!.run(ctx())).toBe(2);
    expect(await rows()).toEqual([]);
    expect(await history()).toBe(4); // the account's history of its resets stays
  });
});
