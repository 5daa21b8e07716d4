// Loads N synthetic filed services (APPs with platforms, websites with domains, mini programs,
// quick apps) under ~N/2 subjects with Chinese names into a database, with COPY, for the public
// search benchmark (issue 5, item 6; DOMAIN.md §10: 3–5 million services nationally).
//
//   npx tsx bench/generate.ts --services 1000000 --database-url postgres://postgres@127.0.0.1:5432/beian_bench
//   npx tsx bench/generate.ts --services 100000 --data-dir ./data-bench        (embedded PGlite)
//
// PostgreSQL: COPY ... FROM STDIN through pg-copy-streams. PGlite: COPY ... FROM '/dev/blob'
// with the CSV chunk as the query's blob. Numbers are valid and unique (main numbers continue
// each province/year sequence and number_sequences is advanced, so later approvals do not
// collide); ~92% filed, 5% cancelled, 3% revoked. Deterministic for a given --seed.
// Progress on stderr. Appends: running it again adds N more services.
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { openPglite, openPostgres } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrate.ts';
import { PROVINCES } from '../src/domain/provinces.ts';
import { formatMainNumber, formatServiceNumber, type ServiceType } from '../src/domain/filing-number.ts';

// ---- deterministic randomness -------------------------------------------------------------
function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
let rnd = mulberry32(1);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join('');

