// A return or a rejection names fields the host can fix in that application: a subject change
// carries only the subject, an access filing only its new access record. A reason about anything
// else (the service's description in a subject change, the APP's name in an access filing) sent the
// host to a wizard without that field — a dead end the demo itself showed (管局退回 变更主体 asking
// to fix 服务描述). Refused with a 400 naming the reason's field; nothing moves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertibleFrom, keptAccessRecords, reasonFieldEditable } from '../src/domain/lifecycle.ts';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from './auth.ts';
import { call, CLOUD, deliver, orgId, smsCode } from './filing.ts';

describe('review reasons name a field the application can change', () => {
  let h: AuthTestApp;
  let host: Signed; let wang: Signed; let provider: Signed; let zj: Signed; let cloud: string;

  beforeAll(async () => {
    h = await authTestApp();
    [host, wang, provider, zj] = await Promise.all(['host@demo.beian.test', 'wang@demo.beian.test', 'provider.demo', 'zj.reviewer'].map((l) => signIn(h.app, l))) as [Signed, Signed, Signed, Signed];
    cloud = await orgId(h.t.db, CLOUD);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); });

  const status = async (who: Signed, id: string) => (await call(h.app, who, 'GET', `/api/host/applications/${id}`)).status as string;

  it('the rule: the kind\'s groups, less what it keeps as filed', () => {
    expect(reasonFieldEditable('change_subject', 'subject.address')).toBe(true);
    expect(reasonFieldEditable('change_subject', 'service.description')).toBe(false);
    expect(reasonFieldEditable('change_subject', 'subject.provinceCode')).toBe(false); // no cross-province transfer
    expect(reasonFieldEditable('change_subject', 'subject.certificateNumber')).toBe(true); // 个人转企业 unlocks it
    // …for an individual's record only: a unit's certificate stays.
    expect(reasonFieldEditable('change_subject', 'subject.certificateNumber', { convertible: convertibleFrom('change_subject', { subject: { subjectType: 'individual' } }) })).toBe(true);
    expect(reasonFieldEditable('change_subject', 'subject.certificateNumber', { convertible: convertibleFrom('change_subject', { subject: { subjectType: 'unit' } }) })).toBe(false);
    expect(reasonFieldEditable('change_subject', 'subject.address', { convertible: false })).toBe(true);
    expect(reasonFieldEditable('add_access', 'access.1.ips')).toBe(true);
    expect(reasonFieldEditable('add_access', 'service.name')).toBe(false);
    expect(reasonFieldEditable('add_access', 'platforms.0.certSha1')).toBe(false);
    expect(reasonFieldEditable('new_service', 'subject.name')).toBe(false);
    expect(reasonFieldEditable('first_filing', 'subject.name')).toBe(true);
    expect(reasonFieldEditable('change_service', 'service.serviceType')).toBe(false);
    expect(reasonFieldEditable('change_service', 'platforms.0')).toBe(true);
    expect(reasonFieldEditable('first_filing', 'sms')).toBe(false); // the system's own reason, not a reviewer's
  });

  it('a subject change: the provider and the bureau cannot return it over a service field; over the address they can', async () => {
    const [{ id: subjectId }] = await h.t.db.query<{ id: string }>(`select id from subjects where main_number = '浙ICP备2024000001号'`) as [{ id: string }];
    const body = await call(h.app, host, 'GET', `/api/host/subjects/${subjectId}/materials`);
    body.materials.subject.address = '西湖区文三路9号示例中心3楼';
    const draft = await call(h.app, host, 'POST', '/api/host/applications', { ...body, submitterOrgId: cloud }, 201);
    await call(h.app, host, 'POST', `/api/host/applications/${draft.id}/submit`, {});

    const refused = await h.app.inject({ method: 'POST', url: `/api/provider/applications/${draft.id}/return`, headers: provider.headers,
      payload: { reasons: [{ field: 'subject.address', error: '未写到门牌号' }, { field: 'service.description', error: '说明过于笼统' }] } });
    expect(refused.statusCode, refused.body).toBe(400);
    // A subject change carries no service at all: the field is unknown to it (not merely kept as filed).
    expect(refused.json()).toMatchObject({ code: 'reason_field_unknown', errors: [{ field: 'body.reasons.1.field', code: 'reason_field_unknown' }] });
    expect(refused.json().errors).toHaveLength(1);
    expect(await status(host, draft.id)).toBe('provider_review');

    const returned = await call(h.app, provider, 'POST', `/api/provider/applications/${draft.id}/return`, { reasons: [{ field: 'subject.address', error: '未写到门牌号' }] });
    expect(returned.status).toBe('returned');

    // Resubmitted, approved by the provider, confirmed by the subject principal: the bureau has it.
    const mine = await call(h.app, host, 'GET', `/api/host/applications/${draft.id}`);
    await call(h.app, host, 'PUT', `/api/host/applications/${draft.id}`, { materials: { ...mine.materials, subject: { ...mine.materials.subject, address: '西湖区文三路9号示例中心3楼301室' } }, version: mine.version });
    await call(h.app, host, 'POST', `/api/host/applications/${draft.id}/submit`, {});
    await call(h.app, provider, 'POST', `/api/provider/applications/${draft.id}/approve`, {});
    await deliver(h);
    const pending = await call(h.app, host, 'GET', `/api/host/applications/${draft.id}`);
    const [check] = pending.smsChecks as { id: string }[];
    const verified = await call(h.app, host, 'POST', `/api/host/applications/${draft.id}/sms/verify`, { challengeId: check!.id, code: await smsCode(h.t.db, h.t.sealer, mine.materials.subject.principal.mobile) });
    expect(verified.status).toBe('bureau_review');

    const rejected = await h.app.inject({ method: 'POST', url: `/api/bureau/applications/${draft.id}/reject`, headers: zj.headers,
      payload: { reasons: [{ field: 'service.description', error: '说明与实际业务不符' }] } });
    expect(rejected.statusCode, rejected.body).toBe(400);
    expect(rejected.json()).toMatchObject({ code: 'reason_field_unknown', errors: [{ field: 'body.reasons.0.field' }] });
    expect(await status(host, draft.id)).toBe('bureau_review');
    // A unit's certificate stays as filed (only an individual becoming an enterprise changes it): a dead end too.
    expect(mine.materials.subject.subjectType).toBe('unit');
    const certificate = await h.app.inject({ method: 'POST', url: `/api/bureau/applications/${draft.id}/reject`, headers: zj.headers,
      payload: { reasons: [{ field: 'subject.certificateNumber', error: '证件号码有误' }] } });
    expect(certificate.statusCode, certificate.body).toBe(400);
    expect(certificate.json()).toMatchObject({ code: 'reason_field_not_editable', errors: [{ field: 'body.reasons.0.field' }] });
    expect(await status(host, draft.id)).toBe('bureau_review');
    expect((await call(h.app, zj, 'POST', `/api/bureau/applications/${draft.id}/reject`, { reasons: [{ field: 'subject.principal.email', error: '邮箱无法送达' }] })).status).toBe('bureau_rejected');
  });

  it('an access filing: not over the filed service or platforms, over the new access record', async () => {
    const [website] = await h.t.db.query<{ id: string }>(`select id from services where service_number = '京ICP备2025000001号-1'`);
    const body = await call(h.app, wang, 'GET', `/api/host/services/${website!.id}/materials`);
    body.applicationType = 'add_access';
    body.materials.access.push({ providerOrgId: cloud, accessMethod: 'cloud', serverLocation: '北京市', ips: ['198.51.100.31'], domains: [body.materials.service.domains[0]] });
    const draft = await call(h.app, wang, 'POST', '/api/host/applications', { ...body, submitterOrgId: cloud }, 201);
    await call(h.app, wang, 'POST', `/api/host/applications/${draft.id}/submit`, {});
    const refused = await h.app.inject({ method: 'POST', url: `/api/provider/applications/${draft.id}/return`, headers: provider.headers,
      payload: { reasons: [{ field: 'service.name', error: '名称过泛' }] } });
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json().errors).toEqual([expect.objectContaining({ field: 'body.reasons.0.field', code: 'reason_field_not_editable' })]);
    // The filed provider's access record (#1) stays as filed in an access filing: the host's wizard shows it
    // read-only and a changed one is refused as not_editable, so a reason about it is a dead end too.
    const filedRecord = await h.app.inject({ method: 'POST', url: `/api/provider/applications/${draft.id}/return`, headers: provider.headers,
      payload: { reasons: [{ field: 'access.1.ips', error: '新地址' }, { field: 'access.0.ips', error: '原接入地址有误' }] } });
    expect(filedRecord.statusCode, filedRecord.body).toBe(400);
    expect(filedRecord.json().errors).toEqual([expect.objectContaining({ field: 'body.reasons.1.field', code: 'reason_field_not_editable' })]);
    expect(await status(wang, draft.id)).toBe('provider_review');
    expect((await call(h.app, provider, 'POST', `/api/provider/applications/${draft.id}/return`, { reasons: [{ field: 'access.1.ips', error: '不是本公司分配的地址' }] })).status).toBe('returned');
  });

  it('an access filing keeps its filed access records by provider, wherever they stand in the list', () => {
    const materials = { access: [{ providerOrgId: 'new' }, { providerOrgId: 'old' }] };
    const kept = keptAccessRecords('add_access', ['old'], materials);
    expect([...kept]).toEqual([1]);
    expect(reasonFieldEditable('add_access', 'access.1.ips', { keptAccess: kept })).toBe(false);
    expect(reasonFieldEditable('add_access', 'access.0.ips', { keptAccess: kept })).toBe(true);
    // A service change may correct any access record of its providers.
    expect([...keptAccessRecords('change_service', ['old'], materials)]).toEqual([]);
  });
});
