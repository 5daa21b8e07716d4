// Bulk import of existing filings (issue 16 item 8; docs/import.md, ADR 0024). Reads checked
// lines in batches; each batch — its records, its rejections and the import's last line — is
// one transaction (src/db/bulk-import.ts), so an interrupted import continues after the last
// committed batch and a finished one is not applied again. Personal data is sealed and hashed
// exactly as the approval flow does (src/db/registry.ts), as each line is prepared
// (src/db/import-prepare.ts: here, or on worker threads with `workers`).
import type { Db, Queryable } from '../db/connection.ts';
import { type BatchResult, endImportedEmptySubjects, type HeldBy, type Rejection, Restage, type StagedLine, type Trace, type StagedSubject, writeBatch } from '../db/bulk-import.ts';
import { deferIndexesForFirstLoad, markImportRunning, restoreDeferredIndexes } from '../db/deferred-indexes.ts';
import { type FirstLoadKeys, isUniqueViolation, rebuildFirstLoadKeys, writeDirectBatch } from '../db/first-load.ts';
import { LinePreparer, type PreparedLine, type SourceLine } from '../db/import-prepare.ts';
import { type PrepareWorkers, startPrepareWorkers } from '../db/import-workers.ts';
import type { Sealer, Secrets } from '../db/personal-data.ts';
import { uuidv7 } from '../db/uuid7.ts';
import type { ImportRecord } from '../domain/import-record.ts';
import { identityKey } from '../domain/verification.ts';

export type { SourceLine };

export interface ImportSource {
  /** Identifies the source across runs (a file's SHA-256): the same key resumes. */
  key: string;
  fileName: string;
  format: 'ndjson' | 'csv';
  /** Lines after `afterLine` (the source may skip reading what came before). */
  lines(afterLine: number): AsyncIterable<SourceLine>;
}

export interface ImportProgress { line: number; services: number; subjects: number; rejected: number }

export interface ImportSummary {
  importId: string; resumedFrom: number; alreadyDone: boolean;
  /** This run loaded with the registry's non-unique indexes set aside and built them at its end. */
  firstLoad: boolean;
  /** Totals over every run of this import. */
  services: number; subjects: number; rejected: number; lastLine: number;
  rejections: Rejection[];
}

export const DEFAULT_BATCH = 10_000;
/** Lines per message to a worker. */
const PREPARE_CHUNK = 500;

/**
 * Per-batch memory: what the earlier lines of the same batch claimed (the database knows the earlier
 * batches), each claim with the line that made it. A batch decides as the lines one by one would: a
 * line the database then refuses (its package filed already, say) claims nothing, so when a later
 * line was refused for it — or joined the subject it would have created — the batch is staged again
 * with that refusal known (`known`; rare), and the outcome does not depend on the batch size.
 */
interface BatchState {
  /** Every line of the batch, as prepared (staged again when a refusal of the database changes the batch's decisions). */
  prepared: PreparedLine[];
  lines: StagedLine[];
  rejected: Rejection[];
  subjects: Map<string, StagedSubject>;
  /** Main number → the line that created its subject. */
  creators: Map<string, number>;
  /** Certificate → the main number of the batch's subject that holds it: one given a live service (an ending one holds none). */
  certificates: Map<string, string>;
  /** Main number → the line that gave its subject (of this batch) its first live service. */
  liveBy: Map<string, number>;
  /** Main numbers of the batch's subjects with no live service yet (ending: they claim no certificate, migration 0056). */
  ending: Set<string>;
  /** Service number → the line that staged it (a duplicate names it). */
  serviceNumbers: Map<string, number>;
  sequences: Map<string, number>;
  serials: Map<string, string>;
  packages: Map<string, number>;
  /** Lines other lines' decisions rest on: if the database refuses one, the batch is staged again. */
  referenced: Set<number>;
  /** The database's refusals of lines of this batch, found by an earlier attempt at it. */
  known: Map<number, Rejection>;
}

const newBatch = (known: Map<number, Rejection> = new Map()): BatchState => ({
  prepared: [], lines: [], rejected: [], subjects: new Map(), creators: new Map(), certificates: new Map(), liveBy: new Map(), ending: new Set(),
  serviceNumbers: new Map(),
  sequences: new Map(), serials: new Map(), packages: new Map(), referenced: new Set(), known,
});

