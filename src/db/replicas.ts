// Reads from streaming standbys (issue 16 items 1–2; docs/decisions/0020-reads-from-standbys.md).
// The primary takes every write and every read that decides a write; the read side (public
// query, verification, badges, catalogue checks, statistics) may go to a hot standby named in
// DATABASE_READ_URL. Two rules keep a standby's lag from ever showing:
//  - read-your-writes: a session that wrote carries the primary's WAL position after its write
//    (its "fence"); its reads go to a standby only once that standby has replayed the fence,
//    waiting up to READ_WAIT_MS, else to the primary;
//  - fenced re-reads: a cache that heard an invalidation from the primary re-reads only from a
//    standby that has replayed the primary's position taken AFTER the notification arrived
//    (createReadFence) — notifications are delivered after commit, so that position is past
//    the commit record. A trigger cannot know its own commit LSN (it runs before the commit
//    record is written), so an LSN in the payload would not be a safe fence.
// With PGlite, or without DATABASE_READ_URL, every read goes to the primary and none of this runs.
import type { Db, Queryable } from './connection.ts';

/** A WAL position in PostgreSQL's text form, `X/Y` (hex). */
export type Lsn = string;

const LSN = /^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/i;

/** The LSN as a number for comparison; null when the text is not an LSN. */
export function lsnValue(lsn: string | null | undefined): bigint | null {
  if (!lsn || !LSN.test(lsn)) return null;
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}

/** The later of two positions (null: none). */
export function laterLsn(a: Lsn | null, b: Lsn | null): Lsn | null {
  const va = lsnValue(a);
  const vb = lsnValue(b);
  if (va === null) return vb === null ? null : b;
  if (vb === null) return a;
  return vb > va ? b : a;
}

/** How long a read waits for a standby to replay its fence before it goes to the primary. */
export const READ_WAIT_MS = 250;
/** A standby that failed to answer is left alone this long (reads go elsewhere). */
const DOWN_MS = 2_000;

/**
 * The primary's WAL insert position: past the commit record of every transaction that has
 * committed (or whose notification has been delivered) before the call, whatever
 * synchronous_commit says. (pg_current_wal_lsn, the write position, is past it only under
 * synchronous commit.)
 */
export const PRIMARY_LSN_SQL = 'select pg_current_wal_insert_lsn()::text as lsn';

/**
 * Waits until `reader` (a standby) has replayed `lsn`; false after timeoutMs. Polls
 * pg_last_wal_replay_lsn(), which only moves forward while the standby runs; a server that is
 * not a standby answers null and never satisfies the wait.
 */
export async function waitForReplay(reader: Queryable, lsn: Lsn, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (let pause = 2; ; pause = Math.min(pause * 2, 20)) {
    const [r] = await reader.query<{ ok: boolean | null }>('select pg_last_wal_replay_lsn() >= $1::pg_lsn as ok', [lsn]);
    if (r?.ok) return true;
    const left = until - Date.now();
    if (left <= 0) return false;
    await new Promise((done) => setTimeout(done, Math.min(pause, left)));
  }
}

/**
 * A standby as /api/health reports it. `replayLagMs`: how old the standby's answers may be (0:
 * caught up with the primary, or with everything it received when the primary does not answer);
 * null when unknown (the standby did not answer, is not a standby, or is cut off while the
 * primary does not answer either). `replayLagBytes`: WAL the primary has written that the standby
 * has not replayed (null without both positions). `streaming`: its WAL receiver streams from a
 * primary (null: it did not answer). `notAStandby`: the server is not in recovery (a primary, e.g.
 * one promoted after a failover): no read goes to it.
 */
export interface StandbyStatus {
  name: string; replayLagMs: number | null; replayLsn: string | null;
  replayLagBytes: number | null; streaming: boolean | null; notAStandby: boolean;
}

/** What one look at a standby (and at the primary's position) found. */
interface Probe { recovery: boolean; replayLsn: string | null; receiveLsn: string | null; streaming: boolean; sinceReplayMs: number | null }

const PROBE_SQL = `select pg_is_in_recovery() as recovery, pg_last_wal_replay_lsn()::text as replay, pg_last_wal_receive_lsn()::text as receive,
  coalesce((select status = 'streaming' from pg_stat_wal_receiver limit 1), false) as streaming,
  extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000 as since`;

