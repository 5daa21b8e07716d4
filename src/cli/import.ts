// `beian import <file.ndjson|csv>`: loads existing filed subjects and services (docs/import.md).
// The file is identified by the SHA-256 of its bytes: running the same file again continues an
// interrupted import, or reports that it is done. Progress on stderr (cli-progress), the report
// of rejected lines at the end (all of them with --rejects <file>).
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { parse as parseCsv } from 'csv-parse';
import { config } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { openStorage } from '../db/open.ts';
import { unknownCsvColumns, csvRowToObject } from '../domain/import-record.ts';
import { DEFAULT_BATCH, type ImportProgress, type ImportSource, type SourceLine, importFilings } from '../flows/import-filings.ts';
import { type Io, UsageError } from './main.ts';
import { operandProblem, usageProblem } from './usage.ts';

/**
 * SHA-256 and line count of a file, in one read; `notUtf8Line`: the first line that is not UTF-8
 * text (a GBK or UTF-16 file, as spreadsheets save CSV), else null.
 */
export async function fingerprintFile(file: string): Promise<{ sha256: string; lines: number; notUtf8Line: number | null }> {
  const hash = createHash('sha256');
  let lines = 0;
  let last = 10;
  let utf8: TextDecoder | null = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
    last = chunk[chunk.length - 1] ?? last;
    try { utf8?.decode(chunk, { stream: true }); } catch { utf8 = null; }
  }
  try { utf8?.decode(); } catch { utf8 = null; }
  return { sha256: hash.digest('hex'), lines: lines + (last === 10 ? 0 : 1), notUtf8Line: utf8 ? null : await firstNotUtf8Line(file) };
}

/** The first line of a file that is not UTF-8 (a newline byte is never inside a UTF-8 or GBK character). */
async function firstNotUtf8Line(file: string): Promise<number> {
  let line = 1;
  let decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(10, from);
      try {
        decoder.decode(chunk.subarray(from, nl === -1 ? chunk.length : nl), { stream: true });
        if (nl !== -1) decoder.decode();
      } catch {
        return line;
      }
      if (nl === -1) break;
      line += 1;
      decoder = new TextDecoder('utf-8', { fatal: true });
      from = nl + 1;
    }
  }
  return line;
}

/** An NDJSON file's lines as text: parsed where they are prepared (src/db/import-prepare.ts, maybe on a worker thread). */
async function* ndjsonLines(file: string, after: number): AsyncIterable<SourceLine> {
  let line = 0;
  for await (let text of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
    line += 1;
    // A byte-order mark before the first line (editors' "UTF-8 with BOM"), as for CSV.
    if (line === 1 && text.startsWith('\ufeff')) text = text.slice(1);
    if (line <= after || !text.trim()) continue;
    yield { line, text };
  }
}

/** A spreadsheet's name of column `i` (0-based): A … Z, AA … */
const columnLetter = (i: number): string => (i >= 26 ? columnLetter(Math.floor(i / 26) - 1) : '') + String.fromCharCode(65 + (i % 26));

