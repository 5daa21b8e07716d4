// The watch recorder (src/db/watches.ts), on both databases: an organisation without a webhook
// costs no writes; with one, each (service, organisation) pair is written once per refresh period;
// `settled` says without a database round trip when a single check would write nothing, and never
// says so when record would write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_TIMEOUT } from '../../tests/auth.ts';
import { testDatabase, type TestDb } from '../../tests/db.ts';
import type { Db } from './connection.ts';
import { seedDemo } from './seed/demo.ts';
import { createWatchRecorder, type WatchRecorder } from './watches.ts';

describe('watch recorder', () => {
  let t: TestDb;
  let orgId: string;
  let services: string[];
  const queries: string[] = [];
  let counting: Db;
  let clock = new Date('2026-12-06T03:00:00Z');
  const watched = async () => (await t.db.query<{ service_id: string; last_checked_at: Date }>(
    'select service_id, last_checked_at from verification_watches where organisation_id = $1 order by service_id', [orgId]));

  beforeAll(async () => {
    t = await testDatabase();
    await seedDemo(t.db, t.sealer);
    orgId = (await t.db.query<{ id: string }>(`select id from organisations where kind = 'distribution_platform' order by name limit 1`))[0]!.id;
    services = (await t.db.query<{ id: string }>(`select id from services order by id limit 3`)).map((r) => r.id);
    counting = { ...t.db, query: (text, params) => { queries.push(text); return t.db.query(text, params); } } as Db;
  }, SETUP_TIMEOUT);
  afterAll(async () => { await t?.close(); });

  const recorder = (): WatchRecorder => createWatchRecorder(counting, { now: () => clock, refreshMs: 60_000 });

  it('writes nothing for an organisation without a webhook, and knows it without asking again', async () => {
    const w = recorder();
    expect(w.settled(orgId, services[0]!)).toBe(false); // not known yet: record must ask
    await w.record(orgId, [services[0]!]);
    expect(await watched()).toEqual([]);
    const n = queries.length;
    expect(w.ignores(orgId)).toBe(true);
    expect(w.settled(orgId, services[0]!)).toBe(true);
    await w.record(orgId, [services[1]!]);
    expect(queries.length).toBe(n);
  });

  it('with a webhook: settled only for pairs this process wrote within the refresh period', async () => {
    await t.db.query(`insert into webhook_subscriptions (organisation_id, url, secret_enc) values ($1, 'https://hooks.example.cn/w', 'x')`, [orgId]);
    const w = recorder();
    await w.record(orgId, [services[0]!]);
    expect((await watched()).map((r) => r.service_id)).toEqual([services[0]]);
    expect(w.settled(orgId, services[0]!)).toBe(true);
    expect(w.settled(orgId, services[1]!)).toBe(false); // never written: record would write it
    const n = queries.length;
    await w.record(orgId, [services[0]!]); // settled: no query at all
    expect(queries.length).toBe(n);

    clock = new Date(clock.getTime() + 60_000); // the refresh period has passed
    expect(w.settled(orgId, services[0]!)).toBe(false);
    await w.record(orgId, [services[0]!, services[1]!]);
    expect((await watched()).map((r) => r.service_id)).toEqual([services[0], services[1]].sort());
    expect((await watched()).every((r) => r.last_checked_at.getTime() === clock.getTime())).toBe(true);
    expect(w.settled(orgId, services[1]!)).toBe(true);

    w.forget(orgId); // this process changed the organisation's webhooks: ask again
    expect(w.settled(orgId, services[1]!)).toBe(false);
  });
});
