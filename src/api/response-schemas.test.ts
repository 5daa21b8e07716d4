// Every JSON route declares its answer in the OpenAPI document (clients generating code from it got
// `unknown` for the violation reports, the blacklist and most supervision routes). A response schema is
// also what the serializer keeps: fields it does not declare are dropped, and a value of another type
// is a 500. So each route given a schema is called here on the demo's data, and what it answers is
// compared with what its handler returned (the schema-less answer, JSON.stringify of the same value):
// every field that was there is still there, with the same value.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from '../../tests/auth.ts';
import { CLOUD, deliver, orgId, websiteMaterials } from '../../tests/filing.ts';
import { writeLegacyDuplicates } from '../../tests/legacy-duplicates.ts';
import { multipart } from '../../tests/multipart.ts';
import { KEY } from '../../tests/verify.ts';

/** The last answer serialized through a response schema: what the handler returned, and what was sent. */
const seen = vi.hoisted(() => ({ last: undefined as undefined | { method: string; url: string; raw: unknown; out: string } }));

vi.mock('fastify-type-provider-zod', async (importOriginal) => {
  const real = await importOriginal<typeof import('fastify-type-provider-zod')>();
  const serializerCompiler: typeof real.serializerCompiler = (route) => {
    const serialize = real.serializerCompiler(route);
    return (data: unknown) => {
      const out = serialize(data);
      seen.last = { method: route.method, url: route.url, raw: data, out };
      return out;
    };
  };
  return { ...real, serializerCompiler };
});

/** Every key path of a JSON value (array positions included), to name a field that went missing. */
function fieldPaths(v: unknown, at = ''): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => fieldPaths(x, `${at}[${i}]`));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => [`${at}.${k}`, ...fieldPaths(x, `${at}.${k}`)]);
  return [];
}

type Doc = { paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>> };
const operations = (doc: Doc) => Object.entries(doc.paths).flatMap(([p, item]) => Object.entries(item).map(([m, op]) => ({ id: `${m.toUpperCase()} ${p}`, op })));
const declares2xx = (op: Doc['paths'][string][string]) => Object.entries(op.responses ?? {}).some(([status, r]) => /^2/.test(status) && Object.values(r.content ?? {}).some((c) => c.schema));

/**
 * Routes that answer something other than JSON, so no JSON response schema describes them; each says what it sends.
 * Only such routes belong here: a JSON route gets a schema (and a case above), never an entry. Routes hidden from
 * the document (the web app's pages, /metrics, /api/openapi.json itself) are not in it to be walked.
 */
const NOT_JSON: Record<string, string> = {
  'GET /api/public/v1/services/{serviceNumber}/badge.svg': 'an SVG image',
  'GET /api/bureau/statistics.csv': 'text/csv',
  'POST /api/verify/v1/apps/stream': 'application/x-ndjson, one verdict a line, streamed',
  'GET /api/bureau/orders/{id}/items/{itemId}/attachments/{attachmentId}': 'the attached file, as uploaded',
  'GET /api/org/orders/{id}/items/{itemId}/attachments/{attachmentId}': 'the attached file, as uploaded',
};

let a: AuthTestApp;
let app: FastifyInstance;
let gd: Signed; let admin: Signed;
/** The routes (METHOD /api/path/{param}) each seen answering 2xx through its schema here. */
const exercised = new Set<string>();

beforeAll(async () => {
  a = await authTestApp({ supervisionDemo: true, demoLives: true });
  app = a.app;
  [gd, admin] = await Promise.all([signIn(app, 'gd.reviewer'), signIn(app, 'admin')]);
}, SETUP_TIMEOUT);
afterAll(async () => { await a?.close(); });

