// The ministry's national read view: the queue (with deadlines), the statistics and the shells
// of every province, or of one by `province` (an unknown code is a 400 naming it); an application
// sent to a bureau read-only. A bureau keeps reading only its own province, whatever `province`
// says; the ministry decides nothing (approve, reject, notices stay the bureau's).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from '../../../tests/auth.ts';
import { DEMO_PEOPLE } from '../../db/seed/demo.ts';
import { appMaterials, call, CLOUD, fileToProvider, orgId, throughSms, websiteMaterials } from '../../../tests/filing.ts';

interface Item { id: string; provinceCode: string; deadlineOn: string | null; remainingWorkingDays: number | null }

describe('the ministry reads every province (read-only)', () => {
  let h: AuthTestApp;
  let host: Signed; let provider: Signed; let gd: Signed; let bj: Signed; let admin: Signed;
  let gdApp: string; let bjApp: string; let draft: string;
  const get = (who: Signed, url: string) => h.app.inject({ method: 'GET', url, headers: who.headers });

  beforeAll(async () => {
    h = await authTestApp();
    h.clock.set('2026-03-02T02:00:00Z'); // Monday
    [host, provider] = await Promise.all([signIn(h.app, 'host@demo.beian.test'), signIn(h.app, 'provider.demo')]);
    const cloud = await orgId(h.t.db, CLOUD);
    gdApp = await fileToProvider(h.app, host, { serviceType: 'app', submitterOrgId: cloud, materials: appMaterials(cloud) });
    await throughSms(h, host, provider, gdApp);
    h.clock.set('2026-03-03T02:00:00Z');
    [host, provider] = await Promise.all([signIn(h.app, 'host@demo.beian.test'), signIn(h.app, 'provider.demo')]);
    bjApp = await fileToProvider(h.app, host, { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud, '110000') });
    await throughSms(h, host, provider, bjApp);
    draft = (await call(h.app, host, 'POST', '/api/host/applications', { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud, '110000') }, 201)).id;
    // A shell in each of two provinces.
    for (const province of ['440000', '330000']) {
      await h.t.db.query(
        `update services set shell_since = '2026-01-05T02:00:00Z' where id = (select s.id from services s join subjects j on j.id = s.subject_id
           where j.province_code = $1 and s.status = 'filed' and s.service_type in ('website', 'app') and s.shell_since is null order by s.service_number limit 1)`, [province]);
    }
    [gd, bj, admin] = await Promise.all([signIn(h.app, 'gd.reviewer'), signIn(h.app, 'bj.reviewer'), signIn(h.app, 'admin')]);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); });

  it('the national queue holds two provinces\' applications with their deadlines, earliest first; `province` narrows it', async () => {
    const all = await call(h.app, admin, 'GET', '/api/bureau/applications');
    const ours = all.items.filter((i: Item) => [gdApp, bjApp].includes(i.id));
    expect(ours.map((i: Item) => [i.id, i.provinceCode])).toEqual([[gdApp, '440000'], [bjApp, '110000']]);
    for (const i of ours) expect(i.deadlineOn).toMatch(/^2026-03-\d\d$/);
    expect(new Set(all.items.map((i: Item) => i.provinceCode)).size).toBeGreaterThanOrEqual(2);
    const bjOnly = await call(h.app, admin, 'GET', '/api/bureau/applications?province=110000');
    expect(bjOnly.items.map((i: Item) => i.id)).toEqual([bjApp]);
    expect(bjOnly.total).toBe(1);
    // Drafts are nobody's queue, not even the ministry's.
    expect((await call(h.app, admin, 'GET', '/api/bureau/applications?status=draft')).items).toEqual([]);
  });

  it('refuses an unknown province, naming the parameter', async () => {
    for (const url of ['/api/bureau/applications?province=999999', '/api/bureau/statistics?province=44', '/api/bureau/shells?province=广东', '/api/bureau/statistics.csv?province=000000']) {
      const res = await get(admin, url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ code: 'unknown_province', errors: [{ field: 'querystring.province', code: 'unknown_province' }] });
    }
  });

  it('a bureau still sees only its own province: its `province` parameter is ignored', async () => {
    const q = await call(h.app, gd, 'GET', '/api/bureau/applications?province=110000');
    expect(q.items.map((i: Item) => i.provinceCode)).toContain('440000');
    expect(q.items.every((i: Item) => i.provinceCode === '440000')).toBe(true);
    expect(q.items.map((i: Item) => i.id)).toContain(gdApp);
    expect((await call(h.app, bj, 'GET', '/api/bureau/applications?province=440000')).items.map((i: Item) => i.id)).toEqual([bjApp]);
    // An unknown code too: ignored for a bureau, as before.
    expect((await get(gd, '/api/bureau/applications?province=999999')).statusCode).toBe(200);
  });

  it('statistics ignore a province parameter for a bureau; the ministry reads all provinces or one', async () => {
    expect(await call(h.app, gd, 'GET', '/api/bureau/statistics?province=110000')).toMatchObject({ provinceCode: '440000', queue: { total: 1 } });
    expect(await call(h.app, bj, 'GET', '/api/bureau/statistics?province=440000')).toMatchObject({ provinceCode: '110000', queue: { total: 1 } });
    const national = await call(h.app, admin, 'GET', '/api/bureau/statistics?from=2026-03-01&to=2026-03-03');
    expect(national).toMatchObject({ provinceCode: null, queue: { total: 2 } });
    expect(national.byServiceType.find((r: { serviceType: string }) => r.serviceType === 'app')).toMatchObject({ received: 1 });
    expect(national.byServiceType.find((r: { serviceType: string }) => r.serviceType === 'website')).toMatchObject({ received: 1 });
    expect(await call(h.app, admin, 'GET', '/api/bureau/statistics?province=110000')).toMatchObject({ provinceCode: '110000', queue: { total: 1 } });
    const csv = await get(admin, '/api/bureau/statistics.csv?from=2026-03-02&to=2026-03-03');
    expect(csv.statusCode).toBe(200);
    expect(csv.body.split('\r\n').slice(1, 3)).toEqual(['2026-03-02,1,0,0,0,0,0,0,0', '2026-03-03,1,0,0,0,0,0,0,0']);
  });

  it('lists the shells of every province, or one\'s; a bureau only its own', async () => {
    const all = (await call(h.app, admin, 'GET', '/api/bureau/shells')).items;
    expect([...new Set(all.map((s: { provinceCode: string }) => s.provinceCode))].sort()).toEqual(['330000', '440000']);
    const zj = (await call(h.app, admin, 'GET', '/api/bureau/shells?province=330000')).items;
    expect(zj.length).toBeGreaterThan(0);
    expect(zj.every((s: { provinceCode: string }) => s.provinceCode === '330000')).toBe(true);
    const gdShells = (await call(h.app, gd, 'GET', '/api/bureau/shells?province=330000')).items;
    expect(gdShells.length).toBeGreaterThan(0);
    expect(gdShells.every((s: { provinceCode: string }) => s.provinceCode === '440000')).toBe(true);
  });

  it('reads an application sent to a bureau read-only (no actions, personal data masked); not a draft', async () => {
    const a = await call(h.app, admin, 'GET', `/api/bureau/applications/${bjApp}`);
    expect(a).toMatchObject({ id: bjApp, provinceCode: '110000', status: 'bureau_review', availableActions: [] });
    const mobile = (await call(h.app, bj, 'GET', `/api/bureau/applications/${bjApp}`)).materials.subject.principal.mobile as string;
    expect(JSON.stringify(a.materials)).not.toContain(mobile);
    expect((await call(h.app, admin, 'GET', `/api/bureau/applications/${bjApp}/history`)).items.length).toBeGreaterThan(0);
    expect((await get(admin, `/api/bureau/applications/${draft}`)).statusCode).toBe(404);
    expect((await get(admin, `/api/bureau/applications/${draft}/history`)).statusCode).toBe(404);
    // The ministry read leaves no personal-data access entry (nothing was revealed).
    const [log] = await h.t.db.query<{ n: number }>(`select count(*)::int as n from personal_data_access where record_id = $1 and actor_role = 'ministry_admin'`, [bjApp]);
    expect(log!.n).toBe(0);
  });

  it('searches the records of every province, or one\'s, and opens any record read-only; a reveal and an ID-number lookup are logged', async () => {
    const search = async (q: string, province?: string) => call(h.app, admin, 'GET', `/api/bureau/records?q=${encodeURIComponent(q)}${province ? `&province=${province}` : ''}`);
    const all = await search('示例');
    expect([...new Set(all.items.map((i: { provinceCode: string }) => i.provinceCode))].sort()).toEqual(expect.arrayContaining(['330000', '440000']));
    const zj = await search('示例', '330000');
    expect(zj.items.length).toBeGreaterThan(0);
    expect(zj.items.every((i: { provinceCode: string }) => i.provinceCode === '330000')).toBe(true);
    expect((await get(admin, '/api/bureau/records?q=a&province=44')).json()).toMatchObject({ code: 'unknown_province', errors: [{ field: 'querystring.province' }] });
    // A bureau still searches its own province only, whatever `province` says.
    expect((await call(h.app, gd, 'GET', `/api/bureau/records?q=${encodeURIComponent('示例')}&province=330000`)).items.every((i: { provinceCode: string }) => i.provinceCode === '440000')).toBe(true);
    // Another province's record: the ministry reads it by id and by number, with no action offered (revoking is the bureau's act there).
    const ledger = zj.items[0] as { serviceId: string; serviceNumber: string };
    const rec = await call(h.app, admin, 'GET', `/api/bureau/records/${ledger.serviceId}`);
    expect(rec).toMatchObject({ service: { id: ledger.serviceId }, revealed: false, availableActions: [] });
    expect((await call(h.app, admin, 'GET', `/api/bureau/records/${encodeURIComponent(ledger.serviceNumber)}`)).service.id).toBe(ledger.serviceId);
    expect((await get(gd, `/api/bureau/records/${ledger.serviceId}`)).statusCode).toBe(404);
    const before = await h.t.db.query<{ id: string }>('select id from personal_data_access');
    const seen = new Set(before.map((r) => r.id));
    const revealed = await call(h.app, admin, 'GET', `/api/bureau/records/${ledger.serviceId}?reveal=true`);
    expect(revealed.revealed).toBe(true);
    // 王小二's filings are another province's than 广东's (records.test.ts): the ministry finds them, and the lookup is logged.
    const byId = await search(DEMO_PEOPLE.wangXiaoer.certificateNumber);
    expect(byId.items.length).toBeGreaterThan(0);
    const logged = (await h.t.db.query<{ id: string; record_type: string; record_id: string; purpose: string; actor_role: string }>('select id, record_type, record_id, purpose, actor_role from personal_data_access'))
      .filter((r) => !seen.has(r.id)).map(({ id: _, ...r }) => r);
    expect(logged[0]).toEqual({ record_type: 'service', record_id: ledger.serviceId, purpose: 'supervision', actor_role: 'ministry_admin' });
    expect(logged.slice(1)).toEqual(expect.arrayContaining([expect.objectContaining({ record_type: 'subject', purpose: 'supervision', actor_role: 'ministry_admin' })]));
  });

  it('decides nothing: approve, reject and cleanup notices stay refused to the ministry', async () => {
    const post = (url: string, payload: object = {}) => h.app.inject({ method: 'POST', url, headers: admin.headers, payload });
    expect((await post(`/api/bureau/applications/${bjApp}/approve`)).statusCode).toBe(403);
    expect((await post(`/api/bureau/applications/${bjApp}/reject`, { reasons: [{ field: 'service.name', error: '不符' }] })).statusCode).toBe(403);
    expect((await post('/api/bureau/notices', { serviceIds: [] })).statusCode).toBe(403);
    expect((await call(h.app, bj, 'GET', `/api/bureau/applications/${bjApp}`)).status).toBe('bureau_review');
  });
});
