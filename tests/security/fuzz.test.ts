// Fuzzing every operation of the OpenAPI document (issue 15, §2) with fast-check: hostile path
// parameters (malformed UUIDs and filing numbers, NUL and control characters, huge and empty
// strings), query values (wrong types, huge and odd numbers), bodies built from the operation's
// own schema with wrong types, deep JSON, malformed JSON and wrong content types, and oversized
// bodies. For every answer: no 5xx, no stack trace or SQL text, and a refused write leaves every
// table as it was. Each operation is called as a caller its route admits, so input reaches the
// validators and flows rather than stopping at the guard.
//
// FUZZ_RUNS (default 6) sets the runs per operation; FUZZ_SEED replays a run. A longer run:
//   FUZZ_RUNS=200 npx vitest run tests/security/fuzz.test.ts
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzRuns } from '../hostile.ts';
import { buildWorld, changedTables, databaseDigest, type Identity, type World } from './fixture.ts';

const RUNS = fuzzRuns(6);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Text no answer may carry: stack frames and source paths. */
const STACK = ['    at ', 'node_modules', 'file:///'];
/** Text no refusal may carry: SQL, database and JavaScript errors (data may mention a word; an error must not). */
const LEAKS = [...STACK, 'at /', '.ts:', 'SELECT', 'INSERT INTO', 'UPDATE ', 'syntax error', 'relation "', 'violates', 'duplicate key', 'PostgresError', 'TypeError', 'RangeError', 'ReferenceError', 'Cannot read properties'];

/** Who calls an operation: a role its route admits (by audience), so the fuzz gets past the guard. */
function callerOf(path: string): Identity {
  if (path.startsWith('/api/host/')) return 'host';
  if (path.startsWith('/api/provider/')) return 'provider';
  if (path.startsWith('/api/bureau/')) return 'reviewer';
  if (path.startsWith('/api/admin/calendar-overrides') || path.startsWith('/api/admin/')) return 'admin';
  if (path.startsWith('/api/org/api-keys') || path.startsWith('/api/org/webhooks')) return 'platform';
  if (path.startsWith('/api/org/') || path.startsWith('/api/verify/')) return 'apiKey';
  if (path.startsWith('/api/auth/')) return 'otherHost';
  return 'anonymous';
}

type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema; enum?: unknown[]; format?: string; required?: string[]; anyOf?: Schema[]; minimum?: number; maximum?: number; maxLength?: number; nullable?: boolean };
interface Operation { method: string; path: string; params: { name: string; in: string; schema: Schema }[]; body?: { contentType: string; schema: Schema } }

// --- hostile values ---------------------------------------------------------------------

const CONTROL = fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 8 });
const huge = (n: number) => fc.constantFrom('a', '京', '\u0000', '9', '%').map((c) => c.repeat(n));
const SERVICE_NUMBERS = fc.constantFrom(
  '京ICP备2024012345号-2A', '京ICP备2024012345号-0A', '京ICP备2024012345号-01', '京ICP备2024012345号-2Z', '京ICP备2024012345号-99999999999999999999A',
  '京ICP备20240123451234号', '火ICP备2024012345号', '粤B2-20090059-1626X', '京公网安备11010802020000号', 'ICP备号', '京ＩＣＰ备２０２４０１２３４５号－２Ａ', '京ICP备2024012345号-2A\u0000',
);
const UUIDISH = fc.oneof(
  fc.uuid(), fc.constant('00000000-0000-0000-0000-000000000000'), fc.constant('ffffffff-ffff-ffff-ffff-ffffffffffff'),
  fc.uuid().map((u) => u.toUpperCase()), fc.uuid().map((u) => u.slice(0, 35)), fc.uuid().map((u) => `${u}0`), fc.uuid().map((u) => u.replace(/-/g, '')),
  fc.uuid().map((u) => `${u.slice(0, 8)}\u0000${u.slice(9)}`), fc.constant('not-a-uuid'), fc.constant("' or 1=1 --"),
);
const NUMBERISH = fc.oneof(
  fc.constantFrom('-1', '0', '1e309', '-1e309', 'NaN', 'Infinity', '1.5', '0x10', '9007199254740993', '99999999999999999999999', '', ' ', '+1', '1_000'),
  fc.integer().map(String), fc.double().map(String),
);
const STRINGISH = fc.oneof(
  fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }), CONTROL,
  fc.constant(''), fc.constant(' '), huge(10_000), huge(300), SERVICE_NUMBERS, UUIDISH, NUMBERISH,
  fc.constantFrom('../../etc/passwd', '%00', '%E4%B8', '<script>alert(1)</script>', '${7*7}', '__proto__', '\uFEFF', '\uD800', 'a\u202Eb'),
);

