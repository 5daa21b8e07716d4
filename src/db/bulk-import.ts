// One batch of a bulk import (docs/decisions/0024-bulk-import.md): the checked lines are
// COPied into temporary staging tables, checked against the registry with a few set-based
// statements (numbers taken, another subject's certificate, a package already filed), and the
// rest written with INSERT … SELECT — persons, host accounts, subjects, services, platforms and
// history — in the caller's transaction, with the batch's rejections. The indexes (search
// included), constraints and foreign keys work as for any other writer; the platforms'
// per-insert maintenance (read model, findings) is deferred to one set-based catch-up per batch
// (migration 0027, docs/decisions/0028-import-throughput.md).
import { SUBJECT_LIFECYCLE } from '../domain/service-lifecycle.ts';
import type { Queryable } from './connection.ts';

export interface StagedPerson { id: string; name: string; certType: string; certEnc: string; certHash: string; mobileEnc: string; mobileHash: string; emailEnc: string; emailHash: string }

export interface StagedSubject {
  id: string; userId: string; mainNumber: string; year: number | null; serial: number | null; provinceCode: string; type: string; nature: string;
  name: string; certType: string; certPublic: string | null; certEnc: string; certHash: string; address: string;
  cityCode: string; districtCode: string; filedAt: Date; principal: StagedPerson;
}

export interface StagedPlatform { id: string; idx: number; platform: string; packageName: string; md5: string | null; sha1: string | null; sha256: string | null; active: boolean }

export interface StagedLine {
  line: number; subject: StagedSubject; servicePrincipal: StagedPerson | null; serviceId: string; serviceType: string;
  serviceName: string; serviceNumber: string; sequence: number; status: string; filedAt: Date; statusChangedAt: Date;
  domains: string[]; homeUrl: string | null; platforms: StagedPlatform[];
}

/**
 * Who holds what a line was refused for (docs/import.md): an earlier line of this import (`line`), or a
 * record of the registry — the service (`serviceNumber`: a package, a sequence) or the subject
 * (`mainNumber`: a certificate, a main-number serial, a main number).
 */
export interface HeldBy { line?: number; serviceNumber?: string; mainNumber?: string }

export interface Rejection { line: number; field: string; code: string; message: string; heldBy?: HeldBy }

const PERSON = ['id', 'name', 'cert_type', 'cert_enc', 'cert_hash', 'mobile_enc', 'mobile_hash', 'email_enc', 'email_hash'];
const STAGE_COLUMNS = [
  'line', 'subject_id', 'user_id', 'main_number', 'main_year', 'main_serial', 'province_code', 'subject_type', 'nature', 'host_name', 'cert_type',
  'cert_public', 'cert_enc', 'cert_hash', 'address', 'city_code', 'district_code', 'subject_filed_at',
  ...PERSON.map((c) => `p_${c}`), ...PERSON.map((c) => `sp_${c}`),
  'service_id', 'service_type', 'service_name', 'service_number', 'sequence', 'status', 'filed_at', 'status_changed_at', 'domains', 'home_url', 'subject_principal',
].join(', ');
const PLATFORM_COLUMNS = 'line, idx, id, platform, package_name, cert_md5, cert_sha1, cert_sha256, active';

const STAGE_DDL = `
create temp table if not exists import_stage (
  line int primary key, subject_id uuid, user_id uuid, main_number text, main_year int, main_serial int, province_code char(6), subject_type text,
  nature text, host_name text, cert_type text, cert_public text, cert_enc text, cert_hash text, address text, city_code text,
  district_code text, subject_filed_at timestamptz,
  p_id uuid, p_name text, p_cert_type text, p_cert_enc text, p_cert_hash text, p_mobile_enc text, p_mobile_hash text, p_email_enc text, p_email_hash text,
  sp_id uuid, sp_name text, sp_cert_type text, sp_cert_enc text, sp_cert_hash text, sp_mobile_enc text, sp_mobile_hash text, sp_email_enc text, sp_email_hash text,
  service_id uuid, service_type text, service_name text, service_number text, sequence int, status text, filed_at timestamptz,
  status_changed_at timestamptz, domains text[], home_url text,
  new_subject boolean not null default true, subject_principal uuid, reject text, reject_field text,
  sub_ending boolean not null default false
) on commit delete rows;
create temp table if not exists import_stage_platforms (
  line int, idx int, id uuid, platform text, package_name text, cert_md5 text, cert_sha1 text, cert_sha256 text, active boolean,
  primary key (line, idx)
) on commit delete rows;`;

