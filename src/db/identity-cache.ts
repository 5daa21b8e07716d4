// In-process cache of registry identities for the verification API (issue 5, benchmark (a)):
// `platform|package` → what loadIdentities answers (a filing, or "no record"), least recently
// used first out. Correctness rests on the database: triggers send NOTIFY beian_registry with
// the changed keys in the changing transaction (delivered on commit; migration 0003), and this
// cache drops those keys when it hears them. A revocation must never be missed, so:
//  - a load racing an invalidation is not stored (a generation counter taken before the query);
//  - while the listening connection is down nothing is cached or served from the cache, and the
//    cache is emptied when it is lost and again when it is restored (notifications sent
//    meanwhile are gone).
// See docs/decisions/0006-registry-change-notifications.md.
import type { RegisteredIdentity } from '../domain/verification.ts';
import type { Db } from './connection.ts';
import { loadIdentities } from './verification.ts';

export const REGISTRY_CHANNEL = 'beian_registry';

export interface IdentityKey { platform: string; packageName: string }

export interface IdentityCacheStats { size: number; hits: number; misses: number; invalidations: number; listening: boolean }

export interface IdentityCache {
  /**
   * Facts for each key, in the order given (null = no record): from memory where possible, and
   * one query for the distinct rest.
   */
  get(keys: readonly IdentityKey[]): Promise<(RegisteredIdentity | null)[]>;
  stats(): IdentityCacheStats;
  close(): Promise<void>;
}

export interface IdentityCacheOptions {
  /** Entries kept; the least recently used go first. Default 100,000 (≈ 65 MiB: measured ~670 bytes an entry). */
  maxEntries?: number;
}

const keyOf = (k: IdentityKey) => `${k.platform}|${k.packageName}`;

export async function startIdentityCache(db: Db, options: IdentityCacheOptions = {}): Promise<IdentityCache> {
  const max = options.maxEntries ?? 100_000;
  const entries = new Map<string, RegisteredIdentity | null>();
  let generation = 0;
  let listening = true;
  let hits = 0;
  let misses = 0;
  let invalidations = 0;

  const invalidate = (payload: string) => {
    generation += 1;
    invalidations += 1;
    let keys: unknown;
    try { keys = payload === '*' ? null : JSON.parse(payload); } catch { keys = null; }
    if (Array.isArray(keys)) for (const k of keys) entries.delete(String(k));
    else entries.clear();
  };
  const stop = await db.listen(REGISTRY_CHANNEL, invalidate, {
    onLost: () => { listening = false; invalidate('*'); },
    onRestored: () => { invalidate('*'); listening = true; },
  });

  const remember = (key: string, value: RegisteredIdentity | null) => {
    entries.set(key, value);
    if (entries.size > max) entries.delete(entries.keys().next().value as string);
  };

  return {
    async get(keys) {
      const out = new Array<RegisteredIdentity | null>(keys.length);
      // Distinct keys not in memory → the positions that wait for them.
      const missing = new Map<string, { key: IdentityKey; at: number[] }>();
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const key = keyOf(k);
        const cached = listening ? entries.get(key) : undefined;
        if (cached === undefined) {
          const m = missing.get(key);
          if (m) m.at.push(i); else missing.set(key, { key: k, at: [i] });
          continue;
        }
        entries.delete(key); // refresh its place in the LRU order
        entries.set(key, cached);
        out[i] = cached;
        hits += 1;
      }
      if (missing.size === 0) return out;
      misses += missing.size;
      const before = generation;
      const loaded = await loadIdentities(db, [...missing.values()].map((m) => m.key));
      // Stored only if no change was announced while the query ran (it may predate the change).
      const store = listening && generation === before;
      for (const [key, m] of missing) {
        const value = loaded.get(key) ?? null;
        for (const i of m.at) out[i] = value;
        if (store) remember(key, value);
      }
      return out;
    },
    stats: () => ({ size: entries.size, hits, misses, invalidations, listening }),
    async close() { await stop(); entries.clear(); },
  };
}
