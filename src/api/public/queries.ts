// Read queries of the public query API. Search takes only the index paths a keyword can use
// (docs/decisions/0007-public-search-indexes.md): exact numbers, domains and package names,
// then name fragments through bigram (names) and trigram (domains, packages) indexes, each
// path capped at SEARCH_WINDOW rows so a common fragment costs a bounded amount of work.
import type { Queryable } from '../../db/connection.ts';
import { SERVICE_GROUPS } from '../../domain/application-rules.ts';
import type { ServiceType } from '../../domain/filing-number.ts';
import { type GramStats, gramStats, preferScan } from './gram-stats.ts';
import { type Keyword, likeLiteral } from './keyword.ts';

/**
 * The service types that list domains (DOMAIN.md §2.1: a website's 域名列表 and an APP's; mini programs
 * and quick apps fill none), read from the rules that accept them. The domain paths name them as
 * literals, which is what lets a generic plan use the partial trigram index of migration 0049
 * (services_domains_trgm, `where service_type in ('website', 'app')`); a test checks the two agree.
 */
export const DOMAIN_TYPES = (Object.keys(SERVICE_GROUPS) as ServiceType[]).filter((t) => SERVICE_GROUPS[t].domains).sort();
const DOMAIN_TYPES_SQL = `s.service_type in (${DOMAIN_TYPES.map((t) => `'${t}'`).join(', ')})`;

/** Search answers from at most this many matches per match path (and pages within them). */
export const SEARCH_WINDOW = 1000;

/** The texts below come from a fixed set of shapes (a search's: one per combination of match paths). */
const PREPARED = { prepare: true } as const;
/** …and run with their generic plan, never re-planned for the values (src/db/connection.ts). */
const GENERIC = { prepare: true, generic: true } as const;

export interface PublicServiceRow {
  id: string;
  service_number: string;
  main_number: string;
  service_name: string;
  service_type: ServiceType;
  status: 'filed' | 'cancelled' | 'revoked';
  status_changed_at: Date;
  revocation_category: string | null;
  filed_at: Date;
  pre_approvals: unknown;
  domains: string[];
  home_url: string | null;
  subject_type: 'unit' | 'individual';
  nature: string;
  host_name: string;
  last_modified: Date;
  /** APPs' and quick apps' platforms, active or not (a revoked record still names its package); [] otherwise. */
  platforms: PlatformRow[];
  shell_since: Date | null;
  /**
   * The record's public life from history (issue 13 item 8): actions and times only, each with
   * its history row's leaf in the transparency log (null until the sequencer has appended it).
   */
  events: { action: string; at: string; logIndex: number | null }[];
}

/** History actions that are events of a public record (src/api/public/presenter.ts maps them). */
export const EVENT_ACTIONS = ['filed', 'changed', 'access_added', 'access_cancelled', 'become_shell', 'cancel', 'clean_up', 'revoke'];

export interface PlatformRow { platform: string; package_name: string }

/**
 * The platforms a record lists: those filed now — a platform a change (变更) dropped is inactive and no
 * longer filed (verification answers it not_filed) — and, once the filing ended, the ones it had (a cancelled
 * or revoked APP still names its packages; ending a filing makes its platforms inactive).
 */
const LISTED_PLATFORM = `(ap.active or s.status <> 'filed')`;
const BASE_COLUMNS = `s.id, s.service_number, su.main_number, s.name as service_name, s.service_type, s.status,
  s.status_changed_at, s.revocation_category, s.filed_at, s.pre_approvals, s.domains, s.home_url, su.subject_type, su.nature,
  su.name as host_name, greatest(s.updated_at, s.status_changed_at, su.updated_at) as last_modified,
  coalesce((select json_agg(json_build_object('platform', ap.platform, 'package_name', ap.package_name) order by ap.platform)
              from app_platforms ap where ap.service_id = s.id and s.service_type in ('app', 'quick_app') and ${LISTED_PLATFORM}), '[]') as platforms,
  s.shell_since`;
/**
 * A record's public events with their log leaf (for `s`): the rows public_events keeps for the
 * service and for its subject (migration 0029, maintained by a trigger on history; the rules
 * are in docs/decisions/0029-public-events-beside-the-record.md), merged in history order.
 */
