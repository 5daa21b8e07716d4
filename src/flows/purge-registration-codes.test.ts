// Registration codes are purged (ADR 0005 addendum): a row — the keyed hash of a mobile that may never
// have registered — is deleted by the daily timed work once it is older than the retention, whatever
// its state (pending and expired, used, superseded, account_exists); younger rows stay and still count
// against the mobile's limits; the job runs once a day across processes (ADR 0016).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_TIMEOUT } from '../../tests/auth.ts';
import { type TestDb, testDatabase } from '../../tests/db.ts';
import type { FlowContext } from './context.ts';
import {
  REGISTRATION_CODE_RETENTION_MS, REGISTRATION_CODE_VALIDITY_MS, REGISTRATION_CODE_WINDOWS_MS, requestRegistrationCode,
} from './request-registration-code.ts';
import { TIMED_WORK } from './timed-work.ts';

describe('registration code purge', () => {
  let t: TestDb;
  let now = new Date('2026-12-01T02:00:00Z');
  const ctx = (): FlowContext => ({ db: t.db, sealer: t.sealer, now: () => now, publicUrl: 'http://localhost' });
  const ask = (mobile: string, at: string) => { now = new Date(at); return requestRegistrationCode(ctx(), { mobile, client: '198.51.100.7' }, null); };
  const rows = async () => (await t.db.query<{ status: string; created_at: Date }>('select status, created_at from registration_codes order by created_at, status'))
    .map((r) => `${r.created_at.toISOString()} ${r.status}`);
  const purge = TIMED_WORK.find((w) => w.name === 'registration_code_purge');

  beforeAll(async () => { t = await testDatabase(); }, SETUP_TIMEOUT);
  afterAll(async () => { await t?.close(); });

  it('keeps a row at least twice as long as anything reads it, and no longer than two days', () => {
    expect(REGISTRATION_CODE_RETENTION_MS).toBeGreaterThanOrEqual(2 * Math.max(REGISTRATION_CODE_VALIDITY_MS, REGISTRATION_CODE_WINDOWS_MS));
    expect(REGISTRATION_CODE_RETENTION_MS).toBeLessThanOrEqual(2 * 86_400_000);
  });

  it('the daily work deletes rows older than the retention, in every state, once a day; younger rows stay', async () => {
    expect(purge, 'registered with the timed work').toMatchObject({ every: 'day' });
    await ask('13700130001', '2026-12-01T02:00:00Z'); // superseded by the next one
    await ask('13700130001', '2026-12-01T02:05:00Z'); // pending, expired long ago
    await ask('13700130002', '2026-12-02T01:00:00Z');
    await ask('13700130003', '2026-12-03T03:00:00Z'); // younger than two days at the run below
    await ask('13700130004', '2026-12-04T01:59:00Z');
    expect(await rows()).toHaveLength(5);
    now = new Date('2026-12-04T02:30:00Z');
    expect(await purge!.run(ctx())).toBe(3);
    expect(await rows()).toEqual(['2026-12-03T03:00:00.000Z pending', '2026-12-04T01:59:00.000Z pending']);
    // Once a day across processes: a second run the same China day does nothing, even with rows due.
    await t.db.query(`update registration_codes set created_at = created_at - interval '3 days'`);
    expect(await purge!.run(ctx())).toBe(0);
    expect(await rows()).toHaveLength(2);
    now = new Date('2026-12-05T02:30:00Z');
    expect(await purge!.run(ctx())).toBe(2);
    expect(await rows()).toEqual([]);
  });
});
