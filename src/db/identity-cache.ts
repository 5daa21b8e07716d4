// In-process cache of registry identities for the verification API (issue 5, benchmark (a)):
// `platform|package` → what loadIdentities answers (a filing, or "no record"), least recently
// used first out. Correctness rests on the database: triggers send NOTIFY beian_registry with
// the changed keys in the changing transaction (delivered on commit; migration 0003), and this
// cache drops those keys when it hears them. A revocation must never be missed, so:
//  - a load racing an invalidation is not stored (a generation counter taken before the query);
//  - while the listening connection is down nothing is cached or served from the cache, and the
//    cache is emptied when it is lost and again when it is restored (notifications sent
//    meanwhile are gone).
// Misses are coalesced: a call's misses go in one query, started at once while fewer than
// MAX_LOADS run; otherwise they wait with every other call's misses for the next slot and go
// in one query together (concurrent single-item checks under load, say). A call joins a load
// already running only if no change was announced since it started, so a check that begins
// after a revocation was heard never answers from older data.
// With standbys (ADR 0020) loads go through a ReadFence: every notification, and the loss or
// return of the listening connection, advances it, and a load reads only from a standby that has
// replayed the primary's position taken after that — never the pre-revocation state it just heard about.
// See docs/decisions/0006-registry-change-notifications.md.
import { identityKey, type RegisteredIdentity } from '../domain/verification.ts';
import type { Db } from './connection.ts';
import { evictOldest } from './bounded-map.ts';
import { isUnfenced, type ReadFence } from './replicas.ts';
import { loadIdentities } from './verification.ts';

export const REGISTRY_CHANNEL = 'beian_registry';

export interface IdentityKey { platform: string; packageName: string }

export interface IdentityCacheStats {
  size: number; hits: number; misses: number; invalidations: number; listening: boolean;
  /** Parts of large batches answered on worker threads from the shared index and used, and those written again on the request's thread (MemoryIdentities.countShared). */
  sharedParts?: number; sharedRewritten?: number;
}

export interface IdentityCache {
  /**
   * Facts for each key, in the order given (null = no record): from memory where possible, and
   * one query for the distinct rest.
   */
  get(keys: readonly IdentityKey[]): Promise<(RegisteredIdentity | null)[]>;
  /** As get, without waiting: the answers when memory holds every key, else undefined (nothing counted). */
  peek(keys: readonly IdentityKey[]): (RegisteredIdentity | null)[] | undefined;
  /** peek for one key: its answer, or undefined when memory does not hold it. */
  peek1(key: IdentityKey): RegisteredIdentity | null | undefined;
  stats(): IdentityCacheStats;
  close(): Promise<void>;
}

export interface IdentityCacheOptions {
  /** Entries kept; the least recently used go first. Default 100,000 (≈ 65 MiB: measured ~670 bytes an entry). */
  maxEntries?: number;
  /** Where loads read (a standby behind the invalidation fence); the primary (`db`) when absent. */
  fence?: ReadFence;
}

const keyOf = (k: IdentityKey) => identityKey(k.platform, k.packageName);

/** Identity queries running at once per cache; misses arriving meanwhile wait and go together. */
export const MAX_LOADS = 4;

type Loaded = RegisteredIdentity | null;
/** Keys loaded by one query; `generation` is the one it began in (set when it starts). */
interface Batch { keys: Map<string, IdentityKey>; generation: number; result: Promise<Map<string, RegisteredIdentity>>; settle(r: Promise<Map<string, RegisteredIdentity>>): void }

function newBatch(): Batch {
  let settle!: Batch['settle'];
  const result = new Promise<Map<string, RegisteredIdentity>>((resolve) => { settle = resolve; });
  return { keys: new Map(), generation: -1, result, settle };
}

