// Text no field takes — a lone surrogate (JSON's `\ud800`), a control character — is refused at
// the edge with 400 naming the field, in a JSON body, a query or a path; nothing is written. Before,
// a lone surrogate reached jsonb columns (materials, review reasons, history) and answered 500.
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from '../../tests/auth.ts';
import { findUnfitText } from '../domain/text.ts';

describe('unfit text at the edge', () => {
  let h: AuthTestApp;
  let platform: Signed; let host: Signed;
  beforeAll(async () => {
    h = await authTestApp();
    [platform, host] = await Promise.all(['platform.demo', 'host@demo.beian.test'].map((l) => signIn(h.app, l))) as [Signed, Signed];
  }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); });

  const raw = (s: Signed, method: 'POST' | 'PUT', url: string, json: string) =>
    h.app.inject({ method, url, headers: { ...s.headers, 'content-type': 'application/json' }, payload: json });

  it('names the field of a lone surrogate or a control character in a JSON body; writes nothing', async () => {
    const keys = async () => (await h.t.db.query('select 1 from api_keys')).length;
    const before = await keys();
    const lone = await raw(platform, 'POST', '/api/org/api-keys', '{"name":"key \\ud800"}');
    expect(lone.statusCode).toBe(400);
    expect(lone.headers['content-type']).toContain('application/problem+json');
    expect(lone.json()).toMatchObject({ code: 'invalid_text', errors: [{ field: 'body.name', code: 'lone_surrogate' }] });
    const esc = await raw(platform, 'POST', '/api/org/api-keys', '{"name":"key \\u001b[31m"}');
    expect(esc.json()).toMatchObject({ code: 'invalid_text', errors: [{ field: 'body.name', code: 'control_character' }] });
    expect(await keys()).toBe(before);
    // A pair is a character (an emoji), and tab / line feed are text.
    expect((await raw(platform, 'POST', '/api/org/api-keys', '{"name":"key \\ud83d\\ude00\\tA\\nB"}')).statusCode).toBe(201);
  });

  it('in a nested materials leaf, the dotted path; the draft is not created', async () => {
    const count = async () => (await h.t.db.query('select 1 from applications')).length;
    const before = await count();
    const res = await raw(host, 'POST', '/api/host/applications',
      '{"serviceType":"app","materials":{"service":{"name":"记账\\udc00"},"platforms":[{"platform":"android","packageName":"com.x\\u0007"}]}}');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ field: 'body.materials.service.name', code: 'lone_surrogate' })]);
    expect(await count()).toBe(before);
  });

  it('in the query and the path', async () => {
    const q = await h.app.inject({ method: 'GET', url: '/api/public/v1/services?q=%00' });
    expect(q.statusCode).toBe(400);
    expect(q.json()).toMatchObject({ code: 'invalid_text', errors: [{ field: 'querystring.q', code: 'control_character' }] });
    const p = await h.app.inject({ method: 'GET', url: '/api/public/v1/services/%01' });
    expect(p.json()).toMatchObject({ errors: [{ field: 'params.serviceNumber', code: 'control_character' }] });
  });

  it('in verification items and in %-escapes of a query that are no UTF-8, as for any JSON body or query', async () => {
    const KEY = { authorization: 'Bearer demo-platform-key' };
    const md5 = 'c1cabe8ad9dc272b2443a3a67bc443d5';
    // POST batch items: the body is not read in place (it has escapes), and its text is judged like any JSON body's.
    const post = await h.app.inject({
      method: 'POST', url: '/api/verify/v1/apps', headers: { ...KEY, 'content-type': 'application/json' },
      payload: `{"items":[{"platform":"android","packageName":"a2dp.Vol","fingerprint":"${md5}"},{"platform":"android","packageName":"a2dp.Vol\\u0001","fingerprint":"${md5}"}]}`,
    });
    expect(post.statusCode).toBe(400);
    expect(post.json()).toMatchObject({ code: 'invalid_text', errors: [{ field: 'body.items.1.packageName', code: 'control_character' }] });
    const lone = await h.app.inject({
      method: 'POST', url: '/api/verify/v1/apps', headers: { ...KEY, 'content-type': 'application/json' },
      payload: `{"items":[{"platform":"android","packageName":"a2dp.Vol","fingerprint":"${md5}","ref":"r\\udc00"}]}`,
    });
    expect(lone.json()).toMatchObject({ code: 'invalid_text', errors: [{ field: 'body.items.0.ref', code: 'lone_surrogate' }] });
    // A query's %-escapes that decode to no UTF-8 were left as their raw text and judged as a package name.
    const get = (query: string) => h.app.inject({ method: 'GET', url: `/api/verify/v1/apps?platform=android&fingerprint=${md5}&${query}`, headers: KEY });
    const surrogate = await get('packageName=a2dp.Vol%ED%A0%80');
    expect(surrogate.statusCode).toBe(400);
    expect(surrogate.json()).toMatchObject({ code: 'invalid_text', errors: [{ field: 'querystring.packageName', code: 'lone_surrogate' }] });
    expect((await get('packageName=a2dp.Vol&ref=%FF')).json()).toMatchObject({ code: 'invalid_text', errors: [{ field: 'querystring.ref', code: 'invalid_utf8' }] });
    const search = await h.app.inject({ method: 'GET', url: '/api/public/v1/services?q=%E7%B2%A4%FF' });
    expect(search.json()).toMatchObject({ code: 'invalid_text', errors: [{ field: 'querystring.q', code: 'invalid_utf8' }] });
    // Escapes that decode are text, and a lone % is a character.
    expect((await get('packageName=a2dp%2EVol&ref=%E7%B2%A4')).json()).toMatchObject({ status: 'filed', ref: '粤' });
    expect((await h.app.inject({ method: 'GET', url: '/api/public/v1/services?q=100%' })).statusCode).toBe(200);
  });

  it('errors before routing are problems too: a malformed %-escape, a path segment over 100 characters, headers over 16 KiB', async () => {
    const bad = await h.app.inject({ method: 'GET', url: '/api/bureau/violations/%ff' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json()).toMatchObject({ code: 'bad_url' });
    const long = await h.app.inject({ method: 'GET', url: `/api/public/v1/services/${'x'.repeat(300)}` });
    expect(long.statusCode).toBe(414);
    expect(long.json()).toMatchObject({ code: 'max_param_length', title: 'URI Too Long', status: 414 });
    expect(long.json().detail).not.toContain('xxxx');
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = h.app.server.address() as AddressInfo;
    const answer = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: `/api/public/v1/services?q=${'a'.repeat(20_000)}` }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString(); });
        res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(431);
    expect(answer.type).toContain('application/problem+json');
    expect(JSON.parse(answer.body)).toMatchObject({ status: 431, code: 'headers_too_large' });
  });

  it('walks keys, arrays and nesting; null when every string is text', () => {
    expect(findUnfitText({ a: [1, 'x', { b: 'ok\r\n' }], c: null }, 'body')).toBeNull();
    expect(findUnfitText({ a: [1, 'x', { b: 'no\u0000' }] }, 'body')).toMatchObject({ field: 'body.a.2.b', code: 'control_character' });
    expect(findUnfitText({ ['k\ud800']: 1 }, 'body')).toMatchObject({ field: 'body.k\ud800', code: 'lone_surrogate' });
    expect(findUnfitText('\u007f', 'body')).toMatchObject({ field: 'body', code: 'control_character' });
  });
});
