// `npm run build` (scripts/build.ts, ADR 0031): the bundle runs the CLI with plain Node, finds the
// migrations and the holiday data as the sources do, and loads the other commands' chunks on demand.
// Built into a folder of its own under test-artifacts/ (not dist/: the source URL it computes is
// tested from another place; inside the checkout: packages resolve from its node_modules) and run on
// a fresh embedded database (DATABASE_URL removed: this test needs no server).
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../scripts/build.ts';
import { DEMO_API_KEY } from '../src/db/seed/demo.ts';
import { freePort } from './server-process.ts';

const run = promisify(execFile);
const tmp = (mkdirSync('test-artifacts', { recursive: true }), mkdtempSync(path.resolve('test-artifacts', 'build-')));
let entry = '';

beforeAll(async () => { entry = await buildServer(path.join(tmp, 'out')); });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const beian = (...args: string[]) => {
  const env: NodeJS.ProcessEnv = { ...process.env, BEIAN_DATA_DIR: path.join(tmp, 'data'), LOG_LEVEL: 'silent' };
  delete env.DATABASE_URL;
  delete env.DATABASE_READ_URL;
  return run(process.execPath, [entry, ...args], { env, cwd: tmp });
};

describe('npm run build', () => {
  it('writes beian.mjs and chunks for the commands that load on demand', () => {
    const files = readdirSync(path.dirname(entry));
    expect(files).toContain('beian.mjs');
    expect(files.filter((f) => f.endsWith('.mjs')).length).toBeGreaterThan(3);
  });

  it('runs commands without tsx: migrate finds db/migrations, workdays reads the holiday data', async () => {
    const migrated = await beian('migrate');
    expect(migrated.stdout).toMatch(/^applied 0001, /);
    expect((await beian('migrate')).stdout).toBe('database is up to date\n');
    // 2025-10-01..08 is the National Day holiday: three working days after 1 October is the 11th (a make-up Saturday).
    expect((await beian('workdays', 'add', '2025-10-01', '3')).stdout.trim()).toBe('2025-10-11');
  });

  it('fails a bad command as the sources do (exit 2, one line)', async () => {
    const err = await beian('nosuch').then(() => null, (e: { code: number; stderr: string }) => e);
    expect(err?.code).toBe(2);
    expect(err?.stderr).toMatch(/unknown command "nosuch"/);
  });

  it('serves a large verification batch on its worker thread (dist/verify-worker.mjs, no tsx)', async () => {
    expect(readdirSync(path.dirname(entry))).toContain('verify-worker.mjs');
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, BEIAN_DATA_DIR: path.join(tmp, 'serve-data'), LOG_LEVEL: 'error', HOST: '127.0.0.1', PORT: String(port), VERIFY_WORKERS: '1' };
    delete env.DATABASE_URL;
    delete env.DATABASE_READ_URL;
    const child = spawn(process.execPath, [entry, 'serve', '--seed-if-empty'], { env, cwd: tmp, stdio: 'ignore' });
    const base = `http://127.0.0.1:${port}`;
    try {
      for (const t0 = Date.now(); !await fetch(`${base}/api/health`).then((r) => r.ok, () => false);) {
        if (Date.now() - t0 > 120_000 || child.exitCode !== null) throw new Error('the bundled server did not start');
        await new Promise((r) => setTimeout(r, 250));
      }
      const items = Array.from({ length: 4_000 }, (_, i) => ({ platform: 'android', packageName: i % 2 ? 'a2dp.Vol' : `com.never.p${i}`, fingerprint: 'ab'.repeat(16), ref: `r${i}` }));
      // The worker's part answered there and used (a worker that cannot load would leave every part to this thread).
      // A batch that meets a registry change of the server's own timed jobs is not split, or has its part rewritten: a few tries.
      let parts = 0;
      for (let attempt = 0; attempt < 5 && parts === 0; attempt++) {
        const res = await fetch(`${base}/api/verify/v1/apps`, { method: 'POST', headers: { authorization: `Bearer ${DEMO_API_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ items }) });
        expect(res.status).toBe(200);
        const results = (await res.json() as { results: { ref: string; status: string }[] }).results;
        expect(results.map((r) => r.ref)).toEqual(items.map((i) => i.ref));
        expect(results.map((r) => r.status)).toEqual(items.map((_, i) => (i % 2 ? 'fingerprint_mismatch' : 'not_filed')));
        const metrics = await (await fetch(`${base}/metrics`)).text();
        parts = Number(/^beian_verify_batch_worker_parts_total (\d+)$/m.exec(metrics)?.[1] ?? 0);
      }
      expect(parts).toBe(1);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => { if (child.exitCode !== null) r(null); else child.once('exit', r); });
    }
  }, 180_000);
});
