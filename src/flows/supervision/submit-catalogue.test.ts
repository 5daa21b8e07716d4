// The catalogue pipeline (ADR 0026): batches are matched ahead of the one being written; the
// totals come out in line order whatever the matcher's timing, and a matcher that fails half-way
// leaves the upload `failed` with none of its findings, the current catalogue untouched, and no
// unhandled rejection from the batches still in flight.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT } from '../../../tests/auth.ts';
import type { Actor } from '../../domain/actors.ts';
import { CATALOGUE_BATCH_LINES, type CatalogueUpload, type Matcher, submitCatalogue } from './submit-catalogue.ts';

const FP = 'ab'.repeat(32);
function upload(lines: number): CatalogueUpload {
  async function* numbered() {
    for (let i = 1; i <= lines; i++) {
      if (i % 250 === 0) await Promise.resolve(); // arrives in chunks, as a request body does
      yield { n: i, text: JSON.stringify({ platform: 'android', packageName: `com.pipe.app${i}`, fingerprint: FP }) };
    }
  }
  return { format: 'ndjson', lines: numbered(), digest: () => ({ sha256: '0'.repeat(64), bytes: 0 }) };
}
/** Not filed, answered after a delay that varies by batch (later batches may finish first). */
const slowMatcher = (failAtCall?: number): Matcher => {
  let calls = 0;
  return async (items) => {
    const call = ++calls;
    await new Promise((r) => setTimeout(r, [30, 5, 15][call % 3]));
    if (call === failAtCall) throw new Error('read model unavailable');
    return items.map(() => ({ identity: null, judgement: { status: 'not_filed' } as never }));
  };
};

describe('submitCatalogue: batches matched ahead', () => {
  let a: AuthTestApp;
  let actor: Actor;
  let campaignId: string;
  const ctx = () => ({ db: a.t.db, sealer: a.t.sealer, now: a.clock.now, publicUrl: 'http://localhost' });
  beforeAll(async () => {
    a = await authTestApp();
    const [u] = await a.t.db.query<{ id: string; organisation_id: string }>(`select id, organisation_id from users where login = 'platform.demo'`);
    actor = { userId: u!.id, role: 'platform_staff', orgId: u!.organisation_id, orgKind: 'distribution_platform', provinceCode: null, requestId: null };
    const [c] = await a.t.db.query<{ id: string }>(
      `insert into campaigns (name, kind, org_kinds, starts_on, catalogue_due_on, ends_on, created_at)
       values ('流水线检查', 'inspection', array['platform'], '2026-03-01', '2026-03-20', '2026-06-30', now()) returning id`);
    campaignId = c!.id;
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('counts every line once, in order, however the batches finish', async () => {
    const n = CATALOGUE_BATCH_LINES * 7 + 123;
    const r = await submitCatalogue(ctx(), actor, slowMatcher(), campaignId, upload(n));
    expect(r).toMatchObject({ received: n, accepted: n, rejected: 0, findings: { not_filed: n } });
    const [f] = await a.t.db.query<{ n: number; lines: number; max: number }>(
      `select count(*)::int as n, count(distinct line)::int as lines, max(line) as max from findings where submission_id = $1`, [r.submissionId]);
    expect(f).toEqual({ n, lines: n, max: n });
    const [s] = await a.t.db.query<{ status: string; received: number }>('select status, received from catalogue_submissions where id = $1', [r.submissionId]);
    expect(s).toEqual({ status: 'current', received: n });
  });

  it('a matcher failing half-way fails the upload and keeps the current catalogue', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(submitCatalogue(ctx(), actor, slowMatcher(4), campaignId, upload(CATALOGUE_BATCH_LINES * 9))).rejects.toThrow('read model unavailable');
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    const subs = await a.t.db.query<{ status: string; n: number }>(
      `select s.status, (select count(*)::int from findings f where f.submission_id = s.id) as n from catalogue_submissions s where s.campaign_id = $1 order by s.started_at, s.status`, [campaignId]);
    expect(subs.map((s) => `${s.status}:${s.n}`).sort()).toEqual(['current:7123', 'failed:0']);
  });
});
