// Migration 0040 over a database that already holds two open items for one finding (written before the rule): the
// upgrade goes through (a refusal would keep the bureau's server from starting), the older order's item is marked
// legacy_duplicate and kept as it was, and from then on the database refuses any new duplicate.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT } from '../../tests/auth.ts';

const MIGRATION = readFileSync(new URL('../../db/migrations/0040_one_open_order_item_per_finding.sql', import.meta.url), 'utf8');

describe('migration 0040 over duplicates written before the rule', () => {
  let a: AuthTestApp;
  beforeAll(async () => { a = await authTestApp({ supervisionDemo: true }); }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('marks the older order\'s item, keeps both as they were, and refuses a new duplicate', async () => {
    const db = a.t.db;
    await db.query('drop index disposal_order_items_finding_open');
    const [item] = await db.query<{ id: string; order_id: string; finding_id: string }>(
      `select id, order_id, finding_id from disposal_order_items where finding_id is not null and status = 'open' limit 1`);
    expect(item).toBeDefined();
    // A later order for the same finding, as a database before the rule could hold.
    const [later] = await db.query<{ id: string }>(
      `insert into disposal_orders (organisation_id, province_code, measure, ordered_on, due_in_working_days, due_on, reason, created_by, created_at)
       select organisation_id, province_code, measure, ordered_on, due_in_working_days, due_on, '重复（迁移前）', created_by, created_at + interval '1 day'
         from disposal_orders where id = $1 returning id`, [item!.order_id]);
    const [dup] = await db.query<{ id: string }>(
      `insert into disposal_order_items (order_id, finding_id, platform, package_name, status)
       select $2, finding_id, platform, package_name, 'open' from disposal_order_items where id = $1 returning id`, [item!.id, later!.id]);

    await db.exec(MIGRATION);
    const rows = await db.query<{ id: string; status: string; legacy_duplicate: boolean }>(
      'select id, status, legacy_duplicate from disposal_order_items where finding_id = $1 order by legacy_duplicate', [item!.finding_id]);
    expect(rows).toEqual([{ id: dup!.id, status: 'open', legacy_duplicate: false }, { id: item!.id, status: 'open', legacy_duplicate: true }]);
    await expect(db.query(`insert into disposal_order_items (order_id, finding_id, status) values ($1, $2, 'open')`, [later!.id, item!.finding_id]))
      .rejects.toThrow(/duplicate key/);
  });
});