// ---- vocabulary ---------------------------------------------------------------------------
const BRAND_CHARS = [...'星辰云朵阳光蓝海天行智慧快乐优品易达通汇聚金银鑫盛华美新锐创意飞鸿腾跃安康乐享悦动青禾山水明月清风远航启点知行合众同心宏图博雅锦绣和谐瑞祥嘉禾瀚宇凌霄极光晨曦晴川沐阳墨韵书香竹林松柏梧桐海棠兰芷芸芳灵犀小鹿熊猫麦田橙子柚子西瓜樱桃葡萄番茄蜜蜂蝴蝶萤火银河北斗'];
const CITIES = ['北京市', '上海市', '广州市', '深圳市', '杭州市', '南京市', '成都市', '武汉市', '西安市', '重庆市', '天津市', '苏州市', '长沙市', '郑州市', '青岛市', '厦门市', '合肥市', '济南市', '福州市', '昆明市'];
const INDUSTRIES = ['网络科技', '信息技术', '文化传媒', '电子商务', '软件', '教育科技', '健康科技', '数据服务', '互动娱乐', '餐饮管理', '物流', '智能科技', '金融信息服务', '旅游发展', '广告'];
const UNIT_SUFFIXES = ['有限公司', '有限公司', '有限公司', '股份有限公司', '有限责任公司'];
const APP_NOUNS = ['记账', '音乐', '阅读', '天气', '地图', '相机', '日历', '笔记', '健身', '外卖', '打车', '商城', '视频', '直播', '翻译', '词典', '计算器', '闹钟', '壁纸', '浏览器', '清理大师', '输入法', '游戏', '消消乐', '跑酷', '拼图', '象棋', '学堂', '课堂', '题库', '医生', '药房', '理财', '钱包', '保险', '租房', '装修', '旅行', '酒店', '票务', '招聘', '社区', '交友', '论坛', '新闻', '资讯', '小说', '漫画', '电台', '播客'];
const WEB_SUFFIXES = ['官网', '商城', '博客', '论坛', '资讯网', '门户', '在线', '文档中心', '技术社区', '服务平台'];
const MINI_SUFFIXES = ['小程序', '助手', '点餐', '预约', '会员', '查询', '小店', '服务'];
const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'];
const GIVEN = [...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉飞鑫宇浩然子涵欣怡梓萱一诺晨阳'];
const ASCII_WORDS = ['star', 'cloud', 'sun', 'sea', 'sky', 'smart', 'joy', 'easy', 'link', 'gold', 'nova', 'leaf', 'moon', 'wind', 'peak', 'blue', 'red', 'lake', 'pine', 'deer', 'panda', 'bee', 'river', 'stone', 'light'];
const NATURES = ['enterprise', 'enterprise', 'enterprise', 'enterprise', 'enterprise', 'enterprise', 'government', 'public_institution', 'social_organisation', 'private_non_enterprise'];

type Status = 'filed' | 'cancelled' | 'revoked';
const statusOf = (): Status => { const r = rnd(); return r < 0.92 ? 'filed' : r < 0.97 ? 'cancelled' : 'revoked'; };
const typeOf = (): ServiceType => { const r = rnd(); return r < 0.45 ? 'app' : r < 0.8 ? 'website' : r < 0.97 ? 'mini_program' : 'quick_app'; };
const brand = () => pick(BRAND_CHARS) + pick(BRAND_CHARS);
const personName = () => pick(SURNAMES) + pick(GIVEN) + (rnd() < 0.6 ? pick(GIVEN) : '');
const base36 = (n: number) => n.toString(36);

// ---- CSV --------------------------------------------------------------------------------
const q = (s: string | null) => (s === null ? '' : `"${s.replace(/"/g, '""')}"`);
const arr = (xs: string[]) => q(`{${xs.join(',')}}`);
const ts = (d: Date) => d.toISOString();

const SUBJECT_COLS = 'id, host_user_id, subject_type, nature, name, certificate_type, certificate_number, certificate_number_enc, certificate_number_hash, address, province_code, city_code, district_code, principal_person_id, main_number, main_number_year, main_number_serial, last_service_sequence, status, filed_at, created_at, updated_at';
const SERVICE_COLS = 'id, subject_id, service_type, name, pre_approvals, domains, home_url, principal_person_id, sequence, service_number, status, filed_at, status_changed_at, updated_at';
const PLATFORM_COLS = 'id, service_id, platform, package_name, cert_md5, cert_sha256, active';

interface Chunk { subjects: string[]; services: string[]; platforms: string[]; servicesMade: number }
interface Ctx { hostUserId: string; personId: string; serials: Map<string, number>; subjectNo: number; serviceNo: number }

const SEQ_YEARS = [2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025];

function subjectRows(ctx: Ctx, chunk: Chunk, want: number): void {
  const province = pick(PROVINCES);
  const year = pick(SEQ_YEARS);
  const key = `${province.code}:${year}`;
  const serial = (ctx.serials.get(key) ?? 0) + 1;
  ctx.serials.set(key, serial);
  const mainNumber = formatMainNumber(province.prefix, year, serial);
  const individual = rnd() < 0.2;
  const b = brand();
  const name = individual ? personName() : `${pick(CITIES)}${b}${pick(INDUSTRIES)}${pick(UNIT_SUFFIXES)}`;
  const id = randomUUID();
  const filedAt = new Date(Date.UTC(year, Math.floor(rnd() * 12), 1 + Math.floor(rnd() * 28), Math.floor(rnd() * 10)));
  const n = Math.min(want, 1 + Math.floor(rnd() * rnd() * 5));
  const no = ctx.subjectNo++;
  for (let seq = 1; seq <= n; seq++) serviceRows(ctx, chunk, { id, mainNumber, brand: b, no, seq, filedAt });
  const status = rnd() < 0.01 ? 'cancelled' : 'filed';
  chunk.subjects.push([
    id, ctx.hostUserId, individual ? 'individual' : 'unit', individual ? 'individual' : pick(NATURES), q(name), individual ? 'resident_id' : 'uscc',
    individual ? '' : `91${province.code}${hex(10).toUpperCase()}`, `bench.${no}`, `bench-hash-${no}`, q(`${pick(CITIES)}示例路${1 + (no % 999)}号`),
    province.code, `${province.code.slice(0, 2)}0100`, `${province.code.slice(0, 2)}0102`, ctx.personId, q(mainNumber), year, serial, n, status,
    ts(filedAt), ts(filedAt), ts(filedAt),
  ].join(','));
}

interface Owner { id: string; mainNumber: string; brand: string; no: number; seq: number; filedAt: Date }

function serviceRows(ctx: Ctx, chunk: Chunk, o: Owner): void {
  const type = typeOf();
  const id = randomUUID();
  const status = statusOf();
  const filedAt = new Date(o.filedAt.getTime() + Math.floor(rnd() * 400) * 86_400_000);
  const changedAt = status === 'filed' ? filedAt : new Date(filedAt.getTime() + Math.floor(1 + rnd() * 300) * 86_400_000);
  const word = pick(ASCII_WORDS);
  const tag = `${base36(o.no)}${o.seq > 1 ? `-${o.seq}` : ''}`;
  const name = type === 'app' ? `${o.brand}${pick(APP_NOUNS)}` : type === 'website' ? `${o.brand}${pick(WEB_SUFFIXES)}`
    : type === 'mini_program' ? `${o.brand}${pick(MINI_SUFFIXES)}` : `${o.brand}${pick(APP_NOUNS)}快应用`;
  const domains = type === 'website' ? [`${word}${tag}.${rnd() < 0.7 ? 'cn' : 'com.cn'}`] : [];
  chunk.services.push([
    id, o.id, type, q(name), q('[]'), arr(domains), domains[0] ? q(`https://www.${domains[0]}`) : '', ctx.personId, o.seq,
    q(formatServiceNumber(o.mainNumber, o.seq, type)), status, ts(filedAt), ts(changedAt), ts(changedAt),
  ].join(','));
  chunk.servicesMade += 1;
  ctx.serviceNo += 1;
  if (type !== 'app' && type !== 'quick_app') return;
  const pkg = `com.${word}${base36(o.no)}.${type === 'app' ? 'app' : 'quick'}${o.seq}`;
  const platforms = ['android', ...(rnd() < 0.5 ? ['ios'] : []), ...(rnd() < 0.2 ? ['harmonyos'] : [])];
  for (const platform of platforms) {
    chunk.platforms.push([randomUUID(), id, platform, q(pkg), hex(32), hex(64), status === 'filed' ? 't' : 'f'].join(','));
  }
}

function makeChunk(ctx: Ctx, services: number): Chunk {
  const chunk: Chunk = { subjects: [], services: [], platforms: [], servicesMade: 0 };
  while (chunk.servicesMade < services) subjectRows(ctx, chunk, services - chunk.servicesMade);
  return chunk;
}

// ---- loaders ------------------------------------------------------------------------------
interface Loader { copy(table: string, cols: string, rows: string[]): Promise<void>; query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>; close(): Promise<void> }

async function postgresLoader(url: string): Promise<Loader> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    async copy(table, cols, rows) {
      const stream = client.query(copyFrom(`copy ${table} (${cols}) from stdin with (format csv)`));
      await pipeline(Readable.from([rows.join('\n') + '\n']), stream);
    },
    async query(sql, params) { return (await client.query(sql, params)).rows; },
    async close() { await client.end(); },
  };
}

