// Data-key rotation (issue 15 §3) on the test backend (PGlite, or PostgreSQL with DATABASE_URL):
// interrupted after a few batches it resumes, counts add up at every step, and afterwards every
// sealed value (columns, materials, outbox payloads) opens with the new key alone, unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/connection.ts';
import { rotateDataKeys, SEALED_COLUMNS, SEALED_JSON, sealedCounts } from '../src/db/key-rotation.ts';
import { openMaterials } from '../src/db/materials-store.ts';
import { createSealer, type Sealer } from '../src/db/personal-data.ts';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, signIn } from './auth.ts';
import { testSecrets } from './db.ts';
import { appMaterials, CLOUD, fileToProvider, orgId, throughSms } from './filing.ts';

const t2 = { id: 't2', key: Buffer.alloc(32, 42) };
const rotated = createSealer({ dataKeys: [t2, ...testSecrets.dataKeys], hashKey: testSecrets.hashKey });
const onlyNew = createSealer({ dataKeys: [t2], hashKey: testSecrets.hashKey });

const ENV = /^v1\./;
/** Every sealed value, opened, by location. */
async function plaintexts(db: Db, sealer: Sealer): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (const { table, column } of SEALED_COLUMNS) {
    for (const r of await db.query<{ id: string; v: string }>(`select id::text as id, ${column} as v from ${table} where ${column} is not null`)) {
      out.set(`${table}.${column}.${r.id}`, sealer.open(r.v));
    }
  }
  for (const r of await db.query<{ id: string; v: unknown }>('select id::text as id, materials as v from applications')) out.set(`materials.${r.id}`, openMaterials(r.v, sealer));
  for (const r of await db.query<{ id: string; v: unknown }>('select id::text as id, base_materials as v from applications where base_materials is not null')) out.set(`base.${r.id}`, openMaterials(r.v, sealer));
  for (const r of await db.query<{ id: string; v: string }>(`select scope || '/' || key as id, response #>> '{}' as v from idempotency_keys where response is not null`)) out.set(`idempotency.${r.id}`, sealer.open(r.v));
  const walk = (v: unknown): unknown => (typeof v === 'string' && ENV.test(v) ? sealer.open(v)
    : Array.isArray(v) ? v.map(walk) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)])) : v);
  for (const r of await db.query<{ id: string; v: unknown }>('select id::text as id, payload as v from outbox')) out.set(`outbox.${r.id}`, walk(r.v));
  return out;
}

