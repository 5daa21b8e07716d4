// Package analyzer benchmark (issue 4 §9): time per package for a ~1 MB and a ~200 MB signed APK,
// side by side with `apksigner verify --print-certs` on the same files in the same run, and the
// analyzer's peak memory measured in a child process. The analyzer reads the central directory,
// the manifest, the resource table and the signing material only, so its time must not grow with
// the package size; apksigner verifies every byte, so its time does.
//
//   npx tsx bench/analyzer.ts            print the results as Markdown
//   npx tsx bench/analyzer.ts --write    also replace the "## Package analyzer" section of docs/BENCHMARKS.md
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { analyzePackage } from '../src/analyzer/index.ts';
import { buildApk, generateKey, ksArgs } from '../src/analyzer/test-support/reference.ts';
import { FRAMEWORK_RES, requireTools, run } from '../src/analyzer/test-support/tools.ts';
import { writeZipFile, type StreamedEntry } from '../src/analyzer/test-support/zip-writer.ts';
import { ZipPackage } from '../src/analyzer/zip.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MiB = 1024 * 1024;
const ANALYZER_RUNS = 21;
const APKSIGNER_RUNS = 3;
const SIZES = [{ label: '~1 MB', bytes: 1 * MiB }, { label: '~200 MB', bytes: 200 * MiB }];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** `count` stored entries of pseudo-random (incompressible) bytes, `total` bytes in all. */
function blobs(total: number, count: number): StreamedEntry[] {
  const seed = randomBytes(MiB);
  const size = Math.floor(total / count);
  return Array.from({ length: count }, (_, i) => ({
    name: `assets/blob-${String(i).padStart(3, '0')}.bin`,
    size,
    *chunks() {
      for (let done = 0, k = 0; done < size; k++) {
        const chunk = Buffer.from(seed.subarray(0, Math.min(MiB, size - done)));
        chunk.writeUInt32LE((i << 16) + k, 0);
        done += chunk.length;
        yield chunk;
      }
    },
  }));
}

async function buildSignedApk(dir: string, label: string, bytes: number, base: string, key: Awaited<ReturnType<typeof generateKey>>): Promise<string> {
  const zip = await ZipPackage.open(base);
  const small = [
    { name: 'AndroidManifest.xml', data: await zip.read('AndroidManifest.xml', MiB) },
    { name: 'resources.arsc', data: await zip.read('resources.arsc', MiB) },
  ];
  await zip.close();
  const apk = path.join(dir, `bench-${label.replace(/\W/g, '')}.apk`);
  await writeZipFile(apk, small, blobs(bytes, Math.max(1, Math.round(bytes / (10 * MiB)))));
  // v1 + v2 + v3, as a release build for minSdk 21 is signed.
  await run('apksigner', ['sign', '--v1-signing-enabled', 'true', '--v2-signing-enabled', 'true', '--v3-signing-enabled', 'true', ...ksArgs(key), apk]);
  return apk;
}

async function timeAnalyzer(apk: string): Promise<number> {
  await analyzePackage(apk); // warm-up: module loading and JIT are not per-package costs
  const times: number[] = [];
  for (let i = 0; i < ANALYZER_RUNS; i++) {
    const t = performance.now();
    await analyzePackage(apk);
    times.push(performance.now() - t);
  }
  return median(times);
}

async function timeApksigner(apk: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < APKSIGNER_RUNS; i++) {
    const t = performance.now();
    const { stdout } = await run('apksigner', ['verify', '--print-certs', apk]);
    if (!stdout.includes('certificate SHA-256 digest')) throw new Error(`apksigner printed no certificate:\n${stdout}`);
    times.push(performance.now() - t);
  }
  return median(times);
}

