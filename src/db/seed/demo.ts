// Demo data (`beian seed --demo`, and the first `npm start` on an empty embedded database):
// providers, platforms, a device maker, demo users (staff of the reference ministry and
// bureaus, which every migrated database holds — ADR 0012) and filed services — including
// "A2DP Volume", whose Android record matches ../shared/fixtures/packages/a2dp.Vol_137.apk.
// Personal data is synthetic, with valid check digits. Never load this into production: it
// refuses a database that holds accounts or filings of its own (DemoRefusedError).
import { NamedError } from '../../domain/errors.ts';
import { provinceByCode } from '../../domain/provinces.ts';
import type { ApplicationMaterials, PersonMaterials, SubjectMaterials } from '../../domain/materials.ts';
import { idNumberCheckChar, usccCheckChar } from '../../domain/validation/index.ts';
import { type Db, type Queryable, savepointDb } from '../connection.ts';
import { hashApiKey, hashPassword } from '../credentials.ts';
import type { Sealer } from '../personal-data.ts';
import { insertAccess, insertFiledService, insertFiledSubject, insertPerson, insertPlatforms } from '../registry.ts';
import { seedDemoLives } from './demo-lives.ts';
import { seedSupervision } from './supervision.ts';
import { chinaYear } from '../../domain/china-time.ts';

export const DEMO_PASSWORD = 'Demo@2026';
export const DEMO_API_KEY = 'demo-platform-key';
/** The mobile of the demo's host account host@demo.beian.test: its applications' SMS codes and notices go there (README). */
export const DEMO_HOST_MOBILE = '13800138000';

export const DEMO_LOGINS = [
  { role: 'ministry_admin', login: 'admin', password: DEMO_PASSWORD },
  { role: 'bureau_reviewer', login: 'gd.reviewer', password: DEMO_PASSWORD },
  { role: 'bureau_reviewer', login: 'bj.reviewer', password: DEMO_PASSWORD },
  { role: 'bureau_reviewer', login: 'zj.reviewer', password: DEMO_PASSWORD },
  { role: 'provider_staff', login: 'provider.demo', password: DEMO_PASSWORD },
  { role: 'platform_staff', login: 'platform.demo', password: DEMO_PASSWORD },
  // Every organisation a host can choose as reviewer has a login: 新增接入 is offered 蓝海 only, a mini program 星辰.
  { role: 'provider_staff', login: 'idc.demo', password: DEMO_PASSWORD },
  { role: 'platform_staff', login: 'mini.demo', password: DEMO_PASSWORD },
  { role: 'device_maker_staff', login: 'device.demo', password: DEMO_PASSWORD },
  { role: 'host', login: 'host@demo.beian.test', password: DEMO_PASSWORD },
  { role: 'host', login: 'wang@demo.beian.test', password: DEMO_PASSWORD },
] as const;

/** The certificate of a2dp.Vol_137.apk (GROUND-TRUTH.md). */
export const A2DP_CERT = {
  md5: 'c1cabe8ad9dc272b2443a3a67bc443d5',
  sha1: '478c1d2fcb9bf1a82a611c9ff96df6d17860ea1b',
  sha256: '1e3bf46f964d494c9094cbf1a7ebec99b63d4acf6ae7519287d94faf5ea6871b',
  publicKey: 'A796ABF7A8D80A961B22D848E98465EB9721408E9050956B93DCF6F1A5C18F9BAB3D03544945B03AF16A18937C16C41B5B93CD465A6C62548FA3E1857149ACBDB69EB694897B3A783FAE8D365AABF8EC38C2F2A889CD0CBE0F6BD92E9B59EA52A2AE2B0E8C1B95F10DA64A6358C09F107DE744DF134035F80D4262B8EE2E39263B6B4A00A909B7D6D44DD4E8321F37951FC8B843792B4D225A717D964754CEFBA7C88519B666BA0270AF4238D3ECD1E778F5E99CFA811EE7926BACEDB47306BCDBB3D47219438C5621F9092812824B3C46DFFCBA685CE4AD60FE8B85E7622BD77D2ECE82D21C0001DAD8593B7034127F5ED8C6BC32B48E0A4DF74239C65BABC9',
};

const idNumber = (first17: string) => first17 + idNumberCheckChar(first17);
const uscc = (first17: string) => first17 + usccCheckChar(first17);

