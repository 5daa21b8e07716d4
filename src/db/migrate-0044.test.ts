// Migration 0044 over a database holding two active iOS filings whose bundle IDs differ only in case (possible
// before the rule): the upgrade goes through, the later row is marked legacy_case_duplicate and stays as it was,
// and from then on the database refuses any new such pair.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT } from '../../tests/auth.ts';

const MIGRATION = readFileSync(new URL('../../db/migrations/0044_ios_bundle_ids_case_insensitive.sql', import.meta.url), 'utf8');

describe('migration 0044 over iOS bundle IDs filed twice in different cases', () => {
  let a: AuthTestApp;
  beforeAll(async () => { a = await authTestApp(); }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('marks the later one, keeps both active, and refuses a new pair', async () => {
    const db = a.t.db;
    await db.query('drop index app_platforms_active_ios_folded');
    const [other] = await db.query<{ id: string }>(
      `select s.id from services s where s.service_type = 'app' and s.status = 'filed' and not exists (select 1 from app_platforms p where p.service_id = s.id and p.platform = 'ios') limit 1`);
    const [dup] = await db.query<{ id: string }>(
      `insert into app_platforms (service_id, platform, package_name, cert_sha1, created_at) values ($1, 'ios', 'COM.EXAMPLE.LEDGER', $2, now() + interval '1 day') returning id`,
      [other!.id, 'e'.repeat(40)]);
    await db.exec(MIGRATION);
    const rows = await db.query<{ id: string; package_name: string; active: boolean; legacy_case_duplicate: boolean }>(
      `select id, package_name, active, legacy_case_duplicate from app_platforms where platform = 'ios' and lower(package_name) = 'com.example.ledger' order by created_at`);
    expect(rows.map((r) => [r.package_name, r.active, r.legacy_case_duplicate])).toEqual([['com.example.ledger', true, false], ['COM.EXAMPLE.LEDGER', true, true]]);
    expect(rows[1]!.id).toBe(dup!.id);
    await expect(db.query(`insert into app_platforms (service_id, platform, package_name, cert_sha1) values ($1, 'ios', 'Com.Example.Ledger', $2)`,
      [other!.id, 'd'.repeat(40)])).rejects.toThrow(/duplicate key|unique/);
    // Android names stay case-sensitive: a2dp.vol is another package than a2dp.Vol.
    await db.query(`insert into app_platforms (service_id, platform, package_name, cert_md5) values ($1, 'android', 'a2dp.vol', $2)`, [other!.id, 'c'.repeat(32)])
      .catch((e: Error) => { if (!/app_platforms_service_id_platform_key/.test(e.message)) throw e; });
  });
});
