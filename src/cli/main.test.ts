// The `beian` command through main() with captured output, and through the real binary in a
// child process (what `npx beian` runs after npm install). Errors: one line on stderr, exit 2.
// main() reads the configuration once per process, so this file points it at one temporary
// embedded data folder; the PostgreSQL path is exercised through the binary.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stubEmbeddedEnv } from '../../tests/cli-env.ts';
import { backend, emptyDatabase, testSecrets } from '../../tests/db.ts';
import { SETUP_TIMEOUT } from '../../tests/auth.ts';
import { config } from '../config.ts';
import { lockDataDir } from '../db/data-dir.ts';
import { deferIndexesForFirstLoad } from '../db/deferred-indexes.ts';
import { latestMigration, listMigrations } from '../db/migrate.ts';
import { openStorage } from '../db/open.ts';
import { main } from './main.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const root = mkdtempSync(path.join(tmpdir(), 'beian-cli-'));
const dataDir = path.join(root, 'data');
afterAll(() => rmSync(root, { recursive: true, force: true }));
// Created before the environment is stubbed below (tests/db.ts reads DATABASE_URL).
const serverDb = backend() === 'postgresql' ? await emptyDatabase() : null;
afterAll(async () => { await serverDb?.close(); });

function capture(): { stream: NodeJS.WritableStream; text: () => string } {
  let buf = '';
  const stream = { write: (chunk: string | Uint8Array) => { buf += chunk.toString(); return true; } } as unknown as NodeJS.WritableStream;
  return { stream, text: () => buf };
}

async function run(...argv: string[]) {
  const stdout = capture();
  const stderr = capture();
  const code = await main(argv, { stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** Exit 2, nothing on stdout, exactly one line on stderr naming the command, no stack trace. */
function expectOneLineError(r: { code: number; stdout: string; stderr: string }, message: RegExp) {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^beian [a-z]+: [^\n]+\n$/);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+/); // a stack frame
}

beforeAll(() => {
    stubEmbeddedEnv(dataDir);
  expect(config().database).toEqual({ kind: 'pglite', dataDir });
});
afterAll(() => { vi.unstubAllEnvs(); });

// Defect: `migrate --help` ran the migrations (creating an embedded database); other commands
// printed parseArgs internals or "Unknown option '--help'" and exited 2.
describe('--help on every command', () => {
  it('prints the command\'s usage and exits 0, touching nothing', async () => {
    for (const argv of [['serve', '--help'], ['migrate', '--help'], ['migrate', '-h'], ['seed', '--help'], ['admin', '--help'], ['admin', 'create', '--help'],
      ['workdays', '--help'], ['calendar', 'import', '-h'], ['analyze', '--help'], ['audit', '--help'], ['backup', '--help'], ['restore', '--help'],
      ['keys', 'rotate', '--help'], ['import', '--help']]) {
      const r = await run(...argv);
      expect(r, argv.join(' ')).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout, argv.join(' ')).toMatch(new RegExp(`^Usage: beian\\n  ${argv[0]}\\b`));
    }
    expect(readdirSync(root)).not.toContain('data'); // no embedded database was made
  });

  it('migrate refuses arguments it does not know', async () => {
    expectOneLineError(await run('migrate', '--dry-run'), /^beian migrate: Unknown option '--dry-run'/);
    expect(readdirSync(root)).not.toContain('data');
  });
});