/** A JSON value of any type, for "wrong type" (and a nested one, for deep-ish data). */
const ANYJSON: fc.Arbitrary<unknown> = fc.oneof(
  STRINGISH, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(true, false, null, 1e308, -0, 2 ** 53 + 1),
  fc.constant([]), fc.constant({}), fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 50, max: 2000 }).map((d) => { let v: unknown = 1; for (let i = 0; i < d; i++) v = { a: v }; return v; }),
);

/** A value for a schema: mostly the right shape with hostile content, sometimes the wrong type. */
function valueFor(s: Schema | undefined, ids: string[], depth = 0): fc.Arbitrary<unknown> {
  if (!s || depth > 4) return ANYJSON;
  const variants: fc.Arbitrary<unknown>[] = [];
  if (s.anyOf) variants.push(...s.anyOf.map((x) => valueFor(x, ids, depth + 1)));
  if (s.enum) variants.push(fc.constantFrom(...s.enum));
  switch (s.type) {
    case 'object': {
      const props = s.properties ?? {};
      const keys = Object.keys(props);
      if (keys.length) {
        const rec = fc.record(Object.fromEntries(keys.map((k) => [k, valueFor(props[k], ids, depth + 1)])), { requiredKeys: [] });
        variants.push(rec, rec, fc.tuple(rec, fc.dictionary(fc.string({ maxLength: 8 }), ANYJSON, { maxKeys: 2 })).map(([a, b]) => ({ ...b, ...a })));
      } else variants.push(fc.dictionary(fc.string({ maxLength: 8 }), ANYJSON, { maxKeys: 3 }));
      break;
    }
    case 'array': variants.push(fc.array(valueFor(s.items, ids, depth + 1), { maxLength: 4 }), fc.array(valueFor(s.items, ids, depth + 1), { minLength: 60, maxLength: 70 })); break;
    case 'string':
      if (s.format === 'uuid') variants.push(fc.constantFrom(...ids), UUIDISH);
      variants.push(STRINGISH, fc.string({ maxLength: s.maxLength ?? 20 }));
      if (s.maxLength) variants.push(fc.constant('x'.repeat(s.maxLength)), fc.constant('x'.repeat(s.maxLength + 1)));
      break;
    case 'integer': case 'number':
      variants.push(fc.integer(), fc.constantFrom(s.minimum ?? 0, s.maximum ?? 0, (s.minimum ?? 0) - 1, (s.maximum ?? 0) + 1, 1e308, -1e308, 0.5, 2 ** 53));
      break;
    case 'boolean': variants.push(fc.boolean()); break;
    default: break;
  }
  variants.push(ANYJSON);
  return fc.oneof(...variants);
}

/** The request body as sent: JSON of a schema value, or raw hostile text, under some content type. */
function bodyFor(op: Operation, ids: string[]): fc.Arbitrary<{ payload?: string | Buffer; contentType?: string }> {
  const deep = (n: number, open: string, close: string) => open.repeat(n) + close.repeat(n);
  const raw = fc.oneof(
    fc.constantFrom('{', '{"a":', '[1,]', 'nul', '{"a":1}{"b":2}', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '\u0000', '""', '0', '[]', 'null', '{"a":"\\ud800"}'),
    fc.integer({ min: 1000, max: 200_000 }).map((n) => deep(n, '[', ']')),
    fc.integer({ min: 1000, max: 50_000 }).map((n) => deep(n, '{"a":', '}').replace(/:}/, ':1}')),
    fc.string({ unit: 'binary', maxLength: 200 }),
  );
  const types = fc.constantFrom('application/json', 'text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
    'application/x-ndjson', 'text/csv', 'application/json; charset=utf-16', 'application/octet-stream', 'image/png');
  const json = op.body ? valueFor(op.body.schema, ids) : ANYJSON;
  return fc.oneof(
    { weight: 5, arbitrary: json.map((v) => ({ payload: JSON.stringify(v) ?? 'null', contentType: op.body?.contentType ?? 'application/json' })) },
    { weight: 2, arbitrary: fc.tuple(raw, types).map(([payload, contentType]) => ({ payload, contentType })) },
    { weight: 1, arbitrary: fc.tuple(json, types).map(([v, contentType]) => ({ payload: JSON.stringify(v) ?? '', contentType })) },
    { weight: 1, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: types.map((contentType) => ({ payload: '', contentType })) },
  );
}

/** Percent-encoding that survives lone surrogates: they go out as the invalid UTF-8 of one (%ED%A0%80). */
function enc(s: string): string {
  try { return encodeURIComponent(s); } catch { return s.split(/[\uD800-\uDFFF]/).map((x) => encodeURIComponent(x)).join('%ED%A0%80'); }
}