async function probeStandby(db: Queryable): Promise<Probe> {
  const [r] = await db.query<{ recovery: boolean; replay: string | null; receive: string | null; streaming: boolean; since: number | string | null }>(PROBE_SQL);
  return { recovery: r!.recovery, replayLsn: r!.replay, receiveLsn: r!.receive, streaming: r!.streaming, sinceReplayMs: r!.since === null ? null : Math.round(Number(r!.since)) };
}

/**
 * The lag of a standby. The old rule (0 when everything received is replayed) also held for a
 * standby that receives nothing — cut off from the primary it answered "0" while growing older for
 * good. So: when WAL is pending (received and not replayed, or written by the primary and not
 * replayed while the standby does not stream) the lag is the age of the last replayed transaction;
 * when the standby streams and has replayed what it received it is 0 (an idle primary sends
 * nothing, and that age would grow with no lag); cut off with the primary unreachable, unknown.
 */
export function standbyLag(p: Probe, primaryLsn: Lsn | null): { replayLagMs: number | null; replayLagBytes: number | null } {
  const replay = lsnValue(p.replayLsn);
  if (!p.recovery || replay === null) return { replayLagMs: null, replayLagBytes: null };
  const primary = lsnValue(primaryLsn);
  const bytes = primary === null ? null : primary > replay ? Number(primary - replay) : 0;
  const received = lsnValue(p.receiveLsn);
  const age = p.sinceReplayMs === null ? null : Math.max(0, p.sinceReplayMs);
  if (received !== null && received > replay) return { replayLagMs: age, replayLagBytes: bytes };
  if (p.streaming) return { replayLagMs: 0, replayLagBytes: bytes };
  if (bytes === null) return { replayLagMs: null, replayLagBytes: null };
  return { replayLagMs: bytes > 0 ? age : 0, replayLagBytes: bytes };
}

export interface Standby { name: string; db: Db }

/** Where reads go. Built once per process over the primary and the configured standbys. */
export interface ReadSide {
  readonly primary: Db;
  /** True when standbys are configured (PostgreSQL with DATABASE_READ_URL). */
  readonly replicated: boolean;
  /**
   * A reader that has replayed `fence` (null: no fence): a standby known or found (waiting up
   * to READ_WAIT_MS) to have replayed it, else the primary.
   */
  reader(fence: Lsn | null): Promise<Queryable>;
  /**
   * A Queryable for one unit of reading (a request): the reader is chosen on its first query
   * and kept, so the queries of one answer see one snapshot of one server; a standby that
   * fails to answer is replaced by the primary.
   */
  at(fence: Lsn | null): Queryable;
  /** The primary's WAL position now (PRIMARY_LSN_SQL); null when there are no standbys to fence. */
  primaryLsn(): Promise<Lsn | null>;
  /** Each standby's replay position and lag, for /api/health (it also refreshes which standbys reads may use). */
  standbys(): Promise<StandbyStatus[]>;
  close(): Promise<void>;
}

/** A PostgreSQL error that says the server (not the statement) failed: another server may answer. */
export function serverFailed(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  // No SQLSTATE: a socket error (ECONNREFUSED, ECONNRESET …). 08: connection; 57P: shutdown /
  // cannot connect now; 40001 on a standby: cancelled by a conflict with recovery.
  return typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || code.startsWith('08') || code.startsWith('57P') || code === '40001';
}

/** The primary alone: reads where writes go (PGlite, or no DATABASE_READ_URL). */
export function primaryOnly(primary: Db): ReadSide {
  return {
    primary, replicated: false,
    reader: async () => primary,
    at: () => primary,
    primaryLsn: async () => null,
    standbys: async () => [],
    close: async () => {},
  };
}

/** How long what a look at the standbys found is used before the next read looks again. */
const PROBE_EVERY_MS = 1_000;
/** The primary's position for lag, bounded: a primary that hangs must not hold up health or reads. */
const PRIMARY_PROBE_MS = 1_000;
const CURRENT_LSN_SQL = 'select pg_current_wal_lsn()::text as lsn';

