// Pieces the server benchmarks share (bench/verify.ts, bench/catalogue.ts): the server process
// under test, its resident memory, and their section of docs/BENCHMARKS.md.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildServer } from '../scripts/build.ts';

/** Resident memory of a process (Linux /proc), bytes. */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/**
 * How the server under test runs: `build` — bundled by scripts/build.ts and run by plain Node, as
 * production runs `node dist/beian.mjs serve` (docs/deploy.md); `tsx` — the sources through tsx's
 * loader, as `npm start` and `npx beian` do (its hooks thread and esbuild worker add ~100 MiB).
 */
export type ServerForm = 'build' | 'tsx';

/**
 * The V8 flags docs/deploy.md recommends for `beian serve` where memory is the constraint (ADR
 * 0031): a smaller young generation and an old generation grown by 30 % past what survives a full
 * collection instead of V8's default factor, so the garbage of a load or a long stream is
 * collected sooner; paid in CPU (more collections).
 */
export const MEMORY_LEAN_FLAGS = ['--max-semi-space-size=8', '--heap-growing-percent=30'];

/** bench/verify-server.ts on `port`; `startMs` is spawn to "ready" (modules loaded, the identity index loaded, listening). */
export async function startBenchServer(
  databaseUrl: string, port: number, sealKey: string, form: ServerForm = 'tsx', nodeFlags: string[] = [],
): Promise<{ pid: number; startMs: number; index: string; stop(): void }> {
  const args = form === 'build'
    ? [...nodeFlags, await buildServer(path.resolve('bench/results/server-build'), { file: 'bench/verify-server.ts', name: 'verify-server' })]
    : [...nodeFlags, '--import', 'tsx', 'bench/verify-server.ts'];
  const t0 = performance.now();
  const child = spawn(process.execPath, [...args, databaseUrl, String(port), sealKey], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('\n')) resolve(out.split('\n')[0]!); });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { pid: child.pid!, startMs: performance.now() - t0, index: line.replace(/^ready \d+ ?/, ''), stop: () => child.kill('SIGTERM') };
}

/** A benchmark's report: printed, and with `write` its section of docs/BENCHMARKS.md replaced. */
export function publishReport(heading: string, lines: string[], write: boolean | undefined): void {
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(`\n${text}`);
  if (write) writeBenchmarkSection(heading, text);
}

/** Replaces the section that starts with `heading` in docs/BENCHMARKS.md (or appends it). */
export function writeBenchmarkSection(heading: string, text: string, file = 'docs/BENCHMARKS.md'): void {
  const doc = readFileSync(file, 'utf8');
  const start = doc.indexOf(heading);
  let next = start >= 0 ? doc.indexOf('\n## ', start + 3) : -1;
  if (next >= 0) next += 1;
  const updated = start < 0 ? `${doc.trimEnd()}\n\n${text}` : `${doc.slice(0, start)}${text}${next >= 0 ? `\n${doc.slice(next)}` : ''}`;
  writeFileSync(file, updated);
}
