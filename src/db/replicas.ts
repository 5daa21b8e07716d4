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

export interface StandbyStatus { name: string; replayLagMs: number | null; replayLsn: string | null }

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
  /** Each standby's replay position and lag, for /api/health. */
  standbys(): Promise<StandbyStatus[]>;
  close(): Promise<void>;
}

/** A PostgreSQL error that says the server (not the statement) failed: another server may answer. */
function serverFailed(err: unknown): boolean {
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

/** The read side over a primary and standbys (each its own pool); `waitMs` bounds the wait for a fence. */
export function withStandbys(primary: Db, standbys: readonly Standby[], options: { waitMs?: number } = {}): ReadSide {
  if (standbys.length === 0) return primaryOnly(primary);
  const waitMs = options.waitMs ?? READ_WAIT_MS;
  const state = standbys.map((s) => ({ ...s, replayed: -1n, downUntil: 0 }));
  let next = 0;
  const up = () => {
    const now = Date.now();
    return state.filter((s) => s.downUntil <= now);
  };
  const markDown = (db: Queryable) => {
    const s = state.find((x) => x.db === db);
    if (s) { s.downUntil = Date.now() + DOWN_MS; s.replayed = -1n; } // a restarted standby is asked again
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
          if (q === primary || !serverFailed(err)) throw err;
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
    async standbys() {
      return Promise.all(state.map(async (s) => {
        try {
          // Lag is zero when everything received is replayed (an idle primary sends nothing, and
          // the last replayed transaction's age would then grow without any lag).
          const [r] = await s.db.query<{ lsn: string | null; lag: number | null }>(
            `select pg_last_wal_replay_lsn()::text as lsn,
                    case when pg_last_wal_receive_lsn() is not distinct from pg_last_wal_replay_lsn() then 0
                         else round(extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::float8 end as lag`);
          return { name: s.name, replayLagMs: r?.lag ?? null, replayLsn: r?.lsn ?? null };
        } catch {
          return { name: s.name, replayLagMs: null, replayLsn: null };
        }
      }));
    },
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
      return taken.lsn.then((lsn) => side.at(lsn));
    },
  };
}
