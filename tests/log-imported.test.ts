// Imported records in the public transparency log (entry version 2; migration 0039). An import's
// history rows were private entries under version 1, so `beian audit verify` reported every
// imported record "not in the log" and relying parties never saw them. Now: an import sequenced
// today is public and the audit passes; a log written by version 1 over an import is completed by
// migration 0039 (one `logged_imported` row per imported record) and then passes too, its old
// leaves still checked by version 1's rules.
import { afterEach, describe, expect, it } from 'vitest';
import { SETUP_TIMEOUT } from './auth.ts';
import { databaseBefore, logCaughtUp, testDatabase, testLogKeys, type TestDb } from './db.ts';
import { type AppRecordStyle, appRecord, memorySource } from './import-records.ts';
import { importFilings } from '../src/flows/import-filings.ts';
import { auditLog } from '../src/tlog/audit.ts';
import { migrate } from '../src/db/migrate.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import { loadConfig } from '../src/config.ts';
import { seedDemo } from '../src/db/seed/demo.ts';
import { signTreeHead } from '../src/tlog/store.ts';
import { expectPublicEventsCurrent, expectPublicLeavesAreRecordEvents } from './public-events.ts';

const exec = (...args: string[]) => promisify(execFile)(process.execPath, ['scripts/log-check.mjs', ...args], { timeout: 60_000 })
  .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));

const STYLE: AppRecordStyle = {
  year: 2019, tag: '日志', pkg: 'tlog', address: '深圳市南山区科技园2号', principal: '李日志', mobile: '13900139100', email: 'tlog',
  approvedAt: '2019-03-01T02:00:00+00:00',
};
const records = [appRecord(STYLE, 1, 1), appRecord(STYLE, 1, 2, { status: 'cancelled', statusChangedAt: '2020-01-02T02:00:00+00:00' }), appRecord(STYLE, 2, 1, { status: 'revoked', statusChangedAt: '2021-01-02T02:00:00+00:00' })];

describe('imported records in the transparency log', () => {
  let t: TestDb | undefined;
  afterEach(async () => { await t?.close(); t = undefined; });
  const keys = testLogKeys();
  const notInLog = (problems: string[]) => problems.filter((p) => /not in the log/.test(p));

  it('an import sequenced now is public, each record with the status it loaded: the audit passes', async () => {
    t = await testDatabase();
    await importFilings(t.db, t.sealer, memorySource('tlog-now', records), { firstLoad: false });
    await logCaughtUp(t.db, keys);
    const report = await auditLog(t.db, keys);
    expect(report.problems).toEqual([]);
    const entries = (await t.db.query<{ entry: string }>('select entry from log_leaves order by leaf_index')).map((r) => JSON.parse(r.entry) as { type: string; serviceNumber?: string });
    expect(entries.filter((e) => e.serviceNumber).map((e) => e.type).sort()).toEqual(['cancelled', 'filed', 'revoked']);
  }, SETUP_TIMEOUT);

  it('a log written by version 1 over an import is completed by migration 0039, its old leaves still verified', async () => {
    // Today's import writes migration 0056's columns (an ending subject, a rejection's holder): applied ahead.
    t = await databaseBefore('0039', ['0056']);
    await importFilings(t.db, t.sealer, memorySource('tlog-v1', records), { firstLoad: false });
    // Every row in the log before the audit (on a shared server the sequencer waits for other
    // databases' transactions: rows still pending would be read by today's rules).
    const v1 = { ...keys, entryVersion: 1 };
    await logCaughtUp(t.db, v1);
    const before = await auditLog(t.db, keys);
    expect(notInLog(before.problems).length).toBeGreaterThan(0); // the defect: imported records missing
    expect(before.problems.filter((p) => /no longer matches/.test(p))).toEqual([]); // version 1 leaves check by version 1
    await migrate(t.db);
    await logCaughtUp(t.db, keys);
    expect((await auditLog(t.db, keys)).problems).toEqual([]);
    const added = await t.db.query<{ entity_type: string; to_status: string }>(`select entity_type, to_status from history where action = 'logged_imported' order by entity_type, to_status`);
    expect(added).toEqual([
      { entity_type: 'service', to_status: 'cancelled' }, { entity_type: 'service', to_status: 'filed' }, { entity_type: 'service', to_status: 'revoked' },
      // Subject 2's only service was revoked: the import cancels it at its end (a subject with no live service).
      { entity_type: 'subject', to_status: 'cancelled' }, { entity_type: 'subject', to_status: 'filed' },
    ]);
    // Migration 0051: each record's import event is its public `logged_imported` row, not the private `imported` one.
    await expectPublicEventsCurrent(t.db);
    await expectPublicLeavesAreRecordEvents(t.db);
  }, SETUP_TIMEOUT);
});

