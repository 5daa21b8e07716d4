// The supervision figures: receipts, decisions and filings per day and by service type,
// review time against the 20-working-day limit, queue age — for the reviewer's province only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from '../../../tests/auth.ts';
import { appMaterials, call, CLOUD, fileToProvider, orgId, throughSms, websiteMaterials } from '../../../tests/filing.ts';
import { KEY } from '../../../tests/verify.ts';

describe('GET /api/bureau/statistics', () => {
  let h: AuthTestApp;
  let host: Signed; let provider: Signed; let gd: Signed; let bj: Signed;
  let cloud: string;

  beforeAll(async () => {
    h = await authTestApp();
    h.clock.set('2026-03-02T02:00:00Z'); // Monday
    [host, provider, gd, bj] = await Promise.all([
      signIn(h.app, 'host@demo.beian.test'), signIn(h.app, 'provider.demo'), signIn(h.app, 'gd.reviewer'), signIn(h.app, 'bj.reviewer'),
    ]);
    cloud = await orgId(h.t.db, CLOUD);
    // Three Guangdong applications received on 2 March: one approved on 5 March (3 working
    // days), one rejected on 6 March (4), one still in the queue; one Beijing website.
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await fileToProvider(h.app, host, { serviceType: 'app', submitterOrgId: cloud, materials: appMaterials(cloud) });
      await throughSms(h, host, provider, id);
      ids.push(id);
    }
    const bjId = await fileToProvider(h.app, host, { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud, '110000') });
    await throughSms(h, host, provider, bjId);
    h.clock.set('2026-03-05T03:00:00Z');
    gd = await signIn(h.app, 'gd.reviewer'); // sessions end after 12 idle hours
    await call(h.app, gd, 'POST', `/api/bureau/applications/${ids[0]}/approve`);
    h.clock.set('2026-03-06T03:00:00Z');
    [gd, bj, host] = await Promise.all([signIn(h.app, 'gd.reviewer'), signIn(h.app, 'bj.reviewer'), signIn(h.app, 'host@demo.beian.test')]);
    await call(h.app, gd, 'POST', `/api/bureau/applications/${ids[1]}/reject`, { reasons: [{ field: 'service.name', error: '名称与实际服务不符', suggestion: '按实际服务填写' }] });
  }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); });

  it('counts receipts, decisions and filings per day and by service type, in the province only', async () => {
    const s = await call(h.app, gd, 'GET', '/api/bureau/statistics?from=2026-03-01&to=2026-03-07');
    expect(s).toMatchObject({ provinceCode: '440000', from: '2026-03-01', to: '2026-03-07', today: '2026-03-06', limitWorkingDays: 20 });
    expect(s.perDay).toHaveLength(7);
    const day = (d: string) => s.perDay.find((r: { day: string }) => r.day === d);
    expect(day('2026-03-02')).toEqual({ day: '2026-03-02', received: 3, approved: 0, rejected: 0, filed: 0 });
    expect(day('2026-03-05')).toEqual({ day: '2026-03-05', received: 0, approved: 1, rejected: 0, filed: 1 });
    expect(day('2026-03-06')).toEqual({ day: '2026-03-06', received: 0, approved: 0, rejected: 1, filed: 0 });
    expect(s.byServiceType.find((r: { serviceType: string }) => r.serviceType === 'app')).toEqual({ serviceType: 'app', received: 3, approved: 1, rejected: 1, filed: 1 });
    expect(s.byServiceType.find((r: { serviceType: string }) => r.serviceType === 'website')).toMatchObject({ received: 0 });
  });

  it('measures review time in working days and the age of the queue', async () => {
    const s = await call(h.app, gd, 'GET', '/api/bureau/statistics?from=2026-03-01&to=2026-03-07');
    expect(s.reviewTime).toEqual({
      decisions: 2, withinLimit: 2, overLimit: 0, medianWorkingDays: 3, maxWorkingDays: 4,
      histogram: [{ workingDays: 3, count: 1 }, { workingDays: 4, count: 1 }],
    });
    expect(s.queue).toMatchObject({ total: 1, overdue: 0, dueWithin5: 0 });
    expect(s.queue.ages.map((a: { count: number }) => a.count)).toEqual([1, 0, 0, 0, 0]);
  });

  it('an application whose deadline was a Friday is overdue on the Saturday, no working day having passed (queue and figures)', async () => {
    const [queued] = await h.t.db.query<{ id: string; deadline_on: string }>(`select id, deadline_on from applications where province_code = '440000' and status = 'bureau_review'`);
    await h.t.db.query(`update applications set deadline_on = '2026-03-06' where id = $1`, [queued!.id]);
    const at = async (iso: string) => { h.clock.set(iso); return signIn(h.app, 'gd.reviewer'); };
    const row = async (who: Signed) => (await call(h.app, who, 'GET', '/api/bureau/applications?status=bureau_review')).items.find((a: { id: string }) => a.id === queued!.id);
    let r = await at('2026-03-06T03:00:00Z'); // the Friday itself: due today
    expect(await row(r)).toMatchObject({ remainingWorkingDays: 0, overdue: false });
    r = await at('2026-03-07T03:00:00Z'); // Saturday
    expect(await row(r)).toMatchObject({ remainingWorkingDays: 0, overdue: true });
    expect((await call(h.app, r, 'GET', '/api/bureau/statistics?from=2026-03-01&to=2026-03-07')).queue).toMatchObject({ total: 1, overdue: 1 });
    r = await at('2026-03-09T03:00:00Z'); // Monday: one working day late
    expect(await row(r)).toMatchObject({ remainingWorkingDays: -1, overdue: true });
    h.clock.set('2026-03-06T03:00:00Z');
    await h.t.db.query(`update applications set deadline_on = $2 where id = $1`, [queued!.id, queued!.deadline_on]);
  });

  it('refuses a day that does not exist, naming the field', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/bureau/statistics?from=2026-02-30', headers: gd.headers });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ field: 'querystring.from' })]);
  });

  it('shows another bureau only its own province, and defaults to the last 30 days', async () => {
    const s = await call(h.app, bj, 'GET', '/api/bureau/statistics');
    expect(s).toMatchObject({ provinceCode: '110000', from: '2026-02-05', to: '2026-03-06' });
    expect(s.byServiceType.find((r: { serviceType: string }) => r.serviceType === 'website')).toMatchObject({ received: 1 });
    expect(s.byServiceType.find((r: { serviceType: string }) => r.serviceType === 'app')).toMatchObject({ received: 0, approved: 0 });
    expect(s.queue.total).toBe(1);
  });

  it('counts violation reports and disposals per day, and exports the day-by-day table as CSV (issue 14)', async () => {
    // The demo platform reports a Guangdong filing; the bureau orders it taken down the same day.
    const report = await h.app.inject({ method: 'POST', url: '/api/org/violations', headers: KEY, payload: {
      serviceNumber: '粤ICP备2024000001号-2A', category: 'fraud', description: '仿冒银行客服', evidence: '截图', measuresTaken: '已下架', stoppedAt: '2026-03-06T01:00:00Z' } });
    expect(report.statusCode).toBe(201);
    await call(h.app, gd, 'POST', `/api/bureau/violations/${report.json().id}/steps`, { action: 'order_disposal', note: '限期下架', order: { measure: 'take_down', dueInWorkingDays: 5 } });
    const s = await call(h.app, gd, 'GET', '/api/bureau/statistics?from=2026-03-05&to=2026-03-06');
    expect(s.supervision.perDay).toEqual([
      { day: '2026-03-05', violationsReported: 0, violationsDecided: 0, disposalsOrdered: 0, disposalsDone: 0 },
      { day: '2026-03-06', violationsReported: 1, violationsDecided: 1, disposalsOrdered: 1, disposalsDone: 0 },
    ]);
    expect((await call(h.app, bj, 'GET', '/api/bureau/statistics?from=2026-03-05&to=2026-03-06')).supervision.perDay[1]).toMatchObject({ violationsReported: 0, disposalsOrdered: 0 });
    const csv = await h.app.inject({ method: 'GET', url: '/api/bureau/statistics.csv?from=2026-03-05&to=2026-03-06', headers: gd.headers });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.split('\r\n')).toEqual([
      '\uFEFFday,received,approved,rejected,filed,violationsReported,violationsDecided,disposalsOrdered,disposalsDone',
      '2026-03-05,0,1,0,1,0,0,0,0', '2026-03-06,0,0,1,0,1,1,1,0', '']);
    expect((await h.app.inject({ method: 'GET', url: '/api/bureau/statistics.csv', headers: host.headers })).statusCode).toBe(403);
  });

  it('gives the ministry each province\'s queue, decisions and waiting supervision, most overdue first; a bureau none', async () => {
    const admin = await signIn(h.app, 'admin');
    const s = await call(h.app, admin, 'GET', '/api/bureau/statistics?from=2026-03-01&to=2026-03-07');
    expect(s.provinceCode).toBeNull();
    const row = (p: string) => s.byProvince.find((r: { provinceCode: string }) => r.provinceCode === p);
    // 广东: one in review, two decided (3 and 4 working days), the report ordered (no longer waiting); 北京: one in review.
    expect(row('440000')).toEqual({ provinceCode: '440000', queue: 1, overdue: 0, dueWithin5: 0, decisions: 2, overLimit: 0, violationsOpen: 0, disposalsOverdue: 0 });
    expect(row('110000')).toEqual({ provinceCode: '110000', queue: 1, overdue: 0, dueWithin5: 0, decisions: 0, overLimit: 0, violationsOpen: 0, disposalsOverdue: 0 });
    // The provinces' figures add up to the national ones.
    const sum = (k: string) => s.byProvince.reduce((n: number, r: Record<string, number>) => n + r[k]!, 0);
    expect([sum('queue'), sum('overdue'), sum('decisions')]).toEqual([s.queue.total, s.queue.overdue, s.reviewTime.decisions]);
    // 北京's application overdue: 北京 comes first.
    const [bjApp] = await h.t.db.query<{ id: string; deadline_on: string }>(`select id, deadline_on from applications where province_code = '110000' and status = 'bureau_review'`);
    await h.t.db.query(`update applications set deadline_on = '2026-03-05' where id = $1`, [bjApp!.id]);
    const later = await call(h.app, admin, 'GET', '/api/bureau/statistics?from=2026-03-01&to=2026-03-07');
    expect(later.byProvince[0]).toMatchObject({ provinceCode: '110000', overdue: 1 });
    await h.t.db.query(`update applications set deadline_on = $2 where id = $1`, [bjApp!.id, bjApp!.deadline_on]);
    expect((await call(h.app, admin, 'GET', '/api/bureau/statistics?province=440000')).byProvince).toBeNull();
    expect((await call(h.app, gd, 'GET', '/api/bureau/statistics')).byProvince).toBeNull();
  });

  it('refuses other roles and bad ranges', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/bureau/statistics', headers: host.headers });
    expect(res.statusCode).toBe(403);
    const bad = await h.app.inject({ method: 'GET', url: '/api/bureau/statistics?from=2026-03-07&to=2026-03-01', headers: gd.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('invalid_range');
    const long = await h.app.inject({ method: 'GET', url: '/api/bureau/statistics?from=2024-01-01&to=2026-03-01', headers: gd.headers });
    expect(long.statusCode).toBe(400);
  });
});
