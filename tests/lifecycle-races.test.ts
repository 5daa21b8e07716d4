// What a filed record's end decides, decided again when it happens (defects found with two
// server processes on one PostgreSQL database): a host's service cancellation cancels the
// subject when, at confirmation time, no other live service is left — whatever the request saw;
// and a cancellation, revocation or subject cancellation racing the bureau's approval of a change
// of the same filing ends with one of them applied and the other refused (409), never a 500
// (ADR 0033: one lock order, subject → service → applications).
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, secondServer, SETUP_TIMEOUT, type Signed, signIn } from './auth.ts';
import { backend } from './db.ts';
import { call, CLOUD, confirmationCode, deliver, fileToProvider, MARKET, miniProgramMaterials, orgId, smsCode, throughSms } from './filing.ts';
import { KEY } from './verify.ts';
import { DEMO_PEOPLE } from '../src/db/seed/demo.ts';

const enc = encodeURIComponent;
const number = async (h: AuthTestApp, n: string) => (await h.t.db.query<{ id: string; subject_id: string }>('select id, subject_id from services where service_number = $1', [n]))[0]!;
const subjectStatus = async (h: AuthTestApp, main: string) => (await h.t.db.query<{ status: string }>('select status from subjects where main_number = $1', [main]))[0]!.status;

/** A fresh demo registry with its host signed in (each describe its own: they end the host's subjects). */
async function demoWithHost(): Promise<{ h: AuthTestApp; host: Signed }> {
  const h = await authTestApp();
  return { h, host: await signIn(h.app, 'host@demo.beian.test') };
}

/** Provider approves, the pending codes are entered (the mobiles given), the bureau has it. */
async function toBureau(h: AuthTestApp, host: Signed, provider: Signed, id: string, mobiles: string[]) {
  expect((await call(h.app, provider, 'POST', `/api/provider/applications/${id}/approve`, {})).status).toBe('sms_pending');
  await deliver(h);
  const view = await call(h.app, host, 'GET', `/api/host/applications/${id}`);
  let last = view;
  for (const c of (view.smsChecks as { id: string; mobile: string; status: string }[]).filter((x) => x.status === 'pending')) {
    const mobile = mobiles.find((m) => m.slice(-4) === c.mobile.slice(-4))!;
    last = await call(h.app, host, 'POST', `/api/host/applications/${id}/sms/verify`, { challengeId: c.id, code: await smsCode(h.t.db, h.t.sealer, mobile) });
  }
  expect(last.status).toBe('bureau_review');
}

/** A change of a filed service's description, at the bureau (reviewed by `submitter`, an organisation that holds the service). */
async function serviceChangeAtBureau(h: AuthTestApp, host: Signed, provider: Signed, serviceId: string, mobile: string, description: string, submitter = CLOUD) {
  const body = await call(h.app, host, 'GET', `/api/host/services/${serviceId}/materials`);
  body.materials.service.description = description;
  const draft = await call(h.app, host, 'POST', '/api/host/applications', { ...body, submitterOrgId: await orgId(h.t.db, submitter) }, 201);
  expect((await call(h.app, host, 'POST', `/api/host/applications/${draft.id}/submit`, {})).status).toBe('provider_review');
  await toBureau(h, host, provider, draft.id, [mobile]);
  return draft.id as string;
}

/** Requests a host cancellation of a service (202); its confirmation id and code. */
async function requestCancel(h: AuthTestApp, host: Signed, serviceNumber: string) {
  const asked = await call(h.app, host, 'POST', `/api/host/services/${enc(serviceNumber)}/cancel`, {}, 202);
  return { asked, code: await confirmationCode(h.t.db, h.t.sealer, asked.confirmationId) };
}

