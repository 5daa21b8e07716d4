// Lists that used to stop silently (a fixed `limit`, or one unpaged answer): the provider's services
// (接入的备案, stopped at 500), the bureau's cleanup notices (stopped at 100) and the campaigns of the
// organisation and bureau consoles; the bureau's shells, expiring certificates and blacklist (one answer of
// everything). Each pages as the orders and violations lists do: `page`, `pageSize` (default 50, at most 500),
// `{items, total, page, pageSize}`; every item is on exactly one page; a bad paging parameter is a 400
// problem+json naming `querystring.<name>`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from '../../tests/auth.ts';
import { seedBureauLists } from '../../tests/bureau-lists.ts';
import { chinaDate } from '../domain/china-time.ts';

const SHELLS = 130;

interface Page { items: Record<string, unknown>[]; total: number; page: number; pageSize: number }

describe('lists page instead of stopping', () => {
  let a: AuthTestApp;
  let provider: Signed; let gd: Signed; let platform: Signed; let admin: Signed;
  const get = async (s: Signed, url: string) => {
    const res = await a.app.inject({ method: 'GET', url, headers: s.headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Page;
  };
  /** Every page of a list, checking each page's shape; the keys of all items in the order served. */
  const walk = async (s: Signed, url: string, pageSize: number, key: (item: Record<string, unknown>) => string) => {
    const keys: string[] = [];
    let total = -1;
    for (let page = 1; page < 100; page++) {
      const r = await get(s, `${url}${url.includes('?') ? '&' : '?'}page=${page}&pageSize=${pageSize}`);
      expect(r).toMatchObject({ page, pageSize });
      total = r.total;
      keys.push(...r.items.map(key));
      if (page * pageSize >= r.total) { expect(r.items.length).toBe(r.total - (page - 1) * pageSize); break; }
      expect(r.items.length).toBe(pageSize);
    }
    expect(keys.length).toBe(total);
    expect(new Set(keys).size).toBe(total); // none twice, none left out
    return { keys, total };
  };

  beforeAll(async () => {
    a = await authTestApp({ supervisionDemo: true });
    [provider, gd, platform, admin] = await Promise.all(['provider.demo', 'gd.reviewer', 'platform.demo', 'admin'].map((l) => signIn(a.app, l))) as [Signed, Signed, Signed, Signed];
    // 520 more active access records of the demo provider (over the old 500), 130 cleanup notices in
    // Guangdong (over the old 100), 70 national campaigns for platforms (over a page of 50).
    await a.t.db.query(`
      insert into access_records (service_id, provider_org_id, access_method, server_location, ips, domains, created_at)
      select s.id, u.organisation_id, 'cloud', '广东省广州市', '{}', '{}', now()
        from users u, generate_series(1, 520) g
        cross join lateral (select id from services where status = 'filed' order by service_number
                            offset g % (select count(*) from services where status = 'filed') limit 1) s
       where u.login = 'provider.demo'`);
    await a.t.db.query(`
      insert into cleanup_notices (province_code, title, publicity_days, published_at, ends_at)
      select '440000', '空壳清理公告 ' || g, 7, timestamptz '2026-01-01T00:00:00Z' + g * interval '1 hour', timestamptz '2026-01-08T00:00:00Z' + g * interval '1 hour'
        from generate_series(1, 130) g`);
    await a.t.db.query(`
      insert into campaigns (name, kind, org_kinds, starts_on, catalogue_due_on, ends_on, created_at)
      select '分页检查 ' || g, 'routine', array['platform'], date '2026-01-01' + (g % 5), date '2026-02-01', date '2026-03-01', now()
        from generate_series(1, 70) g`);
    // After the access records above (which go to filed services): 130 shells of Guangdong whose principal's ID
    // ends within the expiry window (130 expiring rows), and 130 blacklist entries of Guangdong, 26 of them lifted.
    await seedBureauLists(a.t.db, SHELLS, chinaDate(a.clock.now()), new Date('2026-01-01T00:00:00Z'));
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('the provider\'s services: past 500, a page at a time, in service-number order', async () => {
    const [row] = await a.t.db.query<{ n: number }>(
      `select count(*)::int as n from access_records ar join services s on s.id = ar.service_id join users u on u.organisation_id = ar.provider_org_id
        where u.login = 'provider.demo' and ar.active and s.status = 'filed'`);
    expect(row!.n).toBeGreaterThan(500);
    const first = await get(provider, '/api/provider/services');
    expect(first).toMatchObject({ total: row!.n, page: 1, pageSize: 50 });
    expect(first.items.length).toBe(50);
    const { keys } = await walk(provider, '/api/provider/services', 200, (i) => i.accessRecordId as string);
    expect(keys.length).toBe(row!.n);
    const numbers = (await get(provider, '/api/provider/services?page=3&pageSize=200')).items.map((i) => i.serviceNumber as string);
    expect(numbers).toEqual([...numbers].sort());
    expect((await a.app.inject({ method: 'GET', url: '/api/provider/services?pageSize=501', headers: provider.headers })).json().errors[0].field).toBe('querystring.pageSize');
  });

  it('the bureau\'s cleanup notices: past 100, newest first', async () => {
    const [row] = await a.t.db.query<{ n: number }>(`select count(*)::int as n from cleanup_notices where province_code = '440000'`);
    expect(row!.n).toBeGreaterThan(100);
    expect(await get(gd, '/api/bureau/notices')).toMatchObject({ total: row!.n, page: 1, pageSize: 50 });
    const { keys } = await walk(gd, '/api/bureau/notices', 40, (i) => i.id as string);
    const last = (await get(gd, `/api/bureau/notices?page=${Math.ceil(row!.n / 40)}&pageSize=40`)).items.at(-1)!;
    expect(last.id).toBe(keys.at(-1));
    expect(keys.length).toBe(row!.n);
  });

  it('campaigns, in the organisation\'s console and the bureau\'s: a page at a time; the CSV holds them all', async () => {
    for (const [who, url] of [[platform, '/api/org/campaigns'], [gd, '/api/bureau/campaigns']] as const) {
      const first = await get(who, url);
      expect(first.total).toBeGreaterThan(70);
      expect(first).toMatchObject({ page: 1, pageSize: 50 });
      expect(first.items.length).toBe(50);
      const { total } = await walk(who, url, 30, (i) => i.id as string);
      const csv = await a.app.inject({ method: 'GET', url: `${url}?format=csv`, headers: who.headers });
      expect(csv.body.trim().split('\n').length - 1).toBe(total);
    }
  });

  /** A bad paging parameter: 400 problem+json naming it. */
  const badParam = async (s: Signed, url: string, field: string) => {
    const res = await a.app.inject({ method: 'GET', url, headers: s.headers });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
  };

  it('the bureau\'s shells: every one, oldest first, a page at a time; the ministry\'s too, nationwide or one province\'s', async () => {
    const [row] = await a.t.db.query<{ n: number }>(
      `select count(*)::int as n from services s join subjects sub on sub.id = s.subject_id where s.shell_since is not null and s.status = 'filed' and sub.province_code = '440000'`);
    expect(row!.n).toBeGreaterThanOrEqual(SHELLS);
    const first = await get(gd, '/api/bureau/shells');
    expect(first).toMatchObject({ total: row!.n, page: 1, pageSize: 50 });
    expect(first.items.length).toBe(50);
    expect(first.items[0]).toHaveProperty('listable'); // the fields a client reads are kept
    const { keys } = await walk(gd, '/api/bureau/shells', 40, (i) => `${i.shellSinceAt as string} ${i.serviceId as string}`);
    const since = keys.map((k) => k.split(' ')[0]!);
    expect(since).toEqual([...since].sort()); // oldest first, across the pages
    // The ministry: one province pages the same; all provinces hold at least as many.
    expect((await walk(admin, '/api/bureau/shells?province=440000', 60, (i) => i.serviceId as string)).total).toBe(row!.n);
    expect((await get(admin, '/api/bureau/shells?pageSize=1')).total).toBeGreaterThanOrEqual(row!.n);
    await badParam(gd, '/api/bureau/shells?page=0', 'querystring.page');
    await badParam(gd, '/api/bureau/shells?pageSize=501', 'querystring.pageSize');
    await badParam(admin, '/api/bureau/shells?province=440000&page=x', 'querystring.page');
  });

  it('the bureau\'s expiring certificates: every one, soonest first, a page at a time', async () => {
    const first = await get(gd, '/api/bureau/expiring');
    expect(first.total).toBeGreaterThanOrEqual(SHELLS);
    expect(first).toMatchObject({ page: 1, pageSize: 50 });
    expect(first.items.length).toBe(50);
    expect(first.items[0]).toEqual(expect.objectContaining({ kind: expect.any(String), validTo: expect.any(String), expired: expect.any(Boolean), mainNumber: expect.any(String) }));
    const { keys } = await walk(gd, '/api/bureau/expiring', 45, (i) => `${i.validTo as string} ${i.kind as string} ${(i.serviceNumber ?? i.mainNumber) as string}`);
    const days = keys.map((k) => k.split(' ')[0]!);
    expect(days).toEqual([...days].sort());
    expect(keys.filter((k) => k.includes('service_principal')).length).toBeGreaterThanOrEqual(SHELLS);
    await badParam(gd, '/api/bureau/expiring?pageSize=0', 'querystring.pageSize');
    await badParam(gd, '/api/bureau/expiring?page=-1', 'querystring.page');
  });

  it('the blacklist: every entry, newest first, a page at a time; `active` filters before paging; the CSV holds them all', async () => {
    const [row] = await a.t.db.query<{ n: number; active: number }>(
      `select count(*)::int as n, (count(*) filter (where lifted_at is null and until_on >= $1::date))::int as active from blacklist_entries where province_code = '440000'`, [chinaDate(a.clock.now())]);
    expect(row!.n).toBeGreaterThanOrEqual(SHELLS);
    const first = await get(gd, '/api/bureau/blacklist');
    expect(first).toMatchObject({ total: row!.n, page: 1, pageSize: 50 });
    expect(first.items.length).toBe(50);
    const { keys } = await walk(gd, '/api/bureau/blacklist', 35, (i) => `${i.createdAt as string} ${i.id as string}`);
    const created = keys.map((k) => k.split(' ')[0]!);
    expect(created).toEqual([...created].sort().reverse());
    const active = await walk(gd, '/api/bureau/blacklist?active=true', 35, (i) => { expect(i.active).toBe(true); return i.id as string; });
    expect(active.total).toBe(row!.active);
    expect((await walk(gd, '/api/bureau/blacklist?active=false', 10, (i) => { expect(i.active).toBe(false); return i.id as string; })).total).toBe(row!.n - row!.active);
    const csv = await a.app.inject({ method: 'GET', url: '/api/bureau/blacklist?format=csv', headers: gd.headers });
    expect(csv.body.trim().split('\n').length - 1).toBe(row!.n);
    expect((await get(admin, '/api/bureau/blacklist?pageSize=1')).total).toBeGreaterThanOrEqual(row!.n);
    await badParam(gd, '/api/bureau/blacklist?page=0', 'querystring.page');
    await badParam(gd, '/api/bureau/blacklist?active=true&pageSize=1000', 'querystring.pageSize');
  });
});