/** Synthetic people: ID numbers with valid check digits, mobiles in real segments, .test emails. */
export const DEMO_PEOPLE = {
  liMing: person('李明', idNumber('44030519850312003'), '13800138001', '13900139001', 'liming@demo.beian.test'),
  chenJing: person('陈静', idNumber('44030619900715002'), '13800138002', '13900139002', 'chenjing@demo.beian.test'),
  wangXiaoer: person('王小二', idNumber('11010519920101001'), '13800138003', '13900139003', 'wang@demo.beian.test'),
  zhaoLei: person('赵磊', idNumber('33010619880808001'), '13800138004', '13900139004', 'zhaolei@demo.beian.test'),
};

function person(name: string, id: string, mobile: string, emergency: string, email: string): PersonMaterials {
  return { name, certificateType: 'resident_id', certificateNumber: id, certificateValidFrom: '2020-01-01', certificateValidTo: null, mobile, emergencyPhone: emergency, email };
}

type OrgKind = 'access_provider' | 'distribution_platform' | 'device_maker';
const ORGS: { key: string; kind: OrgKind; name: string; uscc: string }[] = [
  { key: 'cloud', kind: 'access_provider', name: '示例云计算有限公司', uscc: uscc('91330106MA2DEM01C') },
  { key: 'idc', kind: 'access_provider', name: '蓝海数据科技有限公司', uscc: uscc('91110108MA01DEMK2') },
  { key: 'market', kind: 'distribution_platform', name: '示例应用市场', uscc: uscc('91440300MA5F8K2Q3') },
  { key: 'mini', kind: 'distribution_platform', name: '星辰小程序平台', uscc: uscc('91440300MA5G1P7L4') },
  { key: 'device', kind: 'device_maker', name: '示例智能终端有限公司', uscc: uscc('91440300MA5H3N6R5') },
];

const DEMO_STAFF_LOGINS: string[] = DEMO_LOGINS.filter((d) => d.role !== 'host').map((d) => d.login);
const DEMO_HOST_LOGINS: string[] = DEMO_LOGINS.filter((d) => d.role === 'host').map((d) => d.login);

/** `beian seed --demo` on a database in real use: its published passwords must never reach it. */
export class DemoRefusedError extends NamedError {
  constructor(readonly accounts: number, readonly filings: number) {
    super('demo_refused', 'conflict',
      `the database holds ${accounts} account(s) and ${filings} filing(s) that are not demo data; `
      + 'the demo (whose passwords are published) is only loaded into a database without accounts');
  }
}

/** Accounts that are not the demo's, and the filings (subjects, applications) of their hosts. */
export async function realData(db: Queryable, sealer: Sealer): Promise<{ accounts: number; filings: number }> {
  const demoHostHashes = DEMO_HOST_LOGINS.map((l) => sealer.hash('email', l));
  const [row] = await db.query<{ accounts: number; filings: number }>(
    `with real as (
       select id from users
       where not ((role <> 'host' and login = any($1::text[])) or (role = 'host' and email_hash = any($2::text[]))))
     select (select count(*) from real)::int as accounts,
            ((select count(*) from subjects where host_user_id in (select id from real))
             + (select count(*) from applications where host_user_id in (select id from real)))::int as filings`,
    [DEMO_STAFF_LOGINS, demoHostHashes],
  );
  return row ?? { accounts: 0, filings: 0 };
}

/**
 * Loads the demo once: { seeded: false } when it is already there; DemoRefusedError when the
 * database holds accounts or filings of its own (a real deployment).
 * `lives`: also the records' life after the number, dated relative to `now` (issue 13 item 10;
 * src/db/seed/demo-lives.ts), and with `applications` the applications in every state of every
 * kind (src/flows/demo-applications.ts) — for `npm start` and `beian seed --demo`; tests that count the
 * demo's records seed without it. `supervision: false` leaves out the supervision demo (campaigns,
 * orders, reports, blacklist): tests that count those start empty.
 */
/**
 * Seeds the demo's applications through the flows (src/flows/demo-applications.ts; the seed
 * sits below the flows, so the caller hands it in). `db` is the seed's own transaction.
 */
export type DemoApplicationsSeeder = (db: Db, hostUserId: string, now: Date) => Promise<void>;

