import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDatabase, type TestDb } from '../../tests/db.ts';
import { latestMigration, listMigrations, migrate } from './migrate.ts';
import { dumpSchema } from './schema-dump.ts';

describe('migrations', () => {
  let t: TestDb;
  beforeAll(async () => { t = await emptyDatabase(); });
  afterAll(async () => { await t.close(); });

  it('apply to an empty database and match the committed schema dump', async () => {
    const applied = await migrate(t.db);
    expect(applied).toEqual((await listMigrations()).map((m) => m.version));
    await expect(await dumpSchema(t.db)).toMatchFileSnapshot('../../db/schema.snapshot');
  });

  it('are idempotent and record the latest version', async () => {
    expect(await migrate(t.db)).toEqual([]);
    const last = (await listMigrations()).at(-1)!;
    expect(await latestMigration(t.db)).toBe(`${last.version}_${last.name}`);
  });

  it('load the 31 provinces with their prefixes and variants', async () => {
    const rows = await t.db.query<{ code: string; prefix: string; prefix_variants: string[] }>('select code, prefix, prefix_variants from provinces order by code');
    expect(rows).toHaveLength(31);
    expect(rows.find((r) => r.code === '510000')?.prefix_variants).toEqual(expect.arrayContaining(['川', '蜀']));
    expect(rows.find((r) => r.code === '620000')?.prefix_variants).toEqual(expect.arrayContaining(['甘', '陇']));
  });

  it('keep history append-only', async () => {
    await t.db.query(`insert into history (entity_type, entity_id, action, actor_role) values ('user', gen_random_uuid(), 'test', 'system')`);
    await expect(t.db.query(`update history set action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(t.db.query(`delete from history`)).rejects.toThrow(/append-only/);
  });
});
