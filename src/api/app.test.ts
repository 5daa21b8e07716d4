// The server skeleton (issue 2, item 8): /api/health, problem+json errors with request ids,
// the OpenAPI document and its browsable UI, and logs that carry no credentials or personal data.
import { gzipSync } from 'node:zlib';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_TIMEOUT, signIn } from '../../tests/auth.ts';
import { backend, type TestDb, testDatabase } from '../../tests/db.ts';
import { loadConfig } from '../config.ts';
import { listMigrations } from '../db/migrate.ts';
import { DEMO_API_KEY, seedDemo } from '../db/seed/demo.ts';
import { BODY_LIMITS } from './body-limits.ts';
import { buildApp } from './app.ts';

const now = () => new Date('2026-03-02T02:00:00Z');

/** Captures every log line the app writes, parsed. */
function logCapture() {
  const lines: string[] = [];
  return {
    stream: { write: (line: string) => { lines.push(line); } },
    text: () => lines.join(''),
    entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

let t: TestDb;
let app: FastifyInstance;
const log = logCapture();

beforeAll(async () => {
  t = await testDatabase();
  await seedDemo(t.db, t.sealer);
  app = await buildApp({ db: t.db, sealer: t.sealer, now, config: loadConfig({ LOG_LEVEL: 'trace' }) }, { logStream: log.stream });
  app.get('/api/test/explode', async () => { throw new Error('kaboom: internal detail'); });
  app.get('/api/test/deadlock', async () => { throw Object.assign(new Error('deadlock detected'), { code: '40P01' }); });
  await app.ready();
}, SETUP_TIMEOUT);
afterAll(async () => { await app?.close(); await t?.close(); });

describe('GET /api/health', () => {
  it('answers ok with the database kind and the latest migration', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const last = (await listMigrations()).at(-1)!;
    expect(res.json()).toEqual({ status: 'ok', database: backend(), migration: `${last.version}_${last.name}`, primary: 'up', writes: 'ok', rateLimitStore: 'memory' });
  });

  // The proxy asks every 500 ms: at info that was ~4 lines a second per process, drowning the rest.
  it('is not logged at info', async () => {
    const lines: { msg?: string; req?: { url?: string } }[] = [];
    const logged = await buildApp({ db: t.db, sealer: t.sealer, now: () => new Date(), config: loadConfig({ LOG_LEVEL: 'info' }) }, { logStream: { write: (l: string) => { lines.push(JSON.parse(l)); } } });
    try {
      expect((await logged.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
      expect((await logged.inject({ method: 'GET', url: '/api/no/such' })).statusCode).toBe(404);
      expect(lines.some((l) => l.req?.url === '/api/no/such')).toBe(true);
      expect(lines.some((l) => l.req?.url === '/api/health')).toBe(false);
    } finally {
      await logged.close();
    }
  });
});

describe('problem+json and request ids', () => {
  it('answers an unknown route with 404 problem+json carrying code and requestId, the id also in x-request-id', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/no/such/thing?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const body = res.json();
    expect(body).toEqual({
      type: 'about:blank', title: 'Not Found', status: 404, code: 'not_found',
      detail: 'no route for GET /api/no/such/thing', instance: '/api/no/such/thing', requestId: expect.any(String),
    });
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-request-id']).toBe(body.requestId);
  });

  it('gives every request its own id', async () => {
    const [a, b] = await Promise.all([1, 2].map(() => app.inject({ method: 'GET', url: '/api/health' })));
    expect(a!.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(a!.headers['x-request-id']).not.toBe(b!.headers['x-request-id']);
  });

  it('echoes a valid supplied x-request-id in the header and the problem', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/nowhere', headers: { 'x-request-id': 'trace-1234.abc_DEF' } });
    expect(res.headers['x-request-id']).toBe('trace-1234.abc_DEF');
    expect(res.json().requestId).toBe('trace-1234.abc_DEF');
    const ok = await app.inject({ method: 'GET', url: '/api/health', headers: { 'x-request-id': 'lb-0000000042' } });
    expect(ok.headers['x-request-id']).toBe('lb-0000000042');
  });

  it.each([['too short', 'abc'], ['spaces and symbols', 'id with spaces!'], ['too long', 'x'.repeat(65)], ['a header injection attempt', 'abcdefgh\r\nset-cookie: x=1']])(
    'replaces a supplied x-request-id that is %s', async (_what, given) => {
      const res = await app.inject({ method: 'GET', url: '/api/health', headers: { 'x-request-id': given } });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

  it('answers a body that is not JSON with 400 problem+json', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"login": "admin", ' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toMatchObject({
      status: 400, title: 'Bad Request', code: 'invalid_request', requestId: res.headers['x-request-id'], instance: '/api/auth/login',
      errors: [{ field: 'body', code: 'json_syntax' }],
    });
    const empty = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '' });
    expect(empty.json()).toMatchObject({ status: 400, code: 'invalid_request', errors: [{ field: 'body' }] });
  });

  // 50,000 levels overflowed the stack of the text check, which was then reported as json_syntax.
  it('answers a body nested too deep with 400 json_too_deep, wherever it is sent', async () => {
    const deepObject = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`;
    const deepArray = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    for (const payload of [deepObject, deepArray]) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'json_too_deep', detail: expect.stringMatching(/nested deeper than 64 levels/), errors: [{ field: 'body', code: 'json_too_deep' }] });
    }
    // 64 levels are still read (and judged by the route's schema).
    const deepest = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: `${'['.repeat(64)}${']'.repeat(64)}` });
    expect(deepest.json()).toMatchObject({ status: 400, code: 'invalid_request', errors: [{ field: 'body' }] });
  });

  // Every route read 20 MiB bodies before validating anything (an unauthenticated stall).
  it('refuses a body over the default limit with 413 body_too_large, before reading it; the verification batch takes more', async () => {
    const big = Buffer.from(JSON.stringify({ displayName: 'x'.repeat(BODY_LIMITS.default), mobile: '13800138000', email: 'a@b.cn', password: 'x' }));
    for (const url of ['/api/auth/register', '/api/auth/login', '/api/public/v1/services/粤ICP备2024000001号-1/reports']) {
      const res = await app.inject({ method: 'POST', url: encodeURI(url), headers: { 'content-type': 'application/json' }, payload: big });
      expect(res.statusCode, url).toBe(413);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.json()).toMatchObject({ code: 'body_too_large', limitBytes: BODY_LIMITS.default, errors: [{ field: 'body', code: 'body_too_large' }] });
    }
    // Refused from the Content-Length alone: a declared 12 MB with no body sent is answered at once.
    const declared = await app.inject({ method: 'POST', url: '/api/auth/register', headers: { 'content-type': 'application/json', 'content-length': String(12_000_000) }, payload: '{}' });
    expect(declared.statusCode).toBe(413);
    const items = Array.from({ length: 10_000 }, (_, i) => ({ platform: 'android', packageName: `com.example.app${i}`, fingerprint: 'AB:'.repeat(32).slice(0, 95), ref: 'r'.repeat(100) }));
    const batch = Buffer.from(JSON.stringify({ items }));
    expect(batch.length).toBeGreaterThan(BODY_LIMITS.default);
    const verified = await app.inject({ method: 'POST', url: '/api/verify/v1/apps', headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_API_KEY}` }, payload: batch });
    expect(verified.statusCode).toBe(200);
    expect(verified.json().results).toHaveLength(10_000);
  });

  it('answers a body of a type the route does not take with 415 unsupported_media_type', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'login=admin' });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    // Plain text is not JSON (it reached routes as a string: a 400 about the shape); a compressed body is not read.
    const text = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'text/plain' }, payload: '{"login":"admin","password":"x"}' });
    expect(text.statusCode).toBe(415);
    const gzip = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, payload: gzipSync('{"login":"admin","password":"x"}') });
    expect(gzip.statusCode).toBe(415);
    expect(gzip.json()).toMatchObject({ code: 'unsupported_media_type', errors: [{ field: 'header.content-encoding', code: 'encoding_not_accepted' }] });
    expect((await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json', 'content-encoding': 'identity' }, payload: '{' })).json().errors[0].code).toBe('json_syntax');
  });

  it('answers a body that does not match the schema with 400 invalid_request naming the fields', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 42 } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'invalid_request', errors: expect.arrayContaining([expect.objectContaining({ field: 'body.login' }), expect.objectContaining({ field: 'body.password' })]) });
  });

  it('answers a transaction the database rolled back for a lock conflict (40P01, 40001) with 503 transaction_conflict and Retry-After, not 500 (ADR 0033)', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/test/deadlock' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json()).toMatchObject({ status: 503, code: 'transaction_conflict' });
  });

  it('answers an unexpected error with 500 internal_error, without its message', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/test/explode' });
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toMatchObject({ status: 500, code: 'internal_error', requestId: res.headers['x-request-id'] });
    expect(res.body).not.toContain('kaboom');
    // Logged once, at the boundary, with the request id to find it by.
    const logged = log.entries().filter((e) => e.reqId === res.headers['x-request-id'] && e.level === 50);
    expect(logged).toHaveLength(1);
    expect(JSON.stringify(logged[0])).toContain('kaboom');
  });
});