// ---- CSV for COPY: unquoted empty is NULL, everything else quoted ---------------------------
export const q = (v: string | number | boolean | Date | null | undefined): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.indexOf('"') < 0 ? `"${v}"` : `"${v.replace(/"/g, '""')}"`;
  if (v instanceof Date) return v.toISOString();
  return String(v);
};
export const arrayLiteral = (xs: string[]) => q(`{${xs.map((x) => `"${x.replace(/["\\]/g, '\\$&')}"`).join(',')}}`);
const personCells = (p: StagedPerson | null) => (p
  ? [p.id, q(p.name), q(p.certType), q(p.certEnc), q(p.certHash), q(p.mobileEnc), q(p.mobileHash), q(p.emailEnc), q(p.emailHash)]
  : PERSON.map(() => ''));

/** CSV rows gathered in chunks of 256 rows (see Queryable.copyCsv). */
export class Csv {
  readonly chunks: string[] = [];
  private rows: string[] = [];
  add(row: string): void {
    this.rows.push(row);
    if (this.rows.length === 256) { this.chunks.push(this.rows.join('')); this.rows = []; }
  }
  done(): string[] {
    if (this.rows.length) { this.chunks.push(this.rows.join('')); this.rows = []; }
    return this.chunks;
  }
}

function stageCsv(lines: StagedLine[]): { rows: string[]; platforms: string[] } {
  const rows = new Csv();
  const platforms = new Csv();
  for (const l of lines) {
    const s = l.subject;
    rows.add([
      l.line, s.id, s.userId, q(s.mainNumber), q(s.year), q(s.serial), q(s.provinceCode), q(s.type), q(s.nature), q(s.name), q(s.certType),
      q(s.certPublic), q(s.certEnc), q(s.certHash), q(s.address), q(s.cityCode), q(s.districtCode), q(s.filedAt),
      ...personCells(s.principal), ...personCells(l.servicePrincipal),
      l.serviceId, q(l.serviceType), q(l.serviceName), q(l.serviceNumber), l.sequence, q(l.status), q(l.filedAt), q(l.statusChangedAt),
      arrayLiteral(l.domains), q(l.homeUrl), s.principal.id,
    ].join(',').concat('\n'));
    for (const p of l.platforms) {
      platforms.add(`${[l.line, p.idx, p.id, q(p.platform), q(p.packageName), q(p.md5), q(p.sha1), q(p.sha256), p.active ? 't' : 'f'].join(',')}\n`);
    }
  }
  return { rows: rows.done(), platforms: platforms.done() };
}

/** Why the registry refused a line that was well-formed (codes are stable: docs/import.md). */
export const REJECTION_MESSAGES: Record<string, string> = {
  service_number_taken: 'this service number is already in the registry',
  subject_mismatch: 'the main number belongs to a subject with another certificate',
  subject_not_filed: 'the main number belongs to a subject that is cancelled or revoked',
  certificate_filed_under_other_number: 'this certificate is already a filed subject under another main number (one filed subject per certificate)',
  main_number_serial_taken: 'another main number of this province and year has the same serial',
  sequence_taken: 'the subject already has a service with this sequence number',
  package_already_filed: 'this package name is already filed and active on this platform',
  duplicate_in_file: 'an earlier line of the file has this service number',
};

/** certificate_filed_under_other_number's message, naming the main number that holds the certificate. */
export const certificateHeld = (mainNumber: string) =>
  `this certificate is already a filed subject under ${mainNumber} (one filed subject per certificate)`;

