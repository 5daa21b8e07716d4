// A first load's batches written by COPY straight into the registry tables (issue 16 item 8;
// docs/decisions/0032-first-load.md, addendum "COPY straight into the registry"). During a first
// load the registry held nothing but what this import wrote (and what another writer adds
// meanwhile), so the registry checks of the staging path (src/db/bulk-import.ts, CHECKS) need not
// probe the registry for every line: compact in-memory filters (32-bit fingerprints) of every key
// the import wrote — service numbers, main numbers, filed certificates, main-number serials, active
// packages, host emails — say which lines MAY meet an earlier row, and only those keys are looked
// up in the registry (a handful of index probes per batch). A fingerprint that matches by chance
// costs one probe that finds nothing; a key the filters do not hold was not written by this import.
// What another writer committed meanwhile is not in the filters: the unique indexes stay in place
// during a first load, so such a conflict fails the batch's COPY with a unique violation, and the
// caller writes that batch again through the staging path (writeBatch), which checks every line
// against the registry. The rows written are exactly those of the staging path's INSERT … SELECT,
// the read model's rows (verify_identities) included; findings are resolved by the same function.
import { identityKey } from '../domain/verification.ts';
import type { Db, Queryable } from './connection.ts';
import {
  type BatchResult, type Rejection, REJECTION_MESSAGES, type StagedLine, type StagedPerson, type StagedSubject, type Trace,
  Csv, arrayLiteral, certificateHeld, explainHolders, explainOwnNumbers, IMPORTED_EVENTS, q, recordBatch, restageIfReferenced,
} from './bulk-import.ts';

// ---- fingerprint filter ---------------------------------------------------------------------

/** FNV-1a over UTF-16 code units, then murmur3's finaliser; never 0 (0 marks an empty slot). */
function fingerprint(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) || 1;
}

/**
 * A set of 32-bit fingerprints of strings (open addressing in a Uint32Array, at most half full):
 * `has` is true for every string added and, by chance, for about one other string in 2^32 / size.
 * 8–16 bytes per key.
 */
export class FingerprintSet {
  private slots: Uint32Array;
  private count = 0;
  constructor(capacity = 1024) { this.slots = new Uint32Array(capacity); }
  get size(): number { return this.count; }
  get bytes(): number { return this.slots.byteLength; }
  has(key: string): boolean {
    const fp = fingerprint(key);
    const mask = this.slots.length - 1;
    for (let i = fp & mask; ; i = (i + 1) & mask) {
      const v = this.slots[i]!;
      if (v === fp) return true;
      if (v === 0) return false;
    }
  }
  add(key: string): void {
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    if (this.insert(fingerprint(key))) this.count += 1;
  }
  private insert(fp: number): boolean {
    const mask = this.slots.length - 1;
    for (let i = fp & mask; ; i = (i + 1) & mask) {
      const v = this.slots[i]!;
      if (v === fp) return false;
      if (v === 0) { this.slots[i] = fp; return true; }
    }
  }
  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    for (const v of old) if (v !== 0) this.insert(v);
  }
}

const certKey = (type: string, hash: string) => `${type}|${hash}`;
const serialKey = (province: string, year: number, serial: number) => `${province}|${year}|${serial}`;
/** A package as matched: iOS bundle IDs folded (case-insensitive), others exact. */
const packageKey = identityKey;

/** What this first load (and any other writer before its last resume) wrote, as fingerprints. */
export class FirstLoadKeys {
  readonly serviceNumbers = new FingerprintSet();
  readonly mainNumbers = new FingerprintSet();
  /** Certificates of filed subjects (status filed, no duplicate_of, not ending): the one-per-certificate rule. */
  readonly certificates = new FingerprintSet();
  readonly serials = new FingerprintSet();
  /** Active (platform, package name). */
  readonly packages = new FingerprintSet();
  /** Host accounts' email hashes. */
  readonly emails = new FingerprintSet();

  get bytes(): number {
    return [this.serviceNumbers, this.mainNumbers, this.certificates, this.serials, this.packages, this.emails].reduce((n, s) => n + s.bytes, 0);
  }

