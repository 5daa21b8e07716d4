// Migration 0052 over a database whose organisation has two active API keys of one name (possible before the
// rule): the upgrade goes through, the later key is renamed with its prefix (history says so), a revoked key
// keeps its name, and from then on the database refuses a second active key of a name.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT } from '../../tests/auth.ts';

const MIGRATION = readFileSync(new URL('../../db/migrations/0052_code_attempts_per_client_api_key_names.sql', import.meta.url), 'utf8');

describe('migration 0052 over API keys sharing a name', () => {
  let a: AuthTestApp;
  beforeAll(async () => { a = await authTestApp(); }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('renames all but the oldest active key of a name, leaves revoked keys be, and refuses a new duplicate', async () => {
    const db = a.t.db;
    // The database as it was before 0052.
    await db.exec(`drop index api_keys_active_name; drop table registration_code_attempts; drop table password_reset_attempts;
      alter table registration_codes drop constraint registration_codes_attempts_cap; alter table password_resets drop constraint password_resets_attempts_cap;`);
    const [org] = await db.query<{ id: string }>(`select id from organisations where name = '示例应用市场'`);
    const key = (name: string, prefix: string, at: string, revoked = false) => db.query<{ id: string }>(
      `insert into api_keys (organisation_id, name, key_prefix, key_hash, created_at, revoked_at) values ($1, $2, $3, $4, $5, $6) returning id`,
      [org!.id, name, prefix, `hash-${prefix}`, at, revoked ? at : null]);
    const [oldest] = await key('审核系统', 'bk_aaaaaaa', '2026-01-01T00:00:00Z');
    const [later] = await key('审核系统', 'bk_bbbbbbb', '2026-02-01T00:00:00Z');
    const [revoked] = await key('审核系统', 'bk_ccccccc', '2026-03-01T00:00:00Z', true);
    const [long] = await key('长'.repeat(64), 'bk_ddddddd', '2026-01-01T00:00:00Z');
    const [longer] = await key('长'.repeat(64), 'bk_eeeeeee', '2026-02-01T00:00:00Z');
    await db.exec(MIGRATION);
    const names = new Map((await db.query<{ id: string; name: string }>('select id, name from api_keys where organisation_id = $1', [org!.id])).map((r) => [r.id, r.name]));
    expect([oldest, later, revoked, long].map((k) => names.get(k!.id))).toEqual(['审核系统', '审核系统 · bk_bbbbbbb', '审核系统', '长'.repeat(64)]);
    expect(names.get(longer!.id)).toBe(`${'长'.repeat(64 - 13)} · bk_eeeeeee`);
    expect(await db.query(`select action, actor_role, reason from history where entity_type = 'api_key' and entity_id = $1`, [later!.id]))
      .toEqual([{ action: 'renamed', actor_role: 'system', reason: expect.objectContaining({ from: '审核系统', to: '审核系统 · bk_bbbbbbb' }) }]);
    await expect(key('审核系统', 'bk_fffffff', '2026-04-01T00:00:00Z')).rejects.toThrow(/api_keys_active_name|duplicate key/);
    expect((await key('审核系统', 'bk_ggggggg', '2026-04-01T00:00:00Z', true)).length).toBe(1); // revoked: no rule
  });
});