export async function seedDemo(db: Db, sealer: Sealer, options: { lives?: { now: Date; applications?: DemoApplicationsSeeder }; supervision?: boolean } = {}): Promise<{ seeded: boolean }> {
  return db.transaction(async (tx) => {
    const present = await tx.query(`select 1 from organisations where kind = $1 and name = $2`, [ORGS[0]!.kind, ORGS[0]!.name]);
    if (present.length) return { seeded: false };
    const real = await realData(tx, sealer);
    if (real.accounts > 0 || real.filings > 0) throw new DemoRefusedError(real.accounts, real.filings);
    const orgs = await seedOrganisations(tx);
    const users = await seedUsers(tx, sealer, orgs);
    await tx.query(
      // `full`: the demo key stands for a key made before scopes (migration 0047), and the walkthroughs submit catalogues with it.
      `insert into api_keys (organisation_id, name, key_prefix, key_hash, created_by, scope) values ($1, '演示密钥 demo key', $2, $3, $4, 'full')`,
      [orgs.market, DEMO_API_KEY.slice(0, 10), hashApiKey(DEMO_API_KEY), users['platform.demo']],
    );
    await seedFilings(tx, sealer, orgs, users);
    if (options.lives) await seedDemoLives(tx, sealer, options.lives.now);
    if (options.lives?.applications) await options.lives.applications(savepointDb(tx, db.kind), users['host@demo.beian.test']!, options.lives.now);
    if (options.supervision !== false) await seedSupervision(tx, sealer, orgs, users); // issue 14
    await tx.query(
      `insert into history (entity_type, entity_id, action, actor_role, reason)
       select 'organisation', id, 'seeded', 'system', '{"note":"demo data"}'::jsonb from organisations where reference_key is null`,
    );
    return { seeded: true };
  });
}

/** The demo's own organisations; the ministry and the bureaus are the reference rows (keys 'ministry', 'bureau:<code>'). */
async function seedOrganisations(tx: Queryable): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const r of await tx.query<{ id: string; reference_key: string }>('select id, reference_key from organisations where reference_key is not null')) {
    ids[r.reference_key] = r.id;
  }
  if (!ids.ministry) throw new Error('the reference organisations are missing: migrate the database first');
  for (const o of ORGS) {
    const [row] = await tx.query<{ id: string }>(
      'insert into organisations (kind, name, uscc) values ($1, $2, $3) returning id', [o.kind, o.name, o.uscc]);
    ids[o.key] = row!.id;
  }
  return ids;
}

async function seedUsers(tx: Queryable, sealer: Sealer, orgs: Record<string, string>): Promise<Record<string, string>> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const staff: [string, string, string, string][] = [
    ['admin', 'ministry_admin', orgs.ministry!, '部级管理员'],
    ['gd.reviewer', 'bureau_reviewer', orgs['bureau:440000']!, '广东审核员'],
    ['bj.reviewer', 'bureau_reviewer', orgs['bureau:110000']!, '北京审核员'],
    ['zj.reviewer', 'bureau_reviewer', orgs['bureau:330000']!, '浙江审核员'],
    ['provider.demo', 'provider_staff', orgs.cloud!, '示例云初审员'],
    ['platform.demo', 'platform_staff', orgs.market!, '应用市场初审员'],
    ['idc.demo', 'provider_staff', orgs.idc!, '蓝海数据初审员'],
    ['mini.demo', 'platform_staff', orgs.mini!, '星辰小程序初审员'],
    ['device.demo', 'device_maker_staff', orgs.device!, '终端厂商核验员'],
  ];
  const ids: Record<string, string> = {};
  for (const [login, role, org, name] of staff) {
    const [row] = await tx.query<{ id: string }>(
      `insert into users (role, organisation_id, display_name, login, password_hash) values ($1,$2,$3,$4,$5) returning id`,
      [role, org, name, login, passwordHash]);
    ids[login] = row!.id;
  }
  const hosts: [string, PersonMaterials][] = [
    ['host@demo.beian.test', { ...DEMO_PEOPLE.liMing, email: 'host@demo.beian.test', mobile: DEMO_HOST_MOBILE }],
    ['wang@demo.beian.test', DEMO_PEOPLE.wangXiaoer],
  ];
  for (const [login, p] of hosts) {
    const [row] = await tx.query<{ id: string }>(
      `insert into users (role, display_name, password_hash, mobile_enc, mobile_hash, email_enc, email_hash)
       values ('host', $1, $2, $3, $4, $5, $6) returning id`,
      [p.name, passwordHash, sealer.seal(p.mobile), sealer.hash('phone', p.mobile), sealer.seal(login), sealer.hash('email', login)]);
    ids[login] = row!.id;
  }
  return ids;
}

