// The error handler's net for text the database cannot store: a NUL that reaches a query (a route
// that did not refuse it first) answers 400 invalid_text, not 500 — on PGlite and PostgreSQL alike.
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDatabase, type TestDb } from '../../tests/db.ts';
import { installProblemHandlers } from './problem.ts';

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