// Checks against what is committed; each marks the lines it refuses (the first reason wins).
// Each probes a unique index of the registry once per staged line: a correlated EXISTS with
// OFFSET 0 stays a per-line subplan whatever the planner believes of the registry's size (the
// tables are often unanalysed during a load; a join may then loop over them, and a hash join
// reads a whole registry table per batch — a cost that grows with the registry).
const CHECKS = [
  `update import_stage st set reject = 'service_number_taken', reject_field = 'serviceNumber'
    where st.reject is null and exists (select 1 from services s where s.service_number = st.service_number offset 0)`,
  `update import_stage st set (subject_id, new_subject, subject_principal, sub_ending, reject, reject_field) = (
       select su.id, false, su.principal_person_id, su.import_ending,
              case when (su.certificate_type, su.certificate_number_hash) <> (st.cert_type, st.cert_hash) then 'subject_mismatch'
                   when su.status <> 'filed' then 'subject_not_filed' end,
              case when (su.certificate_type, su.certificate_number_hash) <> (st.cert_type, st.cert_hash) then 'subject.certificateNumber'
                   when su.status <> 'filed' then 'serviceNumber' end
         from subjects su where su.main_number = st.main_number)
    where st.reject is null and exists (select 1 from subjects su where su.main_number = st.main_number offset 0)`,
  // Only a live service claims the certificate: of a new subject, or one that makes an ending subject live
  // (a subject this import created with every imported service ended so far: import_ending, migration 0056).
  `update import_stage st set reject = 'certificate_filed_under_other_number', reject_field = 'subject.certificateNumber'
    where (st.new_subject or st.sub_ending) and st.status = 'filed' and st.reject is null and exists (select 1 from subjects su
      where su.certificate_type = st.cert_type and su.certificate_number_hash = st.cert_hash and su.status = 'filed'
        and su.duplicate_of is null and not su.import_ending offset 0)`,
  `update import_stage st set reject = 'main_number_serial_taken', reject_field = 'serviceNumber'
    where st.new_subject and st.reject is null and st.main_year is not null and exists (select 1 from subjects su
      where su.province_code = st.province_code and su.main_number_year = st.main_year and su.main_number_serial = st.main_serial offset 0)`,
  `update import_stage st set reject = 'sequence_taken', reject_field = 'serviceNumber'
    where not st.new_subject and st.reject is null
      and exists (select 1 from services s where s.subject_id = st.subject_id and s.sequence = st.sequence offset 0)`,
  `update import_stage st set reject = 'package_already_filed', reject_field = 'platforms.' || x.idx || '.packageName'
     from (select p.line, min(p.idx) as idx from import_stage_platforms p
            where p.active and (exists (select 1 from app_platforms ap
                    where ap.platform = p.platform and ap.package_name = p.package_name and ap.active offset 0)
               or (p.platform = 'ios' and exists (select 1 from app_platforms ap
                    where ap.platform = 'ios' and lower(ap.package_name) = lower(p.package_name) and ap.active offset 0)))
            group by p.line) x
    where x.line = st.line and st.reject is null`,
];

const person = (prefix: string) => `${prefix}id, ${prefix}name, ${prefix}cert_type, ${prefix}cert_enc, ${prefix}cert_hash, ${prefix}mobile_enc,
  ${prefix}mobile_hash, ${prefix}email_enc, ${prefix}email_hash`;
const PERSON_INSERT = `insert into persons (id, name, certificate_type, certificate_number_enc, certificate_number_hash, mobile_enc, mobile_hash, email_enc, email_hash, created_at)`;

/**
 * The public events of this transaction's import rows (`imported`, migration 0051), in one set-based
 * insert: a bulk writer turns the deferred-maintenance switch on around its history insert (the history
 * trigger then skips its import rows, ~40-60 µs a row) and runs this after it, in the same transaction.
 * This transaction's rows are found by `history.tx` (the history_tx index, kept during a first load).
 */
export const IMPORTED_EVENTS = `insert into public_events (history_id, owner_id, action, at)
  select h.id, h.entity_id, 'imported', h.at from history h
   where h.tx = pg_current_xact_id() and h.action = 'imported' and h.entity_type in ('service', 'subject')
  on conflict (history_id) do nothing`;

