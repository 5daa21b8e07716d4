// The bureau's search and record view (review issue items 1, 2, 4, 5): a 广东 reviewer finds the
// demo's A2DP Volume by its certificate fingerprint in every printed form, by the company's USCC
// and by a principal's ID number (logged), never another province's; the record page carries
// fingerprints, public key, principals (masked unless revealed, logged), access providers,
// applications and history; a follow-up application names its subject; the queue names kinds,
// subjects and, once decided, the number, time and reviewer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from '../../../tests/auth.ts';
import { call, fileToProvider, MARKET, miniProgramMaterials, orgId, throughSms } from '../../../tests/filing.ts';
import { A2DP_CERT, DEMO_PEOPLE } from '../../db/seed/demo.ts';
import { classifyBureauQuery } from '../../domain/bureau-query.ts';

const colons = (hex: string) => hex.toUpperCase().match(/../g)!.join(':');

describe('bureau query kinds', () => {
  it('reads fingerprints in any printed form, USCCs and ID numbers as certificates, numbers, and text', () => {
    expect(classifyBureauQuery(colons(A2DP_CERT.md5))).toEqual({ kind: 'fingerprint', algorithm: 'md5', hex: A2DP_CERT.md5 });
    expect(classifyBureauQuery(` ${A2DP_CERT.sha1.toUpperCase()} `)).toMatchObject({ kind: 'fingerprint', algorithm: 'sha1' });
    expect(classifyBureauQuery(A2DP_CERT.sha256.match(/../g)!.join(' '))).toMatchObject({ kind: 'fingerprint', algorithm: 'sha256', hex: A2DP_CERT.sha256 });
    expect(classifyBureauQuery('91440300MA5DEM0X1A')).toMatchObject({ kind: 'certificate' });
    expect(classifyBureauQuery('44030519850312003x')).toEqual({ kind: 'certificate', values: ['44030519850312003X', '44030519850312003x'] });
    expect(classifyBureauQuery('粤ICP备2024000001号-2A')).toEqual({ kind: 'number', value: '粤ICP备2024000001号-2A' });
    expect(classifyBureauQuery('a2dp.Vol')).toEqual({ kind: 'text', value: 'a2dp.Vol' });
    expect(classifyBureauQuery('  ')).toBeNull();
  });
});

