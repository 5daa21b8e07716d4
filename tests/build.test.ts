// `npm run build` (scripts/build.ts, ADR 0031): the bundle runs the CLI with plain Node, finds the
// migrations and the holiday data as the sources do, and loads the other commands' chunks on demand.
// Built into a folder of its own under test-artifacts/ (not dist/: the source URL it computes is
// tested from another place; inside the checkout: packages resolve from its node_modules) and run on
// a fresh embedded database (DATABASE_URL removed: this test needs no server).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../scripts/build.ts';

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
});
