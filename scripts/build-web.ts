// Builds the web app (src/web → src/web/dist) with Vite when the build is missing or stale:
// `npm start` runs it first (prestart), and the browser journeys' global setup calls it. A
// build is stale when the hash of its inputs (the web sources, the pure domain code they
// import, the Vite config and the lockfile) differs from the one recorded beside it.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_DIST = path.join(root, 'src/web/dist');
const STAMP = path.join(WEB_DIST, '.inputs-hash');
const INPUTS = ['src/web', 'src/domain', 'vite.config.ts', 'package-lock.json'];

function files(p: string): string[] {
  const abs = path.join(root, p);
  if (!existsSync(abs)) return [];
  if (!statSync(abs).isDirectory()) return [p];
  return readdirSync(abs).sort().flatMap((name) => {
    if (name === 'dist' || name === 'node_modules' || name.endsWith('.test.ts') || name.endsWith('.test.tsx')) return [];
    return files(path.join(p, name));
  });
}

export function inputsHash(): string {
  const h = createHash('sha256');
  for (const f of INPUTS.flatMap(files)) h.update(f).update('\0').update(readFileSync(path.join(root, f))).update('\0');
  return h.digest('hex');
}

export function webBuildIsCurrent(): boolean {
  return existsSync(path.join(WEB_DIST, 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === inputsHash();
}

/** `vite build` of the web app into outDir (default src/web/dist), always the production build. */
export async function buildWeb(options: { outDir?: string; quiet?: boolean } = {}): Promise<void> {
  const { build } = await import('vite');
  // Under the test runner NODE_ENV is 'test', and Vite's React plugin then emitted development JSX (jsxDEV, with this
  // checkout's absolute paths) that a later `npm start` served, its inputs unchanged.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: path.join(root, 'vite.config.ts'), mode: 'production', logLevel: options.quiet ? 'warn' : 'info',
      ...(options.outDir ? { build: { outDir: options.outDir, emptyOutDir: true } } : {}),
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV; else process.env.NODE_ENV = nodeEnv;
  }
}

/** Runs `vite build` unless the recorded inputs hash matches; returns whether it built. */
export async function buildWebIfStale(options: { force?: boolean; quiet?: boolean } = {}): Promise<boolean> {
  if (!options.force && webBuildIsCurrent()) return false;
  const hash = inputsHash();
  await buildWeb({ quiet: options.quiet });
  writeFileSync(STAMP, hash);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const force = process.argv.includes('--force');
  const built = await buildWebIfStale({ force });
  if (!built) process.stdout.write('web app: build is current (src/web/dist)\n');
}
