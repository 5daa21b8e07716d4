// Idempotency-Key for creating requests (issue 3, item 9): a retried request with the same
// key and body replays the first answer instead of creating a second application. The stored
// answer holds the application's materials, so it is sealed like any personal data.
//
// Several processes behind a proxy (issue 16 §3; ADR 0021): the key is claimed in the same
// transaction as the work and its answer, so a process that dies mid-request (kill -9, a lost
// connection) leaves neither the work nor a key stuck "in progress" — the retry, on any process,
// does the work once. A retry racing the first request waits on the key's unique index until the
// first commits (then replays its answer) or rolls back (then does the work itself).
import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../db/connection.ts';
import type { Sealer } from '../db/personal-data.ts';
import { NamedError } from '../domain/errors.ts';

const KEY = /^[A-Za-z0-9._:-]{8,128}$/;

export interface Stored<T> { status: number; body: T; replayed: boolean }

/** A Db whose every query and transaction runs inside `tx` (a flow's own transaction joins it). */
export function joined(db: Db, tx: Queryable): Db {
  return {
    kind: db.kind,
    query: (text, params, options) => tx.query(text, params, options),
    exec: (script) => tx.exec(script),
    transaction: (fn) => fn(tx),
    listen: (channel, onPayload, options) => db.listen(channel, onPayload, options),
    close: async () => {},
  };
}

/**
 * Runs `run` once per (scope, key). `run` must do all its database work through the Db it is
 * given (the key's transaction); without a key it is given `db` itself.
 */
export async function idempotent<T>(db: Db, sealer: Sealer, scope: string, key: string | undefined, request: unknown, run: (db: Db) => Promise<{ status: number; body: T }>): Promise<Stored<T>> {
  if (key === undefined) return { ...(await run(db)), replayed: false };
  if (!KEY.test(key)) {
    throw new NamedError('idempotency_key_invalid', 'invalid', 'Idempotency-Key must be 8–128 of A-Z a-z 0-9 . _ : -', [{ field: 'header.idempotency-key', code: 'invalid', message: 'bad key' }]);
  }
  const hash = createHash('sha256').update(JSON.stringify(request)).digest('base64url');
  return db.transaction(async (tx) => {
    const inserted = await tx.query(
      `insert into idempotency_keys (scope, key, request_hash) values ($1, $2, $3) on conflict do nothing returning key`, [scope, key, hash]);
    if (!inserted.length) {
      const [prior] = await tx.query<{ request_hash: string; status_code: number | null; response: string | null }>(
        'select request_hash, status_code, response from idempotency_keys where scope = $1 and key = $2', [scope, key]);
      if (prior?.request_hash !== hash) throw new NamedError('idempotency_key_reused', 'conflict', 'this Idempotency-Key was used for a different request');
      // Only rows written before keys were claimed in the work's transaction can lack an answer.
      if (prior.status_code === null) throw new NamedError('idempotency_in_progress', 'conflict', 'a request with this Idempotency-Key is still being processed');
      return { status: prior.status_code, body: JSON.parse(sealer.open(prior.response!)) as T, replayed: true };
    }
    // A failed request rolls its claim back with its work: it may be retried with the same key.
    const result = await run(joined(db, tx));
    await tx.query('update idempotency_keys set status_code = $3, response = $4 where scope = $1 and key = $2', [scope, key, result.status, JSON.stringify(sealer.seal(JSON.stringify(result.body)))]);
    return { ...result, replayed: false };
  });
}
