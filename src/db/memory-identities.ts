// Verification from memory (issue 16, item 6; ADR 0022): every registered identity of the read
// model verify_identities held in an IdentityIndex (typed arrays, not objects), loaded page by
// page at start and kept current by NOTIFY beian_registry (ADR 0006), so a hit, a miss and a
// package never seen are all answered without a database round trip. Implements IdentityCache
// (src/db/identity-cache.ts) so the verification routes do not change.
//
// Safety, as the LRU cache it replaces (a revocation must never be missed):
//  - an invalidation marks its keys pending at once: a pending key is answered from the database
//    (a query begun after the change was heard) until its re-read lands in the index; a re-read
//    is applied to a key only if no newer invalidation of that key came while it ran;
//  - '*' (a bulk change), a lost listening connection and its return empty the index and reload
//    it; until the reload ends nothing is answered from memory (generation counter: a load or a
//    re-read begun before is dropped);
//  - during a load, invalidations only queue: they are re-read after it, so a page read before
//    a change can never overwrite the change.
// Re-reads go through ONE function, rereadIdentities (below), given the whole invalidation batch
// with its raw payloads: a read-replica fence (wait for the standby to replay the change's LSN,
// or read the primary) belongs there and covers every read this module makes after the load.
import type { FingerprintAlgorithm } from '../domain/validation/index.ts';
import { identityKey, type RegisteredIdentity, VERIFY_PLATFORMS } from '../domain/verification.ts';
import type { Db, Queryable } from './connection.ts';
import type { IdentityCache, IdentityCacheStats, IdentityKey } from './identity-cache.ts';
import { IdentityIndex, type IdentityRead, type IndexLayout, L_PACKAGE, L_PLATFORM, NOT_TAKEN, UnindexableIdentity } from './identity-index.ts';
import { REGISTRY_CHANNEL } from './identity-cache.ts';
import { isUnfenced, type ReadFence } from './replicas.ts';
import { loadIdentities, scanIdentities } from './verification.ts';

/** Keys heard changed (or wanted from the database), with the NOTIFY payloads that named them. */
export interface InvalidationBatch {
  keys: IdentityKey[];
  /**
   * The raw payloads of beian_registry that announced these keys; empty when the read is not
   * caused by a notification (the index is loading or its listener is down: read the primary).
   */
  payloads: string[];
}

/**
 * The one re-read of changed identities: their facts now (absent = no record). Every read after
 * the initial load goes through here — re-reads of invalidated keys and the database answers for
 * keys memory may not answer — so a replica fence applied here covers them all.
 */
export async function rereadIdentities(db: Queryable, batch: InvalidationBatch): Promise<Map<string, RegisteredIdentity>> {
  return loadIdentities(db, batch.keys);
}

export type Reread = (batch: InvalidationBatch) => Promise<Map<string, RegisteredIdentity>>;

export interface MemoryIdentitiesOptions {
  /** Replaces rereadIdentities (tests). */
  reread?: Reread;
  /**
   * Standbys (DATABASE_READ_URL, ADR 0020): every re-read runs on a server that has replayed the
   * primary's WAL position taken after the last change heard (else on the primary), so a re-read
   * that follows a notification never sees the state before it. The load at start reads the primary.
   */
  fence?: ReadFence;
  /** Keys per re-read query (default 2,000). */
  rereadBatch?: number;
  /** The index in SharedArrayBuffers, so worker threads can read it (sharedRead). */
  shared?: boolean;
}

export interface MemoryIdentitiesStats extends IdentityCacheStats {
  /** The index is loaded and its listener is up: memory answers. */
  ready: boolean;
  /** Keys invalidated and not yet re-read. */
  pending: number;
  /** Loads completed (the first, and one per '*' or reconnection). */
  loads: number;
  /** Milliseconds the last completed load took. */
  lastLoadMs: number;
  /** Bytes of the index's arrays and arena. */
  bytes: number;
  /** Distinct service parts held. */
  services: number;
}

