// Idempotency-Key for creating requests (issue 3, item 9): a retried request with the same
// key and body replays the first answer instead of creating a second application. The stored
// answer holds the application's materials, so it is sealed like any personal data.
import { createHash } from 'node:crypto';
import type { Db } from '../db/connection.ts';
import type { Sealer } from '../db/personal-data.ts';
import { NamedError } from '../domain/errors.ts';

const KEY = /^[A-Za-z0-9._:-]{8,128}$/;

export interface Stored<T> { status: number; body: T; replayed: boolean }

export async function idempotent<T>(db: Db, sealer: Sealer, scope: string, key: string | undefined, request: unknown, run: () => Promise<{ status: number; body: T }>): Promise<Stored<T>> {
  if (key === undefined) return { ...(await run()), replayed: false };
  if (!KEY.test(key)) {
    throw new NamedError('idempotency_key_invalid', 'invalid', 'Idempotency-Key must be 8–128 of A-Z a-z 0-9 . _ : -', [{ field: 'header.idempotency-key', code: 'invalid', message: 'bad key' }]);
  }
  const hash = createHash('sha256').update(JSON.stringify(request)).digest('base64url');
  const inserted = await db.query(
    `insert into idempotency_keys (scope, key, request_hash) values ($1, $2, $3) on conflict do nothing returning key`, [scope, key, hash]);
  if (!inserted.length) {
    const [prior] = await db.query<{ request_hash: string; status_code: number | null; response: string | null }>(
      'select request_hash, status_code, response from idempotency_keys where scope = $1 and key = $2', [scope, key]);
    if (prior?.request_hash !== hash) throw new NamedError('idempotency_key_reused', 'conflict', 'this Idempotency-Key was used for a different request');
    if (prior.status_code === null) throw new NamedError('idempotency_in_progress', 'conflict', 'a request with this Idempotency-Key is still being processed');
    return { status: prior.status_code, body: JSON.parse(sealer.open(prior.response!)) as T, replayed: true };
  }
  try {
    const result = await run();
    await db.query('update idempotency_keys set status_code = $3, response = $4 where scope = $1 and key = $2', [scope, key, result.status, JSON.stringify(sealer.seal(JSON.stringify(result.body)))]);
    return { ...result, replayed: false };
  } catch (e) {
    // A failed request may be retried with the same key.
    await db.query('delete from idempotency_keys where scope = $1 and key = $2', [scope, key]);
    throw e;
  }
}