/** The primary's write position, or null when it does not answer within PRIMARY_PROBE_MS. */
async function currentPrimaryLsn(primary: Queryable): Promise<Lsn | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((done) => { timer = setTimeout(() => done(null), PRIMARY_PROBE_MS); timer.unref?.(); });
  try {
    return await Promise.race([primary.query<{ lsn: string }>(CURRENT_LSN_SQL).then(([r]) => r?.lsn ?? null, () => null), late]);
  } finally { clearTimeout(timer); }
}

/**
 * The read side over a primary and standbys (each its own pool); `waitMs` bounds the wait for a fence.
 * `onExcluded` hears (once per change) that a standby stopped or started being used for reads.
 */
export function withStandbys(primary: Db, standbys: readonly Standby[], options: { waitMs?: number; onExcluded?: (name: string, why: 'not_a_standby' | 'not_streaming' | null) => void } = {}): ReadSide {
  if (standbys.length === 0) return primaryOnly(primary);
  const waitMs = options.waitMs ?? READ_WAIT_MS;
  // `excluded`: what the last look found that keeps reads away from the standby —
  //  - not_a_standby: the server is not in recovery (a promoted one, or a primary named by
  //    mistake). Its replay position is null, so every fenced read would wait the whole bound and
  //    then go to the primary; and after a failover it may be a second primary whose data has left
  //    the one DATABASE_URL names. The primary answers instead (health and the start-up log say why);
  //  - not_streaming while the primary answers: cut off, it only grows older. (With the primary
  //    unreachable a standby that does not stream is expected, and it is what can still answer.)
  const state = standbys.map((s) => ({ ...s, replayed: -1n, downUntil: 0, excluded: null as 'not_a_standby' | 'not_streaming' | null, probedAt: 0, probing: false }));
  let next = 0;
  const up = () => {
    const now = Date.now();
    if (state.some((s) => now - s.probedAt >= PROBE_EVERY_MS && !s.probing)) void look().catch(() => {});
    return state.filter((s) => s.downUntil <= now && !s.excluded);
  };
  const exclude = (s: (typeof state)[number], why: 'not_a_standby' | 'not_streaming' | null) => {
    if (s.excluded === why) return;
    s.excluded = why;
    options.onExcluded?.(s.name, why);
  };
  /** Looks at every standby (and the primary's position): their status, and which reads may use. */
  const look = async (): Promise<StandbyStatus[]> => {
    for (const s of state) s.probing = true;
    try {
      const primaryLsn = await currentPrimaryLsn(primary);
      return await Promise.all(state.map(async (s): Promise<StandbyStatus> => {
        try {
          const p = await probeStandby(s.db);
          s.probedAt = Date.now();
          exclude(s, !p.recovery ? 'not_a_standby' : !p.streaming && primaryLsn !== null ? 'not_streaming' : null);
          return { name: s.name, replayLsn: p.replayLsn, ...standbyLag(p, primaryLsn), streaming: p.recovery ? p.streaming : false, notAStandby: !p.recovery };
        } catch {
          s.probedAt = Date.now();
          return { name: s.name, replayLagMs: null, replayLsn: null, replayLagBytes: null, streaming: null, notAStandby: false };
        }
      }));
    } finally {
      for (const s of state) s.probing = false;
    }
  };
  const markDown = (db: Queryable) => {
    const s = state.find((x) => x.db === db);
    if (s) { s.downUntil = Date.now() + DOWN_MS; s.replayed = -1n; } // a restarted standby is asked again
  };

  /** A standby for a read the primary failed: one not known down first; never one that is not a standby. */
  const fallbackStandby = (): Queryable | undefined => {
    const now = Date.now();
    const candidates = state.filter((s) => s.excluded !== 'not_a_standby');
    return (candidates.find((s) => s.downUntil <= now) ?? candidates[0])?.db;
  };

  const reader = async (fence: Lsn | null): Promise<Queryable> => {
    const live = up();
    if (live.length === 0) return primary;
    const first = next++ % live.length;
    const order = [...live.slice(first), ...live.slice(0, first)];
    const want = lsnValue(fence);
    if (want === null) return order[0]!.db;
    const known = order.find((s) => s.replayed >= want);
    if (known) return known.db;
    const s = order[0]!;
    try {
      if (await waitForReplay(s.db, fence!, waitMs)) {
        if (want > s.replayed) s.replayed = want;
        return s.db;
      }
    } catch (err) {
      if (!serverFailed(err)) throw err;
      markDown(s.db);
    }
    return primary;
  };

  const side: ReadSide = {
    primary, replicated: true, reader,
    at(fence) {
      let chosen: Promise<Queryable> | null = null;
      const run = async <T>(use: (q: Queryable) => Promise<T>): Promise<T> => {
        chosen ??= reader(fence);
        const q = await chosen;
        try {
          return await use(q);
        } catch (err) {
          if (!serverFailed(err)) throw err;
          if (q === primary) {
            // The primary does not answer. A read without a fence may go to any standby, even one
            // the last look set aside as cut off (it was cut off from this very primary, and is
            // now the freshest server there is); a fenced read may not (it could miss its own write).
            const alt = fence === null ? fallbackStandby() : undefined;
            if (!alt) throw err;
            void look().catch(() => {});
            chosen = Promise.resolve(alt);
            return use(alt);
          }
          markDown(q);
          chosen = Promise.resolve(primary);
          return use(primary);
        }
      };
      return {
        query: (text, params, options) => run((q) => q.query(text, params, options)),
        exec: (script) => run((q) => q.exec(script)),
      };
    },
    async primaryLsn() {
      const [r] = await primary.query<{ lsn: string }>(PRIMARY_LSN_SQL);
      return r!.lsn;
    },
    standbys: look,
    async close() { await Promise.all(state.map((s) => s.db.close())); },
  };
  return side;
}

