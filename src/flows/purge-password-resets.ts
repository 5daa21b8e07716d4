// Password resets past their use are deleted (ADR 0005 addendum "Password resets: purge"), as
// registration codes are (purge-registration-codes.ts): a `password_resets` row serves while its code
// may be used (RESET_VALIDITY_MS) and while it counts against the account's request limit
// (RESET_WINDOW_MS); nothing else reads it — the account's history keeps the request and the reset
// (`password_reset_requested`, `password_reset`). PIPL Art. 19: the shortest time the purpose needs.
// Daily timed work (ADR 0016), once across processes.
import type { Queryable } from '../db/connection.ts';
import type { FlowContext } from './context.ts';
import { RESET_RETENTION_MS } from './reset-password.ts';

/** Deletes every password reset created more than RESET_RETENTION_MS before now, whatever its state. */
export async function purgePasswordResets(ctx: FlowContext, tx: Queryable): Promise<number> {
  const rows = await tx.query('delete from password_resets where created_at < $1 returning 1', [new Date(ctx.now().getTime() - RESET_RETENTION_MS)]);
  return rows.length;
}