const reject = (b: BatchState, line: number, field: string, code: string, message: string) => { b.rejected.push({ line, field, code, message }); };

/** A conflict with an earlier line of the batch, naming it (and marking it as one the batch's decisions rest on). */
function rejectFor(b: BatchState, earlier: number, line: number, field: string, code: string, message: string): void {
  b.referenced.add(earlier);
  b.rejected.push({ line, field, code, message: `line ${earlier} of the file ${message}`, heldBy: { line: earlier } });
}

/** Stages one prepared record, or rejects it for a conflict with an earlier line of the batch. */
function stage(b: BatchState, p: Extract<PreparedLine, { record: ImportRecord }>): void {
  const { line, record: r } = p;
  const n = r.number;
  const certKey = `${r.subject.certificateType}|${r.subject.certificateNumber}`;
  const known = b.subjects.get(n.mainNumber);
  const first = b.serviceNumbers.get(n.number);
  if (first !== undefined) return rejectFor(b, first, line, 'serviceNumber', 'duplicate_in_file', 'has this service number');
  if (known && (known.certType !== r.subject.certificateType || known.certHash !== p.subject.certHash)) {
    return rejectFor(b, b.creators.get(n.mainNumber)!, line, 'subject.certificateNumber', 'subject_mismatch', 'files this main number with another certificate');
  }
  const active = r.status === 'filed';
  // A live service claims the certificate (a cancelled or revoked one claims nothing: its subject, if it
  // gets no live service, is cancelled at the import's end): that of a new subject, or of an ending one.
  const holder = active && (!known || b.ending.has(n.mainNumber)) ? b.certificates.get(certKey) : undefined;
  if (holder !== undefined) {
    return rejectFor(b, b.liveBy.get(holder)!, line, 'subject.certificateNumber', 'certificate_filed_under_other_number', `files this certificate under ${holder}`);
  }
  const serialKey = n.base === 'icp_bei' ? `${n.provinceCode}|${n.year}|${Number(n.serial)}` : null;
  const serialHolder = !known && serialKey ? b.serials.get(serialKey) : undefined;
  if (serialHolder !== undefined) {
    return rejectFor(b, b.creators.get(serialHolder)!, line, 'serviceNumber', 'main_number_serial_taken', `files ${serialHolder}, a main number of this province and year with the same serial`);
  }
  const seqKey = `${n.mainNumber}|${n.sequence}`;
  const seqHolder = b.sequences.get(seqKey);
  if (seqHolder !== undefined) return rejectFor(b, seqHolder, line, 'serviceNumber', 'sequence_taken', 'has this sequence under the same main number');
  if (active) {
    for (let i = 0; i < r.platforms.length; i++) {
      const by = b.packages.get(identityKey(r.platforms[i]!.platform, r.platforms[i]!.packageName));
      if (by !== undefined) return rejectFor(b, by, line, `platforms.${i}.packageName`, 'package_already_filed', 'files this package on this platform');
    }
  }
  // Refused by the database (an earlier attempt at this batch found it): it claims nothing.
  const refused = b.known.get(line);
  if (refused) { b.rejected.push(refused); return; }

  let subject = known;
  if (subject) b.referenced.add(b.creators.get(n.mainNumber)!);
  else {
    const s = r.subject;
    subject = {
      id: uuidv7(), userId: uuidv7(), mainNumber: n.mainNumber, year: serialKey ? n.year! : null, serial: serialKey ? Number(n.serial) : null,
      provinceCode: n.provinceCode, type: s.type, nature: s.nature, name: s.name, certType: s.certificateType,
      certPublic: s.type === 'unit' ? s.certificateNumber : null, certEnc: p.subject.certEnc,
      certHash: p.subject.certHash, address: s.address, cityCode: s.cityCode, districtCode: s.districtCode,
      filedAt: s.approvedAt, principal: p.subject.principal,
    };
    b.subjects.set(n.mainNumber, subject);
    b.creators.set(n.mainNumber, line);
    if (!active) b.ending.add(n.mainNumber);
    if (serialKey) b.serials.set(serialKey, n.mainNumber);
  }
  if (active && !b.liveBy.has(n.mainNumber)) {
    b.ending.delete(n.mainNumber);
    b.liveBy.set(n.mainNumber, line);
    b.certificates.set(certKey, n.mainNumber);
  }
  b.serviceNumbers.set(n.number, line);
  b.sequences.set(seqKey, line);
  if (active) for (const p of r.platforms) b.packages.set(identityKey(p.platform, p.packageName), line); // iOS bundle IDs folded
  b.lines.push({
    line, subject, servicePrincipal: p.servicePrincipal, serviceId: uuidv7(),
    serviceType: n.serviceType, serviceName: r.serviceName, serviceNumber: n.number, sequence: n.sequence, status: r.status,
    filedAt: r.approvedAt, statusChangedAt: r.statusChangedAt, domains: r.domains, homeUrl: r.homeUrl,
    platforms: r.platforms.map((x, idx) => ({
      id: uuidv7(), idx, platform: x.platform, packageName: x.packageName, md5: x.certMd5, sha1: x.certSha1, sha256: x.certSha256, active,
    })),
  });
}