describe('beian workdays', () => {
  it('add prints the date alone: 20 working days after 2025-09-25 is 2025-10-29 (National Day week skipped)', async () => {
    expect(await run('workdays', 'add', '2025-09-25', '20')).toEqual({ code: 0, stdout: '2025-10-29\n', stderr: '' });
  });

  it('a province given by its 2-digit prefix is answered with the 6-digit code to use', async () => {
    expectOneLineError(await run('workdays', 'add', '2025-09-25', '20', '--province', '44'), /unknown province 44 \(a province is named by its 6-digit code, such as 440000\)/);
  });

  it('between prints the number alone', async () => {
    expect(await run('workdays', 'between', '2025-09-25', '2025-10-29')).toEqual({ code: 0, stdout: '20\n', stderr: '' });
    expect(await run('workdays', 'between', '2025-09-30', '2025-10-08')).toEqual({ code: 0, stdout: '0\n', stderr: '' });
  });

  it('counts 2027 and 2028 provisionally: the date or number alone on stdout, the reason on stderr', async () => {
    const note = (years: string) => new RegExp(`^note: provisional — no official working-day schedule for ${years} yet: .*statutory holidays.*without make-up working days.*\\n$`);
    const add = await run('workdays', 'add', '2027-01-20', '20'); // 除夕 5 Feb and 初三 8 Feb off
    expect(add).toMatchObject({ code: 0, stdout: '2027-02-19\n' });
    expect(add.stderr).toMatch(note('2027'));
    const add28 = await run('workdays', 'add', '2028-01-20', '5'); // 除夕 25 Jan … 初三 28 Jan off
    expect(add28).toMatchObject({ code: 0, stdout: '2028-02-02\n' });
    expect(add28.stderr).toMatch(note('2028'));
    const between = await run('workdays', 'between', '2026-12-31', '2028-01-03');
    expect(between.stdout).toBe('255\n'); // 261 weekdays in 2027 less 7 statutory weekdays, plus Monday 3 January 2028
    expect(between.stderr).toMatch(note('2027, 2028'));
  });

  it('knows the 2026 schedule (Spring Festival)', async () => {
    expect(await run('workdays', 'add', '2026-02-13', '1')).toEqual({ code: 0, stdout: '2026-02-14\n', stderr: '' }); // make-up Saturday
    expect(await run('workdays', 'add', '2026-02-14', '1')).toEqual({ code: 0, stdout: '2026-02-24\n', stderr: '' });
  });

  it('did not create a database to answer', () => {
    expect(() => readdirSync(dataDir)).toThrow(/ENOENT/);
  });

  it.each([
    [['workdays', 'add', '2025-02-30', '5'], /2025-02-30: .*not a real calendar date/],
    [['workdays', 'add', '25-09-25', '5'], /25-09-25: expected a date written YYYY-MM-DD/],
    [['workdays', 'between', '2025-09-25', 'tomorrow'], /tomorrow: expected a date/],
    [['workdays', 'add', '2025-09-25', 'twenty'], /twenty: n must be a whole number/],
    [['workdays', 'add', '2025-09-25', '2.5'], /n must be a whole number/],
    [['workdays', 'add', '2003-12-31', '1'], /no published working-day schedule for 2003-12-31.*2004–2099/],
    [['workdays', 'add', '2099-12-20', '20'], /no published working-day schedule for 2100/],
    // A usage error says what is wrong, then the usage (it printed only the usage).
    [['workdays', 'add', '2025-09-25'], /: workdays add requires <n>; usage: beian workdays add/],
    [['workdays', 'add', '2025-09-25', '20', '30'], /: unexpected argument "30"; usage: beian workdays add/],
    [['workdays', 'subtract', '2025-09-25', '20'], /: unknown subcommand "subtract" \(add or between\); usage: beian workdays add/],
    [['workdays'], /: a subcommand is required: add or between; usage: beian workdays add/],
    [['workdays', 'add', '2025-09-25', '20', '--frobnicate'], /--frobnicate/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['seed'], /only `seed --demo` exists/],
    [['admin'], /: a subcommand is required: create or reset-password; usage: beian admin create --login <login> --email <email>/],
    [['admin', 'create', '--login', 'someone'], /: admin create requires --email; usage: beian admin create/],
    [['admin', 'create', '--email', 'a@b.cn'], /: admin create requires --login; usage: beian admin create/],
    [['admin', 'create', '--login', '', '--email', 'a@b.cn'], /: admin create requires --login \(given empty\); usage/],
    [['admin', 'create'], /: admin create requires --login and --email; usage/],
    [['admin', 'create', 'extra', '--login', 'x', '--email', 'a@b.cn'], /: unexpected argument "extra"; usage/],
    [['admin', 'delete', '--login', 'someone', '--email', 'a@b.cn'], /: unknown subcommand "delete" \(create or reset-password\); usage: beian admin create/],
    [['admin', 'reset-password'], /: admin reset-password requires --login; usage: .*\| beian admin reset-password --login <login>/],
    [['admin', 'reset-password', '--login', 'someone', '--email', 'a@b.cn'], /: admin reset-password takes no --email; usage: beian admin create/],
    [['keys'], /: a subcommand is required: status, rotate or drop; usage: beian keys status/],
    [['keys', 'drop'], /: keys drop requires <key id>; usage: beian keys status/],
    [['keys', 'status', 'now'], /: unexpected argument "now"; usage/],
    [['calendar', 'import'], /: calendar import requires <file>; usage: beian calendar import/],
    [['calendar'], /: a subcommand is required: import or check; usage/],
    [['import'], /: import requires <file>; usage: beian import/],
    [['import', 'a.ndjson', 'b.ndjson'], /: unexpected argument "b.ndjson"; usage: beian import/],
  ])('%j exits 2 with one line on stderr', async (argv, message) => {
    expectOneLineError(await run(...argv), message);
  });

  it('no command prints the usage and exits 2 with one line on stderr', async () => {
    const r = await run();
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^Usage: beian <command>/);
    expect(r.stderr).toBe('beian: no command given (try: beian --help)\n');
  });

  it('--help prints the usage and exits 0', async () => {
    const r = await run('--help');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    for (const c of ['serve', 'migrate', 'seed --demo', 'admin create --login', 'admin reset-password --login', 'workdays add', 'workdays between', 'calendar import', 'calendar check', 'analyze']) expect(r.stdout).toContain(c);
  });
});

