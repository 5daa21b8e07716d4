// POST /api/public/v1/services/{serviceNumber}/reports judges the number as the public record does:
// a malformed one is 400 naming params.serviceNumber (it was 404 naming `serviceNumber`, as if a
// well-formed number had never been filed); 404 stays for a number never filed. Its OpenAPI entry
// lists the answers it really gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT } from '../../../tests/auth.ts';
import { DEMO, enc, nextAddress, publicGet } from './test-support.ts';

describe('POST /api/public/v1/services/{serviceNumber}/reports', () => {
  let a: AuthTestApp;
  beforeAll(async () => { a = await authTestApp(); }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  const body = { category: 'privacy', description: '应用未经同意收集通讯录信息', contact: '13912345678' };
  const report = (n: string, payload: unknown = body) =>
    a.app.inject({ method: 'POST', url: `/api/public/v1/services/${enc(n)}/reports`, payload: payload as object, remoteAddress: nextAddress() });

  it('answers 400 naming params.serviceNumber for what is not a service number, as the record does; nothing is stored', async () => {
    const count = async () => (await a.t.db.query('select 1 from violation_reports')).length;
    const before = await count();
    for (const [n, code] of [['hello', 'filing_number_format'], [DEMO.demoMain, 'filing_number_not_service'], ['京公网安备11010502030143号', 'filing_number_police']] as const) {
      const res = await report(n);
      expect(res.statusCode, n).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code, errors: [{ field: 'params.serviceNumber', code }] });
      // The record route answers the same number the same way.
      const record = await publicGet(a.app, `/api/public/v1/services/${enc(n)}`);
      expect({ status: record.statusCode, body: record.json() }).toMatchObject({ status: 400, body: { code, errors: [{ field: 'params.serviceNumber', code }] } });
    }
    expect(await count()).toBe(before);
  });

  it('answers 404 service_not_found for a well-formed number never filed, 201 for a filed one (pasted forms accepted)', async () => {
    const never = await report('粤ICP备2024999999号-1A');
    expect(never.statusCode).toBe(404);
    expect(never.json()).toMatchObject({ code: 'service_not_found' });
    const filed = await report(` ${DEMO.a2dp.toLowerCase().replace('-', '－')}`);
    expect(filed.statusCode).toBe(201);
    expect(filed.json()).toEqual({ id: expect.any(String) });
  });

  it('names a contact it cannot use as the schema names the other fields (body.contact, as body.category)', async () => {
    const bad = await report(DEMO.a2dp, { ...body, contact: 'not reachable' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'contact_invalid', errors: [{ field: 'body.contact' }] });
    expect((await report(DEMO.a2dp, { ...body, category: 'nonsense' })).json()).toMatchObject({ errors: [{ field: 'body.category' }] });
  });

  it('documents its real answers in the OpenAPI document, with the path parameter the docs name', async () => {
    const doc = (await a.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const op = doc.paths['/api/public/v1/services/{serviceNumber}/reports'].post;
    expect(Object.keys(op.responses).sort()).toEqual(['201', '400', '404', '415', '429']);
    expect(op.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(['path:serviceNumber']);
    // Each answer matches what the route sends: a 415 and a 429 too.
    const text = await a.app.inject({ method: 'POST', url: `/api/public/v1/services/${enc(DEMO.a2dp)}/reports`, headers: { 'content-type': 'text/plain' }, payload: 'hi', remoteAddress: nextAddress() });
    expect(text.statusCode).toBe(415);
    const address = nextAddress();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await a.app.inject({ method: 'POST', url: `/api/public/v1/services/hello/reports`, payload: body, remoteAddress: address })).statusCode);
    expect(statuses).toEqual([400, 400, 400, 429]);
  });
});
