// Failed sign-ins counted in the database (table login_throttle), so the limit holds across
// processes and restarts. Policy (limits, windows) lives in src/domain/accounts.ts.
import type { Queryable } from './connection.ts';

export interface ThrottleRule { limit: number; windowSeconds: number; lockSeconds: number }

/** Seconds until the last of the named keys unlocks, or 0 when none is locked. */
export async function lockedForSeconds(db: Queryable, keys: string[], now: Date): Promise<number> {
  const [row] = await db.query<{ until: Date | null }>(
    'select max(locked_until) as until from login_throttle where key = any($1::text[]) and locked_until > $2',
    [keys, now],
  );
  return row?.until ? Math.max(1, Math.ceil((row.until.getTime() - now.getTime()) / 1000)) : 0;
}

/**
 * Counts one failure against a key in a fixed window that starts at the first failure; the
 * failure that reaches the limit locks the key. One statement, so concurrent failures from
 * several processes all count. Returns the lock's end, or null.
 */
export async function recordFailure(db: Queryable, key: string, rule: ThrottleRule, now: Date): Promise<Date | null> {
  const [row] = await db.query<{ locked_until: Date | null }>(
    `insert into login_throttle as t (key, failures, window_start, locked_until)
       values ($1, 1, $2, case when $3::int <= 1 then $2::timestamptz + make_interval(secs => $5) end)
     on conflict (key) do update set
       failures = case when t.window_start <= $2::timestamptz - make_interval(secs => $4) then 1 else t.failures + 1 end,
       window_start = case when t.window_start <= $2::timestamptz - make_interval(secs => $4) then $2 else t.window_start end,
       locked_until = case
         when (case when t.window_start <= $2::timestamptz - make_interval(secs => $4) then 1 else t.failures + 1 end) >= $3::int
           then $2::timestamptz + make_interval(secs => $5)
         else t.locked_until end
     returning locked_until`,
    [key, now, rule.limit, rule.windowSeconds, rule.lockSeconds],
  );
  return row?.locked_until && row.locked_until > now ? row.locked_until : null;
}

/** A successful sign-in forgets the login's failures (not the address's). */
export async function clearFailures(db: Queryable, key: string): Promise<void> {
  await db.query('delete from login_throttle where key = $1', [key]);
}
