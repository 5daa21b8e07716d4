// Changes after the number (issue 13, operations 1–3): the filed materials for their own host,
// change_service / change_subject / add_access going the first filing's way, the reviewers' diff,
// the record changing on approval in one transaction with the numbers kept, and every verification
// answer following (the old fingerprint answers fingerprint_mismatch, the new one filed).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend } from './db.ts';
import { type AuthTestApp, authTestApp, secondServer, SETUP_TIMEOUT, type Signed, signIn } from './auth.ts';
import { call, cancelConfirmed, CLOUD, deliver, orgId, smsCode, uniqueUscc } from './filing.ts';
import { DEMO_PEOPLE } from '../src/db/seed/demo.ts';
import { idNumberCheckChar } from '../src/domain/validation/index.ts';
import { a2dp, A2DP_CERT, KEY, serviceId, verify } from './verify.ts';
import { cancelAccessByProvider } from '../src/flows/cancel-access.ts';
import { openSms, type SmsPayload } from '../src/notify/outbox.ts';
import { expectPublicEventsCurrent, expectPublicLeavesAreRecordEvents } from './public-events.ts';

const idNumber = (first17: string) => first17 + idNumberCheckChar(first17);

const NEW_CERT = { certMd5: 'd'.repeat(32), certSha1: 'e'.repeat(40), certSha256: 'f'.repeat(64) };
const status = async (h: AuthTestApp, fingerprint: string) => (await verify(h.app, [a2dp(fingerprint)])).json().results[0].status as string;

/** Provider approves, the pending SMS codes are entered (the mobiles given), the bureau has it. */
async function toBureau(h: AuthTestApp, host: Signed, reviewer: Signed, id: string, mobiles: string[]) {
  expect((await call(h.app, reviewer, 'POST', `/api/provider/applications/${id}/approve`, {})).status).toBe('sms_pending');
  await deliver(h);
  const view = await call(h.app, host, 'GET', `/api/host/applications/${id}`);
  const pending = (view.smsChecks as { id: string; mobile: string; status: string }[]).filter((c) => c.status === 'pending');
  expect(pending.map((c) => c.mobile.slice(-4)).sort()).toEqual(mobiles.map((m) => m.slice(-4)).sort());
  let last = view;
  for (const c of pending) {
    const mobile = mobiles.find((m) => m.slice(-4) === c.mobile.slice(-4))!;
    last = await call(h.app, host, 'POST', `/api/host/applications/${id}/sms/verify`, { challengeId: c.id, code: await smsCode(h.t.db, h.t.sealer, mobile) });
  }
  expect(last.status).toBe('bureau_review');
}

