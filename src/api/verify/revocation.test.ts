// Revocation and cancellation of filed services, and what verification answers afterwards.
// Cache invalidation across server processes: on PostgreSQL two applications on two separate
// connection pools (two processes as far as the database can tell) — B verifies (and caches),
// A revokes, B answers `revoked` within a second. PGlite is one process: there the single
// instance must see its own revocation at once, and the two-process case is skipped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { type AuthTestApp, authTestApp, secondServer, SETUP_TIMEOUT, signIn } from '../../../tests/auth.ts';
import { backend } from '../../../tests/db.ts';
import { cancelConfirmed } from '../../../tests/filing.ts';
import { a2dp, KEY, serviceId, verify } from '../../../tests/verify.ts';
import { expectPublicEventsCurrent } from '../../../tests/public-events.ts';

const status = async (app: FastifyInstance, item = a2dp()) => (await verify(app, [item])).json().results[0].status as string;

async function statusWithin(app: FastifyInstance, expected: string, ms: number, item = a2dp()): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await status(app, item) === expected) return Date.now() - start;
    if (Date.now() - start > ms) throw new Error(`still not ${expected} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('revocation and cancellation', () => {
  let a: AuthTestApp;
  beforeAll(async () => { a = await authTestApp(); }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('revoke: only a reviewer of the subject\'s province or the ministry, with a reason, once', async () => {
    const id = await serviceId(a.t.db, 'com.example.ledger');
    const bj = await signIn(a.app, 'bj.reviewer');
    const host = await signIn(a.app, 'host@demo.beian.test');
    const url = `/api/bureau/services/${id}/revoke`;
    expect((await a.app.inject({ method: 'POST', url, headers: bj.headers, payload: { reason: '测试' } })).statusCode).toBe(404);
    expect((await a.app.inject({ method: 'POST', url, headers: host.headers, payload: { reason: '测试' } })).statusCode).toBe(403);
    expect((await a.app.inject({ method: 'POST', url, headers: KEY, payload: { reason: '测试' } })).statusCode).toBe(403);
    const zj = await signIn(a.app, 'zj.reviewer');
    const noReason = await a.app.inject({ method: 'POST', url, headers: zj.headers, payload: { reason: '  ' } });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors[0].field).toBe('body.reason');
    expect((await a.app.inject({ method: 'POST', url: '/api/bureau/services/nope/revoke', headers: zj.headers, payload: { reason: '测试' } })).statusCode).toBe(404);
    expect((await a.app.inject({ method: 'POST', url: `/api/bureau/services/${encodeURIComponent('浙ICP备2024000001号')}/revoke`, headers: zj.headers, payload: { reason: '测试' } })).statusCode).toBe(404);
    expect((await a.app.inject({ method: 'POST', url: `/api/bureau/services/${encodeURIComponent('浙ICP备2024000001号-9A')}/revoke`, headers: zj.headers, payload: { reason: '测试' } })).statusCode).toBe(404);
    const ok = await a.app.inject({ method: 'POST', url, headers: zj.headers, payload: { reason: '超范围经营' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'revoked', serviceNumber: '浙ICP备2024000001号-1A', statusChangedAt: '2026-03-02T02:00:00.000Z' });
    const again = await a.app.inject({ method: 'POST', url, headers: zj.headers, payload: { reason: '超范围经营' } });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('service_status_conflict');
    // Both platforms of the service answer revoked; history and the host's notice are written.
    expect(await status(a.app, { platform: 'ios', packageName: 'com.example.ledger', fingerprint: 'fedcba9876543210fedcba9876543210fedcba98' })).toBe('revoked');
    const [h] = await a.t.db.query<{ action: string; from_status: string; to_status: string; actor_role: string; reason: { reason: string } }>(
      `select action, from_status, to_status, actor_role, reason from history where entity_type = 'service' and entity_id = $1 order by id desc limit 1`, [id]);
    expect(h).toMatchObject({ action: 'revoke', from_status: 'filed', to_status: 'revoked', actor_role: 'bureau_reviewer', reason: { reason: '超范围经营' } });
    const notes = await a.t.db.query<{ event: string }>(
      `select n.event from notifications n join subjects sub on sub.host_user_id = n.user_id join services s on s.subject_id = sub.id
        where s.id = $1 and n.event = 'service.revoked'`, [id]);
    expect(notes).toHaveLength(1);
    // A revoked service cannot be cancelled.
    const cancel = await a.app.inject({ method: 'POST', url: `/api/host/services/${id}/cancel`, headers: host.headers, payload: {} });
    expect(cancel.statusCode).toBe(409);
    // It was its subject's last live service (the other is revoked already): no empty subject is
    // kept — the main number answers cancelled, not filed, and history says why.
    const [sub] = await a.t.db.query<{ id: string; status: string }>(`select id, status from subjects where main_number = '浙ICP备2024000001号'`);
    expect(sub!.status).toBe('cancelled');
    const [sh] = await a.t.db.query<{ action: string; actor_role: string; reason: { note: string; serviceNumber: string } }>(
      `select action, actor_role, reason from history where entity_type = 'subject' and entity_id = $1 order by id desc limit 1`, [sub!.id]);
    expect(sh).toMatchObject({ action: 'clean_up', actor_role: 'bureau_reviewer', reason: { note: 'its last live service was revoked', serviceNumber: '浙ICP备2024000001号-1A' } });
    const main = await a.app.inject({ method: 'GET', url: `/api/public/v1/subjects/${encodeURIComponent('浙ICP备2024000001号')}` });
    expect(main.json().status).toBe('cancelled');
  });

  it('cancel: only the host of the service, confirmed by code; the last filed service cancels its subject', async () => {
    const id = await serviceId(a.t.db, 'a2dp.Vol');
    const wang = await signIn(a.app, 'wang@demo.beian.test');
    expect((await a.app.inject({ method: 'POST', url: `/api/host/services/${id}/cancel`, headers: wang.headers, payload: {} })).statusCode).toBe(404);
    const host = await signIn(a.app, 'host@demo.beian.test');
    const res = await cancelConfirmed(a, host, `/api/host/services/${id}/cancel`);
    expect(res).toMatchObject({ status: 'confirmed', action: 'cancel_service', servicesCancelled: ['粤ICP备2024000001号-2A'], subjectCancelled: null }); // the website and mini program remain
    expect(await status(a.app)).toBe('cancelled');
    // By service number, as a host has it in hand: his only service, so the code cancels the subject with it.
    const last = await cancelConfirmed(a, wang, `/api/host/services/${encodeURIComponent('京ICP备2025000001号-1')}/cancel`, { reason: '不再运营' });
    expect(last).toMatchObject({ action: 'cancel_subject', servicesCancelled: ['京ICP备2025000001号-1'], subjectCancelled: '京ICP备2025000001号' });
    const [s] = await a.t.db.query<{ status: string }>(`select status from subjects where main_number = '京ICP备2025000001号'`);
    expect(s!.status).toBe('cancelled');
  });

  it('keeps the stored public events of every record what history says, after revocations and cancellations (migration 0029)', async () => {
    await expectPublicEventsCurrent(a.t.db);
  });
});

// Each backend runs the case it can have: two processes need a server; PGlite is one process.
if (backend() === 'postgresql') describe('cache invalidation across two server processes (PostgreSQL: two apps, two connection pools)', () => {
  let a: AuthTestApp;
  let appB: FastifyInstance; let b: Awaited<ReturnType<typeof secondServer>>;
  beforeAll(async () => {
    a = await authTestApp();
    b = await secondServer(a);
    appB = b.app;
  }, SETUP_TIMEOUT);
  afterAll(async () => { await b?.close(); await a?.close(); });

  it('B answers revoked within a second of a revocation through A', async () => {
    expect(await status(appB)).toBe('filed');
    expect(await status(appB)).toBe('filed'); // now served from B's cache
    const gd = await signIn(a.app, 'gd.reviewer');
    const id = await serviceId(a.t.db, 'a2dp.Vol');
    const revoked = await a.app.inject({ method: 'POST', url: `/api/bureau/services/${id}/revoke`, headers: gd.headers, payload: { reason: '跨进程测试' } });
    expect(revoked.statusCode).toBe(200);
    const ms = await statusWithin(appB, 'revoked', 1000);
    expect(ms).toBeLessThan(1000);
  });

  it('B answers filed for a new filing it had cached as not_filed, and cancelled after A cancels it', async () => {
    const item = { platform: 'android', packageName: 'com.example.newapp', fingerprint: 'ab'.repeat(16) };
    expect(await status(appB, item)).toBe('not_filed');
    const [svc] = await a.t.db.query<{ id: string }>(`select id from services where service_number = '粤ICP备2024000001号-3X'`);
    await a.t.db.query(`insert into app_platforms (service_id, platform, package_name, public_key, cert_md5) values ($1, 'android', 'com.example.newapp', 'AB', $2)`, [svc!.id, 'ab'.repeat(16)]);
    expect(await statusWithin(appB, 'filed', 1000, item)).toBeLessThan(1000);
    const host = await signIn(a.app, 'host@demo.beian.test');
    expect(await cancelConfirmed(a, host, `/api/host/services/${svc!.id}/cancel`)).toMatchObject({ status: 'confirmed' });
    expect(await statusWithin(appB, 'cancelled', 1000, item)).toBeLessThan(1000);
  });

  it('B refuses an API key within a second of its revocation through A (keys are cached per process too)', async () => {
    const staff = await signIn(a.app, 'platform.demo');
    const created = await a.app.inject({ method: 'POST', url: '/api/org/api-keys', headers: staff.headers, payload: { name: 'two processes' } });
    const key = { authorization: `Bearer ${created.json().secret}` };
    expect((await verify(appB, [a2dp()], key)).statusCode).toBe(200);
    expect((await verify(appB, [a2dp()], key)).statusCode).toBe(200); // from B's key cache
    expect((await a.app.inject({ method: 'DELETE', url: `/api/org/api-keys/${created.json().id}`, headers: staff.headers })).statusCode).toBe(204);
    const start = Date.now();
    while ((await verify(appB, [a2dp()], key)).statusCode !== 401) {
      if (Date.now() - start > 1000) throw new Error('B still accepts the revoked key after a second');
      await new Promise((r) => setTimeout(r, 10));
    }
  });
});

if (backend() === 'pglite') describe('cache invalidation in the single PGlite process (the two-process case runs on PostgreSQL)', () => {
  let a: AuthTestApp;
  beforeAll(async () => { a = await authTestApp(); }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('answers revoked within a second of a revocation, having cached filed', async () => {
    expect(await status(a.app)).toBe('filed');
    expect(await status(a.app)).toBe('filed');
    const gd = await signIn(a.app, 'gd.reviewer');
    const byNumber = `/api/bureau/services/${encodeURIComponent('粤ICP备2024000001号-2A')}/revoke`;
    expect((await a.app.inject({ method: 'POST', url: byNumber, headers: gd.headers, payload: { reason: '单进程测试' } })).statusCode).toBe(200);
    expect(await statusWithin(a.app, 'revoked', 1000)).toBeLessThan(1000);
  });
});
