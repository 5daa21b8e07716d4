// A pending 6-digit code (a password reset's, a registration's), checked and used up under its row's
// lock: right → used; wrong → one attempt more for the client that tried and for the code; late → expired.
// The tables share these columns: id, code_hash, attempts, expires_at, status, decided_at; each has an
// attempts table beside it (code_id, client_hash, attempts).
//
// Wrong tries are counted per client (ADR 0005 addendum "Wrong codes counted per client"): anyone who knows
// a mobile or a login may try its owner's code, so a code that ended after five wrong tries in all was
// ended by the first stranger. A client has `maxAttempts` wrong tries at a code — after them, even the right
// code is refused from that client (no free guesses) — and the code `maxAttemptsAll` in all, after which it
// is exhausted for everyone: a guesser needs maxAttemptsAll / maxAttempts clients to spend them, and still
// has maxAttemptsAll guesses out of 10^6 per code.
import { timingSafeEqual } from 'node:crypto';
import type { Queryable } from './connection.ts';

export interface CodeTable {
  /** password_resets or registration_codes (a constant, never input). */
  table: 'password_resets' | 'registration_codes';
  /** The column the pending code is found by (user_id, mobile_hash). */
  keyColumn: 'user_id' | 'mobile_hash';
  /** Wrong tries one client has at a code. */
  maxAttempts: number;
  /** Wrong tries all clients together have at a code: the brute-force bound. */
  maxAttemptsAll: number;
  /** The stored hash of `code` for the row `id`. */
  hash(id: string, code: string): string;
}

const ATTEMPTS_TABLE = { password_resets: 'password_reset_attempts', registration_codes: 'registration_code_attempts' } as const;

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** `clientHash`: the keyed hash of the client trying (clientOf in src/api/rate-limit.ts, HMAC kind `client_address`). */
export async function useOneTimeCode(tx: Queryable, t: CodeTable, key: string, code: string, clientHash: string, now: Date): Promise<boolean> {
  const [r] = await tx.query<{ id: string; code_hash: string; attempts: number; expires_at: Date }>(
    `select id, code_hash, attempts, expires_at from ${t.table} where ${t.keyColumn} = $1 and status = 'pending' for update`, [key]);
  if (!r) return false;
  if (now >= r.expires_at) {
    await tx.query(`update ${t.table} set status = 'expired', decided_at = $2 where id = $1`, [r.id, now]);
    return false;
  }
  const attempts = ATTEMPTS_TABLE[t.table];
  const [mine] = await tx.query<{ attempts: number }>(`select attempts from ${attempts} where code_id = $1 and client_hash = $2`, [r.id, clientHash]);
  const used = mine?.attempts ?? 0;
  // This client spent its tries: refused without looking at the code, and nothing more is counted.
  if (used >= t.maxAttempts) return false;
  if (!/^\d{6}$/.test(code) || !same(t.hash(r.id, code), r.code_hash)) {
    const total = r.attempts + 1;
    const exhausted = total >= t.maxAttemptsAll;
    await tx.query(`update ${t.table} set attempts = $2, status = $3, decided_at = $4 where id = $1`,
      [r.id, total, exhausted ? 'exhausted' : 'pending', exhausted ? now : null]);
    await tx.query(
      `insert into ${attempts} (code_id, client_hash, attempts) values ($1, $2, 1)
       on conflict (code_id, client_hash) do update set attempts = ${attempts}.attempts + 1`, [r.id, clientHash]);
    return false;
  }
  await tx.query(`update ${t.table} set status = 'used', decided_at = $2 where id = $1`, [r.id, now]);
  return true;
}