describe('changes of a filed record', () => {
  let h: AuthTestApp;
  let host: Signed; let wang: Signed; let provider: Signed; let gd: Signed; let bj: Signed; let cloud: string;
  let a2dpId: string;

  beforeAll(async () => {
    h = await authTestApp();
    [host, wang, provider, gd, bj] = await Promise.all(['host@demo.beian.test', 'wang@demo.beian.test', 'provider.demo', 'gd.reviewer', 'bj.reviewer'].map((l) => signIn(h.app, l))) as [Signed, Signed, Signed, Signed, Signed];
    cloud = await orgId(h.t.db, CLOUD);
    a2dpId = await serviceId(h.t.db, 'a2dp.Vol');
  }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); });

  it('GET materials: the filed record in the shape POST /api/host/applications accepts, for its own host only', async () => {
    const body = await call(h.app, host, 'GET', `/api/host/services/${a2dpId}/materials`);
    expect(body).toMatchObject({ applicationType: 'change_service', serviceId: a2dpId, serviceType: 'app' });
    expect(body.materials.service).toMatchObject({ name: 'A2DP Volume', principal: { name: '陈静', mobile: '13800138002' } }); // decrypted for its host
    expect(body.materials.platforms[0]).toMatchObject({ platform: 'android', packageName: 'a2dp.Vol', certMd5: A2DP_CERT.md5 });
    expect(body.materials.access[0].providerOrgId).toBe(cloud);
    expect(body.materials.subject).toBeUndefined();
    const [subjectId] = (await h.t.db.query<{ subject_id: string }>('select subject_id from services where id = $1', [a2dpId])).map((r) => r.subject_id);
    const subject = await call(h.app, host, 'GET', `/api/host/subjects/${subjectId}/materials`);
    expect(subject).toMatchObject({ applicationType: 'change_subject', subjectId, materials: { subject: { name: '深圳市示例网络科技有限公司', principal: { name: '李明', certificateNumber: expect.stringMatching(/^44030519850312003/) } } } });
    // Another host's record is a 404; staff are not hosts (403); a malformed id names the field.
    expect((await h.app.inject({ method: 'GET', url: `/api/host/services/${a2dpId}/materials`, headers: wang.headers })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: `/api/host/subjects/${subjectId}/materials`, headers: wang.headers })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: `/api/host/services/${a2dpId}/materials`, headers: provider.headers })).statusCode).toBe(403);
    const bad = await h.app.inject({ method: 'GET', url: '/api/host/services/nope/materials', headers: host.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('params.id');
    const revoked = await serviceId(h.t.db, 'com.example.minigame');
    expect((await h.app.inject({ method: 'GET', url: `/api/host/services/${revoked}/materials`, headers: host.headers })).statusCode).toBe(404);
  });

  it('refuses a change with bad input, of another host\'s record, or of a revoked service', async () => {
    const post = (who: Signed, payload: object) => h.app.inject({ method: 'POST', url: '/api/host/applications', headers: who.headers, payload });
    const noTarget = await post(host, { applicationType: 'change_service', materials: {} });
    expect(noTarget.statusCode).toBe(400);
    expect(noTarget.json().errors[0].field).toBe('body.serviceId');
    expect((await post(host, { applicationType: 'change_subject', materials: {} })).json().errors[0].field).toBe('body.subjectId');
    const malformed = await post(host, { applicationType: 'change_service', serviceId: 'x', materials: {} });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors[0].field).toBe('body.serviceId');
    const wrongType = await post(host, { applicationType: 'change_service', serviceId: a2dpId, serviceType: 'website', materials: {} });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().errors[0]).toMatchObject({ field: 'body.serviceType', code: 'service_type_mismatch' });
    const notMine = await post(wang, { applicationType: 'change_service', serviceId: a2dpId, materials: {} });
    expect(notMine.statusCode).toBe(404);
    expect(notMine.json().code).toBe('service_not_found');
    expect((await post(host, { applicationType: 'change_service', serviceId: await serviceId(h.t.db, 'com.example.minigame'), materials: {} })).statusCode).toBe(404);
    expect((await post(provider, { applicationType: 'change_service', serviceId: a2dpId, materials: {} })).statusCode).toBe(403);
  });

  it('change_service: a new signing certificate, reviewed with a diff, approved with the numbers kept; verification follows at once', async () => {
    const filed = await call(h.app, host, 'GET', `/api/host/services/${a2dpId}/materials`);
    const before = await h.t.db.query<{ service_number: string }>('select service_number from services where id = $1', [a2dpId]);
    // Posted unchanged: a draft that says nothing differs.
    const same = await call(h.app, host, 'POST', '/api/host/applications', filed, 201);
    expect(same.problems).toEqual([expect.objectContaining({ field: 'materials', code: 'no_change' })]);
    await call(h.app, host, 'POST', `/api/host/applications/${same.id}/withdraw`);

    // A relying party checked the APP (its cache and its watch) and subscribed a webhook.
    expect(await status(h, A2DP_CERT.md5)).toBe('filed');
    expect((await h.app.inject({ method: 'POST', url: '/api/verify/v1/webhooks', headers: KEY, payload: { url: 'https://hooks.example.cn/changes' } })).statusCode).toBe(201);
    filed.materials.platforms[0] = { ...filed.materials.platforms[0], ...NEW_CERT };
    const draft = await call(h.app, host, 'POST', '/api/host/applications', { ...filed, submitterOrgId: cloud }, 201);
    expect(draft).toMatchObject({ applicationType: 'change_service', status: 'draft', serviceId: draft.serviceId, problems: [] });
    expect(draft.diff).toEqual([
      { field: 'platforms.0.certMd5', old: A2DP_CERT.md5, new: NEW_CERT.certMd5 },
      { field: 'platforms.0.certSha1', old: A2DP_CERT.sha1, new: NEW_CERT.certSha1 },
      { field: 'platforms.0.certSha256', old: A2DP_CERT.sha256, new: NEW_CERT.certSha256 },
    ]);
    expect(draft.target).toEqual({ mainNumber: '粤ICP备2024000001号', serviceNumber: before[0]!.service_number });
    // No principal is new: nothing to verify; the service principal alone confirms by SMS.
    expect((await call(h.app, host, 'POST', `/api/host/applications/${draft.id}/identity-verification`)).tasks).toEqual([]);
    expect((await call(h.app, host, 'POST', `/api/host/applications/${draft.id}/submit`, {})).status).toBe('provider_review');
    await toBureau(h, host, provider, draft.id, ['13800138002']);

    // Under review: the filed record stays valid, the public answers show the filed data.
    expect(await status(h, A2DP_CERT.md5)).toBe('filed');
    expect(await status(h, NEW_CERT.certMd5)).toBe('fingerprint_mismatch');
    const review = await call(h.app, gd, 'GET', `/api/bureau/applications/${draft.id}`);
    expect(review.diff.map((c: { field: string }) => c.field)).toEqual(['platforms.0.certMd5', 'platforms.0.certSha1', 'platforms.0.certSha256']);
    expect((await h.app.inject({ method: 'GET', url: `/api/bureau/applications/${draft.id}`, headers: bj.headers })).statusCode).toBe(404);

    const approved = await call(h.app, gd, 'POST', `/api/bureau/applications/${draft.id}/approve`);
    expect(approved).toMatchObject({ mainNumber: '粤ICP备2024000001号', serviceNumber: before[0]!.service_number, application: { status: 'approved' } });
    // The cache held the old identity a moment ago: it answers the new truth now.
    expect(await status(h, A2DP_CERT.md5)).toBe('fingerprint_mismatch');
    expect(await status(h, NEW_CERT.certMd5)).toBe('filed');
    const hooks = await h.t.db.query<{ payload: { body: { event: string; filing: { serviceNumber: string } } } }>(`select payload from outbox where channel = 'webhook' order by id`);
    expect(hooks.map((x) => x.payload.body?.event ?? JSON.stringify(x.payload))).toContain('filing.changed');
    const record = await call(h.app, host, 'GET', `/api/host/services/${a2dpId}/materials`);
    expect(record.materials.platforms[0]).toMatchObject(NEW_CERT);
    const [hist] = await h.t.db.query<{ action: string; application_id: string; reason: { fields: string[] } }>(
      `select action, application_id, reason from history where entity_type = 'service' and entity_id = $1 order by id desc limit 1`, [a2dpId]);
    expect(hist).toMatchObject({ action: 'changed', application_id: draft.id, reason: { fields: ['platforms.0.certMd5', 'platforms.0.certSha1', 'platforms.0.certSha256'] } });
    // The public record: the filing's approval stays; 审核通过日期 as the ministry shows it is the change's.
    const pub = (await h.app.inject({ method: 'GET', url: `/api/public/v1/services/${encodeURIComponent(before[0]!.service_number)}` })).json();
    expect(pub.lastApprovedAt).toBe(h.clock.now().toISOString());
    // The transparency log has the change as the service's `changed`; the approval itself is private (entry version 3).
    await expectPublicLeavesAreRecordEvents(h.t.db);
    expect(Date.parse(pub.approvedAt)).toBeLessThan(Date.parse(pub.lastApprovedAt));
  });

  it('two changes of one service at once: one draft, the other 409 application_already_open; an access filing waits too', async () => {
    const body = await call(h.app, host, 'GET', `/api/host/services/${a2dpId}/materials`);
    body.materials.service.name = 'A2DP 音量';
    const results = await Promise.all([0, 1].map(() => h.app.inject({ method: 'POST', url: '/api/host/applications', headers: host.headers, payload: body })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const open = results.find((r) => r.statusCode === 201)!.json();
    const refused = results.find((r) => r.statusCode === 409)!.json();
    expect(refused.code).toBe('application_already_open');
    const access = await h.app.inject({ method: 'POST', url: '/api/host/applications', headers: host.headers, payload: { ...body, applicationType: 'add_access' } });
    expect(access.statusCode).toBe(409);
    expect(access.json()).toMatchObject({ code: 'application_already_open', applicationId: open.id });
    // The database holds it too.
    await expect(h.t.db.query(`insert into applications (application_type, host_user_id, subject_id, service_id, service_type, status, base_materials)
      select application_type, host_user_id, subject_id, service_id, service_type, 'draft', base_materials from applications where id = $1`, [open.id])).rejects.toThrow(/unique|duplicate/i);
    await call(h.app, host, 'POST', `/api/host/applications/${open.id}/withdraw`);
    const next = await h.app.inject({ method: 'POST', url: '/api/host/applications', headers: host.headers, payload: body });
    expect(next.statusCode).toBe(201);
    await call(h.app, host, 'POST', `/api/host/applications/${next.json().id}/withdraw`);
  });

  it('change_subject: a new address and a new principal (who verifies identity and gets the SMS); fixed fields are refused', async () => {
    const [{ subject_id: subjectId }] = await h.t.db.query<{ subject_id: string }>(`select id as subject_id from subjects where main_number = '浙ICP备2024000001号'`) as [{ subject_id: string }];
    const body = await call(h.app, host, 'GET', `/api/host/subjects/${subjectId}/materials`);
    const fixed = structuredClone(body);
    fixed.materials.subject.certificateNumber = '91330106MA2H7Q8T6X'.slice(0, 17) + '0';
    const refused = await call(h.app, host, 'POST', '/api/host/applications', fixed, 201);
    expect(refused.problems.map((p: { field: string; code: string }) => `${p.field}:${p.code}`)).toContain('subject.certificateNumber:not_editable');
    await call(h.app, host, 'POST', `/api/host/applications/${refused.id}/withdraw`);

    body.materials.subject.address = '西湖区文三路2号示例中心6楼';
    body.materials.subject.principal = { ...body.materials.subject.principal, name: '周新', certificateNumber: idNumber('33010619890505001'), mobile: '13800138777', emergencyPhone: '13900139777', email: 'zhouxin@demo.beian.test' };
    const draft = await call(h.app, host, 'POST', '/api/host/applications', { ...body, submitterOrgId: cloud }, 201);
    expect(draft.problems.filter((p: { code: string }) => p.code !== 'identity_not_verified')).toEqual([]);
    expect(draft.serviceId).toBeNull();
    const refusedSubmit = await h.app.inject({ method: 'POST', url: `/api/host/applications/${draft.id}/submit`, headers: host.headers, payload: {} });
    expect(refusedSubmit.statusCode).toBe(400);
    expect(refusedSubmit.json().errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`)).toEqual(['subject.principal:identity_not_verified']);
    const tasks = (await call(h.app, host, 'POST', `/api/host/applications/${draft.id}/identity-verification`)).tasks;
    expect(tasks.map((t: { personRole: string }) => t.personRole)).toEqual(['subject_principal']);
    await call(h.app, host, 'POST', `/api/host/applications/${draft.id}/submit`, {});
    await toBureau(h, host, provider, draft.id, ['13800138777']);
    // The new principal's phone is told it is the subject's change, not some website's or APP's filing under the company's name.
    const sent = (await h.t.db.query<{ payload: SmsPayload }>(`select payload from outbox where channel = 'sms' order by id desc limit 50`))
      .map((r) => openSms(h.t.sealer, r.payload)).find((m) => m.mobile === '13800138777' && /核验码/.test(m.text));
    expect(sent!.text).toContain('您正在办理主体"杭州示例软件有限公司"的备案信息变更，短信核验码：');
    expect(sent!.text).not.toMatch(/办理(网站|APP)/);
    const zj = await signIn(h.app, 'zj.reviewer');
    const review = await call(h.app, zj, 'GET', `/api/bureau/applications/${draft.id}`);
    const mobile = review.diff.find((c: { field: string }) => c.field === 'subject.principal.mobile');
    expect(mobile).toEqual({ field: 'subject.principal.mobile', old: '138****8004', new: '138****8777' }); // masked for the reviewer
    expect(review.diff.find((c: { field: string }) => c.field === 'subject.address')).toMatchObject({ new: '西湖区文三路2号示例中心6楼' });
    // A subject change leads to the subject, not to its first service's record: no one service named, every service listed.
    expect(review.subjectRecord).toMatchObject({ id: subjectId, mainNumber: '浙ICP备2024000001号', recordServiceId: null });
    const services = await h.t.db.query<{ id: string; service_number: string }>('select id, service_number from services where subject_id = $1 order by sequence', [subjectId]);
    expect(review.subjectRecord.services.map((x: { id: string; serviceNumber: string }) => [x.id, x.serviceNumber])).toEqual(services.map((x) => [x.id, x.service_number]));
    expect(review.target).toEqual({ mainNumber: '浙ICP备2024000001号', serviceNumber: null });
    expect((await call(h.app, provider, 'GET', `/api/provider/applications/${draft.id}`)).target).toEqual({ mainNumber: '浙ICP备2024000001号', serviceNumber: null });
    const approved = await call(h.app, zj, 'POST', `/api/bureau/applications/${draft.id}/approve`);
    expect(approved).toMatchObject({ mainNumber: '浙ICP备2024000001号', serviceNumber: null });
    const after = await call(h.app, host, 'GET', `/api/host/subjects/${subjectId}/materials`);
    expect(after.materials.subject).toMatchObject({ address: '西湖区文三路2号示例中心6楼', principal: { name: '周新', mobile: '13800138777' } });
    const [hist] = await h.t.db.query<{ action: string }>(`select action from history where entity_type = 'subject' and entity_id = $1 order by id desc limit 1`, [subjectId]);
    expect(hist!.action).toBe('changed');
  });

  it('change_subject is reviewed by a provider that holds the subject: one that gives none of its services access is refused', async () => {
    const [{ id: subjectId }] = await h.t.db.query<{ id: string }>(`select id from subjects where main_number = '浙ICP备2024000001号'`) as [{ id: string }];
    const idc = await orgId(h.t.db, '蓝海数据科技有限公司'); // the ledger's access is the demo cloud's
    const body = await call(h.app, host, 'GET', `/api/host/subjects/${subjectId}/materials`);
    body.materials.subject.address = '西湖区文三路3号示例中心7楼';
    const draft = await call(h.app, host, 'POST', '/api/host/applications', { ...body, submitterOrgId: idc }, 201);
    const refused = await h.app.inject({ method: 'POST', url: `/api/host/applications/${draft.id}/submit`, headers: host.headers, payload: {} });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`)).toEqual(['submitterOrgId:submitter_not_subject_provider']);
    // The provider that holds it may.
    expect((await call(h.app, host, 'POST', `/api/host/applications/${draft.id}/submit`, { submitterOrgId: cloud })).status).toBe('provider_review');
    await call(h.app, host, 'POST', `/api/host/applications/${draft.id}/withdraw`);
  });

  it('change_service is reviewed by an organisation that holds the service: another provider is refused', async () => {
    const idc = await orgId(h.t.db, '蓝海数据科技有限公司'); // neither hosts nor filed A2DP (the demo cloud does both)
    const body = await call(h.app, host, 'GET', `/api/host/services/${a2dpId}/materials`);
    body.materials.service.description = '蓝牙音量自动调节：连接不同的蓝牙设备时，自动切换到为该设备保存的音量设置（说明更新）。';
    const draft = await call(h.app, host, 'POST', '/api/host/applications', { ...body, submitterOrgId: idc }, 201);
    const refused = await h.app.inject({ method: 'POST', url: `/api/host/applications/${draft.id}/submit`, headers: host.headers, payload: {} });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`)).toEqual(['submitterOrgId:submitter_not_service_provider']);
    expect((await call(h.app, host, 'POST', `/api/host/applications/${draft.id}/submit`, { submitterOrgId: cloud })).status).toBe('provider_review');
    await call(h.app, host, 'POST', `/api/host/applications/${draft.id}/withdraw`);
  });

  it('add_access: only a new provider\'s record, reviewed by that provider; the number stays', async () => {
    const website = (await h.t.db.query<{ id: string; service_number: string }>(`select id, service_number from services where service_number = '京ICP备2025000001号-1'`))[0]!;
    const body = await call(h.app, wang, 'GET', `/api/host/services/${website.id}/materials`);
    const edited = structuredClone(body);
    edited.applicationType = 'add_access';
    edited.materials.service.name = '改名';
    const bad = await call(h.app, wang, 'POST', '/api/host/applications', edited, 201);
    expect(bad.problems.map((p: { field: string; code: string }) => `${p.field}:${p.code}`)).toEqual(expect.arrayContaining(['service.name:not_editable', 'access:access_new_provider_required']));
    await call(h.app, wang, 'POST', `/api/host/applications/${bad.id}/withdraw`);

    body.applicationType = 'add_access';
    body.materials.access.push({ providerOrgId: cloud, accessMethod: 'cloud', serverLocation: '北京市', ips: ['198.51.100.21'], domains: ['xiaoer-notes.cn'] });
    const idc = body.materials.access[0].providerOrgId as string;
    const draft = await call(h.app, wang, 'POST', '/api/host/applications', { ...body, submitterOrgId: idc }, 201);
    expect(draft.diff.map((c: { field: string }) => c.field)).toEqual(expect.arrayContaining(['access.1.providerOrgId', 'access.1.ips']));
    // The view names every provider it mentions (the diff shows the new one by name, not its id).
    expect(draft.organisations).toMatchObject({ [cloud]: CLOUD, [body.materials.access[0].providerOrgId]: expect.any(String) });
    const wrongReviewer = await h.app.inject({ method: 'POST', url: `/api/host/applications/${draft.id}/submit`, headers: wang.headers, payload: {} });
    expect(wrongReviewer.statusCode).toBe(400);
    expect(wrongReviewer.json().errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`)).toEqual(['submitterOrgId:submitter_not_new_provider']);
    expect((await call(h.app, wang, 'POST', `/api/host/applications/${draft.id}/submit`, { submitterOrgId: cloud })).status).toBe('provider_review');
    await toBureau(h, wang, provider, draft.id, ['13800138003']);
    const approved = await call(h.app, bj, 'POST', `/api/bureau/applications/${draft.id}/approve`);
    expect(approved).toMatchObject({ mainNumber: '京ICP备2025000001号', serviceNumber: website.service_number });
    const access = await h.t.db.query<{ provider_org_id: string }>('select provider_org_id from access_records where service_id = $1 and active order by created_at', [website.id]);
    expect(access.map((a) => a.provider_org_id)).toEqual([idc, cloud]);
    const [hist] = await h.t.db.query<{ action: string }>(`select action from history where entity_type = 'service' and entity_id = $1 order by id desc limit 1`, [website.id]);
    expect(hist!.action).toBe('access_added');
  });

  it('add_access: only the submitting provider is added — a second new provider in the same filing is refused naming its field', async () => {
    const [third] = await h.t.db.query<{ id: string }>(`insert into organisations (kind, name, uscc) values ('access_provider', '第三测试云有限公司', $1) returning id`, [uniqueUscc('110108')]);
    const idc = await orgId(h.t.db, '蓝海数据科技有限公司');
    const body = await call(h.app, host, 'GET', `/api/host/services/${a2dpId}/materials`);
    body.applicationType = 'add_access';
    body.materials.access.push(
      { providerOrgId: idc, accessMethod: 'cloud', serverLocation: '北京市', ips: ['198.51.100.31'], domains: ['a2dp.demo-tech.cn'] },
      { providerOrgId: third!.id, accessMethod: 'cloud', serverLocation: '北京市', ips: ['198.51.100.32'], domains: ['a2dp.demo-tech.cn'] });
    const draft = await call(h.app, host, 'POST', '/api/host/applications', { ...body, submitterOrgId: idc }, 201);
    const refused = await h.app.inject({ method: 'POST', url: `/api/host/applications/${draft.id}/submit`, headers: host.headers, payload: {} });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`)).toEqual(['access.2.providerOrgId:access_provider_not_submitter']);
    await call(h.app, host, 'POST', `/api/host/applications/${draft.id}/withdraw`);
  });

  it('add_access rescues a shell: approving the new access clears shellSince in the same transaction', async () => {
    const website = (await h.t.db.query<{ id: string }>(`select id from services where service_number = '京ICP备2025000001号-1'`))[0]!;
    const ctx = { db: h.t.db, sealer: h.t.sealer, now: h.clock.now, publicUrl: 'http://127.0.0.1' };
    const providers = await h.t.db.query<{ provider_org_id: string }>('select provider_org_id from access_records where service_id = $1 and active', [website.id]);
    for (const p of providers) {
      await cancelAccessByProvider(ctx, { userId: null, role: 'provider_staff', orgId: p.provider_org_id, orgKind: 'access_provider', provinceCode: null, requestId: null }, website.id, { reason: '合同到期' });
    }
    const shell = async () => (await h.t.db.query<{ shell_since: Date | null }>('select shell_since from services where id = $1', [website.id]))[0]!.shell_since;
    expect(await shell()).not.toBeNull();
    const body = await call(h.app, wang, 'GET', `/api/host/services/${website.id}/materials`);
    body.applicationType = 'add_access';
    body.materials.access = [{ providerOrgId: cloud, accessMethod: 'cloud', serverLocation: '北京市', ips: ['198.51.100.22'], domains: ['xiaoer-notes.cn'] }];
    const draft = await call(h.app, wang, 'POST', '/api/host/applications', { ...body, submitterOrgId: cloud }, 201);
    expect((await call(h.app, wang, 'POST', `/api/host/applications/${draft.id}/submit`, { submitterOrgId: cloud })).status).toBe('provider_review');
    await toBureau(h, wang, provider, draft.id, ['13800138003']);
    await call(h.app, bj, 'POST', `/api/bureau/applications/${draft.id}/approve`);
    expect(await shell()).toBeNull();
    const actions = (await h.t.db.query<{ action: string }>(`select action from history where entity_type = 'service' and entity_id = $1 order by id desc limit 2`, [website.id])).map((r) => r.action);
    expect(actions).toEqual(['access_added', 'clear_shell']);
  });

  it('wrong status and wrong role: a reviewer cannot create or approve out of turn; a change cannot be approved twice', async () => {
    const body = await call(h.app, host, 'GET', `/api/host/services/${a2dpId}/materials`);
    body.materials.service.description = '根据蓝牙音频设备的连接状态自动调节媒体音量的工具类应用（新版说明）。';
    const draft = await call(h.app, host, 'POST', '/api/host/applications', { ...body, submitterOrgId: cloud }, 201);
    const early = await h.app.inject({ method: 'POST', url: `/api/bureau/applications/${draft.id}/approve`, headers: gd.headers });
    expect(early.statusCode).toBe(404); // the bureau does not see drafts
    const byHost = await h.app.inject({ method: 'POST', url: `/api/provider/applications/${draft.id}/approve`, headers: host.headers, payload: {} });
    expect(byHost.statusCode).toBe(403);
    await call(h.app, host, 'POST', `/api/host/applications/${draft.id}/submit`, {});
    await toBureau(h, host, provider, draft.id, ['13800138002']);
    await call(h.app, gd, 'POST', `/api/bureau/applications/${draft.id}/approve`);
    const twice = await h.app.inject({ method: 'POST', url: `/api/bureau/applications/${draft.id}/approve`, headers: gd.headers });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('application_status_conflict');
  });

  it('a shell whose filed record breaks today\'s rules gets its access back: what add_access keeps as filed warns, it does not block', async () => {
    const site = (await h.t.db.query<{ id: string }>(`select id from services where service_number = '粤ICP备2024000001号-1'`))[0]!.id;
    // Filed (or imported) before the rule: a description shorter than 20 characters.
    await h.t.db.query(`update services set description = '企业官网' where id = $1`, [site]);
    const ctx = { db: h.t.db, sealer: h.t.sealer, now: h.clock.now, publicUrl: 'http://127.0.0.1' };
    const providers = await h.t.db.query<{ provider_org_id: string }>('select provider_org_id from access_records where service_id = $1 and active', [site]);
    for (const p of providers) {
      await cancelAccessByProvider(ctx, { userId: null, role: 'provider_staff', orgId: p.provider_org_id, orgKind: 'access_provider', provinceCode: null, requestId: null }, site, { reason: '合同到期' });
    }
    const [other] = await h.t.db.query<{ id: string }>(`select id from organisations where kind = 'access_provider' and status = 'active' and not (id = any ($1::uuid[])) order by name limit 1`, [providers.map((p) => p.provider_org_id)]);
    const body = await call(h.app, host, 'GET', `/api/host/services/${site}/materials`);
    const domain = body.materials.service.domains[0] as string;
    // A service change may correct it, so there it blocks.
    const change = await call(h.app, host, 'POST', '/api/host/applications', { ...body, materials: { ...body.materials, service: { ...body.materials.service, name: `${body.materials.service.name}（新）` } } }, 201);
    expect(change.problems.map((p: { field: string }) => p.field)).toContain('service.description');
    await call(h.app, host, 'POST', `/api/host/applications/${change.id}/withdraw`);
    body.applicationType = 'add_access';
    body.materials.access = [{ providerOrgId: other!.id, accessMethod: 'cloud', serverLocation: '广东省深圳市', ips: ['198.51.100.40'], domains: [domain] }];
    const draft = await call(h.app, host, 'POST', '/api/host/applications', { ...body, submitterOrgId: other!.id }, 201);
    expect(draft.problems).toEqual([]);
    expect(draft.warnings).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'service.description', message: expect.stringMatching(/as filed/) })]));
    expect((await call(h.app, host, 'POST', `/api/host/applications/${draft.id}/submit`, { submitterOrgId: other!.id })).status).toBe('provider_review');
  });

  it('an individual becomes an enterprise: type, nature and certificate change, the main number stays; never the way back', async () => {
    const [w] = await h.t.db.query<{ id: string }>(`select id from subjects where main_number = '京ICP备2025000001号'`);
    const filed = await call(h.app, wang, 'GET', `/api/host/subjects/${w!.id}/materials`);
    const principal = filed.materials.subject.principal;
    const uscc = uniqueUscc('110102');
    const enterprise = {
      ...filed, submitterOrgId: cloud,
      materials: { subject: { ...filed.materials.subject, subjectType: 'unit', nature: 'enterprise', name: '北京小二文化有限公司', certificateType: 'uscc', certificateNumber: uscc,
        certificateAddress: '北京市西城区示例胡同1号', principalIsLegalRepresentative: true, principal } },
    };
    // A USCC another filed subject holds is refused at submission.
    const [taken] = await h.t.db.query<{ certificate_number: string }>(`select certificate_number from subjects where subject_type = 'unit' and status = 'filed' and certificate_type = 'uscc' limit 1`);
    const clash = await call(h.app, wang, 'POST', '/api/host/applications', { ...enterprise, materials: { subject: { ...enterprise.materials.subject, certificateNumber: taken!.certificate_number } } }, 201);
    expect(clash.problems.filter((p: { code: string }) => p.code === 'not_editable')).toEqual([]);
    const refused = await h.app.inject({ method: 'POST', url: `/api/host/applications/${clash.id}/submit`, headers: wang.headers, payload: {} });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('subject_already_filed');
    await call(h.app, wang, 'POST', `/api/host/applications/${clash.id}/withdraw`);

    const draft = await call(h.app, wang, 'POST', '/api/host/applications', enterprise, 201);
    expect(draft.problems).toEqual([]);
    expect(draft.diff.map((c: { field: string }) => c.field)).toEqual(expect.arrayContaining(['subject.subjectType', 'subject.nature', 'subject.certificateType', 'subject.certificateNumber', 'subject.name']));
    expect((await call(h.app, wang, 'POST', `/api/host/applications/${draft.id}/submit`, {})).status).toBe('provider_review');
    await toBureau(h, wang, provider, draft.id, [principal.mobile]);
    await call(h.app, bj, 'POST', `/api/bureau/applications/${draft.id}/approve`);
    const [after] = await h.t.db.query<{ subject_type: string; nature: string; certificate_type: string; certificate_number: string; main_number: string }>(
      'select subject_type, nature, certificate_type, certificate_number, main_number from subjects where id = $1', [w!.id]);
    expect(after).toEqual({ subject_type: 'unit', nature: 'enterprise', certificate_type: 'uscc', certificate_number: uscc, main_number: '京ICP备2025000001号' });
    const pub = (await h.app.inject({ method: 'GET', url: `/api/public/v1/subjects/${encodeURIComponent('京ICP备2025000001号')}` })).json();
    expect(pub).toMatchObject({ hostName: '北京小二文化有限公司', hostType: 'unit', hostNature: 'enterprise', status: 'filed' });

    // The way back: an enterprise does not become an individual.
    const now = await call(h.app, wang, 'GET', `/api/host/subjects/${w!.id}/materials`);
    const back = await call(h.app, wang, 'POST', '/api/host/applications', { ...now, materials: { subject: { ...now.materials.subject, subjectType: 'individual', nature: 'individual' } } }, 201);
    expect(back.problems.map((p: { field: string; code: string }) => `${p.field}:${p.code}`)).toEqual(expect.arrayContaining(['subject.subjectType:not_editable', 'subject.nature:not_editable']));
    await call(h.app, wang, 'POST', `/api/host/applications/${back.id}/withdraw`);
  });

  it('cancelling a filing closes the applications acting on it, at whatever stage: the bureau\'s queue drops them, nothing is resubmitted', async () => {
    const ledger = await serviceId(h.t.db, 'com.example.ledger');
    const [{ subject_id: subjectId }] = await h.t.db.query<{ subject_id: string }>('select subject_id from services where id = $1', [ledger]) as [{ subject_id: string }];
    const zj = await signIn(h.app, 'zj.reviewer');
    // A service change at the bureau, and a subject change still a draft.
    const body = await call(h.app, host, 'GET', `/api/host/services/${ledger}/materials`);
    body.materials.service.description = '面向个人用户的记账与预算管理工具，新增家庭账本功能，数据仅保存在用户自己的账户中。';
    const change = await call(h.app, host, 'POST', '/api/host/applications', { ...body, submitterOrgId: cloud }, 201);
    expect((await call(h.app, host, 'POST', `/api/host/applications/${change.id}/submit`, {})).status).toBe('provider_review');
    await toBureau(h, host, provider, change.id, [DEMO_PEOPLE.zhaoLei.mobile]);
    const subjectBody = await call(h.app, host, 'GET', `/api/host/subjects/${subjectId}/materials`);
    subjectBody.materials.subject.address = '西湖区文三路2号示例中心6楼';
    const subjectChange = await call(h.app, host, 'POST', '/api/host/applications', subjectBody, 201);
    const queued = async () => (await call(h.app, zj, 'GET', '/api/bureau/applications?status=bureau_review')).items.map((x: { id: string }) => x.id);
    expect(await queued()).toContain(change.id);

    // The ledger is the subject's last live service: the code cancels the subject with it.
    const done = await cancelConfirmed(h, host, `/api/host/services/${ledger}/cancel`, { reason: '停止运营' });
    expect(done).toMatchObject({ action: 'cancel_subject', servicesCancelled: [expect.any(String)] });
    for (const [id, because] of [[change.id, 'service_cancelled'], [subjectChange.id, 'subject_cancelled']] as const) {
      expect((await call(h.app, host, 'GET', `/api/host/applications/${id}`)).status).toBe('withdrawn');
      const [last] = await h.t.db.query<{ action: string; actor_role: string; reason: { closedBecause: string } }>(
        `select action, actor_role, reason from history where entity_type = 'application' and entity_id = $1 order by id desc limit 1`, [id]);
      expect(last).toMatchObject({ action: 'close', actor_role: 'system', reason: { closedBecause: because } });
      // The host's notice says why, not a bare 已撤回.
      const [note] = await h.t.db.query<{ body: string }>(`select body from notifications where application_id = $1 and event = 'application.withdrawn' and user_id is not null`, [id]);
      expect(note!.body).toMatch(because === 'service_cancelled' ? /服务备案.+已注销/ : /主体备案.+已注销/);
    }
    expect(await queued()).not.toContain(change.id);
    expect((await h.t.db.query(`select 1 from sms_challenges where application_id = $1 and status = 'pending'`, [change.id])).length).toBe(0);
    const approve = await h.app.inject({ method: 'POST', url: `/api/bureau/applications/${change.id}/approve`, headers: zj.headers });
    expect(approve.statusCode).toBe(409);
    expect(approve.json().code).toBe('application_status_conflict');
    expect((await h.app.inject({ method: 'POST', url: `/api/host/applications/${subjectChange.id}/submit`, headers: host.headers, payload: {} })).statusCode).toBe(409);
  });

  it('a change approved against a stale base is refused: its access record was cancelled meanwhile — 409 naming the field, nothing written, no history claims it', async () => {
    const body = await call(h.app, host, 'GET', `/api/host/services/${a2dpId}/materials`);
    body.materials.access[0].ips = ['203.0.113.99'];
    const draft = await call(h.app, host, 'POST', '/api/host/applications', { ...body, submitterOrgId: cloud }, 201);
    expect(draft.diff.map((c: { field: string }) => c.field)).toEqual(['access.0.ips']);
    await call(h.app, host, 'POST', `/api/host/applications/${draft.id}/submit`, {});
    await toBureau(h, host, provider, draft.id, ['13800138002']);
    // Meanwhile the provider ends its access: the APP is a shell, the record the change edits is gone.
    await call(h.app, provider, 'POST', `/api/provider/services/${a2dpId}/access/cancel`, { reason: '合同到期' });
    const historyBefore = (await h.t.db.query(`select id from history where entity_type = 'service' and entity_id = $1`, [a2dpId])).length;
    const approve = await h.app.inject({ method: 'POST', url: `/api/bureau/applications/${draft.id}/approve`, headers: gd.headers });
    expect(approve.statusCode, approve.body).toBe(409);
    expect(approve.json()).toMatchObject({ code: 'record_changed_since_draft', errors: [{ field: 'access.0.ips', code: 'record_changed_since_draft' }] });
    expect((await call(h.app, host, 'GET', `/api/host/applications/${draft.id}`)).status).toBe('bureau_review');
    expect((await h.t.db.query(`select id from history where entity_type = 'service' and entity_id = $1`, [a2dpId])).length).toBe(historyBefore);
    // The bureau rejects it with that reason; the host files again from the record as it is.
    const rejected = await call(h.app, gd, 'POST', `/api/bureau/applications/${draft.id}/reject`, { reasons: [{ field: 'access.0.ips', error: '接入信息已取消，请按当前备案信息重新提交' }] });
    expect(rejected.status).toBe('bureau_rejected');
  });

  it('keeps the stored public events of every record what history says, after approved changes of services and subjects, access added (migration 0029)', async () => {
    await expectPublicEventsCurrent(h.t.db);
  });
});

// A relying party's server process holds the old identity in its cache while the change is
// approved through another process: within a second it answers the new truth.
if (backend() === 'postgresql') describe('a change approved while another server process caches the old identity (PostgreSQL)', () => {
  let a: AuthTestApp; let appB: FastifyInstance; let b: Awaited<ReturnType<typeof secondServer>>;
  beforeAll(async () => {
    a = await authTestApp();
    b = await secondServer(a);
    appB = b.app;
  }, SETUP_TIMEOUT);
  afterAll(async () => { await b?.close(); await a?.close(); });

  const statusB = async (fingerprint: string) => (await verify(appB, [a2dp(fingerprint)])).json().results[0].status as string;
  async function within(fingerprint: string, expected: string, ms: number) {
    const start = Date.now();
    while (await statusB(fingerprint) !== expected) {
      if (Date.now() - start > ms) throw new Error(`B still not ${expected} after ${ms} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return Date.now() - start;
  }

  it('B answers fingerprint_mismatch for the old certificate and filed for the new one within a second', async () => {
    const [host, provider, gd] = await Promise.all(['host@demo.beian.test', 'provider.demo', 'gd.reviewer'].map((l) => signIn(a.app, l))) as [Signed, Signed, Signed];
    const id = await serviceId(a.t.db, 'a2dp.Vol');
    const body = await call(a.app, host, 'GET', `/api/host/services/${id}/materials`);
    body.materials.platforms[0] = { ...body.materials.platforms[0], ...NEW_CERT };
    const draft = await call(a.app, host, 'POST', '/api/host/applications', { ...body, submitterOrgId: await orgId(a.t.db, CLOUD) }, 201);
    await call(a.app, host, 'POST', `/api/host/applications/${draft.id}/submit`, {});
    await toBureau(a, host, provider, draft.id, ['13800138002']);
    expect(await statusB(A2DP_CERT.md5)).toBe('filed');
    expect(await statusB(A2DP_CERT.md5)).toBe('filed'); // from B's cache now
    expect(await statusB(NEW_CERT.certMd5)).toBe('fingerprint_mismatch');
    await call(a.app, gd, 'POST', `/api/bureau/applications/${draft.id}/approve`);
    expect(await within(A2DP_CERT.md5, 'fingerprint_mismatch', 1000)).toBeLessThan(1000);
    expect(await within(NEW_CERT.certMd5, 'filed', 1000)).toBeLessThan(1000);
  });
});
