// `npm run build`: the production form of the `beian` command (docs/deploy.md; ADR 0031). esbuild
// (already installed: tsx runs on it) bundles src/ into dist/beian.mjs plus chunks for what loads on
// demand; packages in node_modules stay outside the bundle and load as usual. `node dist/beian.mjs
// serve` then runs without tsx's loader, whose module-hooks thread and esbuild worker each hold a V8
// isolate of their own: ~100 MiB of a server's resident memory (measured in docs/BENCHMARKS.md).
// Nothing built is committed (dist/ is ignored); `npm start` and `npx beian` keep running the
// sources through tsx (ADR 0001), so a fresh clone needs no build.
//   npx tsx scripts/build.ts [--outdir dist]
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Sources find their files relative to their own URL (src/db/migrate.ts: ../../db/migrations,
 * src/api/web.ts: ../web/dist/), all from a folder two levels down (src/<part>/). Bundled, they
 * are given the URL of such a file, computed at run time from the bundle's own place, so the
 * build works wherever the checkout lives.
 */
const SOURCE_URL = '__beianSourceUrl';
/** The bundle file's own URL, declared by every output file's banner (src/api/verify-workers.ts reads it). */
const BUNDLE_URL = '__beianBundleUrl';

/**
 * Bundles a TypeScript entry (by default the `beian` command, as bin/beian.js runs it) into
 * `outdir/<name>.mjs`; returns that file's path. The benchmarks build their server with it.
 */
export async function buildServer(outdir = path.join(root, 'dist'), entry?: { file: string; name: string }): Promise<string> {
  rmSync(outdir, { recursive: true, force: true });
  const rel = path.relative(outdir, path.join(root, 'src/cli/main.ts')).split(path.sep).join('/');
  const name = entry?.name ?? 'beian';
  const common = {
    absWorkingDir: root,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm' as const,
    platform: 'node' as const,
    target: 'node20',
    // chinese-days' JSON is imported `with { type: 'json' }`, which Node 20.10+ understands.
    supported: { 'import-attributes': true },
    packages: 'external' as const,
    define: { 'import.meta.url': SOURCE_URL },
    // Every output file (the entry and its chunks, side by side) computes it from its own URL, and
    // knows its own (BUNDLE_URL: where src/api/verify-workers.ts finds verify-worker.mjs).
    banner: { js: `const ${SOURCE_URL} = new URL(${JSON.stringify(rel)}, import.meta.url).href; const ${BUNDLE_URL} = import.meta.url;` },
    sourcemap: 'linked' as const,
    legalComments: 'none' as const,
    logLevel: 'warning' as const,
  };
  await build({
    ...common,
    absWorkingDir: root,
    ...(entry ? { entryPoints: [path.resolve(root, entry.file)] } : {
      stdin: {
        contents: `import { main } from './src/cli/main.ts';\nprocess.exitCode = await main(process.argv.slice(2));\n`,
        resolveDir: root,
        sourcefile: 'beian.ts',
        loader: 'ts' as const,
      },
    }),
    entryNames: name,
    chunkNames: '[name]-[hash]',
    splitting: true,
  });
  // The verification batch's worker threads (src/api/verify-workers.ts): a module of their own, with
  // only what they run (the identity index's reads and the answers' JSON), beside the entry.
  await build({ ...common, entryPoints: [path.join(root, 'src/api/verify/batch-worker.ts')], entryNames: 'verify-worker' });
  return path.join(outdir, `${name}.mjs`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
  const entry = await buildServer(values.outdir ? path.resolve(values.outdir) : undefined);
  process.stdout.write(`built ${path.relative(process.cwd(), entry)}: run \`node ${path.relative(process.cwd(), entry)} serve\` (docs/deploy.md)\n`);
}