export interface MemoryIdentities extends IdentityCache {
  stats(): MemoryIdentitiesStats;
  /**
   * This process may just have committed a registry change (its notification may still be on the
   * way): until the index has heard everything committed so far, memory does not answer, and the
   * next get first sends a marker through the same channel and waits for it (notifications arrive
   * in commit order, so every earlier change is then heard). Read-your-writes within a process.
   */
  wroteLocally(): void;
  /**
   * The lean batch read (IdentityIndex.read): when memory may answer every item now, reads each
   * into `read` in turn and calls visit(j, found) before the next, synchronously, and returns
   * true; else visits none and returns false (the caller goes through get). Within visit,
   * readFacts(read) decodes the answer's strings. `serviceIds`: also render each service id.
   */
  readEach(items: readonly LeanItem[], read: IdentityRead, visit: (j: number, found: boolean) => void, serviceIds?: boolean): boolean;
  /** readEach for one item: whether it is held (read into `read`), undefined when memory may not answer it now. */
  readOne(item: LeanItem, read: IdentityRead, serviceId?: boolean): boolean | undefined;
  /**
   * readOne for a key and fingerprint given as bytes (IdentityIndex.readBytes: ASCII package name
   * src[pkgAt, pkgEnd), plain hex at src[fpAt…]); undefined when memory may not answer it now.
   */
  readBytes(platformCode: number, src: Buffer, pkgAt: number, pkgEnd: number, algorithm: FingerprintAlgorithm, fpAt: number, read: IdentityRead, serviceId?: boolean): boolean | undefined;
  /** The strings of the identity last read into `read` (right after the read: within readEach's visit, or after readOne). */
  readFacts(read: IdentityRead): void;
  /** Where the facts of the identity last read into `read` lie, undecoded (IdentityIndex.readSpans; same timing as readFacts). */
  readSpans(read: IdentityRead): void;
  /** Resolves when memory answers again (after the current load, if one runs). */
  whenReady(): Promise<void>;
  /**
   * For reads on worker threads (a shared index only, option `shared`): when memory may answer
   * every key now, the index's layout (IdentityIndex.layout) and version; else null. The reads
   * are right only if `version()` is still that version when they come back.
   */
  sharedRead(): { layout: IndexLayout; version: number } | null;
  /** The index's version now (IdentityIndex.version). */
  version(): number;
  /**
   * A part of n items answered on a worker thread from sharedRead's layout: used (n answers counted
   * as hits), or not (the index changed meanwhile, or the worker failed: written again here).
   */
  countShared(n: number, used: boolean): void;
}

/** An item of readEach: the key and the one presented fingerprint (lowercase hex). */
export interface LeanItem extends IdentityKey { algorithm: FingerprintAlgorithm; hex: string }

/** Platform codes of IdentityIndex.readBytes (IdentityIndex's order). */
const PLATFORM_NAMES = VERIFY_PLATFORMS;

/** NOTIFY payloads on beian_registry that are read-your-writes markers, not keys (ignored by other listeners). */
export const SYNC_PREFIX = 'sync:';

/** Database reads for keys memory cannot answer, at most this many at once; later ones wait and go together. */
const MAX_READS = 4;

interface ReadBatch { keys: Map<string, IdentityKey>; payloads: Set<string>; result: Promise<Map<string, RegisteredIdentity>>; settle(r: Promise<Map<string, RegisteredIdentity>>): void }

function newReadBatch(): ReadBatch {
  let settle!: ReadBatch['settle'];
  const result = new Promise<Map<string, RegisteredIdentity>>((resolve) => { settle = resolve; });
  return { keys: new Map(), payloads: new Set(), result, settle };
}

/** Keys as the index matches them (iOS bundle IDs folded: identityKey). */
const keyOf = (k: IdentityKey) => identityKey(k.platform, k.packageName);

function parseKey(s: string): IdentityKey | null {
  const bar = s.indexOf('|');
  return bar < 0 ? null : { platform: s.slice(0, bar), packageName: s.slice(bar + 1) };
}

/** The platform and package name of a loaded line (scanIdentities' onLine). */
const lineKey = (src: Buffer, spans: Int32Array) =>
  [src.toString('utf8', spans[2 * L_PLATFORM]!, spans[2 * L_PLATFORM + 1]!), src.toString('utf8', spans[2 * L_PACKAGE]!, spans[2 * L_PACKAGE + 1]!)] as const;

