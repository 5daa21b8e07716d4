// Sign-in with a password (issue 3, item 1). The login is an email or a mobile (hosts) or a
// staff login name. Throttled per account (or per unknown login) and per client address in
// table login_throttle (THROTTLE_POLICY), so the limit holds across processes. An unknown
// login and a wrong password get the same answer after the same argon2 work.
import { randomBytes } from 'node:crypto';
import { type AccountRow, findAccountByLogin } from '../db/accounts.ts';
import { hashPassword, verifyPassword } from '../db/credentials.ts';
import { clearFailures, lockedForSeconds, recordFailure } from '../db/login-throttle.ts';
import type { Sealer } from '../db/personal-data.ts';
import { insertSession, type NewSession } from '../db/sessions.ts';
import { accountActor, type LoginIdentifier, parseLogin, THROTTLE_POLICY } from '../domain/accounts.ts';
import {
  AccountDisabledError, InvalidCredentialsError, OrganisationSuspendedError, SignInThrottledError,
} from './account-errors.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';

export interface SignInInput { login: string; password: string; address: string }

let dummyHash: Promise<string> | undefined;
/** A hash to verify against when the login is unknown, so both cases cost one argon2 verify. */
const dummy = () => (dummyHash ??= hashPassword(randomBytes(18).toString('base64url')));

/** The sign-in throttle's key of an account (its failures and lock). */
export const accountThrottleKey = (userId: string) => `user:${userId}`;

/** Throttle keys hold no personal data: an account id, or a keyed hash of an unknown login. */
export const throttleKeys = (sealer: Sealer, id: LoginIdentifier, account: { id: string } | null, address: string) => ({
  login: account ? accountThrottleKey(account.id) : `login:${sealer.hash(id.kind === 'mobile' ? 'phone' : 'email', id.value)}`,
  address: `addr:${address}`, // as assertAddressUnlocked
});

/** The address's lock alone, before the request's body is read (the route's onRequest): a locked address costs no parsing. */
export async function assertAddressUnlocked(ctx: FlowContext, address: string): Promise<void> {
  const locked = await lockedForSeconds(ctx.db, [`addr:${address}`], ctx.now());
  if (locked > 0) throw new SignInThrottledError(locked);
}

export async function signIn(ctx: FlowContext, input: SignInInput, requestId: string | null): Promise<{ account: AccountRow; session: NewSession }> {
  const id = parseLogin(input.login);
  const account = await findAccountByLogin(ctx.db, ctx.sealer, id);
  const keys = throttleKeys(ctx.sealer, id, account, input.address);
  const locked = await lockedForSeconds(ctx.db, [keys.login, keys.address], ctx.now());
  if (locked > 0) throw new SignInThrottledError(locked);

  const ok = (await verifyPassword(account?.password_hash ?? await dummy(), input.password)) && account !== null;
  const now = ctx.now();
  if (!account || !ok) {
    const until = await ctx.db.transaction(async (tx) => {
      const a = await recordFailure(tx, keys.login, THROTTLE_POLICY.login, now);
      const b = await recordFailure(tx, keys.address, THROTTLE_POLICY.address, now);
      return [a, b].filter((d): d is Date => d !== null).sort((x, y) => y.getTime() - x.getTime())[0];
    });
    if (until) throw new SignInThrottledError(Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)));
    throw new InvalidCredentialsError();
  }
  if (account.disabled_at) throw new AccountDisabledError();
  if (account.org_status === 'suspended') throw new OrganisationSuspendedError();

  const session = await ctx.db.transaction(async (tx) => {
    await clearFailures(tx, keys.login);
    const actor = accountActor({
      userId: account.id, role: account.role, orgId: account.organisation_id, orgKind: account.org_kind,
      orgProvinceCode: account.org_province_code, requestId,
    });
    await recordHistory(tx, actor, { entityType: 'user', entityId: account.id, action: 'signed_in' }, now);
    return insertSession(tx, account.id, now);
  });
  return { account, session };
}