describe('an imported record\'s public events (migration 0051)', () => {
  let t: TestDb | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => { await app?.close(); app = undefined; await t?.close(); t = undefined; });
  const keys = testLogKeys();

  for (const firstLoad of ['auto', false] as const) {
    it(`lists the leaves its statement lists — the service's and its subject's import (${firstLoad === 'auto' ? 'a first load' : 'an import into a filled registry'}); the checker verifies the record`, async () => {
      t = await testDatabase();
      if (!firstLoad) await seedDemo(t.db, t.sealer);
      await importFilings(t.db, t.sealer, memorySource(`events-${firstLoad}`, records), { firstLoad });
      await logCaughtUp(t.db, keys);
      await signTreeHead(t.db, keys.signer, new Date());
      await expectPublicEventsCurrent(t.db);
      await expectPublicLeavesAreRecordEvents(t.db);
      app = await buildApp({ db: t.db, sealer: t.sealer, now: () => new Date(), config: loadConfig({ LOG_LEVEL: 'silent' }), logSigner: keys.signer });
      const numbers = (await t.db.query<{ service_number: string; status: string }>(
        `select service_number, status from services where service_number like '%2019%' order by service_number`));
      expect(numbers.map((n) => n.status).sort()).toEqual(['cancelled', 'filed', 'revoked']);
      for (const { service_number: number, status } of numbers) {
        const answer = await app.inject({ method: 'GET', url: `/api/public/v1/services/${encodeURIComponent(number)}` });
        const record = answer.json();
        // Every event with a leaf is in the log: the answer is settled, Last-Modified and ETag as any other record's
        // (events before the import never get a leaf, and no longer hold Last-Modified back).
        expect(answer.headers, number).toMatchObject({ etag: expect.stringMatching(/^W\//), 'last-modified': expect.any(String) });
        const again = await app.inject({ method: 'GET', url: `/api/public/v1/services/${encodeURIComponent(number)}`, headers: { 'if-modified-since': String(answer.headers['last-modified']) } });
        expect(again.statusCode, number).toBe(304);
        const statement = (await app.inject({ method: 'GET', url: `/api/public/v1/services/${encodeURIComponent(number)}/statement` })).json();
        const logged = (record.events as { type: string; logIndex: number | null }[]).filter((e) => e.logIndex !== null);
        // The subject's and the service's import; the revoked one's subject had no live service left, and the import
        // cancelled it at its end: that subject's cancellation is an event of its services too (ADR 0029 addendum).
        expect(logged.map((e) => e.type), number).toEqual(status === 'revoked' ? ['imported', 'imported', 'subject_cancelled'] : ['imported', 'imported']);
        expect(logged.map((e) => e.logIndex).sort(), number).toEqual((statement.entries as { leafIndex: number }[]).map((e) => e.leafIndex).sort());
        // Dated by the record, before the import: the filing (and the final status), without a leaf, in date order.
        expect(record.events.filter((e: { logIndex: number | null }) => e.logIndex === null).map((e: { type: string }) => e.type), number)
          .toEqual(status === 'filed' ? ['filed'] : ['filed', status]);
        expect(record.events.map((e: { on: string }) => e.on), number).toEqual([...record.events.map((e: { on: string }) => e.on)].sort());
      }
      const [main] = await t.db.query<{ main_number: string }>(`select main_number from subjects where main_number like '%2019%' order by 1 limit 1`);
      const subjectAnswer = await app.inject({ method: 'GET', url: `/api/public/v1/subjects/${encodeURIComponent(main!.main_number)}` });
      expect(subjectAnswer.headers).toMatchObject({ etag: expect.stringMatching(/^W\//), 'last-modified': expect.any(String) });
      const search = await app.inject({ method: 'GET', url: `/api/public/v1/services?q=${encodeURIComponent(main!.main_number)}` });
      expect(search.json().items.length).toBeGreaterThan(0);
      expect(search.headers).toMatchObject({ etag: expect.stringMatching(/^W\//), 'last-modified': expect.any(String) });
      const subject = subjectAnswer.json();
      expect(subject.events).toEqual([{ type: 'imported', on: expect.any(String), logIndex: expect.any(Number) }]);
      const base = await app.listen({ host: '127.0.0.1', port: 0 });
      for (const { service_number: number } of numbers) {
        const r = await exec('record', base, number, '--key-id', keys.signer.keyId);
        expect(r, number).toMatchObject({ code: 0, stdout: expect.stringMatching(/before the log: filed on 2019-03-01[\s\S]*inclusion ok: leaf \d+ \(filed .*\n[\s\S]*inclusion ok: leaf \d+ \((filed|cancelled|revoked) /) });
      }
    }, SETUP_TIMEOUT);
  }
});