export async function startMemoryIdentities(db: Db, options: MemoryIdentitiesOptions = {}): Promise<MemoryIdentities> {
  const fence = options.fence;
  const reread: Reread = options.reread ?? (async (batch) => rereadIdentities(fence ? await fence.reader() : db, batch));
  // A re-read is put into the index (kept): without a fence (the primary did not answer) it could
  // bring back a state older than the invalidation that queued it, so it fails and the keys stay
  // pending — answered from the database each time — until the primary answers again.
  const keptReread: Reread = options.reread ?? (async (batch) => {
    const reader = fence ? await fence.reader() : db;
    if (isUnfenced(reader)) throw new Error('the primary does not answer: the re-read waits for its fence');
    return rereadIdentities(reader, batch);
  });
  const rereadBatch = options.rereadBatch ?? 2_000;
  const index = new IdentityIndex({ capacity: 1024, shared: options.shared ?? false });

  let listening = true;
  let ready = false;
  let closed = false;
  /** Bumped by every reload and every loss: a load or re-read begun under an older value is dropped. */
  let generation = 0;
  let seq = 0;
  /** Invalidated keys not yet re-read: key → [sequence of its last invalidation, the payload]. */
  const pending = new Map<string, { seq: number; payload: string }>();
  /** Keys to re-read (a subset of pending). */
  let queue = new Map<string, IdentityKey>();
  /** Keys the index cannot hold (UnindexableIdentity): always answered from the database. */
  const unindexable = new Set<string>();
  let hits = 0;
  let sharedParts = 0;
  let sharedRewritten = 0;
  let misses = 0;
  let invalidations = 0;
  let loads = 0;
  let lastLoadMs = 0;
  let readyWaiters: (() => void)[] = [];

  const becomeReady = () => {
    ready = true;
    const w = readyWaiters;
    readyWaiters = [];
    for (const f of w) f();
  };

  const put = (k: IdentityKey, r: RegisteredIdentity | null) => {
    const key = keyOf(k);
    if (r === null) { index.delete(k.platform, k.packageName); unindexable.delete(key); return; }
    try {
      index.put(k.platform, k.packageName, r);
      unindexable.delete(key);
    } catch (err) {
      if (!(err instanceof UnindexableIdentity)) throw err;
      index.delete(k.platform, k.packageName);
      unindexable.add(key);
    }
  };

  // ---- load -------------------------------------------------------------------------------
  const load = async (gen: number) => {
    const started = performance.now();
    index.clear();
    unindexable.clear();
    let stale = false;
    /** Packages with several rows: the row that answers is chosen by a re-read after the scan. */
    let twice: Map<string, IdentityKey> | undefined;
    /** A row of the index's own making: its key to re-read (held twice), or its key refused (unindexable). */
    const twiceKey = (platform: string, packageName: string) => (twice ??= new Map()).set(identityKey(platform, packageName), { platform, packageName });
    const refuse = (platform: string, packageName: string) => { index.delete(platform, packageName); unindexable.add(identityKey(platform, packageName)); };
    await scanIdentities(db, {
      onCount: (n) => index.reserve(n),
      onPage: (rows) => {
        if (gen !== generation) { stale = true; return false; }
        for (const r of rows) {
          try {
            if (index.put(r.platform, r.packageName, r)) twiceKey(r.platform, r.packageName);
          } catch (err) {
            if (!(err instanceof UnindexableIdentity)) throw err;
            refuse(r.platform, r.packageName);
          }
        }
        return true;
      },
      // Lines as bytes (the common row): no string per field.
      onLine: (src, spans) => {
        let held: number;
        try {
          held = index.putLine(src, spans);
        } catch (err) {
          if (!(err instanceof UnindexableIdentity)) throw err;
          refuse(...lineKey(src, spans));
          return true;
        }
        if (held === NOT_TAKEN) return false;
        if (held === 1) twiceKey(...lineKey(src, spans));
        return true;
      },
    });
    if (stale || gen !== generation) return;
    if (twice) {
      const keys = [...twice.values()];
      const found = await keptReread({ keys, payloads: [] });
      if (gen !== generation) return;
      for (const k of keys) put(k, found.get(keyOf(k)) ?? null);
    }
    loads += 1;
    lastLoadMs = performance.now() - started;
    becomeReady();
    flush();
  };

  let loading: Promise<void> | null = null;
  /** Empties the index and loads it again; memory does not answer meanwhile. */
  const reload = (): Promise<void> => {
    generation += 1;
    ready = false;
    // Everything is read anew: pending keys need no re-read (the load begins after their change).
    pending.clear();
    queue = new Map();
    if (!listening || closed) return Promise.resolve();
    const gen = generation;
    const run = async (): Promise<void> => {
      try {
        await load(gen);
      } catch (err) {
        if (gen !== generation || closed) return;
        if (loads === 0) throw err; // the first load fails start-up
        await new Promise((r) => setTimeout(r, 1_000).unref());
        if (gen === generation && !closed) return run();
      }
    };
    loading = run();
    return loading;
  };

  // ---- invalidations and re-reads -----------------------------------------------------------
  let flushing = false;
  /** Re-reads queued keys, a batch at a time, while memory answers (during a load they wait for it). */
  const flush = () => {
    if (flushing || !ready || queue.size === 0 || closed) return;
    flushing = true;
    void drain().finally(() => { flushing = false; flush(); });
  };
  const drain = async () => {
    while (ready && queue.size > 0 && !closed) {
      const keys: IdentityKey[] = [];
      const payloads = new Set<string>();
      const seqs: number[] = [];
      for (const [key, k] of queue) {
        queue.delete(key);
        const p = pending.get(key);
        if (!p) continue;
        keys.push(k);
        seqs.push(p.seq);
        payloads.add(p.payload);
        if (keys.length >= rereadBatch) break;
      }
      if (keys.length === 0) continue;
      const gen = generation;
      let found: Map<string, RegisteredIdentity>;
      try {
        found = await keptReread({ keys, payloads: [...payloads] });
      } catch {
        // The keys stay pending (answered from the database) and are tried again shortly.
        if (gen !== generation) return;
        for (const k of keys) if (pending.has(keyOf(k))) queue.set(keyOf(k), k);
        await new Promise((r) => setTimeout(r, 200).unref());
        continue;
      }
      if (gen !== generation) return;
      for (let i = 0; i < keys.length; i++) {
        const key = keyOf(keys[i]!);
        // A key invalidated again while this ran keeps waiting for its own re-read.
        if (pending.get(key)?.seq !== seqs[i]) continue;
        put(keys[i]!, found.get(key) ?? null);
        pending.delete(key);
      }
    }
  };

  const onPayload = (payload: string) => {
    if (payload.startsWith(SYNC_PREFIX)) { syncHeard(payload); return; }
    fence?.advance(); // before anything re-reads what this announces
    invalidations += 1;
    let keys: unknown;
    try { keys = payload === '*' ? null : JSON.parse(payload); } catch { keys = null; }
    if (!Array.isArray(keys)) { void reload().catch(() => {}); return; }
    for (const s of keys) {
      const k = parseKey(String(s));
      if (!k) continue;
      const key = keyOf(k);
      pending.set(key, { seq: ++seq, payload });
      queue.set(key, k);
    }
    flush();
  };

  const stop = await db.listen(REGISTRY_CHANNEL, onPayload, {
    onLost: () => { fence?.advance(); listening = false; generation += 1; ready = false; pending.clear(); queue = new Map(); },
    onRestored: () => { fence?.advance(); listening = true; void reload().catch(() => {}); },
  });

  // ---- database answers for what memory cannot answer ---------------------------------------
  let waiting: ReadBatch | null = null;
  let reads = 0;
  const startReads = () => {
    if (!waiting || reads >= MAX_READS) return;
    const batch = waiting;
    waiting = null;
    reads += 1;
    misses += batch.keys.size;
    const result = reread({ keys: [...batch.keys.values()], payloads: [...batch.payloads] });
    batch.settle(result);
    result.catch(() => {}).finally(() => { reads -= 1; startReads(); });
  };
  /** The batch (not started yet, so begun after every change heard so far) that will read a key. */
  const readLater = (key: string, k: IdentityKey): ReadBatch => {
    waiting ??= newReadBatch();
    waiting.keys.set(key, k);
    const p = pending.get(key);
    if (p) waiting.payloads.add(p.payload);
    return waiting;
  };

  // ---- read-your-writes: a marker through the channel -------------------------------------
  let syncWanted = false;
  let syncing: Promise<void> | null = null;
  const syncWaiters = new Map<string, () => void>();
  const syncHeard = (payload: string) => { syncWaiters.get(payload)?.(); syncWaiters.delete(payload); };
  /** Resolves once every change committed before the call has been heard (or after 2 s: then the caller reads the database). */
  const sync = (): Promise<void> => {
    if (syncing) return syncing;
    syncWanted = false;
    const marker = `${SYNC_PREFIX}${process.pid}.${++syncCount}`;
    const heard = new Promise<void>((resolve) => { syncWaiters.set(marker, resolve); });
    let timer: NodeJS.Timeout | undefined;
    syncing = Promise.race([
      db.query('select pg_notify($1, $2)', [REGISTRY_CHANNEL, marker]).then(() => heard),
      new Promise<void>((_, reject) => { timer = setTimeout(() => reject(new Error('sync marker not heard')), 2_000); timer.unref(); }),
    ]).finally(() => { clearTimeout(timer); syncWaiters.delete(marker); syncing = null; });
    return syncing;
  };
  let syncCount = 0;

  /** Whether memory may answer for a key now. */
  const answerable = (k: IdentityKey) => {
    if (!ready || syncWanted || syncing) return false;
    if (pending.size === 0 && unindexable.size === 0) return true;
    const key = keyOf(k);
    return !pending.has(key) && !unindexable.has(key);
  };

  await reload();

  return {
    peek1(k) {
      if (!answerable(k)) return undefined;
      hits += 1;
      return index.get(k.platform, k.packageName);
    },
    peek(keys) {
      for (let i = 0; i < keys.length; i++) if (!answerable(keys[i]!)) return undefined;
      const out = new Array<RegisteredIdentity | null>(keys.length);
      for (let i = 0; i < keys.length; i++) out[i] = index.get(keys[i]!.platform, keys[i]!.packageName);
      hits += keys.length;
      return out;
    },
    readEach(items, read, visit, serviceIds = false) {
      for (let i = 0; i < items.length; i++) if (!answerable(items[i]!)) return false;
      hits += items.length;
      for (let j = 0; j < items.length; j++) {
        const it = items[j]!;
        visit(j, index.read(it.platform, it.packageName, it.algorithm, it.hex, read, serviceIds));
      }
      return true;
    },
    readOne(item, read, serviceId = false) {
      if (!answerable(item)) return undefined;
      hits += 1;
      return index.read(item.platform, item.packageName, item.algorithm, item.hex, read, serviceId);
    },
    readBytes(platformCode, src, pkgAt, pkgEnd, algorithm, fpAt, read, serviceId = false) {
      if (!ready || syncWanted || syncing) return undefined;
      // A key string only when some key is pending or unindexable (rare): none is made otherwise.
      if ((pending.size > 0 || unindexable.size > 0)
        && !answerable({ platform: PLATFORM_NAMES[platformCode]!, packageName: src.toString('latin1', pkgAt, pkgEnd) })) return undefined;
      hits += 1;
      return index.readBytes(platformCode, src, pkgAt, pkgEnd, algorithm, fpAt, read, serviceId);
    },
    readFacts(read) { index.readFacts(read); },
    readSpans(read) { index.readSpans(read); },
    async get(keys) {
      // Not heard yet what this process committed a moment ago: wait for it, or (marker lost) read the database.
      let synced = true;
      if (syncWanted || syncing) synced = await sync().then(() => true, () => false);
      const out = new Array<RegisteredIdentity | null>(keys.length);
      let at: number[] | undefined;
      let from: ReadBatch[] | undefined;
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        if (synced && answerable(k)) { out[i] = index.get(k.platform, k.packageName); hits += 1; continue; }
        (at ??= []).push(i);
        (from ??= []).push(readLater(keyOf(k), k));
      }
      if (!at || !from) return out;
      startReads();
      const batches = [...new Set(from)];
      const results = new Map(await Promise.all(batches.map(async (b) => [b, await b.result] as const)));
      for (let j = 0; j < at.length; j++) out[at[j]!] = results.get(from[j]!)!.get(keyOf(keys[at[j]!]!)) ?? null;
      return out;
    },
    stats() {
      const s = index.stats();
      return {
        size: s.size, hits, misses, invalidations, listening, ready, pending: pending.size, loads, lastLoadMs, sharedParts, sharedRewritten,
        bytes: s.bytes, services: s.services,
      };
    },
    wroteLocally() { syncWanted = true; },
    sharedRead() {
      if (!ready || syncWanted || syncing || pending.size > 0 || unindexable.size > 0) return null;
      return { layout: index.layout(), version: index.version };
    },
    version: () => index.version,
    countShared(n, used) { if (used) { hits += n; sharedParts += 1; } else sharedRewritten += 1; },
    whenReady() {
      if (ready || closed) return Promise.resolve();
      return new Promise((resolve) => { readyWaiters.push(resolve); });
    },
    async close() {
      closed = true;
      generation += 1;
      ready = false;
      await stop();
      await loading?.catch(() => {});
      index.clear();
      for (const f of readyWaiters) f();
      readyWaiters = [];
    },
  };
}
