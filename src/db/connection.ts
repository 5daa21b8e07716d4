// One database interface over two backends: PGlite (embedded PostgreSQL in WASM, the
// default) and a PostgreSQL server through a pg pool. Same SQL, same migrations.
// Decision: docs/decisions/0002-raw-sql-over-a-thin-driver.md.
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';

export type Row = Record<string, unknown>;

export interface Queryable {
  query<T extends object = Row>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs a multi-statement script (no parameters) through the simple query protocol. */
  exec(script: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgresql';
  /** Runs fn in one transaction (READ COMMITTED); rolls back when fn throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** LISTEN on a channel; returns a function that stops listening. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
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

export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types: pgTypes });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', () => {});
  await pool.query('select 1');
  const listeners: pg.Client[] = [];
  return {
    kind: 'postgresql',
    async query<T extends object>(text: string, params?: unknown[]) {
      return (await pool.query(text, params)).rows as T[];
    },
    async exec(script) { await pool.query(script); },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn({
          query: async <R extends object>(t: string, p?: unknown[]) => (await client.query(t, p)).rows as R[],
          exec: async (script: string) => { await client.query(script); },
        });
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload) {
      const client = new pg.Client({ connectionString: url, types: pgTypes });
      client.on('error', () => {});
      await client.connect();
      client.on('notification', (n) => { if (n.channel === channel) onPayload(n.payload ?? ''); });
      await client.query(`listen ${pg.escapeIdentifier(channel)}`);
      listeners.push(client);
      return async () => {
        listeners.splice(listeners.indexOf(client), 1);
        await client.end().catch(() => {});
      };
    },
    async close() {
      await Promise.all(listeners.map((c) => c.end().catch(() => {})));
      await pool.end();
    },
  };
}