async function* csvLines(file: string, after: number): AsyncIterable<SourceLine> {
  // Rows as arrays, the header read here: a spreadsheet saves columns with no name in the header
  // (trailing empty columns, `…,harmonyos.certSha256,,`), rows with more cells than the header, and
  // rows of empty cells (`,,,,`). Those columns are ignored where they are empty, a row with a value
  // in one is rejected (the value would otherwise be dropped unseen), and an empty row is skipped like
  // a blank line (counted).
  const parser = createReadStream(file).pipe(parseCsv({ bom: true, info: true, raw: true, skip_empty_lines: true, relax_column_count: true }));
  let header: string[] | null = null;
  for await (const r of parser as AsyncIterable<{ record: string[]; raw: string; info: { lines: number } }>) {
    if (!header) {
      header = r.record.map((h) => h.trim());
      const unknown = unknownCsvColumns(header.filter(Boolean));
      if (unknown.length) throw new UsageError(`unknown CSV column(s): ${unknown.map((u) => `"${u}"`).join(', ')} (see docs/import.md)`);
      // Two columns of one name: one of them would be read, the other dropped unseen.
      const twice = [...new Set(header.filter((h, i) => h && header!.indexOf(h) !== i))];
      if (twice.length) throw new UsageError(`CSV column(s) named twice in the header line: ${twice.map((u) => `"${u}"`).join(', ')} (see docs/import.md)`);
      continue;
    }
    // info.lines is where the record ends; a quoted cell may span lines: report where it starts.
    const body = r.raw.replace(/^[\r\n]+/, '').replace(/\r?\n$/, '');
    const line = r.info.lines - (body.match(/\n/g)?.length ?? 0);
    if (line <= after) continue;
    const row: Record<string, string> = {};
    let stray = -1;
    let empty = true;
    for (let i = 0; i < r.record.length; i++) {
      const cell = r.record[i]!;
      const name = header[i];
      if (name) row[name] = cell;
      if (empty || stray < 0) {
        const blank = !cell.trim();
        if (!blank) empty = false;
        if (!blank && !name && stray < 0) stray = i;
      }
    }
    if (empty) continue;
    if (stray >= 0) {
      const col = columnLetter(stray);
      yield { line, issue: { field: `column ${col}`, code: 'unnamed_column', message: `column ${col} has a value but no name in the header line (docs/import.md lists the column names)` } };
      continue;
    }
    yield { line, value: csvRowToObject(row) };
  }
  // A header-only file is checked above; an empty one has no header at all (it was an import of 0 lines, exit 0).
  if (header === null) throw new UsageError(`${file} has no header line: a CSV import names its columns on the first line (see docs/import.md)`);
}

export function fileSource(file: string, sha256: string): ImportSource {
  const format = /\.csv$/i.test(file) ? 'csv' : 'ndjson';
  return {
    key: `file:${sha256}`, fileName: path.basename(file), format,
    lines: (after) => (format === 'csv' ? csvLines(file, after) : ndjsonLines(file, after)),
  };
}

const SHOWN = 50;

/**
 * Worker threads that prepare lines (parse, check, seal): one fewer than the cores, the
 * importer's own thread and the database's backend taking the rest (docs/import.md); none on one core.
 */
export const defaultWorkers = () => Math.min(8, Math.max(0, os.availableParallelism() - 1));