/** host:port of a standby URL (no user, no password), as /api/health names it. */
export function standbyName(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}`;
}

/**
 * The fence of a cache fed by invalidations heard from the primary (ADR 0020). Call advance()
 * whenever something may have changed unheard or was just heard: a notification, the listening
 * connection lost or restored. reader() answers a reader for a load starting now: the first
 * load after an advance takes the primary's position (one query, shared by every load until
 * the next advance) and goes to a standby that has replayed it, else the primary. Because that
 * position is taken after the notification was delivered (hence after its commit), a load never
 * reads a state older than what was heard; the caller still discards a load that an advance
 * overtook (its generation check), as it does without standbys.
 */
export interface ReadFence {
  advance(): void;
  reader(): Promise<Queryable>;
}

/** Readers a fence handed out without a fence (the primary did not answer): see isUnfenced. */
const unfencedReaders = new WeakSet<Queryable>();

/**
 * True for a reader that createReadFence handed out without a fence because the primary's position
 * could not be read. What it reads may be answered, never kept: a cache that stored it could hold
 * a state older than an invalidation it already heard, for good.
 */
export function isUnfenced(reader: Queryable): boolean { return unfencedReaders.has(reader); }

export function createReadFence(side: ReadSide): ReadFence {
  let generation = 0;
  let taken: { generation: number; lsn: Promise<Lsn | null> } | null = null;
  return {
    advance() { generation += 1; },
    reader() {
      if (!side.replicated) return Promise.resolve(side.primary);
      if (!taken || taken.generation !== generation) {
        const mine = { generation, lsn: side.primaryLsn() };
        // A failed look-up is not kept: the next load asks again.
        mine.lsn.catch(() => { if (taken === mine) taken = null; });
        taken = mine;
      }
      return taken.lsn.then((lsn) => side.at(lsn), (err: unknown) => {
        // The primary does not answer (ADR 0020 addendum). The fence exists so that a cache does
        // not re-read, from a standby behind it, a state older than an invalidation it heard. With
        // the primary unreachable nothing new can commit, so there is no newer write to fence
        // against: the standby holds every acknowledged commit (synchronous replication) or all
        // but its lag (asynchronous), exactly what an unfenced read of a single record gets, and
        // failing instead would answer 500 for every search while a healthy standby could answer.
        // The one case the fence still guards — an invalidation heard just before the primary
        // went away, not yet replayed by the standby — is why the answer is marked (isUnfenced):
        // the caches answer it but never keep it (and they keep nothing while their listening
        // connection to the primary is down anyway).
        if (!serverFailed(err)) throw err;
        const reader = side.at(null);
        unfencedReaders.add(reader);
        return reader;
      });
    },
  };
}
