// Memory of the in-memory identity index (ADR 0022) at 1, 2 and 4 million identities: each size
// in its own child process (a clean heap), synthetic identities shaped like bench/generate.ts's
// (1.7 platforms a service, Chinese unit names, md5 + sha256, ICP numbers), no database. Reports the
// index's own bytes (typed arrays + arena) and the child's RSS growth after a full GC.
//   npx tsx bench/identity-index-memory.ts            (1, 2, 4 million)
//   npx tsx bench/identity-index-memory.ts --write    and refresh "## Identity index memory" in docs/BENCHMARKS.md
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { IdentityIndex } from '../src/db/identity-index.ts';

interface Result { identities: number; services: number; indexBytes: number; rssGrowth: number; seconds: number }

function child(n: number): Result {
  const gc = (globalThis as { gc?: () => void }).gc!;
  let x = 1;
  const rnd = () => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x / 2 ** 32; };
  const hex = (len: number) => { let s = ''; while (s.length < len) s += Math.floor(rnd() * 2 ** 32).toString(16).padStart(8, '0'); return s.slice(0, len); };
  const pick = (xs: string) => xs[Math.floor(rnd() * xs.length)]!;
  const BRAND = '星辰云朵阳光蓝海天行智慧快乐优品易达通汇聚金银鑫盛华美新锐创意飞鸿腾跃安康乐享悦动青禾山水明月清风远航';
  const CITIES = ['北京市', '上海市', '广州市', '深圳市', '杭州市', '南京市', '成都市', '武汉市'];
  const IND = ['网络科技', '信息技术', '文化传媒', '电子商务', '软件', '教育科技'];
  const PLATFORMS = ['android', 'ios', 'harmonyos'];
  gc();
  const before = process.memoryUsage().rss;
  const t0 = performance.now();
  const ix = new IdentityIndex();
  ix.reserve(n);
  let made = 0;
  let service = 0;
  while (made < n) {
    service += 1;
    const main = `${pick('京沪粤浙苏川鄂陕')}ICP备${2015 + (service % 11)}${String(service % 1_000_000).padStart(6, '0')}号`;
    const brand = pick(BRAND) + pick(BRAND);
    const facts = {
      serviceId: `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`, active: rnd() < 0.92, serviceStatus: 'filed' as const,
      certMd5: hex(32), certSha1: null, certSha256: hex(64), serviceNumber: `${main}-${1 + (service % 3)}A`, mainNumber: main,
      serviceName: `${brand}记账`, hostName: `${pick(CITIES.join(''))}${brand}${IND[service % IND.length]}有限公司`, hostType: 'unit' as const,
      filedAt: 1.5e12 + service * 1000, statusChangedAt: 1.5e12 + service * 1000, shellSince: null,
    };
    const pkg = `com.${brand.length}${service.toString(36)}.app${service % 7}`;
    const platforms = 1 + (rnd() < 0.5 ? 1 : 0) + (rnd() < 0.2 ? 1 : 0);
    for (let p = 0; p < platforms && made < n; p++, made++) ix.put(PLATFORMS[p]!, pkg, facts);
  }
  const seconds = (performance.now() - t0) / 1000;
  gc();
  const after = process.memoryUsage().rss;
  if (ix.size !== n) throw new Error(`held ${ix.size}, expected ${n}`);
  return { identities: n, services: ix.stats().services, indexBytes: ix.stats().bytes, rssGrowth: after - before, seconds };
}

const arg = process.argv.indexOf('--child');
if (arg >= 0) {
  process.stdout.write(JSON.stringify(child(Number(process.argv[arg + 1]))));
} else {
  const results: Result[] = [];
  for (const n of [1_000_000, 2_000_000, 4_000_000]) {
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/identity-index-memory.ts', '--child', String(n)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    results.push(JSON.parse(out) as Result);
  }
  const mib = (b: number) => (b / 1048576).toFixed(0);
  const per = (r: Result, b: number) => (b / r.identities).toFixed(0);
  const slope = (results[2]!.rssGrowth - results[0]!.rssGrowth) / 3;
  const lines = [
    '## Identity index memory',
    '',
    `Command: \`npx tsx bench/identity-index-memory.ts\` (add \`--write\` to refresh this section). Each size in its own child process:`,
    'synthetic identities shaped like bench/generate.ts\'s (1.7 platforms a service, Chinese unit names, md5 + sha256 fingerprints, ICP',
    'numbers), put into an IdentityIndex whose rows and tables are sized up front (as the server\'s load does; the arena grows by 16 MiB',
    'chunks); no database. "Index" is its typed arrays and arena chunks;',
    `"RSS growth" the child's resident memory after a full GC minus before. Machine: nproc ${os.cpus().length}, Node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} at the end; ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| identities | services | index | index / identity | RSS growth | RSS growth / identity | build |',
    '|---|---|---|---|---|---|---|',
    ...results.map((r) => `| ${r.identities.toLocaleString('en')} | ${r.services.toLocaleString('en')} | ${mib(r.indexBytes)} MiB | ${per(r, r.indexBytes)} B | ${mib(r.rssGrowth)} MiB | ${per(r, r.rssGrowth)} B | ${r.seconds.toFixed(1)} s |`),
    '',
    `Projection: ${mib(slope)} MiB of RSS per further million identities (slope between 1 and 4 million); the server's own`,
    'footprint (modules and heap: ~110–150 MiB built and run by plain Node, ~80–110 MiB more through tsx\'s loader; ADR 0031) comes',
    'on top: see "Verification API" (d).',
  ];
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(text);
  if (process.argv.includes('--write')) {
    const file = 'docs/BENCHMARKS.md';
    const doc = readFileSync(file, 'utf8');
    const start = doc.indexOf('## Identity index memory');
    let next = start >= 0 ? doc.indexOf('\n## ', start + 3) : -1;
    if (next >= 0) next += 1;
    writeFileSync(file, start < 0 ? `${doc.trimEnd()}\n\n${text}` : `${doc.slice(0, start)}${text}${next >= 0 ? `\n${doc.slice(next)}` : ''}`);
  }
}
