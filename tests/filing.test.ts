// The first filing end to end through HTTP (issue 3): an APP with two platforms, a mini
// program on a reused subject, a website; every step in the history; the number format.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from './auth.ts';
import { appMaterials, call, CLOUD, fileToProvider, MARKET, miniProgramMaterials, orgId, throughSms, websiteMaterials } from './filing.ts';

describe('first filing, end to end', () => {
  let h: AuthTestApp;
  let host: Signed; let provider: Signed; let platform: Signed; let gd: Signed;
  let cloud: string; let market: string;

  beforeAll(async () => {
    h = await authTestApp();
    h.clock.set('2026-03-02T02:00:00Z');
    [host, provider, platform, gd] = await Promise.all([
      signIn(h.app, 'host@demo.beian.test'), signIn(h.app, 'provider.demo'), signIn(h.app, 'platform.demo'), signIn(h.app, 'gd.reviewer'),
    ]);
    cloud = await orgId(h.t.db, CLOUD);
    market = await orgId(h.t.db, MARKET);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); });

  it('files an APP on Android and iOS: draft → first review → SMS → bureau → 粤ICP备2026000001号-1A', async () => {
    const id = await fileToProvider(h.app, host, { serviceType: 'app', submitterOrgId: cloud, materials: appMaterials(cloud) });
    const queue = await call(h.app, provider, 'GET', '/api/provider/applications');
    expect(queue.items.map((a: { id: string }) => a.id)).toContain(id);
    const atBureau = await throughSms(h, host, provider, id);
    expect(atBureau.receivedOn).toBe('2026-03-02');
    expect(atBureau.deadlineOn).toBe('2026-03-30'); // 20 working days after Mon 2 March 2026

    const bureauQueue = await call(h.app, gd, 'GET', '/api/bureau/applications');
    expect(bureauQueue.items[0]).toMatchObject({ id, remainingWorkingDays: 20, overdue: false });
    const approved = await call(h.app, gd, 'POST', `/api/bureau/applications/${id}/approve`);
    expect(approved.mainNumber).toBe('粤ICP备2026000001号');
    expect(approved.serviceNumber).toBe('粤ICP备2026000001号-1A');
    expect(approved.application.status).toBe('approved');

    const platforms = await h.t.db.query<{ platform: string; cert_md5: string | null; cert_sha1: string }>(
      'select platform, cert_md5, cert_sha1 from app_platforms where service_id = $1 order by platform', [approved.application.serviceId]);
    expect(platforms.map((p) => p.platform)).toEqual(['android', 'ios']);

    const history = await call(h.app, host, 'GET', `/api/host/applications/${id}/history`);
    expect(history.items.map((e: { action: string }) => e.action)).toEqual([
      'create', 'verify_identity', 'submit', 'provider_approve', 'sms_verified_one', 'sms_verify', 'bureau_approve',
    ]);
    const approval = history.items.at(-1);
    expect(approval).toMatchObject({ from: 'bureau_review', to: 'approved', actor: { role: 'bureau_reviewer', name: '广东审核员' } });
    expect(approval.requestId).toBeTruthy();
    // The bureau and the submitter read the same history; notices reached the host and the submitter.
    expect((await call(h.app, gd, 'GET', `/api/bureau/applications/${id}/history`)).items).toHaveLength(7);
    const notices = await h.t.db.query<{ event: string; user_id: string | null }>('select event, user_id from notifications where application_id = $1 order by id', [id]);
    expect(notices.filter((n) => n.user_id).map((n) => n.event)).toEqual([
      'application.submitted_to_provider', 'application.sent_to_bureau', 'application.sms_verified', 'application.approved',
    ]);
  });

  it('files a mini program on the host\'s filed subject without re-entering it: the next number -4X', async () => {
    const [s] = await h.t.db.query<{ id: string; main_number: string }>(`select id, main_number from subjects where name = '深圳市示例网络科技有限公司'`);
    const id = await fileToProvider(h.app, host, { applicationType: 'new_service', subjectId: s!.id, serviceType: 'mini_program', submitterOrgId: market, materials: miniProgramMaterials() });
    await throughSms(h, host, platform, id);
    const approved = await call(h.app, gd, 'POST', `/api/bureau/applications/${id}/approve`);
    expect(approved.mainNumber).toBe(s!.main_number);
    expect(approved.serviceNumber).toBe(`${s!.main_number}-4X`);
  });

  it('files a website: the number has no suffix', async () => {
    const id = await fileToProvider(h.app, host, { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud) });
    await throughSms(h, host, provider, id);
    const approved = await call(h.app, gd, 'POST', `/api/bureau/applications/${id}/approve`);
    expect(approved.serviceNumber).toMatch(/^粤ICP备2026\d{6}号-1$/);
  });

  it('refuses to submit while problems remain and names every field', async () => {
    const created = await call(h.app, host, 'POST', '/api/host/applications', { serviceType: 'app', submitterOrgId: cloud, materials: { service: { name: '半成品' } } }, 201);
    expect(created.status).toBe('draft');
    expect(created.problems.length).toBeGreaterThan(5);
    const res = await h.app.inject({ method: 'POST', url: `/api/host/applications/${created.id}/submit`, headers: host.headers, payload: {} });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = res.json();
    expect(body.code).toBe('materials_invalid');
    expect(body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['subject.name', 'subject.principal.mobile', 'service.description', 'service.principal.email', 'platforms', 'access']));
  });

  it('refuses a district or city that is not in GB/T 2260 (ADR 0036), naming the field', async () => {
    const materials = websiteMaterials(cloud);
    materials.subject.districtCode = '440399'; // well-formed under 深圳 440300, but no such district
    const created = await call(h.app, host, 'POST', '/api/host/applications', { serviceType: 'website', submitterOrgId: cloud, materials }, 201);
    expect(created.problems).toContainEqual(expect.objectContaining({ field: 'subject.districtCode', code: 'region_district_unknown' }));
    const res = await h.app.inject({ method: 'POST', url: `/api/host/applications/${created.id}/submit`, headers: host.headers, payload: {} });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'materials_invalid' });
    expect(res.json().errors).toContainEqual(expect.objectContaining({ field: 'subject.districtCode', code: 'region_district_unknown' }));
    expect(res.json().errors.filter((e: { field: string }) => e.field.startsWith('subject.') && e.field.endsWith('Code'))).toHaveLength(1);
    const city = await call(h.app, host, 'PUT', `/api/host/applications/${created.id}`, {
      version: created.version, materials: { ...materials, subject: { ...materials.subject, cityCode: '449900', districtCode: '449901' } },
    });
    expect(city.problems).toContainEqual(expect.objectContaining({ field: 'subject.cityCode', code: 'region_city_unknown' }));
  });

  it('replays a create retried with the same Idempotency-Key instead of creating a second application', async () => {
    const body = { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud) };
    const headers = { ...host.headers, 'idempotency-key': 'retry-test-0001' };
    const first = await h.app.inject({ method: 'POST', url: '/api/host/applications', headers, payload: body });
    const second = await h.app.inject({ method: 'POST', url: '/api/host/applications', headers, payload: body });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json().id).toBe(first.json().id);
    const other = await h.app.inject({ method: 'POST', url: '/api/host/applications', headers, payload: { ...body, serviceType: 'app' } });
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe('idempotency_key_reused');
  });
});