describe('beian admin create: bad input is refused in one line before any database work', () => {
  it.each([
    [['--login', 'x', '--email', 'not-an-email'], '', /^beian admin: --login: 3–64 characters[^;]*; --email: [^;]*$/], // no --name problem: it was not given
    [['--login', 'root', '--email', 'root@miit.example.cn', '--name', ' '], '', /--name: enter a name/],
    [['--login', 'root', '--email', 'root@miit.example.cn', '--password-stdin'], 'short\n', /--password: at least 10 characters/],
    [['--login', 'root', '--email', 'root@miit.example.cn', '--password-stdin'], 'Root-password-2026\n'.replace('Root', 'xroot'), /--password: do not use your mobile number, email or login/],
    [['--login', 'root', '--email', 'root@miit.example.cn', '--password-stdin'], '', /--password-stdin: standard input has no password/],
  ])('%j with stdin %j', async (args, stdin, message) => {
    const stdout = capture();
    const stderr = capture();
    const code = await main(['admin', 'create', ...args], { stdout: stdout.stream, stderr: stderr.stream, stdin: Readable.from([stdin]) });
    expectOneLineError({ code, stdout: stdout.text(), stderr: stderr.text() }, message);
    expect(() => readdirSync(dataDir)).toThrow(/ENOENT/); // no database was opened
  });
});

