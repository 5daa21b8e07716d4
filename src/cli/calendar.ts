// `beian workdays …` and `beian calendar …` (issue 12 part 1; ADR 0011). The first line of
// standard output is the answer scripts read (a date, a number); a provisional count adds one
// `note:` line on standard error saying why. `calendar import <file>` loads a year's official
// schedule (chinese-days' ICS or a small JSON), `--dry-run` shows what would change;
// `calendar check` compares imported years with the installed chinese-days (exit 1 on a difference).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { config } from '../config.ts';
import { checkImportedYears, loadCalendarOverrides } from '../db/calendar.ts';
import type { Queryable } from '../db/connection.ts';
import { migrate } from '../db/migrate.ts';
import { openStorage } from '../db/open.ts';
import { SYSTEM_ACTOR } from '../domain/actors.ts';
import { countWorkingDays, createCalendar, provisionalReason, validateIsoDate } from '../domain/calendar.ts';
import type { FlowContext } from '../flows/context.ts';
import { type CalendarImportPlan, importCalendar, planCalendarImport } from '../flows/import-calendar.ts';
import { refreshProvisionalDeadlines } from '../flows/refresh-deadlines.ts';
import { operandProblem, subcommandProblem, usageProblem } from './usage.ts';

export interface Io { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }

export class CalendarUsageError extends Error {}

export async function workdaysCommand(args: string[], io: Io): Promise<number> {
  // A negative count (`workdays add 2026-10-09 -3`) is an argument, not an option.
  const negative = args.findIndex((x, i) => /^-\d+$/.test(x) && args[i - 1] !== '--province' && !args.slice(0, i).includes('--'));
  const argv = negative < 0 ? args : [...args.slice(0, negative).filter((x) => x !== '--'), '--', ...args.slice(negative)];
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { province: { type: 'string' } } });
  const [sub, a, b] = positionals;
  if (!sub || !a || !b || positionals.length !== 3 || !['add', 'between'].includes(sub)) {
    const problem = subcommandProblem(sub, ['add', 'between'])
      ?? operandProblem(`workdays ${sub}`, positionals.slice(1), sub === 'add' ? ['<YYYY-MM-DD>', '<n>'] : ['<YYYY-MM-DD>', '<YYYY-MM-DD>']);
    throw new CalendarUsageError(usageProblem(problem, 'usage: beian workdays add <YYYY-MM-DD> <n> | beian workdays between <YYYY-MM-DD> <YYYY-MM-DD>'));
  }
  const start = validateIsoDate(a);
  if (!start.ok) throw new CalendarUsageError(`${a}: ${start.error.message}`);
  const calendar = createCalendar({ overrides: await overridesIfAny(), ...(values.province ? { provinceCode: values.province } : {}) });
  let years: number[];
  if (sub === 'add') {
    if (!/^-?\d+$/.test(b)) throw new CalendarUsageError(`${b}: n must be a whole number of working days`);
    if (Math.abs(Number(b)) > 9999) throw new CalendarUsageError(`${b}: n is at most 9999 working days either way`);
    const counted = countWorkingDays(calendar, start.value, Number(b));
    io.stdout.write(`${counted.date}\n`);
    years = counted.provisionalYears;
  } else {
    const end = validateIsoDate(b);
    if (!end.ok) throw new CalendarUsageError(`${b}: ${end.error.message}`);
    io.stdout.write(`${calendar.workingDaysBetween(start.value, end.value)}\n`);
    years = calendar.provisionalYears(start.value, end.value);
  }
  if (years.length) io.stderr.write(`note: provisional — ${provisionalReason(years)}\n`);
  return 0;
}

/** The database's override rows when a database exists; the published schedule alone otherwise. */
async function overridesIfAny() {
  const cfg = config();
  if (cfg.database.kind === 'pglite' && !existsSync(path.join(cfg.database.dataDir, 'pgdata'))) return [];
  return withDatabase(false, (db) => loadCalendarOverrides(db));
}

async function withDatabase<T>(migrateFirst: boolean, fn: (db: Queryable, storage: Awaited<ReturnType<typeof openStorage>>) => Promise<T>): Promise<T> {
  const storage = await openStorage(config());
  try {
    if (migrateFirst) await migrate(storage.db);
    return await fn(storage.db, storage);
  } catch (e) {
    if ((e as { code?: string }).code === '42P01') throw new CalendarUsageError('the database has no schema yet: run `beian migrate` first');
    throw e;
  } finally { await storage.close(); }
}