const EVENTS = `coalesce((select json_agg(json_build_object('action', e.action, 'at', e.at, 'logIndex', l.leaf_index) order by e.at, e.history_id)
     from public_events e left join log_leaves l on l.history_id = e.history_id
    where e.owner_id = any(array[s.id, s.subject_id])), '[]') as events`;
const COLUMNS = `${BASE_COLUMNS},
  ${EVENTS}`;

class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string { this.values.push(v); return `$${this.values.length}`; }
}

/**
 * Each branch yields `(id, r, cl, f, n)` for the services it matches: r 0 for an exact hit else
 * 1, cl the closeness of the matched name, f the approval time and n the number (for ordering),
 * so candidates are ranked without reading their rows again; only the page is joined.
 */
function branches(k: Keyword, type: ServiceType | null, p: Params, stats: GramStats, usccHash: string | null): string[] {
  const out: string[] = [];
  const typeOk = (alias: string) => (type ? ` and ${alias}.service_type = ${p.add(type)}` : '');
  const capped = (sql: string) => `(${sql} limit ${SEARCH_WINDOW})`;
  const row = (r: number | string, cl = '0::real') => `select s.id, ${r} as r, ${cl} as cl, s.filed_at as f, s.service_number as n`;
  let lowerRef: string | undefined;
  const lower = () => (lowerRef ??= p.add(k.lower)); // added only when used: an unused parameter has no type
  if (k.serviceNumber) out.push(`${row(0)} from services s where s.service_number = ${p.add(k.serviceNumber)}${typeOk('s')}`);
  if (k.mainNumber) out.push(`${row(0)} from subjects su join services s on s.subject_id = su.id where su.main_number = ${p.add(k.mainNumber)}${typeOk('s')}`);
  // A unit's USCC (keyed hash of the sealed certificate number, index subjects_certificate): units only, never a person.
  if (usccHash) out.push(`${row(0)} from subjects su join services s on s.subject_id = su.id where su.certificate_number_hash = ${p.add(usccHash)} and su.subject_type = 'unit'${typeOk('s')}`);
  if (k.numberPrefix) out.push(capped(`${row(1)} from services s where s.service_number like ${p.add(`${likeLiteral(k.numberPrefix)}%`)}${typeOk('s')}`));
  const hasDomains = !type || DOMAIN_TYPES.includes(type);
  if (k.domains.length && hasDomains) {
    out.push(`${row(0)} from services s where s.domains && ${p.add(k.domains)}::text[] and ${DOMAIN_TYPES_SQL}${typeOk('s')}`);
  }
  if (k.token && (!type || type === 'app' || type === 'quick_app')) {
    const from = `from app_platforms ap join services s on s.id = ap.service_id and ${LISTED_PLATFORM}${typeOk('s')}`;
    out.push(`${row(0)} ${from} where lower(ap.package_name) = ${lower()}`);
    if (k.length >= 3) out.push(capped(`${row(1)} ${from} where ap.package_name ilike ${p.add(`%${likeLiteral(k.token)}%`)}`));
  }
  if (k.token && k.length >= 3 && hasDomains) {
    out.push(capped(`${row(1)} from services s where ${DOMAIN_TYPES_SQL} and beian_domains_text(s.domains) like ${p.add(`%${likeLiteral(k.token)}%`)}${typeOk('s')}`));
  }
  // A number, a domain or a dotted package name is not a name: no name paths for them.
  const nameLike = !k.serviceNumber && !k.mainNumber && !k.numberPrefix && !(k.text.includes('.') && (k.domains.length || k.token));
  if (nameLike) out.push(...nameBranches(k, lower(), { typeOk, capped, row }, p, stats));
  return out;
}

interface Builders { typeOk(alias: string): string; capped(sql: string): string; row(r: number | string, cl?: string): string }

/**
 * How close a name containing the keyword is to it: the share of the name the keyword covers
 * (示例记账 is closer to 记账 than 深圳示例记账助手 is). Cheaper than pg_trgm similarity(), which
 * scores a 2-character fragment inside a word as 0, and monotone with it for such names.
 */
