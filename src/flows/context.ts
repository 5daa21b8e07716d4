// What every flow receives: the database, the personal-data sealer and the clock
// (house rule 8: time is an argument; tests pass a fixed clock).
import type { Db } from '../db/connection.ts';
import type { Sealer } from '../db/personal-data.ts';
import type { IdentityVerifier } from './identity.ts';

export interface FlowContext {
  db: Db;
  sealer: Sealer;
  now: () => Date;
  /** The system's public base URL (links in notices). */
  publicUrl: string;
  /** The external identity service; the development verifier when absent. */
  identityVerifier?: IdentityVerifier;
}
