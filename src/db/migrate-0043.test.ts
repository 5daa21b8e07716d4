// Migration 0043 over a database holding a revoked record without a category (as the demo seeds and imports
// wrote them): the record gets `other`, the others keep theirs, and no revoked record can be written without one.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT } from '../../tests/auth.ts';

const MIGRATION = readFileSync(new URL('../../db/migrations/0043_revoked_has_category.sql', import.meta.url), 'utf8');

describe('migration 0043 over revoked records without a category', () => {
  let a: AuthTestApp;
  beforeAll(async () => { a = await authTestApp(); }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('sets `other` for them, keeps the others, and refuses a new one', async () => {
    const db = a.t.db;
    await db.query('alter table services drop constraint services_revoked_has_category');
    const [old] = await db.query<{ id: string }>(`update services set revocation_category = null where status = 'revoked' and id = (select id from services where status = 'revoked' limit 1) returning id`);
    const [kept] = await db.query<{ id: string }>(
      `update services set status = 'revoked', revocation_category = 'illegal' where id = (select id from services where status = 'filed' and shell_since is null limit 1) returning id`);
    await db.exec(MIGRATION);
    const rows = await db.query<{ id: string; revocation_category: string }>('select id, revocation_category from services where id = any($1::uuid[])', [[old!.id, kept!.id]]);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.revocation_category]))).toEqual({ [old!.id]: 'other', [kept!.id]: 'illegal' });
    await expect(db.query(`update services set revocation_category = null where id = $1`, [old!.id])).rejects.toThrow(/services_revoked_has_category/);
  });
});
