// Loads N synthetic filed services (APPs with platforms, websites with domains, mini programs,
// quick apps) under ~N/2 subjects with Chinese names into a database, for the public search and
// verification benchmarks (issue 5, item 6; DOMAIN.md §10: 3–5 million services nationally).
//
//   npx tsx bench/generate.ts --services 1000000 --database-url postgres://postgres@127.0.0.1:5432/beian_bench
//   npx tsx bench/generate.ts --services 100000 --data-dir ./data-bench        (embedded PGlite)
//
// The records go through `beian import`'s own path (src/flows/import-filings.ts, issue 16 item
// 8): checked, personal data sealed (under fixed bench keys), COPY into staging tables, history
// written. Numbers are valid and unique (main numbers continue each province/year sequence; the
// importer advances number_sequences, so later approvals do not collide); ~92% filed, 5%
// cancelled, 3% revoked. Deterministic for a given --seed (but for row ids).
// Progress on stderr. Appends: running it again adds N more services.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { benchArgs } from './args.ts';
import { openPglite, openPostgres } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrate.ts';
import { createSealer } from '../src/db/personal-data.ts';
import { citiesOf, countiesOf } from '../src/domain/divisions.ts';
import { PROVINCES } from '../src/domain/provinces.ts';
import { formatMainNumber, formatServiceNumber, type ServiceType } from '../src/domain/filing-number.ts';
import { idNumberCheckChar, usccCheckChar } from '../src/domain/validation/index.ts';
import { defaultWorkers } from '../src/cli/import.ts';
import { DEFAULT_BATCH, type ImportSource, importFilings } from '../src/flows/import-filings.ts';

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
/** A real city and county of the province (the first of each in GB/T 2260, ADR 0036), so imported records carry real codes. */
function placeOf(provinceCode: string): { cityCode: string; districtCode: string } {
  const city = citiesOf(provinceCode)[0]!;
  return { cityCode: city.code, districtCode: countiesOf(city.code)[0]!.code };
}
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

// ---- records, in the import file's shape (docs/import.md) ---------------------------------
type Rec = Record<string, unknown>;
interface Ctx { serials: Map<string, number>; subjectNo: number; serviceNo: number; run: string }

