// Migration 0037 on a database whose first load was interrupted with its indexes set aside (ADR
// 0032): the two trigram indexes on names it drops are among them, recorded in deferred_indexes.
// Upgrading must not build them back, and must build every other one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseBefore, type TestDb } from '../../tests/db.ts';
import { deferIndexesForFirstLoad } from './deferred-indexes.ts';
import { listMigrations, migrate } from './migrate.ts';

const DROPPED = ['services_name_trgm', 'subjects_name_trgm'];

describe('migration 0037 over a first load interrupted with its indexes set aside', () => {
  let t: TestDb;
  beforeAll(async () => { t = await databaseBefore('0037'); });
  afterAll(async () => { await t?.close(); });

  const indexes = async () => (await t.db.query<{ name: string }>(
    `select indexname as name from pg_indexes where schemaname = current_schema() and tablename in ('services', 'subjects')`)).map((r) => r.name);

  it('forgets the dropped indexes and builds the others back', async () => {
    const [imp] = await t.db.query<{ id: string }>(
      `insert into imports (source_key, file_name, format, started_at, updated_at) values ('test:0037', 'f.ndjson', 'ndjson', now(), now()) returning id`);
    const set = await t.db.transaction((tx) => deferIndexesForFirstLoad(tx, imp!.id));
    expect(set).toEqual(expect.arrayContaining([...DROPPED, 'services_name_bigrams', 'subjects_name_bigrams']));
    expect(await indexes()).not.toContain('services_name_bigrams');

    expect(await migrate(t.db)).toEqual((await listMigrations()).filter((m) => m.version >= '0037').map((m) => m.version));
    const after = await indexes();
    for (const name of DROPPED) expect(after).not.toContain(name);
    expect(after).toEqual(expect.arrayContaining(['services_name_bigrams', 'subjects_name_bigrams', 'services_name_prefix', 'subjects_name_prefix']));
    const [left] = await t.db.query<{ n: number }>('select count(*)::int as n from deferred_indexes');
    expect(left!.n).toBe(0);
  });
});
