// Supervision contracts 6–7 (issue 14): violation reports (organisation and public), triage to
// a disposal order and a revocation with a public category, the blacklist refusing a new
// filing without naming the other party, lifting early — and the denials.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from '../../../tests/auth.ts';
import { appMaterials, call, CLOUD, orgId } from '../../../tests/filing.ts';
import { A2DP_CERT, KEY } from '../../../tests/verify.ts';
import { BlacklistedError } from '../../domain/supervision/blacklist.ts';
import { checkBlacklist } from '../../flows/supervision/blacklist-check.ts';
import { type EmailPayload, openEmail } from '../../notify/outbox.ts';

describe('supervision: violation reports, revocation categories, blacklist', () => {
  let a: AuthTestApp;
  let gd: Signed; let zj: Signed; let admin: Signed; let provider: Signed; let host: Signed;
  let reportId: string;
  let a2dpNumber: string;
  const post = (url: string, headers: Record<string, string>, payload?: unknown) => a.app.inject({ method: 'POST', url, headers, payload: payload as object });
  const get = (url: string, headers: Record<string, string>) => a.app.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    a = await authTestApp();
    [gd, zj, admin, provider, host] = await Promise.all(['gd.reviewer', 'zj.reviewer', 'admin', 'provider.demo', 'host@demo.beian.test'].map((l) => signIn(a.app, l))) as [Signed, Signed, Signed, Signed, Signed];
    const [s] = await a.t.db.query<{ service_number: string }>(`select s.service_number from services s join app_platforms p on p.service_id = s.id where p.package_name = 'a2dp.Vol'`);
    a2dpNumber = s!.service_number;
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('6. an organisation reports by APP identity; the host\'s bureau triages; the reporter sees every step', async () => {
    const body = { platform: 'android', packageName: 'a2dp.Vol', fingerprint: A2DP_CERT.md5, category: 'fraud', description: '应用内诱导用户充值后无法退款', evidence: '用户投诉 12 起', measuresTaken: '已暂停分发', stoppedAt: '2026-03-01T08:00:00+08:00' };
    expect((await post('/api/org/violations', gd.headers, body)).statusCode).toBe(403);
    expect((await post('/api/org/violations', KEY, { ...body, packageName: 'com.nobody.here' })).json()).toMatchObject({ code: 'service_not_found', errors: [{ field: 'body.packageName' }] });
    expect((await post('/api/org/violations', KEY, { category: 'fraud', description: 'x' })).statusCode).toBe(400);
    // A malformed service number is bad input naming the field (it was 404 service_not_found, as if never filed);
    // a well-formed one never filed stays 404.
    for (const [n, code] of [['hello', 'filing_number_format'], ['粤ICP备2024000001号', 'filing_number_not_service']] as const) {
      const bad = await post('/api/org/violations', KEY, { serviceNumber: n, category: 'fraud', description: 'x' });
      expect([bad.statusCode, bad.headers['content-type']], n).toEqual([400, expect.stringMatching(/^application\/problem\+json/)]);
      expect(bad.json()).toMatchObject({ code, errors: [{ field: 'body.serviceNumber', code }] });
    }
    expect((await post('/api/org/violations', KEY, { serviceNumber: '粤ICP备2024999999号-1A', category: 'fraud', description: 'x' })).json()).toMatchObject({ code: 'service_not_found', errors: [{ field: 'body.serviceNumber' }] }); // named as the malformed one is (body.…)
    // A counterfeit (the filed package name, another certificate) is not the filed APP: refused, nothing reported.
    const fake = await post('/api/org/violations', KEY, { ...body, fingerprint: 'cd'.repeat(16) });
    expect(fake.statusCode).toBe(400);
    expect(fake.json()).toMatchObject({ code: 'fingerprint_mismatch', errors: [{ field: 'body.fingerprint', code: 'fingerprint_mismatch' }] });
    expect((await post('/api/org/violations', KEY, { ...body, fingerprint: 'not hex' })).json()).toMatchObject({ errors: [{ field: 'body.fingerprint', code: 'fingerprint_charset' }] });
    expect((await a.t.db.query('select 1 from violation_reports')).length).toBe(0);
    const res = await post('/api/org/violations', KEY, body);
    expect(res.statusCode).toBe(201);
    expect(res.json().serviceNumber).toBe(a2dpNumber);
    reportId = res.json().id;
    expect((await get('/api/bureau/violations', zj.headers)).json().total).toBe(0);
    expect((await get(`/api/bureau/violations/${reportId}`, zj.headers)).statusCode).toBe(404);
    expect((await get(`/api/org/violations/${reportId}`, provider.headers)).statusCode).toBe(404);
    expect((await get('/api/bureau/violations', gd.headers)).json().items[0]).toMatchObject({ id: reportId, status: 'received', reporterOrganisation: '示例应用市场', category: 'fraud' });
    const steps = `/api/bureau/violations/${reportId}/steps`;
    expect((await post(steps, zj.headers, { action: 'close', note: 'x' })).statusCode).toBe(404);
    expect((await post(steps, gd.headers, { action: 'request_more' })).json().errors[0].field).toBe('body.note');
    expect((await post(steps, gd.headers, { action: 'request_more', note: '请补充充值记录截图' })).json().status).toBe('more_requested');
    expect((await post(`/api/org/violations/${reportId}/more`, provider.headers, { note: 'x' })).statusCode).toBe(404);
    expect((await post(`/api/org/violations/${reportId}/more`, KEY, { note: '截图已上传至证据库 #889' })).json().status).toBe('received');
    const ordered = await post(steps, gd.headers, { action: 'order_disposal', note: '立即下架', order: { measure: 'take_down', dueInWorkingDays: 2 } });
    expect(ordered.json()).toMatchObject({ status: 'disposal_ordered', orderIds: [expect.any(String)] });
    const orders = (await get('/api/org/orders', KEY)).json().items;
    expect(orders).toEqual([expect.objectContaining({ violationId: reportId, measure: 'take_down', dueOn: '2026-03-04', items: [expect.objectContaining({ serviceNumber: a2dpNumber })] })]);
    // The bureau lists the orders a report led to (its detail's "orders" part); another province's bureau sees none.
    const fromReport = (await get(`/api/bureau/orders?violationId=${reportId}`, gd.headers)).json();
    expect(fromReport.items.map((o: { id: string }) => o.id)).toEqual(ordered.json().orderIds);
    expect((await get(`/api/bureau/orders?violationId=${reportId}`, zj.headers)).json().items).toEqual([]);
    expect((await get(`/api/bureau/orders?violationId=00000000-0000-4000-8000-000000000000`, gd.headers)).json().items).toEqual([]);
    expect((await post(steps, gd.headers, { action: 'revoke', note: '核实提供虚假材料' })).json().errors[0].field).toBe('body.category');
    const revoked = await post(steps, gd.headers, { action: 'revoke', note: '核实主体提供虚假材料（内部编号 GD-2026-17）', category: 'false_materials' });
    expect(revoked.json().status).toBe('revoked');
    expect((await post(steps, gd.headers, { action: 'close', note: '结案' })).statusCode).toBe(409);
    const mine = (await get(`/api/org/violations/${reportId}`, KEY)).json();
    expect(mine.steps.map((s: { action: string }) => s.action)).toEqual(['reported', 'request_more', 'provide_more', 'order_disposal', 'revoke']);
    // The public sees the category, never the private text.
    const rec = await get(`/api/public/v1/services/${encodeURIComponent(a2dpNumber)}`, {});
    expect(rec.json()).toMatchObject({ status: 'revoked', revocationCategory: 'false_materials' });
    expect(rec.body).not.toContain('GD-2026-17');
    const v = await a.app.inject({ method: 'POST', url: '/api/verify/v1/apps', headers: KEY, payload: { items: [{ platform: 'android', packageName: 'a2dp.Vol', fingerprint: A2DP_CERT.md5 }] } });
    expect(v.json().results[0].status).toBe('revoked');
    // The supervision dashboard's figures gain the province's reports and disposals.
    const stats = (await get('/api/bureau/statistics', gd.headers)).json();
    expect(stats.supervision).toMatchObject({ violations: { received: 0, more_requested: 0, disposal_ordered: 0, revoked: 1, closed: 0 }, disposals: { items: 1, open: 1, done: 0, accepted: 0, overdue: 0 } });
    expect(stats.supervision.perDay.at(-1)).toMatchObject({ violationsReported: 1, violationsDecided: 2, disposalsOrdered: 1, disposalsDone: 0 });
    expect((await get('/api/bureau/statistics', zj.headers)).json().supervision.disposals.items).toBe(0);
  });

  it('6b. the public reports from the record page: contact sealed, seen by the bureau only, rate-limited', async () => {
    const [ledger] = await a.t.db.query<{ service_number: string }>(`select s.service_number from services s join app_platforms p on p.service_id = s.id where p.package_name = 'com.example.ledger' limit 1`);
    const url = `/api/public/v1/services/${encodeURIComponent(ledger!.service_number)}/reports`;
    const body = { category: 'privacy', description: '应用未经同意收集通讯录信息', name: '刘先生', contact: '13912345678' };
    expect((await post(url, {}, { ...body, contact: 'not-a-contact' })).json().errors[0].field).toBe('body.contact');
    const res = await post(url, {}, body);
    expect(res.statusCode).toBe(201);
    const [row] = await a.t.db.query<{ reporter_contact_enc: string }>('select reporter_contact_enc from violation_reports where id = $1', [res.json().id]);
    expect(row!.reporter_contact_enc).not.toContain('13912345678');
    // Masked in the list; in full on the one report, and that read is in the personal-data access log.
    const listed = (await get('/api/bureau/violations', zj.headers)).json().items.find((v: { id: string }) => v.id === res.json().id);
    expect(listed).toMatchObject({ reporterContact: '139****5678', reporterName: '刘先生' });
    const accesses = async () => a.t.db.query<{ actor_role: string; purpose: string; fields: string[] }>(
      `select actor_role, purpose, fields from personal_data_access where record_type = 'violation_report' and record_id = $1`, [res.json().id]);
    expect(await accesses()).toEqual([]);
    // The report's detail (the console's) keeps the contact masked and records nothing.
    const detail = (await get(`/api/bureau/violations/${res.json().id}?contact=masked`, zj.headers)).json();
    expect(detail).toMatchObject({ reporterContact: '139****5678', reporterName: '刘先生', description: body.description, steps: [{ action: 'reported', actorRole: 'public' }] });
    expect(await accesses()).toEqual([]);
    expect((await get(`/api/bureau/violations/${res.json().id}?contact=plain`, zj.headers)).json().errors[0].field).toBe('querystring.contact');
    const seen = (await get(`/api/bureau/violations/${res.json().id}`, zj.headers)).json();
    expect(seen).toMatchObject({ reporterKind: 'public', reporterContact: '13912345678', reporterName: '刘先生', steps: [{ action: 'reported', actorRole: 'public' }] });
    expect(await accesses()).toEqual([{ actor_role: 'bureau_reviewer', purpose: 'supervision', fields: ['reporterContact'] }]);
    const logged = (await get(`/api/admin/personal-data-access?recordType=violation_report&recordId=${res.json().id}`, admin.headers)).json();
    expect(logged.items).toMatchObject([{ recordType: 'violation_report', purpose: 'supervision', fields: ['reporterContact'], recordLabel: ledger!.service_number }]);
    // A public reporter can never answer a request for more: refused, the report stays as it was.
    const ask = await post(`/api/bureau/violations/${res.json().id}/steps`, zj.headers, { action: 'request_more', note: '请补充截图' });
    expect(ask.statusCode).toBe(400);
    expect(ask.json()).toMatchObject({ code: 'reporter_cannot_answer', errors: [{ field: 'body.action', code: 'public_reporter' }] });
    expect((await get(`/api/bureau/violations/${res.json().id}`, zj.headers)).json()).toMatchObject({ status: 'received', steps: [{ action: 'reported' }] });
    expect((await get(`/api/bureau/violations/${res.json().id}`, gd.headers)).statusCode).toBe(404);
    // The bureau orders the platform that distributes the APP to take it down (a public report's default is
    // the access provider, which can only stop access); the organisation is chosen from those that can be ordered.
    const orgs = (await get('/api/bureau/organisations', zj.headers)).json().items as { id: string; name: string; kind: string; measures: string[] }[];
    const market = orgs.find((o) => o.name === '示例应用市场')!;
    expect(market).toMatchObject({ kind: 'distribution_platform', measures: ['take_down', 'restrict_updates', 'shut_down'] });
    expect(orgs.map((o) => o.kind)).not.toContain('bureau');
    const steps = `/api/bureau/violations/${res.json().id}/steps`;
    const [bureauOrg] = await a.t.db.query<{ id: string }>(`select id from organisations where kind = 'bureau' limit 1`);
    for (const organisationId of [bureauOrg!.id, 'not-an-id']) {
      const bad = await post(steps, zj.headers, { action: 'order_disposal', note: '下架', order: { measure: 'take_down', dueInWorkingDays: 3, organisationId } });
      expect(bad.json()).toMatchObject({ code: 'order_invalid', errors: [{ field: 'body.order.organisationId', code: 'not_orderable' }] });
    }
    expect((await post(steps, zj.headers, { action: 'order_disposal', note: '下架', order: { measure: 'stop_access', dueInWorkingDays: 3, organisationId: market.id } })).json())
      .toMatchObject({ code: 'measure_not_for_organisation', errors: [{ field: 'body.order.measure', code: 'not_for_organisation_kind' }] }); // the order's rule, at the order's field
    const ordered = await post(steps, zj.headers, { action: 'order_disposal', note: '公众举报核实：应用违规收集个人信息，责令下架', order: { measure: 'take_down', dueInWorkingDays: 3, organisationId: market.id } });
    expect(ordered.json()).toMatchObject({ status: 'disposal_ordered', orderIds: [expect.any(String)] });
    const [order] = await a.t.db.query<{ organisation_id: string; measure: string; violation_id: string }>('select organisation_id, measure, violation_id from disposal_orders where id = $1', [ordered.json().orderIds[0]]);
    expect(order).toEqual({ organisation_id: market.id, measure: 'take_down', violation_id: res.json().id });
    expect((await post(`/api/public/v1/services/${encodeURIComponent('粤ICP备2024999999号-1A')}/reports`, {}, body)).statusCode).toBe(404);
    expect((await post(url, {}, body)).statusCode).toBe(429); // 3 a minute from one address
  });

  it('7. the blacklist refuses a new filing (kind and date, nobody\'s data) until lifted', async () => {
    const bl = { serviceNumber: a2dpNumber, kinds: ['certificate', 'package', 'domain'], untilOn: '2027-03-01', category: 'false_materials', reason: '提供虚假材料' };
    // Another province's service (and one never filed) is 404 naming the field as the malformed one is (body.…).
    expect((await post('/api/bureau/blacklist', zj.headers, bl)).json()).toMatchObject({ status: 404, code: 'service_not_found', errors: [{ field: 'body.serviceNumber' }] });
    // A malformed number is bad input naming the field (it was 404 service_not_found, as if never filed).
    for (const [n, code] of [['hello', 'filing_number_format'], ['粤ICP备2024000001号', 'filing_number_not_service']] as const) {
      const bad = await post('/api/bureau/blacklist', gd.headers, { ...bl, serviceNumber: n });
      expect([bad.statusCode, bad.headers['content-type']], n).toEqual([400, expect.stringMatching(/^application\/problem\+json/)]);
      expect(bad.json()).toMatchObject({ code, errors: [{ field: 'body.serviceNumber', code }] });
    }
    expect((await post('/api/bureau/blacklist', gd.headers, { ...bl, untilOn: '2026-01-01' })).json().errors[0].field).toBe('body.untilOn');
    const added = await post('/api/bureau/blacklist', gd.headers, bl);
    expect(added.statusCode).toBe(201);
    expect(added.json().ids).toHaveLength(3);
    expect((await post('/api/bureau/blacklist', gd.headers, bl)).json().ids).toEqual(added.json().ids); // no stacking
    const list = (await get('/api/bureau/blacklist?active=true', gd.headers)).json().items as { kind: string; value: string | null; subjectName: string; id: string }[];
    expect(list.find((e) => e.kind === 'certificate')).toMatchObject({ value: null, subjectName: '深圳市示例网络科技有限公司' });
    expect((await get('/api/bureau/blacklist', zj.headers)).json().items).toEqual([]);
    // A new application for the same package is refused at submission.
    const cloud = await orgId(a.t.db, CLOUD);
    const body = { serviceType: 'app', submitterOrgId: cloud, materials: appMaterials(cloud, 'a2dp.Vol') };
    const created = await call(a.app, host, 'POST', '/api/host/applications', body, 201);
    await call(a.app, host, 'POST', `/api/host/applications/${created.id}/identity-verification`);
    const refused = await post(`/api/host/applications/${created.id}/submit`, host.headers, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'blacklisted' });
    expect(refused.json().errors.map((e: { field: string }) => e.field)).toEqual(['platforms.0.packageName', 'platforms.1.packageName']);
    expect(refused.json().errors[0].message).toContain('(package)');
    expect(refused.json().errors[0].message).toContain('2027-03-01');
    expect(refused.body).not.toContain('深圳市示例网络科技有限公司');
    expect(refused.body).not.toContain(a2dpNumber);
    // The subject's certificate is matched by its keyed hash.
    const [demoSubject] = await a.t.db.query<{ certificate_number: string }>(`select certificate_number from subjects where name = '深圳市示例网络科技有限公司'`);
    await expect(checkBlacklist(a.t.db, a.t.sealer, null, { subject: { certificateNumber: demoSubject!.certificate_number } as never }, a.clock.now()))
      .rejects.toBeInstanceOf(BlacklistedError);
    // An iOS bundle ID is barred in any letter case (Apple treats them as one app); an Android package only as written.
    const respelt = (platform: 'ios' | 'android') => checkBlacklist(a.t.db, a.t.sealer, null, { platforms: [{ platform, packageName: 'A2DP.VOL' }] as never }, a.clock.now());
    await expect(respelt('ios')).rejects.toBeInstanceOf(BlacklistedError);
    await expect(respelt('android')).resolves.toBeUndefined();
    // Lifted early (reason required), the application goes through.
    const pkg = list.find((e) => e.kind === 'package')!;
    expect((await post(`/api/bureau/blacklist/${pkg.id}/lift`, zj.headers, { reason: 'x' })).statusCode).toBe(404);
    expect((await post(`/api/bureau/blacklist/${pkg.id}/lift`, gd.headers, { reason: ' ' })).statusCode).toBe(400);
    expect((await post(`/api/bureau/blacklist/${pkg.id}/lift`, admin.headers, { reason: '复核后解除' })).statusCode).toBe(200);
    expect((await post(`/api/bureau/blacklist/${pkg.id}/lift`, gd.headers, { reason: '再次' })).statusCode).toBe(409);
    expect((await post(`/api/host/applications/${created.id}/submit`, host.headers, {})).statusCode).toBe(200);
    const h = await a.t.db.query<{ action: string }>(`select action from history where entity_type = 'blacklist_entry' and entity_id = $1 order by id`, [pkg.id]);
    expect(h.map((x) => x.action)).toEqual(['add', 'add', 'lift']);
  });

  it('revocation by the existing route takes a public category (default: other)', async () => {
    const [ledger] = await a.t.db.query<{ service_number: string }>(`select s.service_number from services s join app_platforms p on p.service_id = s.id where p.package_name = 'com.example.ledger' limit 1`);
    const res = await post(`/api/bureau/services/${encodeURIComponent(ledger!.service_number)}/revoke`, zj.headers, { reason: '长期无法联系', category: 'shell_cleanup' });
    expect(res.json()).toMatchObject({ status: 'revoked', category: 'shell_cleanup' });
    expect((await get(`/api/public/v1/services/${encodeURIComponent(ledger!.service_number)}`, {})).json().revocationCategory).toBe('shell_cleanup');
    // The host is told in the console and by email, as for a cancellation: category, reason, and that the service must stop.
    const [n] = await a.t.db.query<{ title: string; body: string; email: string }>(
      `select n.title, n.body, u.email_enc as email from notifications n join users u on u.id = n.user_id where n.event = 'service.revoked' order by n.id desc limit 1`);
    expect(n!.title).toContain(ledger!.service_number);
    const mails = (await a.t.db.query<{ payload: EmailPayload }>(`select payload from outbox where channel = 'email' and payload->>'tag' = 'service.revoked' order by id`))
      .map((r) => openEmail(a.t.sealer, r.payload)).filter((m) => m.subject.includes(ledger!.service_number));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toBe(a.t.sealer.open(n!.email));
    expect(mails[0]!.text).toContain('空壳清理');
    expect(mails[0]!.text).toContain('长期无法联系');
    expect(mails[0]!.text).toContain('请停止提供该服务');
    expect(mails[0]!.text).toContain('第二十二条');
    expect((await post(`/api/bureau/services/x/revoke`, zj.headers, { reason: 'x', category: 'nonsense' })).statusCode).toBe(400);
  });
});
