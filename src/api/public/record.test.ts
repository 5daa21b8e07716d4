// The full record of a number, the subject endpoint, caching, CORS, and a scan of every public
// answer (records, subjects, searches, display badges) for personal data (issue 5, item 9;
// house rule 10), on PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT } from '../../../tests/auth.ts';
import { logCaughtUp, testLogKeys } from '../../../tests/db.ts';
import { DEMO_PEOPLE } from '../../db/seed/demo.ts';
import { DEMO, enc, publicGet } from './test-support.ts';

describe('GET /api/public/v1/services/{serviceNumber} and /subjects/{mainNumber}', () => {
  let a: AuthTestApp;
  beforeAll(async () => { a = await authTestApp(); }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  const record = (n: string, headers: Record<string, string> = {}) => publicGet(a.app, `/api/public/v1/services/${enc(n)}`, headers);

  it('answers the full record of an APP in one call', async () => {
    const res = await record(DEMO.a2dp);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      serviceNumber: DEMO.a2dp, mainNumber: DEMO.demoMain, serviceName: 'A2DP Volume', serviceType: 'app', status: 'filed',
      statusChangedAt: '2024-05-20T02:00:00.000Z', hostName: '深圳市示例网络科技有限公司', hostType: 'unit', hostNature: 'enterprise',
      approvedAt: '2024-05-20T02:00:00.000Z', lastApprovedAt: '2024-05-20T02:00:00.000Z', preApprovals: [], domains: [], homeUrl: null,
      platforms: [{ platform: 'android', packageName: 'a2dp.Vol' }],
      links: {
        self: `http://127.0.0.1:3000/api/public/v1/services/${enc(DEMO.a2dp)}`,
        page: `http://127.0.0.1:3000/record/${enc(DEMO.a2dp)}`,
        subject: `http://127.0.0.1:3000/api/public/v1/subjects/${enc(DEMO.demoMain)}`,
        badge: `http://127.0.0.1:3000/api/public/v1/services/${enc(DEMO.a2dp)}/badge.svg`,
      },
      snippets: {
        text: `<a href="http://127.0.0.1:3000/record/${enc(DEMO.a2dp)}" target="_blank" rel="noopener">${DEMO.a2dp}</a>`,
        badge: `<a href="http://127.0.0.1:3000/record/${enc(DEMO.a2dp)}" target="_blank" rel="noopener"><img src="http://127.0.0.1:3000/api/public/v1/services/${enc(DEMO.a2dp)}/badge.svg" alt="${DEMO.a2dp}" height="20"></a>`,
      },
      shellSince: null,
      events: [{ type: 'filed', on: '2024-05-20', logIndex: null }],
    });
  });

  it('answers a website with its domains and home page, in the same shape', async () => {
    const body = (await record(DEMO.demoWebsite)).json();
    expect(body).toMatchObject({ serviceType: 'website', domains: ['demo-tech.cn'], homeUrl: 'https://www.demo-tech.cn', platforms: [] });
    expect(Object.keys(body).sort()).toEqual(Object.keys((await record(DEMO.a2dp)).json()).sort());
  });

  it('finds a number typed loosely (full-width, spaces, lower case)', async () => {
    const res = await record(' 粤ICP备2024000001号－2a');
    expect(res.statusCode).toBe(200);
    expect(res.json().serviceNumber).toBe(DEMO.a2dp);
  });

  it('answers a revoked number with its status and date', async () => {
    expect((await record(DEMO.revokedGame)).json()).toMatchObject({ status: 'revoked', statusChangedAt: '2025-03-01T08:00:00.000Z', platforms: [{ platform: 'android', packageName: 'com.example.minigame' }] });
    // Loaded without history rows: the timeline dates the revocation by the status change.
    expect((await record(DEMO.revokedGame)).json().events).toEqual([{ type: 'filed', on: '2024-05-20', logIndex: null }, { type: 'revoked', on: '2025-03-01', logIndex: null }]);
  });

  it('answers 404 service_not_found for a number never filed', async () => {
    const res = await record('粤ICP备2024999999号-1A');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 404, code: 'service_not_found' });
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('answers 400 naming the field for what is not a service number', async () => {
    for (const [n, code] of [['hello', 'filing_number_format'], [DEMO.demoMain, 'filing_number_not_service'], ['京公网安备11010502030143号', 'filing_number_police']] as const) {
      const res = await record(n);
      expect(res.statusCode, n).toBe(400);
      expect(res.json()).toMatchObject({ code, errors: [{ field: 'params.serviceNumber', code }] });
    }
  });

  it('answers a subject with all its services; 404 subject_not_found otherwise', async () => {
    const res = await publicGet(a.app, `/api/public/v1/subjects/${enc(DEMO.demoMain)}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ mainNumber: DEMO.demoMain, hostName: '深圳市示例网络科技有限公司', hostType: 'unit', provinceCode: '440000', status: 'filed' });
    expect(body.services.map((s: { serviceNumber: string }) => s.serviceNumber)).toEqual([DEMO.demoWebsite, DEMO.a2dp, DEMO.demoMini]);
    const missing = await publicGet(a.app, `/api/public/v1/subjects/${enc('粤ICP备2024999999号')}`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('subject_not_found');
    expect((await publicGet(a.app, `/api/public/v1/subjects/${enc(DEMO.a2dp)}`)).json().errors[0]).toMatchObject({ field: 'params.mainNumber', code: 'filing_number_not_subject' });
  });

  it("masks an individual host's name everywhere, and does not find it by that name", async () => {
    expect((await record(DEMO.wangWebsite)).json().hostName).toBe('王**');
    const subject = (await publicGet(a.app, `/api/public/v1/subjects/${enc(DEMO.wangMain)}`)).json();
    expect(subject).toMatchObject({ hostName: '王**', hostType: 'individual' });
    expect(subject.services[0].hostName).toBe('王**');
    expect((await publicGet(a.app, `/api/public/v1/services?q=${enc('王小二')}`)).json().total).toBe(0);
    expect((await publicGet(a.app, `/api/public/v1/services?q=${enc('王')}`)).json().total).toBe(0);
  });

  it('revalidates: ETag and Last-Modified, 304 on If-None-Match or If-Modified-Since, 200 once changed', async () => {
    await logCaughtUp(a.t.db, testLogKeys()); // every event in the log: the record is settled
    const first = await record(DEMO.ledger);
    const { etag, 'last-modified': lastModified } = first.headers as Record<string, string>;
    expect(first.headers['cache-control']).toBe('public, max-age=60');
    expect((await record(DEMO.ledger, { 'if-none-match': etag! })).statusCode).toBe(304);
    expect((await record(DEMO.ledger, { 'if-none-match': `"other", ${etag!.replace(/^W\//, '')}` })).statusCode).toBe(304);
    expect((await record(DEMO.ledger, { 'if-modified-since': lastModified! })).statusCode).toBe(304);
    expect((await record(DEMO.ledger, { 'if-modified-since': 'Thu, 01 Jan 2015 00:00:00 GMT' })).statusCode).toBe(200);
    expect((await record(DEMO.ledger, { 'if-none-match': '"stale"', 'if-modified-since': lastModified! })).statusCode).toBe(200);
    await a.t.db.query(`update services set name = '示例记账Pro', updated_at = now() + interval '1 hour' where service_number = $1`, [DEMO.ledger]);
    const changed = await record(DEMO.ledger, { 'if-none-match': etag! });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect((await record(DEMO.ledger, { 'if-modified-since': lastModified! })).statusCode).toBe(200);
  });

  it('sends no Last-Modified while an event waits for the log (its logIndex will change the body), and does once it is in', async () => {
    await logCaughtUp(a.t.db, testLogKeys());
    const [svc] = await a.t.db.query<{ id: string }>('select id from services where service_number = $1', [DEMO.a2dp]);
    await a.t.db.query(`insert into history (entity_type, entity_id, action, actor_role) values ('service', $1, 'changed', 'system')`, [svc!.id]);
    const pending = await record(DEMO.a2dp);
    expect(pending.json().events.at(-1)).toMatchObject({ type: 'changed', logIndex: null });
    expect(pending.headers['last-modified']).toBeUndefined();
    expect(pending.headers.etag).toBeDefined();
    const subject = await publicGet(a.app, `/api/public/v1/subjects/${enc(DEMO.demoMain)}`);
    expect(subject.headers['last-modified']).toBeUndefined();
    await logCaughtUp(a.t.db, testLogKeys());
    const settled = await record(DEMO.a2dp, { 'if-none-match': pending.headers.etag as string });
    expect(settled.statusCode).toBe(200);
    expect(settled.json().events.at(-1).logIndex).toEqual(expect.any(Number));
    expect(settled.headers['last-modified']).toBeDefined();
  });

  it('a subject answers its own events and when its status was set: a change, then its cancellation, each with its log leaf', async () => {
    const [su] = await a.t.db.query<{ id: string }>('select id from subjects where main_number = $1', [DEMO.wangMain]);
    await a.t.db.query(`insert into history (entity_type, entity_id, action, actor_role, at) values ('subject', $1, 'changed', 'system', '2026-05-01T02:00:00Z')`, [su!.id]);
    await a.t.db.query(`insert into history (entity_type, entity_id, action, from_status, to_status, actor_role, at) values ('subject', $1, 'cancel', 'filed', 'cancelled', 'system', '2026-06-01T17:00:00Z')`, [su!.id]);
    await a.t.db.query(`update subjects set status = 'cancelled' where id = $1`, [su!.id]);
    await logCaughtUp(a.t.db, testLogKeys());
    const subject = (await publicGet(a.app, `/api/public/v1/subjects/${enc(DEMO.wangMain)}`)).json();
    expect(subject).toMatchObject({
      status: 'cancelled', statusChangedAt: '2026-06-01T17:00:00.000Z',
      events: [{ type: 'changed', on: '2026-05-01', logIndex: expect.any(Number) }, { type: 'cancelled', on: '2026-06-02', logIndex: expect.any(Number) }],
    });
    const [leaf] = await a.t.db.query<{ entry: string }>('select entry from log_leaves where leaf_index = $1', [subject.events[1].logIndex]);
    expect(JSON.parse(leaf!.entry)).toMatchObject({ type: 'cancelled', mainNumber: DEMO.wangMain });
  });

  it('is open to any web page: CORS on answers and preflight', async () => {
    const res = await record(DEMO.a2dp, { origin: 'https://shop.example' });
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-expose-headers']).toMatch(/ETag.*RateLimit-Remaining.*Retry-After/);
    const pre = await a.app.inject({ method: 'OPTIONS', url: `/api/public/v1/services?q=x`, headers: { origin: 'https://shop.example', 'access-control-request-method': 'GET' } });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(pre.headers['access-control-allow-methods']).toContain('GET');
    expect(pre.headers['access-control-allow-headers']).toMatch(/If-None-Match/);
    expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('links each record to a page the server answers (/record/{number}, the web app)', async () => {
    const page = new URL((await record(DEMO.a2dp)).json().links.page as string);
    const res = await a.app.inject({ method: 'GET', url: page.pathname });
    expect([200, 503]).toContain(res.statusCode); // 503: the web app is not built in this checkout
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });

  it('answers HEAD like GET without a body', async () => {
    const res = await a.app.inject({ method: 'HEAD', url: `/api/public/v1/services/${enc(DEMO.a2dp)}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    expect(res.headers.etag).toBeDefined();
  });

  it('never answers an ID number, phone number or email, in any public response', async () => {
    const secrets = Object.values(DEMO_PEOPLE).flatMap((p) => [p.certificateNumber, p.mobile, p.emergencyPhone, p.email].filter((v): v is string => Boolean(v)));
    secrets.push('host@demo.beian.test', '13800138000', '王小二');
    const services = await a.t.db.query<{ service_number: string }>('select service_number from services');
    const subjects = await a.t.db.query<{ main_number: string; name: string }>('select main_number, name from subjects');
    const urls = [
      ...services.map((s) => `/api/public/v1/services/${enc(s.service_number)}`),
      ...services.flatMap((s) => ['', '?lang=en'].map((lang) => `/api/public/v1/services/${enc(s.service_number)}/badge.svg${lang}`)),
      ...subjects.map((s) => `/api/public/v1/subjects/${enc(s.main_number)}`),
      ...[...subjects.flatMap((s) => [s.main_number, s.name]), ...secrets, '示例', '示', 'demo', '.cn', 'ICP', '138', '@'].map((q) => `/api/public/v1/services?q=${enc(q)}&pageSize=100`),
      '/api/public/v1/services?q=%E7%A4%BA%E4%BE%8B&type=app', '/api/public/v1/services/nonsense', '/api/public/v1/services?pageSize=1000',
      '/api/public/v1/services/nonsense/badge.svg', `/api/public/v1/services/${enc('粤ICP备2024999999号-1A')}/badge.svg`,
    ];
    expect(urls.filter((u) => u.includes('/badge.svg')).length).toBeGreaterThanOrEqual(2 * services.length);
    let scanned = 0;
    for (const url of urls) {
      const res = await publicGet(a.app, url);
      const text = `${JSON.stringify(res.headers)}\n${res.body}`;
      for (const s of secrets) expect(text.includes(s), `${url} reveals ${s}`).toBe(false);
      scanned += 1;
    }
    expect(scanned).toBeGreaterThan(20);
  });
});