type Schema = Record<string, unknown>;
const subschemas = (s: Schema): unknown[] => [
  ...Object.values((s.properties ?? {}) as Schema), s.items, s.not, ...(typeof s.additionalProperties === 'object' ? [s.additionalProperties] : []),
  ...((s.anyOf ?? []) as unknown[]), ...((s.allOf ?? []) as unknown[]), ...((s.oneOf ?? []) as unknown[]),
].filter((x) => x !== undefined);

/** OpenAPI 3.0 schema objects: one type name, boolean exclusive bounds, no JSON Schema 2019+ keywords. */
function checkSchema30(schema: unknown, where: string): void {
  const s = schema as Schema;
  expect(typeof s, where).toBe('object');
  if (s.$ref !== undefined) return;
  if (s.type !== undefined) expect(['object', 'array', 'string', 'number', 'integer', 'boolean'], where).toContain(s.type);
  for (const bound of ['exclusiveMinimum', 'exclusiveMaximum']) if (bound in s) expect(typeof s[bound], `${where} ${bound}`).toBe('boolean');
  for (const k of ['const', 'prefixItems', '$schema', 'examples', 'dependentSchemas']) expect(k in s, `${where} uses ${k}`).toBe(false);
  for (const sub of subschemas(s)) checkSchema30(sub, where);
}

