// A first load (migration 0035, ADR 0032): an import into a registry with no filings sets the
// registry tables' non-unique indexes and foreign keys aside and builds them at its end. The same file gives
// exactly the registry the row-by-row path gives — records, personal data, history, read model,
// rejections, indexes and foreign keys — and an import that dies with its indexes set aside leaves a database
// that `migrate` (start-up) or the import run again repairs. On both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_TIMEOUT } from '../../tests/auth.ts';
import { testDatabase, type TestDb } from '../../tests/db.ts';
import { type AppRecordStyle, appRecord, hexOf, memorySource, residentIdOf } from '../../tests/import-records.ts';
import { FIRST_LOAD_TABLES } from '../db/deferred-indexes.ts';
import { migrate } from '../db/migrate.ts';
import type { Db } from '../db/connection.ts';
import { importFilings } from './import-filings.ts';

const clock = () => new Date('2026-03-01T00:00:00Z');

const FIRST: AppRecordStyle = {
  year: 2017, tag: '首载', pkg: 'first', address: '深圳市南山区科技园2号', principal: '赵首载', mobile: '13700137000', email: 'first', approvedAt: '2017-05-01',
};
const line = (serial: number, seq: number, o: Record<string, unknown> = {}) => appRecord(FIRST, serial, seq, o);

/** 24 lines in batches of 5: new subjects, services of a subject of an earlier batch, and every kind of rejection. */
const RECORDS: unknown[] = [
  line(1, 1), line(1, 2), line(2, 1, { status: 'revoked', statusChangedAt: '2019-01-01' }), line(3, 1),
  line(3, 1), // duplicate_in_file (same batch)
  line(4, 1, { serviceType: 'website', serviceNumber: '粤ICP备2017000004号-1', platforms: undefined, domains: ['first4.example.cn'] }),
  line(1, 3), // a service of batch 1's subject, found in the registry
  line(1, 1), // service_number_taken (an earlier batch)
  line(5, 1, { subject: { ...line(1, 1).subject } }), // certificate_filed_under_other_number (an earlier batch)
  line(3, 2, { subject: { ...line(6, 1).subject } }), // subject_mismatch (an earlier batch)
  line(7, 1, { platforms: [{ platform: 'android', packageName: 'com.first.app1.s1', certSha256: hexOf(7, 64) }] }), // package_already_filed
  line(8, 1, { subject: { ...line(8, 1).subject, principal: { ...line(8, 1).subject.principal, mobile: '123' } } }), // mobile_format
  line(2, 2), // a second service of a subject whose first service is revoked (the subject stays filed)
  line(9, 1, { servicePrincipal: { name: '钱服务', certificateType: 'resident_id', certificateNumber: residentIdOf(901), mobile: '13600136000', email: 'svc9@example.com' } }),
  line(10, 1), line(10, 2), line(11, 1), line(12, 1, { status: 'cancelled', statusChangedAt: '2020-02-02' }), line(13, 1), line(14, 1),
  line(15, 1), line(15, 3), line(16, 1), line(16, 1),
];

/** The registry as a reader sees it, by natural keys (ids are minted per run). */
async function registry(db: Db) {
  const q = (sql: string) => db.query(sql);
  return {
    subjects: await q(`select su.main_number, su.name, su.subject_type, su.nature, su.certificate_type, su.certificate_number,
        su.certificate_number_hash, su.address, su.province_code, su.city_code, su.district_code, su.main_number_year, su.main_number_serial,
        su.last_service_sequence, su.status, su.filed_at, p.name as principal, p.mobile_hash, p.email_hash, u.email_hash as host
      from subjects su join persons p on p.id = su.principal_person_id left join users u on u.id = su.host_user_id order by su.main_number`),
    services: await q(`select s.service_number, s.name, s.service_type, s.status, s.sequence, s.domains, s.home_url, s.filed_at,
        s.status_changed_at, su.main_number, p.certificate_number_hash as principal
      from services s join subjects su on su.id = s.subject_id join persons p on p.id = s.principal_person_id order by s.service_number`),
    platforms: await q(`select s.service_number, ap.platform, ap.package_name, ap.cert_md5, ap.cert_sha1, ap.cert_sha256, ap.active
      from app_platforms ap join services s on s.id = ap.service_id order by s.service_number, ap.platform`),
    readModel: await q(`select to_jsonb(v) - 'platform_id' - 'service_id' as row from verify_identities v order by service_number, platform`),
    history: await q(`select entity_type, action, to_status, (reason->>'line')::int as line from history where action = 'imported'
      order by entity_type, line`),
    sequences: await q('select province_code, year, last_serial from number_sequences order by 1, 2'),
    counts: await q('select (select count(*)::int from persons) as persons, (select count(*)::int from users where role = \'host\') as hosts'),
  };
}

/** The indexes and foreign keys of the tables a first load fills. */
const indexes = (db: Db) => db.query<{ def: string }>(
  `select indexdef as def from pg_indexes where schemaname = current_schema() and tablename = any ($1::text[])
   union all
   select conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) from pg_constraint
    where contype = 'f' and conrelid::regclass::text = any ($1::text[])
   order by 1`, [FIRST_LOAD_TABLES]);