/** A demo filing: its number's year is its filing date's (DOMAIN.md §3: the bureau allocates the number on approval). */
interface DemoFiling { host: string; filedAt: Date; subject: SubjectMaterials; services: (Omit<ApplicationMaterials, 'subject'> & { status?: 'revoked' | 'cancelled' })[] }

async function seedFilings(tx: Queryable, sealer: Sealer, orgs: Record<string, string>, users: Record<string, string>) {
  for (const f of demoFilings(orgs)) {
    const { filedAt } = f;
    const prefix = provinceByCode(f.subject.provinceCode)!.prefix;
    const subject = await insertFiledSubject(tx, sealer, { ...f.subject, hostUserId: users[f.host]!, prefix, year: chinaYear(filedAt), filedAt });
    const [principal] = await tx.query<{ principal_person_id: string }>('select principal_person_id from subjects where id = $1', [subject.id]);
    for (const s of f.services) {
      const principalId = 'sameAsSubjectPrincipal' in s.service.principal
        ? principal!.principal_person_id
        : await insertPerson(tx, sealer, s.service.principal);
      const service = await insertFiledService(tx, { ...s.service, subjectId: subject.id, mainNumber: subject.main_number, principalPersonId: principalId, filedAt });
      await insertPlatforms(tx, service.id, s.platforms);
      await insertAccess(tx, service.id, s.access);
      // The history a filing and a revocation write (the transparency log's public events).
      await demoHistory(tx, service.id, 'filed', null, 'filed', { mainNumber: subject.main_number, serviceNumber: service.service_number }, filedAt);
      if (s.status) {
        const changedAt = new Date('2025-03-01T08:00:00Z');
        // A revoked record says why (migration 0043): the demo game was filed with forged materials (docs/supervision.md).
        await tx.query(`update services set status = $2, status_changed_at = $3, revocation_category = $4 where id = $1`,
          [service.id, s.status, changedAt, s.status === 'revoked' ? 'false_materials' : null]);
        await tx.query(`update app_platforms set active = false where service_id = $1`, [service.id]);
        await demoHistory(tx, service.id, s.status === 'revoked' ? 'revoke' : 'cancel', 'filed', s.status, {}, changedAt);
      }
    }
  }
}

function demoHistory(tx: Queryable, serviceId: string, action: string, from: string | null, to: string, reason: object, at: Date) {
  return tx.query(
    `insert into history (entity_type, entity_id, action, from_status, to_status, actor_role, reason, at)
     values ('service', $1, $2, $3, $4, 'system', $5, $6)`,
    [serviceId, action, from, to, JSON.stringify({ ...reason, note: 'demo data' }), at],
  );
}

const none = { preApprovals: [], sdks: [], domains: [] as string[], homeUrl: null };