describe('bureau records', () => {
  let a: AuthTestApp;
  let gd: Signed;
  beforeAll(async () => { a = await authTestApp(); gd = await signIn(a.app, 'gd.reviewer'); }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  const search = async (who: Signed, q: string) => call(a.app, who, 'GET', `/api/bureau/records?q=${encodeURIComponent(q)}`);
  const accesses = async () => (await a.t.db.query<{ n: number }>('select count(*)::int as n from personal_data_access'))[0]!.n;
  // The rows logged since `before` (the test clock stops time, so `at` does not order them, nor do their random ids).
  interface Access { id: string; record_type: string; record_id: string; purpose: string; fields: string[]; actor_role: string }
  const accessIds = async () => new Set((await a.t.db.query<{ id: string }>('select id from personal_data_access')).map((r) => r.id));
  const accessesSince = async (before: Set<string>) => (await a.t.db.query<Access>('select id, record_type, record_id, purpose, fields, actor_role from personal_data_access'))
    .filter((r) => !before.has(r.id));

  it('finds a filing by its certificate fingerprint (MD5 / SHA-1 / SHA-256, colons or not, any case) in the own province only', async () => {
    for (const q of [colons(A2DP_CERT.md5), A2DP_CERT.md5, A2DP_CERT.sha1.toUpperCase(), colons(A2DP_CERT.sha1), A2DP_CERT.sha256, colons(A2DP_CERT.sha256).toLowerCase()]) {
      const r = await search(gd, q);
      expect([q, r.query, r.items.map((i: { serviceName: string; matchedBy: string; packageName: string }) => [i.serviceName, i.matchedBy, i.packageName])])
        .toEqual([q, 'fingerprint', [['A2DP Volume', 'fingerprint', 'a2dp.Vol']]]);
    }
    const zj = await signIn(a.app, 'zj.reviewer');
    expect((await search(zj, A2DP_CERT.md5)).items).toEqual([]);
    // The revoked game of 浙江: an inactive platform's certificate still finds it (a copycat check).
    expect((await search(zj, 'aa:AA:aa:AA:aa:AA:aa:AA:aa:AA:aa:AA:aa:AA:aa:AA')).items.map((i: { serviceName: string; status: string }) => [i.serviceName, i.status])).toEqual([['示例小游戏', 'revoked']]);
  });

  it('finds by USCC (no access logged: a unit\'s code is public) and by a principal\'s ID number (logged)', async () => {
    const [s] = await a.t.db.query<{ certificate_number: string }>(`select certificate_number from subjects where name = '深圳市示例网络科技有限公司'`);
    const before = await accesses();
    const byUscc = await search(gd, s!.certificate_number.toLowerCase());
    expect(byUscc.items.map((i: { serviceName: string; matchedBy: string }) => [i.serviceName, i.matchedBy]))
      .toEqual([['示例科技官网', 'subject_certificate'], ['A2DP Volume', 'subject_certificate'], ['示例小助手', 'subject_certificate']]);
    expect(await accesses()).toBe(before);
    // 陈静 is the A2DP Volume's and the mini program's person in charge.
    const idsBefore = await accessIds();
    const byId = await search(gd, DEMO_PEOPLE.chenJing.certificateNumber);
    expect(byId.items.map((i: { serviceName: string; matchedBy: string }) => [i.serviceName, i.matchedBy])).toEqual([['A2DP Volume', 'principal_certificate'], ['示例小助手', 'principal_certificate']]);
    expect(await accesses()).toBe(before + 1);
    expect((await accessesSince(idsBefore)).map((r) => ({ record_type: r.record_type, purpose: r.purpose, fields: r.fields, actor_role: r.actor_role })))
      .toEqual([{ record_type: 'subject', purpose: 'bureau_review', fields: ['certificateNumber'], actor_role: 'bureau_reviewer' }]);
    // An ID number of another province's subject: nothing found here, and the lookup is still logged.
    expect((await search(gd, DEMO_PEOPLE.wangXiaoer.certificateNumber)).items).toEqual([]);
    expect(await accesses()).toBe(before + 2);
  });

  it('shows a record with fingerprints, public key, masked principals, access providers and history; reveals only with a logged access', async () => {
    const hit = (await search(gd, 'a2dp.Vol')).items[0];
    const rec = await call(a.app, gd, 'GET', `/api/bureau/records/${hit.serviceId}`);
    expect(rec.service).toMatchObject({ serviceNumber: hit.serviceNumber, name: 'A2DP Volume', status: 'filed' });
    expect(rec.subject.name).toBe('深圳市示例网络科技有限公司');
    expect(rec.subject.services).toHaveLength(3);
    expect(rec.materials.platforms[0]).toMatchObject({ packageName: 'a2dp.Vol', publicKey: A2DP_CERT.publicKey, certMd5: A2DP_CERT.md5, certSha1: A2DP_CERT.sha1, certSha256: A2DP_CERT.sha256, active: true });
    expect(rec.organisations[rec.materials.access[0].providerOrgId]).toBe('示例云计算有限公司');
    expect(rec.materials.service.principal).toMatchObject({ name: '陈静', certificateNumber: expect.stringMatching(/^440\*+\d{3}[\dX]$/), mobile: '138****8002' });
    expect(rec.materials.subject.certificateNumber).toMatch(/\*{4}/);
    expect(rec.revealed).toBe(false);
    expect(rec.history.map((h: { action: string }) => h.action)).toEqual(['filed']);
    expect(rec.availableActions).toEqual(['revoke']);
    const before = await accesses();
    const idsBeforeReveal = await accessIds();
    const byNumber = await call(a.app, gd, 'GET', `/api/bureau/records/${encodeURIComponent(hit.serviceNumber)}?reveal=true`);
    expect(byNumber.revealed).toBe(true);
    expect(byNumber.materials.service.principal).toMatchObject({ certificateNumber: DEMO_PEOPLE.chenJing.certificateNumber, mobile: DEMO_PEOPLE.chenJing.mobile });
    expect(await accesses()).toBe(before + 1);
    expect((await accessesSince(idsBeforeReveal)).map((r) => ({ record_type: r.record_type, record_id: r.record_id, purpose: r.purpose })))
      .toEqual([{ record_type: 'service', record_id: hit.serviceId, purpose: 'bureau_review' }]);
    // Another province's reviewer: a 404, by id and by number.
    const bj = await signIn(a.app, 'bj.reviewer');
    expect((await a.app.inject({ method: 'GET', url: `/api/bureau/records/${hit.serviceId}`, headers: bj.headers })).statusCode).toBe(404);
    expect((await a.app.inject({ method: 'GET', url: `/api/bureau/records/${encodeURIComponent(hit.serviceNumber)}`, headers: bj.headers })).statusCode).toBe(404);
    expect((await a.app.inject({ method: 'GET', url: '/api/bureau/records/nope', headers: gd.headers })).statusCode).toBe(404);
    expect((await a.app.inject({ method: 'GET', url: '/api/bureau/records?q=', headers: gd.headers })).statusCode).toBe(400);
  });

  it('names the subject of a follow-up application, lists it on the record, and tells queue rows apart once decided', async () => {
    const host = await signIn(a.app, 'host@demo.beian.test');
    const platform = await signIn(a.app, 'platform.demo');
    const [s] = await a.t.db.query<{ id: string; main_number: string }>(`select id, main_number from subjects where name = '深圳市示例网络科技有限公司'`);
    const id = await fileToProvider(a.app, host, { applicationType: 'new_service', subjectId: s!.id, serviceType: 'mini_program', submitterOrgId: await orgId(a.t.db, MARKET), materials: miniProgramMaterials() });
    await throughSms(a, host, platform, id);
    const view = await call(a.app, gd, 'GET', `/api/bureau/applications/${id}`);
    expect(view.subjectRecord).toMatchObject({ id: s!.id, name: '深圳市示例网络科技有限公司', mainNumber: s!.main_number, certificateType: 'uscc', certificateNumber: expect.stringMatching(/^914\*+/), applications: [] });
    expect(view.subjectRecord.recordServiceId).toEqual(expect.any(String));
    const pending = (await call(a.app, gd, 'GET', '/api/bureau/applications')).items.find((i: { id: string }) => i.id === id);
    expect(pending).toMatchObject({ applicationType: 'new_service', subjectName: '深圳市示例网络科技有限公司', decidedAt: null, decidedBy: null, number: null });
    const approved = await call(a.app, gd, 'POST', `/api/bureau/applications/${id}/approve`);
    const done = (await call(a.app, gd, 'GET', '/api/bureau/applications?status=approved')).items.find((i: { id: string }) => i.id === id);
    expect(done).toMatchObject({ number: approved.serviceNumber, decidedBy: '广东审核员', decidedAt: '2026-03-02T02:00:00.000Z' });
    const rec = await call(a.app, gd, 'GET', `/api/bureau/records/${encodeURIComponent(approved.serviceNumber)}`);
    expect(rec.applications).toEqual([expect.objectContaining({ id, applicationType: 'new_service', status: 'approved', thisService: true })]);
  });

  it('gives the bureau a subject page: identity masked (revealed only with a logged access), services with numbers, applications and history', async () => {
    const [s] = await a.t.db.query<{ id: string; main_number: string }>(`select id, main_number from subjects where name = '深圳市示例网络科技有限公司'`);
    const before = await accessIds();
    const page = await call(a.app, gd, 'GET', `/api/bureau/subjects/${s!.id}`);
    expect(page.subject).toMatchObject({ id: s!.id, name: '深圳市示例网络科技有限公司', mainNumber: s!.main_number, status: 'filed', provinceCode: '440000' });
    expect(page.revealed).toBe(false);
    expect(page.materials.subject.principal.mobile).toMatch(/^\d{3}\*{4}\d{4}$/);
    expect(page.materials.subject.principal.certificateNumber).toMatch(/\*{4}/);
    expect(page.services.map((x: { name: string; serviceNumber: string }) => x.name)).toEqual(expect.arrayContaining(['示例科技官网', 'A2DP Volume', '示例小助手']));
    expect(page.services.every((x: { serviceNumber: string }) => x.serviceNumber.startsWith(`${s!.main_number}-`))).toBe(true);
    expect(page.history.filter((h: { serviceNumber: string | null }) => h.serviceNumber !== null).length).toBeGreaterThan(0);
    expect(page.applications.length).toBeGreaterThan(0);
    expect(await accessesSince(before)).toEqual([]);
    // Revealed by main number: the principal in full, and the access logged under the subject.
    const open = await call(a.app, gd, 'GET', `/api/bureau/subjects/${encodeURIComponent(s!.main_number)}?reveal=true`);
    expect(open.revealed).toBe(true);
    expect(open.materials.subject.principal.mobile).toMatch(/^1\d{10}$/);
    expect((await accessesSince(before)).map((r) => ({ record_type: r.record_type, record_id: r.record_id, purpose: r.purpose, actor_role: r.actor_role })))
      .toEqual([{ record_type: 'subject', record_id: s!.id, purpose: 'bureau_review', actor_role: 'bureau_reviewer' }]);
    // Another province's reviewer: a 404 by id and by number; a service number is not a subject.
    const bj = await signIn(a.app, 'bj.reviewer');
    expect((await a.app.inject({ method: 'GET', url: `/api/bureau/subjects/${s!.id}`, headers: bj.headers })).statusCode).toBe(404);
    expect((await a.app.inject({ method: 'GET', url: `/api/bureau/subjects/${encodeURIComponent(s!.main_number)}`, headers: bj.headers })).statusCode).toBe(404);
    expect((await a.app.inject({ method: 'GET', url: `/api/bureau/subjects/${encodeURIComponent(`${s!.main_number}-1`)}`, headers: gd.headers })).statusCode).toBe(404);
    // The ministry reads it, its reveal logged with purpose supervision.
    const admin = await signIn(a.app, 'admin');
    const mid = await accessIds();
    expect((await call(a.app, admin, 'GET', `/api/bureau/subjects/${s!.id}?reveal=true`)).revealed).toBe(true);
    expect((await accessesSince(mid)).map((r) => [r.record_type, r.purpose, r.actor_role])).toEqual([['subject', 'supervision', 'ministry_admin']]);
  });

  it('lists decisions latest first (the queue stays by deadline), and filters by kind', async () => {
    const [s] = await a.t.db.query<{ id: string }>(`select id from subjects where name = '深圳市示例网络科技有限公司'`);
    const approved: string[] = [];
    for (const day of ['2026-03-03', '2026-03-04']) {
      a.clock.set(`${day}T02:00:00Z`);
      const [h2, p2, g2] = await Promise.all([signIn(a.app, 'host@demo.beian.test'), signIn(a.app, 'platform.demo'), signIn(a.app, 'gd.reviewer')]);
      const id = await fileToProvider(a.app, h2, { applicationType: 'new_service', subjectId: s!.id, serviceType: 'mini_program', submitterOrgId: await orgId(a.t.db, MARKET), materials: miniProgramMaterials() });
      await throughSms(a, h2, p2, id);
      await call(a.app, g2, 'POST', `/api/bureau/applications/${id}/approve`);
      approved.push(id);
    }
    gd = await signIn(a.app, 'gd.reviewer');
    const list = (await call(a.app, gd, 'GET', '/api/bureau/applications?status=approved')).items as { id: string; decidedAt: string }[];
    expect(list.slice(0, 2).map((i) => i.id)).toEqual([approved[1], approved[0]]);
    expect(list.map((i) => i.decidedAt)).toEqual([...list.map((i) => i.decidedAt)].sort().reverse());
    const services = (await call(a.app, gd, 'GET', '/api/bureau/applications?status=approved&applicationType=new_service')).items as { applicationType: string }[];
    expect(services.length).toBeGreaterThanOrEqual(2);
    expect(services.every((i) => i.applicationType === 'new_service')).toBe(true);
    expect((await call(a.app, gd, 'GET', '/api/bureau/applications?status=approved&applicationType=change_subject')).items).toEqual([]);
    expect((await a.app.inject({ method: 'GET', url: '/api/bureau/applications?applicationType=nope', headers: gd.headers })).statusCode).toBe(400);
  });
});