describe('beian migrate and seed --demo (embedded)', () => {
  it('migrate creates the data folder and applies every migration, then is up to date', async () => {
    const versions = (await listMigrations()).map((m) => m.version);
    expect(await run('migrate')).toEqual({ code: 0, stdout: `applied ${versions.join(', ')}\n`, stderr: '' });
    expect(readdirSync(dataDir).sort()).toEqual(['keys.json', 'pgdata']); // lock released
    expect(await run('migrate')).toEqual({ code: 0, stdout: 'database is up to date\n', stderr: '' });
  }, SETUP_TIMEOUT);

  // Defect: after a first load that died, migrate built the 31 indexes it had set aside and said
  // only "database is up to date".
  it('migrate says which indexes an interrupted first load had set aside and it built', async () => {
    const storage = await openStorage(config());
    try {
      const [imp] = await storage.db.query<{ id: string }>(
        `insert into imports (source_key, file_name, format, started_at, updated_at) values ('test:cli', 'f.ndjson', 'ndjson', now(), now()) returning id`);
      const set = await storage.db.transaction((tx) => deferIndexesForFirstLoad(tx, imp!.id));
      expect(set.length).toBeGreaterThan(5);
    } finally { await storage.close(); }
    const r = await run('migrate');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^built \d+ indexes an interrupted first load had set aside \(.*services_name_bigrams.*\)\ndatabase is up to date\n$/);
    expect(await run('migrate')).toEqual({ code: 0, stdout: 'database is up to date\n', stderr: '' });
  }, SETUP_TIMEOUT);

  it('seed --demo loads the demo data once, then says it is already present', async () => {
    expect(await run('seed', '--demo')).toEqual({ code: 0, stdout: 'demo data loaded\n', stderr: '' });
    expect(await run('seed', '--demo')).toEqual({ code: 0, stdout: 'demo data already present\n', stderr: '' });
    const storage = await openStorage(config());
    try {
      const [row] = await storage.db.query<{ n: number }>(`select count(*)::int as n from organisations where kind = 'bureau'`);
      expect(row!.n).toBe(31);
    } finally { await storage.close(); }
  }, SETUP_TIMEOUT);

  it('workdays honours the database\'s calendar overrides once a database exists', async () => {
    const storage = await openStorage(config());
    try {
      await storage.db.query(`insert into calendar_overrides (day, kind, note) values ('2025-10-09', 'holiday', 'test: an extra holiday')`);
      await storage.db.query(`insert into calendar_overrides (day, kind, province_code, note) values ('2025-10-10', 'holiday', '440000', 'test: Guangdong only')`);
    } finally { await storage.close(); }
    expect(await run('workdays', 'add', '2025-09-25', '20')).toEqual({ code: 0, stdout: '2025-10-30\n', stderr: '' });
    expect(await run('workdays', 'add', '2025-09-25', '20', '--province', '440000')).toEqual({ code: 0, stdout: '2025-10-31\n', stderr: '' });
    expect(await run('workdays', 'add', '2025-09-25', '20', '--province', '110000')).toEqual({ code: 0, stdout: '2025-10-30\n', stderr: '' });
  }, SETUP_TIMEOUT);

  it('refuses in one line while another process holds the data folder', async () => {
    const release = lockDataDir(dataDir);
    try {
      expectOneLineError(await run('migrate'), new RegExp(`in use by process ${process.pid}`));
    } finally { release(); }
  });
});

