// One database interface over two backends: PGlite (embedded PostgreSQL in WASM, the
// default) and a PostgreSQL server through a pg pool. Same SQL, same migrations.
// Decision: docs/decisions/0002-raw-sql-over-a-thin-driver.md.
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

export type Row = Record<string, unknown>;

export interface QueryOptions {
  /**
   * Run as a named prepared statement (PostgreSQL server; PGlite ignores it): parsed once per
   * connection, and after five runs PostgreSQL may keep a generic plan instead of planning each
   * call. For hot read queries whose text comes from a small, fixed set of shapes only — every
   * distinct text stays prepared on every pooled connection.
   */
  prepare?: boolean;
  /**
   * With `prepare`: always run the statement's generic plan (`plan_cache_mode =
   * force_generic_plan` around it), never re-plan it for the parameters' values. For a hot
   * statement whose shape already fixes its access paths (public search, ADR 0029: planning it
   * cost more than running it) and that has no parameter a plan needs to see (no `LIKE $n`,
   * whose index use is decided from the pattern). Two short extra round trips on a server.
   */
  generic?: boolean;
}

export interface Queryable {
  query<T extends object = Row>(text: string, params?: unknown[], options?: QueryOptions): Promise<T[]>;
  /** Runs a multi-statement script (no parameters) through the simple query protocol. */
  exec(script: string): Promise<void>;
  /**
   * COPY `csv` (CSV rows, no header; one string, or chunks of whole rows in order) into
   * `table (columns)`: COPY FROM STDIN on a server (pg-copy-streams), COPY FROM '/dev/blob' on
   * PGlite. Bulk loads only (docs/decisions/0024-bulk-import.md). Chunks of a few hundred rows
   * are encoded to UTF-8 several times faster than one string of a whole batch (ADR 0032 addendum).
   */
  copyCsv?(table: string, columns: string, csv: string | string[]): Promise<void>;
  /**
   * COPY (`query`) TO STDOUT in text format, its bytes handed to `onChunk` in order, in chunks of
   * whole or partial lines (a line may straddle two chunks): on a server as they arrive (pg-copy-streams),
   * on PGlite at once (COPY TO '/dev/blob'). Bulk reads only (the identity index's load, ADR 0022).
   */
  copyOut?(query: string, onChunk: (chunk: Buffer) => void): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgresql';
  /** Runs fn in one transaction (READ COMMITTED); rolls back when fn throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * LISTEN on a channel; returns a function that stops listening. On a server, a lost listening
   * connection is re-established (with backoff): notifications sent meanwhile are lost, so
   * callers that cache learn of the gap through onLost / onRestored.
   */
  listen(channel: string, onPayload: (payload: string) => void, options?: ListenOptions): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface ListenOptions {
  /** The listening connection broke: notifications may be missed until onRestored. */
  onLost?: () => void;
  /** Listening again after a loss. */
  onRestored?: () => void;
}

// DATE columns stay 'YYYY-MM-DD' strings on both backends: calendar dates have no time zone.
const DATE_OID = 1082;
const INT8_OID = 20;

export async function openPglite(dataDir?: string): Promise<Db> {
  // Options go in one object: PGlite ignores them when dataDir is passed as undefined.
  const lite = new PGlite({
    ...(dataDir ? { dataDir } : {}),
    extensions: { pg_trgm },
    parsers: { [pgliteTypes.DATE]: (v: string) => v, [INT8_OID]: (v: string) => Number(v) },
  });
  await lite.waitReady;
  return {
    kind: 'pglite',
    async query<T extends object>(text: string, params?: unknown[]) {
      return (await lite.query<T>(text, params)).rows;
    },
    async exec(script) { await lite.exec(script); },
    transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      return lite.transaction(async (tx) => fn({
        query: async <R extends object>(text: string, params?: unknown[]) => (await tx.query<R>(text, params)).rows,
        exec: async (script: string) => { await tx.exec(script); },
        copyCsv: async (table: string, columns: string, csv: string | string[]) => {
          await tx.query(`copy ${table} (${columns}) from '/dev/blob' with (format csv)`, [], { blob: new Blob(typeof csv === 'string' ? [csv] : csv) });
        },
        copyOut: async (query: string, onChunk: (chunk: Buffer) => void) => {
          const blob = (await tx.query(`copy (${query}) to '/dev/blob'`)).blob;
          if (blob) onChunk(Buffer.from(await blob.arrayBuffer()));
        },
      }));
    },
    async listen(channel, onPayload) {
      const stop = await lite.listen(channel, onPayload);
      return async () => { await stop(); };
    },
    async close() { await lite.close(); },
  };
}