describe('beian keys rotate (the re-sealing)', () => {
  let h: AuthTestApp;
  beforeAll(async () => {
    h = await authTestApp();
    const [host, provider] = await Promise.all(['host@demo.beian.test', 'provider.demo'].map((l) => signIn(h.app, l)));
    const cloud = await orgId(h.t.db, CLOUD);
    for (let i = 0; i < 2; i++) {
      const id = await fileToProvider(h.app, host!, { serviceType: 'app', submitterOrgId: cloud, materials: appMaterials(cloud) });
      await throughSms(h, host!, provider!, id);
    }
    // A replayable answer (api/idempotency.ts seals the whole body), keyed by scope + key, not by id.
    await h.t.db.query(`insert into idempotency_keys (scope, key, request_hash, status_code, response) values ('test', 'k1', 'h', 201, to_jsonb($1::text))`,
      [h.t.sealer.seal(JSON.stringify({ id: 'x', mobile: '13800138000' }))]);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); });

  it('knows every sealed column of the schema', async () => {
    const cols = await h.t.db.query<{ t: string; c: string }>(
      `select table_name as t, column_name as c from information_schema.columns where table_schema = 'public' and column_name like '%\\_enc' order by 1, 2`);
    expect(cols.map((r) => `${r.t}.${r.c}`).sort()).toEqual(SEALED_COLUMNS.map((r) => `${r.table}.${r.column}`).sort());
    expect(SEALED_JSON.map((r) => `${r.table}.${r.column}`)).toEqual(['applications.materials', 'applications.base_materials', 'outbox.payload', 'idempotency_keys.response']);
  });

  it('re-seals in batches, resumes after an interruption, and every value still opens, unchanged', async () => {
    const db = h.t.db;
    const before = await plaintexts(db, h.t.sealer);
    const counts0 = await sealedCounts(db);
    const total = counts0.t1!;
    expect(Object.keys(counts0)).toEqual(['t1']);
    expect(total).toBeGreaterThan(40);
    const [m] = await db.query<{ n: number }>(`select count(*)::int as n from applications where materials::text like '%"v1.t1.%'`);
    expect(m!.n).toBeGreaterThanOrEqual(2);
    const [o] = await db.query<{ n: number }>(`select count(*)::int as n from outbox where payload::text like '%"v1.t1.%'`);
    expect(o!.n).toBeGreaterThan(0);

    // Interrupted after 3 batches of at most 5 rows (a table's last batch may be shorter).
    const first = await rotateDataKeys(db, rotated, 't2', { batchSize: 5, maxBatches: 3 });
    expect(first.complete).toBe(false);
    const done = first.resealed;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThanOrEqual(15);
    const mid = await sealedCounts(db);
    expect(mid).toEqual({ t1: total - done, t2: done });

    // Resumed: the rest, and nothing twice.
    let batches = 0;
    const second = await rotateDataKeys(db, rotated, 't2', { batchSize: 7, onBatch: () => { batches++; } });
    expect(second).toEqual({ resealed: total - done, complete: true });
    expect(batches).toBeGreaterThan(1);
    expect(await sealedCounts(db)).toEqual({ t2: total });
    expect(await rotateDataKeys(db, rotated, 't2')).toEqual({ resealed: 0, complete: true });

    // The old key is no longer needed to read anything.
    expect(await plaintexts(db, onlyNew)).toEqual(before);
    // And the server side still works with the rotated keys: an unrelated old-key-only sealer cannot.
    await expect(plaintexts(db, h.t.sealer)).rejects.toThrow(/key "t2" unknown/);
  });

  it('runs while the server keeps writing: a concurrent write is never overwritten with the value read before it', async () => {
    const db = h.t.db;
    const t3 = { id: 't3', key: Buffer.alloc(32, 43) };
    const next = createSealer({ dataKeys: [t3, t2, ...testSecrets.dataKeys], hashKey: testSecrets.hashKey });
    const persons = await db.query<{ id: string }>('select id::text as id from persons order by id');
    expect(persons.length).toBeGreaterThanOrEqual(5);
    // A server that already has the new key first writes each person's e-mail right after rotation
    // has read it and before rotation's update (the worst interleaving, made deterministic by
    // wrapping the database the rotation uses).
    const written = new Map<string, string>();
    const racing: Db = {
      ...db,
      query: async <T extends object>(text: string, params?: unknown[]) => {
        const rows = await db.query<T>(text, params);
        if (/email_enc as v from persons/.test(text)) {
          for (const r of rows as unknown as { id: string }[]) {
            const email = `raced.${r.id.slice(0, 8)}@example.cn`;
            await db.query('update persons set email_enc = $1 where id = $2::uuid', [next.seal(email), r.id]);
            written.set(r.id, email);
          }
        }
        return rows;
      },
    };
    const result = await rotateDataKeys(racing, next, 't3', { batchSize: 2 });
    expect(result.complete).toBe(true);
    expect(written.size).toBe(persons.length);
    // Rows changed under it (here also by the app's outbox delivery) were skipped: the next run takes them.
    await rotateDataKeys(db, next, 't3', { batchSize: 2 });
    expect(Object.keys(await sealedCounts(db))).toEqual(['t3']);
    const only3 = createSealer({ dataKeys: [t3], hashKey: testSecrets.hashKey });
    for (const r of await db.query<{ id: string; v: string }>('select id::text as id, email_enc as v from persons')) {
      expect(only3.open(r.v), r.id).toBe(written.get(r.id));
    }
  });
});