const WRITES = [
  `${PERSON_INSERT} select distinct on (subject_id) ${person('p_')}, $1::timestamptz from import_stage
     where new_subject and reject is null order by subject_id, line`,
  `${PERSON_INSERT} select ${person('sp_')}, $1::timestamptz from import_stage where sp_id is not null and reject is null`,
  // A host account per principal email, signed in to only after a password is set (docs/import.md).
  `insert into users (id, role, display_name, password_hash, email_enc, email_hash, created_at)
     select distinct on (p_email_hash) user_id, 'host', left(p_name, 64), '!', p_email_enc, p_email_hash, $1::timestamptz from import_stage
      where new_subject and reject is null order by p_email_hash, line
     on conflict (email_hash) where role = 'host' do nothing`,
  `insert into subjects (id, host_user_id, subject_type, nature, name, certificate_type, certificate_number, certificate_number_enc,
       certificate_number_hash, address, province_code, city_code, district_code, principal_person_id, main_number, main_number_year,
       main_number_serial, last_service_sequence, status, filed_at, created_at, updated_at, import_ending)
     select st.subject_id, (select u.id from users u where u.role = 'host' and u.email_hash = st.p_email_hash), st.subject_type, st.nature,
       st.host_name, st.cert_type, st.cert_public, st.cert_enc, st.cert_hash, st.address, st.province_code, st.city_code, st.district_code,
       st.p_id, st.main_number, st.main_year, st.main_serial, st.last, 'filed', st.subject_filed_at, $1::timestamptz, $1::timestamptz,
       not st.live
       from (select distinct on (subject_id) *, max(sequence) over (partition by subject_id) as last,
                    bool_or(status = 'filed') over (partition by subject_id) as live from import_stage
              where new_subject and reject is null order by subject_id, line) st`,
  // A live service makes an ending subject live (its certificate checked above).
  `update subjects su set last_service_sequence = greatest(su.last_service_sequence, m.last), import_ending = su.import_ending and not m.live,
       updated_at = $1::timestamptz
     from (select subject_id, max(sequence) as last, bool_or(status = 'filed') as live from import_stage
            where not new_subject and reject is null group by subject_id) m
    where su.id = m.subject_id`,
  // A revoked record imported says no category: `other`, as the revocation flow defaults (migration 0043).
  `insert into services (id, subject_id, service_type, name, domains, home_url, principal_person_id, sequence, service_number, status,
       filed_at, status_changed_at, updated_at, revocation_category)
     select service_id, subject_id, service_type, service_name, domains, home_url, coalesce(sp_id, subject_principal), sequence,
       service_number, status, filed_at, status_changed_at, $1::timestamptz, case when status = 'revoked' then 'other' end
       from import_stage where reject is null`,
  // The platforms' per-insert maintenance (read model, findings) is deferred to one catch-up
  // for the whole batch (migration 0027): the switch holds for this transaction only.
  `select set_config('beian.deferred_maintenance', 'on', true)`,
  `insert into app_platforms (id, service_id, platform, package_name, cert_md5, cert_sha1, cert_sha256, active, created_at)
     select p.id, st.service_id, p.platform, p.package_name, p.cert_md5, p.cert_sha1, p.cert_sha256, p.active, $1::timestamptz
       from import_stage_platforms p join import_stage st on st.line = p.line where st.reject is null`,
  `select beian_catch_up_platforms(array(select p.id from import_stage_platforms p join import_stage st on st.line = p.line
                                         where st.reject is null))`,
  `select set_config('beian.deferred_maintenance', 'off', true)`,
  // History (house rule 4); the transparency log's sequencer appends these rows like any others. Their
  // public events (the record's `imported`, migration 0051) in one set-based catch-up, not row by row.
  `select set_config('beian.deferred_maintenance', 'on', true)`,
  `insert into history (entity_type, entity_id, action, to_status, actor_role, reason, at)
     select 'subject', subject_id, 'imported', 'filed', 'system', jsonb_build_object('import', $1::text, 'line', min(line)), $2::timestamptz
       from import_stage where new_subject and reject is null group by subject_id
     union all
     select 'service', service_id, 'imported', status, 'system', jsonb_build_object('import', $1::text, 'line', line), $2::timestamptz
       from import_stage where reject is null`,
  IMPORTED_EVENTS,
  `select set_config('beian.deferred_maintenance', 'off', true)`,
  // Later approvals allocate after the highest imported serial of each province and year.
  `insert into number_sequences (province_code, year, last_serial)
     select province_code, main_year, max(main_serial) from import_stage
      where new_subject and reject is null and main_year is not null group by province_code, main_year
     on conflict (province_code, year) do update set last_serial = greatest(number_sequences.last_serial, excluded.last_serial)`,
];

