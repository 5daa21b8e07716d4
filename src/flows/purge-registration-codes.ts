// Registration codes past their use are deleted (ADR 0005 addendum "Registration codes: purge"): a
// `registration_codes` row holds the keyed hash of a mobile that may never have registered — personal
// data kept only as long as it serves (PIPL Art. 19: the shortest time the purpose needs). A row serves
// while its code may be used (REGISTRATION_CODE_VALIDITY_MS) and while it counts against the mobile's
// request limits (the longest window, REGISTRATION_CODE_WINDOWS_MS); nothing else reads it (an account
// made with a code is history of its own, `registered`). Daily timed work (ADR 0016), once across processes.
import type { Queryable } from '../db/connection.ts';
import type { FlowContext } from './context.ts';
import { REGISTRATION_CODE_RETENTION_MS } from './request-registration-code.ts';

/** Deletes every registration code created more than REGISTRATION_CODE_RETENTION_MS before now, whatever its state. */
export async function purgeRegistrationCodes(ctx: FlowContext, tx: Queryable): Promise<number> {
  const rows = await tx.query('delete from registration_codes where created_at < $1 returning 1', [new Date(ctx.now().getTime() - REGISTRATION_CODE_RETENTION_MS)]);
  return rows.length;
}
