// Public keyword search over the demo data (issue 5 contract), on PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT } from '../../../tests/auth.ts';
import { logCaughtUp, testLogKeys } from '../../../tests/db.ts';
import type { Queryable } from '../../db/connection.ts';
import { interpretKeyword } from './keyword.ts';
import { DOMAIN_TYPES, searchServices } from './queries.ts';
import { DEMO_PEOPLE } from '../../db/seed/demo.ts';
import { DEMO, enc, publicGet } from './test-support.ts';

interface Item { serviceNumber: string; serviceName: string; serviceType: string; status: string; statusChangedAt: string; hostName: string; platforms: { platform: string; packageName: string }[]; domains: string[] }
interface Page { items: Item[]; total: number; page: number; pageSize: number; totalCapped: boolean }

describe('GET /api/public/v1/services (search)', () => {
  let a: AuthTestApp;
  beforeAll(async () => { a = await authTestApp(); }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  const search = async (query: string): Promise<Page> => {
    const res = await publicGet(a.app, `/api/public/v1/services?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Page;
  };
  const numbers = (p: Page) => p.items.map((i) => i.serviceNumber);

  it('finds the demo APP by "A2DP", with its platform and host', async () => {
    const p = await search('q=A2DP');
    expect(p).toMatchObject({ total: 1, page: 1, pageSize: 20, totalCapped: false });
    expect(p.items[0]).toMatchObject({
      serviceNumber: DEMO.a2dp, mainNumber: DEMO.demoMain, serviceName: 'A2DP Volume', serviceType: 'app', status: 'filed',
      hostName: '深圳市示例网络科技有限公司', hostType: 'unit', hostNature: 'enterprise', approvedAt: '2024-05-20T02:00:00.000Z',
      preApprovals: [], domains: [], homeUrl: null, platforms: [{ platform: 'android', packageName: 'a2dp.Vol' }],
      links: { self: `http://127.0.0.1:3000/api/public/v1/services/${enc(DEMO.a2dp)}`, page: `http://127.0.0.1:3000/record/${enc(DEMO.a2dp)}` },
    });
    // Its events (read beside the search, not inside it) are the record's own.
    const record = (await publicGet(a.app, `/api/public/v1/services/${enc(DEMO.a2dp)}`)).json() as { events: unknown[] };
    expect(record.events.length).toBeGreaterThan(0);
    expect((p.items[0] as unknown as { events: unknown[] }).events).toEqual(record.events);
  });

  it('finds a service by its number, typed with full-width characters, spaces and a lower-case suffix', async () => {
    expect(numbers(await search(`q=${enc(DEMO.a2dp)}`))).toEqual([DEMO.a2dp]);
    expect(numbers(await search(`q=${enc(' 粤ICP备 2024000001号－2a ')}`))).toEqual([DEMO.a2dp]);
  });

  it('finds every service of a subject by its main number, and numbers by their beginning', async () => {
    expect(numbers(await search(`q=${enc(DEMO.demoMain)}`)).sort()).toEqual([DEMO.demoWebsite, DEMO.a2dp, DEMO.demoMini].sort());
    expect(numbers(await search(`q=${enc('浙ICP备2024')}`)).sort()).toEqual([DEMO.ledger, DEMO.revokedGame].sort());
  });

  it('finds a website by its domain, typed bare, as a URL with www., or in part', async () => {
    for (const q of ['demo-tech.cn', 'https://www.Demo-Tech.cn/about', 'DEMO-TECH.CN']) {
      const p = await search(`q=${enc(q)}`);
      // The website listing the domain first; for a bare domain (also a fragment) then the APP whose
      // domain list holds a name under it (a2dp.demo-tech.cn: APPs' domains are searched, not published).
      expect(numbers(p), q).toEqual(q.includes('/') ? [DEMO.demoWebsite] : [DEMO.demoWebsite, DEMO.a2dp]);
      expect(p.items.map((i) => i.domains)).toEqual(q.includes('/') ? [['demo-tech.cn']] : [['demo-tech.cn'], []]);
    }
    expect(numbers(await search('q=xiaoer-notes'))).toEqual([DEMO.wangWebsite]);
  });

  it('finds an APP by its package name in any case, or in part', async () => {
    expect(numbers(await search('q=a2dp.vol'))).toEqual([DEMO.a2dp]);
    expect(numbers(await search('q=com.example.ledger'))).toEqual([DEMO.ledger]);
    expect(numbers(await search('q=example.minig'))).toEqual([DEMO.revokedGame]);
  });

  it('finds the services of a unit host by its name or a part of it', async () => {
    expect(numbers(await search(`q=${enc('深圳市示例网络科技有限公司')}`)).sort()).toEqual([DEMO.demoWebsite, DEMO.a2dp, DEMO.demoMini].sort());
    expect(numbers(await search(`q=${enc('杭州示例')}`)).sort()).toEqual([DEMO.ledger, DEMO.revokedGame].sort());
  });

  it('finds the services of a unit by its unified social credit code, pasted as licences print it; never a person by ID number', async () => {
    // A journalist with a company's USCC was told 未找到备案信息 (nothing filed) for a filed unit.
    const all = [DEMO.demoWebsite, DEMO.a2dp, DEMO.demoMini].sort();
    for (const q of ['91440300MA5DEM0X17', '91440300-ma5dem0x17', ' 91440300 MA5DEM0X17 ', '９１４４０３００MA5DEM0X17']) {
      expect(numbers(await search(`q=${enc(q)}`)).sort(), q).toEqual(all);
    }
    expect(numbers(await search(`q=${enc('91440300MA5DEM0X17')}&type=app`))).toEqual([DEMO.a2dp]);
    // An individual host is never found by the ID number on its filing, nor is a valid USCC of no filer anyone.
    expect((await search(`q=${enc(DEMO_PEOPLE.wangXiaoer.certificateNumber)}`)).total).toBe(0);
    expect((await search(`q=${enc('91110000MA0000000H')}`)).total).toBe(0);
  });

  it('finds Chinese service names by fragments of 2 and of 3+ characters, and 1 character by the beginning', async () => {
    expect(numbers(await search(`q=${enc('记账')}`))).toEqual([DEMO.ledger]);
    expect(numbers(await search(`q=${enc('小游')}`))).toEqual([DEMO.revokedGame]);
    expect(numbers(await search(`q=${enc('读书笔记')}`))).toEqual([DEMO.wangWebsite]);
    expect(numbers(await search(`q=${enc('的读书笔')}`))).toEqual([DEMO.wangWebsite]);
    const one = await search(`q=${enc('示')}`);
    expect(one.items.map((i) => i.serviceName).sort()).toEqual(['示例小助手', '示例小游戏', '示例科技官网', '示例记账'].sort());
    expect((await search(`q=${enc('记')}`)).total).toBe(0); // 1 character: beginnings only
  });

  it('puts exact matches first, then the closer names', async () => {
    const p = await search(`q=${enc('示例记账')}`);
    expect(p.items[0]!.serviceNumber).toBe(DEMO.ledger);
    const host = await search(`q=${enc('示例科技官网')}`);
    expect(host.items[0]!.serviceNumber).toBe(DEMO.demoWebsite);
  });

  it('filters by type', async () => {
    const mini = await search(`q=${enc('示例')}&type=mini_program`);
    expect(numbers(mini)).toEqual([DEMO.demoMini]);
    expect(mini.items.every((i) => i.serviceType === 'mini_program')).toBe(true);
    expect(numbers(await search(`q=${enc(DEMO.demoMain)}&type=website`))).toEqual([DEMO.demoWebsite]);
    expect((await search('q=a2dp.vol&type=website')).total).toBe(0);
    expect(numbers(await search('q=a2dp.vol&type=app'))).toEqual([DEMO.a2dp]);
  });

  it('pages through the matches without repeats, newest first among equals', async () => {
    const all = await search(`q=${enc('示例')}&pageSize=100`);
    expect(all.total).toBeGreaterThanOrEqual(5);
    const seen: string[] = [];
    for (let page = 1; page <= Math.ceil(all.total / 2) + 1; page++) {
      const p = await search(`q=${enc('示例')}&pageSize=2&page=${page}`);
      expect(p).toMatchObject({ total: all.total, page, pageSize: 2 });
      seen.push(...numbers(p));
    }
    expect(seen).toEqual(numbers(all));
    expect(new Set(seen).size).toBe(all.total);
  });

  it('shows a revoked and a cancelled service with their status and date', async () => {
    const revoked = (await search(`q=${enc('示例小游戏')}`)).items[0]!;
    expect(revoked).toMatchObject({ serviceNumber: DEMO.revokedGame, status: 'revoked', statusChangedAt: '2025-03-01T08:00:00.000Z' });
    expect(revoked.platforms).toEqual([{ platform: 'android', packageName: 'com.example.minigame' }]);
    await a.t.db.query(`update services set status = 'cancelled', status_changed_at = '2026-01-05T03:00:00Z' where service_number = $1`, [DEMO.demoMini]);
    try {
      const cancelled = (await search(`q=${enc('示例小助手')}`)).items[0]!;
      expect(cancelled).toMatchObject({ serviceNumber: DEMO.demoMini, status: 'cancelled', statusChangedAt: '2026-01-05T03:00:00.000Z' });
    } finally {
      await a.t.db.query(`update services set status = 'filed', status_changed_at = filed_at where service_number = $1`, [DEMO.demoMini]);
    }
  });

  it('answers no matches with an empty page', async () => {
    expect(await search(`q=${enc('不存在的名称')}`)).toEqual({ items: [], total: 0, page: 1, pageSize: 20, totalCapped: false });
    expect(await search(`q=${enc('示例')}&page=50`)).toMatchObject({ items: [], page: 50 });
  });

  it.each([
    ['pageSize=1000', 'q=a', 'querystring.pageSize'],
    ['pageSize=0', 'q=a', 'querystring.pageSize'],
    ['type=x', 'q=a', 'querystring.type'],
    ['page=0', 'q=a', 'querystring.page'],
    ['page=abc', 'q=a', 'querystring.page'],
    ['', `q=${'长'.repeat(101)}`, 'querystring.q'],
    ['', 'q=', 'querystring.q'],
    ['', 'x=1', 'querystring.q'],
    ['', `q=${enc('\u3000 \u3000')}`, 'querystring.q'],
    ['page=11&pageSize=100', 'q=a', 'querystring.page'],
  ])('refuses bad input %s %s with 400 naming %s', async (extra, q, field) => {
    const res = await publicGet(a.app, `/api/public/v1/services?${q}${extra ? `&${extra}` : ''}`);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('sends ETag, Last-Modified and Cache-Control, and 304 for a current copy', async () => {
    await logCaughtUp(a.t.db, testLogKeys()); // every event in the log (until then no Last-Modified: record.test.ts)
    const first = await publicGet(a.app, '/api/public/v1/services?q=A2DP');
    expect(first.headers['cache-control']).toBe('public, max-age=60');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/".+"$/);
    const lastModified = first.headers['last-modified'] as string;
    expect(new Date(lastModified).toUTCString()).toBe(lastModified);
    expect((await publicGet(a.app, '/api/public/v1/services?q=A2DP', { 'if-modified-since': lastModified })).statusCode).toBe(304);
    const again = await publicGet(a.app, '/api/public/v1/services?q=A2DP', { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    expect((await publicGet(a.app, `/api/public/v1/services?q=${enc('记账')}`, { 'if-none-match': etag })).statusCode).toBe(200);
  });
});

// An APP lists domains too (DOMAIN.md §2.1 域名列表; §5 the domain is a search key): the search found
// only websites' (a reviewer's "not found" for api.walkthrough-demo.cn, filed in an APP's list).
describe('GET /api/public/v1/services (search by an APP\'s domains)', () => {
  let a: AuthTestApp;
  beforeAll(async () => {
    a = await authTestApp();
    // The demo APP's materials list no domain; give it two, as a filing with a domain list stores them.
    await a.t.db.query(`update services set domains = '{api.walkthrough-demo.cn,walkthrough-demo.cn}' where service_number = $1`, [DEMO.a2dp]);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  const numbers = async (query: string) => {
    const res = await publicGet(a.app, `/api/public/v1/services?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as Page).items.map((i) => i.serviceNumber);
  };

  it('finds an APP by a domain of its list, typed bare or as a URL, in part, and with its type', async () => {
    for (const q of ['api.walkthrough-demo.cn', 'https://api.walkthrough-demo.cn/v1', 'WALKTHROUGH-DEMO.CN', 'walkthrough-dem']) {
      expect(await numbers(`q=${enc(q)}`), q).toEqual([DEMO.a2dp]);
    }
    expect(await numbers('q=api.walkthrough-demo.cn&type=app')).toEqual([DEMO.a2dp]);
    expect(await numbers('q=walkthrough-demo&type=app')).toEqual([DEMO.a2dp]);
    expect(await numbers('q=api.walkthrough-demo.cn&type=website')).toEqual([]);
    expect(await numbers('q=walkthrough-demo&type=website')).toEqual([]);
    expect(await numbers(`q=${enc('demo-tech.cn')}&type=app`)).toEqual([]); // a website's domain stays the website's
  });

  it('matches domain fragments through the trigram index, also for APPs (migration 0049)', async () => {
    expect(DOMAIN_TYPES).toEqual(['app', 'website']);
    const [idx] = await a.t.db.query<{ def: string }>(`select pg_get_indexdef('services_domains_trgm'::regclass) as def`);
    expect(idx!.def).toMatch(/WHERE \(service_type = ANY \(ARRAY\['app'::text, 'website'::text\]\)\)/);
    // The fragment path of the statement the search runs, as it runs it (PREPARED: the pattern is seen).
    const seen: { text: string; params: unknown[] }[] = [];
    const recording: Queryable = { ...a.t.db, query: (text, params, options) => { seen.push({ text, params: params ?? [] }); return a.t.db.query(text, params, options); } } as Queryable;
    await searchServices(recording, interpretKeyword('walkthrough-dem')!, { type: null, page: 1, pageSize: 20 });
    const stmt = seen.find((s) => s.text.includes('beian_domains_text'))!;
    const plan = await a.t.db.transaction(async (tx) => {
      await tx.exec('set local enable_seqscan = off');
      return (await tx.query<{ 'QUERY PLAN': string }>(`explain ${stmt.text}`, stmt.params)).map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('services_domains_trgm');
  });
});
