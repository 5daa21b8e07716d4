// The verification read model (migration 0006, ADR 0010) is the join it copies, after every kind
// of write its triggers answer: platforms inserted (one and in bulk), updated and deleted;
// services and subjects changing a copied column, or only other columns; on both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_TIMEOUT } from '../../tests/auth.ts';
import { readModelDrift, testDatabase, type TestDb } from '../../tests/db.ts';
import { seedDemo } from './seed/demo.ts';

describe('verify_identities', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await testDatabase();
    await seedDemo(t.db, t.sealer);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await t?.close(); });

  const drift = () => readModelDrift(t.db);

  it('holds every platform of the seed', async () => {
    const d = await drift();
    expect(d.rows).toBeGreaterThan(0);
    expect(d).toMatchObject({ extra: 0, missing: 0 });
  });

  it('follows platform inserts (one and in bulk), updates and deletes', async () => {
    await t.db.query(`insert into app_platforms (service_id, platform, package_name, cert_md5)
      select id, 'harmonyos', 'com.example.one', md5('x') from services where service_type = 'app' limit 1`);
    await t.db.query(
      `insert into services (subject_id, service_type, name, principal_person_id, sequence, service_number, filed_at, status_changed_at)
       select s.id, 'app', 'bulk ' || g, s.principal_person_id, 2000 + g, 'vi-bulk-' || g, now(), now()
         from subjects s, generate_series(1, 150) g where s.main_number = '粤ICP备2024000001号'`);
    await t.db.query(`insert into app_platforms (service_id, platform, package_name) select id, 'android', 'com.vi.p' || sequence from services where name like 'bulk %'`);
    expect(await drift()).toMatchObject({ extra: 0, missing: 0 });
    await t.db.query(`update app_platforms set active = false, cert_sha1 = repeat('a', 40) where package_name like 'com.vi.p20%'`);
    await t.db.query(`update app_platforms set package_name = 'com.example.renamed' where package_name = 'com.example.one'`);
    expect(await drift()).toMatchObject({ extra: 0, missing: 0 });
    const before = (await drift()).rows;
    await t.db.query(`delete from app_platforms where package_name like 'com.vi.p21%'`);
    const after = await drift();
    expect(after).toMatchObject({ extra: 0, missing: 0 });
    expect(after.rows).toBeLessThan(before);
  });

  it('follows services and subjects when a copied column changes, whoever writes it', async () => {
    await t.db.query(`update services set name = 'A2DP 音量' where name = 'A2DP Volume'`);
    await t.db.query(`update services set status = 'revoked', revocation_category = 'other', status_changed_at = now() where name like 'bulk 1%'`);
    await t.db.query(`update subjects set name = name || '（更名）' where main_number = '粤ICP备2024000001号'`);
    expect(await drift()).toMatchObject({ extra: 0, missing: 0 });
    const [a2dp] = await t.db.query<{ service_name: string; service_status: string }>(
      `select service_name, service_status from verify_identities where package_name = 'a2dp.Vol'`);
    expect(a2dp).toEqual({ service_name: 'A2DP 音量', service_status: 'filed' });
  });

  it('is not rewritten when only other columns change', async () => {
    const [x] = await t.db.query<{ xmin: string }>(`select xmin::text from verify_identities where package_name = 'a2dp.Vol'`);
    await t.db.query(`update services set updated_at = now() where name = 'A2DP 音量'`);
    const [y] = await t.db.query<{ xmin: string }>(`select xmin::text from verify_identities where package_name = 'a2dp.Vol'`);
    expect(y!.xmin).toBe(x!.xmin);
  });
});
