// The `beian` command. Every failure is one line on stderr and exit code 2, no stack trace.
import { parseArgs } from 'node:util';
import { config, ConfigError, configWithoutKeys } from '../config.ts';
import { duplicateSubjectsWarning, findDuplicateSubjects } from '../db/duplicate-subjects.ts';
import { migrate } from '../db/migrate.ts';
import { openStorage } from '../db/open.ts';
import { calendarCommand, workdaysCommand } from './calendar.ts';
import { operandProblem, usageProblem } from './usage.ts';

export interface Io { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; stdin?: NodeJS.ReadableStream }

export class UsageError extends Error {}

const USAGE = `Usage: beian <command>
  serve [--seed-if-empty]          migrate, then serve the web UI and API
  migrate                          apply database migrations
  seed --demo                      load the demo data (organisations, users, filings) into a
                                   database without accounts of its own
  admin create --login <login> --email <email> [--name <name>] [--password-stdin]
                                   create a ministry administrator; prints a one-time password
                                   as the last line (password: …) unless read from stdin
  admin reset-password --login <login> [--password-stdin]
                                   a new one-time password on a staff account (sessions end, the
                                   sign-in lock lifts); printed as the last line unless read from stdin
  workdays add <YYYY-MM-DD> <n> [--province CODE]
                                   the date n working days after the given one
  workdays between <a> <b> [--province CODE]
                                   working days after a up to and including b
                                   (past the official years: counted provisionally, with a note on stderr)
  calendar import <file> [--year YYYY] [--dry-run]
                                   load a year's official holiday schedule (chinese-days ICS or JSON)
  calendar check                   compare imported years with the installed chinese-days
  analyze <file> [--json]          package name, certificate and fingerprints of an APK/IPA/HAP, or of a certificate file
  audit verify                     check the transparency log against the database and its signed tree heads
  backup <file>                    write the whole database to a new file (pg_dump; embedded: data folder and its keys)
  restore <file>                   load a backup into an empty database or data folder
  keys status                      how many values each data key still seals
  keys rotate [--batch-size N] [--max-batches N]
                                   re-seal every value under the first (new) data key; resumable
  keys drop <id>                   remove an embedded data key that seals nothing
  import <file.ndjson|file.csv> [--rejects <file>] [--batch-size N] [--keep-indexes] [--workers N]
                                   load existing filed subjects and services (docs/import.md);
                                   running the same file again resumes it; exit 1 if lines were rejected;
                                   --workers: threads preparing lines (default: cores - 1)`;

type Handler = (args: string[], io: Io) => Promise<number>;

// The server and the demo seed load on demand: with them (Fastify, both SMS gateways' SDKs, the
// seed's fixtures) every short command paid their start-up.