const closeness = (col: string, lower: string) => `char_length(${lower})::real / char_length(${col})`;

/** Service names, and unit hosts' names (all their services): bigrams for 2+ characters, else beginnings. */
function nameBranches(k: Keyword, lower: string, b: Builders, p: Params, stats: GramStats): string[] {
  const exact = (col: string) => `case when lower(${col}) = ${lower} then 0 else 1 end`;
  let match: (col: string) => string;
  if (k.length >= 2) {
    // A common keyword (有限公司, 科技) is found sooner by reading the table until the window is
    // full than through the bigram index, which lists every match first (ADR 0023).
    const scan = { 's.name': preferScan(stats.services, k.lower, SEARCH_WINDOW), 'su.name': preferScan(stats.subjects, k.lower, SEARCH_WINDOW) };
    let grams: string | undefined;
    let text: string | undefined;
    // A keyword without cased letters (Chinese) is found in the name as it is: no lower() per row read.
    const caseless = k.text.toLowerCase() === k.text.toUpperCase();
    match = (col) => (scan[col as keyof typeof scan]
      ? (caseless ? `strpos(${col}, ${text ??= p.add(k.text)}) > 0` : `strpos(lower(${col}), ${lower}) > 0`)
      : `beian_bigrams(${col}) @> beian_bigrams(${grams ??= p.add(k.lower)}) and strpos(lower(${col}), ${lower}) > 0`);
  } else {
    const prefix = p.add(`${likeLiteral(k.lower)}%`);
    match = (col) => `lower(${col}) like ${prefix}`;
  }
  // Names equal to the keyword, found by B-tree: always among the candidates, however many
  // names merely contain it (the contains paths stop at SEARCH_WINDOW).
  const equal = k.length >= 2 ? [
    b.capped(`${b.row(0, '1::real')} from services s where lower(s.name) = ${lower}${b.typeOk('s')}`),
    `${b.row(0, '1::real')} from ${b.capped(`select su.id from subjects su where su.subject_type = 'unit' and lower(su.name) = ${lower}`)} h
       join services s on s.subject_id = h.id${b.typeOk('s')}`,
  ] : [];
  return [
    ...equal,
    b.capped(`${b.row(exact('s.name'), closeness('s.name', lower))} from services s where ${match('s.name')}${b.typeOk('s')}`),
    // Capped twice: at most SEARCH_WINDOW hosts, and the join stops at SEARCH_WINDOW services.
    b.capped(`${b.row('h.r', 'h.cl')} from ${b.capped(`select su.id, ${exact('su.name')} as r, ${closeness('su.name', lower)} as cl from subjects su
       where su.subject_type = 'unit' and ${match('su.name')}`)} h join services s on s.subject_id = h.id${b.typeOk('s')}`),
  ];
}

export interface SearchPage { rows: PublicServiceRow[]; total: number; capped: boolean; lastModified: Date | null }

/**
 * One page of matches: exact number / domain / package / name hits first, then by closeness
 * of the service or host name to the keyword, then newest. `lastModified` is the newest
 * change among the records of the page (the ETag covers the rest, total included).
 */