/**
 * Rejection path only (a batch with no `service_number_taken` runs nothing here): a number this same
 * import wrote in an earlier batch is a duplicate within the file, not a number of the registry's —
 * `duplicate_in_file`, naming the earlier line its `imported` history row records (`reason.line`, with
 * `reason.import` this import). Found by the service number (unique), its `imported` public event
 * (public_events_owner) and that history row (primary key): indexes a first load keeps too (it sets
 * history_entity aside). A record whose import event is a `logged_imported` row (an import begun
 * before migration 0039, resumed after an upgrade) is found by its `imported` row (history_entity).
 * A number another import or a flow wrote stays `service_number_taken`.
 */
export async function explainOwnNumbers(tx: Queryable, importId: string, rejections: Rejection[], numberOf: (line: number) => string | undefined): Promise<void> {
  const taken = rejections.filter((r) => r.code === 'service_number_taken' && numberOf(r.line) !== undefined);
  if (!taken.length) return;
  const rows = await tx.query<{ line: number; earlier: number | null }>(
    `select x.line, coalesce(
              (select (h.reason->>'line')::int from services s
                 join public_events pe on pe.owner_id = s.id and pe.action = 'imported'
                 join history h on h.id = pe.history_id
                where s.service_number = x.n and h.entity_type = 'service' and h.action = 'imported' and h.reason->>'import' = $3
                limit 1),
              -- A record this import loaded before migration 0039 whose row the log had sequenced: its
              -- import event is its 'logged_imported' row (migrations 0039, 0051), which names no line;
              -- the line is its 'imported' row's (history_entity; only for such records).
              (select (h2.reason->>'line')::int from services s
                 join public_events pe on pe.owner_id = s.id and pe.action = 'imported'
                 join history h on h.id = pe.history_id and h.action = 'logged_imported'
                 join history h2 on h2.entity_type = 'service' and h2.entity_id = s.id and h2.action = 'imported'
                where s.service_number = x.n and h2.reason->>'import' = $3
                limit 1)) as earlier
       from unnest($1::int[], $2::text[]) as x(line, n)`,
    [taken.map((r) => r.line), taken.map((r) => numberOf(r.line)!), importId]);
  const earlier = new Map(rows.filter((r) => r.earlier !== null && r.earlier < r.line).map((r) => [r.line, r.earlier!]));
  for (const r of taken) {
    const e = earlier.get(r.line);
    if (e === undefined) continue;
    r.code = 'duplicate_in_file';
    r.message = `line ${e} of the file has this service number (loaded by an earlier batch of this import)`;
    r.heldBy = { line: e };
  }
}

/** What an earlier line of the file did that a later one conflicts with (the in-batch messages' wording). */
const LINE_HOLDS: Record<string, (mainNumber: string) => string> = {
  subject_mismatch: () => 'files this main number with another certificate',
  certificate_filed_under_other_number: (m) => `files this certificate under ${m}`,
  main_number_serial_taken: (m) => `files ${m}, a main number of this province and year with the same serial`,
  sequence_taken: () => 'has this sequence under the same main number',
  package_already_filed: () => 'files this package on this platform',
};

/**
 * Rejection path only: the database's refusals of a batch's lines for a row another record holds — a
 * package, a sequence, a main-number serial, a certificate, a main number — name that holder
 * (`heldBy`, and the message): the line of this import that loaded it (its `imported` history row, found
 * through its public event: indexes a first load keeps), else the registry's service or subject.
 * `lineOf`: the batch's staged lines by line number.
 */
