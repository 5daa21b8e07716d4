// The answers of the most expensive public searches, kept per process (issue 16 item 7; ADR 0029,
// addendum "Common words from memory"). A common word (科技, 有限公司) is answered from the first
// 1,000 matches of its paths (ADR 0023): reading them, joining the hosts' services and ranking them
// costs ~4–5 ms of PostgreSQL per request, the same for every request until something changes. Such
// answers (`totalCapped`) are kept here; every other answer costs 0.2–2 ms and goes to the
// database each time, as before.
//
// Correctness rests on the database, as for the identity cache (ADR 0006): every statement that
// writes what a search answer shows (services, subjects, app_platforms, public_events, log_leaves)
// sends NOTIFY beian_search on commit (migration 0030), and the cache empties when it hears it. So:
//  - a load racing a notification is not kept (a generation counter taken before the query);
//  - while the listening connection is down nothing is kept or served, and the cache is emptied
//    when it is lost and again when it is restored;
//  - with standbys, loads read through a ReadFence that every notification advances (a standby that
//    has replayed the primary's position taken after the notification, else the primary); when the
//    primary does not answer, a standby answers unfenced and the answer is not kept;
//  - concurrent misses of one key share one load begun since the last change.
// A request carrying a read-your-writes fence (a session that has just written, ADR 0020) is not
// answered from here: it reads the database as before (the route decides, see index.ts).
import type { Db, Queryable } from '../../db/connection.ts';
import { isUnfenced } from '../../db/replicas.ts';
import { evictOldest } from '../../db/bounded-map.ts';
import type { ReadFence } from '../../db/replicas.ts';
import type { SearchPage } from './queries.ts';

export const SEARCH_CHANNEL = 'beian_search';

export interface SearchCacheStats { size: number; hits: number; misses: number; invalidations: number; listening: boolean }

export interface SearchCache {
  /**
   * The answer for `key`: from memory when held, else `load(reads)` — kept when `keep` says it is
   * worth keeping (by default: a capped answer) and no change was heard while it ran.
   */
  get(key: string, load: (reads: Queryable) => Promise<SearchPage>): Promise<SearchPage>;
  stats(): SearchCacheStats;
  close(): Promise<void>;
}

export interface SearchCacheOptions {
  /** Answers kept; the least recently used go first. Default 2,000 (a page of 20 records: ~60 KiB each). */
  maxEntries?: number;
  /** Which answers to keep. Default: those answered from a capped window (`capped`), the expensive ones. */
  keep?: (page: SearchPage) => boolean;
  /** Where loads read (a standby behind the invalidation fence); the primary (`db`) when absent. */
  fence?: ReadFence;
}

export async function startSearchCache(db: Db, options: SearchCacheOptions = {}): Promise<SearchCache> {
  const max = options.maxEntries ?? 2_000;
  const keep = options.keep ?? ((p: SearchPage) => p.capped);
  const fence = options.fence;
  const entries = new Map<string, SearchPage>();
  const running = new Map<string, { generation: number; page: Promise<SearchPage> }>();
  let generation = 0;
  let listening = true;
  let hits = 0;
  let misses = 0;
  let invalidations = 0;

  const invalidate = () => {
    fence?.advance();
    generation += 1;
    invalidations += 1;
    entries.clear();
  };
  const stop = await db.listen(SEARCH_CHANNEL, invalidate, {
    onLost: () => { listening = false; invalidate(); },
    onRestored: () => { invalidate(); listening = true; },
  });

  return {
    get(key, load) {
      const held = listening ? entries.get(key) : undefined;
      if (held) {
        hits += 1;
        entries.delete(key); // refresh its place in the LRU order
        entries.set(key, held);
        return Promise.resolve(held);
      }
      misses += 1;
      const r = running.get(key);
      if (r && r.generation === generation && listening) return r.page;
      const before = generation;
      let unfenced = false;
      const page = (fence ? fence.reader() : Promise.resolve<Queryable>(db)).then((q) => { unfenced = isUnfenced(q); return load(q); });
      const mine = { generation: before, page };
      running.set(key, mine);
      page.then((p) => {
        // Kept only if no change was announced while the query ran (it may predate the change),
        // and not when read without a fence (the primary did not answer: ADR 0020 addendum).
        if (listening && generation === before && !unfenced && keep(p)) {
          entries.set(key, p);
          evictOldest(entries, max);
        }
      }, () => {}).finally(() => { if (running.get(key) === mine) running.delete(key); });
      return page;
    },
    stats: () => ({ size: entries.size, hits, misses, invalidations, listening }),
    async close() { await stop(); entries.clear(); },
  };
}