function paramValue(ids: string[], name: string): fc.Arbitrary<string> {
  return fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...ids) }, { weight: 3, arbitrary: STRINGISH.map(String) },
    { weight: 1, arbitrary: name.toLowerCase().includes('number') ? SERVICE_NUMBERS : UUIDISH });
}

function queryFor(op: Operation, ids: string[]): fc.Arbitrary<string> {
  const params = op.params.filter((p) => p.in === 'query');
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '');
  // A parameter of the operation with a value shaped by its schema (so the others can be hostile), or any name.
  const named = params.map((p) => fc.tuple(fc.constant(p.name), fc.oneof(valueFor(p.schema, ids).map(text), NUMBERISH, STRINGISH.map(String))));
  const pair = fc.oneof(...named, fc.tuple(fc.string({ maxLength: 6 }), fc.oneof(NUMBERISH, STRINGISH.map(String))));
  const pairs = fc.array(pair, { maxLength: Math.max(5, params.length + 2) });
  return pairs.map((ps) => ps.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&'));
}

// --- the suite ------------------------------------------------------------------------------

let w: World;
let ops: Operation[];
let realIds: string[];

beforeAll(async () => {
  w = await buildWorld();
  const doc = (await w.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { parameters?: Operation['params']; requestBody?: { content: Record<string, { schema: Schema }> } }>> };
  ops = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([m, op]) => {
    const content = Object.entries(op.requestBody?.content ?? {})[0];
    return { method: m.toUpperCase(), path, params: op.parameters ?? [], ...(content ? { body: { contentType: content[0], schema: content[1].schema } } : {}) };
  }));
  realIds = Object.values(w.ids).flat();
});
afterAll(async () => { await w?.close(); });

interface Sent { method: string; url: string; payload?: string | Buffer; contentType?: string; headers?: Record<string, string> }

/** Sends one request and returns what is wrong with its answer (empty: nothing). */
async function probe(who: Identity, req: Sent): Promise<string[]> {
  const write = UNSAFE.has(req.method);
  const before = write ? await databaseDigest(w.t.db) : null;
  const headers: Record<string, string> = { ...w.headers(who), ...req.headers };
  if (req.contentType) headers['content-type'] = req.contentType;
  let res;
  try {
    res = await w.inject({ method: req.method as 'GET', url: req.url, headers, ...(req.payload !== undefined ? { payload: req.payload } : {}) });
  } catch (err) {
    // light-my-request refuses what no HTTP client could send (e.g. an invalid header character).
    if ((err as { code?: string }).code === 'ERR_INVALID_CHAR') return [];
    throw err;
  }
  const problems: string[] = [];
  const sent = `${req.url} ${safeDecode(req.url)} ${req.payload ?? ''}`;
  if (res.statusCode >= 500) problems.push(`${res.statusCode}: ${res.body.slice(0, 300)}`);
  for (const leak of res.statusCode >= 400 ? LEAKS : STACK) if (res.body.includes(leak) && !sent.includes(leak)) problems.push(`answer ${res.statusCode} shows "${leak}": ${res.body.slice(0, 300)}`);
  if (before && res.statusCode >= 400) {
    const changed = changedTables(before, await databaseDigest(w.t.db));
    if (changed.length) problems.push(`refused (${res.statusCode}) yet changed ${changed.join(', ')}: ${res.body.slice(0, 200)}`);
  }
  if (write && res.statusCode < 400) await w.renewSessions();
  return problems;
}

function safeDecode(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; }
}

describe('fuzzing every operation', () => {
  it('covers the whole OpenAPI document', () => {
    expect(ops.length).toBeGreaterThan(100);
  });

  it('answers hostile input to every operation without a 5xx, a leak or a partial write', async () => {
    const failures: string[] = [];
    for (const op of ops) {
      const who = callerOf(op.path);
      const pathParams = op.params.filter((p) => p.in === 'path').map((p) => p.name);
      const arb = fc.record({
        params: fc.record(Object.fromEntries(pathParams.map((n) => [n, paramValue(realIds, n)]))),
        query: queryFor(op, realIds),
        body: UNSAFE.has(op.method) ? bodyFor(op, realIds) : fc.constant({}),
      });
      const result = await fc.check(fc.asyncProperty(arb, async ({ params, query, body }) => {
        let url = op.path;
        for (const [n, v] of Object.entries(params)) url = url.replace(`{${n}}`, enc(v as string));
        if (query) url += `?${query}`;
        const problems = await probe(who, { method: op.method, url, ...body });
        if (problems.length) throw new Error(problems.join('; '));
      }), { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}), endOnFailure: true });
      if (result.failed) {
        failures.push(`${op.method} ${op.path} (seed ${result.seed}): ${String((result.errorInstance as Error | undefined)?.message ?? result.errorInstance).slice(0, 600)}\n  input: ${fc.stringify(result.counterexample).slice(0, 600)}`);
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
  }, 600_000);
});