const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === DATE_OID) return (v: string) => v;
    if (oid === INT8_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** `probe: false`: do not try a connection now (a standby may be down at start; its reads go elsewhere). */
export async function openPostgres(url: string, options: { max?: number; probe?: boolean } = {}): Promise<Db> {
  // A capped search may read a table in stored order up to its window (ADR 0023): every such scan
  // starts at the table's first page, not where a concurrent scan happens to be, so the window —
  // and the pages within it — are the same from one request to the next. (An `options` in the URL
  // replaces this one.)
  // No JIT compilation (ADR 0029): it starts on a plan's estimated cost (jit_above_cost, 100,000),
  // not its run time, and the registry's short statements over large tables cross that estimate —
  // a page's public records over a million services cost 20–25 ms of compiling for 1 ms of work.
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types: pgTypes, options: '-c synchronize_seqscans=off -c jit=off' });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', () => {});
  if (options.probe !== false) await pool.query('select 1');
  const listeners = new Set<() => Promise<void>>();
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (!name) names.set(text, name = `b_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`);
    return name;
  };
  return {
    kind: 'postgresql',
    async query<T extends object>(text: string, params?: unknown[], options?: QueryOptions) {
      if (options?.prepare && options.generic) {
        const client = await pool.connect();
        let unsure: Error | undefined; // the setting may be left on: the connection is discarded, not reused
        try {
          await client.query('set plan_cache_mode = force_generic_plan').catch((e: Error) => { throw (unsure = e); });
          try {
            return (await client.query({ name: nameOf(text), text, values: params })).rows as T[];
          } finally {
            await client.query('reset plan_cache_mode').catch((e: Error) => { unsure = e; });
          }
        } finally {
          client.release(unsure);
        }
      }
      if (options?.prepare) return (await pool.query({ name: nameOf(text), text, values: params })).rows as T[];
      return (await pool.query(text, params)).rows as T[];
    },
    async exec(script) { await pool.query(script); },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      const client = await pool.connect();
      // A connection that breaks mid-transaction (the server restarted, failed over, or ended the
      // backend) also emits 'error' on the client, which would crash the process without a
      // listener; the query in flight rejects with it, and the client is discarded below.
      const ignore = () => {};
      client.on('error', ignore);
      let broken: Error | undefined;
      try {
        await client.query('begin');
        const result = await fn({
          query: async <R extends object>(t: string, p?: unknown[]) => (await client.query(t, p)).rows as R[],
          exec: async (script: string) => { await client.query(script); },
          copyCsv: async (table: string, columns: string, csv: string | string[]) => {
            await pipeline(Readable.from(typeof csv === 'string' ? [csv] : csv), client.query(copyFrom(`copy ${table} (${columns}) from stdin with (format csv)`)));
          },
          copyOut: async (query: string, onChunk: (chunk: Buffer) => void) => {
            for await (const chunk of client.query(copyTo(`copy (${query}) to stdout`))) onChunk(chunk as Buffer);
          },
        });
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch((e: unknown) => { broken = e as Error; });
        throw err;
      } finally {
        client.off('error', ignore);
        client.release(broken);
      }
    },
    async listen(channel, onPayload, options = {}) {
      const stop = await listenWithReconnect(url, channel, onPayload, options);
      const remove = async () => { listeners.delete(remove); await stop(); };
      listeners.add(remove);
      return remove;
    },
    async close() {
      await Promise.all([...listeners].map((stop) => stop()));
      await pool.end();
    },
  };
}

const RECONNECT_FIRST_MS = 100;
const RECONNECT_MAX_MS = 5_000;

/** A dedicated client that LISTENs and, when its connection breaks, reconnects with backoff. */
async function listenWithReconnect(url: string, channel: string, onPayload: (payload: string) => void, options: ListenOptions) {
  let current: pg.Client | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let delay = RECONNECT_FIRST_MS;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, types: pgTypes, application_name: 'beian-listen' });
    const lost = () => {
      if (current !== c) return;
      current = null;
      c.end().catch(() => {});
      options.onLost?.();
      schedule();
    };
    c.on('error', lost);
    c.on('end', lost);
    c.on('notification', (n) => { if (n.channel === channel) onPayload(n.payload ?? ''); });
    try {
      await c.connect();
      await c.query(`listen ${pg.escapeIdentifier(channel)}`);
    } catch (err) {
      await c.end().catch(() => {});
      throw err;
    }
    if (stopped) { await c.end().catch(() => {}); return; }
    current = c;
    delay = RECONNECT_FIRST_MS;
  };
  const schedule = () => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = null;
      connect().then(() => { if (current) options.onRestored?.(); }, () => {
        delay = Math.min(delay * 2, RECONNECT_MAX_MS);
        schedule();
      });
    }, delay);
    timer.unref();
  };
  await connect();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    const c = current;
    current = null;
    await c?.end().catch(() => {});
  };
}

/**
 * A Db over an open transaction: its `transaction` is a savepoint inside it. For work that
 * calls flows (each opening its own transaction) but must commit or roll back as one — the
 * demo seed's applications (src/flows/demo-applications.ts). No LISTEN, no close.
 */
export function savepointDb(tx: Queryable, kind: Db['kind']): Db {
  let n = 0;
  return {
    kind,
    query: (text, params, options) => tx.query(text, params, options),
    exec: (script) => tx.exec(script),
    async transaction<T>(fn: (inner: Queryable) => Promise<T>) {
      const name = `nested_${++n}`;
      await tx.query(`savepoint ${name}`);
      try {
        const result = await fn(tx);
        await tx.query(`release savepoint ${name}`);
        return result;
      } catch (err) {
        await tx.query(`rollback to savepoint ${name}`);
        throw err;
      }
    },
    listen: () => Promise.reject(new Error('no LISTEN inside a transaction')),
    close: async () => {},
  };
}