describe('a service cancellation confirmed when no other live service is left cancels its subject', () => {
  let h: AuthTestApp; let host: Signed;
  beforeAll(async () => { ({ h, host } = await demoWithHost()); }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); });

  it('two requests for the last two services, each seeing the other live, both confirmed: the second confirmation cancels the subject', async () => {
    // 粤ICP备2024000001号 files a website (-1), an APP (-2A) and a mini program (-3X): the mini program goes first.
    const main = '粤ICP备2024000001号';
    const mini = await requestCancel(h, host, `${main}-3X`);
    expect(mini.asked.cancels).toBe('service');
    await call(h.app, host, 'POST', `/api/host/confirmations/${mini.asked.confirmationId}`, { code: mini.code });
    const site = await requestCancel(h, host, `${main}-1`);
    const app = await requestCancel(h, host, `${main}-2A`);
    expect([site.asked.cancels, app.asked.cancels]).toEqual(['service', 'service']); // each saw the other live
    const first = await call(h.app, host, 'POST', `/api/host/confirmations/${site.asked.confirmationId}`, { code: site.code });
    expect(first).toMatchObject({ action: 'cancel_service', servicesCancelled: [`${main}-1`], subjectCancelled: null });
    expect(await subjectStatus(h, main)).toBe('filed');
    const second = await call(h.app, host, 'POST', `/api/host/confirmations/${app.asked.confirmationId}`, { code: app.code });
    expect(second).toMatchObject({ action: 'cancel_service', servicesCancelled: [`${main}-2A`], subjectCancelled: main });
    expect(await subjectStatus(h, main)).toBe('cancelled');
    // The public answer and verification by number say so; the host cannot file a new service under it.
    expect((await h.app.inject({ method: 'GET', url: `/api/public/v1/subjects/${enc(main)}` })).json().status).toBe('cancelled');
    const { subject_id: subjectId } = await number(h, `${main}-1`);
    const [hist] = await h.t.db.query<{ action: string; actor_role: string; to_status: string; reason: { confirmationId: string } }>(
      `select action, actor_role, to_status, reason from history where entity_type = 'subject' and entity_id = $1 order by id desc limit 1`, [subjectId]);
    expect(hist).toMatchObject({ action: 'cancel', actor_role: 'host', to_status: 'cancelled', reason: { confirmationId: app.asked.confirmationId } });
    const [note] = await h.t.db.query<{ title: string }>(`select title from notifications where event = 'subject.cancelled' and title like $1`, [`%${main}%`]);
    expect(note?.title).toContain(main);
    const newService = await h.app.inject({ method: 'POST', url: '/api/host/applications', headers: host.headers,
      payload: { applicationType: 'new_service', subjectId, serviceType: 'mini_program', submitterOrgId: await orgId(h.t.db, MARKET), materials: miniProgramMaterials() } });
    expect(newService.statusCode, newService.body).toBe(404);
    expect(newService.json().code).toBe('subject_not_found');
  });

  it('a request opened while another service was live, that service revoked meanwhile: the confirmation cancels the subject', async () => {
    // 浙ICP备2024000001号 has one live service (the ledger APP, -1A); a mini program filed under it
    // now makes two. The host asks to cancel the mini program (the ledger is live: a service
    // cancellation); the bureau revokes the ledger (the mini program is live: the subject stays).
    const [platform, zj] = await Promise.all(['platform.demo', 'zj.reviewer'].map((l) => signIn(h.app, l))) as [Signed, Signed];
    const main = '浙ICP备2024000001号';
    const ledger = await number(h, `${main}-1A`);
    const id = await fileToProvider(h.app, host, { applicationType: 'new_service', subjectId: ledger.subject_id, serviceType: 'mini_program', submitterOrgId: await orgId(h.t.db, MARKET), materials: miniProgramMaterials() });
    await throughSms(h, host, platform, id);
    const mini = (await call(h.app, zj, 'POST', `/api/bureau/applications/${id}/approve`)).serviceNumber as string;
    const req = await requestCancel(h, host, mini);
    expect(req.asked.cancels).toBe('service');
    await call(h.app, zj, 'POST', `/api/bureau/services/${ledger.id}/revoke`, { reason: '超范围经营' });
    expect(await subjectStatus(h, main)).toBe('filed');
    const done = await call(h.app, host, 'POST', `/api/host/confirmations/${req.asked.confirmationId}`, { code: req.code });
    expect(done).toMatchObject({ action: 'cancel_service', servicesCancelled: [mini], subjectCancelled: main });
    expect(await subjectStatus(h, main)).toBe('cancelled');
    expect((await h.app.inject({ method: 'GET', url: `/api/verify/v1/numbers/${enc(main)}`, headers: KEY })).json()).toMatchObject({ kind: 'subject', subject: { status: 'cancelled' } });
  });
});