export async function explainHolders(tx: Queryable, importId: string, rejections: Rejection[], lineOf: (line: number) => StagedLine | undefined): Promise<void> {
  const todo = rejections.filter((r) => !r.heldBy && r.code in LINE_HOLDS && lineOf(r.line));
  if (!todo.length) return;
  // The holder's id and number, per rejection (by its index in `todo`).
  const found = new Map<number, { id: string; number: string; subject: boolean }>();
  const each = async (code: string, sql: string, args: (l: StagedLine, r: Rejection) => unknown[] | null, subject: boolean) => {
    const xs = todo.map((r, i) => ({ i, a: r.code === code ? args(lineOf(r.line)!, r) : null })).filter((x) => x.a !== null);
    if (!xs.length) return;
    const cols = xs[0]!.a!.length;
    const params = [xs.map((x) => x.i), ...Array.from({ length: cols }, (_, c) => xs.map((x) => x.a![c]))];
    for (const row of await tx.query<{ i: number; id: string; number: string }>(sql, params)) found.set(row.i, { id: row.id, number: row.number, subject });
  };
  await each('package_already_filed',
    `select x.i, s.id, s.service_number as number from unnest($1::int[], $2::text[], $3::text[]) as x(i, p, n)
       cross join lateral (select ap.service_id from app_platforms ap where ap.active and ap.platform = x.p
                             and (ap.package_name = x.n or (x.p = 'ios' and lower(ap.package_name) = lower(x.n))) limit 1) a
       join services s on s.id = a.service_id`,
    (l, r) => {
      const p = l.platforms.find((x) => `platforms.${x.idx}.packageName` === r.field);
      return p ? [p.platform, p.packageName] : null;
    }, false);
  await each('sequence_taken',
    `select x.i, s.id, s.service_number as number from unnest($1::int[], $2::text[], $3::int[]) as x(i, m, q)
       join subjects su on su.main_number = x.m join services s on s.subject_id = su.id and s.sequence = x.q`,
    (l) => [l.subject.mainNumber, l.sequence], false);
  await each('main_number_serial_taken',
    `select x.i, su.id, su.main_number as number from unnest($1::int[], $2::text[], $3::int[], $4::int[]) as x(i, p, y, s)
       cross join lateral (select su.id, su.main_number from subjects su
                            where su.province_code = x.p and su.main_number_year = x.y and su.main_number_serial = x.s limit 1) su`,
    (l) => (l.subject.year !== null && l.subject.serial !== null ? [l.subject.provinceCode, l.subject.year, l.subject.serial] : null), true);
  await each('certificate_filed_under_other_number',
    `select x.i, su.id, su.main_number as number from unnest($1::int[], $2::text[], $3::text[]) as x(i, t, h)
       cross join lateral (select su.id, su.main_number from subjects su where su.certificate_type = x.t and su.certificate_number_hash = x.h
                             and su.status = 'filed' and su.duplicate_of is null and not su.import_ending limit 1) su`,
    (l) => [l.subject.certType, l.subject.certHash], true);
  await each('subject_mismatch',
    `select x.i, su.id, su.main_number as number from unnest($1::int[], $2::text[]) as x(i, m) join subjects su on su.main_number = x.m`,
    (l) => [l.subject.mainNumber], true);
  if (!found.size) return;
  const ids = [...new Set([...found.values()].map((f) => f.id))];
  const lines = new Map((await tx.query<{ id: string; line: number }>(
    `select pe.owner_id as id, min((h.reason->>'line')::int) as line
       from public_events pe join history h on h.id = pe.history_id
      where pe.owner_id = any ($1::uuid[]) and pe.action = 'imported' and h.action = 'imported' and h.reason->>'import' = $2
      group by pe.owner_id`, [ids, importId])).map((r) => [r.id, r.line]));
  todo.forEach((r, i) => {
    const f = found.get(i);
    if (!f) return;
    const line = lines.get(f.id);
    if (line !== undefined && line < r.line) {
      r.heldBy = { line };
      r.message = `line ${line} of the file ${LINE_HOLDS[r.code]!(f.number)} (loaded by an earlier batch of this import)`;
    } else {
      r.heldBy = f.subject ? { mainNumber: f.number } : { serviceNumber: f.number };
      if (r.code === 'certificate_filed_under_other_number' || r.code === 'subject_mismatch') return; // the message names the main number already (or is the line's own)
      r.message = `${REJECTION_MESSAGES[r.code]}: ${f.number}`;
    }
  });
}