const SEQ_YEARS = [2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025];
// Nothing imported is later than this (the importer refuses times in the future).
const LATEST = Date.UTC(2026, 0, 1);
const at = (ms: number) => new Date(Math.min(ms, LATEST)).toISOString();
const digits = (n: number, width: number) => String(n).padStart(width, '0');
const usccOf = (provinceCode: string, no: number) => { const f = `91${provinceCode}${digits(no, 9)}`; return f + usccCheckChar(f); };
/** A resident ID unique per `no` (birth day and sequence from it), of the given province. */
const residentId = (provinceCode: string, no: number) => {
  const birth = new Date(Date.UTC(1960, 0, 1) + (no % 14_000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  const f = `${provinceCode.slice(0, 2)}0102${birth}${digits(Math.floor(no / 14_000) % 1000, 3)}`;
  return f + idNumberCheckChar(f);
};

function subjectRecords(ctx: Ctx, out: Rec[], want: number): void {
  const province = pick(PROVINCES);
  const year = pick(SEQ_YEARS);
  const key = `${province.code}:${year}`;
  const serial = (ctx.serials.get(key) ?? 0) + 1;
  ctx.serials.set(key, serial);
  const mainNumber = formatMainNumber(province.prefix, year, serial);
  const individual = rnd() < 0.2;
  const b = brand();
  const name = individual ? personName() : `${pick(CITIES)}${b}${pick(INDUSTRIES)}${pick(UNIT_SUFFIXES)}`;
  const filedAt = Date.UTC(year, Math.floor(rnd() * 12), 1 + Math.floor(rnd() * 28), Math.floor(rnd() * 10));
  const n = Math.min(want, 1 + Math.floor(rnd() * rnd() * 5));
  const no = ctx.subjectNo++;
  const nature = individual ? 'individual' : pick(NATURES);
  const subject = {
    certificateType: individual ? 'resident_id' : 'uscc',
    certificateNumber: individual ? residentId(province.code, no) : usccOf(province.code, no),
    address: `${pick(CITIES)}示例路${1 + (no % 999)}号`, ...placeOf(province.code),
    approvedAt: at(filedAt),
    principal: {
      name: individual ? name : personName(), certificateType: 'resident_id',
      certificateNumber: individual ? residentId(province.code, no) : residentId(province.code, no + 7_000_000),
      mobile: `138${digits(no % 100_000_000, 8)}`, email: `host${no}.${ctx.run}@bench.example`,
    },
  };
  for (let seq = 1; seq <= n; seq++) {
    out.push(serviceRecord(ctx, { mainNumber, brand: b, no, seq, filedAt }, { hostName: name, hostType: individual ? 'individual' : 'unit', hostNature: nature, subject }));
  }
}

interface Owner { mainNumber: string; brand: string; no: number; seq: number; filedAt: number }

function serviceRecord(ctx: Ctx, o: Owner, host: Rec): Rec {
  const type = typeOf();
  const status = statusOf();
  const filedAt = o.filedAt + Math.floor(rnd() * 400) * 86_400_000;
  const changedAt = status === 'filed' ? filedAt : filedAt + Math.floor(1 + rnd() * 300) * 86_400_000;
  const word = pick(ASCII_WORDS);
  const tag = `${base36(o.no)}${o.seq > 1 ? `-${o.seq}` : ''}`;
  const name = type === 'app' ? `${o.brand}${pick(APP_NOUNS)}` : type === 'website' ? `${o.brand}${pick(WEB_SUFFIXES)}`
    : type === 'mini_program' ? `${o.brand}${pick(MINI_SUFFIXES)}` : `${o.brand}${pick(APP_NOUNS)}快应用`;
  const domains = type === 'website' ? [`${word}${tag}.${rnd() < 0.7 ? 'cn' : 'com.cn'}`] : [];
  ctx.serviceNo += 1;
  const rec: Rec = {
    serviceNumber: formatServiceNumber(o.mainNumber, o.seq, type), serviceType: type, serviceName: name, status,
    approvedAt: at(filedAt), statusChangedAt: at(Math.max(changedAt, filedAt)), domains,
    homeUrl: domains[0] ? `https://www.${domains[0]}` : null, ...host,
  };
  if (type !== 'app' && type !== 'quick_app') return rec;
  const pkg = `com.${word}${base36(o.no)}.${type === 'app' ? 'app' : 'quick'}${o.seq}`;
  const platforms = ['android', ...(rnd() < 0.5 ? ['ios'] : []), ...(rnd() < 0.2 ? ['harmonyos'] : [])];
  rec.platforms = platforms.map((platform) => ({ platform, packageName: pkg, certMd5: hex(32), certSha256: hex(64) }));
  return rec;
}

/** `total` records, subject by subject (the services of a subject are consecutive lines). */
function* records(ctx: Ctx, total: number): Generator<Rec> {
  const out: Rec[] = [];
  while (ctx.serviceNo < total) {
    subjectRecords(ctx, out, total - ctx.serviceNo);
    yield* out;
    out.length = 0;
  }
}

/** Writes `total` records as an import file (NDJSON) for a registry whose sequences are `serials`. */
export async function writeImportFile(file: string, total: number, o: { seed?: number; serials?: Map<string, number>; subjectNo?: number } = {}): Promise<void> {
  rnd = mulberry32(o.seed ?? 1);
  const ctx: Ctx = { serials: o.serials ?? new Map(), subjectNo: o.subjectNo ?? 1, serviceNo: 0, run: randomUUID().slice(0, 8) };
  const out = createWriteStream(file);
  let buf: string[] = [];
  for (const r of records(ctx, total)) {
    buf.push(JSON.stringify(r));
    if (buf.length >= 5_000) { if (!out.write(`${buf.join('\n')}\n`)) await once(out, 'drain'); buf = []; }
  }
  if (buf.length) out.write(`${buf.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
}

// ---- main ---------------------------------------------------------------------------------
/** Bench data is sealed under fixed, published keys: it holds no one's personal data. */
export const BENCH_SECRETS = {
  dataKeys: [{ id: 'bench', key: createHash('sha256').update('beian bench data key').digest() }],
  hashKey: createHash('sha256').update('beian bench hash key').digest(),
};
export const BENCH_SEALER = createSealer(BENCH_SECRETS);

export async function generate(o: { services: number; databaseUrl?: string; dataDir?: string; seed?: number; chunk?: number; quiet?: boolean; trace?: boolean }): Promise<{ seconds: number }> {
  rnd = mulberry32(o.seed ?? 1);
  const db = o.databaseUrl ? await openPostgres(o.databaseUrl, { max: 2 }) : await openPglite(o.dataDir);
  try {
    await migrate(db);
    const serials = new Map<string, number>();
    for (const r of await db.query<{ province_code: string; year: number; last_serial: number }>('select province_code, year, last_serial from number_sequences')) {
      serials.set(`${r.province_code}:${r.year}`, Number(r.last_serial));
    }
    const [{ n: subjectsBefore } = { n: 0 }] = await db.query<{ n: number }>('select count(*)::int as n from subjects');
    const run = randomUUID().slice(0, 8);
    const ctx: Ctx = { serials, subjectNo: Number(subjectsBefore) + 1, serviceNo: 0, run };
    const total = o.services;
    const source: ImportSource = {
      key: `generate:${run}`, fileName: `bench/generate.ts --services ${total} --seed ${o.seed ?? 1}`, format: 'ndjson',
      async *lines() {
        let line = 0;
        for (const value of records(ctx, total)) yield { line: ++line, value };
      },
    };
    const started = Date.now();
    const workers = defaultWorkers();
    const summary = await importFilings(db, BENCH_SEALER, source, {
      batchSize: o.chunk ?? DEFAULT_BATCH,
      workers: workers > 0 ? { count: workers, secrets: BENCH_SECRETS } : undefined,
      onProgress: (p) => { if (!o.quiet) progress(p.services, total, started); },
      trace: o.trace ? (sql, ms) => process.stderr.write(`\n${ms.toFixed(0).padStart(6)} ms ${sql.slice(0, 90)}`) : undefined,
    });
    const seconds = (Date.now() - started) / 1000;
    if (summary.rejected) throw new Error(`the generator made ${summary.rejected} lines the importer refused, e.g. ${JSON.stringify(summary.rejections[0])}`);
    // VACUUM also merges the GIN pending lists that COPY filled: until then every search scans
    // them linearly (measured: a number search took 130 ms before, 1.3 ms after).
    for (const t of ['subjects', 'services', 'app_platforms', 'verify_identities']) await db.exec(`vacuum analyze ${t}`);
    if (!o.quiet) process.stderr.write(`\nloaded ${summary.services} services under ${summary.subjects} subjects in ${seconds.toFixed(1)} s (${Math.round(summary.services / seconds)} services/s; vacuum after: ${((Date.now() - started) / 1000 - seconds).toFixed(1)} s)\n`);
    return { seconds };
  } finally {
    await db.close();
  }
}

function progress(done: number, total: number, started: number): void {
  const width = 30;
  const frac = total ? done / total : 1;
  const secs = (Date.now() - started) / 1000;
  const rate = done / Math.max(secs, 0.001);
  const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
  const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
  process.stderr.write(`\r[${bar}] ${(frac * 100).toFixed(1).padStart(5)}% ${done}/${total} services  ${Math.round(rate)}/s  ETA ${eta}s   `);
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const { values } = benchArgs(import.meta.url, {
    options: {
      services: { type: 'string', default: '100000' },
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
      seed: { type: 'string', default: '1' },
      trace: { type: 'boolean', default: false },
      'batch-size': { type: 'string' },
    },
  });
  const services = Number(values.services);
  if (!Number.isInteger(services) || services < 1) throw new Error('--services must be a positive whole number');
  if (!values['database-url'] && !values['data-dir']) throw new Error('give --database-url postgres://… or --data-dir <folder> (PGlite)');
  await generate({ services, databaseUrl: values['database-url'], dataDir: values['data-dir'], seed: Number(values.seed), trace: values.trace, chunk: values['batch-size'] ? Number(values['batch-size']) : undefined });
}
