// The measurement behind docs/decisions/0007-public-search-indexes.md: on the generated
// database, how long a name-fragment lookup takes through the pg_trgm GIN index (ILIKE) and
// through the character-bigram GIN index (beian_bigrams @>), for fragments of 1–4 characters,
// and how large each index is. Each query: LIMIT 1000 ids, as the search's match paths do.
// The registry has no pg_trgm index on names since migration 0037 (nothing read it): this bench
// builds one for its comparison and drops it at its end.
//   npx tsx bench/search-indexes.ts [--database-url postgres://postgres@127.0.0.1:5432/beian_bench]
import { benchArgs } from './args.ts';
import pg from 'pg';

const { values } = benchArgs(import.meta.url, { options: { 'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/beian_bench' } } });
const c = new pg.Client({ connectionString: values['database-url'] });
await c.connect();
await c.query('create index if not exists bench_services_name_trgm on services using gin (name gin_trgm_ops)');

const sample = async (len: number, n = 40) => (await c.query<{ v: string }>(
  `select substr(name, 1 + (abs(hashtext(id::text)) % greatest(1, char_length(name) - ${len} + 1)), ${len}) as v
     from services where char_length(name) >= ${len} order by md5(id::text) limit ${n}`)).rows.map((r) => r.v);

async function timeOf(sql: string, param: string): Promise<number> {
  const t = process.hrtime.bigint();
  await c.query(sql, [param]);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] ?? 0; };
const p95 = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length * 0.95)] ?? 0; };

const TRGM = `select id from services where name ilike '%' || $1 || '%' limit 1000`;
const BIGRAM = `select id from services where beian_bigrams(name) @> beian_bigrams($1) and strpos(lower(name), lower($1)) > 0 limit 1000`;
const PREFIX = `select id from services where lower(name) like lower($1) || '%' limit 1000`;

const rows: string[] = ['| fragment | path | median | p95 | matches (median, capped at 1000) |', '|---|---|---|---|---|'];
for (const len of [1, 2, 3, 4]) {
  const frags = await sample(len);
  for (const [label, sql] of [['pg_trgm GIN, ILIKE', TRGM], ['bigram GIN, @>', BIGRAM], ['B-tree prefix, LIKE x%', PREFIX]] as const) {
    if (label.startsWith('bigram') && len < 2) continue;
    if (label.startsWith('B-tree') && len > 1) continue;
    for (const f of frags.slice(0, 3)) await c.query(sql, [f]); // warm
    const times: number[] = [];
    const counts: number[] = [];
    for (const f of frags) {
      times.push(await timeOf(sql, f));
      counts.push((await c.query(sql, [f])).rowCount ?? 0);
    }
    rows.push(`| ${len} character${len > 1 ? 's' : ''} | ${label} | ${median(times).toFixed(1)} ms | ${p95(times).toFixed(1)} ms | ${median(counts)} |`);
  }
}
const sizes = await c.query<{ name: string; size: string }>(
  `select indexrelname as name, pg_size_pretty(pg_relation_size(indexrelid)) as size from pg_stat_user_indexes
    where indexrelname in ('bench_services_name_trgm', 'services_name_bigrams', 'services_name_prefix', 'subjects_name_bigrams', 'services_domains_trgm', 'app_platforms_package_trgm')
    order by indexrelname`);
const [{ n }] = (await c.query<{ n: number }>('select count(*)::int as n from services')).rows as [{ n: number }];
process.stdout.write(`${n} services\n\n${rows.join('\n')}\n\n| index | size |\n|---|---|\n${sizes.rows.map((r) => `| ${r.name} | ${r.size} |`).join('\n')}\n`);
await c.query('drop index if exists bench_services_name_trgm');
await c.end();