describe('a subject cancellation ends the services the host asked about, no later one', () => {
  let h: AuthTestApp; let host: Signed;
  beforeAll(async () => { ({ h, host } = await demoWithHost()); }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); });

  it('a service filed after the request is not swept up: the confirmation is refused, nothing changes, the host asks again', async () => {
    const [platform, zj] = await Promise.all(['platform.demo', 'zj.reviewer'].map((l) => signIn(h.app, l))) as [Signed, Signed];
    const main = '浙ICP备2024000001号';
    const ledger = await number(h, `${main}-1A`);
    const asked = await call(h.app, host, 'POST', `/api/host/subjects/${ledger.subject_id}/cancel`, {}, 202);
    const code = await confirmationCode(h.t.db, h.t.sealer, asked.confirmationId);
    // Within the 24 hours (an hour later), a mini program the host had under way is approved under the subject.
    h.clock.advance(3600);
    const id = await fileToProvider(h.app, host, { applicationType: 'new_service', subjectId: ledger.subject_id, serviceType: 'mini_program', submitterOrgId: await orgId(h.t.db, MARKET), materials: miniProgramMaterials() });
    await throughSms(h, host, platform, id);
    const mini = (await call(h.app, zj, 'POST', `/api/bureau/applications/${id}/approve`)).serviceNumber as string;
    const refused = await h.app.inject({ method: 'POST', url: `/api/host/confirmations/${asked.confirmationId}`, headers: host.headers, payload: { code } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'subject_changed_since_request', errors: [{ field: 'body.code' }] });
    expect(refused.json().detail).toContain(mini);
    expect(await subjectStatus(h, main)).toBe('filed');
    expect((await h.t.db.query<{ status: string; attempts: number }>('select status, attempts from confirmations where id = $1', [asked.confirmationId]))[0]).toEqual({ status: 'pending', attempts: 0 });
    // Asked again, it names both services and ends them.
    const again = await call(h.app, host, 'POST', `/api/host/subjects/${ledger.subject_id}/cancel`, {}, 202);
    const done = await call(h.app, host, 'POST', `/api/host/confirmations/${again.confirmationId}`, { code: await confirmationCode(h.t.db, h.t.sealer, again.confirmationId) });
    expect(done).toMatchObject({ action: 'cancel_subject', subjectCancelled: main });
    expect([...done.servicesCancelled].sort()).toEqual([`${main}-1A`, mini].sort());
  });
});

