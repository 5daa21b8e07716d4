// Read queries of the verification API (issue 5). Bulk identity lookups are one statement over
// unnest()ed arrays (no query per item) on the read model verify_identities (migration 0006);
// each (platform, package) yields its active filing or, failing that, its most recently
// cancelled / revoked one.
import { identityKey, type RegisteredIdentity } from '../domain/verification.ts';
import type { ServiceStatus } from '../domain/service-lifecycle.ts';
import type { Db, Queryable } from './connection.ts';
import { LINE_FIELDS } from './identity-index.ts';

interface IdentityRow {
  /** The key's position in the query's arrays (1-based). */
  i: number;
  service_id: string;
  active: boolean;
  service_status: ServiceStatus;
  cert_md5: string | null;
  cert_sha1: string | null;
  cert_sha256: string | null;
  service_number: string;
  main_number: string;
  service_name: string;
  host_name: string;
  host_type: 'unit' | 'individual';
  /** ISO 8601 UTC with milliseconds, rendered by the database (as Date.toISOString would). */
  filed_at: string;
  status_changed_at: string;
  shell_since: string | null;
}

// From the verification read model (migration 0006): one index probe per key.
// One index probe per key, the best row of a package picked beside it (no sort of the whole
// answer); rows name their key by position and carry their dates as text, so a 10,000-key
// answer is cheap to read.
const ISO = (col: string) => `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const IDENTITIES_SQL = `
  select q.i::int as i, v.service_id, v.active, v.service_status, v.cert_md5, v.cert_sha1, v.cert_sha256,
         v.service_number, v.main_number, v.service_name, v.host_name, v.host_type,
         ${ISO('v.filed_at')} as filed_at, ${ISO('v.status_changed_at')} as status_changed_at,
         ${ISO('v.shell_since')} as shell_since
    from unnest($1::text[], $2::text[]) with ordinality as q(platform, package_name, i)
    cross join lateral (
      select * from verify_identities v where v.platform = q.platform and v.package_name = q.package_name and q.platform <> 'ios'
      union all
      -- iOS bundle IDs match whatever their case (matchingPackageName; index verify_identities_ios_folded)
      select * from verify_identities v where q.platform = 'ios' and v.platform = 'ios' and lower(v.package_name) = lower(q.package_name)
       order by active desc, status_changed_at desc, platform_created_at desc limit 1) v`;

// Identities are cached by the hundred thousand: small enumerations are the shared literals, not
// per-row copies, and dates are rendered once.
const SERVICE_STATUS = { filed: 'filed', cancelled: 'cancelled', revoked: 'revoked' } as const;
const HOST_TYPE = { unit: 'unit', individual: 'individual' } as const;

function toIdentity(r: IdentityRow): RegisteredIdentity {
  const filedAt = r.filed_at;
  return {
    serviceId: r.service_id, active: r.active, serviceStatus: SERVICE_STATUS[r.service_status],
    certMd5: r.cert_md5, certSha1: r.cert_sha1, certSha256: r.cert_sha256,
    serviceNumber: r.service_number, mainNumber: r.main_number, serviceName: r.service_name,
    hostName: r.host_name, hostType: HOST_TYPE[r.host_type], filedAt,
    // A filing never changed since approval has one date: one string, not two.
    statusChangedAt: r.status_changed_at === filedAt ? filedAt : r.status_changed_at,
    shellSince: r.shell_since,
  };
}

/** Keys per identity query beyond which a lookup is split into parts run on separate connections. */
export const IDENTITY_PART = 2_500;
/** At most this many parts of one lookup at once (PostgreSQL runs each on its own backend, so a big batch uses several cores). */
export const IDENTITY_PARTS = 4;

/** Registry facts for distinct (platform, package) pairs, keyed `platform|package`; absent keys have no record. */
export async function loadIdentities(db: Queryable, keys: readonly { platform: string; packageName: string }[]): Promise<Map<string, RegisteredIdentity>> {
  const out = new Map<string, RegisteredIdentity>();
  if (keys.length === 0) return out;
  const parts = Math.min(IDENTITY_PARTS, Math.ceil(keys.length / IDENTITY_PART));
  const size = Math.ceil(keys.length / parts);
  const answers = await Promise.all(Array.from({ length: parts }, (_, i) => {
    const part = keys.slice(i * size, (i + 1) * size);
    return db.query<IdentityRow>(IDENTITIES_SQL, [part.map((k) => k.platform), part.map((k) => k.packageName)], { prepare: true });
  }));
  for (let p = 0; p < parts; p++) {
    for (const r of answers[p]!) {
      const k = keys[p * size + r.i - 1]!;
      out.set(identityKey(k.platform, k.packageName), toIdentity(r));
    }
  }
  return out;
}

export interface ServiceRecord {
  service_id: string;
  subject_id: string;
  service_number: string;
  service_type: string;
  service_name: string;
  status: ServiceStatus;
  filed_at: Date;
  status_changed_at: Date;
  shell_since: Date | null;
  main_number: string;
  subject_status: ServiceStatus;
  host_name: string;
  host_type: 'unit' | 'individual';
  host_nature: string;
  platforms: { platform: string; packageName: string; active: boolean; certMd5: string | null; certSha1: string | null; certSha256: string | null }[];
}

const SERVICE_SQL = `
  select s.id as service_id, s.subject_id, s.service_number, s.service_type, s.name as service_name, s.status, s.filed_at, s.status_changed_at, s.shell_since,
         sub.main_number, sub.status as subject_status, sub.name as host_name, sub.subject_type as host_type, sub.nature as host_nature,
         coalesce((select json_agg(json_build_object('platform', p.platform, 'packageName', p.package_name, 'active', p.active,
                     'certMd5', p.cert_md5, 'certSha1', p.cert_sha1, 'certSha256', p.cert_sha256) order by p.platform)
                     from app_platforms p where p.service_id = s.id), '[]'::json) as platforms
    from services s join subjects sub on sub.id = s.subject_id`;

export async function findServiceByNumber(db: Queryable, serviceNumber: string): Promise<ServiceRecord | null> {
  const [row] = await db.query<ServiceRecord>(`${SERVICE_SQL} where s.service_number = $1`, [serviceNumber]);
  return row ?? null;
}

export interface SubjectRecord {
  subject_id: string;
  main_number: string;
  status: ServiceStatus;
  host_name: string;
  host_type: 'unit' | 'individual';
  host_nature: string;
  filed_at: Date | null;
  /**
   * When the subject's status was set: while filed, its filing; once cancelled or revoked, the
   * subject's last history row of that move (as the public subject record has it), else its
   * services' last move to that status (subjects keep no column of their own).
   */
  status_changed_at: Date | null;
}

const SUBJECT_SQL = `select id as subject_id, main_number, status, name as host_name, subject_type as host_type, nature as host_nature, filed_at,
    case when status = 'filed' then filed_at else coalesce(
      (select max(h.at) from history h where h.entity_type = 'subject' and h.entity_id = subjects.id
          and h.action = any(case when subjects.status = 'revoked' then array['revoke', 'revoked'] else array['cancel', 'cancelled', 'clean_up'] end)),
      (select max(s.status_changed_at) from services s where s.subject_id = subjects.id and s.status = subjects.status),
      filed_at) end as status_changed_at
  from subjects`;

export async function findSubjectByNumber(db: Queryable, mainNumber: string): Promise<SubjectRecord | null> {
  const [row] = await db.query<SubjectRecord>(`${SUBJECT_SQL} where main_number = $1`, [mainNumber]);
  return row ?? null;
}

/** Units only: an individual's certificate number is never a lookup key here (privacy). */
export async function findUnitsByCertificateHash(db: Queryable, hash: string): Promise<SubjectRecord[]> {
  return db.query<SubjectRecord>(`${SUBJECT_SQL} where certificate_number_hash = $1 and subject_type = 'unit' order by filed_at`, [hash]);
}

export async function servicesOfSubjects(db: Queryable, subjectIds: string[]): Promise<ServiceRecord[]> {
  if (subjectIds.length === 0) return [];
  return db.query<ServiceRecord>(`${SERVICE_SQL} where s.subject_id = any($1::uuid[]) order by s.subject_id, s.sequence`, [subjectIds]);
}

// ---- the whole read model, page by page (the in-memory index, ADR 0022) ---------------------

/** One row of the read model as the in-memory index takes it (dates in milliseconds since the epoch). */
export interface IdentityPageRow {
  platform: string;
  packageName: string;
  serviceId: string;
  active: boolean;
  serviceStatus: ServiceStatus;
  certMd5: string | null;
  certSha1: string | null;
  certSha256: string | null;
  serviceNumber: string;
  mainNumber: string;
  serviceName: string;
  hostName: string;
  hostType: 'unit' | 'individual';
  /** Whole milliseconds (the floor of the stored microseconds, as to_char's MS). */
  filedAt: number;
  statusChangedAt: number;
  shellSince: number | null;
}

const MS = (col: string) => `floor(extract(epoch from ${col}) * 1000)::float8`;
const ROW_COLUMNS = `platform, package_name as "packageName", service_id as "serviceId", active, service_status as "serviceStatus",
         cert_md5 as "certMd5", cert_sha1 as "certSha1", cert_sha256 as "certSha256", service_number as "serviceNumber",
         main_number as "mainNumber", service_name as "serviceName", host_name as "hostName", host_type as "hostType",
         ${MS('filed_at')} as "filedAt", ${MS('status_changed_at')} as "statusChangedAt", ${MS('shell_since')} as "shellSince"`;

// The scan reads each row as one text (fields joined by U+001F; NULL as an empty field, which no
// non-null value of these columns can be), COPYed out and split as bytes (lineSpans; the index
// takes them as they are: IdentityIndex.putLine). A row whose text holds a U+001F itself does not
// split into 16 fields, and one holding what COPY escapes has a backslash: those few rows are read
// again column by column.
const SEP = '\x1f';
const LINE = `concat_ws(chr(31), platform, package_name, service_id, active::int, service_status, coalesce(cert_md5, ''),
  coalesce(cert_sha1, ''), coalesce(cert_sha256, ''), service_number, coalesce(main_number, ''), service_name, host_name, host_type,
  ${MS('filed_at')}, ${MS('status_changed_at')}, coalesce(${MS('shell_since')}::text, '')) as l`;

/** A line's fields as a row (the loader's strings path), or null when it does not split into LINE_FIELDS fields. */
export function splitLine(l: string): IdentityPageRow | null {
  const f = l.split(SEP);
  if (f.length !== 16) return null;
  return {
    platform: f[0]!, packageName: f[1]!, serviceId: f[2]!, active: f[3] === '1', serviceStatus: f[4] as ServiceStatus,
    certMd5: f[5] || null, certSha1: f[6] || null, certSha256: f[7] || null, serviceNumber: f[8]!, mainNumber: f[9] || (null as unknown as string),
    serviceName: f[10]!, hostName: f[11]!, hostType: f[12] as 'unit' | 'individual', filedAt: Number(f[13]), statusChangedAt: Number(f[14]),
    shellSince: f[15] ? Number(f[15]) : null,
  };
}

/** Splits the line src[at, end) into LINE_FIELDS spans at U+001F; false when it has another number of fields or holds a backslash (COPY's escape: such a line is read again as a row). */
export function lineSpans(src: Buffer, at: number, end: number, spans: Int32Array): boolean {
  let k = 0;
  let start = at;
  for (let i = at; i < end; i++) {
    const c = src[i]!;
    if (c === 0x5c) return false;
    if (c === 0x1f) {
      if (k === LINE_FIELDS - 1) return false;
      spans[2 * k] = start;
      spans[2 * k + 1] = i;
      k += 1;
      start = i + 1;
    }
  }
  if (k !== LINE_FIELDS - 1) return false;
  spans[2 * k] = start;
  spans[2 * k + 1] = end;
  return true;
}

/**
 * Whole lines out of chunks of COPY output (a line may straddle chunks): each complete line's
 * span handed to `line` in order; the rest kept for the next chunk.
 */
export class LineChunks {
  private rest: Buffer | null = null;
  push(chunk: Buffer, line: (buf: Buffer, at: number, end: number) => void): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    let at = 0;
    for (let nl = buf.indexOf(10, at); nl !== -1; at = nl + 1, nl = buf.indexOf(10, at)) line(buf, at, nl);
    this.rest = at < buf.length ? Buffer.from(buf.subarray(at)) : null; // a copy: the chunk is not held on to
  }
  /** Whether an incomplete line is left (COPY output always ends with a newline). */
  get pending(): boolean { return this.rest !== null; }
}

export interface IdentityScan {
  /** The row count, first. */
  onCount?: (n: number) => void;
  /**
   * A row as the bytes of its line (lineSpans' spans of src, valid until it returns): true when
   * taken, false to have it as an object in the chunk's page instead.
   */
  onLine: (src: Buffer, spans: Int32Array) => boolean;
  /** After each chunk: the rows of it given back by onLine, and the rows read again after the scan; false stops the scan. */
  onPage: (rows: IdentityPageRow[]) => boolean | void;
  /** COPYs at once. */
  parts?: number;
}

/**
 * Every identity of the read model, read by `parts` COPYs at once (each over a range of the
 * table's pages, a TID range scan, in its own transaction: the server works on the parts in
 * parallel while this process reads the lines as bytes, without a string per field: ADR 0022
 * addendum). No sort, no index. A package with several rows (filed again after a cancellation)
 * yields them in any order: the caller re-reads those keys after the scan (loadIdentities picks the
 * row that answers). The parts' snapshots differ by moments: the caller must be listening for
 * changes before the scan starts and re-read what it hears (a row moved by an update between two
 * parts' snapshots is announced). A line that holds U+001F or a backslash (COPY's escapes) is read
 * again as a row after the scan.
 */
export async function scanIdentities(db: Db, scan: IdentityScan): Promise<void> {
  const { onPage, onLine } = scan;
  const parts = scan.parts ?? 4;
  const [c] = await db.query<{ n: number; pages: number }>(
    `select count(*)::int as n, (pg_relation_size('verify_identities') / current_setting('block_size')::int)::int as pages from verify_identities`);
  scan.onCount?.(c?.n ?? 0);
  const pages = c?.pages ?? 0;
  const k = pages >= parts * 64 ? parts : 1;
  const step = Math.ceil(pages / k);
  let stopped = false;
  let odd = false;
  const part = (i: number) => db.transaction(async (tx) => {
    if (!tx.copyOut) throw new Error('scanIdentities: this database cannot COPY out');
    // The last part is open-ended: the table may have grown since relpages was counted.
    const range = k === 1 ? '' : `where ctid >= '(${i * step},0)'::tid${i < k - 1 ? ` and ctid < '(${(i + 1) * step},0)'::tid` : ''}`;
    const spans = new Int32Array(2 * LINE_FIELDS);
    const lines = new LineChunks();
    let rows: IdentityPageRow[] = [];
    const line = (buf: Buffer, at: number, end: number) => {
      if (!lineSpans(buf, at, end, spans)) { odd = true; return; }
      if (!onLine(buf, spans)) rows.push(splitLine(buf.toString('utf8', at, end))!);
    };
    await tx.copyOut(`select ${LINE} from verify_identities ${range}`, (chunk) => {
      if (stopped) return; // read to its end, unused (a reload began meanwhile)
      lines.push(chunk, line);
      const page = rows;
      rows = [];
      if (onPage(page) === false) stopped = true;
    });
    if (lines.pending && !stopped) throw new Error('scanIdentities: COPY output ended inside a line');
  });
  await Promise.all(Array.from({ length: k }, (_, i) => part(i)));
  if (odd && !stopped) {
    // What COPY escapes (a backslash, \b \t \n \v \f \r) or what splits into more fields (U+001F).
    onPage(await db.query<IdentityPageRow>(`select ${ROW_COLUMNS} from verify_identities
      where (platform || package_name || service_number || coalesce(main_number, '') || service_name || host_name) ~ '[\x08-\x0d\x1f\\\\]'`));
  }
}