  /** The keys of the lines of a committed batch that were not rejected. */
  addWritten(lines: StagedLine[], rejections: Rejection[]): void {
    const rejected = new Set(rejections.map((r) => r.line));
    for (const l of lines) {
      if (rejected.has(l.line)) continue;
      const s = l.subject;
      this.serviceNumbers.add(l.serviceNumber);
      this.mainNumbers.add(s.mainNumber);
      // Only a live service claims its subject's certificate (an ending subject holds none, migration 0056).
      if (l.status === 'filed') this.certificates.add(certKey(s.certType, s.certHash));
      if (s.year !== null && s.serial !== null) this.serials.add(serialKey(s.provinceCode, s.year, s.serial));
      this.emails.add(s.principal.emailHash);
      for (const p of l.platforms) if (p.active) this.packages.add(packageKey(p.platform, p.packageName));
    }
  }
}

/**
 * The keys of everything in the registry tables (a resumed first load: the import's earlier runs,
 * and whatever another writer added), read in pages of the primary key.
 */
export async function rebuildFirstLoadKeys(db: Db): Promise<FirstLoadKeys> {
  const keys = new FirstLoadKeys();
  const PAGE = 50_000;
  const scan = async <R extends { id: string }>(sql: string, each: (r: R) => void) => {
    for (let after = '00000000-0000-0000-0000-000000000000'; ;) {
      const rows = await db.query<R>(sql.replace('$WHERE', 'id > $1::uuid').concat(' order by id limit $2'), [after, PAGE]);
      rows.forEach(each);
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.id;
    }
  };
  await scan<{ id: string; main_number: string | null; certificate_type: string; certificate_number_hash: string; filed: boolean;
    province_code: string; main_number_year: number | null; main_number_serial: number | null }>(
    `select id, main_number, certificate_type, certificate_number_hash, status = 'filed' and duplicate_of is null and not import_ending as filed,
            province_code, main_number_year, main_number_serial from subjects where $WHERE`, (r) => {
      if (r.main_number !== null) keys.mainNumbers.add(r.main_number);
      if (r.filed) keys.certificates.add(certKey(r.certificate_type, r.certificate_number_hash));
      if (r.main_number_year !== null && r.main_number_serial !== null) keys.serials.add(serialKey(r.province_code, r.main_number_year, r.main_number_serial));
    });
  await scan<{ id: string; service_number: string }>('select id, service_number from services where $WHERE', (r) => keys.serviceNumbers.add(r.service_number));
  await scan<{ id: string; platform: string; package_name: string }>(
    'select id, platform, package_name from app_platforms where active and $WHERE', (r) => keys.packages.add(packageKey(r.platform, r.package_name)));
  await scan<{ id: string; email_hash: string }>(
    `select id, email_hash from users where role = 'host' and email_hash is not null and $WHERE`, (r) => keys.emails.add(r.email_hash));
  return keys;
}

// ---- one batch ------------------------------------------------------------------------------

/** A unique violation: another writer committed a row this batch's COPY meets. */
export const isUniqueViolation = (e: unknown) => (e as { code?: string } | null)?.code === '23505';

interface Existing { id: string; principal: string; certType: string; certHash: string; status: string; name: string; type: string; ending: boolean }

const personRow = (p: StagedPerson, now: string) => `${p.id},${q(p.name)},${q(p.certType)},${q(p.certEnc)},${q(p.certHash)},${
  q(p.mobileEnc)},${q(p.mobileHash)},${q(p.emailEnc)},${q(p.emailHash)},${now}\n`;
/** PostgreSQL's left(name, 64): the first 64 characters (code points). */
const left64 = (s: string) => (s.length <= 64 ? s : [...s].slice(0, 64).join(''));

/**
 * Writes one batch of a first load in `tx` (which must offer copyCsv), with the staging path's
 * checks, rejections and rows. `keys` holds what the earlier batches wrote; the caller adds this
 * batch's after it commits. Throws a unique violation (isUniqueViolation) when another writer's
 * row meets the batch: the caller rolls back and writes the batch with writeBatch.
 */