/** Peak RSS of a fresh Node process that loads the analyzer and analyzes the package 5 times. */
async function peakMemory(apk: string): Promise<{ baseline: number; peak: number }> {
  const child = path.join(repoRoot, 'bench/analyzer-child.ts');
  const { stdout } = await promisify(execFile)('node', ['--import', 'tsx', child, apk], { cwd: repoRoot });
  return JSON.parse(stdout) as { baseline: number; peak: number };
}

function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  // The machine is shared with other work: the load average tells how quiet the run was.
  return `nproc ${availableParallelism()}, ${cpu}, Node ${process.version}, ${process.platform}/${process.arch}, `
    + `load average ${loadavg()[0]?.toFixed(1)} at the end of the run`;
}

async function main(): Promise<void> {
  requireTools(['keytool', 'apksigner', 'aapt', FRAMEWORK_RES]);
  const dir = mkdtempSync(path.join(tmpdir(), 'beian-bench-'));
  try {
    const key = await generateKey(dir, 'bench', { alias: 'bench', dname: 'CN=Beian Bench, C=CN', keyalg: ['-keyalg', 'RSA', '-keysize', '2048'] });
    const base = await buildApk(dir, 'base', { packageName: 'org.beian.bench', versionCode: 1, versionName: '1.0', label: 'Bench', labelZh: '基准' });
    const rows: string[] = [];
    for (const size of SIZES) {
      const apk = await buildSignedApk(dir, size.label, size.bytes, base, key);
      const analyzer = await timeAnalyzer(apk);
      const apksigner = await timeApksigner(apk);
      const mem = await peakMemory(apk);
      const mb = (statSync(apk).size / 1e6).toFixed(1);
      rows.push(`| ${size.label} (${mb} MB, v1+v2+v3) | ${analyzer.toFixed(1)} ms | ${(apksigner / 1000).toFixed(2)} s | `
        + `${(mem.peak / MiB).toFixed(0)} MiB (+${((mem.peak - mem.baseline) / MiB).toFixed(0)} MiB over the loaded process) |`);
      process.stderr.write(`${rows[rows.length - 1]}\n`);
    }
    const section = report(rows);
    process.stdout.write(section);
    if (process.argv.includes('--write')) writeSection(section);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(rows: string[]): string {
  return `## Package analyzer

Command: \`npx tsx bench/analyzer.ts\` (add \`--write\` to refresh this section). Machine: ${machine()};
${new Date().toISOString().slice(0, 10)}. Packages are generated per run: an aapt-built manifest and resource table plus
stored pseudo-random assets, signed v1+v2+v3 by Debian's apksigner with a fresh RSA-2048 key.
Analyzer: median of ${ANALYZER_RUNS} runs of \`analyzePackage\` after one warm-up, in process. apksigner: median of
${APKSIGNER_RUNS} runs of \`apksigner verify --print-certs\` (JVM start included; it verifies every byte).
Peak memory: \`process.resourceUsage().maxRSS\` of a fresh \`node --import tsx\` child that analyzes the package 5 times
(\`bench/analyzer-child.ts\`); the increase is over the child's RSS after loading the analyzer, before the first package.

| package | analyzer (median) | apksigner verify (median) | analyzer peak RSS |
|---|---|---|---|
${rows.join('\n')}

The analyzer reads the ZIP central directory, AndroidManifest.xml, resources.arsc, the v1 signature block file and
the APK Signing Block (found from the central-directory offset), so its time and memory stay flat as the package grows.
It extracts signing facts and does not verify digests or signatures; that is apksigner's job, whose time grows with size.
`;
}

function writeSection(section: string): void {
  const file = path.join(repoRoot, 'docs/BENCHMARKS.md');
  const doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = doc.indexOf('## Package analyzer');
  if (start < 0) {
    writeFileSync(file, `${doc.trimEnd()}\n\n${section}`);
    return;
  }
  const next = doc.indexOf('\n## ', start + 1);
  writeFileSync(file, `${doc.slice(0, start)}${section}${next < 0 ? '' : `\n${doc.slice(next + 1)}`}`);
}

await main();