export async function searchServices(
  db: Queryable, k: Keyword, o: { type: ServiceType | null; page: number; pageSize: number; stats?: GramStats; usccHash?: string | null },
): Promise<SearchPage> {
  const p = new Params();
  const union = branches(k, o.type, p, o.stats ?? await gramStats(db), o.usccHash ?? null).map((sql, i) => `select id, r, cl, f, n, ${i} as b from (${sql}) b${i}`).join('\n union all\n');
  // The statement's shape already names its access paths (above, ADR 0023): PostgreSQL would
  // otherwise re-plan it for every keyword, which costs more than running it (ADR 0029). Not
  // with a LIKE pattern: a B-tree serves `like 'x%'` only when the plan sees the pattern.
  const options = /like \$\d/i.test(union) ? PREPARED : GENERIC;
  const rows = await db.query<PublicServiceRow & { total: number; capped: boolean }>(
    `with c as (${union}),
     m as (select id, min(r) as r, max(cl) as cl, max(f) as f, min(n) as n from c group by id),
     caps as (select coalesce(bool_or(x.k >= ${SEARCH_WINDOW}), false) as capped from (select b, count(*) as k from c group by b) x),
     pg as (select id, r, cl, f, n, count(*) over () as total from m order by r, cl desc, f desc, n
             limit ${p.add(o.pageSize)} offset ${p.add((o.page - 1) * o.pageSize)})
     select ${BASE_COLUMNS}, pg.total, (select capped from caps) as capped
       from pg join services s on s.id = pg.id join subjects su on su.id = s.subject_id
      order by pg.r, pg.cl desc, pg.f desc, pg.n`,
    p.values, options,
  );
  if (rows.length === 0 && o.page > 1) {
    // Past the last page: the total still answers (a client paging on learns where to stop).
    const [t] = await db.query<{ total: number; capped: boolean }>(
      `with c as (${union}) select count(distinct id) as total,
         coalesce((select bool_or(x.k >= ${SEARCH_WINDOW}) from (select b, count(*) as k from c group by b) x), false) as capped from c`,
      p.values.slice(0, -2), options,
    );
    return { rows: [], total: Number(t?.total ?? 0), capped: Boolean(t?.capped), lastModified: null };
  }
  // The page's events in a query of their own (one index range per record in public_events). Once
  // subqueries of the search statement, they pushed its estimated cost over PostgreSQL's JIT
  // threshold: 20–30 ms of compiling per search over a million services (ADR 0029; JIT is now off).
  const events = new Map((await db.query<{ id: string; events: PublicServiceRow['events'] }>(
    `select s.id, ${EVENTS} from services s where s.id = any($1::uuid[])`,
    [rows.map((r) => r.id)], PREPARED)).map((e) => [e.id, e.events]));
  for (const r of rows) r.events = events.get(r.id) ?? [];
  const lastModified = rows.reduce<Date | null>((a, r) => (!a || r.last_modified > a ? r.last_modified : a), null);
  return { rows, total: Number(rows[0]?.total ?? 0), capped: Boolean(rows[0]?.capped), lastModified };
}

export async function serviceByNumber(db: Queryable, number: string): Promise<PublicServiceRow | null> {
  const [row] = await db.query<PublicServiceRow>(
    `select ${COLUMNS} from services s join subjects su on su.id = s.subject_id where s.service_number = $1`, [number], PREPARED);
  return row ?? null;
}

export interface PublicSubjectRow {
  main_number: string; subject_type: 'unit' | 'individual'; nature: string; host_name: string;
  status: string; province_code: string; filed_at: Date | null; updated_at: Date;
  /** The subject's own public events (changes, cancellation, revocation), oldest first, with their log leaves. */
  events: { action: string; to_status: string | null; at: string; logIndex: number | null }[];
}

export async function subjectByNumber(db: Queryable, mainNumber: string): Promise<{ subject: PublicSubjectRow; services: PublicServiceRow[] } | null> {
  const [subject] = await db.query<PublicSubjectRow & { id: string }>(
    `select id, main_number, subject_type, nature, name as host_name, status, province_code, filed_at, updated_at,
            coalesce((select json_agg(json_build_object('action', h.action, 'to_status', h.to_status, 'at', h.at, 'logIndex', l.leaf_index) order by h.at, h.id)
                        from history h left join log_leaves l on l.history_id = h.id
                       where h.entity_type = 'subject' and h.entity_id = subjects.id
                         and (h.action in ('change', 'changed', 'cancel', 'cancelled', 'clean_up', 'revoke', 'revoked')
                              or h.id in (select e.history_id from public_events e where e.owner_id = subjects.id and e.action = 'imported'))), '[]') as events
       from subjects where main_number = $1`, [mainNumber], PREPARED);
  if (!subject) return null;
  const services = await db.query<PublicServiceRow>(
    `select ${COLUMNS} from services s join subjects su on su.id = s.subject_id where su.id = $1 order by s.sequence`, [subject.id], PREPARED);
  return { subject, services };
}
