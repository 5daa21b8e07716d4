// The per-process API-key cache (migration 0005, ADR 0009), on both databases: hits cost no
// query; a revocation or suspension committed anywhere empties it (NOTIFY); the last-used stamp
// does not; unknown keys are not remembered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_TIMEOUT } from '../../tests/auth.ts';
import { testDatabase, type TestDb } from '../../tests/db.ts';
import { type ApiKeyCache, startApiKeyCache } from './api-key-cache.ts';
import type { Db } from './connection.ts';
import { hashApiKey } from './credentials.ts';
import { DEMO_API_KEY, seedDemo } from './seed/demo.ts';

async function until(check: () => Promise<boolean>, ms = 1000): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - start;
}

describe('API-key cache', () => {
  let t: TestDb;
  let keys: ApiKeyCache;
  const queries: string[] = [];
  const hash = hashApiKey(DEMO_API_KEY);
  beforeAll(async () => {
    t = await testDatabase();
    await seedDemo(t.db, t.sealer);
    const counting: Db = { ...t.db, query: (text, params) => { queries.push(text); return t.db.query(text, params); } } as Db;
    keys = await startApiKeyCache(counting);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await keys?.close(); await t?.close(); });

  it('answers a live key from memory after the first lookup; does not remember unknown keys', async () => {
    expect(await keys.find(hash)).toMatchObject({ org_kind: 'distribution_platform' });
    const n = queries.length;
    expect(await keys.find(hash)).toMatchObject({ org_kind: 'distribution_platform' });
    expect(queries.length).toBe(n);
    expect(await keys.find(hashApiKey('guess'))).toBeNull();
    expect(await keys.find(hashApiKey('guess'))).toBeNull();
    expect(queries.length).toBe(n + 2);
  });

  it('keeps the key through a last-used stamp, forgets it on revocation and on suspension', async () => {
    await keys.find(hash);
    await t.db.query('update api_keys set last_used_at = now() where key_hash = $1', [hash]);
    await new Promise((r) => setTimeout(r, 100));
    const n = queries.length;
    await keys.find(hash);
    expect(queries.length).toBe(n); // no NOTIFY for a stamp
    await t.db.query('update api_keys set revoked_at = now() where key_hash = $1', [hash]);
    expect(await until(async () => (await keys.find(hash)) === null)).toBeLessThan(1000);
    await t.db.query('update api_keys set revoked_at = null where key_hash = $1', [hash]);
    await until(async () => (await keys.find(hash)) !== null);
    await t.db.query(`update organisations set status = 'suspended' where id = (select organisation_id from api_keys where key_hash = $1)`, [hash]);
    expect(await until(async () => (await keys.find(hash)) === null)).toBeLessThan(1000);
  });
});