export async function importCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      'batch-size': { type: 'string' }, rejects: { type: 'string' }, quiet: { type: 'boolean' }, 'keep-indexes': { type: 'boolean' },
      workers: { type: 'string' },
    },
  });
  if (positionals.length !== 1) {
    throw new UsageError(usageProblem(operandProblem('import', positionals, ['<file>']), 'usage: beian import <file.ndjson|file.csv> [--rejects <file>] [--batch-size N] [--keep-indexes] [--workers N]'));
  }
  const file = positionals[0]!;
  const batchSize = values['batch-size'] ? Number(values['batch-size']) : DEFAULT_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) throw new UsageError('--batch-size must be a whole number from 1 to 100000');
  const workers = values.workers !== undefined ? Number(values.workers) : defaultWorkers();
  if (!Number.isInteger(workers) || workers < 0 || workers > 64) throw new UsageError('--workers must be a whole number from 0 to 64');
  // The report file is opened now: a path that cannot be written fails before the import, not after it.
  if (values.rejects) {
    try { closeSync(openSync(values.rejects, 'w')); } catch (e) { throw new UsageError(`cannot write --rejects ${values.rejects}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`); }
  }
  const { sha256, lines, notUtf8Line } = await fingerprintFile(file).catch((e: NodeJS.ErrnoException) => { throw new UsageError(`cannot read ${file}: ${e.code ?? e.message}`); });
  // Before anything is recorded: every line of a GBK file would be rejected (its 粤ICP备 unreadable)
  // and the file recorded as imported.
  if (notUtf8Line !== null) {
    throw new UsageError(`${file} is not UTF-8 text (line ${notUtf8Line}): nothing was imported. A spreadsheet's CSV is often GBK (Excel's "CSV (逗号分隔)") `
      + `or UTF-16 ("Unicode 文本"): save it as "CSV UTF-8 (逗号分隔)", or convert it, e.g. iconv -f GBK -t UTF-8 ${file} > converted.csv (docs/import.md)`);
  }
  // Ctrl-C: each batch commits with its last line, so the import resumes after the last committed
  // one; say so (it exited 130 with no word). Exit 130 = 128 + SIGINT, as shells do (docs/import.md).
  // Listening before the database opens (the embedded one takes seconds): nothing is committed yet then.
  let committed: number | null = null;
  let bar: cliProgress.SingleBar | null = null;
  // A `kill` (SIGTERM: a service manager, an operator) the same way, exit 143 = 128 + SIGTERM.
  const interrupted = (signal: NodeJS.Signals) => {
    bar?.stop();
    io.stderr.write(committed === null
      ? '\ninterrupted while opening the database: this run committed nothing; run the same command to start (or resume) the import\n'
      : `\ninterrupted: committed up to line ${committed}; run the same command to resume\n`);
    process.exit(signal === 'SIGTERM' ? 143 : 130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  let storage: Awaited<ReturnType<typeof openStorage>> | null = null;
  try {
    storage = await openStorage(config());
    bar = values.quiet ? null : new cliProgress.SingleBar({
      stream: io.stderr as NodeJS.WriteStream, format: 'import [{bar}] {percentage}% | line {value}/{total} | {services} services, {rejected} rejected | {rate}/s | ETA {eta}s',
      noTTYOutput: true, notTTYSchedule: 5_000, etaBuffer: 20,
    }, cliProgress.Presets.legacy);
    const started = Date.now();
    // The import builds indexes a died import set aside, and continues its own first load.
    await migrate(storage.db, undefined, { keepDeferredIndexes: true });
    // The bar starts where this run starts (a resumed import: after its last committed line, not at 0)
    // with the counts since the import began, as the summary at the end reports them; the rate is this run's.
    let from: ImportProgress | null = null;
    const summary = await importFilings(storage.db, storage.sealer, fileSource(file, sha256), {
      batchSize, firstLoad: values['keep-indexes'] ? false : 'auto',
      workers: workers > 0 ? { count: workers, secrets: storage.secrets } : undefined,
      onStart: (p) => {
        from = p;
        committed = p.line;
        bar?.start(Math.max(lines, p.line), p.line, { services: p.services, rejected: p.rejected, rate: 0 });
      },
      onProgress: (p) => {
        committed = p.line;
        if (!bar) return;
        // The newline count is an estimate (a CSV cell may hold line breaks, a binary file has few): never past 100 %.
        if (p.line > bar.getTotal()) bar.setTotal(p.line);
        const here = p.services - (from?.services ?? 0);
        bar.update(p.line, { services: p.services, rejected: p.rejected, rate: Math.round(here / Math.max((Date.now() - started) / 1000, 0.001)) });
      },
    });
    bar?.stop();
    // Fresh statistics for the planner and for public search's choice of path (ADR 0023).
    if (!summary.alreadyDone) await storage.db.exec('analyze subjects; analyze services; analyze app_platforms; analyze verify_identities');
    if (summary.alreadyDone) {
      io.stdout.write(`${file} was imported already (import ${summary.importId}): ${summary.services} services, ${summary.subjects} subjects, ${summary.rejected} lines rejected\n`);
    } else {
      const secs = (Date.now() - started) / 1000;
      io.stdout.write(`${summary.resumedFrom ? `resumed after line ${summary.resumedFrom}; ` : ''}imported ${summary.services} services under ${summary.subjects} new subjects `
        + `(${Math.max(summary.lastLine, lines)} lines, ${summary.rejected} rejected) in ${secs.toFixed(1)} s; import ${summary.importId}`
        + `${summary.firstLoad ? '; first load: search indexes and foreign keys built at the end' : ''}\n`);
    }
    for (const r of summary.rejections.slice(0, SHOWN)) io.stderr.write(`line ${r.line}: ${r.field}: ${r.code}: ${r.message}\n`);
    if (summary.rejections.length > SHOWN) io.stderr.write(`… and ${summary.rejections.length - SHOWN} more rejected lines${values.rejects ? '' : ' (all of them: --rejects <file>)'}\n`);
    if (values.rejects) writeFileSync(values.rejects, summary.rejections.map((r) => JSON.stringify(r)).join('\n') + (summary.rejections.length ? '\n' : ''));
    return summary.rejected ? 1 : 0;
  } finally {
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
    bar?.stop();
    await storage?.close();
  }
}
