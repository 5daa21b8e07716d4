// bench/generate.ts loads valid-looking, unique filings (the public search benchmark depends on
// it): on PGlite through COPY FROM '/dev/blob', on PostgreSQL through COPY FROM STDIN.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../bench/generate.ts';
import { type Db, openPglite } from '../src/db/connection.ts';
import { parseFilingNumber } from '../src/domain/filing-number.ts';
import { backend, emptyDatabase, type TestDb } from './db.ts';

describe(`bench/generate.ts (${backend()})`, () => {
  let db: Db;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    if (backend() === 'postgresql') {
      const t: TestDb = await emptyDatabase();
      await generate({ services: 600, databaseUrl: t.url!, quiet: true, chunk: 250 });
      await generate({ services: 200, databaseUrl: t.url!, quiet: true, seed: 2 }); // appends
      db = t.db;
      cleanup = () => t.close();
    } else {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'beian-gen-'));
      await generate({ services: 600, dataDir: dir, quiet: true, chunk: 250 });
      await generate({ services: 200, dataDir: dir, quiet: true, seed: 2 });
      db = await openPglite(dir);
      cleanup = async () => { await db.close(); await rm(dir, { recursive: true, force: true }); };
    }
  }, 180_000);
  afterAll(async () => { await cleanup?.(); });

  it('loads exactly the services asked for, of every type, mostly filed', async () => {
    const rows = await db.query<{ service_type: string; status: string; n: number }>(
      'select service_type, status, count(*)::int as n from services group by 1, 2');
    expect(rows.reduce((a, r) => a + r.n, 0)).toBe(800);
    expect(new Set(rows.map((r) => r.service_type))).toEqual(new Set(['app', 'website', 'mini_program', 'quick_app']));
    const filed = rows.filter((r) => r.status === 'filed').reduce((a, r) => a + r.n, 0);
    expect(filed / 800).toBeGreaterThan(0.85);
    expect(rows.some((r) => r.status !== 'filed')).toBe(true);
  });

  it('gives valid, unique numbers whose suffix names the service type, under their subject', async () => {
    const rows = await db.query<{ service_number: string; service_type: string; main_number: string }>(
      'select s.service_number, s.service_type, su.main_number from services s join subjects su on su.id = s.subject_id');
    for (const r of rows) {
      const parsed = parseFilingNumber(r.service_number);
      expect(parsed.ok, r.service_number).toBe(true);
      if (!parsed.ok) continue;
      expect(parsed.value).toMatchObject({ kind: 'service', serviceType: r.service_type, mainNumber: r.main_number });
    }
    expect(new Set(rows.map((r) => r.service_number)).size).toBe(rows.length);
  });

  it('gives websites domains, APPs platforms with unique active package names, and advances the number sequences', async () => {
    const [w] = await db.query<{ n: number }>(`select count(*)::int as n from services where service_type = 'website' and cardinality(domains) = 0`);
    expect(w!.n).toBe(0);
    const [a] = await db.query<{ n: number }>(`select count(*)::int as n from services s where service_type = 'app' and not exists (select 1 from app_platforms p where p.service_id = s.id)`);
    expect(a!.n).toBe(0);
    const [seq] = await db.query<{ n: number }>(
      `select count(*)::int as n from subjects su join number_sequences q on q.province_code = su.province_code and q.year = su.main_number_year
        where su.main_number_serial > q.last_serial`);
    expect(seq!.n).toBe(0);
  });
});