const deferred = (db: Db) => db.query<{ name: string }>('select name from deferred_indexes order by name').then((r) => r.map((x) => x.name));

describe('bulk import: first load into an empty registry', () => {
  let rowByRow: TestDb;
  let reference: Awaited<ReturnType<typeof registry>>;
  let referenceIndexes: { def: string }[];
  let referenceRejections: unknown[];
  const opened: TestDb[] = [];
  const fresh = async () => { const t = await testDatabase(); opened.push(t); return t; };

  beforeAll(async () => {
    rowByRow = await fresh();
    referenceIndexes = await indexes(rowByRow.db);
    const s = await importFilings(rowByRow.db, rowByRow.sealer, memorySource('test:first-load', RECORDS), { batchSize: 5, clock, firstLoad: false });
    expect(s.firstLoad).toBe(false);
    reference = await registry(rowByRow.db);
    referenceRejections = s.rejections;
  }, SETUP_TIMEOUT);
  afterAll(async () => { for (const t of opened) await t.close(); });
  /** Every index and foreign key back, none left set aside. */
  const indexesBack = async (t: TestDb) => {
    expect(await deferred(t.db)).toEqual([]);
    expect(await indexes(t.db)).toEqual(referenceIndexes);
  };
  /** The import's rejections and the registry are the row-by-row path's, every index back. */
  const asRowByRow = async (t: TestDb, s: { rejections: unknown[] }) => {
    expect(s.rejections).toEqual(referenceRejections);
    expect(await registry(t.db)).toEqual(reference);
    await indexesBack(t);
  };

  it('gives exactly the registry the row-by-row path gives, rejections included, with every index back', async () => {
    expect(referenceRejections.map((r) => (r as { code: string }).code)).toEqual([
      'duplicate_in_file', 'service_number_taken', 'certificate_filed_under_other_number', 'subject_mismatch',
      'package_already_filed', 'mobile_format', 'duplicate_in_file']);
    const t = await fresh();
    const s = await importFilings(t.db, t.sealer, memorySource('test:first-load', RECORDS), { batchSize: 5, clock });
    expect(s.firstLoad).toBe(true);
    await asRowByRow(t, s);
  });

  it('keeps the indexes when the registry holds filings already', async () => {
    const t = await fresh();
    await importFilings(t.db, t.sealer, memorySource('test:first', RECORDS.slice(0, 3)), { clock });
    const s = await importFilings(t.db, t.sealer, memorySource('test:second', RECORDS.slice(3)), { batchSize: 5, clock });
    expect(s.firstLoad).toBe(false);
    expect(await registry(t.db)).toMatchObject({ services: reference.services, readModel: reference.readModel });
  });

  /** An import that dies after its second batch, its indexes set aside. */
  const died = async () => {
    const t = await fresh();
    await expect(importFilings(t.db, t.sealer, memorySource('test:first-load', RECORDS, 12), { batchSize: 5, clock })).rejects.toThrow('interrupted');
    expect(await deferred(t.db)).toEqual(expect.arrayContaining(['services_name_trgm', 'subjects_name_bigrams', 'app_platforms_package_trgm', 'services_subject_id_fkey']));
    expect((await indexes(t.db)).length).toBeLessThan(referenceIndexes.length);
    return t;
  };

  it('an import killed with its indexes set aside: migrate (start-up) builds them, and the import run again finishes row by row', async () => {
    const t = await died();
    await migrate(t.db);
    await indexesBack(t);
    const s = await importFilings(t.db, t.sealer, memorySource('test:first-load', RECORDS), { batchSize: 5, clock });
    expect(s).toMatchObject({ resumedFrom: 10, firstLoad: false });
    await asRowByRow(t, s);
  });

  it('an import killed with its indexes set aside continues its first load when run again, and builds them at its end', async () => {
    const t = await died();
    const s = await importFilings(t.db, t.sealer, memorySource('test:first-load', RECORDS), { batchSize: 5, clock });
    expect(s).toMatchObject({ resumedFrom: 10, firstLoad: true });
    await asRowByRow(t, s);
  });

  it('an import stopped before its first batch committed (an unknown CSV column) builds its indexes back at once', async () => {
    const t = await fresh();
    await expect(importFilings(t.db, t.sealer, memorySource('test:first-load', RECORDS, 0), { clock })).rejects.toThrow('interrupted');
    await indexesBack(t);
  });

  it('--keep-indexes on a resumed first load builds its indexes first and continues row by row', async () => {
    const t = await died();
    const s = await importFilings(t.db, t.sealer, memorySource('test:first-load', RECORDS), { batchSize: 5, clock, firstLoad: false });
    expect(s).toMatchObject({ resumedFrom: 10, firstLoad: false });
    await asRowByRow(t, s);
  });

  it('another import builds the indexes a died import set aside before it loads', async () => {
    const t = await died();
    const s = await importFilings(t.db, t.sealer, memorySource('test:other', [line(40, 1)]), { clock });
    expect(s).toMatchObject({ services: 1, firstLoad: false });
    await indexesBack(t);
  });
});