async function pgliteLoader(dataDir: string): Promise<Loader> {
  const lite = new PGlite({ dataDir, extensions: { pg_trgm } });
  await lite.waitReady;
  return {
    async copy(table, cols, rows) {
      await lite.query(`copy ${table} (${cols}) from '/dev/blob' with (format csv)`, [], { blob: new Blob([rows.join('\n') + '\n']) });
    },
    async query(sql, params) { return (await lite.query<Record<string, unknown>>(sql, params)).rows; },
    async close() { await lite.close(); },
  };
}

// ---- main ---------------------------------------------------------------------------------
function progress(done: number, total: number, started: number): void {
  const width = 30;
  const frac = total ? done / total : 1;
  const secs = (Date.now() - started) / 1000;
  const rate = done / Math.max(secs, 0.001);
  const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
  const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
  process.stderr.write(`\r[${bar}] ${(frac * 100).toFixed(1).padStart(5)}% ${done}/${total} services  ${Math.round(rate)}/s  ETA ${eta}s   `);
}

async function benchOwner(l: Loader): Promise<{ hostUserId: string; personId: string }> {
  // A host signs in by email or mobile (no login name); these placeholders open nothing.
  const [user] = await l.query(`select id from users where role = 'host' and email_hash = 'bench-host-email'`);
  const hostUserId = (user?.id as string | undefined) ?? (await l.query(
    `insert into users (role, display_name, password_hash, email_enc, email_hash) values ('host', '压测主办者', '!', 'bench', 'bench-host-email') returning id`))[0]!.id as string;
  const [person] = await l.query(`select id from persons where certificate_number_hash = 'bench-person'`);
  const personId = (person?.id as string | undefined) ?? (await l.query(
    `insert into persons (name, certificate_type, certificate_number_enc, certificate_number_hash, mobile_enc, mobile_hash, email_enc, email_hash)
     values ('压测负责人', 'resident_id', 'bench', 'bench-person', 'bench', 'bench-mobile', 'bench', 'bench-email') returning id`))[0]!.id as string;
  return { hostUserId, personId };
}