const commands: Record<string, Handler> = {
  serve: async (args) => {
    const { values } = parseArgs({ args, options: { 'seed-if-empty': { type: 'boolean' } } });
    const { serve } = await import('./serve.ts');
    await serve(config(), { seedIfEmpty: Boolean(values['seed-if-empty']) });
    return 0;
  },
  migrate: async (args, io) => {
    // Nothing is accepted: an unknown argument (a typo, or --help before it was handled) ran the migrations.
    parseArgs({ args, options: {} });
    const storage = await openStorage(config());
    try {
      let built: string[] = [];
      const applied = await migrate(storage.db, undefined, { onIndexesBuilt: (names) => { built = names; } });
      // After a first load that died, migrate builds the indexes it had set aside (migration 0035): say
      // so — it printed only "database is up to date" after minutes of building 31 of them.
      if (built.length) io.stdout.write(`built ${built.length} ${built.length === 1 ? 'index' : 'indexes'} an interrupted first load had set aside (${built.join(', ')})\n`);
      io.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'database is up to date\n');
      const duplicates = duplicateSubjectsWarning(await findDuplicateSubjects(storage.db));
      if (duplicates) io.stderr.write(`${duplicates}\n`);
    } finally { await storage.close(); }
    return 0;
  },
  seed: async (args, io) => {
    const { values } = parseArgs({ args, options: { demo: { type: 'boolean' } } });
    if (!values.demo) throw new UsageError('only `seed --demo` exists');
    const cfg = config();
    const storage = await openStorage(cfg);
    try {
      await migrate(storage.db);
      const { DemoRefusedError, seedDemo } = await import('../db/seed/demo.ts');
      const { demoApplications } = await import('../flows/demo-applications.ts');
      const result = await seedDemo(storage.db, storage.sealer, { lives: { now: new Date(), applications: demoApplications(storage.sealer, cfg.publicUrl) } }).catch((err: unknown) => {
        if (err instanceof DemoRefusedError) {
          throw new UsageError(`refused: ${err.message} (it would publish working passwords; see README, "Production set-up")`);
        }
        throw err;
      });
      io.stdout.write(result.seeded ? 'demo data loaded\n' : 'demo data already present\n');
    } finally { await storage.close(); }
    return 0;
  },
  admin: async (args, io) => (await import('./admin.ts')).adminCommand(args, { ...io, stdin: io.stdin ?? process.stdin }),
  workdays: workdaysCommand,
  calendar: calendarCommand,
  analyze: async (args, io) => (await import('./analyze.ts')).analyzeCommand(args, io),
  audit: async (args, io) => (await import('./audit.ts')).auditCommand(args, io),
  backup: async (args, io) => backupCommand('backup', args, io),
  restore: async (args, io) => backupCommand('restore', args, io),
  keys: async (args, io) => (await import('./keys.ts')).keysCommand(args, io),
  import: async (args, io) => (await import('./import.ts')).importCommand(args, io),
};

async function backupCommand(which: 'backup' | 'restore', args: string[], io: Io): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new UsageError(usageProblem(operandProblem(which, positionals, ['<file>']), `usage: beian ${which} <file>`));
  const { backup, restore } = await import('../db/backup.ts');
  // Neither seals nor reads personal data: a restore onto a new server needs no keys (ADR 0004's keys open the data later).
  const r = await (which === 'backup' ? backup : restore)(configWithoutKeys(), positionals[0]!);
  io.stdout.write(which === 'backup'
    ? `backup written to ${r.file} (${r.bytes} bytes, ${r.backend})\n`
    : `restored ${r.file} (${r.bytes} bytes) into the ${r.backend === 'pglite' ? 'embedded database' : 'PostgreSQL database'}; run \`beian migrate\` if the backup predates this version\n`);
  return 0;
}

export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${USAGE}\n`);
    if (name) return 0;
    io.stderr.write('beian: no command given (try: beian --help)\n');
    return 2;
  }
  const handler = commands[name];
  try {
    if (!handler) throw new UsageError(`unknown command "${name}" (try: beian --help)`);
    // `beian <command> --help` (or -h, anywhere before a `--`): the command's usage, exit 0, and nothing
    // else — no database opened, no migration run (migrate --help used to migrate, creating an
    // embedded database when DATABASE_URL was unset), no parseArgs internals.
    const end = rest.indexOf('--');
    if ((end < 0 ? rest : rest.slice(0, end)).some((a) => a === '--help' || a === '-h')) {
      io.stdout.write(`${commandUsage(name)}\n`);
      return 0;
    }
    return await handler(rest, io);
  } catch (err) {
    io.stderr.write(`beian ${name}: ${oneLine(err)}\n`);
    return 2;
  }
}

/** The lines of USAGE for one command (its entries and their continuation lines). */
export function commandUsage(name: string): string {
  const lines = USAGE.split('\n').slice(1);
  const out: string[] = [];
  let mine = false;
  for (const line of lines) {
    if (/^  \S/.test(line)) mine = line.slice(2).split(/\s/)[0] === name;
    if (mine) out.push(line);
  }
  return `Usage: beian\n${out.join('\n')}`;
}

function oneLine(err: unknown): string {
  // Every problem on a line of its own, as config.ts lists them (docs/deploy.md: "listing every problem").
  if (err instanceof ConfigError) return err.message;
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s*\n\s*/g, '; ');
}