/** One prepared line into the batch. */
function put(b: BatchState, p: PreparedLine): void {
  b.prepared.push(p);
  if ('issue' in p) reject(b, p.line, p.issue.field, p.issue.code, p.issue.message);
  else stage(b, p);
}

/** The batch staged again, the database's refusals `refused` (and those found before) known. */
function restage(b: BatchState, refused: Rejection[]): BatchState {
  const again = newBatch(new Map(b.known));
  for (const r of refused) again.known.set(r.line, r);
  for (const p of b.prepared) put(again, p);
  return again;
}

interface ImportRow { id: string; status: string; last_line: number; services: number; subjects: number; rejected: number }

async function openImport(db: Db, source: ImportSource, now: Date): Promise<ImportRow> {
  await db.query(
    `insert into imports (source_key, file_name, format, started_at, updated_at) values ($1, $2, $3, $4, $4)
     on conflict (source_key) do nothing`, [source.key, source.fileName.slice(-500), source.format, now]);
  const [row] = await db.query<ImportRow>('select id, status, last_line, services, subjects, rejected from imports where source_key = $1', [source.key]);
  return row!;
}

/**
 * Whether this run loads with the non-unique indexes set aside: an import that set them aside
 * earlier and was interrupted continues so; a new one does when the registry is empty. Indexes
 * another import left set aside (it died) are built first.
 */
async function startFirstLoad(db: Db, imp: ImportRow, mode: 'auto' | false, trace?: Trace): Promise<boolean> {
  await restoreDeferredIndexes(db, { exceptImportId: imp.id, trace });
  const [mine] = await db.query<{ n: number }>('select count(*)::int as n from deferred_indexes where import_id = $1', [imp.id]);
  if (mine!.n > 0 && mode === false) await restoreDeferredIndexes(db, { importId: imp.id, trace });
  if (mine!.n > 0) return mode !== false;
  if (mode === false || imp.last_line > 0) return false;
  return (await db.transaction((tx) => deferIndexesForFirstLoad(tx, imp.id))).length > 0;
}

/**
 * Imports `source` (resuming after its last committed line). `onProgress` is called after each
 * committed batch with the totals of this run.
 */
