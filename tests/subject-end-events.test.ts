// A subject's cancellation (注销主体, by its host or with its last service) and revocation are events of
// every one of its services' public records (migration 0053; ADR 0029 addendum "A subject's end"): each
// with its leaf in the transparency log, checked by `scripts/log-check.mjs record`. Until 0053 a record's
// events had the subject's changes but not its end, although its statements listed it and the log
// published it as a public `cancelled` / `revoked` entry naming the main number.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, signIn } from './auth.ts';
import { databaseBefore, logCaughtUp, testLogKeys, type TestDb } from './db.ts';
import { cancelConfirmed } from './filing.ts';
import { expectPublicEventsCurrent, expectPublicLeavesAreRecordEvents } from './public-events.ts';
import { serviceId } from './verify.ts';
import { signTreeHead } from '../src/tlog/store.ts';
import { migrate } from '../src/db/migrate.ts';
import { seedDemo } from '../src/db/seed/demo.ts';

const exec = (...args: string[]) => promisify(execFile)(process.execPath, ['scripts/log-check.mjs', ...args], { timeout: 60_000 })
  .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));
const enc = encodeURIComponent;
type Event = { type: string; on: string; logIndex: number | null };

describe('a subject\'s end is an event of each of its services', () => {
  let a: AuthTestApp | undefined;
  let t: TestDb | undefined;
  afterEach(async () => { await a?.close(); a = undefined; await t?.close(); t = undefined; });
  const keys = testLogKeys();

  const numbersOf = async (db: AuthTestApp['t']['db'], main: string) => (await db.query<{ service_number: string }>(
    `select s.service_number from services s join subjects su on su.id = s.subject_id where su.main_number = $1 order by s.service_number`, [main]))
    .map((r) => r.service_number);
  const eventsOf = async (app: FastifyInstance, n: string) => (await app.inject({ method: 'GET', url: `/api/public/v1/services/${enc(n)}` })).json().events as Event[];

  /** Every service of `main` lists the subject's end once, with a leaf; log-check verifies each record with exit 0. */
  async function expectEveryServiceShows(x: AuthTestApp, main: string, type: 'subject_cancelled' | 'subject_revoked', entryType: string) {
    await logCaughtUp(x.t.db, keys);
    await signTreeHead(x.t.db, keys.signer, new Date());
    const numbers = await numbersOf(x.t.db, main);
    expect(numbers.length).toBeGreaterThan(0);
    const base = await x.app.listen({ host: '127.0.0.1', port: 0 });
    for (const n of numbers) {
      const ends = (await eventsOf(x.app, n)).filter((e) => e.type === type);
      expect(ends, n).toEqual([{ type, on: expect.any(String), logIndex: expect.any(Number) }]);
      const r = await exec('record', base, n, '--key-id', keys.signer.keyId);
      expect(r, n).toMatchObject({ code: 0, stdout: expect.stringContaining(`inclusion ok: leaf ${ends[0]!.logIndex} (${entryType} ${main} at `) });
    }
    await expectPublicEventsCurrent(x.t.db);
    await expectPublicLeavesAreRecordEvents(x.t.db);
  }

  it('the host cancels a subject (注销主体): every service shows the subject\'s cancellation beside its own', async () => {
    a = await authTestApp();
    const host = await signIn(a.app, 'host@demo.beian.test');
    await cancelConfirmed(a, host, `/api/host/subjects/${enc('粤ICP备2024000001号')}/cancel`, { reason: '公司注销' });
    await expectEveryServiceShows(a, '粤ICP备2024000001号', 'subject_cancelled', 'cancelled');
    // The service's own cancellation stays its `cancelled` event; the subject's is another type.
    const [first] = await numbersOf(a.t.db, '粤ICP备2024000001号');
    expect((await eventsOf(a.app, first!)).map((e) => e.type).slice(-2)).toEqual(['cancelled', 'subject_cancelled']);
    // The checker does not take the server's word: the service's own cancellation given as the subject's fails.
    const base = `http://127.0.0.1:${(a.app.server.address() as { port: number }).port}`;
    const proxy = createServer((req, res) => {
      void (async () => {
        const upstream = await fetch(`${base}${req.url}`);
        let body = await upstream.text();
        if (req.url === `/api/public/v1/services/${enc(first!)}`) {
          const record = JSON.parse(body) as { events: Event[] };
          const own = record.events.find((e) => e.type === 'cancelled')!;
          record.events = record.events.filter((e) => e !== own).map((e) => (e.type === 'subject_cancelled' ? { ...e, logIndex: own.logIndex } : e));
          body = JSON.stringify(record);
        }
        res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(body);
      })();
    });
    await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
    try {
      const liar = await exec('record', `http://127.0.0.1:${(proxy.address() as { port: number }).port}`, first!);
      expect(liar).toMatchObject({ code: 1, stderr: expect.stringContaining(`(cancelled), not the subject 粤ICP备2024000001号 alone as the record's subject_cancelled event`) });
    } finally {
      await new Promise((done) => proxy.close(done));
    }
  }, SETUP_TIMEOUT);

  it('revoking a subject\'s last live service cancels the subject with it: a revoked record shows the subject\'s cancellation', async () => {
    a = await authTestApp();
    const zj = await signIn(a.app, 'zj.reviewer');
    const ledger = await serviceId(a.t.db, 'com.example.ledger');
    const res = await a.app.inject({ method: 'POST', url: `/api/bureau/services/${ledger}/revoke`, headers: zj.headers, payload: { reason: '超范围经营' } });
    expect(res.statusCode).toBe(200);
    await expectEveryServiceShows(a, '浙ICP备2024000001号', 'subject_cancelled', 'cancelled');
    const events = await eventsOf(a.app, res.json().serviceNumber);
    expect(events.map((e) => e.type).slice(-2)).toEqual(['revoked', 'subject_cancelled']);
  }, SETUP_TIMEOUT);

  it('a subject\'s revocation (any writer of the row) is `subject_revoked`', async () => {
    a = await authTestApp();
    await a.t.db.transaction(async (tx) => {
      const [su] = await tx.query<{ id: string }>(`update subjects set status = 'revoked', updated_at = now() where main_number = '京ICP备2025000001号' returning id`);
      const services = await tx.query<{ id: string }>(`update services set status = 'revoked', revocation_category = 'other', status_changed_at = now() where subject_id = $1 returning id`, [su!.id]);
      for (const s of services) {
        await tx.query(`insert into history (entity_type, entity_id, action, from_status, to_status, actor_role) values ('service', $1, 'revoke', 'filed', 'revoked', 'system')`, [s.id]);
      }
      await tx.query(`insert into history (entity_type, entity_id, action, from_status, to_status, actor_role) values ('subject', $1, 'revoke', 'filed', 'revoked', 'system')`, [su!.id]);
    });
    await expectEveryServiceShows(a, '京ICP备2025000001号', 'subject_revoked', 'revoked');
  }, SETUP_TIMEOUT);

  it('migration 0053 adds the ends written before it', async () => {
    t = await databaseBefore('0053');
    await seedDemo(t.db, t.sealer);
    const [su] = await t.db.query<{ id: string }>(`select id from subjects where main_number = '京ICP备2025000001号'`);
    const [h] = await t.db.query<{ id: number }>(
      `insert into history (entity_type, entity_id, action, from_status, to_status, actor_role) values ('subject', $1, 'clean_up', 'filed', 'cancelled', 'system') returning id`, [su!.id]);
    expect(await t.db.query('select 1 from public_events where history_id = $1', [h!.id])).toEqual([]);
    await migrate(t.db);
    expect(await t.db.query('select owner_id, action from public_events where history_id = $1', [h!.id])).toEqual([{ owner_id: su!.id, action: 'subject_cancelled' }]);
    await expectPublicEventsCurrent(t.db);
    await expectPublicLeavesAreRecordEvents(t.db);
  }, SETUP_TIMEOUT);
});