/** The same schema in draft-07 terms, for Ajv: boolean exclusive bounds become numbers. */
function toDraft07(schema: unknown): Schema {
  const s = { ...(schema as Schema) };
  for (const [bound, plain] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (s[bound] === true) { s[bound] = s[plain]; delete s[plain]; } else if (s[bound] === false) delete s[bound];
  }
  if (s.properties) s.properties = Object.fromEntries(Object.entries(s.properties as Schema).map(([k, v]) => [k, toDraft07(v)]));
  if (s.items) s.items = toDraft07(s.items);
  if (typeof s.additionalProperties === 'object') s.additionalProperties = toDraft07(s.additionalProperties);
  for (const k of ['anyOf', 'allOf', 'oneOf'] as const) if (Array.isArray(s[k])) s[k] = (s[k] as unknown[]).map(toDraft07);
  return s;
}

describe('OpenAPI', () => {
  let doc: { openapi: string; info: { title: string; version: string }; paths: Record<string, Record<string, Record<string, unknown>>>; components?: Record<string, unknown> };
  beforeAll(async () => {
    const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    doc = res.json();
  });

  it('is an OpenAPI 3 document with the host, provider, bureau and public paths', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    const paths = Object.keys(doc.paths);
    expect(paths).toEqual(expect.arrayContaining([
      '/api/health', '/api/auth/login', '/api/host/applications', '/api/host/applications/{id}/submit',
      '/api/provider/applications', '/api/provider/applications/{id}/approve', '/api/bureau/applications', '/api/bureau/applications/{id}/approve',
    ]));
    expect(Object.keys(doc.paths['/api/host/applications']!)).toEqual(expect.arrayContaining(['get', 'post']));
    expect(paths).not.toContain('/api/openapi.json'); // hidden
  });

  it('is well formed: operations have responses with descriptions, path parameters are declared, schemas compile', () => {
    const methods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
    // With the formats the document uses (uuid, date-time, email…): without them Ajv warns
    // "unknown format … ignored" for every one and checks nothing of them.
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajvFormats.default(ajv); // the CommonJS module's function, as its types name it
    let schemas = 0;
    const compile = (schema: unknown, where: string) => {
      checkSchema30(schema, where);
      expect(() => ajv.compile(toDraft07(schema)), where).not.toThrow();
      schemas++;
    };
    for (const [p, item] of Object.entries(doc.paths)) {
      expect(p).toMatch(/^\/api\//);
      const templated = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${p}`;
        expect(methods.has(method), where).toBe(true);
        const responses = op.responses as Record<string, { description?: string; content?: Record<string, { schema: unknown }> }>;
        expect(Object.keys(responses).length, where).toBeGreaterThan(0);
        for (const [status, r] of Object.entries(responses)) {
          expect(status, where).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
          expect(typeof r.description, `${where} ${status}`).toBe('string');
          for (const c of Object.values(r.content ?? {})) compile(c.schema, `${where} ${status}`);
        }
        const params = (op.parameters ?? []) as { name: string; in: string; required?: boolean; schema: unknown }[];
        for (const param of params) {
          expect(['path', 'query', 'header', 'cookie'], where).toContain(param.in);
          if (param.in === 'path') expect(param.required, `${where} ${param.name}`).toBe(true);
          compile(param.schema, `${where} ${param.name}`);
        }
        expect(params.filter((x) => x.in === 'path').map((x) => x.name).sort(), where).toEqual([...templated].sort());
        const body = op.requestBody as { content?: Record<string, { schema: unknown }> } | undefined;
        for (const c of Object.values(body?.content ?? {})) compile(c.schema, `${where} body`);
      }
    }
    expect(schemas).toBeGreaterThan(50);
    // The formats are checked, not ignored: a uuid path parameter refuses what is not one.
    const uuidParam = (doc.paths['/api/host/applications/{id}']!.get!.parameters as { name: string; schema: unknown }[]).find((x) => x.name === 'id')!;
    const isUuid = ajv.compile(toDraft07({ ...(uuidParam.schema as Schema), pattern: undefined }));
    expect(isUuid('2f1c7a3e-9b4d-4c1e-8f2a-6d5b3c9e1a70')).toBe(true);
    expect(isUuid('2f1c7a3e-9b4d-4c1e-8f2a-6d5b3c9e1a7')).toBe(false);
    // Every $ref points into the document.
    for (const [, ref] of JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)) {
      expect(ref).toMatch(/^#\//);
      const target = ref!.slice(2).split('/').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
      expect(target, ref).toBeDefined();
    }
  });

  it('is browsable at /api/docs', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toMatch(/<html/i);
    expect(res.body).toContain('swagger-ui');
  });
});

describe('logging', () => {
  const SECRETS = {
    bearer: 'Bearer bk_live_SECRET_api_key_0001',
    cookie: 'beian_session=SECRET_session_token_0002',
    csrf: 'SECRET_csrf_token_0003',
    password: 'SECRET-Passw0rd-0004',
    mobile: '13912340005',
    email: 'secret.person.0006@example.test',
    queryParameter: '广东省深圳市秘密路0007号',
  };

  beforeAll(async () => {
    const headers = { authorization: SECRETS.bearer, cookie: SECRETS.cookie, 'x-csrf-token': SECRETS.csrf, 'x-request-id': 'log-test-0001' };
    await app.inject({ method: 'POST', url: '/api/auth/login', headers, payload: { login: SECRETS.email, password: SECRETS.password } });
    await app.inject({ method: 'POST', url: '/api/auth/login', headers: { ...headers, 'x-request-id': 'log-test-0002' }, payload: { login: SECRETS.mobile, password: SECRETS.password } });
    await app.inject({
      method: 'POST', url: '/api/auth/register', headers: { 'x-request-id': 'log-test-0003' },
      payload: { displayName: '测试', mobile: SECRETS.mobile, email: SECRETS.email, password: SECRETS.password },
    });
    await app.inject({ method: 'POST', url: '/api/auth/register', headers: { 'x-request-id': 'log-test-0004' }, payload: { mobile: SECRETS.mobile, password: 42 } });
    const admin = await signIn(app, 'admin');
    const inbox = await app.inject({ method: 'GET', url: `/api/admin/dev-sms?mobile=${SECRETS.mobile}&limit=5`, headers: { ...admin.headers, 'x-request-id': 'log-test-0005' } });
    expect(inbox.statusCode).toBe(200);
    await app.inject({ method: 'GET', url: '/api/test/explode', headers: { ...headers, 'x-request-id': 'log-test-0006' } });
    app.log.info({ req: { headers: { authorization: SECRETS.bearer, cookie: SECRETS.cookie } }, body: { password: SECRETS.password, mobile: SECRETS.mobile, email: SECRETS.email } }, 'redaction probe');
    // An embedded database's error carries the failed statement's parameters (materials in clear).
    app.log.error({ err: Object.assign(new Error('invalid input syntax for type json'), { code: '22P02', params: [{ address: SECRETS.queryParameter }], queryOptions: { p: SECRETS.queryParameter } }) }, 'database error probe');
  }, SETUP_TIMEOUT);

  it('logs each request (the capture works)', () => {
    const ids = new Set(log.entries().map((e) => e.reqId));
    for (const id of ['log-test-0001', 'log-test-0002', 'log-test-0003', 'log-test-0004', 'log-test-0005', 'log-test-0006']) expect(ids.has(id), id).toBe(true);
    const incoming = log.entries().find((e) => e.reqId === 'log-test-0001' && e.msg === 'incoming request');
    expect(incoming).toMatchObject({ req: { method: 'POST', url: '/api/auth/login' } });
  });

  it.each(Object.entries(SECRETS))('never writes the %s', (_name, secret) => {
    const value = secret.replace(/^Bearer /, '').replace(/^beian_session=/, '');
    expect(log.text()).not.toContain(value);
  });

  it('keeps the names of query parameters but not their values', () => {
    const incoming = log.entries().find((e) => e.reqId === 'log-test-0005' && e.msg === 'incoming request') as { req: { url: string } } | undefined;
    expect(incoming?.req.url).toMatch(/^\/api\/admin\/dev-sms\?mobile=[^&]*&limit=[^&]*$/);
    expect(incoming?.req.url).not.toContain(SECRETS.mobile);
  });

  it('censors credentials and personal fields in objects logged by the code', () => {
    const probe = log.entries().find((e) => e.msg === 'redaction probe');
    expect(probe).toMatchObject({
      req: { headers: { authorization: '[redacted]', cookie: '[redacted]' } },
      body: { password: '[redacted]', mobile: '[redacted]', email: '[redacted]' },
    });
  });
});