export async function importFilings(
  db: Db, sealer: Sealer, source: ImportSource,
  o: {
    batchSize?: number; clock?: () => Date; onProgress?: (p: ImportProgress) => void; trace?: Trace;
    /** Called once before the first line is read: where this run starts (a resumed import: after its last committed line) and the counts so far. */
    onStart?: (p: ImportProgress) => void;
    /**
     * 'auto' (default): into a registry with no subjects and no services, set the non-unique
     * indexes aside and build them at the end (migration 0035); false: maintain them row by row.
     */
    firstLoad?: 'auto' | false;
    /**
     * Worker threads that parse, check and seal the lines (src/db/import-workers.ts), with the
     * secrets their sealers need (the same as `sealer`'s); without: on this thread.
     */
    workers?: { count: number; secrets: Secrets };
  } = {},
): Promise<ImportSummary> {
  const clock = o.clock ?? (() => new Date());
  // A batch's transaction. On a PostgreSQL server its commit is not flushed at once (synchronous_commit
  // off): the server's WAL writer flushes it within a fraction of a second, and a batch lost to a
  // crash of the server is lost together with its progress row, so the re-run imports it again. On
  // the embedded database the server is this process, with no WAL writer of its own: an unflushed
  // commit stays in memory until a later one is flushed, so an interrupted import (Ctrl-C, kill)
  // lost every batch since — while it said they were committed. There each commit is written out
  // (to the operating system: PGlite runs without fsync, so it costs little).
  const batchTransaction = <T>(fn: (tx: Queryable) => Promise<T>) => db.transaction(async (tx) => {
    if (db.kind === 'postgresql') await tx.exec('set local synchronous_commit = off');
    return fn(tx);
  });
  const size = o.batchSize ?? DEFAULT_BATCH;
  const imp = await openImport(db, source, clock());
  let firstLoad = false;
  const summary = async (alreadyDone: boolean): Promise<ImportSummary> => {
    const [row] = await db.query<ImportRow>('select id, status, last_line, services, subjects, rejected from imports where id = $1', [imp.id]);
    const rows = await db.query<Rejection & { heldBy: HeldBy | null }>(
      'select line, field, code, message, held_by as "heldBy" from import_rejections where import_id = $1 order by line', [imp.id]);
    const rejections: Rejection[] = rows.map(({ heldBy, ...r }) => (heldBy ? { ...r, heldBy } : r));
    return { importId: imp.id, resumedFrom: imp.last_line, alreadyDone, firstLoad, services: row!.services, subjects: row!.subjects, rejected: row!.rejected, lastLine: row!.last_line, rejections };
  };
  if (imp.status === 'done') return summary(true);
  // Marked running (a server's start-up then leaves its set-aside indexes to it); refused when
  // another process runs the same import.
  const release = await markImportRunning(db, imp.id);
  let endedOf = new Set<string>();
  let liveOf = new Set<string>();
  try {
    firstLoad = await startFirstLoad(db, imp, o.firstLoad ?? 'auto', o.trace);
    // A first load writes its batches straight into the registry tables, its registry checks over
    // what it wrote (src/db/first-load.ts); a resumed one first reads back what the tables hold.
    let keys: FirstLoadKeys | null = null;
    if (firstLoad) {
      const t = performance.now();
      keys = await rebuildFirstLoadKeys(db);
      o.trace?.('first load: keys read back from the registry', performance.now() - t);
    }

    // Counts since the import began (a resumed run adds to what earlier runs committed), as the summary reports them.
    const run = { line: imp.last_line, services: imp.services, subjects: imp.subjects, rejected: imp.rejected };
    o.onStart?.({ ...run });
    let b = newBatch();
    let count = 0;
    let lastLine = imp.last_line;
    // One batch is written while the next is read and sealed (the database and this process each
    // get a core); writes stay in order, so each batch's checks see every earlier batch.
    let writing: Promise<void> | null = null;
    let interrupted = false;
    const ended = new Set<string>();
    const live = new Set<string>();
    endedOf = ended;
    liveOf = live;
    const flush = async () => {
      const first = b;
      const upTo = lastLine;
      b = newBatch();
      count = 0;
      if (writing) await writing;
      const attempt = (batch: BatchState): Promise<BatchResult> => {
        const staged = () => batchTransaction((tx) => writeBatch(tx, imp.id, batch.lines, batch.rejected, upTo, clock(), o.trace, batch.referenced));
        // Another writer's row met a direct batch (a unique violation): that batch, rolled back, goes
        // through the staging path, which checks each line against the registry.
        const write = keys
          ? batchTransaction((tx) => writeDirectBatch(tx, keys!, imp.id, batch.lines, batch.rejected, upTo, clock(), o.trace, batch.referenced))
            .catch((e: unknown) => { if (isUniqueViolation(e)) return staged(); throw e; })
          : staged();
        return write.then((r) => {
          keys?.addWritten(batch.lines, r.rejections);
          // The subjects given a cancelled or revoked service: decided at the end (endImportedEmptySubjects).
          // A line the database refused gave nothing (a refused live service keeps no subject filed).
          const refused = new Set(r.rejections.map((x) => x.line));
          for (const l of batch.lines) {
            if (refused.has(l.line)) continue;
            if (l.status !== 'filed') ended.add(l.subject.mainNumber); else live.add(l.subject.mainNumber);
          }
          return r;
        }, (e: unknown) => {
          // The database refused a line other lines' decisions rested on (rolled back, nothing written): again, that refusal known.
          if (e instanceof Restage) { o.trace?.('batch staged again', 0); return attempt(restage(batch, e.refused)); }
          throw e;
        });
      };
      writing = attempt(first).then((r) => {
        run.line = upTo;
        run.services += r.services;
        run.subjects += r.subjects;
        run.rejected += r.rejections.length;
        o.onProgress?.({ ...run });
      });
      writing.catch(() => {}); // awaited before the next batch or at the end
    };
    const take = async (p: PreparedLine) => {
      lastLine = p.line;
      count += 1;
      put(b, p);
      if (count >= size) await flush();
    };
    /** A chunk's answer, marked handled: a failure is seen when its turn comes (or not at all, the import having stopped). */
    const sent = (p: Promise<PreparedLine[]>) => { p.catch(() => {}); return p; };
    let pool: PrepareWorkers | null = null;
    try {
      // Started inside the try: a pool that cannot start is an interruption like any other (a first load's indexes come back).
      pool = o.workers && o.workers.count > 0 ? startPrepareWorkers(o.workers.count, o.workers.secrets) : null;
      if (!pool) {
        const preparer = new LinePreparer(sealer);
        for await (const l of source.lines(imp.last_line)) {
          if (l.line > imp.last_line) await take(preparer.prepare(l));
        }
      } else {
        // Chunks of lines to the workers, a few in flight each; taken back in the order sent.
        const inFlight: Promise<PreparedLine[]>[] = [];
        const takeOldest = async () => { for (const p of await inFlight.shift()!) await take(p); };
        let chunk: SourceLine[] = [];
        for await (const l of source.lines(imp.last_line)) {
          if (l.line <= imp.last_line) continue;
          chunk.push(l);
          if (chunk.length < PREPARE_CHUNK) continue;
          inFlight.push(sent(pool.prepare(chunk)));
          chunk = [];
          if (inFlight.length >= 3 * pool.count) await takeOldest();
        }
        if (chunk.length) inFlight.push(sent(pool.prepare(chunk)));
        while (inFlight.length) await takeOldest();
      }
      if (count > 0) await flush();
    } catch (e) {
      interrupted = true;
      throw e;
    } finally {
      await pool?.close();
      // An interrupted source still lets the batch in flight commit (or fail) before returning.
      if (writing) await (writing as Promise<void>).catch((e: unknown) => { if (!interrupted) throw e; });
      // Stopped before its first batch committed (an unknown CSV column, an unreadable file): the
      // registry is as empty as it was, so the indexes are built back now, in no time. Stopped
      // later, they wait for the run that continues (or for migrate / start-up).
      if (interrupted && firstLoad && run.line === imp.last_line) await restoreDeferredIndexes(db, { importId: imp.id, trace: o.trace });
    }
  } finally {
    await release(); // before the builds, which take two connections of the pool
  }
  // Before 'done': an import that dies while building them builds the rest when run again.
  if (firstLoad) await restoreDeferredIndexes(db, { importId: imp.id, trace: o.trace });
  // A subject with no live service left is cancelled, as the registry's flows leave none (a resumed
  // run checks every subject of the import: its earlier runs' are not in memory).
  // This run's candidates: subjects it gave an ended service and no live one (a live one keeps them filed).
  const candidates = [...endedOf].filter((m) => !liveOf.has(m));
  if (imp.last_line > 0 || candidates.length) {
    const t = performance.now();
    const mains = imp.last_line > 0 ? null : candidates;
    await db.transaction((tx) => endImportedEmptySubjects(tx, imp.id, mains, clock()));
    o.trace?.('subjects with no live service cancelled', performance.now() - t);
  }
  await db.query(`update imports set status = 'done', finished_at = $2, updated_at = $2 where id = $1`, [imp.id, clock()]);
  return summary(false);
}