/**
 * Thrown (before anything of the batch is written; its transaction rolls back) when the database
 * refuses a line that the batch's decisions between its own lines rest on — an earlier line a later
 * one was refused for (a duplicate, its package, …), or the first line of a subject later lines
 * joined. The importer stages the batch again with `refused` known, as the lines one by one would
 * have been decided (src/flows/import-filings.ts).
 */
export class Restage extends Error {
  constructor(readonly refused: Rejection[]) { super('the batch is staged again: the database refused a line its decisions rest on'); }
}

/** Restage when one of the database's refusals (`refused`, their messages final) is of a line in `referenced`. */
export async function restageIfReferenced(
  tx: Queryable, importId: string, refused: Rejection[], referenced: ReadonlySet<number> | undefined, numberOf: (line: number) => string | undefined,
): Promise<void> {
  if (!referenced?.size || !refused.some((r) => referenced.has(r.line))) return;
  await explainOwnNumbers(tx, importId, refused, numberOf);
  throw new Restage(refused);
}

/** Called with each statement of a batch and its duration (bench/generate.ts --trace). */
export type Trace = (statement: string, ms: number) => void;

export interface BatchResult { services: number; subjects: number; rejections: Rejection[] }

/**
 * Writes one batch in `tx` (which must offer copyCsv): `lines` passed the per-line checks;
 * `rejected` are the lines refused before staging. Records the batch's progress on the import.
 */
export async function writeBatch(
  tx: Queryable, importId: string, lines: StagedLine[], rejected: Rejection[], lastLine: number, now: Date, trace?: Trace,
  /** Lines the batch's own decisions rest on: a refusal of one of them throws Restage. */
  referenced?: ReadonlySet<number>,
): Promise<BatchResult> {
  const timed = async <T>(sql: string, f: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const r = await f();
    trace?.(sql.replace(/\s+/g, ' '), performance.now() - t);
    return r;
  };
  if (!tx.copyCsv) throw new Error('bulk import needs a connection that can COPY');
  let services = 0;
  let subjects = 0;
  const rejections = [...rejected];
  // synchronous_commit: set by the caller (importFilings), on a server only.
  await tx.exec(`set local work_mem = '64MB'`);
  if (lines.length) {
    await tx.exec(STAGE_DDL);
    const csv = stageCsv(lines);
    await timed('copy import_stage', () => tx.copyCsv!('import_stage', STAGE_COLUMNS, csv.rows));
    if (csv.platforms.length) await timed('copy import_stage_platforms', () => tx.copyCsv!('import_stage_platforms', PLATFORM_COLUMNS, csv.platforms));
    // Fresh statistics, or the planner guesses the staging tables' sizes and may loop over them.
    await tx.exec('analyze import_stage; analyze import_stage_platforms');
    for (const sql of CHECKS) await timed(sql, () => tx.query(sql));
    // A certificate filed under another main number: that number named (rejected lines only).
    for (const r of await tx.query<{ line: number; reject: string; reject_field: string; holder: string | null }>(
      `select line, reject, reject_field,
              case when reject = 'certificate_filed_under_other_number' then (select su.main_number from subjects su
                where su.certificate_type = st.cert_type and su.certificate_number_hash = st.cert_hash and su.status = 'filed'
                  and su.duplicate_of is null and not su.import_ending limit 1) end as holder
         from import_stage st where reject is not null`)) {
      rejections.push({ line: r.line, field: r.reject_field, code: r.reject, message: r.holder !== null ? certificateHeld(r.holder) : REJECTION_MESSAGES[r.reject] ?? r.reject });
    }
    const numbers = new Map(lines.map((l) => [l.line, l.serviceNumber]));
    if (rejections.length > rejected.length) {
      const byLine = new Map(lines.map((l) => [l.line, l]));
      await timed('explain holders', () => explainHolders(tx, importId, rejections.slice(rejected.length), (line) => byLine.get(line)));
    }
    await restageIfReferenced(tx, importId, rejections.slice(rejected.length), referenced, (line) => numbers.get(line));
    for (const sql of WRITES) {
      await timed(sql, () => tx.query(sql, sql.includes('$2') ? [importId, now] : sql.includes('$1') ? [now] : []));
    }
    const [c] = await tx.query<{ services: number; subjects: number }>(
      `select count(*)::int as services, count(distinct subject_id) filter (where new_subject)::int as subjects from import_stage where reject is null`);
    services = c?.services ?? 0;
    subjects = c?.subjects ?? 0;
    await timed('explain own numbers', () => explainOwnNumbers(tx, importId, rejections, (line) => numbers.get(line)));
  }
  await recordBatch(tx, importId, rejections, lastLine, services, subjects, now);
  return { services, subjects, rejections };
}

