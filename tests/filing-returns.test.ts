// Returns, failures and scoping (issue 3, item 11): provider return and resubmission, SMS
// exhaustion, timeout and resend limits, bureau rejection and resubmission, province
// scoping, another host's application, withdrawal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireSmsChecks } from '../src/flows/sms-check.ts';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from './auth.ts';
import { appMaterials, call, CLOUD, deliver, fileToProvider, orgId, smsCode, throughSms, websiteMaterials } from './filing.ts';

describe('returns, failures and scoping', () => {
  let h: AuthTestApp;
  let host: Signed; let other: Signed; let provider: Signed; let gd: Signed; let bj: Signed;
  let cloud: string;

  /** Sessions expire with the clock; tests that move it a day sign everyone in again. */
  const signInAll = async () => {
    [host, other, provider, gd, bj] = await Promise.all(['host@demo.beian.test', 'wang@demo.beian.test', 'provider.demo', 'gd.reviewer', 'bj.reviewer'].map((l) => signIn(h.app, l))) as [Signed, Signed, Signed, Signed, Signed];
  };

  beforeAll(async () => {
    h = await authTestApp();
    await signInAll();
    cloud = await orgId(h.t.db, CLOUD);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); });

  const smsPending = async () => {
    const id = await fileToProvider(h.app, host, { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud) });
    await call(h.app, provider, 'POST', `/api/provider/applications/${id}/approve`, {});
    await deliver(h);
    const view = await call(h.app, host, 'GET', `/api/host/applications/${id}`);
    return { id, view, check: view.smsChecks[0] as { id: string; remainingAttempts: number } };
  };

  it('provider returns with field-level reasons; the host fixes one field and resubmits without retyping', async () => {
    const id = await fileToProvider(h.app, host, { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud) });
    const reasons = [{ field: 'service.name', error: '网站名称与内容不符', suggestion: '使用能体现网站内容的名称' }];
    const bad = await h.app.inject({ method: 'POST', url: `/api/provider/applications/${id}/return`, headers: provider.headers, payload: { reasons: [] } });
    expect(bad.statusCode).toBe(400);
    const returned = await call(h.app, provider, 'POST', `/api/provider/applications/${id}/return`, { reasons });
    expect(returned).toMatchObject({ status: 'returned', reviewReasons: reasons });
    const mine = await call(h.app, host, 'GET', `/api/host/applications/${id}`);
    expect(mine.availableActions).toEqual(expect.arrayContaining(['edit', 'submit', 'withdraw']));
    const edited = await call(h.app, host, 'PUT', `/api/host/applications/${id}`, { materials: { ...mine.materials, service: { ...mine.materials.service, name: '测试科技产品介绍' } }, version: mine.version });
    expect(edited.materials.subject.name).toBe(mine.materials.subject.name);
    await call(h.app, host, 'POST', `/api/host/applications/${id}/submit`, {});
    const history = await call(h.app, host, 'GET', `/api/host/applications/${id}/history`);
    const edit = history.items.find((e: { action: string }) => e.action === 'edit');
    expect(edit.reason).toEqual({ changed: ['service.name'] });
    expect(history.items.at(-1)).toMatchObject({ action: 'submit', from: 'returned', to: 'provider_review' });
    const stale = await h.app.inject({ method: 'PUT', url: `/api/host/applications/${id}`, headers: host.headers, payload: { materials: mine.materials, version: mine.version } });
    expect(stale.statusCode).toBe(409);
  });

  it('five wrong SMS codes return the application', async () => {
    const { id, check } = await smsPending();
    for (let left = 4; left >= 1; left--) {
      const res = await h.app.inject({ method: 'POST', url: `/api/host/applications/${id}/sms/verify`, headers: host.headers, payload: { challengeId: check.id, code: '000000' } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'sms_code_incorrect', errors: [{ field: 'body.code' }], remainingAttempts: expect.any(Number) });
      expect(res.json().detail).toContain(`${left} attempt`);
    }
    const fifth = await call(h.app, host, 'POST', `/api/host/applications/${id}/sms/verify`, { challengeId: check.id, code: '000000' });
    expect(fifth.status).toBe('returned');
    expect(fifth.reviewReasons[0]).toMatchObject({ field: 'sms', error: 'sms_attempts_exhausted' });
  });

  it('an SMS check unanswered for 24 hours returns the application (fixed clock)', async () => {
    const { id } = await smsPending();
    h.clock.advance(24 * 3600 - 60);
    expect(await expireSmsChecks({ db: h.t.db, sealer: h.t.sealer, now: h.clock.now, publicUrl: 'http://x' })).toBe(0);
    h.clock.advance(60);
    expect(await expireSmsChecks({ db: h.t.db, sealer: h.t.sealer, now: h.clock.now, publicUrl: 'http://x' })).toBeGreaterThanOrEqual(1);
    await signInAll();
    const view = await call(h.app, host, 'GET', `/api/host/applications/${id}`);
    expect(view.status).toBe('returned');
    expect(view.reviewReasons[0].error).toBe('sms_check_expired');
    const history = await call(h.app, host, 'GET', `/api/host/applications/${id}/history`);
    expect(history.items.at(-1)).toMatchObject({ action: 'sms_fail', actor: { role: 'system' } });
  });

  it('resends a code at most twice, a minute apart; the old code stops working', async () => {
    const { id, view, check } = await smsPending();
    const mobile = view.materials.subject.principal.mobile as string;
    const first = await smsCode(h.t.db, h.t.sealer, mobile);
    const soon = await h.app.inject({ method: 'POST', url: `/api/host/applications/${id}/sms/resend`, headers: host.headers, payload: { challengeId: check.id } });
    expect(soon.statusCode).toBe(429);
    expect(Number(soon.headers['retry-after'])).toBeGreaterThan(0);
    // The seconds are a member of the problem too, for the Chinese text (发送过于频繁，请 N 秒后…).
    expect(soon.json().retryAfterSeconds).toBe(Number(soon.headers['retry-after']));
    for (const n of [1, 2]) {
      h.clock.advance(61);
      const r = await call(h.app, host, 'POST', `/api/host/applications/${id}/sms/resend`, { challengeId: check.id });
      expect(r.resendsLeft).toBe(2 - n);
    }
    h.clock.advance(61);
    const third = await h.app.inject({ method: 'POST', url: `/api/host/applications/${id}/sms/resend`, headers: host.headers, payload: { challengeId: check.id } });
    expect(third.statusCode).toBe(429);
    expect(third.json()).toMatchObject({ code: 'sms_resend_limit', maxResends: 2 });
    await deliver(h);
    const latest = await smsCode(h.t.db, h.t.sealer, mobile);
    if (latest !== first) {
      const old = await h.app.inject({ method: 'POST', url: `/api/host/applications/${id}/sms/verify`, headers: host.headers, payload: { challengeId: check.id, code: first } });
      expect(old.statusCode).toBe(400);
    }
    const ok = await call(h.app, host, 'POST', `/api/host/applications/${id}/sms/verify`, { challengeId: check.id, code: latest });
    expect(ok.status).toBe('bureau_review');
  });

  it('bureau rejects with reasons; the host resubmits, which re-runs first review and the SMS check', async () => {
    const id = await fileToProvider(h.app, host, { serviceType: 'app', submitterOrgId: cloud, materials: appMaterials(cloud) });
    await throughSms(h, host, provider, id);
    const rejected = await call(h.app, gd, 'POST', `/api/bureau/applications/${id}/reject`, { reasons: [{ field: 'service.description', error: '服务描述与实际业务不符', suggestion: '写明记账功能和收费方式' }] });
    expect(rejected.status).toBe('bureau_rejected');
    const mine = await call(h.app, host, 'GET', `/api/host/applications/${id}`);
    expect(mine.reviewReasons[0].field).toBe('service.description');
    await call(h.app, host, 'PUT', `/api/host/applications/${id}`, { materials: { ...mine.materials, service: { ...mine.materials.service, description: '面向个人用户的免费记账与预算管理工具，不含支付和理财功能，数据仅保存在用户账户中。' } } });
    const resubmitted = await call(h.app, host, 'POST', `/api/host/applications/${id}/submit`, {});
    expect(resubmitted.status).toBe('provider_review');
    await throughSms(h, host, provider, id);
    const approved = await call(h.app, gd, 'POST', `/api/bureau/applications/${id}/approve`);
    expect(approved.serviceNumber).toMatch(/^粤ICP备\d{10}号-1A$/);
  });

  it('refuses a reason naming a field the application does not have: the host could not correct it (return and rejection)', async () => {
    const id = await fileToProvider(h.app, host, { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud) });
    const ret = (reasons: object[]) => h.app.inject({ method: 'POST', url: `/api/provider/applications/${id}/return`, headers: provider.headers, payload: { reasons } });
    // A website has no platforms; `service.descripton` is a typo of a provider's system.
    const bad = await ret([{ field: 'service.name', error: '名称不符' }, { field: 'platforms.0.certMd5', error: '指纹不符' }, { field: 'service.descripton', error: '描述笼统' }]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'reason_field_unknown', errors: [{ field: 'body.reasons.1.field', code: 'reason_field_unknown' }, { field: 'body.reasons.2.field', code: 'reason_field_unknown' }] });
    expect((await call(h.app, host, 'GET', `/api/host/applications/${id}`)).status).toBe('provider_review');
    // A group of fields and an item of a list field are fields of the application.
    const ok = await call(h.app, provider, 'POST', `/api/provider/applications/${id}/return`, { reasons: [{ field: 'subject.principal', error: '负责人信息需核实' }, { field: 'service.domains.0', error: '域名未解析' }] });
    expect(ok.status).toBe('returned');

    const app = await fileToProvider(h.app, host, { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud) });
    await throughSms(h, host, provider, app);
    const rejected = await h.app.inject({ method: 'POST', url: `/api/bureau/applications/${app}/reject`, headers: gd.headers, payload: { reasons: [{ field: 'app.name', error: '名称含有限制词' }] } });
    expect(rejected.statusCode).toBe(400);
    expect(rejected.json()).toMatchObject({ code: 'reason_field_unknown', errors: [{ field: 'body.reasons.0.field' }] });
    expect((await call(h.app, gd, 'GET', `/api/bureau/applications/${app}`)).status).toBe('bureau_review');
  });

  it("scopes bureaus to their province and hosts to their own applications (404, not 403)", async () => {
    const id = await fileToProvider(h.app, host, { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud) });
    await throughSms(h, host, provider, id);
    for (const url of [`/api/bureau/applications/${id}`, `/api/bureau/applications/${id}/history`]) {
      const res = await h.app.inject({ method: 'GET', url, headers: bj.headers });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('application_not_found');
    }
    const approve = await h.app.inject({ method: 'POST', url: `/api/bureau/applications/${id}/approve`, headers: bj.headers });
    expect(approve.statusCode).toBe(404);
    expect((await call(h.app, bj, 'GET', '/api/bureau/applications')).items.map((a: { id: string }) => a.id)).not.toContain(id);
    const stranger = await h.app.inject({ method: 'GET', url: `/api/host/applications/${id}`, headers: other.headers });
    expect(stranger.statusCode).toBe(404);
    const asHost = await h.app.inject({ method: 'POST', url: `/api/bureau/applications/${id}/approve`, headers: host.headers });
    expect(asHost.statusCode).toBe(403);
  });

  it('withdraws before the bureau has it, not after', async () => {
    const id = await fileToProvider(h.app, host, { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud) });
    expect((await call(h.app, host, 'POST', `/api/host/applications/${id}/withdraw`)).status).toBe('withdrawn');
    const { id: atBureau } = await smsPending();
    const late = await h.app.inject({ method: 'POST', url: `/api/host/applications/${atBureau}/withdraw`, headers: host.headers });
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('application_status_conflict');
  });

  it('refuses to submit a package that already has an active filing', async () => {
    const created = await call(h.app, host, 'POST', '/api/host/applications', { serviceType: 'app', submitterOrgId: cloud, materials: appMaterials(cloud, 'a2dp.Vol') }, 201);
    await call(h.app, host, 'POST', `/api/host/applications/${created.id}/identity-verification`);
    const res = await h.app.inject({ method: 'POST', url: `/api/host/applications/${created.id}/submit`, headers: host.headers, payload: {} });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'platforms.0.packageName', code: 'package_already_filed' })]));
  });

  it('approves materials that leave out the optional lists (pre-approvals, SDKs)', async () => {
    const materials = websiteMaterials(cloud) as { service: Record<string, unknown> };
    delete materials.service.preApprovals;
    delete materials.service.sdks;
    const id = await fileToProvider(h.app, host, { serviceType: 'website', submitterOrgId: cloud, materials });
    await throughSms(h, host, provider, id);
    const approved = await call(h.app, gd, 'POST', `/api/bureau/applications/${id}/approve`);
    const [svc] = await h.t.db.query<{ pre_approvals: unknown[]; sdks: unknown[] }>('select pre_approvals, sdks from services where service_number = $1', [approved.serviceNumber]);
    expect(svc).toEqual({ pre_approvals: [], sdks: [] });
  });

  it('answers malformed input with a 400 naming the field', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/host/applications', headers: host.headers, payload: { serviceType: 'spaceship', materials: { service: { name: 7 } } } });
    expect(res.statusCode).toBe(400);
    const fields = res.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.serviceType', 'body.materials.service.name']));
    const notUuid = await h.app.inject({ method: 'GET', url: '/api/host/applications/not-a-uuid', headers: host.headers });
    expect(notUuid.statusCode).toBe(400);
  });
});
