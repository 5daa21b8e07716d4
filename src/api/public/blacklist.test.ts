// The public blacklist query (违法违规名单): active package and domain entries, matched as an
// application is refused; never a certificate entry, never whose.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT } from '../../../tests/auth.ts';

describe('GET /api/public/v1/blacklist', () => {
  let a: AuthTestApp;
  const get = (url: string) => a.app.inject({ method: 'GET', url, headers: { origin: 'https://store.example' } });
  beforeAll(async () => {
    a = await authTestApp({ supervisionDemo: true });
    a.clock.set('2026-12-06T02:00:00Z');
    await a.t.db.query(`insert into blacklist_entries (kind, value, until_on, category, reason, created_at) values
      ('certificate', 'c'||repeat('0', 63), '2028-01-01', 'false_materials', 'hidden', now()),
      ('domain', 'expired-bar.cn', '2026-12-05', 'illegal', 'ended yesterday', '2025-01-01T00:00:00Z'),
      ('domain', 'last-day.cn', '2026-12-06', 'illegal', 'ends today', '2025-01-02T00:00:00Z')`);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('lists the active package and domain entries, newest first, with their category and period only', async () => {
    const r = await get('/api/public/v1/blacklist');
    expect(r.statusCode).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBe('*');
    const body = r.json();
    expect(body).toMatchObject({ total: 3, page: 1, pageSize: 20 });
    expect(body.items[2]).toEqual({ kind: 'domain', value: 'last-day.cn', category: 'illegal', since: '2025-01-02', untilOn: '2026-12-06' }); // the oldest, last
    // The demo's two, newer (added the same minute, so in either order).
    expect(body.items.slice(0, 2).sort((x: { value: string }, y: { value: string }) => x.value.localeCompare(y.value))).toEqual([
      { kind: 'package', value: 'com.example.minigame', category: 'false_materials', since: '2025-03-01', untilOn: '2028-03-01' },
      { kind: 'domain', value: 'minigame-download.cn', category: 'false_materials', since: '2025-03-01', untilOn: '2028-03-01' },
    ]);
    expect(r.body).not.toMatch(/hidden|演示|reason|subject|certificate|minigame\.lite/);
  });

  it('checks one domain (any case, a trailing dot) or one package (exactly), as a filing is refused', async () => {
    expect((await get('/api/public/v1/blacklist?domain=MiniGame-Download.CN.')).json()).toMatchObject({ total: 1, items: [{ kind: 'domain', value: 'minigame-download.cn' }] });
    expect((await get('/api/public/v1/blacklist?domain=www.minigame-download.cn')).json()).toMatchObject({ total: 0, items: [] });
    expect((await get('/api/public/v1/blacklist?packageName=com.example.minigame')).json()).toMatchObject({ total: 1, items: [{ kind: 'package' }] });
    expect((await get('/api/public/v1/blacklist?packageName=COM.EXAMPLE.MINIGAME')).json().total).toBe(0);
    // A lifted entry and one whose period ended are not barring anything.
    expect((await get('/api/public/v1/blacklist?packageName=com.example.minigame.lite')).json().total).toBe(0);
    expect((await get('/api/public/v1/blacklist?domain=expired-bar.cn')).json().total).toBe(0);
    // The day after its last day, an entry leaves the list.
    a.clock.set('2026-12-06T16:00:00Z'); // 7 December 00:00 in Beijing
    expect((await get('/api/public/v1/blacklist?domain=last-day.cn')).json().total).toBe(0);
    a.clock.set('2026-12-06T02:00:00Z');
  });

  it('reads a pasted URL as its host, as the public search does, and names the field when it is not a domain', async () => {
    for (const pasted of ['https://minigame-download.cn/x', 'http://MiniGame-Download.cn:8080/a?b=1#c', 'minigame-download.cn/download.apk', 'ｍｉｎｉｇａｍｅ－ｄｏｗｎｌｏａｄ．ｃｎ']) {
      expect((await get(`/api/public/v1/blacklist?domain=${encodeURIComponent(pasted)}`)).json(), pasted).toMatchObject({ total: 1, items: [{ kind: 'domain', value: 'minigame-download.cn' }] });
    }
    // The host as pasted: a subdomain is not the barred domain.
    expect((await get(`/api/public/v1/blacklist?domain=${encodeURIComponent('https://www.minigame-download.cn/')}`)).json().total).toBe(0);
    // An internationalised name is looked up in punycode, as filed.
    expect((await get(`/api/public/v1/blacklist?domain=${encodeURIComponent('例子.中国')}`)).statusCode).toBe(200);
    for (const bad of ['not a domain', 'https://', '127.0.0.1', 'localhost', 'a_b.cn']) {
      const r = await get(`/api/public/v1/blacklist?domain=${encodeURIComponent(bad)}`);
      expect(r.statusCode, bad).toBe(400);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(r.json().errors, bad).toEqual([expect.objectContaining({ field: 'querystring.domain' })]);
    }
  });

  it('pages, and names a bad parameter', async () => {
    const second = (await get('/api/public/v1/blacklist?pageSize=2&page=2')).json();
    expect(second).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(second.items).toHaveLength(1);
    expect((await get('/api/public/v1/blacklist?page=9')).json()).toMatchObject({ total: 3, items: [] });
    const bad = await get('/api/public/v1/blacklist?pageSize=100000');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toContain('pageSize');
  });
});
