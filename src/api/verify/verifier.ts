// The verification service behind the /api/verify routes: parse each item, look the packages up
// through the identity cache (one query for whatever memory does not hold), judge, present, and
// record which filings the organisation checked (for its webhooks). Shared by the batch, stream
// and package-upload endpoints so they answer alike.
import type { Db } from '../../db/connection.ts';
import { type IdentityCache, startIdentityCache } from '../../db/identity-cache.ts';
import { createWatchRecorder, type WatchRecorder } from '../../db/watches.ts';
import type { Actor } from '../../domain/actors.ts';
import { identityKey, judge, type ItemProblem, parseItem, type PresentedCertificate, type RegisteredIdentity } from '../../domain/verification.ts';
import { presentIdentityResult, presentInvalid, type VerifyResultView } from './presenters.ts';

export interface RawItem { platform: string; packageName: string; fingerprint: string; ref?: string }

export interface Verifier {
  /** One result per item, in order; malformed items answer `invalid` without stopping the others. */
  verifyItems(actor: Actor, items: readonly RawItem[]): Promise<VerifyResultView[]>;
  /** A certificate from an uploaded package, with all its fingerprints. */
  verifyCertificate(actor: Actor, platform: string, packageName: string, cert: PresentedCertificate): Promise<VerifyResultView>;
  /** Records service ids an organisation looked up by number or USCC. */
  watch(actor: Actor, serviceIds: Iterable<string>): Promise<void>;
  readonly cache: IdentityCache;
  close(): Promise<void>;
}

export async function createVerifier(db: Db, now: () => Date, options: { cacheEntries?: number } = {}): Promise<Verifier> {
  const cache = await startIdentityCache(db, { maxEntries: options.cacheEntries });
  const watches: WatchRecorder = createWatchRecorder(db, { now });
  const watch = async (actor: Actor, ids: Iterable<string>) => { if (actor.orgId) await watches.record(actor.orgId, ids); };

  return {
    cache,
    watch,
    async verifyItems(actor, items) {
      const parsed = items.map((it) => parseItem(it));
      const keys = parsed.flatMap((p) => (p.ok ? [{ platform: p.value.platform, packageName: p.value.packageName }] : []));
      const found = await cache.get(keys);
      const seen = new Set<string>();
      const results = parsed.map((p, i): VerifyResultView => {
        const ref = items[i]!.ref;
        if (!p.ok) return presentInvalid(items[i]!, p.problem as ItemProblem, ref);
        const v = p.value;
        const identity = found.get(identityKey(v.platform, v.packageName)) ?? null;
        if (identity) seen.add(identity.serviceId);
        return presentIdentityResult(v.platform, v.packageName, identity, judge(identity, { [v.algorithm]: v.hex }), ref);
      });
      await watch(actor, seen);
      return results;
    },
    async verifyCertificate(actor, platform, packageName, cert) {
      const found = await cache.get([{ platform, packageName }]);
      const identity: RegisteredIdentity | null = found.get(identityKey(platform, packageName)) ?? null;
      if (identity) await watch(actor, [identity.serviceId]);
      return presentIdentityResult(platform, packageName, identity, judge(identity, cert));
    },
    close: () => cache.close(),
  };
}
