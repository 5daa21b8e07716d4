// A database holding what migrations 0040 and 0044 kept for the bureau to settle, written as those
// migrations' tests write them (index dropped, duplicate written, migration run): two open order
// items for one finding (the older marked legacy_duplicate), and the demo's iOS ledger (浙江) filed
// again upper-cased, later, on a filed APP of 广东 (marked legacy_case_duplicate). Used by the API
// test (src/api/bureau/legacy-duplicates.test.ts) and the journey (tests/e2e/bureau-settle.test.ts).
import { readFileSync } from 'node:fs';
import type { Db } from '../src/db/connection.ts';

const migration = (name: string) => readFileSync(new URL(`../db/migrations/${name}`, import.meta.url), 'utf8');

export interface LegacyDuplicates {
  /** The open item whose finding a later order holds again. */
  item: { id: string; order_id: string; finding_id: string; province_code: string };
  /** The later order's item for the same finding. */
  dupId: string;
  /** The demo's iOS ledger filing (浙江). */
  ledger: { id: string; service_id: string; province_code: string };
  /** The upper-cased platform row, and its 广东 service. */
  upperId: string;
  upperService: string;
}

export async function writeLegacyDuplicates(db: Db): Promise<LegacyDuplicates> {
  const [item] = await db.query<LegacyDuplicates['item']>(
    `select i.id, i.order_id, i.finding_id, o.province_code from disposal_order_items i join disposal_orders o on o.id = i.order_id
      where i.finding_id is not null and i.status = 'open' and o.province_code is not null order by i.id limit 1`);
  await db.query('drop index disposal_order_items_finding_open');
  const [later] = await db.query<{ id: string }>(
    `insert into disposal_orders (organisation_id, campaign_id, province_code, measure, ordered_on, due_in_working_days, due_on, reason, created_by, created_at)
     select organisation_id, campaign_id, province_code, measure, ordered_on, due_in_working_days, due_on, '重复（迁移前）', created_by, created_at + interval '1 day'
       from disposal_orders where id = $1 returning id`, [item!.order_id]);
  const [dup] = await db.query<{ id: string }>(
    `insert into disposal_order_items (order_id, finding_id, platform, package_name, status)
     select $2, finding_id, platform, package_name, 'open' from disposal_order_items where id = $1 returning id`, [item!.id, later!.id]);
  await db.exec(migration('0040_one_open_order_item_per_finding.sql'));
  // 0041's index (objected items hold their finding too), as the database has it after all migrations.
  await db.exec(`drop index disposal_order_items_finding_open;
    create unique index disposal_order_items_finding_open on disposal_order_items (finding_id) where status in ('open', 'objected', 'done') and not legacy_duplicate;`);

  const [ledger] = await db.query<LegacyDuplicates['ledger']>(
    `select p.id, p.service_id, sub.province_code from app_platforms p join services s on s.id = p.service_id join subjects sub on sub.id = s.subject_id
      where p.platform = 'ios' and p.package_name = 'com.example.ledger' and p.active`);
  await db.query('drop index app_platforms_active_ios_folded');
  const [svc] = await db.query<{ id: string }>(
    `select s.id from services s join subjects sub on sub.id = s.subject_id where s.service_type = 'app' and s.status = 'filed' and sub.province_code = '440000'
        and not exists (select 1 from app_platforms p where p.service_id = s.id and p.platform = 'ios') order by s.id limit 1`);
  const [upper] = await db.query<{ id: string }>(
    `insert into app_platforms (service_id, platform, package_name, cert_sha1, created_at) values ($1, 'ios', 'COM.EXAMPLE.LEDGER', $2, now() + interval '1 day') returning id`,
    [svc!.id, 'e'.repeat(40)]);
  await db.exec(migration('0044_ios_bundle_ids_case_insensitive.sql'));
  return { item: item!, dupId: dup!.id, ledger: ledger!, upperId: upper!.id, upperService: svc!.id };
}

/**
 * An iOS case pair within one province (the demo has none): a filed iOS APP of `province`, and another filed
 * APP of the same province without iOS given the same bundle ID upper-cased, later — written before the rule
 * and marked by migration 0044, as above. The bureau of the province settles it alone.
 */
export async function writeLegacyIosPairWithin(db: Db, province: string): Promise<{ lower: { id: string; service_id: string; package_name: string }; upper: { id: string; service_id: string } }> {
  const [lower] = await db.query<{ id: string; service_id: string; package_name: string }>(
    `select p.id, p.service_id, p.package_name from app_platforms p join services s on s.id = p.service_id join subjects sub on sub.id = s.subject_id
      where p.platform = 'ios' and p.active and s.status = 'filed' and sub.province_code = $1 order by s.service_number limit 1`, [province]);
  const [other] = await db.query<{ id: string }>(
    `select s.id from services s join subjects sub on sub.id = s.subject_id where s.service_type = 'app' and s.status = 'filed' and sub.province_code = $1
        and not exists (select 1 from app_platforms p where p.service_id = s.id and p.platform = 'ios') order by s.service_number limit 1`, [province]);
  if (!lower || !other) throw new Error(`a filed iOS APP of ${province} and another filed APP without iOS are needed`);
  await db.query('drop index app_platforms_active_ios_folded');
  const [upper] = await db.query<{ id: string; service_id: string }>(
    `insert into app_platforms (service_id, platform, package_name, cert_sha1, created_at) values ($1, 'ios', $2, $3, now() + interval '1 day') returning id, service_id`,
    [other.id, lower.package_name.toUpperCase(), 'b'.repeat(40)]);
  await db.exec(migration('0044_ios_bundle_ids_case_insensitive.sql'));
  return { lower, upper: upper! };
}
