// A pending 6-digit code (a password reset's, a registration's), checked and used up under its row's
// lock: right → used; wrong → one attempt more (the last allowed ends it: exhausted); late → expired.
// The tables share these columns: id, code_hash, attempts, expires_at, status, decided_at.
import { timingSafeEqual } from 'node:crypto';
import type { Queryable } from './connection.ts';

export interface CodeTable {
  /** password_resets or registration_codes (a constant, never input). */
  table: 'password_resets' | 'registration_codes';
  /** The column the pending code is found by (user_id, mobile_hash). */
  keyColumn: 'user_id' | 'mobile_hash';
  maxAttempts: number;
  /** The stored hash of `code` for the row `id`. */
  hash(id: string, code: string): string;
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export async function useOneTimeCode(tx: Queryable, t: CodeTable, key: string, code: string, now: Date): Promise<boolean> {
  const [r] = await tx.query<{ id: string; code_hash: string; attempts: number; expires_at: Date }>(
    `select id, code_hash, attempts, expires_at from ${t.table} where ${t.keyColumn} = $1 and status = 'pending' for update`, [key]);
  if (!r) return false;
  if (now >= r.expires_at) {
    await tx.query(`update ${t.table} set status = 'expired', decided_at = $2 where id = $1`, [r.id, now]);
    return false;
  }
  if (!/^\d{6}$/.test(code) || !same(t.hash(r.id, code), r.code_hash)) {
    const attempts = r.attempts + 1;
    const exhausted = attempts >= t.maxAttempts;
    await tx.query(`update ${t.table} set attempts = $2, status = $3, decided_at = $4 where id = $1`,
      [r.id, attempts, exhausted ? 'exhausted' : 'pending', exhausted ? now : null]);
    return false;
  }
  await tx.query(`update ${t.table} set status = 'used', decided_at = $2 where id = $1`, [r.id, now]);
  return true;
}
