// How common a name keyword is, from the statistics ANALYZE keeps on the bigram index
// expressions (migration 0004; pg_stats' most_common_elems of beian_bigrams(name)), so a search
// can choose its access path (docs/decisions/0023-search-worst-case.md). A GIN index answers a
// fragment by building a bitmap of EVERY matching row before the window of SEARCH_WINDOW rows is
// taken: for 有限公司 that is 350,000 subjects, 110 ms, whatever the limit. A plain scan in table
// order that stops at the window reads about window / frequency rows instead: cheaper as soon as
// the keyword is common. Statistics are per process, re-read every few minutes; without them
// (never analysed, an embedded database just created) every search takes the index, as before.
import type { Queryable } from '../../db/connection.ts';

export interface GramTable { rows: number; freq: Map<string, number> }
export interface GramStats { services: GramTable; subjects: GramTable }

const EMPTY: GramStats = { services: { rows: 0, freq: new Map() }, subjects: { rows: 0, freq: new Map() } };
const REFRESH_MS = 5 * 60_000;

/** The distinct lower-case 2-character substrings, as beian_bigrams() (migration 0004) makes them. */
export function bigrams(lower: string): string[] {
  const cs = [...lower];
  const out = new Set<string>();
  for (let i = 0; i + 1 < cs.length; i++) out.add(cs[i]! + cs[i + 1]!);
  return [...out];
}

/**
 * A row read in table order (its name compared by strpos) against one index posting: measured
 * 0.5–0.6 over 1,000,000 services (官网: scan 3.3 ms for ~28,600 rows, index 7.2 ms for 34,832
 * postings; ADR 0023); 1 leaves room for a keyword rarer than its rarest bigram.
 */
export const SCAN_ROW_COST = 1;

/**
 * Read the table in order rather than through the bigram index when that reads less: the index
 * lists every row holding ANY of the keyword's bigrams (Σ fᵢ · rows postings, then intersects);
 * the scan stops at the window, after about window / f rows, f the share of names containing
 * the keyword — at most its rarest bigram's share, which is the estimate used (a bigram missing
 * from the statistics is rare, and the index wins).
 */
export function preferScan(t: GramTable, lower: string, window: number): boolean {
  const fs = bigrams(lower).map((g) => t.freq.get(g) ?? 0);
  if (!fs.length) return false;
  const rarest = Math.min(...fs);
  if (rarest <= 0) return false;
  return (window / rarest) * SCAN_ROW_COST < fs.reduce((a, f) => a + f, 0) * t.rows;
}

async function load(db: Queryable): Promise<GramStats> {
  const rows = await db.query<{ index: string; elems: string[] | null; freqs: number[] | null; reltuples: number }>(
    `select i.relname as index, s.most_common_elems::text::text[] as elems, s.most_common_elem_freqs as freqs, i.reltuples::float8 as reltuples
       from pg_class i left join pg_stats s on s.schemaname = 'public' and s.tablename = i.relname
      where i.relname in ('services_name_bigrams', 'subjects_name_bigrams')`);
  const table = (name: string): GramTable => {
    const r = rows.find((x) => x.index === name);
    const freq = new Map<string, number>();
    (r?.elems ?? []).forEach((e, i) => freq.set(e, Number(r!.freqs![i])));
    return { rows: Math.max(0, Number(r?.reltuples ?? 0)), freq };
  };
  return { services: table('services_name_bigrams'), subjects: table('subjects_name_bigrams') };
}

/** Per database, per process: the first search waits for the statistics, later ones refresh them in the background. */
const caches = new WeakMap<Queryable, { current: GramStats; loadedAt: number; first: Promise<void> | null; loading: boolean }>();

export async function gramStats(db: Queryable, now: number = Date.now()): Promise<GramStats> {
  let c = caches.get(db);
  if (!c) caches.set(db, c = { current: EMPTY, loadedAt: now, first: null, loading: false });
  const entry = c;
  const refresh = () => {
    entry.loading = true;
    entry.loadedAt = now;
    return load(db).then((s) => { entry.current = s; }, () => {}).finally(() => { entry.loading = false; });
  };
  if (!entry.first) { entry.first = refresh(); await entry.first; }
  else if (!entry.loading && now - entry.loadedAt > REFRESH_MS) void refresh();
  return entry.current;
}