export async function generate(o: { services: number; databaseUrl?: string; dataDir?: string; seed?: number; chunk?: number; quiet?: boolean }): Promise<void> {
  rnd = mulberry32(o.seed ?? 1);
  // Migrate through the application's own runner, then load on a raw connection.
  const db = o.databaseUrl ? await openPostgres(o.databaseUrl, { max: 1 }) : await openPglite(o.dataDir);
  await migrate(db);
  await db.close();
  const l = o.databaseUrl ? await postgresLoader(o.databaseUrl) : await pgliteLoader(o.dataDir!);
  try {
    const owner = await benchOwner(l);
    const serials = new Map<string, number>();
    for (const r of await l.query('select province_code, year, last_serial from number_sequences')) serials.set(`${r.province_code}:${r.year}`, Number(r.last_serial));
    const [{ n: subjectsBefore } = { n: 0 }] = await l.query('select count(*)::int as n from subjects');
    const ctx: Ctx = { ...owner, serials, subjectNo: Number(subjectsBefore) + 1, serviceNo: 0 };
    const started = Date.now();
    const size = o.chunk ?? 20_000;
    for (let done = 0; done < o.services;) {
      const chunk = makeChunk(ctx, Math.min(size, o.services - done));
      await l.copy('subjects', SUBJECT_COLS, chunk.subjects);
      await l.copy('services', SERVICE_COLS, chunk.services);
      if (chunk.platforms.length) await l.copy('app_platforms', PLATFORM_COLS, chunk.platforms);
      done += chunk.servicesMade;
      if (!o.quiet) progress(done, o.services, started);
    }
    for (const [key, last] of serials) {
      const [code, year] = key.split(':');
      await l.query(`insert into number_sequences (province_code, year, last_serial) values ($1, $2, $3)
        on conflict (province_code, year) do update set last_serial = greatest(number_sequences.last_serial, excluded.last_serial)`, [code, Number(year), last]);
    }
    // VACUUM also merges the GIN pending lists that COPY filled: until then every search scans
    // them linearly (measured: a number search took 130 ms before, 1.3 ms after).
    await l.query('vacuum analyze subjects');
    await l.query('vacuum analyze services');
    await l.query('vacuum analyze app_platforms');
    if (!o.quiet) process.stderr.write(`\nloaded ${o.services} services under ${ctx.subjectNo - Number(subjectsBefore) - 1} subjects in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } finally {
    await l.close();
  }
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const { values } = parseArgs({
    options: {
      services: { type: 'string', default: '100000' },
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
      seed: { type: 'string', default: '1' },
    },
  });
  const services = Number(values.services);
  if (!Number.isInteger(services) || services < 1) throw new Error('--services must be a positive whole number');
  if (!values['database-url'] && !values['data-dir']) throw new Error('give --database-url postgres://… or --data-dir <folder> (PGlite)');
  await generate({ services, databaseUrl: values['database-url'], dataDir: values['data-dir'], seed: Number(values.seed) });
}
