// `beian calendar import|check` and provisional `beian workdays` through main() (issue 12
// part 1), on the embedded database or, with DATABASE_URL set, on a fresh PostgreSQL database.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SETUP_TIMEOUT } from '../../tests/auth.ts';
import { backend, emptyDatabase, testSecrets } from '../../tests/db.ts';
import { main } from './main.ts';

const root = mkdtempSync(path.join(tmpdir(), 'beian-calendar-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const serverDb = backend() === 'postgresql' ? await emptyDatabase() : null;
afterAll(async () => { await serverDb?.close(); });
const icsDir = path.join(path.dirname(createRequire(import.meta.url).resolve('chinese-days')), 'years');

beforeAll(() => {
  vi.stubEnv('DATABASE_URL', serverDb?.url ?? '');
  vi.stubEnv('BEIAN_DATA_DIR', path.join(root, 'data'));
  vi.stubEnv('BEIAN_DATA_KEYS', serverDb ? `t1:${testSecrets.dataKeys[0]!.key.toString('base64')}` : '');
  vi.stubEnv('BEIAN_HASH_KEY', serverDb ? testSecrets.hashKey.toString('base64') : '');
  vi.stubEnv('LOG_LEVEL', 'silent');
});
afterAll(() => { vi.unstubAllEnvs(); });

async function run(...argv: string[]) {
  let out = ''; let err = '';
  const stream = (f: (s: string) => void) => ({ write: (c: string | Uint8Array) => { f(c.toString()); return true; } }) as unknown as NodeJS.WritableStream;
  const code = await main(argv, { stdout: stream((s) => { out += s; }), stderr: stream((s) => { err += s; }) });
  return { code, stdout: out, stderr: err };
}

const file = (name: string, data: unknown) => {
  const p = path.join(root, name);
  writeFileSync(p, typeof data === 'string' ? data : JSON.stringify(data));
  return p;
};

const schedule2027 = file('2027.json', {
  year: 2027,
  holidays: ['2027-01-01', '2027-01-02', '2027-01-03', '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11'],
  workdays: ['2027-01-31', '2027-02-20'],
});

describe('beian calendar', () => {
  it('import --dry-run shows what would change and writes nothing', async () => {
    const r = await run('calendar', 'import', schedule2027, '--dry-run');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^would import \(dry run, nothing written\) 2027 from 2027\.json: 10 days off, 2 make-up working days\n/);
    expect(r.stdout).toContain('2027-01-31 off → working');
    const still = await run('workdays', 'add', '2027-01-20', '20');
    expect(still.stdout).toBe('2027-02-19\n');
    expect(still.stderr).toMatch(/^note: provisional — no official working-day schedule for 2027 yet/);
  }, SETUP_TIMEOUT);

  it('import makes the year official: workdays then counts the make-up days, without a note', async () => {
    const r = await run('calendar', 'import', schedule2027);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^imported 2027 from 2027\.json: 10 days off, 2 make-up working days; 2027 is now official\n/);
    expect(r.stdout).toMatch(/\ndeadlines moved: 0\n$/);
    expect(await run('workdays', 'add', '2027-01-20', '20')).toEqual({ code: 0, stdout: '2027-02-22\n', stderr: '' });
    const r2028 = await run('workdays', 'add', '2027-12-20', '20');
    expect(r2028.stderr).toMatch(/for 2028 yet/);
  }, SETUP_TIMEOUT);

  it('check: a year chinese-days does not cover yet, one it agrees with (its own ICS), one it differs from', async () => {
    expect(await run('calendar', 'check')).toEqual({ code: 0, stderr: '', stdout: 'chinese-days covers 2004–2026; imported years: 2027\n2027: not in chinese-days yet (imported from 2027.json)\n' });
    expect((await run('calendar', 'import', path.join(icsDir, '2026.ics'))).stdout).toMatch(/^imported 2026 from 2026\.ics: 33 days off, 6 make-up working days/);
    expect(await run('calendar', 'check')).toMatchObject({ code: 0, stdout: expect.stringContaining('\n2026: agrees with chinese-days\n') });
    // An import that disagrees with the package (Thursday 8 October 2026 declared off):
    const wrong = file('2026.json', { year: 2026, holidays: ['2026-10-01', '2026-10-08'] });
    expect((await run('calendar', 'import', wrong)).code).toBe(0);
    const r = await run('calendar', 'check');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\n2026: DIFFERS from chinese-days on \d+ days: .*2026-10-08 imported off, chinese-days working/);
    // The calendar in use is the imported schedule alone, as the check counts it: the package's National Day days the
    // file leaves out (Friday 2, Monday 5 … Wednesday 7 October) are working days, 8 October is off.
    expect(r.stdout).toMatch(/2026-10-02 imported working, chinese-days off/);
    expect(await run('workdays', 'between', '2026-10-01', '2026-10-09')).toMatchObject({ code: 0, stdout: '5\n' });
    // Importing the package's own schedule again brings its days back.
    expect((await run('calendar', 'import', path.join(icsDir, '2026.ics'))).code).toBe(0);
    expect(await run('workdays', 'between', '2026-10-01', '2026-10-09')).toMatchObject({ code: 0, stdout: '2\n' });
  }, SETUP_TIMEOUT);

  it('workdays add takes a negative count as it is, with or without --province, and names a count out of range', async () => {
    expect(await run('workdays', 'add', '2026-10-09', '-3')).toEqual({ code: 0, stdout: '2026-09-29\n', stderr: '' }); // back over National Day
    expect(await run('workdays', 'add', '2026-10-09', '--province', '440000', '-3')).toMatchObject({ code: 0, stdout: '2026-09-29\n' });
    expect(await run('workdays', 'add', '2026-10-09', '--', '-3')).toMatchObject({ code: 0, stdout: '2026-09-29\n' });
    expect(await run('workdays', 'add', '2026-01-01', '99999999')).toMatchObject({ code: 2, stderr: 'beian workdays: 99999999: n is at most 9999 working days either way\n' });
  });

  it.each([
    [['calendar', 'import', path.join(root, 'missing.json')], /missing\.json: no such file/],
    [['calendar', 'import', path.join(icsDir, '..', 'holidays.ics')], /the file holds 2024, 2025, 2026: name the year/],
    [['calendar', 'import', schedule2027, '--year', 'next'], /--year next: expected a year/],
    [['calendar', 'import', file('bad.txt', 'hello')], /not a calendar file/],
    [['calendar', 'frobnicate'], /usage: beian calendar import/],
  ])('%j exits 2 with one line on stderr', async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^beian calendar: [^\n]+\n$/);
    expect(r.stderr).toMatch(message);
  });
});
