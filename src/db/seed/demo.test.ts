// The demo data (issue 2, item 7): its organisations (the bureaus and the ministry are the
// reference rows every migrated database holds, ADR 0012), demo users, the platform API key, filed records whose numbers parse, personal data with valid check digits, and
// "A2DP Volume" matching the real package's certificate (GROUND-TRUTH.md).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_TIMEOUT } from '../../../tests/auth.ts';
import { type TestDb, testDatabase } from '../../../tests/db.ts';
import { parseFilingNumber, SERVICE_SUFFIXES, type ServiceType } from '../../domain/filing-number.ts';
import { PROVINCES } from '../../domain/provinces.ts';
import { validateEmail, validateMobile, validateResidentIdNumber, validateUscc } from '../../domain/validation/index.ts';
import { hashApiKey, verifyPassword } from '../credentials.ts';
import { findLiveApiKey } from '../sessions.ts';
import { DEMO_API_KEY, DEMO_LOGINS, DEMO_PASSWORD, DEMO_PEOPLE, seedDemo } from './demo.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** a2dp.Vol_137.apk's signing certificate, copied from ../shared/fixtures/packages/GROUND-TRUTH.md §1. */
const GROUND_TRUTH = {
  packageName: 'a2dp.Vol',
  md5: 'c1cabe8ad9dc272b2443a3a67bc443d5',
  sha1: '478c1d2fcb9bf1a82a611c9ff96df6d17860ea1b',
  sha256: '1e3bf46f964d494c9094cbf1a7ebec99b63d4acf6ae7519287d94faf5ea6871b',
  modulusStart: 'A796ABF7A8D80A961B22D848E98465EB',
  modulusEnd: '5ED8C6BC32B48E0A4DF74239C65BABC9',
};