/** Calls a route, expects `status`, and that its schema kept every field (and value) the handler answered. */
async function call(method: 'GET' | 'POST' | 'DELETE', url: string, headers: Record<string, string>, payload?: object, status = 200, raw?: string | Buffer) {
  seen.last = undefined;
  const res = await app.inject({ method, url, headers, ...(payload ? { payload } : raw !== undefined ? { payload: raw } : {}) });
  const where = `${method} ${url}`;
  expect(res.statusCode, `${where}: ${res.body}`).toBe(status);
  expect(seen.last, `${where} answered without a response schema`).toBeDefined();
  if (status === 204) { // no content, with a schema or without
    expect(res.body, where).toBe('');
    exercised.add(`${seen.last!.method} ${seen.last!.url.replace(/:(\w+)/g, '{$1}')}`);
    return {};
  }
  const before = JSON.parse(JSON.stringify(seen.last!.raw)) as unknown; // Fastify's answer with no schema
  const after = res.json() as unknown;
  expect(fieldPaths(after).sort(), where).toEqual(fieldPaths(before).sort()); // the order of keys is no part of JSON's meaning
  expect(after, where).toEqual(before);
  if (status < 300) exercised.add(`${seen.last!.method} ${seen.last!.url.replace(/:(\w+)/g, '{$1}')}`);
  return after as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe('violation reports and the blacklist keep every field through their response schemas', () => {
  let publicReport: string; let orgReport: string;
  let serviceNumber: string;

  beforeAll(async () => {
    // A Guangdong service (the demo's a2dp.Vol): the Guangdong reviewer blacklists it, an organisation reports it.
    const [row] = await a.t.db.query<{ service_number: string }>(`select s.service_number from services s join app_platforms p on p.service_id = s.id where p.package_name = 'a2dp.Vol'`);
    serviceNumber = row!.service_number;
  });

  it('GET /api/bureau/violations (province, ministry, filtered) and one report, masked and in full', async () => {
    const page = await call('GET', '/api/bureau/violations', gd.headers);
    expect(page).toMatchObject({ total: expect.any(Number), page: 1, pageSize: 50 });
    expect(page.items.length).toBeGreaterThan(0);
    const all = await call('GET', '/api/bureau/violations?pageSize=100', admin.headers);
    await call('GET', '/api/bureau/violations?status=received&page=1&pageSize=2', gd.headers);
    const items = all.items as { id: string; reporterKind: string; provinceCode: string; serviceNumber: string }[];
    const pub = items.find((v) => v.reporterKind === 'public');
    const org = items.find((v) => v.reporterKind === 'organisation');
    expect(pub && org).toBeTruthy();
    publicReport = pub!.id; orgReport = org!.id;
    // A public reporter's name and contact: only to the bureau, only on public reports (optional fields).
    expect(Object.keys(items.find((v) => v.id === publicReport)!)).toEqual(expect.arrayContaining(['reporterName', 'reporterContact']));
    const masked = await call('GET', `/api/bureau/violations/${publicReport}?contact=masked`, admin.headers);
    expect(masked.steps.length).toBeGreaterThan(0);
    const full = await call('GET', `/api/bureau/violations/${publicReport}`, admin.headers);
    expect(full.reporterContact).not.toBe(masked.reporterContact);
    await call('GET', `/api/bureau/violations/${orgReport}`, admin.headers);
    // Problems keep their members (the schema is loose): code, requestId, errors.
    const missing = await call('GET', '/api/bureau/violations/7d1b2a8e-3c4f-4e5a-9b6c-0d1e2f3a4b5c', gd.headers, undefined, 404);
    expect(missing).toMatchObject({ code: 'violation_report_not_found', requestId: expect.any(String) });
    const bad = await call('GET', '/api/bureau/violations?status=nope', gd.headers, undefined, 400);
    expect(bad.errors[0].field).toBe('querystring.status');
  });

  it('the CSV exports still answer text/csv', async () => {
    for (const url of ['/api/bureau/violations?format=csv', '/api/bureau/blacklist?format=csv', '/api/org/violations?format=csv']) {
      const res = await app.inject({ method: 'GET', url, headers: url.startsWith('/api/org') ? KEY : admin.headers });
      expect([res.statusCode, res.headers['content-type']], url).toEqual([200, 'text/csv; charset=utf-8']);
      expect(res.body.split('\r\n').length, url).toBeGreaterThan(2);
    }
  });

  it('an organisation reports, follows and answers; the bureau asks for more and closes', async () => {
    const mine = await call('GET', '/api/org/violations', KEY);
    expect(mine.items.length).toBeGreaterThan(0);
    await call('GET', `/api/org/violations/${mine.items[0].id}`, KEY);
    const made = await call('POST', '/api/org/violations', KEY, { serviceNumber, category: 'privacy', description: '超范围收集通讯录', evidence: '截图 3 张', stoppedAt: '2026-03-01T08:00:00+08:00' }, 201);
    expect(made).toEqual({ id: expect.any(String), serviceNumber });
    const asked = await call('POST', `/api/bureau/violations/${made.id}/steps`, gd.headers, { action: 'request_more', note: '请补充截图' });
    expect(asked).toEqual({ id: made.id, status: 'more_requested', orderIds: [] });
    await call('POST', `/api/org/violations/${made.id}/more`, KEY, { note: '已补充' });
    const detail = await call('GET', `/api/org/violations/${made.id}`, KEY);
    expect(detail.steps.map((s: { action: string }) => s.action)).toEqual(['reported', 'request_more', 'provide_more']);
    expect(detail).not.toHaveProperty('reporterContact');
    const ordered = await call('POST', `/api/bureau/violations/${made.id}/steps`, gd.headers, { action: 'order_disposal', note: '限期下架', order: { measure: 'take_down', dueInWorkingDays: 5 } });
    expect(ordered.orderIds).toHaveLength(1);
    await call('POST', `/api/bureau/violations/${made.id}/steps`, gd.headers, { action: 'close', note: '已处置' });
    await call('POST', `/api/bureau/violations/${made.id}/steps`, gd.headers, { action: 'close', note: '再次关闭' }, 409);
  });

  it('GET /api/bureau/organisations', async () => {
    const orgs = await call('GET', '/api/bureau/organisations', gd.headers);
    expect(orgs.items[0]).toEqual({ id: expect.any(String), name: expect.any(String), kind: expect.any(String), measures: expect.any(Array) });
  });

  it('the blacklist: paged lists, a new certificate + package entry, its history, lifting it', async () => {
    const page = await call('GET', '/api/bureau/blacklist', admin.headers);
    expect(page).toMatchObject({ page: 1, pageSize: 50, total: page.items.length });
    expect(page.items.length).toBeGreaterThan(1);
    await call('GET', '/api/bureau/blacklist', gd.headers);
    await call('GET', '/api/bureau/blacklist?active=false', admin.headers);
    await call('GET', '/api/bureau/blacklist?active=true&page=1&pageSize=1', gd.headers);
    const added = await call('POST', '/api/bureau/blacklist', gd.headers, { serviceNumber, kinds: ['certificate', 'package'], untilOn: '2027-03-01', category: 'illegal', reason: '违规' }, 201);
    expect(added.ids.length).toBeGreaterThan(0);
    const now = await call('GET', '/api/bureau/blacklist?pageSize=500', admin.headers);
    const certificate = now.items.find((e: { kind: string }) => e.kind === 'certificate');
    if (certificate) expect(certificate.value).toBeNull(); // the subject's name, never the number
    const history = await call('GET', `/api/bureau/blacklist/${added.ids[0]}/history`, gd.headers);
    expect(history.items[0]).toMatchObject({ action: 'add' });
    const lifted = await call('POST', `/api/bureau/blacklist/${added.ids[0]}/lift`, gd.headers, { reason: '复核后解除' });
    expect(lifted).toEqual({ id: added.ids[0], liftedAt: expect.any(String) });
    await call('GET', `/api/bureau/blacklist/${added.ids[0]}/history`, gd.headers);
    await call('POST', `/api/bureau/blacklist/${added.ids[0]}/lift`, gd.headers, { reason: '再次' }, 409);
  });
});

describe('notices keep every field through their response schemas', () => {
  it.each([['org'], ['bureau'], ['host']] as const)('GET and POST /api/%s/notifications', async (audience) => {
    const headers = audience === 'org' ? KEY : audience === 'bureau' ? gd.headers : (await signIn(app, 'host@demo.beian.test')).headers;
    // The demo leaves the bureaus none: one as the shell sweep writes it (src/notify/record-notices.ts).
    if (audience === 'bureau') {
      await a.t.db.query(`insert into notifications (organisation_id, event, title, body, created_at)
        select id, 'service.shell', '发现空壳备案', '本省新发现 2 个空壳备案', now() from organisations where kind = 'bureau' and province_code = '440000'`);
    }
    const page = await call('GET', `/api/${audience}/notifications`, headers);
    expect(page.items.length, audience).toBeGreaterThan(0);
    await call('GET', `/api/${audience}/notifications?unread=true&pageSize=1`, headers);
    const read = await call('POST', `/api/${audience}/notifications/read`, headers, { ids: [page.items[0].id] });
    expect(read.read + read.already).toBe(1);
    await call('GET', `/api/${audience}/notifications`, headers); // a read notice: readAt set
    await call('POST', `/api/${audience}/notifications/read`, headers, { ids: [2 ** 31 - 1] }, 404);
  });
});

describe('legacy duplicates keep every field through their response schemas', () => {
  it('listed, an order item kept, an iOS pair settled by the ministry', async () => {
    const legacy = await writeLegacyDuplicates(a.t.db);
    const listed = await call('GET', '/api/bureau/legacy-duplicates', admin.headers);
    expect(listed.orderItems.length && listed.iosFilings.length).toBeTruthy();
    // The later order of the pair issued by the ministry (no province): the bureau's list says `mine: null` for its item.
    await a.t.db.query(`update disposal_orders set province_code = null where id = (select order_id from disposal_order_items where id = $1)`, [legacy.dupId]);
    const bureau = await signIn(app, legacy.item.province_code === '440000' ? 'gd.reviewer' : legacy.item.province_code === '330000' ? 'zj.reviewer' : 'bj.reviewer');
    const theirs = await call('GET', '/api/bureau/legacy-duplicates', bureau.headers);
    const pair = theirs.orderItems.find((f: { findingId: string }) => f.findingId === legacy.item.finding_id);
    expect(pair.items.find((i: { id: string }) => i.id === legacy.dupId).mine).toBeNull();
    await a.t.db.query(`update disposal_orders set province_code = $2 where id = (select order_id from disposal_order_items where id = $1)`, [legacy.dupId, legacy.item.province_code]);
    await call('GET', '/api/bureau/legacy-duplicates', gd.headers);
    const kept = await call('POST', `/api/bureau/legacy-duplicates/order-items/${legacy.item.id}/keep`, admin.headers, { reason: '以先下发的通知为准' });
    expect(kept).toMatchObject({ id: legacy.item.id, withdrawn: [legacy.dupId] });
    const ios = await call('POST', `/api/bureau/legacy-duplicates/ios-filings/${legacy.upperId}/keep`, admin.headers, { reason: '经核实', category: 'other' });
    expect(ios.revoked).toHaveLength(1);
    await call('POST', `/api/bureau/legacy-duplicates/order-items/${legacy.item.id}/keep`, admin.headers, { reason: '再次' }, 409);
  });
});

describe('campaigns, findings, rounds and orders keep every field through their response schemas', () => {
  it('the demo\'s campaigns, findings, rounds, orders and histories, as the bureau and the organisations read them', async () => {
    for (const who of [admin, gd]) {
      const campaigns = await call('GET', '/api/bureau/campaigns', who.headers);
      for (const c of campaigns.items as { id: string }[]) {
        await call('GET', `/api/bureau/campaigns/${c.id}`, who.headers);
        await call('GET', `/api/bureau/campaigns/${c.id}/findings?pageSize=500`, who.headers);
        await call('GET', `/api/bureau/campaigns/${c.id}/rounds`, who.headers);
        await call('GET', `/api/bureau/campaigns/${c.id}/history`, who.headers);
      }
      const orders = await call('GET', '/api/bureau/orders?pageSize=500', who.headers);
      for (const o of orders.items as { id: string }[]) await call('GET', `/api/bureau/orders/${o.id}/history`, who.headers);
    }
    const mine = await call('GET', '/api/org/campaigns', KEY);
    expect(mine.items.length).toBeGreaterThan(0);
    for (const c of mine.items as { id: string }[]) {
      await call('GET', `/api/org/campaigns/${c.id}`, KEY);
      await call('GET', `/api/org/campaigns/${c.id}/findings`, KEY);
    }
    const orders = await call('GET', '/api/org/orders', KEY);
    expect(orders.items.length).toBeGreaterThan(0);
    for (const o of orders.items as { id: string }[]) await call('GET', `/api/org/orders/${o.id}/history`, KEY);
    await call('GET', '/api/bureau/campaigns/7d1b2a8e-3c4f-4e5a-9b6c-0d1e2f3a4b5c', gd.headers, undefined, 404);
  });

  it('a campaign run through: opened, a catalogue, a round, notified, ordered, objected, upheld, withdrawn, evidence, done, accepted, reopened, re-dated, extended, ended', async () => {
    const c = await call('POST', '/api/bureau/campaigns', gd.headers, { name: '对照检查', kind: 'inspection', orgKinds: ['platform'], startsOn: '2026-03-01', catalogueDueOn: '2026-03-20', endsOn: '2026-06-30' }, 201);
    const lines = ['one', 'two', 'three', 'four'].map((n, i) => JSON.stringify({ platform: 'android', packageName: `com.unfiled.${n}`, fingerprint: String(i + 1).repeat(64), appName: `未备案${n}`, downloads: 10 * i }));
    const up = await call('POST', `/api/org/campaigns/${c.id}/catalogue`, { ...KEY, 'content-type': 'application/x-ndjson' }, undefined, 201, `${[...lines, '{"platform": "android"'].join('\n')}\n`);
    expect(up.errors.length).toBe(1);
    await call('GET', `/api/org/campaigns/${c.id}`, KEY);
    const findings = (await call('GET', `/api/bureau/campaigns/${c.id}/findings`, gd.headers)).items as { id: string; packageName: string }[];
    expect(findings).toHaveLength(4);
    await call('POST', `/api/bureau/campaigns/${c.id}/rounds`, gd.headers, { filter: {}, respondBy: '2026-03-10' }, 201);
    await call('POST', `/api/org/findings/${findings[0]!.id}/notified`, KEY);
    await call('POST', '/api/org/findings/notified', KEY, { findingIds: findings.map((f) => f.id) });
    const issued = await call('POST', '/api/bureau/orders', gd.headers, { findingIds: findings.map((f) => f.id), measure: 'take_down', dueInWorkingDays: 5, reason: '未备案应用仍在分发' }, 201);
    const orderId = issued.orders[0].id as string;
    const listed = (await call('GET', `/api/org/orders?campaignId=${c.id}`, KEY)).items[0].items as { id: string; packageName: string }[];
    const item = (n: string) => `/api/ORG/orders/${orderId}/items/${listed.find((i) => i.packageName === `com.unfiled.${n}`)!.id}`;
    const org = (n: string, action: string) => item(n).replace('ORG', 'org') + `/${action}`;
    const bureau = (n: string, action: string) => item(n).replace('ORG', 'bureau') + `/${action}`;
    await call('POST', org('one', 'objection'), KEY, { ground: 'more_time', note: '开发者已承诺 3 月 20 日前完成备案', requestedDueOn: '2026-03-20' });
    await call('POST', bureau('one', 'uphold'), gd.headers, { reason: '同意延期', dueInWorkingDays: 8 });
    await call('POST', org('two', 'objection'), KEY, { ground: 'not_ours', note: '该应用不在本平台' });
    await call('POST', bureau('two', 'withdraw'), gd.headers, { reason: '核实后撤回' });
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('takedown screenshot')]);
    const file = multipart('下架截图.png', png);
    await call('POST', org('three', 'attachments'), { ...KEY, ...file.headers }, undefined, 201, file.payload);
    await call('POST', org('three', 'done'), KEY, { evidence: '已下架', attachments: [{ name: '公告', url: 'https://market.example/notice/1' }] });
    await call('POST', bureau('three', 'accept'), gd.headers);
    await call('POST', org('four', 'done'), KEY, { evidence: '已下架' });
    await call('POST', bureau('four', 'reopen'), gd.headers, { reason: '仍可下载' });
    await call('POST', `/api/bureau/orders/${orderId}/due`, gd.headers, { dueInWorkingDays: 12, reason: '统一延期' });
    await call('GET', `/api/bureau/orders?campaignId=${c.id}`, gd.headers);
    await call('GET', `/api/org/orders?campaignId=${c.id}`, KEY); // files, attachments, objections, answers
    await call('GET', `/api/bureau/orders/${orderId}/history`, gd.headers);
    await call('GET', `/api/org/orders/${orderId}/history`, KEY);
    await call('GET', `/api/bureau/campaigns/${c.id}`, gd.headers);
    await call('GET', `/api/bureau/campaigns/${c.id}/rounds`, gd.headers);
    await call('POST', `/api/bureau/campaigns/${c.id}/extend`, gd.headers, { endsOn: '2026-07-31', reason: '延长检查' });
    await call('POST', `/api/bureau/campaigns/${c.id}/end`, gd.headers, { reason: '提前结束' });
    await call('POST', `/api/bureau/campaigns/${c.id}/end`, gd.headers, { reason: '再次' }, 409);
    await call('GET', `/api/bureau/campaigns/${c.id}/history`, gd.headers);
    await call('GET', '/api/org/campaigns', KEY);
  });
});