export async function writeDirectBatch(
  tx: Queryable, keys: FirstLoadKeys, importId: string, lines: StagedLine[], rejected: Rejection[], lastLine: number, now: Date, trace?: Trace,
  /** Lines the batch's own decisions rest on: a refusal of one of them throws Restage (nothing written yet). */
  referenced?: ReadonlySet<number>,
): Promise<BatchResult> {
  if (!tx.copyCsv) throw new Error('bulk import needs a connection that can COPY');
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const r = await f();
    trace?.(name, performance.now() - t);
    return r;
  };
  const copy = (table: string, columns: string, csv: Csv) => {
    const chunks = csv.done();
    return chunks.length ? timed(`copy ${table}`, () => tx.copyCsv!(table, columns, chunks)) : Promise.resolve();
  };
  const rejections = [...rejected];
  // synchronous_commit: set by the caller (importFilings), on a server only.

  // Registry look-ups, only for the keys an earlier batch may have written.
  const taken = new Set<string>();
  const existing = new Map<string, Existing>();
  /** Certificate → the main number of the filed subject that holds it. */
  const certTaken = new Map<string, string>();
  const serialTaken = new Set<string>();
  const seqTaken = new Set<string>();
  const pkgTaken = new Set<string>();
  const users = new Map<string, string>();
  const numbers = lines.filter((l) => keys.serviceNumbers.has(l.serviceNumber)).map((l) => l.serviceNumber);
  const mains = [...new Set(lines.filter((l) => keys.mainNumbers.has(l.subject.mainNumber)).map((l) => l.subject.mainNumber))];
  await timed('first load: look-ups', async () => {
    if (numbers.length) {
      for (const r of await tx.query<{ n: string }>('select service_number as n from services where service_number = any ($1::text[])', [numbers])) taken.add(r.n);
    }
    if (mains.length) {
      for (const r of await tx.query<{ main_number: string } & Existing>(
        `select main_number, id, principal_person_id as principal, certificate_type as "certType", certificate_number_hash as "certHash",
                status, name, subject_type as type, import_ending as ending
           from subjects where main_number = any ($1::text[])`, [mains])) existing.set(r.main_number, r);
    }
    const fresh = [...new Set(lines.filter((l) => !existing.has(l.subject.mainNumber)).map((l) => l.subject))];
    // The certificates live services claim: of new subjects, or of ending ones (migration 0056).
    const claims = [...new Set(lines.filter((l) => l.status === 'filed' && (existing.get(l.subject.mainNumber)?.ending ?? true)).map((l) => l.subject))];
    const certs = claims.filter((s) => keys.certificates.has(certKey(s.certType, s.certHash)));
    if (certs.length) {
      for (const r of await tx.query<{ t: string; h: string; m: string }>(
        `select x.t, x.h, su.main_number as m from unnest($1::text[], $2::text[]) as x(t, h)
           cross join lateral (select su.main_number from subjects su where su.certificate_type = x.t and su.certificate_number_hash = x.h
                                 and su.status = 'filed' and su.duplicate_of is null and not su.import_ending limit 1) su`,
        [certs.map((s) => s.certType), certs.map((s) => s.certHash)])) certTaken.set(certKey(r.t, r.h), r.m);
    }
    const serials = fresh.filter((s) => s.year !== null && s.serial !== null && keys.serials.has(serialKey(s.provinceCode, s.year, s.serial)));
    if (serials.length) {
      for (const r of await tx.query<{ p: string; y: number; s: number }>(
        `select x.p, x.y, x.s from unnest($1::text[], $2::int[], $3::int[]) as x(p, y, s)
          where exists (select 1 from subjects su where su.province_code = x.p and su.main_number_year = x.y and su.main_number_serial = x.s offset 0)`,
        [serials.map((s) => s.provinceCode), serials.map((s) => s.year), serials.map((s) => s.serial)])) serialTaken.add(serialKey(r.p, r.y, r.s));
    }
    // Every line of a subject an earlier batch wrote (few in a file grouped by subject): its sequence.
    const under = lines.filter((l) => existing.has(l.subject.mainNumber));
    if (under.length) {
      for (const r of await tx.query<{ id: string; seq: number }>(
        `select x.id, x.seq from unnest($1::uuid[], $2::int[]) as x(id, seq)
          where exists (select 1 from services s where s.subject_id = x.id and s.sequence = x.seq offset 0)`,
        [under.map((l) => existing.get(l.subject.mainNumber)!.id), under.map((l) => l.sequence)])) seqTaken.add(`${r.id}|${r.seq}`);
    }
    const pkgs = lines.flatMap((l) => l.platforms.filter((p) => p.active && keys.packages.has(packageKey(p.platform, p.packageName))));
    if (pkgs.length) {
      for (const r of await tx.query<{ p: string; n: string }>(
        `select x.p, x.n from unnest($1::text[], $2::text[]) as x(p, n)
          where exists (select 1 from app_platforms ap where ap.platform = x.p and ap.package_name = x.n and ap.active offset 0)
             or (x.p = 'ios' and exists (select 1 from app_platforms ap where ap.platform = 'ios' and lower(ap.package_name) = lower(x.n) and ap.active offset 0))`,
        [pkgs.map((p) => p.platform), pkgs.map((p) => p.packageName)])) pkgTaken.add(packageKey(r.p, r.n));
    }
    const emails = [...new Set(fresh.map((s) => s.principal.emailHash).filter((h) => keys.emails.has(h)))];
    if (emails.length) {
      for (const r of await tx.query<{ h: string; id: string }>(
        `select email_hash as h, id from users where role = 'host' and email_hash = any ($1::text[])`, [emails])) users.set(r.h, r.id);
    }
  });

  // The staging path's checks, in its order (the first reason wins).
  const built = performance.now();
  const accepted: StagedLine[] = [];
  const refuse = (line: number, code: string, field: string, message = REJECTION_MESSAGES[code]!) => { rejections.push({ line, field, code, message }); };
  for (const l of lines) {
    const s = l.subject;
    const ex = existing.get(s.mainNumber);
    if (taken.has(l.serviceNumber)) { refuse(l.line, 'service_number_taken', 'serviceNumber'); continue; }
    if (ex && (ex.certType !== s.certType || ex.certHash !== s.certHash)) { refuse(l.line, 'subject_mismatch', 'subject.certificateNumber'); continue; }
    if (ex && ex.status !== 'filed') { refuse(l.line, 'subject_not_filed', 'serviceNumber'); continue; }
    const holder = l.status === 'filed' && (ex?.ending ?? true) ? certTaken.get(certKey(s.certType, s.certHash)) : undefined;
    if (holder !== undefined) { refuse(l.line, 'certificate_filed_under_other_number', 'subject.certificateNumber', certificateHeld(holder)); continue; }
    if (!ex && s.year !== null && s.serial !== null && serialTaken.has(serialKey(s.provinceCode, s.year, s.serial))) {
      refuse(l.line, 'main_number_serial_taken', 'serviceNumber'); continue;
    }
    if (ex && seqTaken.has(`${ex.id}|${l.sequence}`)) { refuse(l.line, 'sequence_taken', 'serviceNumber'); continue; }
    const pkg = l.platforms.find((p) => p.active && pkgTaken.has(packageKey(p.platform, p.packageName)));
    if (pkg) { refuse(l.line, 'package_already_filed', `platforms.${pkg.idx}.packageName`); continue; }
    accepted.push(l);
  }
  if (rejections.length > rejected.length) {
    const byLine = new Map(lines.map((l) => [l.line, l]));
    await timed('first load: explain holders', () => explainHolders(tx, importId, rejections.slice(rejected.length), (line) => byLine.get(line)));
    const numbers = new Map(lines.filter((l) => taken.has(l.serviceNumber)).map((l) => [l.line, l.serviceNumber]));
    await restageIfReferenced(tx, importId, rejections.slice(rejected.length), referenced, (line) => numbers.get(line));
  }

  // The rows the staging path's INSERT … SELECT writes, as CSV (each row built as one string).
  const at = now.toISOString();
  const newSubjects = new Map<StagedSubject, { line: number; last: number; live: boolean }>();
  const grown = new Map<string, { last: number; live: boolean }>();
  for (const l of accepted) {
    const ex = existing.get(l.subject.mainNumber);
    const live = l.status === 'filed';
    if (ex) {
      const g = grown.get(ex.id);
      grown.set(ex.id, { last: Math.max(g?.last ?? 0, l.sequence), live: (g?.live ?? false) || live });
      continue;
    }
    const n = newSubjects.get(l.subject);
    if (n) { n.last = Math.max(n.last, l.sequence); n.live ||= live; }
    else newSubjects.set(l.subject, { line: l.line, last: l.sequence, live });
  }
  // History's reason, {"import": "<id>", "line": n}, CSV-quoted: the quoted prefix once per batch
  // (q's replace of every '"' per row was a regular expression per history row).
  const importedPrefix = q(`{"import": "${importId}", "line": `).slice(0, -1);
  const imported = (line: number) => `${importedPrefix}${line}}"`;
  const persons = new Csv();
  const userRows = new Csv();
  const subjectRows = new Csv();
  const history = new Csv();
  const sequences = new Map<string, { p: string; y: number; s: number }>();
  for (const [s, n] of newSubjects) {
    persons.add(personRow(s.principal, at));
    // One host account per principal email: an existing one, or the first subject's of the batch.
    const h = s.principal.emailHash;
    if (!users.has(h)) {
      users.set(h, s.userId);
      userRows.add(`${s.userId},host,${q(left64(s.principal.name))},"!",${q(s.principal.emailEnc)},${q(h)},${at}\n`);
    }
    subjectRows.add(`${s.id},${users.get(h)!},${q(s.type)},${q(s.nature)},${q(s.name)},${q(s.certType)},${q(s.certPublic)},${q(s.certEnc)},${
      q(s.certHash)},${q(s.address)},${q(s.provinceCode)},${q(s.cityCode)},${q(s.districtCode)},${s.principal.id},${q(s.mainNumber)},${
      q(s.year)},${q(s.serial)},${n.last},filed,${q(s.filedAt)},${at},${at},${n.live ? 'f' : 't'}\n`);
    history.add(`subject,${s.id},imported,filed,system,${imported(n.line)},${at}\n`);
    if (s.year !== null && s.serial !== null) {
      const k = `${s.provinceCode}|${s.year}`;
      const e = sequences.get(k);
      if (!e || e.s < s.serial) sequences.set(k, { p: s.provinceCode, y: s.year, s: s.serial });
    }
  }
  const serviceRows = new Csv();
  const platformRows = new Csv();
  const readModel = new Csv();
  const platformIds: string[] = [];
  for (const l of accepted) {
    const ex = existing.get(l.subject.mainNumber);
    if (l.servicePrincipal) persons.add(personRow(l.servicePrincipal, at));
    const status = q(l.status);
    const filed = q(l.filedAt);
    const changed = q(l.statusChangedAt);
    const number = q(l.serviceNumber);
    const name = q(l.serviceName);
    serviceRows.add(`${l.serviceId},${ex?.id ?? l.subject.id},${q(l.serviceType)},${name},${arrayLiteral(l.domains)},${q(l.homeUrl)},${
      l.servicePrincipal?.id ?? ex?.principal ?? l.subject.principal.id},${l.sequence},${number},${status},${filed},${changed},${at},${l.status === 'revoked' ? 'other' : ''}\n`);
    if (l.platforms.length) {
      // verify_identity_source's row of each platform (migration 0013).
      const host = `${q(l.subject.mainNumber)},${name},${q(ex?.name ?? l.subject.name)},${q(ex?.type ?? l.subject.type)},${filed},${changed},${at}`;
      for (const p of l.platforms) {
        const active = p.active ? 't' : 'f';
        const certs = `${q(p.md5)},${q(p.sha1)},${q(p.sha256)}`;
        const pkg = `${q(p.platform)},${q(p.packageName)}`;
        platformRows.add(`${p.id},${l.serviceId},${pkg},${certs},${active},${at}\n`);
        readModel.add(`${p.id},${pkg},${l.serviceId},${active},${status},${certs},${number},${host}\n`);
        platformIds.push(p.id);
      }
    }
    history.add(`service,${l.serviceId},imported,${status},system,${imported(l.line)},${at}\n`);
  }

  trace?.('first load: checks and rows built (this thread)', performance.now() - built);
  await copy('persons', 'id, name, certificate_type, certificate_number_enc, certificate_number_hash, mobile_enc, mobile_hash, email_enc, email_hash, created_at', persons);
  await copy('users', 'id, role, display_name, password_hash, email_enc, email_hash, created_at', userRows);
  await copy('subjects', `id, host_user_id, subject_type, nature, name, certificate_type, certificate_number, certificate_number_enc,
    certificate_number_hash, address, province_code, city_code, district_code, principal_person_id, main_number, main_number_year,
    main_number_serial, last_service_sequence, status, filed_at, created_at, updated_at, import_ending`, subjectRows);
  if (grown.size) {
    // A live service makes an ending subject live (its certificate checked above).
    const g = [...grown.values()];
    await timed('update subjects (last_service_sequence)', () => tx.query(
      `update subjects su set last_service_sequence = greatest(su.last_service_sequence, m.last), import_ending = su.import_ending and not m.live,
              updated_at = $3::timestamptz
         from unnest($1::uuid[], $2::int[], $4::boolean[]) as m(id, last, live) where su.id = m.id`,
      [[...grown.keys()], g.map((x) => x.last), now, g.map((x) => x.live)]));
  }
  // A revoked record imported says no category: `other` (migration 0043), as the staging path writes it.
  await copy('services', `id, subject_id, service_type, name, domains, home_url, principal_person_id, sequence, service_number, status,
    filed_at, status_changed_at, updated_at, revocation_category`, serviceRows);
  if (platformIds.length) {
    // The platforms' insert maintenance (migration 0027) is done here: the read model's rows are
    // written below as verify_identities_refresh would copy them, and findings are resolved by the
    // same function when any finding is unresolved.
    await tx.exec(`select set_config('beian.deferred_maintenance', 'on', true)`);
    await copy('app_platforms', 'id, service_id, platform, package_name, cert_md5, cert_sha1, cert_sha256, active, created_at', platformRows);
    await tx.exec(`select set_config('beian.deferred_maintenance', 'off', true)`);
    await copy('verify_identities', `platform_id, platform, package_name, service_id, active, service_status, cert_md5, cert_sha1, cert_sha256,
      service_number, main_number, service_name, host_name, host_type, filed_at, status_changed_at, platform_created_at`, readModel);
    const [f] = await tx.query<{ open: boolean }>('select exists (select 1 from findings where resolved_on is null) as open');
    if (f?.open) {
      await timed('findings_resolve_for', () => tx.query('select findings_resolve_for($1::uuid[])', [platformIds]));
    }
  }
  // The records' public events (`imported`, migration 0051) in one set-based catch-up, not by the history trigger row by row.
  await tx.exec(`select set_config('beian.deferred_maintenance', 'on', true)`);
  await copy('history', 'entity_type, entity_id, action, to_status, actor_role, reason, at', history);
  await timed('public events of the import', () => tx.query(IMPORTED_EVENTS));
  await tx.exec(`select set_config('beian.deferred_maintenance', 'off', true)`);
  if (sequences.size) {
    const xs = [...sequences.values()];
    await tx.query(
      `insert into number_sequences (province_code, year, last_serial) select * from unnest($1::text[], $2::int[], $3::int[])
       on conflict (province_code, year) do update set last_serial = greatest(number_sequences.last_serial, excluded.last_serial)`,
      [xs.map((x) => x.p), xs.map((x) => x.y), xs.map((x) => x.s)]);
  }
  if (taken.size) {
    const numbers = new Map(lines.filter((l) => taken.has(l.serviceNumber)).map((l) => [l.line, l.serviceNumber]));
    await timed('first load: explain own numbers', () => explainOwnNumbers(tx, importId, rejections, (line) => numbers.get(line)));
  }
  await recordBatch(tx, importId, rejections, lastLine, accepted.length, newSubjects.size, now);
  return { services: accepted.length, subjects: newSubjects.size, rejections };
}