export async function calendarCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { year: { type: 'string' }, 'dry-run': { type: 'boolean' } } });
  const [sub, file] = positionals;
  if (sub === 'check' && positionals.length === 1) return check(io);
  if (sub !== 'import' || !file || positionals.length !== 2) {
    const problem = subcommandProblem(sub, ['import', 'check']) ?? operandProblem(`calendar ${sub}`, positionals.slice(1), sub === 'import' ? ['<file>'] : []);
    throw new CalendarUsageError(usageProblem(problem, 'usage: beian calendar import <file.ics|file.json> [--year YYYY] [--dry-run] | beian calendar check'));
  }
  if (values.year !== undefined && !/^\d{4}$/.test(values.year)) throw new CalendarUsageError(`--year ${values.year}: expected a year such as 2027`);
  let content: string;
  try { content = readFileSync(file, 'utf8'); } catch (e) { throw new CalendarUsageError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`); }
  const input = { content, source: path.basename(file), ...(values.year ? { year: Number(values.year) } : {}) };
  return withDatabase(true, async (_db, storage) => {
    const ctx = { db: storage.db, sealer: storage.sealer, now: () => new Date(), publicUrl: config().publicUrl };
    const plan = values['dry-run'] ? await planCalendarImport(ctx, SYSTEM_ACTOR, input) : await importCalendar(ctx, SYSTEM_ACTOR, input);
    io.stdout.write(describePlan(plan, !values['dry-run'], input.source));
    return 0;
  });
}

function describePlan(p: CalendarImportPlan, done: boolean, source: string): string {
  const lines = [
    `${done ? 'imported' : 'would import (dry run, nothing written)'} ${p.year} from ${source}: ${p.holidays.length} days off, ${p.workdays.length} make-up working days${done ? `; ${p.year} is now official` : ''}`,
    `days that change: ${p.days.length}${p.days.length ? ` — ${p.days.map((d) => `${d.date} ${d.before} → ${d.after}`).join(', ')}` : ''}`,
    ...(p.replacedOverrides ? [`national overrides replaced: ${p.replacedOverrides}`] : []),
    `deadlines ${done ? 'moved' : 'that would move'}: ${p.deadlines.length}`,
    ...p.deadlines.map((m) => `  ${m.applicationId} ${m.serviceName ?? ''} (${m.provinceCode}): ${m.old.deadlineOn ?? 'none'}${m.old.provisional ? ' provisional' : ''} → ${m.new.deadlineOn}${m.new.provisional ? ' provisional' : ''}`),
  ];
  return `${lines.join('\n')}\n`;
}

async function check(io: Io): Promise<number> {
  return withDatabase(true, async (db) => {
    const r = await checkImportedYears(db);
    const lines = [`chinese-days covers ${r.packageYears.first}–${r.packageYears.last}; imported years: ${r.years.length ? r.years.map((y) => y.year).join(', ') : 'none'}`];
    for (const y of r.years) {
      if (!y.coveredByPackage) lines.push(`${y.year}: not in chinese-days yet (imported from ${y.source})`);
      else if (y.differences.length === 0) lines.push(`${y.year}: agrees with chinese-days`);
      else lines.push(`${y.year}: DIFFERS from chinese-days on ${y.differences.length} days: ${y.differences.map((d) => `${d.date} imported ${d.imported}, chinese-days ${d.library}`).join('; ')}`);
    }
    io.stdout.write(`${lines.join('\n')}\n`);
    return r.agrees ? 0 : 1;
  });
}

/**
 * At start: recompute provisional deadlines a newer package (or a published year) now makes
 * official, and warn for each imported year the installed chinese-days disagrees with.
 */
export async function calendarAtStart(ctx: FlowContext, log: { info: (obj: object, msg: string) => void; warn: (obj: object, msg: string) => void }): Promise<void> {
  const moved = await refreshProvisionalDeadlines(ctx);
  if (moved.length) log.info({ deadlines: moved.length }, 'calendar: provisional deadlines recomputed with the official schedule');
  const r = await checkImportedYears(ctx.db);
  for (const y of r.years.filter((x) => x.differences.length)) {
    log.warn({ year: y.year, source: y.source, differences: y.differences },
      `calendar: the imported ${y.year} schedule differs from chinese-days on ${y.differences.length} days (see beian calendar check)`);
  }
}