describe('the working-day calendar keeps every field through its response schemas', () => {
  it('counts, overrides added and removed, a schedule previewed and imported, the imports and the check', async () => {
    await call('GET', '/api/calendar/working-days?start=2025-09-25&n=20', {});
    await call('GET', '/api/calendar/working-days?start=2026-12-20&n=20&province=440000', {}); // provisional past the official years
    await call('GET', '/api/calendar/working-days-between?a=2026-01-01&b=2028-01-01', {});
    await call('GET', '/api/calendar/working-days-between?a=2026-01-01&b=2030-01-01', {}, undefined, 400);
    const added = await call('POST', '/api/admin/calendar-overrides', admin.headers, { day: '2026-11-04', kind: 'holiday', note: '演示' }, 201);
    await call('POST', '/api/admin/calendar-overrides', gd.headers, { day: '2026-11-05', kind: 'workday', provinceCode: '440000' }, 201);
    await call('GET', '/api/admin/calendar-overrides', gd.headers);
    await call('DELETE', `/api/admin/calendar-overrides/${added.id}`, admin.headers, undefined, 204);
    const schedule = { content: JSON.stringify({ year: 2027, holidays: ['2027-01-01', '2027-01-02', '2027-01-03', '2027-02-05', '2027-02-06'], workdays: ['2027-01-31'] }), source: '2027.json' };
    const preview = await call('POST', '/api/admin/calendar-imports/preview', admin.headers, schedule);
    expect(preview.days.length).toBeGreaterThan(0);
    await call('POST', '/api/admin/calendar-imports', admin.headers, schedule, 201);
    await call('GET', '/api/admin/calendar-imports', admin.headers);
    await call('GET', '/api/admin/calendar-check', gd.headers);
  });
});

