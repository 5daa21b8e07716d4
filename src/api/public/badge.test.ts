// The display badge (issue 5 item 4): the SVG is well-formed, safe to embed, shows the number and
// its status in Chinese or English, revalidates like the record, and the record links to it with
// the snippets to embed; on PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, signIn } from '../../../tests/auth.ts';
import { elements, parseXml, textOf, type XmlElement } from '../../../tests/xml.ts';
import { cancelConfirmed } from '../../../tests/filing.ts';
import { BADGE_CACHE_CONTROL } from './http.ts';
import { renderBadge, textWidth } from './badge.ts';
import { DEMO, enc, nextAddress, publicGet } from './test-support.ts';

const badgeUrl = (n: string, query = '') => `/api/public/v1/services/${enc(n)}/badge.svg${query}`;

/** The visible texts of a badge (the shadow copies are aria-hidden). */
const visibleTexts = (svg: XmlElement) => elements(svg).filter((e) => e.name === 'text' && !e.attrs['aria-hidden']);

/** What makes an SVG unsafe to embed or dependent on anything else: none of it may appear. */
function assertSelfContained(svg: XmlElement) {
  for (const e of elements(svg)) {
    expect(['svg', 'title', 'path', 'g', 'text'], e.name).toContain(e.name);
    for (const [name, value] of Object.entries(e.attrs)) {
      expect(name, `<${e.name} ${name}>`).not.toMatch(/^on|href$|^style$|^id$/i);
      expect(value, `<${e.name} ${name}>`).not.toMatch(/url\(|javascript:|https?:\/\/(?!www\.w3\.org\/2000\/svg$)/i);
    }
  }
}

describe('renderBadge', () => {
  it('sizes CJK characters wider than ASCII, so a number is measured by what it contains', () => {
    expect(textWidth('备')).toBeGreaterThan(textWidth('8'));
    expect(textWidth('京ICP备2024012345号-2A')).toBeGreaterThan(textWidth('ICP2024012345-2A') + 2 * 11 - 1);
    expect(textWidth('已撤销')).toBe(33);
  });

  it('makes the badge as wide as its texts, each pinned to its measured width', () => {
    const { svg, width } = renderBadge('京ICP备2024012345号-2A', 'filed', 'zh');
    const root = parseXml(svg);
    expect(root.attrs).toMatchObject({ width: String(width), height: '20', viewBox: `0 0 ${width} 20` });
    const [number, label] = visibleTexts(root);
    expect(Number(number!.attrs.textLength)).toBe(textWidth('京ICP备2024012345号-2A'));
    expect(Number(label!.attrs.textLength)).toBe(textWidth('已备案'));
    expect(width).toBeGreaterThanOrEqual(textWidth('京ICP备2024012345号-2A') + textWidth('已备案') + 4 * 6);
    // English labels are longer: the badge grows with them.
    expect(renderBadge('京ICP备2024012345号-2A', 'cancelled', 'en').width).toBeGreaterThan(width);
  });

  it('escapes every text it writes', () => {
    const { svg } = renderBadge(`<script>alert("x")</script>&'`, 'filed', 'en');
    expect(svg).not.toContain('<script');
    const root = parseXml(svg);
    expect(textOf(visibleTexts(root)[0]!)).toBe(`<script>alert("x")</script>&'`);
    expect(root.attrs['aria-label']).toContain('<script>');
    assertSelfContained(root);
  });

  it('is checked by a reader that refuses what is not well-formed', () => {
    for (const bad of ['<a><b></a></b>', '<a>&</a>', '<a>&nbsp;</a>', '<a x=1/>', '<a x="1" x="2"/>', '<a/><b/>', '<a>', 'text<a/>']) {
      expect(() => parseXml(bad), bad).toThrow();
    }
  });
});

describe('GET /api/public/v1/services/{serviceNumber}/badge.svg', () => {
  let a: AuthTestApp;
  beforeAll(async () => { a = await authTestApp(); }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  const badge = async (n: string, query = '', headers: Record<string, string> = {}) => publicGet(a.app, badgeUrl(n, query), headers);
  const svgOf = (body: string) => {
    const root = parseXml(body);
    return { root, texts: visibleTexts(root).map(textOf), title: textOf(elements(root).find((e) => e.name === 'title')!) };
  };

  it('answers a well-formed, self-contained SVG with the number and 已备案', async () => {
    const res = await badge(DEMO.a2dp);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    const { root, texts, title } = svgOf(res.body);
    expect(root.name).toBe('svg');
    expect(root.attrs).toMatchObject({ xmlns: 'http://www.w3.org/2000/svg', role: 'img' });
    expect(texts).toEqual([DEMO.a2dp, '已备案']);
    expect(title).toBe(`备案号 ${DEMO.a2dp}：已备案`);
    expect(root.attrs['aria-label']).toBe(title);
    assertSelfContained(root);
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'", 'cross-origin-resource-policy': 'cross-origin',
    });
  });

  it('shows a revoked number in red, struck through, labelled 已撤销; a cancelled one in grey, 已注销', async () => {
    const revoked = svgOf((await badge(DEMO.revokedGame)).body);
    expect(revoked.texts).toEqual([DEMO.revokedGame, '已撤销']);
    const paths = (r: XmlElement) => elements(r).filter((e) => e.name === 'path').map((e) => e.attrs.fill);
    expect(paths(revoked.root)[1]).toBe('#c62828');
    expect(visibleTexts(revoked.root)[0]!.attrs['text-decoration']).toBe('line-through');

    const host = await signIn(a.app, 'host@demo.beian.test');
    expect((await cancelConfirmed(a, host, `/api/host/services/${enc(DEMO.demoMini)}/cancel`)).status).toBe('confirmed');
    const cancelled = svgOf((await badge(DEMO.demoMini)).body);
    expect(cancelled.texts).toEqual([DEMO.demoMini, '已注销']);
    expect(paths(cancelled.root)[1]).toBe('#6e6e6e');
    expect(visibleTexts(cancelled.root)[0]!.attrs['text-decoration']).toBe('line-through');

    const filed = svgOf((await badge(DEMO.a2dp)).body);
    expect(paths(filed.root)[1]).toBe('#2e7d32');
    expect(visibleTexts(filed.root)[0]!.attrs['text-decoration']).toBeUndefined();
  });

  it('speaks English with ?lang=en; refuses another language naming the parameter', async () => {
    expect(svgOf((await badge(DEMO.a2dp, '?lang=en')).body)).toMatchObject({ texts: [DEMO.a2dp, 'Filed'], title: `Filing number ${DEMO.a2dp}: filed` });
    expect(svgOf((await badge(DEMO.revokedGame, '?lang=en')).body).texts).toEqual([DEMO.revokedGame, 'Revoked']);
    const bad = await badge(DEMO.a2dp, '?lang=fr');
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(bad.json().errors[0]).toMatchObject({ field: 'querystring.lang' });
  });

  it('shows the canonical number for one typed loosely; the individual host is nowhere in it', async () => {
    expect(svgOf((await badge(' 粤ICP备2024000001号－2a')).body).texts[0]).toBe(DEMO.a2dp);
    const wang = await badge(DEMO.wangWebsite);
    expect(svgOf(wang.body).texts).toEqual([DEMO.wangWebsite, '已备案']);
    expect(wang.body).not.toMatch(/王|xiaoer|@|1[3-9]\d{9}/);
  });

  it('revalidates like the record, with a short max-age; a revocation changes it at once', async () => {
    const first = await badge(DEMO.ledger);
    const { etag, 'last-modified': lastModified } = first.headers as Record<string, string>;
    expect(first.headers['cache-control']).toBe(BADGE_CACHE_CONTROL);
    expect(BADGE_CACHE_CONTROL).toMatch(/^public, max-age=(\d{1,3})$/);
    expect(Number(/max-age=(\d+)/.exec(BADGE_CACHE_CONTROL)![1])).toBeLessThanOrEqual(300);
    expect(etag).toMatch(/^W\/"/);
    expect((await badge(DEMO.ledger, '?lang=en')).headers.etag).not.toBe(etag);
    const same = await badge(DEMO.ledger, '', { 'if-none-match': etag! });
    expect(same.statusCode).toBe(304);
    expect(same.body).toBe('');
    expect((await badge(DEMO.ledger, '', { 'if-modified-since': lastModified! })).statusCode).toBe(304);

    const zj = await signIn(a.app, 'zj.reviewer');
    const id = (await a.t.db.query<{ id: string }>('select id from services where service_number = $1', [DEMO.ledger]))[0]!.id;
    const revoke = await a.app.inject({ method: 'POST', url: `/api/bureau/services/${id}/revoke`, headers: zj.headers, payload: { reason: '测试撤销' } });
    expect(revoke.statusCode, revoke.body).toBe(200);
    const after = await badge(DEMO.ledger, '', { 'if-none-match': etag! });
    expect(after.statusCode).toBe(200);
    expect(svgOf(after.body).texts).toEqual([DEMO.ledger, '已撤销']);
  });

  it('answers 404 problem+json for a number never filed, 400 naming the parameter for what is not a service number', async () => {
    const missing = await badge('粤ICP备2024999999号-1A');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.json()).toMatchObject({ status: 404, code: 'service_not_found' });
    expect(missing.headers['access-control-allow-origin']).toBe('*');
    for (const [n, code] of [['hello', 'filing_number_format'], [DEMO.demoMain, 'filing_number_not_service'], ['京公网安备11010502030143号', 'filing_number_police']] as const) {
      const res = await badge(n);
      expect(res.statusCode, n).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code, errors: [{ field: 'params.serviceNumber', code }] });
    }
  });

  it('is open to any origin (CORS, preflight) and answers HEAD', async () => {
    const res = await badge(DEMO.a2dp, '', { origin: 'https://app.example' });
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-expose-headers']).toMatch(/ETag/);
    const pre = await a.app.inject({ method: 'OPTIONS', url: badgeUrl(DEMO.a2dp), headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' } });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    const head = await a.app.inject({ method: 'HEAD', url: badgeUrl(DEMO.a2dp), remoteAddress: nextAddress() });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
  });

  it('is rate-limited per address on its own counter, so API use does not break embedded badges', async () => {
    const ip = nextAddress();
    const res = await publicGet(a.app, badgeUrl(DEMO.a2dp), {}, ip);
    expect(res.headers['ratelimit-limit']).toBe('600');
    expect(res.headers['ratelimit-remaining']).toBe('599');
    for (let i = 0; i < 60; i++) await publicGet(a.app, `/api/public/v1/services/${enc(DEMO.a2dp)}`, {}, ip);
    expect((await publicGet(a.app, `/api/public/v1/services/${enc(DEMO.a2dp)}`, {}, ip)).statusCode).toBe(429);
    const still = await publicGet(a.app, badgeUrl(DEMO.a2dp), {}, ip);
    expect(still.statusCode).toBe(200);
    expect(still.headers['ratelimit-remaining']).toBe('598');
  });

  it('is linked from the record, with the snippets to embed while the number is filed', async () => {
    const record = (await publicGet(a.app, `/api/public/v1/services/${enc(DEMO.a2dp)}`)).json();
    const page = `http://127.0.0.1:3000/record/${enc(DEMO.a2dp)}`;
    const svg = `http://127.0.0.1:3000${badgeUrl(DEMO.a2dp)}`;
    expect(record.links).toMatchObject({ page, badge: svg });
    expect(record.snippets).toEqual({
      text: `<a href="${page}" target="_blank" rel="noopener">${DEMO.a2dp}</a>`,
      badge: `<a href="${page}" target="_blank" rel="noopener"><img src="${svg}" alt="${DEMO.a2dp}" height="20"></a>`,
    });
    const served = await publicGet(a.app, new URL(record.links.badge as string).pathname);
    expect(served.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    // A revoked number still has its badge (embedded copies turn red) but nothing to embed any more.
    const revoked = (await publicGet(a.app, `/api/public/v1/services/${enc(DEMO.revokedGame)}`)).json();
    expect(revoked.links.badge).toBe(`http://127.0.0.1:3000${badgeUrl(DEMO.revokedGame)}`);
    expect(revoked.snippets).toBeNull();
  });
});