describe('demo seed', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await testDatabase();
    expect(await seedDemo(t.db, t.sealer)).toEqual({ seeded: true });
  }, SETUP_TIMEOUT);
  afterAll(async () => { await t?.close(); });

  const count = async (sql: string, params: unknown[] = []) => (await t.db.query<{ n: number }>(sql, params))[0]!.n;

  it('adds no bureau or ministry: its reviewers and administrator belong to the reference rows', async () => {
    const bureaus = await t.db.query<{ province_code: string; name: string; reference_key: string }>(
      `select province_code, name, reference_key from organisations where kind = 'bureau' order by province_code`);
    expect(bureaus).toHaveLength(31);
    expect(bureaus.map((b) => b.province_code)).toEqual(PROVINCES.map((p) => p.code).sort());
    for (const b of bureaus) expect([b.name, b.reference_key]).toEqual([PROVINCES.find((p) => p.code === b.province_code)!.bureauName, `bureau:${b.province_code}`]);
    const staff = await t.db.query<{ login: string; reference_key: string | null }>(
      `select u.login, o.reference_key from users u join organisations o on o.id = u.organisation_id where u.role in ('ministry_admin', 'bureau_reviewer') order by u.login`);
    expect(staff).toEqual([
      { login: 'admin', reference_key: 'ministry' }, { login: 'bj.reviewer', reference_key: 'bureau:110000' },
      { login: 'gd.reviewer', reference_key: 'bureau:440000' }, { login: 'zj.reviewer', reference_key: 'bureau:330000' },
    ]);
  });

  it('creates two access providers, two distribution platforms, one device maker (and uses the one ministry)', async () => {
    const kinds = await t.db.query<{ kind: string; n: number }>(`select kind, count(*)::int as n from organisations where kind <> 'bureau' group by kind order by kind`);
    expect(kinds).toEqual([
      { kind: 'access_provider', n: 2 }, { kind: 'device_maker', n: 1 }, { kind: 'distribution_platform', n: 2 }, { kind: 'ministry', n: 1 },
    ]);
  });

  it('gives every access provider and distribution platform a documented staff login (each can be chosen as reviewer)', async () => {
    const rows = await t.db.query<{ name: string; logins: string[] }>(
      `select o.name, coalesce(array_agg(u.login) filter (where u.login is not null), '{}') as logins from organisations o
       left join users u on u.organisation_id = o.id and u.role in ('provider_staff', 'platform_staff')
       where o.kind in ('access_provider', 'distribution_platform') group by o.name order by o.name`);
    expect(rows.length).toBe(4);
    const documented = new Set<string>(DEMO_LOGINS.map((l) => l.login));
    for (const r of rows) expect(r.logins.filter((l) => documented.has(l)), r.name).not.toEqual([]);
  });

  it('gives every demo organisation a USCC with a correct check character (no warning)', async () => {
    const orgs = await t.db.query<{ name: string; uscc: string | null }>(`select name, uscc from organisations where reference_key is null`);
    expect(orgs).toHaveLength(5);
    for (const o of orgs) {
      const v = validateUscc(o.uscc ?? '');
      expect(v, o.name).toMatchObject({ ok: true, warnings: [] });
    }
  });

  it('gives every unit subject a USCC with a correct check character; individuals keep theirs sealed only', async () => {
    const subjects = await t.db.query<{ name: string; subject_type: string; certificate_number: string | null; certificate_number_enc: string }>(
      'select name, subject_type, certificate_number, certificate_number_enc from subjects');
    expect(subjects.filter((s) => s.subject_type === 'unit').length).toBeGreaterThanOrEqual(2);
    expect(subjects.filter((s) => s.subject_type === 'individual').length).toBeGreaterThanOrEqual(1);
    for (const s of subjects) {
      const number = t.sealer.open(s.certificate_number_enc);
      if (s.subject_type === 'unit') {
        expect(s.certificate_number, s.name).toBe(number);
        expect(validateUscc(number), s.name).toMatchObject({ ok: true, warnings: [] });
      } else {
        expect(s.certificate_number, s.name).toBeNull();
        expect(validateResidentIdNumber(number, { today: '2026-03-02' }).ok, s.name).toBe(true);
      }
    }
  });

  it('gives every seeded person a valid resident ID number, mobile, emergency phone and email', async () => {
    const persons = await t.db.query<Record<string, string | null>>(
      'select name, certificate_type, certificate_number_enc, mobile_enc, emergency_phone_enc, email_enc from persons');
    expect(persons.length).toBeGreaterThanOrEqual(Object.keys(DEMO_PEOPLE).length);
    for (const p of persons) {
      const who = p.name!;
      expect(p.certificate_type, who).toBe('resident_id');
      const id = validateResidentIdNumber(t.sealer.open(p.certificate_number_enc!), { today: '2026-03-02' });
      expect(id.ok ? id.warnings : id.error, who).toEqual([]);
      expect(validateMobile(t.sealer.open(p.mobile_enc!)).ok, who).toBe(true);
      expect(validateMobile(t.sealer.open(p.emergency_phone_enc!)).ok, who).toBe(true);
      expect(validateEmail(t.sealer.open(p.email_enc!)).ok, who).toBe(true);
    }
    for (const p of Object.values(DEMO_PEOPLE)) {
      expect(validateResidentIdNumber(p.certificateNumber, { today: '2026-03-02' }).ok, p.name).toBe(true);
      expect(p.email, p.name).toMatch(/\.test$/); // a reserved domain: no demo email reaches a real inbox
      expect(await count('select count(*)::int as n from persons where certificate_number_hash = $1', [t.sealer.hash('id_number', p.certificateNumber)]), p.name).toBeGreaterThan(0);
    }
  });

  it('gives the hosts valid sealed mobiles and emails, and every demo login the documented password', async () => {
    const users = await t.db.query<{ login: string | null; role: string; password_hash: string; mobile_enc: string | null; email_enc: string | null }>(
      'select login, role, password_hash, mobile_enc, email_enc from users order by login');
    // Hosts sign in with their email, which is sealed (no login column in clear).
    const signIns = users.map((u) => [u.login ?? t.sealer.open(u.email_enc!), u.role]);
    expect(signIns.sort()).toEqual(DEMO_LOGINS.map((l) => [l.login, l.role]).sort());
    // argon2 is slow on purpose: verify each distinct hash once (the seed hashes the password once).
    for (const hash of new Set(users.map((u) => u.password_hash))) expect(await verifyPassword(hash, DEMO_PASSWORD)).toBe(true);
    expect(await verifyPassword(users[0]!.password_hash, 'Demo@2025')).toBe(false);
    for (const u of users) {
      if (u.role !== 'host') continue;
      expect(u.login).toBeNull();
      expect(validateMobile(t.sealer.open(u.mobile_enc!)).ok).toBe(true);
      expect(t.sealer.open(u.email_enc!)).toMatch(/@demo\.beian\.test$/);
    }
  });

  it('registers A2DP Volume with an active Android record carrying the certificate of a2dp.Vol_137.apk', async () => {
    const truth = readFileSync(path.resolve(repoRoot, '../shared/fixtures/packages/GROUND-TRUTH.md'), 'utf8');
    for (const v of [GROUND_TRUTH.md5, GROUND_TRUTH.sha1, GROUND_TRUTH.sha256, GROUND_TRUTH.modulusStart, GROUND_TRUTH.modulusEnd]) expect(truth).toContain(v);

    const rows = await t.db.query<Record<string, string | boolean>>(
      `select s.name, s.service_type, s.status, p.platform, p.package_name, p.active, p.cert_md5, p.cert_sha1, p.cert_sha256, p.public_key
       from app_platforms p join services s on s.id = p.service_id where p.package_name = $1`, [GROUND_TRUTH.packageName]);
    expect(rows).toHaveLength(1);
    const r = rows[0]!;
    expect(r).toMatchObject({
      name: 'A2DP Volume', service_type: 'app', status: 'filed', platform: 'android', active: true,
      cert_md5: GROUND_TRUTH.md5, cert_sha1: GROUND_TRUTH.sha1, cert_sha256: GROUND_TRUTH.sha256,
    });
    expect(r.public_key).toMatch(new RegExp(`^${GROUND_TRUTH.modulusStart}[0-9A-F]{448}${GROUND_TRUTH.modulusEnd}$`)); // RSA-2048 modulus
  });

  it('gives demo-platform-key to 示例应用市场, the distribution platform', async () => {
    const key = await findLiveApiKey(t.db, hashApiKey(DEMO_API_KEY));
    expect(key).not.toBeNull();
    const [org] = await t.db.query<{ name: string; kind: string }>('select name, kind from organisations where id = $1', [key!.organisation_id]);
    expect(org).toEqual({ name: '示例应用市场', kind: 'distribution_platform' });
    expect(await findLiveApiKey(t.db, hashApiKey('demo-platform-key-2'))).toBeNull();
  });

  it('files websites, APPs and a mini program, with a revoked APP whose record is inactive', async () => {
    const types = await t.db.query<{ service_type: string; status: string; n: number }>(
      'select service_type, status, count(*)::int as n from services group by 1, 2 order by 1, 2');
    expect(types).toEqual([
      { service_type: 'app', status: 'filed', n: 2 }, { service_type: 'app', status: 'revoked', n: 1 },
      { service_type: 'mini_program', status: 'filed', n: 1 }, { service_type: 'website', status: 'filed', n: 2 },
    ]);
    expect(await count(`select count(*)::int as n from app_platforms p join services s on s.id = p.service_id where s.status = 'revoked' and p.active`)).toBe(0);
  });

  it('gives every subject and service a number that parses, in its province, with the suffix of its type', async () => {
    const subjects = await t.db.query<{ id: string; main_number: string; province_code: string; main_number_year: number }>('select id, main_number, province_code, main_number_year from subjects');
    for (const s of subjects) {
      const parsed = parseFilingNumber(s.main_number);
      expect(parsed.ok, s.main_number).toBe(true);
      if (!parsed.ok) continue;
      expect(parsed.value).toMatchObject({ kind: 'subject', base: 'icp_bei', provinceCode: s.province_code, year: s.main_number_year, number: s.main_number });
    }
    const services = await t.db.query<{ service_number: string; service_type: ServiceType; sequence: number; main_number: string; province_code: string }>(
      'select v.service_number, v.service_type, v.sequence, s.main_number, s.province_code from services v join subjects s on s.id = v.subject_id');
    expect(services.length).toBeGreaterThanOrEqual(6);
    for (const v of services) {
      const parsed = parseFilingNumber(v.service_number);
      expect(parsed.ok, v.service_number).toBe(true);
      if (!parsed.ok) continue;
      expect(parsed.value, v.service_number).toMatchObject({
        kind: 'service', serviceType: v.service_type, sequence: v.sequence, mainNumber: v.main_number, provinceCode: v.province_code, number: v.service_number,
      });
      const suffix = SERVICE_SUFFIXES.find((x) => x.serviceType === v.service_type)!.suffix;
      expect(v.service_number).toBe(`${v.main_number}-${v.sequence}${suffix}`);
    }
    expect(services.some((v) => v.service_number.endsWith('A'))).toBe(true);
    expect(services.some((v) => v.service_number.endsWith('X'))).toBe(true);
    expect(services.some((v) => /-\d+$/.test(v.service_number))).toBe(true);
  });

  it('records the seeding of its organisations in history', async () => {
    expect(await count(`select count(*)::int as n from history where action = 'seeded' and entity_type = 'organisation'`))
      .toBe(await count('select count(*)::int as n from organisations where reference_key is null'));
  });

  it('runs once: a second seed changes nothing', async () => {
    const tables = ['organisations', 'users', 'persons', 'subjects', 'services', 'app_platforms', 'api_keys', 'history'];
    const before = await Promise.all(tables.map((x) => count(`select count(*)::int as n from ${x}`)));
    expect(await seedDemo(t.db, t.sealer)).toEqual({ seeded: false });
    expect(await Promise.all(tables.map((x) => count(`select count(*)::int as n from ${x}`)))).toEqual(before);
  });
});
