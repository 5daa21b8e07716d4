// A filed record's life after the number (issue 13 items 4–8) through HTTP: cancellation
// confirmed by the principal's SMS code, cancelling access (provider directly, host by code),
// shells, the bureau's cleanup notice — one shell cleaned up, one rescued in time — and what
// the public record, the notices and verification answer at each step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from '../../../tests/auth.ts';
import { call, confirmationCode } from '../../../tests/filing.ts';
import { KEY, serviceId, verify } from '../../../tests/verify.ts';
import { A2DP_CERT } from '../../db/seed/demo.ts';
import { clearShell } from '../../flows/clean-up-shells.ts';
import { expectPublicEventsCurrent } from '../../../tests/public-events.ts';

const enc = encodeURIComponent;
const LEDGER_FP = '0123456789abcdef0123456789abcdef';

describe('a filed record\'s life', () => {
  let a: AuthTestApp;
  let host: Signed; let wang: Signed; let provider: Signed; let platform: Signed; let gd: Signed; let zj: Signed;
  const post = (who: Signed | { headers: Record<string, string> }, url: string, payload: object = {}) => a.app.inject({ method: 'POST', url, headers: who.headers, payload });
  const record = async (n: string) => (await a.app.inject({ method: 'GET', url: `/api/public/v1/services/${enc(n)}` })).json();
  const number = async (id: string) => (await a.t.db.query<{ service_number: string }>('select service_number from services where id = $1', [id]))[0]!.service_number;
  const flowCtx = () => ({ db: a.t.db, sealer: a.t.sealer, now: a.clock.now, publicUrl: 'http://localhost' });

  /** Sessions expire on the clock: sign everyone in again after moving it. */
  const at = async (iso: string) => {
    a.clock.set(iso);
    const s = await Promise.all(['host@demo.beian.test', 'wang@demo.beian.test', 'provider.demo', 'platform.demo', 'gd.reviewer', 'zj.reviewer'].map((l) => signIn(a.app, l)));
    [host, wang, provider, platform, gd, zj] = s as [Signed, Signed, Signed, Signed, Signed, Signed];
  };

  beforeAll(async () => {
    a = await authTestApp();
    await at('2026-03-02T02:00:00Z');
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('cancelling a service: 202 with a masked mobile; refusals; wrong codes count; the code makes it take effect', async () => {
    const site = (await a.t.db.query<{ id: string }>(`select id from services where service_number = '粤ICP备2024000001号-1'`))[0]!.id;
    expect((await post(provider, `/api/host/services/${site}/cancel`)).statusCode).toBe(403);
    expect((await post(wang, `/api/host/services/${site}/cancel`)).statusCode).toBe(404);
    const long = await post(host, `/api/host/services/${site}/cancel`, { reason: 'x'.repeat(501) });
    expect(long.statusCode).toBe(400);
    expect(long.json().errors[0].field).toBe('body.reason');
    const asked = await post(host, `/api/host/services/${site}/cancel`, { reason: '网站不再运营' });
    expect(asked.statusCode).toBe(202);
    expect(asked.json()).toMatchObject({ cancels: 'service', sentTo: '138****8001', service: { serviceNumber: '粤ICP备2024000001号-1' } });
    const id = asked.json().confirmationId as string;
    // Another host cannot enter it; a malformed code names the field; a wrong one counts.
    expect((await post(wang, `/api/host/confirmations/${id}`, { code: '123456' })).statusCode).toBe(404);
    const malformed = await post(host, `/api/host/confirmations/${id}`, { code: '12ab' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors[0].field).toBe('body.code');
    const code = await confirmationCode(a.t.db, a.t.sealer, id);
    const wrong = code === '000000' ? '000001' : '000000';
    const w = await post(host, `/api/host/confirmations/${id}`, { code: wrong });
    expect(w.statusCode).toBe(400);
    // How many tries are left is a member of the problem (the Chinese page says 还剩 4 次机会 from it), not only English prose.
    expect(w.json()).toMatchObject({ code: 'sms_code_incorrect', errors: [{ field: 'body.code' }], remainingAttempts: 4 });
    expect((await record('粤ICP备2024000001号-1')).status).toBe('filed'); // nothing happened yet
    const ok = await call(a.app, host, 'POST', `/api/host/confirmations/${id}`, { code });
    expect(ok).toMatchObject({ status: 'confirmed', action: 'cancel_service', servicesCancelled: ['粤ICP备2024000001号-1'], subjectCancelled: null });
    expect((await post(host, `/api/host/confirmations/${id}`, { code })).json().code).toBe('confirmation_not_pending');
    const r = await record('粤ICP备2024000001号-1');
    expect(r).toMatchObject({ status: 'cancelled', snippets: null, shellSince: null });
    expect(r.events).toEqual([{ type: 'filed', on: '2024-05-20', logIndex: null }, { type: 'cancelled', on: '2026-03-02', logIndex: null }]);
    // Cancelled is final.
    expect((await post(host, `/api/host/services/${site}/cancel`)).json().code).toBe('service_status_conflict');
  });

  it('five wrong codes void the request; 24 hours do too', async () => {
    const asked = await call(a.app, host, 'POST', `/api/host/subjects/${enc('浙ICP备2024000001号')}/cancel`, {}, 202);
    const code = await confirmationCode(a.t.db, a.t.sealer, asked.confirmationId);
    const wrong = code === '000000' ? '000001' : '000000';
    for (let i = 0; i < 4; i++) expect((await post(host, `/api/host/confirmations/${asked.confirmationId}`, { code: wrong })).statusCode).toBe(400);
    const fifth = await post(host, `/api/host/confirmations/${asked.confirmationId}`, { code: wrong });
    expect(fifth.statusCode).toBe(409);
    expect(fifth.json().code).toBe('confirmation_exhausted');
    expect((await post(host, `/api/host/confirmations/${asked.confirmationId}`, { code })).json().code).toBe('confirmation_not_pending');
    const again = await call(a.app, host, 'POST', `/api/host/subjects/${enc('浙ICP备2024000001号')}/cancel`, {}, 202);
    await at('2026-03-03T02:00:01Z');
    const late = await post(host, `/api/host/confirmations/${again.confirmationId}`, { code: await confirmationCode(a.t.db, a.t.sealer, again.confirmationId) });
    expect(late.json().code).toBe('confirmation_expired');
    await at('2026-03-02T02:00:00Z');
    const [s] = await a.t.db.query<{ status: string }>(`select status from subjects where main_number = '浙ICP备2024000001号'`);
    expect(s!.status).toBe('filed');
  });

  it('a provider cancels its own access: the APP becomes a shell; host and bureau are told; verification and the record say so', async () => {
    const a2dp = await serviceId(a.t.db, 'a2dp.Vol');
    expect((await post(host, `/api/provider/services/${a2dp}/access/cancel`, { reason: '合同到期' })).statusCode).toBe(403);
    // A distribution platform gives no access (接入), so it has no access records to list or cancel: refused
    // as such (403 naming why), not an empty list that looks like "none yet" nor a 404 as if the service were unknown.
    for (const res of [await post(platform, `/api/provider/services/${a2dp}/access/cancel`, { reason: '合同到期' }),
      await a.app.inject({ method: 'GET', url: '/api/provider/services', headers: platform.headers })]) {
      expect([res.statusCode, res.headers['content-type']]).toEqual([403, expect.stringMatching(/^application\/problem\+json/)]);
      expect(res.json()).toMatchObject({ code: 'not_an_access_provider', detail: expect.stringMatching(/access provider/) });
    }
    const blank = await post(provider, `/api/provider/services/${a2dp}/access/cancel`, { reason: ' ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().errors[0].field).toBe('body.reason');
    const listed = await call(a.app, provider, 'GET', '/api/provider/services');
    expect(listed.items.find((i: { serviceId: string }) => i.serviceId === a2dp)).toMatchObject({ otherActiveAccess: 0, serviceNumber: '粤ICP备2024000001号-2A' });
    const r = await call(a.app, provider, 'POST', `/api/provider/services/${a2dp}/access/cancel`, { reason: '合同到期' });
    expect(r).toMatchObject({ serviceNumber: '粤ICP备2024000001号-2A', shell: true, shellSince: '2026-03-02', shellSinceAt: '2026-03-02T02:00:00.000Z', cancellableAfter: '2026-04-08T02:00:00.000Z' });
    expect((await post(provider, `/api/provider/services/${a2dp}/access/cancel`, { reason: '合同到期' })).statusCode).toBe(404); // nothing left of its own
    const v = await verify(a.app, [{ platform: 'android', packageName: 'a2dp.Vol', fingerprint: A2DP_CERT.md5 }], KEY);
    expect(v.json().results[0]).toMatchObject({ status: 'shell', shellSince: '2026-03-02' });
    const byNumber = await a.app.inject({ method: 'GET', url: `/api/verify/v1/numbers/${enc('粤ICP备2024000001号-2A')}`, headers: KEY });
    expect(byNumber.json().service).toMatchObject({ status: 'filed', shellSince: '2026-03-02' }); // the China date, as the public record gives it
    const rec = await record('粤ICP备2024000001号-2A');
    expect(rec).toMatchObject({ status: 'filed', shellSince: '2026-03-02' });
    expect(rec.events.map((e: { type: string }) => e.type)).toEqual(['filed', 'access_cancelled', 'shell']);
    expect(JSON.stringify(rec.events)).not.toMatch(/合同|reason|provider/);
    const notes = await a.t.db.query<{ event: string; user_id: string | null; organisation_id: string | null }>(`select event, user_id, organisation_id from notifications where event = 'service.shell'`);
    expect(notes.map((n) => (n.user_id ? 'host' : 'bureau')).sort()).toEqual(['bureau', 'host']);
    // The host's list shows the shell, the fix and the date.
    const mine = await call(a.app, host, 'GET', '/api/host/records');
    const svc = mine.items.flatMap((s: { services: unknown[] }) => s.services).find((s: { id: string }) => s.id === a2dp);
    expect(svc).toMatchObject({ state: 'shell', actions: ['change', 'add_access', 'cancel'], links: { addAccess: `/host/services/${a2dp}/add-access` }, cancellableAfter: '2026-04-08T02:00:00.000Z' });
    // Every console gives shellSince as the verification API does: the China date (the moment as shellSinceAt).
    expect(svc).toMatchObject({ shellSince: '2026-03-02', shellSinceAt: '2026-03-02T02:00:00.000Z' });
    const services = await call(a.app, host, 'GET', '/api/host/services');
    expect(services.items.find((i: { id: string }) => i.id === a2dp)).toMatchObject({ shellSince: '2026-03-02', shellSinceAt: '2026-03-02T02:00:00.000Z' });
  });

  it('the host cancels access by code; a mini program has none and never becomes a shell', async () => {
    const ledger = await serviceId(a.t.db, 'com.example.ledger');
    const [acc] = await a.t.db.query<{ id: string }>('select id from access_records where service_id = $1 and active', [ledger]);
    expect((await post(wang, `/api/host/services/${ledger}/access/${acc!.id}/cancel`)).statusCode).toBe(404);
    expect((await post(host, `/api/host/services/${ledger}/access/00000000-0000-0000-0000-000000000000/cancel`)).statusCode).toBe(404);
    // Not a UUID: no such record. A NUL in it (found by the fuzz test: the query failed on it, a 500): text no field takes, named.
    expect((await post(host, `/api/host/services/${ledger}/access/not-an-id/cancel`)).statusCode).toBe(404);
    const nul = await post(host, `/api/host/services/${ledger}/access/%00%0C%0F/cancel`);
    expect(nul.statusCode).toBe(400);
    expect(nul.json().errors[0]).toMatchObject({ field: expect.stringMatching(/^params\./), code: 'control_character' });
    const asked = await call(a.app, host, 'POST', `/api/host/services/${ledger}/access/${acc!.id}/cancel`, { reason: '迁移' }, 202);
    expect(asked).toMatchObject({ lastAccess: true, accessRecordId: acc!.id });
    const ok = await call(a.app, host, 'POST', `/api/host/confirmations/${asked.confirmationId}`, { code: await confirmationCode(a.t.db, a.t.sealer, asked.confirmationId) });
    expect(ok).toMatchObject({ action: 'cancel_access', access: { shell: true, shellSince: '2026-03-02', shellSinceAt: '2026-03-02T02:00:00.000Z' } });
    const mini = (await a.t.db.query<{ id: string }>(`select id from services where service_type = 'mini_program' limit 1`))[0]!.id;
    const mine = await call(a.app, host, 'GET', '/api/host/records');
    const m = mine.items.flatMap((s: { services: unknown[] }) => s.services).find((s: { id: string }) => s.id === mini);
    expect(m).toMatchObject({ hasAccessSection: false, actions: ['change', 'cancel'], state: 'filed' });
  });

  it('the bureau lists its shells, publishes a notice after the grace period; one shell is rescued in time, the other cleaned up', async () => {
    const a2dp = await serviceId(a.t.db, 'a2dp.Vol');
    // Its own province only, oldest first.
    expect((await call(a.app, zj, 'GET', '/api/bureau/shells')).items.map((s: { serviceNumber: string }) => s.serviceNumber)).toEqual(['浙ICP备2024000001号-1A']);
    const shells = (await call(a.app, gd, 'GET', '/api/bureau/shells')).items;
    expect(shells).toEqual([expect.objectContaining({ serviceId: a2dp, shellSince: '2026-03-02', shellSinceAt: '2026-03-02T02:00:00.000Z', listableFrom: '2026-04-01T02:00:00.000Z', listable: false, notice: null })]);
    expect((await post(host, '/api/bureau/notices', { serviceIds: [a2dp] })).statusCode).toBe(403);
    const empty = await post(gd, '/api/bureau/notices', { serviceIds: [] });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors[0].field).toBe('body.serviceIds');
    const early = await post(gd, '/api/bureau/notices', { serviceIds: [a2dp] });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'shell_grace_period', errors: [{ field: 'body.serviceIds.0' }] });
    const ledger = await serviceId(a.t.db, 'com.example.ledger');
    expect((await post(gd, '/api/bureau/notices', { serviceIds: [ledger] })).json().errors[0]).toMatchObject({ field: 'body.serviceIds.0', code: 'service_not_found' }); // another province
    await at('2026-04-02T02:00:00Z');
    // Listable by the server's clock (the console no longer judges it by the browser's).
    expect((await call(a.app, gd, 'GET', '/api/bureau/shells')).items[0]).toMatchObject({ serviceId: a2dp, listable: true });
    const notice = await call(a.app, gd, 'POST', '/api/bureau/notices', { serviceIds: [a2dp] }, 201);
    /** The host's view of the A2DP shell's notice (我的备案). */
    const hostNotice = async () => (await call(a.app, host, 'GET', '/api/host/records')).items.flatMap((x: { services: { id: string }[] }) => x.services)
      .find((x: { id: string }) => x.id === a2dp).notice;
    expect(notice).toMatchObject({ endsAt: '2026-04-09T02:00:00.000Z', services: ['粤ICP备2024000001号-2A'] });
    // The host is told when the publicity ends in China time, to the minute (a notice published before 08:00 in
    // Beijing ends on the China date after the UTC one: src/domain/china-time.test.ts).
    const [told] = await a.t.db.query<{ body: string }>(`select body from notifications where event = 'service.cleanup_listed' and body like '%粤ICP备2024000001号-2A%'`);
    expect(told!.body).toContain('公示期至 2026-04-09 10:00（北京时间）');
    // The bureau's lists read the notice's phase from the clock, as the public notices do: under publicity now.
    expect((await call(a.app, gd, 'GET', '/api/bureau/shells')).items[0]).toMatchObject({ listable: false, notice: { id: notice.id, phase: 'publicity' } });
    expect(await hostNotice()).toMatchObject({ id: notice.id, phase: 'publicity' });
    expect((await call(a.app, gd, 'GET', '/api/bureau/notices')).items[0]).toMatchObject({ id: notice.id, status: 'publicised', phase: 'publicity' });
    const zjNotice = await call(a.app, zj, 'POST', '/api/bureau/notices', { serviceIds: [ledger], publicityDays: 10, title: '浙江空壳清理公告' }, 201);
    expect((await post(gd, '/api/bureau/notices', { serviceIds: [a2dp] })).json().code).toBe('shell_already_listed');
    const pub = (await a.app.inject({ method: 'GET', url: '/api/public/v1/notices' })).json();
    expect(pub.items.map((n: { title: string }) => n.title)).toHaveLength(2);
    expect(pub.items.find((n: { id: string }) => n.id === notice.id).services).toEqual([{ serviceNumber: '粤ICP备2024000001号-2A', serviceName: 'A2DP Volume', serviceType: 'app', hostName: '深圳市示例网络科技有限公司', outcome: 'listed' }]);
    const bad = await a.app.inject({ method: 'GET', url: '/api/public/v1/notices?province=44' });
    expect(bad.statusCode).toBe(400);
    // Too early to carry out; another province's notice is not found.
    expect((await post(gd, `/api/bureau/notices/${notice.id}/execute`)).json().code).toBe('publicity_not_over');
    expect((await post(gd, `/api/bureau/notices/${zjNotice.id}/execute`)).statusCode).toBe(404);
    // The ledger adds access in time (the add_access approval calls clearShell): it drops out of the notice.
    const [cloud] = await a.t.db.query<{ id: string }>(`select id from organisations where name = '示例云计算有限公司'`);
    await a.t.db.transaction(async (tx) => {
      await tx.query(`insert into access_records (service_id, provider_org_id, access_method, server_location) values ($1, $2, 'cloud', '浙江省杭州市')`, [ledger, cloud!.id]);
      expect(await clearShell(flowCtx(), tx, ledger)).toBe(true);
    });
    expect((await record('浙ICP备2024000001号-1A')).shellSince).toBeNull();
    const zjPub = (await a.app.inject({ method: 'GET', url: '/api/public/v1/notices?province=330000' })).json();
    expect(zjPub.items[0].services).toEqual([]);
    // After the period: the A2DP shell still has no access and is cleaned up, the notice its reason.
    await at('2026-04-09T02:00:01Z');
    // The period is over, the bureau has not acted: its lists (and the ministry's) no longer say 公示中.
    expect((await call(a.app, gd, 'GET', '/api/bureau/shells')).items[0].notice).toMatchObject({ id: notice.id, phase: 'publicity_ended' });
    expect(await hostNotice()).toMatchObject({ id: notice.id, phase: 'publicity_ended' });
    expect((await call(a.app, await signIn(a.app, 'admin'), 'GET', '/api/bureau/shells?province=440000')).items[0].notice).toMatchObject({ id: notice.id, phase: 'publicity_ended' });
    expect((await call(a.app, gd, 'GET', '/api/bureau/notices')).items[0]).toMatchObject({ id: notice.id, status: 'publicised', phase: 'publicity_ended' });
    const done = await call(a.app, gd, 'POST', `/api/bureau/notices/${notice.id}/execute`);
    expect(done).toEqual({ noticeId: notice.id, cleaned: ['粤ICP备2024000001号-2A'], rescued: [], dropped: [] });
    expect((await post(gd, `/api/bureau/notices/${notice.id}/execute`)).json().code).toBe('notice_already_executed');
    expect((await call(a.app, gd, 'GET', '/api/bureau/notices')).items[0]).toMatchObject({ id: notice.id, status: 'executed', phase: 'executed' });
    const [h] = await a.t.db.query<{ action: string; to_status: string; reason: { noticeId: string } }>(
      `select action, to_status, reason from history where entity_type = 'service' and entity_id = $1 and action = 'clean_up'`, [a2dp]);
    expect(h).toMatchObject({ to_status: 'cancelled', reason: { noticeId: notice.id } });
    const rec = await record(await number(a2dp));
    expect(rec).toMatchObject({ status: 'cancelled', shellSince: null });
    expect(rec.events.map((e: { type: string }) => e.type)).toEqual(['filed', 'access_cancelled', 'shell', 'cancelled']);
    expect((await verify(a.app, [{ platform: 'android', packageName: 'a2dp.Vol', fingerprint: A2DP_CERT.md5 }], KEY)).json().results[0].status).toBe('cancelled');
    expect((await a.app.inject({ method: 'GET', url: '/api/public/v1/notices?province=440000' })).json().items[0]).toMatchObject({ status: 'executed', services: [{ outcome: 'cleaned' }] });
    // The rescued ledger answers filed again; the zj notice finds nothing to clean (access re-checked at execution).
    expect((await verify(a.app, [{ platform: 'android', packageName: 'com.example.ledger', fingerprint: LEDGER_FP }], KEY)).json().results[0].status).toBe('filed');
    await at('2026-04-12T02:00:01Z');
    expect(await call(a.app, zj, 'POST', `/api/bureau/notices/${zjNotice.id}/execute`)).toMatchObject({ cleaned: [], rescued: [] });
  });

  it('a shell whose access came back by another path is rescued at execution time, not cancelled', async () => {
    const site = (await a.t.db.query<{ id: string }>(`select id from services where service_number = '京ICP备2025000001号-1'`))[0]!.id;
    await at('2026-01-01T02:00:00Z');
    const idcStaff = await a.t.db.query<{ id: string }>(`select provider_org_id as id from access_records where service_id = $1 and active`, [site]);
    expect(idcStaff).toHaveLength(1);
    // Wang cancels his only access by code: a shell.
    const asked = await call(a.app, wang, 'POST', `/api/host/services/${site}/access/${(await a.t.db.query<{ id: string }>('select id from access_records where service_id = $1 and active', [site]))[0]!.id}/cancel`, {}, 202);
    await call(a.app, wang, 'POST', `/api/host/confirmations/${asked.confirmationId}`, { code: await confirmationCode(a.t.db, a.t.sealer, asked.confirmationId) });
    await at('2026-04-12T02:00:00Z');
    const bj = await signIn(a.app, 'bj.reviewer');
    const notice = await call(a.app, bj, 'POST', '/api/bureau/notices', { serviceIds: [site] }, 201);
    await a.t.db.query(`insert into access_records (service_id, provider_org_id, access_method, server_location) values ($1, $2, 'virtual_host', '北京市')`, [site, idcStaff[0]!.id]);
    await at('2026-04-20T02:00:00Z');
    const done = await call(a.app, await signIn(a.app, 'bj.reviewer'), 'POST', `/api/bureau/notices/${notice.id}/execute`);
    expect(done).toMatchObject({ cleaned: [], rescued: ['京ICP备2025000001号-1'] });
    expect((await record('京ICP备2025000001号-1'))).toMatchObject({ status: 'filed', shellSince: null });
  });

  it('cancelling a subject cancels every live service under it in one transaction', async () => {
    await at('2026-04-21T02:00:00Z');
    const asked = await call(a.app, host, 'POST', `/api/host/subjects/${enc('粤ICP备2024000001号')}/cancel`, { reason: '公司注销' }, 202);
    expect(asked).toMatchObject({ cancels: 'subject', service: null, subject: { mainNumber: '粤ICP备2024000001号' } });
    const ok = await call(a.app, host, 'POST', `/api/host/confirmations/${asked.confirmationId}`, { code: await confirmationCode(a.t.db, a.t.sealer, asked.confirmationId) });
    expect(ok).toMatchObject({ action: 'cancel_subject', subjectCancelled: '粤ICP备2024000001号' });
    const left = await a.t.db.query<{ status: string }>(`select s.status from services s join subjects sub on sub.id = s.subject_id where sub.main_number = '粤ICP备2024000001号'`);
    expect(left.every((s) => s.status !== 'filed')).toBe(true);
    expect((await post(host, `/api/host/subjects/${enc('粤ICP备2024000001号')}/cancel`)).json().code).toBe('subject_status_conflict');
    expect((await post(wang, `/api/host/subjects/${enc('粤ICP备2024000001号')}/cancel`)).statusCode).toBe(404);
    expect((await post(gd, `/api/host/subjects/${enc('粤ICP备2024000001号')}/cancel`)).statusCode).toBe(403);
  });

  it('cancelling the last live service asks for the subject\'s cancellation instead', async () => {
    // The 杭州 subject: the ledger is its only live service (the mini game is revoked).
    const ledger = await serviceId(a.t.db, 'com.example.ledger');
    const asked = await call(a.app, host, 'POST', `/api/host/services/${ledger}/cancel`, {}, 202);
    expect(asked).toMatchObject({ cancels: 'subject', subject: { mainNumber: '浙ICP备2024000001号' }, service: { id: ledger } });
    expect(asked.message).toMatch(/last live service/);
  });

  it('a shell whose new access filing is under review when the notice runs out is spared: off the notice, still a shell', async () => {
    const site = (await a.t.db.query<{ id: string }>(`select id from services where service_number = '京ICP备2025000001号-1'`))[0]!.id;
    await at('2026-05-01T02:00:00Z');
    const [acc] = await a.t.db.query<{ id: string }>('select id from access_records where service_id = $1 and active', [site]);
    const asked = await call(a.app, wang, 'POST', `/api/host/services/${site}/access/${acc!.id}/cancel`, {}, 202);
    await call(a.app, wang, 'POST', `/api/host/confirmations/${asked.confirmationId}`, { code: await confirmationCode(a.t.db, a.t.sealer, asked.confirmationId) });
    await at('2026-06-02T02:00:00Z');
    const bj = await signIn(a.app, 'bj.reviewer');
    const notice = await call(a.app, bj, 'POST', '/api/bureau/notices', { serviceIds: [site] }, 201);
    // Wang files new access with 示例云 during the publicity period; its first review is pending.
    const [cloud] = await a.t.db.query<{ id: string }>(`select id from organisations where name = '示例云计算有限公司'`);
    const body = await call(a.app, wang, 'GET', `/api/host/services/${site}/materials`);
    body.applicationType = 'add_access';
    body.materials.access = [{ providerOrgId: cloud!.id, accessMethod: 'cloud', serverLocation: '北京市', ips: ['198.51.100.23'], domains: ['xiaoer-notes.cn'] }];
    const draft = await call(a.app, wang, 'POST', '/api/host/applications', { ...body, submitterOrgId: cloud!.id }, 201);
    expect((await call(a.app, wang, 'POST', `/api/host/applications/${draft.id}/submit`, { submitterOrgId: cloud!.id })).status).toBe('provider_review');
    await at('2026-06-09T02:00:01Z');
    const done = await call(a.app, await signIn(a.app, 'bj.reviewer'), 'POST', `/api/bureau/notices/${notice.id}/execute`);
    expect(done).toMatchObject({ cleaned: [], rescued: [], dropped: ['京ICP备2025000001号-1'] });
    expect(await record('京ICP备2025000001号-1')).toMatchObject({ status: 'filed', shellSince: '2026-05-01' });
    expect((await call(a.app, wang, 'GET', `/api/host/applications/${draft.id}`)).status).toBe('provider_review');
    const [h] = await a.t.db.query<{ action: string; reason: { addAccessApplication: string } }>(
      `select action, reason from history where entity_type = 'service' and entity_id = $1 order by id desc limit 1`, [site]);
    expect(h).toMatchObject({ action: 'cleanup_spared', reason: { addAccessApplication: draft.id } });
  });

  it('keeps the stored public events of every record what history says, after cancellations, access cancelled, shells and cleanups (migration 0029)', async () => {
    await expectPublicEventsCurrent(a.t.db);
  });
});
