// A first load (migration 0035, ADR 0032): an import into a registry with no filings sets the
// registry tables' non-unique indexes and foreign keys aside and builds them at its end. The same file gives
// exactly the registry the row-by-row path gives — records, personal data, history, read model,
// rejections, indexes and foreign keys — and an import that dies with its indexes set aside leaves a database
// that `migrate` (start-up) or the import run again repairs. On both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_TIMEOUT } from '../../tests/auth.ts';
import { testDatabase, testSecrets, type TestDb } from '../../tests/db.ts';
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
/** The record with another principal email (host accounts are one per principal email). */
const withEmail = (r: ReturnType<typeof line>, email: string) => ({ ...r, subject: { ...r.subject, principal: { ...r.subject.principal, email } } });

/**
 * 32 lines in batches of 5: new subjects, services of a subject of an earlier batch, host accounts
 * shared, and every kind of rejection but subject_not_filed (another writer's: below).
 */
const RECORDS: unknown[] = [
  line(1, 1), line(1, 2), line(2, 1, { status: 'revoked', statusChangedAt: '2019-01-01' }), line(3, 1),
  line(3, 1), // duplicate_in_file (same batch)
  line(4, 1, { serviceType: 'website', serviceNumber: '粤ICP备2017000004号-1', platforms: undefined, domains: ['first4.example.cn'] }),
  line(1, 3), // a service of batch 1's subject, found in the registry
  line(1, 1), // duplicate_in_file (an earlier batch: line 1 named)
  line(5, 1, { subject: { ...line(1, 1).subject } }), // certificate_filed_under_other_number (an earlier batch)
  line(3, 2, { subject: { ...line(6, 1).subject } }), // subject_mismatch (an earlier batch)
  line(7, 1, { platforms: [{ platform: 'android', packageName: 'com.first.app1.s1', certSha256: hexOf(7, 64) }] }), // package_already_filed
  line(8, 1, { subject: { ...line(8, 1).subject, principal: { ...line(8, 1).subject.principal, mobile: '123' } } }), // mobile_format
  line(2, 2), // a second service of a subject whose first service is revoked (the subject stays filed)
  line(9, 1, { servicePrincipal: { name: '钱服务', certificateType: 'resident_id', certificateNumber: residentIdOf(901), mobile: '13600136000', email: 'svc9@example.com' } }),
  line(10, 1), line(10, 2), line(11, 1), line(12, 1, { status: 'cancelled', statusChangedAt: '2020-02-02' }), line(13, 1), line(14, 1),
  line(15, 1), line(15, 3), line(16, 1), line(16, 1),
  // Lines 25–32, after every test's interruption point: the other rejections and host accounts.
  line(1, 1, { serviceType: 'website', serviceNumber: '粤ICP备2017000001号-1', platforms: undefined, domains: ['seq1.example.cn'] }), // sequence_taken (batch 1)
  line(17, 1, { serviceNumber: '粤ICP备17000002号-1A' }), // main_number_serial_taken: 2017's serial 2 (batch 1) in the 8-digit form
  withEmail(line(18, 1), 'first1@example.com'), // batch 1's host account, reused
  withEmail(line(19, 1), 'shared@example.com'), withEmail(line(20, 1), 'shared@example.com'), // one host account for two subjects of a batch
  line(21, 1), withEmail(line(22, 1), 'shared@example.com'), // … reused by a later batch
  line(23, 1, { subject: line(4, 1).subject }), // certificate_filed_under_other_number (batch 2's, found in the registry: its number named)
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
/** Counts a run's statements of one name (the import's trace). */
function traced() {
  const seen: string[] = [];
  return { trace: (sql: string) => { seen.push(sql); }, statements: (name: string) => seen.filter((x) => x === name).length };
}

/** Unresolved findings of a supervision campaign, before any filing: two of packages the file files, one of a fingerprint it does not. */
async function seedFindings(db: Db) {
  await db.query(`
    with o as (insert into organisations (kind, name, status) values ('distribution_platform', '应用商店', 'active') returning id),
         c as (insert into campaigns (name, kind, org_kinds, starts_on, catalogue_due_on, ends_on, created_at)
               values ('清理', 'routine', array['platform'], '2026-01-01', '2026-02-01', '2026-06-01', now()) returning id),
         sub as (insert into catalogue_submissions (campaign_id, organisation_id, status, format, digest_sha256, bytes, received, accepted, rejected, counts, started_at)
                 select c.id, o.id, 'current', 'ndjson', repeat('0', 64), 1, 3, 3, 0, '{}', now() from c, o returning id, campaign_id, organisation_id)
    insert into findings (campaign_id, organisation_id, submission_id, line, platform, package_name, fp_algorithm, fingerprint, outcome)
    select sub.campaign_id, sub.organisation_id, sub.id, x.line, 'android', x.pkg, 'sha256', x.fp, 'not_filed'
      from sub, (values (1, 'com.first.app1.s2', $1), (2, 'com.first.app13.s1', $2), (3, 'com.first.app14.s1', $3)) as x(line, pkg, fp)`,
  [hexOf(102, 64), hexOf(1301, 64), hexOf(9, 64)]);
}

/** Another writer, during the import: subject 10's main number under another certificate, line 14's package, subject 2 cancelled. */
async function otherWriter(db: Db) {
  await db.query(`
    with u as (insert into users (role, display_name, password_hash, email_hash) values ('host', '他人', '!', 'other-writer') returning id),
         p as (insert into persons (name, certificate_type, certificate_number_enc, certificate_number_hash, mobile_enc, mobile_hash, email_enc, email_hash)
               values ('他人', 'resident_id', 'x', 'other-cert', 'x', 'other-mobile', 'x', 'other-email') returning id),
         su as (insert into subjects (host_user_id, subject_type, nature, name, certificate_type, certificate_number_enc, certificate_number_hash,
                  address, province_code, city_code, district_code, principal_person_id, main_number, main_number_year, main_number_serial,
                  last_service_sequence, filed_at)
                select u.id, 'unit', 'enterprise', '他人公司', 'uscc', 'x', 'other-cert', '深圳', '440000', '440300', '440305', p.id,
                       '粤ICP备2017000010号', 2017, 10, 5, '2017-05-01' from u, p returning id, principal_person_id),
         sv as (insert into services (subject_id, service_type, name, principal_person_id, sequence, service_number, filed_at, status_changed_at)
                select su.id, 'app', '他人应用', su.principal_person_id, 5, '粤ICP备2017000010号-5A', '2017-05-01', '2017-05-01' from su returning id)
    insert into app_platforms (service_id, platform, package_name, cert_sha256, created_at)
    select sv.id, 'android', 'com.first.app9.s1', repeat('a', 64), '2026-03-01T00:00:00Z' from sv`);
  await db.query(`update subjects set status = 'cancelled' where main_number = '粤ICP备2017000002号'`);
}

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
      'duplicate_in_file', 'duplicate_in_file', 'certificate_filed_under_other_number', 'subject_mismatch',
      'package_already_filed', 'mobile_format', 'duplicate_in_file', 'sequence_taken', 'main_number_serial_taken', 'certificate_filed_under_other_number']);
    // A certificate an earlier batch filed: the main number that holds it and the line that filed it named, by both paths (compared below).
    expect(referenceRejections.at(-1)).toEqual({ line: 32, field: 'subject.certificateNumber', code: 'certificate_filed_under_other_number',
      message: 'line 6 of the file files this certificate under 粤ICP备2017000004号 (loaded by an earlier batch of this import)', heldBy: { line: 6 } });
    expect(reference.counts).toEqual([{ persons: 18, hosts: 14 }]); // 17 subjects and a service principal; 3 subjects share a host
    const t = await fresh();
    const { trace, statements } = traced();
    const s = await importFilings(t.db, t.sealer, memorySource('test:first-load', RECORDS), { batchSize: 5, clock, trace });
    expect(s.firstLoad).toBe(true);
    // Every batch written straight into the registry tables, none through the staging tables.
    expect(statements('copy subjects')).toBe(7);
    expect(statements('copy import_stage')).toBe(0);
    await asRowByRow(t, s);
  });

  it('with worker threads preparing the lines: the same registry and rejections', async () => {
    const t = await fresh();
    const s = await importFilings(t.db, t.sealer, memorySource('test:first-load', RECORDS), { batchSize: 5, clock, workers: { count: 2, secrets: testSecrets } });
    expect(s.firstLoad).toBe(true);
    await asRowByRow(t, s);
  }, SETUP_TIMEOUT);

  it('a worker that fails stops the import before anything is written, its indexes back', async () => {
    const t = await fresh();
    const bad = { dataKeys: [{ id: 'bad', key: Buffer.alloc(5) }], hashKey: testSecrets.hashKey };
    await expect(importFilings(t.db, t.sealer, memorySource('test:first-load', RECORDS), { batchSize: 5, clock, workers: { count: 1, secrets: bad } }))
      .rejects.toThrow(/import worker/);
    expect(await t.db.query('select 1 from services')).toEqual([]);
    const [imp] = await t.db.query<{ last_line: number; status: string }>(`select last_line, status from imports where source_key = 'test:first-load'`);
    expect(imp).toEqual({ last_line: 0, status: 'running' });
    await indexesBack(t);
    // A pool that cannot start (not a whole number of workers) stops it the same way.
    await expect(importFilings(t.db, t.sealer, memorySource('test:first-load', RECORDS), { clock, workers: { count: 1.5, secrets: testSecrets } }))
      .rejects.toThrow(/whole number/);
    await indexesBack(t);
  }, SETUP_TIMEOUT);

  it('keeps the indexes when the registry holds filings already', async () => {
    const t = await fresh();
    // Split after subject 1 (not after line 3: subject 2, its one service there revoked, would end with
    // the first import, cancelled, and its filed service of line 13 be refused by the second).
    await importFilings(t.db, t.sealer, memorySource('test:first', RECORDS.slice(0, 2)), { clock });
    const s = await importFilings(t.db, t.sealer, memorySource('test:second', RECORDS.slice(2)), { batchSize: 5, clock });
    expect(s.firstLoad).toBe(false);
    expect(await registry(t.db)).toMatchObject({ services: reference.services, readModel: reference.readModel });
  });

  /** An import that dies after its second batch, its indexes set aside. */
  const died = async () => {
    const t = await fresh();
    await expect(importFilings(t.db, t.sealer, memorySource('test:first-load', RECORDS, 12), { batchSize: 5, clock })).rejects.toThrow('interrupted');
    expect(await deferred(t.db)).toEqual(expect.arrayContaining(['services_name_bigrams', 'subjects_name_bigrams', 'app_platforms_package_trgm', 'services_subject_id_fkey']));
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
    const { trace, statements } = traced();
    const s = await importFilings(t.db, t.sealer, memorySource('test:first-load', RECORDS), { batchSize: 5, clock, trace });
    expect(s).toMatchObject({ resumedFrom: 10, firstLoad: true });
    // Its keys read back from the registry: the lines that meet the first run's rows (line 11's
    // package, line 13's subject, …) are checked without the staging path.
    expect(statements('copy subjects')).toBe(5);
    expect(statements('copy import_stage')).toBe(0);
    await asRowByRow(t, s);
  });

  it('resolves the supervision findings of the packages it files as the row-by-row path does', async () => {
    const resolved = async (firstLoad: false | 'auto') => {
      const t = await fresh();
      await seedFindings(t.db);
      const s = await importFilings(t.db, t.sealer, memorySource('test:first-load', RECORDS), { batchSize: 5, clock, firstLoad });
      expect(s.firstLoad).toBe(firstLoad === 'auto');
      return t.db.query(`select f.line, f.resolved_on, s.service_number from findings f left join services s on s.id = f.resolved_service_id order by f.line`);
    };
    const viaRows = await resolved(false);
    expect(viaRows.map((r) => (r as { resolved_on: string | null }).resolved_on)).toEqual(['2017-05-01', '2017-05-01', null]);
    expect(await resolved('auto')).toEqual(viaRows);
  });

  it("another writer's rows committed during a first load: the batches they meet go through the staging path, with the row-by-row path's result", async () => {
    /** Before line 11 (batch 3) is read, another writer files subject 10's main number and line 14's package, and cancels subject 2. */
    const source = (db: Db) => {
      const plain = memorySource('test:first-load', RECORDS);
      return {
        ...plain,
        async* lines(after: number) {
          for await (const l of plain.lines(after)) {
            if (l.line === 11) await otherWriter(db);
            yield l;
          }
        },
      };
    };
    const reference2 = await fresh();
    const r = await importFilings(reference2.db, reference2.sealer, source(reference2.db), { batchSize: 5, clock, firstLoad: false });
    const t = await fresh();
    const { trace, statements } = traced();
    const s = await importFilings(t.db, t.sealer, source(t.db), { batchSize: 5, clock, trace });
    expect(s.firstLoad).toBe(true);
    expect(s.rejections).toEqual(r.rejections);
    expect(r.rejections).toEqual(expect.arrayContaining([
      expect.objectContaining({ line: 13, code: 'subject_not_filed' }), expect.objectContaining({ line: 14, code: 'package_already_filed' }),
      expect.objectContaining({ line: 15, code: 'subject_mismatch' }), expect.objectContaining({ line: 16, code: 'subject_mismatch' })]));
    // Batches 3 (line 14's package, line 15's main number) and 4 (line 16's) met the other writer's unique rows.
    expect(statements('copy import_stage')).toBe(2);
    expect(statements('copy subjects')).toBe(5); // the five others straight in (a COPY that fails is not traced)
    expect(await registry(t.db)).toEqual(await registry(reference2.db));
    await indexesBack(t);
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

// Defect: conflicts between the lines of one batch were decided before the database's checks, so a
// line refused by them (its package filed by an earlier batch) still made a later line with its number
// a duplicate of it, and a later service of its subject was loaded under the refused line's subject
// data — while with the lines in separate batches the later one loaded as itself. The outcome depended
// on the batch size. Now a batch decides as its lines one by one would, on both paths.
describe('bulk import: the outcome does not depend on the batch size', () => {
  const BATCH: AppRecordStyle = {
    year: 2018, tag: '批次', pkg: 'batch', address: '深圳市南山区科技园3号', principal: '孙批次', mobile: '13500135000', email: 'batch', approvedAt: '2018-05-01',
  };
  const bl = (serial: number, seq: number, o: Record<string, unknown> = {}) => appRecord(BATCH, serial, seq, o);
  const packageOf = (serial: number, seq: number) => bl(serial, seq).platforms;
  const LINES: unknown[] = [
    ...Array.from({ length: 10 }, (_, i) => bl(i + 1, 1)), // lines 1–10: batch 1 at size 10
    bl(11, 1, { platforms: packageOf(1, 1) }), // 11: package_already_filed (line 1's, an earlier batch)
    bl(11, 1), // 12: loads (it said duplicate_in_file of line 11, which was refused)
    bl(12, 1, { platforms: packageOf(2, 1) }), // 13: package_already_filed
    bl(12, 2, { subject: { ...bl(12, 2).subject, address: '深圳市福田区9号' } }), // 14: subject 12 created from this line (it took line 13's)
    bl(13, 1), // 15
    bl(13, 2, { subject: { ...bl(20, 1).subject } }), // 16: subject_mismatch (line 15's subject)
    bl(13, 1, { serviceType: 'website', serviceNumber: '粤ICP备2018000013号-1', platforms: undefined, domains: ['b13.example.cn'] }), // 17: sequence_taken
    bl(14, 1, { platforms: packageOf(13, 1) }), // 18: package_already_filed (line 15's)
    bl(15, 1, { subject: { ...bl(13, 1).subject } }), // 19: certificate_filed_under_other_number (line 15's)
    bl(16, 1), // 20
  ];
  const opened: TestDb[] = [];
  afterAll(async () => { for (const t of opened) await t.close(); });

  it('gives the same rejections and registry with batches of 1 and of 10, first load or row by row', async () => {
    const runs: { batchSize: number; firstLoad: 'auto' | false; s: Awaited<ReturnType<typeof importFilings>>; registry: Awaited<ReturnType<typeof registry>>; again: number }[] = [];
    for (const batchSize of [1, 10]) {
      for (const firstLoad of ['auto', false] as const) {
        const t = await testDatabase();
        opened.push(t);
        const { trace, statements } = traced();
        const s = await importFilings(t.db, t.sealer, memorySource('test:batch-size', LINES), { batchSize, clock, firstLoad, trace });
        expect(s.firstLoad).toBe(firstLoad === 'auto');
        runs.push({ batchSize, firstLoad, s, registry: await registry(t.db), again: statements('batch staged again') });
      }
    }
    const report = (r: (typeof runs)[number]) => r.s.rejections.map(({ line, field, code }) => ({ line, field, code }));
    expect(report(runs[0]!)).toEqual([
      { line: 11, field: 'platforms.0.packageName', code: 'package_already_filed' },
      { line: 13, field: 'platforms.0.packageName', code: 'package_already_filed' },
      { line: 16, field: 'subject.certificateNumber', code: 'subject_mismatch' },
      { line: 17, field: 'serviceNumber', code: 'sequence_taken' },
      { line: 18, field: 'platforms.0.packageName', code: 'package_already_filed' },
      { line: 19, field: 'subject.certificateNumber', code: 'certificate_filed_under_other_number' },
    ]);
    const [reference, ...others] = runs;
    for (const r of others) {
      expect(report(r), `batch size ${r.batchSize}, first load ${r.firstLoad}`).toEqual(report(reference!));
      expect(r.registry, `batch size ${r.batchSize}, first load ${r.firstLoad}`).toEqual(reference!.registry);
      expect(r.s).toMatchObject({ services: reference!.s.services, subjects: reference!.s.subjects, rejected: 6 });
    }
    expect(reference!.registry.services.map((s) => (s as { service_number: string }).service_number)).toContain('粤ICP备2018000011号-1A');
    expect(reference!.registry.subjects.find((s) => (s as { main_number: string }).main_number === '粤ICP备2018000012号'))
      .toMatchObject({ address: '深圳市福田区9号' });
    // In one batch, the refusals of lines 11 and 13 were found by the database and the batch staged again.
    for (const r of runs.filter((x) => x.batchSize === 10)) expect(r.again).toBeGreaterThan(0);
    // A conflict within a batch names the earlier line, whatever the kind.
    const ten = runs.find((x) => x.batchSize === 10)!.s.rejections;
    expect(ten.filter((r) => r.line >= 16).map((r) => r.message)).toEqual([
      'line 15 of the file files this main number with another certificate',
      'line 15 of the file has this sequence under the same main number',
      'line 15 of the file files this package on this platform',
      'line 15 of the file files this certificate under 粤ICP备2018000013号',
    ]);
  }, SETUP_TIMEOUT);
});

// Defect: a subject whose imported services were all cancelled or revoked held its certificate until the
// import's end, so a later line filing that certificate under another main number was refused naming it —
// and the same file imported again (that subject cancelled by then) loaded it: the result depended on the
// order of the lines and on running twice. With the lines the other way round, the ended subject was the
// one refused. Now a subject with no live service claims no certificate (migration 0056), in either order
// and any batch size; one with a live service still does.
describe('bulk import: a subject with no live service does not hold its certificate', () => {
  const CERT: AppRecordStyle = {
    year: 2015, tag: '证件', pkg: 'cert', address: '深圳市南山区科技园6号', principal: '吴证件', mobile: '13200132000', email: 'cert', approvedAt: '2015-05-01',
  };
  const cl = (serial: number, seq: number, o: Record<string, unknown> = {}) => appRecord(CERT, serial, seq, o);
  const A = [cl(1, 1, { status: 'cancelled', statusChangedAt: '2019-03-01' }), cl(1, 2, { status: 'revoked', statusChangedAt: '2019-04-01' })];
  const B = [cl(2, 1, { subject: cl(1, 1).subject }), cl(2, 2, { subject: cl(1, 1).subject })];
  const OTHERS = [cl(3, 1), cl(4, 1), cl(5, 1, { status: 'cancelled', statusChangedAt: '2019-03-01' })];
  const opened: TestDb[] = [];
  afterAll(async () => { for (const t of opened) await t.close(); });
  const subjects = (db: Db) => db.query<{ main_number: string; status: string; import_ending: boolean }>(
    'select main_number, status, import_ending from subjects order by main_number');

  it('A (all services ended) and B (live) with one certificate: B filed, A cancelled, in either order, batches of 1 and 10, both paths', async () => {
    const results: { label: string; registry: Awaited<ReturnType<typeof registry>> }[] = [];
    for (const [order, lines] of [['A before B', [...A, ...OTHERS, ...B]], ['B before A', [...B, ...OTHERS, ...A]]] as const) {
      for (const batchSize of [1, 10]) {
        for (const firstLoad of ['auto', false] as const) {
          const label = `${order}, batch size ${batchSize}, first load ${firstLoad}`;
          const t = await testDatabase();
          opened.push(t);
          const s = await importFilings(t.db, t.sealer, memorySource('test:ending', [...lines]), { batchSize, clock, firstLoad });
          expect(s.rejections, label).toEqual([]);
          expect(s, label).toMatchObject({ services: 7, subjects: 5, rejected: 0 });
          expect(await subjects(t.db), label).toEqual([
            { main_number: '粤ICP备2015000001号', status: 'cancelled', import_ending: false },
            { main_number: '粤ICP备2015000002号', status: 'filed', import_ending: false },
            { main_number: '粤ICP备2015000003号', status: 'filed', import_ending: false },
            { main_number: '粤ICP备2015000004号', status: 'filed', import_ending: false },
            { main_number: '粤ICP备2015000005号', status: 'cancelled', import_ending: false },
          ]);
          results.push({ label, registry: await registry(t.db) });
        }
      }
    }
    // The same registry whatever the order and the batch size (the history's lines follow the order).
    const [first, ...others] = results;
    const sameOrder = (r: (typeof results)[number]) => r.label.slice(0, 10) === first!.label.slice(0, 10);
    for (const r of others) {
      const { history: h, ...rest } = r.registry;
      const { history: h0, ...rest0 } = first!.registry;
      expect(rest, r.label).toEqual(rest0);
      if (sameOrder(r)) expect(h, r.label).toEqual(h0);
    }
  }, SETUP_TIMEOUT);

  it('a subject with a live service still holds it: the other main number is refused, naming it, at any batch size', async () => {
    const live = [A[0], cl(1, 3), ...OTHERS, ...B]; // A: a cancelled service, then a live one
    const afterB = [...B, A[0], cl(1, 3)]; // B first: A's live service is the one refused (A then cancelled at the end)
    for (const batchSize of [1, 10]) {
      for (const firstLoad of ['auto', false] as const) {
        const label = `batch size ${batchSize}, first load ${firstLoad}`;
        const t = await testDatabase();
        opened.push(t);
        const s = await importFilings(t.db, t.sealer, memorySource('test:live-holds', live), { batchSize, clock, firstLoad });
        expect(s.rejections.map(({ line, field, code }) => ({ line, field, code })), label).toEqual([
          { line: 6, field: 'subject.certificateNumber', code: 'certificate_filed_under_other_number' },
          { line: 7, field: 'subject.certificateNumber', code: 'certificate_filed_under_other_number' },
        ]);
        for (const r of s.rejections) expect(r.message, label).toContain('粤ICP备2015000001号');
        expect((await subjects(t.db)).filter((x) => x.main_number <= '粤ICP备2015000002号'), label).toEqual([
          { main_number: '粤ICP备2015000001号', status: 'filed', import_ending: false },
        ]);
        const u = await testDatabase();
        opened.push(u);
        const v = await importFilings(u.db, u.sealer, memorySource('test:live-after', afterB), { batchSize, clock, firstLoad });
        expect(v.rejections.map(({ line, field, code }) => ({ line, field, code })), label).toEqual([
          { line: 4, field: 'subject.certificateNumber', code: 'certificate_filed_under_other_number' },
        ]);
        expect(v.rejections[0]!.message, label).toContain('粤ICP备2015000002号');
        expect(await subjects(u.db), label).toEqual([
          { main_number: '粤ICP备2015000001号', status: 'cancelled', import_ending: false },
          { main_number: '粤ICP备2015000002号', status: 'filed', import_ending: false },
        ]);
      }
    }
  }, SETUP_TIMEOUT);
});

// Defect: a line refused for a package, a sequence, a main-number serial or a main number that a line of an
// earlier batch of the same import had loaded read as a conflict with the registry and named no holder
// (only a duplicate service number named its line; a conflict within one batch names the earlier line).
// Now every such refusal names its holder, as `heldBy` and in the message: the line of this import, or the
// registry's record (its service number, or the subject's main number).
describe('bulk import: a conflict names what holds the package, sequence, serial or certificate', () => {
  const HOLD: AppRecordStyle = {
    year: 2014, tag: '占用', pkg: 'held', address: '深圳市南山区科技园7号', principal: '郑占用', mobile: '13100131000', email: 'held', approvedAt: '2014-05-01',
  };
  const hl = (serial: number, seq: number, o: Record<string, unknown> = {}) => appRecord(HOLD, serial, seq, o);
  const LINES = [
    hl(1, 1), // 1: holds everything below
    hl(2, 1, { platforms: hl(1, 1).platforms }), // 2: package_already_filed
    hl(3, 1, { serviceNumber: '粤ICP备14000001号-1A' }), // 3: main_number_serial_taken (serial 1 of 2014, 8-digit form)
    hl(1, 1, { serviceType: 'website', serviceNumber: '粤ICP备2014000001号-1', platforms: undefined, domains: ['held1.example.cn'] }), // 4: sequence_taken
    hl(1, 2, { subject: hl(4, 1).subject }), // 5: subject_mismatch
    hl(5, 1, { subject: hl(1, 1).subject }), // 6: certificate_filed_under_other_number
  ];
  const CODES = [
    { line: 2, field: 'platforms.0.packageName', code: 'package_already_filed' },
    { line: 3, field: 'serviceNumber', code: 'main_number_serial_taken' },
    { line: 4, field: 'serviceNumber', code: 'sequence_taken' },
    { line: 5, field: 'subject.certificateNumber', code: 'subject_mismatch' },
    { line: 6, field: 'subject.certificateNumber', code: 'certificate_filed_under_other_number' },
  ];
  const opened: TestDb[] = [];
  afterAll(async () => { for (const t of opened) await t.close(); });

  it('the line of this import that loaded it, from an earlier batch or the same one; the record when the registry held it', async () => {
    for (const firstLoad of ['auto', false] as const) {
      for (const batchSize of [1, 10]) {
        const label = `batch size ${batchSize}, first load ${firstLoad}`;
        const t = await testDatabase();
        opened.push(t);
        const s = await importFilings(t.db, t.sealer, memorySource('test:held', LINES), { batchSize, clock, firstLoad });
        expect(s.rejections.map(({ line, field, code, heldBy }) => ({ line, field, code, heldBy })), label)
          .toEqual(CODES.map((c) => ({ ...c, heldBy: { line: 1 } })));
        const earlier = batchSize === 1 ? ' (loaded by an earlier batch of this import)' : '';
        expect(s.rejections.map((r) => r.message), label).toEqual([
          `line 1 of the file files this package on this platform${earlier}`,
          `line 1 of the file files 粤ICP备2014000001号, a main number of this province and year with the same serial${earlier}`,
          `line 1 of the file has this sequence under the same main number${earlier}`,
          `line 1 of the file files this main number with another certificate${earlier}`,
          `line 1 of the file files this certificate under 粤ICP备2014000001号${earlier}`,
        ]);
        // The same lines in another import: the registry's records are named.
        const again = await importFilings(t.db, t.sealer, memorySource('test:held-again', LINES.slice(1)), { batchSize, clock, firstLoad });
        expect(again.rejections.map(({ line, code, heldBy }) => ({ line, code, heldBy })), label).toEqual([
          { line: 1, code: 'package_already_filed', heldBy: { serviceNumber: '粤ICP备2014000001号-1A' } },
          { line: 2, code: 'main_number_serial_taken', heldBy: { mainNumber: '粤ICP备2014000001号' } },
          { line: 3, code: 'sequence_taken', heldBy: { serviceNumber: '粤ICP备2014000001号-1A' } },
          { line: 4, code: 'subject_mismatch', heldBy: { mainNumber: '粤ICP备2014000001号' } },
          { line: 5, code: 'certificate_filed_under_other_number', heldBy: { mainNumber: '粤ICP备2014000001号' } },
        ]);
        expect(again.rejections.slice(0, 3).map((r) => r.message), label).toEqual([
          'this package name is already filed and active on this platform: 粤ICP备2014000001号-1A',
          'another main number of this province and year has the same serial: 粤ICP备2014000001号',
          'the subject already has a service with this sequence number: 粤ICP备2014000001号-1A',
        ]);
      }
    }
  }, SETUP_TIMEOUT);
});

// Defect: a subject whose imported services were all cancelled or revoked was created filed and kept
// its certificate as if live; the registry's flows cancel a subject with its last live service
// (DOMAIN.md §4.3; cancel-service.ts, revoke-service.ts). The import now leaves the same state.
describe('bulk import: a subject with no live service is cancelled, as the flows leave it', () => {
  const END: AppRecordStyle = {
    year: 2016, tag: '注销', pkg: 'ended', address: '深圳市南山区科技园5号', principal: '周注销', mobile: '13300133000', email: 'ended', approvedAt: '2016-05-01',
  };
  const el = (serial: number, seq: number, o: Record<string, unknown> = {}) => appRecord(END, serial, seq, o);
  const LINES = [
    el(1, 1, { status: 'cancelled', statusChangedAt: '2019-03-01' }), // subject 1: cancelled
    el(2, 1, { status: 'revoked', statusChangedAt: '2019-03-01' }), // subject 2: cleaned up (its last service revoked)
    el(3, 1, { status: 'cancelled', statusChangedAt: '2019-03-01' }), el(3, 2), // subject 3: filed (a live service, in the next batch of 3)
    el(4, 1, { status: 'revoked', statusChangedAt: '2019-01-01' }), el(4, 2, { status: 'cancelled', statusChangedAt: '2020-01-01' }), // 4: cancelled
  ];
  const opened: TestDb[] = [];
  afterAll(async () => { for (const t of opened) await t.close(); });
  const ends = (db: Db) => db.query(`select su.main_number, h.action, h.from_status, h.to_status, h.actor_role
      from history h join subjects su on su.id = h.entity_id where h.entity_type = 'subject' and h.action <> 'imported' order by su.main_number`);

  it('on both paths and any batch size; its certificate is free for a later filing', async () => {
    const results = [];
    for (const batchSize of [1, 3]) {
      for (const firstLoad of ['auto', false] as const) {
        const t = await testDatabase();
        opened.push(t);
        const s = await importFilings(t.db, t.sealer, memorySource('test:ended', LINES), { batchSize, clock, firstLoad });
        expect(s).toMatchObject({ services: 6, subjects: 4, rejected: 0, firstLoad: firstLoad === 'auto' });
        results.push({ t, registry: await registry(t.db), ends: await ends(t.db) });
      }
    }
    const [first, ...others] = results;
    for (const r of others) expect({ registry: r.registry, ends: r.ends }).toEqual({ registry: first!.registry, ends: first!.ends });
    expect(first!.registry.subjects.map((s) => [(s as { main_number: string }).main_number, (s as { status: string }).status])).toEqual([
      ['粤ICP备2016000001号', 'cancelled'], ['粤ICP备2016000002号', 'cancelled'], ['粤ICP备2016000003号', 'filed'], ['粤ICP备2016000004号', 'cancelled'],
    ]);
    expect(first!.ends).toEqual([
      { main_number: '粤ICP备2016000001号', action: 'cancel', from_status: 'filed', to_status: 'cancelled', actor_role: 'system' },
      { main_number: '粤ICP备2016000002号', action: 'clean_up', from_status: 'filed', to_status: 'cancelled', actor_role: 'system' },
      { main_number: '粤ICP备2016000004号', action: 'cancel', from_status: 'filed', to_status: 'cancelled', actor_role: 'system' },
    ]);
    for (const { t } of results) {
      // The subject's end is an event of its records, as a flow's (migration 0053).
      expect(await t.db.query(`select count(*)::int as n from public_events where action = 'subject_cancelled'`)).toEqual([{ n: 3 }]);
      // Subject 1's certificate, filed again under another main number (a later import), loads.
      const again = await importFilings(t.db, t.sealer, memorySource('test:ended-again', [el(5, 1, { subject: el(1, 1).subject })]), { clock });
      expect(again).toMatchObject({ services: 1, rejected: 0 });
    }
  }, SETUP_TIMEOUT);
});