export async function startIdentityCache(db: Db, options: IdentityCacheOptions = {}): Promise<IdentityCache> {
  const max = options.maxEntries ?? 100_000;
  const entries = new Map<string, RegisteredIdentity | null>();
  let generation = 0;
  let listening = true;
  let hits = 0;
  let misses = 0;
  let invalidations = 0;

  const fence = options.fence;
  const invalidate = (payload: string) => {
    if (payload.startsWith('sync:')) return; // a read-your-writes marker of the memory index (ADR 0022), not a change
    fence?.advance();
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
    evictOldest(entries, max);
  };

  // The keys waiting for the next load, and for each key whose load is running, its batch.
  let queued: Batch | null = null;
  const running = new Map<string, Batch>();
  let loads = 0;

  /** Starts a load of everything queued, unless MAX_LOADS are running (the first to end starts it). */
  const flush = () => {
    if (!queued || loads >= MAX_LOADS) return;
    const batch = queued;
    queued = null;
    loads += 1;
    const before = generation;
    batch.generation = before;
    for (const key of batch.keys.keys()) running.set(key, batch);
    misses += batch.keys.size;
    const keys = [...batch.keys.values()];
    let unfenced = false;
    const loaded = fence ? fence.reader().then((reader) => { unfenced = isUnfenced(reader); return loadIdentities(reader, keys); }) : loadIdentities(db, keys);
    batch.settle(loaded);
    loaded.then((found) => {
      // Stored only if no change was announced while the query ran (it may predate the change),
      // and not when read without a fence (the primary did not answer: ADR 0020 addendum).
      if (listening && generation === before && !unfenced) for (const key of batch.keys.keys()) remember(key, found.get(key) ?? null);
    }, () => {}).finally(() => {
      for (const key of batch.keys.keys()) if (running.get(key) === batch) running.delete(key);
      loads -= 1;
      flush();
    });
  };

  /** The batch that will answer a key: a running one begun since the last change, or the queued one. */
  const load = (key: string, k: IdentityKey): Batch => {
    const r = running.get(key);
    if (r && r.generation === generation) return r;
    queued ??= newBatch();
    queued.keys.set(key, k);
    return queued;
  };

  return {
    peek1(k) {
      if (!listening) return undefined;
      const key = keyOf(k);
      const v = entries.get(key);
      if (v === undefined) return undefined;
      entries.delete(key); // refresh its place in the LRU order
      entries.set(key, v);
      hits += 1;
      return v;
    },
    peek(keys) {
      if (!listening) return undefined;
      const out = new Array<Loaded>(keys.length);
      for (let i = 0; i < keys.length; i++) {
        const v = entries.get(keyOf(keys[i]!));
        if (v === undefined) return undefined;
        out[i] = v;
      }
      for (let i = 0; i < keys.length; i++) { // refresh their places in the LRU order
        const key = keyOf(keys[i]!);
        entries.delete(key);
        entries.set(key, out[i]!);
      }
      hits += keys.length;
      return out;
    },
    async get(keys) {
      const out = new Array<Loaded>(keys.length);
      // Misses: their positions and keys, and the batches (usually one) that answer them.
      let at: number[] | undefined;
      let from: Batch[] | undefined;
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const key = keyOf(k);
        const cached = listening ? entries.get(key) : undefined;
        if (cached === undefined) {
          (at ??= []).push(i);
          (from ??= []).push(load(key, k));
          continue;
        }
        entries.delete(key); // refresh its place in the LRU order
        entries.set(key, cached);
        out[i] = cached;
        hits += 1;
      }
      if (!at || !from) return out;
      flush();
      const batches = [...new Set(from)];
      const results = new Map(await Promise.all(batches.map(async (b) => [b, await b.result] as const)));
      for (let j = 0; j < at.length; j++) out[at[j]!] = results.get(from[j]!)!.get(keyOf(keys[at[j]!]!)) ?? null;
      return out;
    },
    stats: () => ({ size: entries.size, hits, misses, invalidations, listening }),
    async close() { await stop(); entries.clear(); },
  };
}
