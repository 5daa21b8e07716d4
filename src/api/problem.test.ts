// The error handler's net for text the database cannot store: a NUL that reaches a query (a route
// that did not refuse it first) answers 400 invalid_text, not 500 — on PGlite and PostgreSQL alike.
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDatabase, type TestDb } from '../../tests/db.ts';
import { freePort } from '../../tests/server-process.ts';
import { openPostgres } from '../db/connection.ts';
import { databaseUnavailable, installProblemHandlers } from './problem.ts';

describe('problem handler', () => {
  let t: TestDb;
  beforeAll(async () => { t = await emptyDatabase(); });
  afterAll(async () => { await t?.close(); });

  it('a NUL that reaches the database is the caller\'s 400 invalid_text; other database errors stay 500', async () => {
    const app = Fastify({ logger: false });
    installProblemHandlers(app);
    app.get('/echo/:s', async (req) => (await t.db.query<{ s: string }>('select $1::text as s', [(req.params as { s: string }).s]))[0]);
    app.get('/broken', async () => t.db.query('select * from no_such_table'));
    await app.ready();
    expect((await app.inject({ url: '/echo/plain' })).json()).toEqual({ s: 'plain' });
    const nul = await app.inject({ url: '/echo/a%00b' });
    expect(nul.statusCode).toBe(400);
    expect(nul.headers['content-type']).toContain('application/problem+json');
    expect(nul.json()).toMatchObject({ status: 400, code: 'invalid_text' });
    expect((await app.inject({ url: '/broken' })).statusCode).toBe(500);
    await app.close();
  });
});

// Defect: with the primary unreachable every write answered 500 internal_error (a bug, to the proxy
// and clients) instead of 503 with Retry-After.
describe('a database that does not answer', () => {
  it('answers 503 database_unavailable with Retry-After, for a refused connection and for the server errors that mean "not now"', async () => {
    const port = await freePort(); // nothing listens there
    const dead = await openPostgres(`postgres://postgres@127.0.0.1:${port}/nowhere`, { probe: false, max: 1 });
    const app = Fastify({ logger: false });
    installProblemHandlers(app);
    app.post('/write', async () => dead.query('insert into t values (1)'));
    for (const [path, err] of [['/shutdown', { code: '57P01', message: 'terminating connection due to administrator command' }],
      ['/starting', { code: '57P03', message: 'the database system is starting up' }],
      ['/standby', { code: '25006', message: 'cannot execute INSERT in a read-only transaction' }],
      ['/terminated', { message: 'Connection terminated unexpectedly' }]] as const) {
      app.post(path, async () => { throw Object.assign(new Error(err.message), 'code' in err ? { code: err.code } : {}); });
    }
    app.post('/bug', async () => { throw Object.assign(new Error('column "x" does not exist'), { code: '42703' }); });
    await app.ready();
    try {
      for (const url of ['/write', '/shutdown', '/starting', '/standby', '/terminated']) {
        const res = await app.inject({ method: 'POST', url });
        expect(res.statusCode, url).toBe(503);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.headers['retry-after']).toBe('5');
        expect(res.json()).toMatchObject({ status: 503, code: 'database_unavailable' });
      }
      expect((await app.inject({ method: 'POST', url: '/bug' })).statusCode).toBe(500);
    } finally {
      await app.close();
      await dead.close();
    }
  });

  // Defect: the "unhandled error" line did not say which request failed.
  it('logs an unhandled error with the method and the path (no query)', async () => {
    const lines: { level: number; msg: string; method?: string; url?: string }[] = [];
    const app = Fastify({ logger: { level: 'warn', stream: { write: (l: string) => { lines.push(JSON.parse(l)); } } } });
    installProblemHandlers(app);
    app.post('/bug', async () => { throw new Error('boom'); });
    await app.ready();
    expect((await app.inject({ method: 'POST', url: '/bug?mobile=13800138000' })).statusCode).toBe(500);
    expect(lines.find((l) => l.msg === 'unhandled error')).toMatchObject({ level: 50, method: 'POST', url: '/bug' });
    expect(JSON.stringify(lines)).not.toContain('13800138000');
    await app.close();
  });

  it('databaseUnavailable: connection classes yes, statement errors no', () => {
    for (const code of ['08006', '08001', '57P01', '57P02', '57P03', '53300', 'ECONNREFUSED', 'ECONNRESET']) expect(databaseUnavailable({ code, message: 'x' }), code).toBe(true);
    for (const code of ['23505', '42P01', '40001', '22021']) expect(databaseUnavailable({ code, message: 'x' }), code).toBe(false);
    expect(databaseUnavailable(new Error('Connection terminated due to connection timeout'))).toBe(true);
    expect(databaseUnavailable(new Error('something else'))).toBe(false);
  });
});