// Two server processes (two pools) over one PostgreSQL database: PGlite is one process.
if (backend() === 'postgresql') describe('races between two server processes on one PostgreSQL database', () => {
  let a: AuthTestApp; let b: Awaited<ReturnType<typeof secondServer>>; let appB: FastifyInstance;
  let host: Signed; let hostB: Signed; let provider: Signed; let zj: Signed; let zjB: Signed;
  beforeAll(async () => {
    a = await authTestApp();
    b = await secondServer(a);
    appB = b.app;
    [host, provider, zj] = await Promise.all(['host@demo.beian.test', 'provider.demo', 'zj.reviewer'].map((l) => signIn(a.app, l))) as [Signed, Signed, Signed];
    [hostB, zjB] = await Promise.all(['host@demo.beian.test', 'zj.reviewer'].map((l) => signIn(appB, l))) as [Signed, Signed];
  }, SETUP_TIMEOUT);
  afterAll(async () => { await b?.close(); await a?.close(); });

  /**
   * Holds the access records of a service locked in a third session while `first` (on A) and then
   * `second` (on B) start, so both are in flight together (the tester's way to make the race
   * certain); releases them after `holdMs`. Both responses.
   */
  async function together(serviceId: string, first: () => Promise<{ statusCode: number; body: string }>, second: () => Promise<{ statusCode: number; body: string }>, holdMs = 1500) {
    const third = new pg.Client({ connectionString: a.t.url! });
    await third.connect();
    try {
      await third.query('begin');
      await third.query('select id from access_records where service_id = $1 for update', [serviceId]);
      const p1 = first();
      await new Promise((r) => setTimeout(r, 300));
      const p2 = second();
      await new Promise((r) => setTimeout(r, holdMs));
      await third.query('commit');
      return await Promise.all([p1, p2]);
    } finally {
      await third.end();
    }
  }
  const post = (app: FastifyInstance, who: Signed, url: string, payload: object = {}) => app.inject({ method: 'POST', url, headers: who.headers, payload });

  it('two confirmations of the last two services at once, on two processes: the subject is cancelled', async () => {
    const main = '粤ICP备2024000001号';
    const mini = await requestCancel(a, host, `${main}-3X`);
    await call(a.app, host, 'POST', `/api/host/confirmations/${mini.asked.confirmationId}`, { code: mini.code });
    const site = await requestCancel(a, host, `${main}-1`);
    const app = await requestCancel(a, host, `${main}-2A`);
    const [r1, r2] = await Promise.all([
      post(a.app, host, `/api/host/confirmations/${site.asked.confirmationId}`, { code: site.code }),
      post(appB, hostB, `/api/host/confirmations/${app.asked.confirmationId}`, { code: app.code }),
    ]);
    expect([r1.statusCode, r2.statusCode], `${r1.body} ${r2.body}`).toEqual([200, 200]);
    expect([r1.json().subjectCancelled, r2.json().subjectCancelled].filter(Boolean)).toEqual([main]);
    expect(await subjectStatus(a, main)).toBe('cancelled');
    const live = await a.t.db.query(`select 1 from services s join subjects sub on sub.id = s.subject_id where sub.main_number = $1 and s.status = 'filed'`, [main]);
    expect(live).toHaveLength(0);
  });

  it('a revocation racing the approval of a change of the same service: one wins, the other is a 409, no 500', async () => {
    const main = '浙ICP备2024000001号';
    const ledger = await number(a, `${main}-1A`);
    const change = await serviceChangeAtBureau(a, host, provider, ledger.id, DEMO_PEOPLE.zhaoLei.mobile, '面向个人用户的记账与预算管理工具（竞态测试：撤销）。');
    const [revoke, approve] = await together(ledger.id,
      () => post(a.app, zj, `/api/bureau/services/${ledger.id}/revoke`, { reason: '超范围经营' }),
      () => post(appB, zjB, `/api/bureau/applications/${change}/approve`));
    expect([revoke.statusCode, approve.statusCode], `${revoke.body} ${approve.body}`).not.toContain(500);
    expect(revoke.statusCode).toBe(200);
    expect(approve.statusCode, approve.body).toBe(409);
    expect(await subjectStatus(a, main)).toBe('cancelled');
  });

  it('a host\'s confirmed subject cancellation racing the approval of a service change under it: no 500', async () => {
    const wangA = await signIn(a.app, 'wang@demo.beian.test');
    const bj = await signIn(appB, 'bj.reviewer');
    const site = await number(a, '京ICP备2025000001号-1');
    // 王小二's site is hosted by 蓝海数据: its change is reviewed there (a service change goes via its provider, DOMAIN.md §4.3).
    const idc = await signIn(a.app, 'idc.demo');
    const change = await serviceChangeAtBureau(a, wangA, idc, site.id, DEMO_PEOPLE.wangXiaoer.mobile, '个人读书笔记与学习心得分享（竞态测试：注销主体）。', '蓝海数据科技有限公司');
    const asked = await call(a.app, wangA, 'POST', `/api/host/subjects/${enc('京ICP备2025000001号')}/cancel`, {}, 202);
    const code = await confirmationCode(a.t.db, a.t.sealer, asked.confirmationId);
    const [confirm, approve] = await together(site.id,
      () => post(a.app, wangA, `/api/host/confirmations/${asked.confirmationId}`, { code }),
      () => post(appB, bj, `/api/bureau/applications/${change}/approve`));
    expect([confirm.statusCode, approve.statusCode], `${confirm.body} ${approve.body}`).not.toContain(500);
    expect(confirm.statusCode).toBe(200);
    expect(approve.statusCode, approve.body).toBe(409);
  });
});
