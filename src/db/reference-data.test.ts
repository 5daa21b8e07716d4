// Reference organisations (issue 12 part 2, ADR 0012): every migrated database holds the
// ministry and the 31 provincial bureaus, demo or not; syncing is idempotent, renames keep the
// row (same id), rows made before migration 0009 are adopted rather than duplicated, and the
// database itself refuses a reference key that does not fit its row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_TIMEOUT } from '../../tests/auth.ts';
import { type TestDb, testDatabase } from '../../tests/db.ts';
import { PROVINCES } from '../domain/provinces.ts';
import { MINISTRY_NAME } from '../domain/reference-organisations.ts';
import { migrate } from './migrate.ts';

describe('reference organisations', () => {
  let t: TestDb;
  beforeAll(async () => { t = await testDatabase(); }, SETUP_TIMEOUT);
  afterAll(async () => { await t?.close(); });

  const orgs = () => t.db.query<{ id: string; kind: string; name: string; province_code: string | null; reference_key: string | null; status: string }>(
    `select id, kind, name, province_code, reference_key, status from organisations order by reference_key`);
  const historyOf = (id: string) => t.db.query<{ action: string; actor_role: string; reason: unknown }>(
    'select action, actor_role, reason from history where entity_id = $1 order by id', [id]);

  it('are there after migrating an empty database: the ministry and one bureau per province, named from src/domain', async () => {
    const rows = await orgs();
    expect(rows).toHaveLength(32);
    const ministry = rows.find((r) => r.kind === 'ministry')!;
    expect(ministry).toMatchObject({ name: MINISTRY_NAME, province_code: null, reference_key: 'ministry', status: 'active' });
    for (const p of PROVINCES) {
      expect(rows.find((r) => r.province_code === p.code), p.code).toMatchObject({ kind: 'bureau', name: p.bureauName, reference_key: `bureau:${p.code}` });
    }
    expect(await historyOf(ministry.id)).toEqual([{ action: 'created', actor_role: 'system', reason: { reference: 'ministry' } }]);
    expect(await t.db.query('select 1 from users')).toEqual([]); // no account: `beian admin create` makes the first
  });

  it('sync idempotently: migrating again changes no row and writes no history', async () => {
    const before = await orgs();
    const [h] = await t.db.query<{ n: number }>('select count(*)::int as n from history');
    expect(await migrate(t.db)).toEqual([]);
    expect(await orgs()).toEqual(before);
    expect((await t.db.query<{ n: number }>('select count(*)::int as n from history'))[0]!.n).toBe(h!.n);
  });

  it('rename in place when the code says another name: same id, history says from and to', async () => {
    const [gd] = await t.db.query<{ id: string }>(`select id from organisations where reference_key = 'bureau:440000'`);
    await t.db.query(`update organisations set name = '广东省通信管理局（旧称）' where id = $1`, [gd!.id]);
    await migrate(t.db);
    const [after] = await t.db.query<{ id: string; name: string }>(`select id, name from organisations where reference_key = 'bureau:440000'`);
    expect(after).toEqual({ id: gd!.id, name: '广东省通信管理局' });
    expect((await historyOf(gd!.id)).at(-1)).toEqual({
      action: 'renamed', actor_role: 'system', reason: { reference: 'bureau:440000', fromName: '广东省通信管理局（旧称）', toName: '广东省通信管理局' },
    });
  });

  it('adopt a bureau and a ministry made before migration 0009 (e.g. by the old demo seed) instead of adding second ones', async () => {
    const [old] = await t.db.query<{ id: string }>(
      `update organisations set reference_key = null, name = '工业和信息化部（演示）' where reference_key = 'ministry' returning id`);
    const [bj] = await t.db.query<{ id: string }>(`update organisations set reference_key = null where reference_key = 'bureau:110000' returning id`);
    await migrate(t.db);
    const rows = await orgs();
    expect(rows).toHaveLength(32);
    expect(rows.find((r) => r.reference_key === 'ministry')).toMatchObject({ id: old!.id, name: MINISTRY_NAME });
    expect(rows.find((r) => r.reference_key === 'bureau:110000')).toMatchObject({ id: bj!.id, name: '北京市通信管理局' });
    expect((await historyOf(old!.id)).at(-1)).toEqual({
      action: 'reference_adopted', actor_role: 'system', reason: { reference: 'ministry', fromName: '工业和信息化部（演示）', toName: MINISTRY_NAME },
    });
  });

  it('are protected by the database: a key must fit its row, one row per key, one bureau per province', async () => {
    await expect(t.db.query(`insert into organisations (kind, name, province_code, reference_key) values ('bureau', '某某通信管理局', '440000', 'bureau:110000')`))
      .rejects.toThrow(/organisations_reference_key_shape|organisations_one_bureau_per_province/);
    await expect(t.db.query(`insert into organisations (kind, name, reference_key) values ('access_provider', '某某云计算有限公司', 'ministry')`))
      .rejects.toThrow(/organisations_reference_key_shape/);
    await expect(t.db.query(`insert into organisations (kind, name, reference_key) values ('ministry', '另一个部', 'ministry')`))
      .rejects.toThrow(/organisations_reference_key_key|duplicate key/);
    await expect(t.db.query(`insert into organisations (kind, name, province_code) values ('bureau', '第二个广东局', '440000')`))
      .rejects.toThrow(/organisations_one_bureau_per_province/);
  });
});