function demoFilings(orgs: Record<string, string>): DemoFiling[] {
  const cloud = (domains: string[], ips: string[]) => [{ providerOrgId: orgs.cloud!, accessMethod: 'cloud' as const, serverLocation: '广东省深圳市', ips, domains }];
  return [
    {
      host: 'host@demo.beian.test', filedAt: new Date('2024-05-20T02:00:00Z'),
      subject: {
        subjectType: 'unit', nature: 'enterprise', name: '深圳市示例网络科技有限公司', certificateType: 'uscc',
        certificateNumber: uscc('91440300MA5DEM0X1'), certificateAddress: '广东省深圳市南山区科技园路1号',
        address: '南山区科技园路1号示例大厦8楼', provinceCode: '440000', cityCode: '440300', districtCode: '440305',
        principal: DEMO_PEOPLE.liMing,
      },
      services: [
        { service: { ...none, serviceType: 'website', name: '示例科技官网', categories: ['enterprise_site'], languages: ['zh-CN'], description: '深圳市示例网络科技有限公司的企业官方网站，介绍公司产品与服务。', homeUrl: 'https://www.demo-tech.cn', domains: ['demo-tech.cn'], principal: { sameAsSubjectPrincipal: true } }, platforms: [], access: cloud(['demo-tech.cn'], ['203.0.113.10']) },
        {
          service: { ...none, serviceType: 'app', name: 'A2DP Volume', categories: ['tools'], languages: ['zh-CN', 'en'], description: '根据蓝牙音频设备的连接状态自动调节媒体音量的工具类应用。', domains: ['a2dp.demo-tech.cn'], principal: DEMO_PEOPLE.chenJing },
          platforms: [{ platform: 'android', packageName: 'a2dp.Vol', publicKey: A2DP_CERT.publicKey, certMd5: A2DP_CERT.md5, certSha1: A2DP_CERT.sha1, certSha256: A2DP_CERT.sha256, domains: ['a2dp.demo-tech.cn'] }],
          access: cloud(['a2dp.demo-tech.cn'], ['203.0.113.11', '2001:db8::11']),
        },
        { service: { ...none, serviceType: 'mini_program', name: '示例小助手', categories: ['tools'], languages: ['zh-CN'], description: '帮助用户查询示例科技产品使用说明和售后服务的小程序。', principal: DEMO_PEOPLE.chenJing }, platforms: [], access: [] },
      ],
    },
    {
      // Filed in 2025, so its number is 京ICP备2025000001号 (not a 2025 number dated 2024).
      host: 'wang@demo.beian.test', filedAt: new Date('2025-04-15T02:00:00Z'),
      subject: {
        subjectType: 'individual', nature: 'individual', name: '王小二', certificateType: 'resident_id',
        certificateNumber: DEMO_PEOPLE.wangXiaoer.certificateNumber, certificateAddress: '北京市西城区示例胡同1号',
        address: '西城区示例胡同1号', provinceCode: '110000', cityCode: '110100', districtCode: '110102',
        principal: DEMO_PEOPLE.wangXiaoer,
      },
      services: [
        { service: { ...none, serviceType: 'website', name: '小二的读书笔记', categories: ['personal_blog'], languages: ['zh-CN'], description: '个人读书笔记与学习心得分享，不涉及经营性内容。', homeUrl: 'https://xiaoer-notes.cn', domains: ['xiaoer-notes.cn'], principal: { sameAsSubjectPrincipal: true } }, platforms: [], access: [{ providerOrgId: orgs.idc!, accessMethod: 'virtual_host', serverLocation: '北京市', ips: ['198.51.100.20'], domains: ['xiaoer-notes.cn'] }] },
      ],
    },
    {
      host: 'host@demo.beian.test', filedAt: new Date('2024-05-20T02:00:00Z'),
      subject: {
        subjectType: 'unit', nature: 'enterprise', name: '杭州示例软件有限公司', certificateType: 'uscc',
        certificateNumber: uscc('91330106MA2H7Q8T6'), certificateAddress: '浙江省杭州市西湖区文三路1号',
        address: '西湖区文三路1号示例中心5楼', provinceCode: '330000', cityCode: '330100', districtCode: '330106',
        principal: DEMO_PEOPLE.zhaoLei,
      },
      services: [
        {
          service: { ...none, serviceType: 'app', name: '示例记账', categories: ['finance_tools'], languages: ['zh-CN'], description: '面向个人用户的记账与预算管理工具，数据仅保存在用户自己的账户中。', domains: ['api.ledger-demo.cn'], principal: { sameAsSubjectPrincipal: true } },
          platforms: [
            { platform: 'android', packageName: 'com.example.ledger', publicKey: 'C0FFEE'.repeat(85) + 'C1', certMd5: '0123456789abcdef0123456789abcdef', certSha1: '0123456789abcdef0123456789abcdef01234567', certSha256: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', domains: ['api.ledger-demo.cn'] },
            { platform: 'ios', packageName: 'com.example.ledger', publicKey: 'BADA55'.repeat(85) + 'B1', certSha1: 'fedcba9876543210fedcba9876543210fedcba98', domains: ['api.ledger-demo.cn'] },
          ],
          access: [{ providerOrgId: orgs.cloud!, accessMethod: 'cloud', serverLocation: '浙江省杭州市', ips: ['203.0.113.30'], domains: ['api.ledger-demo.cn'] }],
        },
        {
          status: 'revoked',
          service: { ...none, serviceType: 'app', name: '示例小游戏', categories: ['games'], languages: ['zh-CN'], description: '休闲益智类小游戏合集，因超范围经营被通信管理局撤销备案（演示数据）。', domains: ['game.ledger-demo.cn'], principal: { sameAsSubjectPrincipal: true } },
          platforms: [{ platform: 'android', packageName: 'com.example.minigame', publicKey: 'ABCDEF'.repeat(85) + 'A1', certMd5: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', domains: [] }],
          access: [],
        },
      ],
    },
  ];
}