describe('a host\'s filing routes keep every field through their response schemas', () => {
  it('subjects, submitters, identity verification, an SMS code sent again', async () => {
    const host = await signIn(app, 'host@demo.beian.test');
    const subjects = await call('GET', '/api/host/subjects', host.headers);
    expect(subjects.items.length).toBeGreaterThan(0);
    await call('GET', '/api/host/submitters', host.headers);
    await call('GET', '/api/host/submitters?serviceType=app', host.headers);
    await call('GET', `/api/host/submitters?subjectId=${subjects.items[0].id}`, host.headers);
    const cloud = await orgId(a.t.db, CLOUD);
    const created = await app.inject({ method: 'POST', url: '/api/host/applications', headers: host.headers, payload: { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud) } });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const tasks = await call('POST', `/api/host/applications/${id}/identity-verification`, host.headers);
    expect(tasks.tasks.length).toBeGreaterThan(0);
    expect((await app.inject({ method: 'POST', url: `/api/host/applications/${id}/submit`, headers: host.headers, payload: {} })).statusCode).toBe(200);
    const provider = await signIn(app, 'provider.demo');
    expect((await app.inject({ method: 'POST', url: `/api/provider/applications/${id}/approve`, headers: provider.headers, payload: {} })).statusCode).toBe(200);
    await deliver(a);
    const check = (await app.inject({ method: 'GET', url: `/api/host/applications/${id}`, headers: host.headers })).json().smsChecks[0] as { id: string };
    const soon = await call('POST', `/api/host/applications/${id}/sms/resend`, host.headers, { challengeId: check.id }, 429);
    expect(soon.retryAfterSeconds).toBeGreaterThan(0); // the problem's own member, kept
    a.clock.advance(61);
    const again = await call('POST', `/api/host/applications/${id}/sms/resend`, host.headers, { challengeId: check.id });
    expect(again).toMatchObject({ challengeId: check.id, sends: 2, resendsLeft: 1, expiresAt: expect.any(String) });
  });
});

describe('the OpenAPI document', () => {
  let doc: Doc;
  beforeAll(async () => { doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as Doc; });

  it('declares a 2xx JSON response for every route that answers JSON (NOT_JSON lists the others, each saying what it sends)', () => {
    const missing = operations(doc).filter(({ id, op }) => !declares2xx(op) && !(id in NOT_JSON)).map(({ id }) => id);
    expect(missing).toEqual([]);
    // The allow-list stays honest: every entry is a route that exists.
    const ids = new Set(operations(doc).map(({ id }) => id));
    expect(Object.keys(NOT_JSON).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('every route given a schema in this file was seen answering 2xx through it', () => {
    const checked = operations(doc).map(({ id }) => id).filter((id) => /^(GET|POST|DELETE) \/api\/(calendar\/|admin\/calendar|host\/(subjects|submitters|applications\/\{id\}\/(identity-verification|sms\/resend))$|bureau\/(violations|blacklist|organisations|legacy-duplicates|campaigns|orders)|org\/(violations|campaigns|findings|orders)|(org|bureau|host)\/notifications)/.test(id));
    expect(checked.filter((id) => !exercised.has(id) && !(id in NOT_JSON))).toEqual([]);
  });
});