describe('the beian binary (npx beian)', () => {
  const exec = promisify(execFile);
  /** The environment of a fresh shell: no database, keys or data folder of ours. */
  function childEnv(extra: Record<string, string>) {
    const env: Record<string, string> = {};
    // eslint-disable-next-line no-restricted-properties -- a child process's environment is what this test controls
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && !/^(DATABASE_URL|BEIAN_|PORT$|HOST$|PUBLIC_URL$|SMTP_|VITEST)/.test(k)) env[k] = v;
    }
    return { ...env, ...extra };
  }
  async function binary(args: string[], extra: Record<string, string>) {
    try {
      const { stdout, stderr } = await exec(process.execPath, [path.join(repoRoot, 'bin/beian.js'), ...args], { cwd: root, env: childEnv(extra), timeout: 120_000 });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code?: number; stdout: string; stderr: string };
      return { code: err.code ?? -1, stdout: err.stdout, stderr: err.stderr };
    }
  }

  it('node bin/beian.js workdays add 2025-09-25 20 prints 2025-10-29 and exits 0', async () => {
    const empty = mkdtempSync(path.join(root, 'empty-'));
    expect(await binary(['workdays', 'add', '2025-09-25', '20'], { BEIAN_DATA_DIR: empty })).toEqual({ code: 0, stdout: '2025-10-29\n', stderr: '' });
    expect(readdirSync(empty)).toEqual([]);
  }, SETUP_TIMEOUT);

  it('fails with exit code 2 and one line on stderr', async () => {
    const empty = mkdtempSync(path.join(root, 'empty-'));
    const r = await binary(['workdays', 'add', '2003-03-01', '1'], { BEIAN_DATA_DIR: empty });
    expectOneLineError(r, /^beian workdays: no published working-day schedule for 2003-03-01/);
  }, SETUP_TIMEOUT);

  it('npx beian workdays add 2026-12-04 20 answers 2027-01-04 with a provisional note (issue 12)', async () => {
    const empty = mkdtempSync(path.join(root, 'empty-'));
    const r = await binary(['workdays', 'add', '2026-12-04', '20'], { BEIAN_DATA_DIR: empty });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('2027-01-04\n');
    expect(r.stderr).toMatch(/^note: provisional — no official working-day schedule for 2027 yet: counted with weekends and the statutory holidays/);
  }, SETUP_TIMEOUT);

  // Joined on one line with " - " they were hard to read; docs/deploy.md says "listing every problem".
  it('a bad configuration stops it listing every problem, one a line', async () => {
    const r = await binary(['serve'], { PORT: 'eighty', DATABASE_URL: 'mysql://root@db/beian', BEIAN_DATA_DIR: path.join(root, 'never') });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^beian serve: invalid configuration:\n  - DATABASE_URL: [^\n]+\n  - PORT: [^\n]+\n  - BEIAN_DATA_KEYS and BEIAN_HASH_KEY are required[^\n]+\n$/);
  }, SETUP_TIMEOUT);

  // Defect: restore (and backup) demanded BEIAN_DATA_KEYS/BEIAN_HASH_KEY with DATABASE_URL, though neither uses them.
  it('restore needs no keys beside DATABASE_URL', async () => {
    const r = await binary(['restore', path.join(root, 'no-such.dump')], { DATABASE_URL: 'postgres://beian@127.0.0.1:1/beian', BEIAN_DATA_KEYS: '', BEIAN_HASH_KEY: '' });
    expectOneLineError(r, /^beian restore: .*no-such\.dump does not exist/);
  }, SETUP_TIMEOUT);

  it('an unreachable database names DATABASE_URL (its password hidden)', async () => {
    const keys = { BEIAN_DATA_KEYS: `t1:${testSecrets.dataKeys[0]!.key.toString('base64')}`, BEIAN_HASH_KEY: testSecrets.hashKey.toString('base64') };
    const r = await binary(['migrate'], { DATABASE_URL: 'postgres://beian:s3cret@127.0.0.1:1/beian', ...keys });
    expectOneLineError(r, /^beian migrate: cannot connect to DATABASE_URL \(postgres:\/\/beian:\*\*\*@127\.0\.0\.1:1\/beian\): connect ECONNREFUSED/);
    expect(r.stderr).not.toContain('s3cret');
  }, SETUP_TIMEOUT);

  it('migrate through the binary applies every migration to the configured database, then is up to date', async () => {
    // DATABASE_URL set (as in CI's second run): a fresh database on that server; otherwise an embedded data folder.
    const keys = { BEIAN_DATA_KEYS: `t1:${testSecrets.dataKeys[0]!.key.toString('base64')}`, BEIAN_HASH_KEY: testSecrets.hashKey.toString('base64') };
    const env: Record<string, string> = serverDb ? { DATABASE_URL: serverDb.url!, ...keys } : { BEIAN_DATA_DIR: path.join(root, 'binary-migrate') };
    const migrations = await listMigrations();
    expect(await binary(['migrate'], env)).toEqual({ code: 0, stdout: `applied ${migrations.map((m) => m.version).join(', ')}\n`, stderr: '' });
    if (serverDb) expect(await latestMigration(serverDb.db)).toBe(`${migrations.at(-1)!.version}_${migrations.at(-1)!.name}`);
    expect(await binary(['migrate'], env)).toEqual({ code: 0, stdout: 'database is up to date\n', stderr: '' });
  }, SETUP_TIMEOUT);
});