describe('hostile input found or always worth sending', () => {
  /** Cut short, no boundary, a boundary over busboy's 256 bytes: these were 500s (`Unexpected end of multipart data`, …). */
  const MALFORMED_MULTIPART: [string, string][] = [
    ['multipart/form-data; boundary=x', 'abc'], ['multipart/form-data; boundary=x', '--x\r\n'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="file"; filename="a.apk"\r\n\r\nPK'],
    ['multipart/form-data; boundary=', '--\r\n'], ['multipart/form-data', 'abc'], [`multipart/form-data; boundary=${'b'.repeat(300)}`, 'abc'],
  ];
  for (const [url, who] of [['/api/host/packages', 'host'], ['/api/verify/v1/packages', 'apiKey']] as const) {
    it(`POST ${url}: a malformed multipart body is a 400 upload_malformed, not a 500`, async () => {
      for (const [contentType, payload] of MALFORMED_MULTIPART) {
        const res = await w.inject({ method: 'POST', url, headers: { ...w.headers(who), 'content-type': contentType }, payload });
        expect(res.statusCode, `${contentType} ${JSON.stringify(payload)}: ${res.body}`).toBe(400);
        expect(res.json()).toMatchObject({ code: 'upload_malformed', errors: [{ field: 'file' }] });
      }
    });
  }

  it('deep JSON, a body over the 20 MiB limit and a 200 kB string get no 5xx, no leak and no partial write wherever they are sent', async () => {
    const deepArray = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const deepObject = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const oversized = Buffer.alloc(21 * 1024 * 1024, 0x61);
    const longString = JSON.stringify({ name: '京'.repeat(200_000), reason: 'x'.repeat(200_000) });
    const targets: [Identity, string, string][] = [
      ['host', 'POST', '/api/host/applications'], ['apiKey', 'POST', '/api/verify/v1/apps'], ['reviewer', 'POST', '/api/bureau/campaigns'],
      ['anonymous', 'POST', '/api/auth/login'], ['admin', 'POST', '/api/admin/organisations'], ['host', 'POST', '/api/host/packages'],
      ['apiKey', 'POST', '/api/verify/v1/apps/stream'], ['apiKey', 'POST', `/api/org/campaigns/${w.ids.campaign as string}/catalogue`],
    ];
    const failures: string[] = [];
    for (const [who, method, url] of targets) {
      for (const [what, payload, contentType] of [
        ['deep array', deepArray, 'application/json'], ['deep object', deepObject, 'application/json'], ['long strings', longString, 'application/json'],
        ['21 MiB', oversized, 'application/json'], ['21 MiB ndjson', oversized, 'application/x-ndjson'], ['21 MiB multipart', oversized, 'multipart/form-data; boundary=x'],
      ] as const) {
        const problems = await probe(who, { method, url, payload, contentType });
        if (problems.length) failures.push(`${method} ${url} with ${what}: ${problems.join('; ')}`);
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
  }, 300_000);

  it('hostile credentials and request ids (bearer, cookie, CSRF, x-request-id) are refused or ignored, never a 5xx', async () => {
    const credential = fc.oneof(STRINGISH.map(String), fc.constantFrom('Bearer', 'Bearer ', 'Basic YTpi', `Bearer ${'k'.repeat(600)}`, 'bearer demo-platform-key', 'Bearer demo-platform-key extra'));
    const arb = fc.record({
      url: fc.constantFrom('/api/auth/session', '/api/host/applications', '/api/verify/v1/webhooks', '/api/public/v1/services?q=示例', '/api/admin/users'),
      method: fc.constantFrom('GET', 'POST', 'DELETE'),
      header: fc.constantFrom('authorization', 'cookie', 'x-csrf-token', 'x-request-id', 'idempotency-key'),
      value: fc.oneof(credential, credential.map((v) => `beian_session=${v}`)),
    });
    await fc.assert(fc.asyncProperty(arb, async ({ url, method, header, value }) => {
      const clean = value.replace(/[^\t\x20-\x7e\x80-\xff]/g, ''); // what an HTTP header can carry
      const problems = await probe('anonymous', { method, url, headers: { [header]: clean }, ...(method === 'GET' ? {} : { payload: '{}', contentType: 'application/json' }) });
      expect(problems).toEqual([]);
    }), { numRuns: RUNS * 20, ...(SEED !== undefined ? { seed: SEED } : {}) });
  });
});
