// The bulk import defers the platforms' per-row maintenance to one catch-up per batch (migration
// 0027, ADR 0028). After an import — new subjects, services added to a subject of an earlier
// batch, active and inactive platforms — the verification read model equals the join it copies
// (verify_identity_source), and supervision findings are resolved exactly as the row-by-row
// trigger resolves them for a plain insert; the switch, used by any writer, defers and the
// catch-up restores. On both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_TIMEOUT } from '../../tests/auth.ts';
import { readModelDrift, testDatabase, type TestDb } from '../../tests/db.ts';
import { seedDemo } from '../db/seed/demo.ts';
import { importFilings } from './import-filings.ts';
import { type AppRecordStyle, appRecord, memorySource } from '../../tests/import-records.ts';


const BULK: AppRecordStyle = {
  year: 2018, tag: '批量', pkg: 'bulk', address: '深圳市南山区科技园1号', principal: '王批量', mobile: '13900139000', email: 'bulk',
  approvedAt: '2018-03-01T23:30:00+00:00', ios: true,
};
const appLine = (serial: number, seq: number, o: Record<string, unknown> = {}) => appRecord(BULK, serial, seq, o);


interface Finding { id: string; platform: string; package_name: string; fingerprint: string }

describe('bulk import: deferred maintenance and its catch-up', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await testDatabase();
    await seedDemo(t.db, t.sealer);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await t?.close(); });

  const drift = () => readModelDrift(t.db);
  /** Unresolved sha256 findings of apps nobody filed (the supervision demo's `not_filed` lines). */
  const openFindings = (n: number) => t.db.query<Finding>(
    `select id, platform, package_name, fingerprint from findings
      where resolved_on is null and outcome = 'not_filed' and fp_algorithm = 'sha256' and platform = 'android' order by id limit $1`, [n]);
  const resolution = (id: string) => t.db.query<{ resolved_on: string | null; resolved_service_id: string | null }>(
    'select resolved_on, resolved_service_id from findings where id = $1', [id]).then((r) => r[0]!);

  it('leaves the read model equal to its source and resolves findings as the row-by-row trigger does', async () => {
    const [viaImport, viaInsert] = await openFindings(2);
    expect(viaInsert, 'the supervision demo has unresolved findings').toBeDefined();
    const before = (await drift()).rows;
    const records = [
      appLine(1, 1),
      appLine(1, 2, { status: 'revoked', statusChangedAt: '2020-01-01T00:00:00Z' }), // inactive platforms
      appLine(2, 1, { platforms: [{ platform: 'android', packageName: viaImport!.package_name, certSha256: viaImport!.fingerprint }] }),
      appLine(1, 3), // batch 2: a service added to batch 1's subject (found in the registry)
      appLine(3, 1, { serviceType: 'website', serviceNumber: '粤ICP备2018000003号-1', platforms: undefined, domains: ['bulk3.example.cn'] }),
    ];
    const s = await importFilings(t.db, t.sealer, memorySource('test:deferred', records), { batchSize: 3 });
    expect(s).toMatchObject({ services: 5, subjects: 3, rejected: 0 });
    const d = await drift();
    expect(d).toMatchObject({ extra: 0, missing: 0 });
    expect(d.rows - before).toBe(7); // 2 + 2 + 1 + 2 platforms, websites none
    const [imported] = await t.db.query<{ id: string }>(`select id from services where service_number = '粤ICP备2018000002号-1A'`);
    // Filed 2018-03-01T23:30Z = 2 March in China: the resolution date is China's.
    expect(await resolution(viaImport!.id)).toEqual({ resolved_on: '2018-03-02', resolved_service_id: imported!.id });

    // The same through a plain insert, with the triggers doing it row by row.
    const [svc] = await t.db.query<{ id: string; filed_at: Date }>(`select id, filed_at from services where service_number = '粤ICP备2018000003号-1'`);
    await t.db.query(`insert into app_platforms (service_id, platform, package_name, cert_sha256) values ($1, 'android', $2, $3)`,
      [svc!.id, viaInsert!.package_name, viaInsert!.fingerprint]);
    expect(await resolution(viaInsert!.id)).toEqual({ resolved_on: '2018-03-02', resolved_service_id: svc!.id });
    expect(await drift()).toMatchObject({ extra: 0, missing: 0 });
  });

  it('the switch defers the insert maintenance of any writer, for its transaction only; the catch-up restores it', async () => {
    const [finding] = await openFindings(1);
    const svc = await t.db.transaction(async (tx) => {
      await tx.query(`select set_config('beian.deferred_maintenance', 'on', true)`);
      const [s] = await tx.query<{ id: string }>(
        `insert into services (subject_id, service_type, name, principal_person_id, sequence, service_number, filed_at, status_changed_at)
         select id, 'app', '延后维护', principal_person_id, 9, '粤ICP备2018000001号-9A', '2019-12-31T16:00:00Z', '2019-12-31T16:00:00Z'
           from subjects where main_number = '粤ICP备2018000001号' returning id`);
      const ids = await tx.query<{ id: string }>(
        `insert into app_platforms (service_id, platform, package_name, cert_sha256) values ($1, 'android', $2, $3) returning id`,
        [s!.id, finding!.package_name, finding!.fingerprint]);
      const [mid] = await tx.query<{ vi: number; resolved: boolean }>(
        `select (select count(*)::int from verify_identities where platform_id = $1) as vi,
                (select resolved_on is not null from findings where id = $2) as resolved`, [ids[0]!.id, finding!.id]);
      expect(mid).toEqual({ vi: 0, resolved: false });
      await tx.query('select beian_catch_up_platforms($1::uuid[])', [ids.map((r) => r.id)]);
      return s!;
    });
    expect(await drift()).toMatchObject({ extra: 0, missing: 0 });
    expect(await resolution(finding!.id)).toEqual({ resolved_on: '2020-01-01', resolved_service_id: svc.id });
    // The switch was transaction-local: the next writer's inserts are maintained by the triggers.
    const before = (await drift()).rows;
    await t.db.query(`insert into app_platforms (service_id, platform, package_name) values ($1, 'ios', 'com.bulk.deferred')`, [svc.id]);
    expect(await drift()).toMatchObject({ extra: 0, missing: 0, rows: before + 1 });
  });
});