/** The batch's rejections (sorted by line, in place) and the import's progress, in the batch's transaction. */
export async function recordBatch(
  tx: Queryable, importId: string, rejections: Rejection[], lastLine: number, services: number, subjects: number, now: Date,
): Promise<void> {
  if (rejections.length) {
    rejections.sort((a, b) => a.line - b.line);
    await tx.query(
      `insert into import_rejections (import_id, line, field, code, message, held_by)
       select $1, l, f, c, m, h::jsonb from unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[]) as t(l, f, c, m, h)`,
      [importId, rejections.map((r) => r.line), rejections.map((r) => r.field), rejections.map((r) => r.code), rejections.map((r) => r.message),
        rejections.map((r) => (r.heldBy ? JSON.stringify(r.heldBy) : null))],
    );
  }
  await tx.query(
    `update imports set last_line = $2, services = services + $3, subjects = subjects + $4, rejected = rejected + $5, updated_at = $6
      where id = $1`, [importId, lastLine, services, subjects, rejections.length, now]);
}

/**
 * The end of an import: a subject it created whose services are all cancelled or revoked is
 * cancelled, as the registry's flows cancel a subject with its last live service (DOMAIN.md §4.3,
 * src/flows/subjects.ts cancelEmptySubject): `cancel` when the last of them to end was cancelled,
 * `clean_up` when it was revoked (the subject lifecycle's table), with a history row — the log's
 * `subject_cancelled` event of its records (migration 0053) — and the certificate no longer held
 * (one filed subject per certificate). Decided once the whole file is loaded, so a subject's services
 * in any lines, of any batches, count. `mainNumbers`: the subjects this run gave an ended service
 * (null: any subject this import created, for a resumed run that does not know its earlier runs').
 */
export async function endImportedEmptySubjects(tx: Queryable, importId: string, mainNumbers: string[] | null, now: Date): Promise<number> {
  const to = (action: 'cancel' | 'clean_up') => SUBJECT_LIFECYCLE.find((m) => m.action === action)!.to;
  const rows = await tx.query<{ id: string }>(
    `with ended as (
       select su.id, (select s.status from services s where s.subject_id = su.id
                       order by s.status_changed_at desc, s.sequence desc limit 1) as last
         from subjects su
        where su.status = 'filed'${mainNumbers ? ' and su.main_number = any ($5::text[])' : ''}
          and not exists (select 1 from services s where s.subject_id = su.id and s.status = 'filed')
          and exists (select 1 from services s where s.subject_id = su.id)
          and exists (select 1 from history h where h.entity_type = 'subject' and h.entity_id = su.id and h.action = 'imported'
                        and h.reason->>'import' = $1)
     ), moved as (
       update subjects su set status = case when e.last = 'revoked' then $3 else $4 end, import_ending = false, updated_at = $2::timestamptz
         from ended e where su.id = e.id returning su.id, e.last
     )
     insert into history (entity_type, entity_id, action, from_status, to_status, actor_role, reason, at)
     select 'subject', m.id, case when m.last = 'revoked' then 'clean_up' else 'cancel' end, 'filed',
            case when m.last = 'revoked' then $3 else $4 end, 'system',
            jsonb_build_object('import', $1::text, 'note', 'its last live service was ' || m.last || ' (imported)'), $2::timestamptz
       from moved m order by m.id
     returning entity_id as id`,
    [importId, now, to('clean_up'), to('cancel'), ...(mainNumbers ? [mainNumbers] : [])]);
  return rows.length;
}
