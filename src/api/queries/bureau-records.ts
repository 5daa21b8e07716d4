// The bureau's own view of the registry (issue: a reviewer checking a copycat package or a
// re-filing subject had only the public record page). Search over the reviewer's province's
// filed services by signing-certificate fingerprint, USCC / ID number (keyed hash only, ADR 0004;
// a lookup that touches a person is written to the personal-data access log, ADR 0025), number,
// package name, domain or name; and one record with what the public page leaves out:
// fingerprints, public keys, principals, access providers (current and ended), every application
// of the subject or service (and first filings of the same certificate that never got a number),
// and the record's history. Another province's record is a 404 (house rule 7).
import type { Db, Queryable } from '../../db/connection.ts';
import { filedServiceMaterials, filedSubjectMaterials } from '../../db/filed-materials.ts';
import type { Sealer } from '../../db/personal-data.ts';
import type { Actor } from '../../domain/actors.ts';
import { type BureauQuery, classifyBureauQuery } from '../../domain/bureau-query.ts';
import { parseFilingNumber } from '../../domain/filing-number.ts';
import { isUuid } from '../../domain/ids.ts';
import { serviceActions, serviceState, type ServiceStatus } from '../../domain/service-lifecycle.ts';
import { ServiceNotFoundError } from '../../flows/services.ts';
import { type AccessPurpose, recordPersonalDataAccess, revealPersonalData } from '../../flows/reveal-personal-data.ts';
import { maskPeople, organisationNames } from '../presenters/application.ts';

export const BUREAU_SEARCH_LIMIT = 50;

/** Who reads the bureau's records: its reviewers, and the ministry nationally, read-only (ADR 0037 addendum). */
const readsRecords = (actor: Actor): boolean => (actor.role === 'bureau_reviewer' && !!actor.provinceCode) || actor.role === 'ministry_admin';

/**
 * Why a record's personal data was seen (ADR 0025): a bureau reviews; the ministry supervises — its reveals and
 * ID-number lookups are logged exactly as a bureau's, under its own role and this purpose.
 */
const purposeOf = (actor: Actor): AccessPurpose => (actor.role === 'ministry_admin' ? 'supervision' : 'bureau_review');

export type MatchedBy = 'fingerprint' | 'subject_certificate' | 'principal_certificate' | 'number' | 'package' | 'domain' | 'name';

interface Hit {
  service_id: string; service_number: string; service_name: string; service_type: string; status: ServiceStatus; shell_since: Date | null;
  subject_id: string; subject_name: string; subject_type: string; main_number: string | null; province_code: string; matched_by: MatchedBy;
  platform: string | null; package_name: string | null;
}

const SELECT = `select distinct on (s.id) s.id as service_id, s.service_number, s.name as service_name, s.service_type, s.status, s.shell_since,
  sub.id as subject_id, sub.name as subject_name, sub.subject_type, sub.main_number, sub.province_code`;
const FROM = 'from services s join subjects sub on sub.id = s.subject_id';

/** The SQL of one kind of query: $1 is the province (null: every province, the ministry's national read), $2 the value. */
function searchSql(q: BureauQuery): { sql: string; value: unknown } {
  switch (q.kind) {
    case 'fingerprint':
      // Inactive platforms too: a revoked copycat's certificate is what a reviewer looks for.
      return { sql: `${SELECT}, 'fingerprint' as matched_by, p.platform, p.package_name ${FROM} join app_platforms p on p.service_id = s.id
        where ($1::char(6) is null or sub.province_code = $1) and p.cert_${q.algorithm} = $2 order by s.id, p.active desc`, value: q.hex };
    case 'certificate':
      return { sql: `${SELECT}, case when sub.certificate_number_hash = any($2::text[]) then 'subject_certificate' else 'principal_certificate' end as matched_by,
          null as platform, null as package_name ${FROM}
        where ($1::char(6) is null or sub.province_code = $1) and (sub.certificate_number_hash = any($2::text[])
          or exists (select 1 from persons pe where pe.certificate_number_hash = any($2::text[])
                     and pe.id in (s.principal_person_id, sub.principal_person_id, sub.legal_person_id)))
        order by s.id`, value: null };
    case 'number':
      return { sql: `${SELECT}, 'number' as matched_by, null as platform, null as package_name ${FROM}
        where ($1::char(6) is null or sub.province_code = $1) and (s.service_number = $2 or sub.main_number = $2) order by s.id`, value: q.value };
    case 'text':
      return { sql: `${SELECT}, case when p.package_name is not null then 'package' when $2 = any(s.domains) then 'domain' else 'name' end as matched_by,
          p.platform, p.package_name ${FROM} left join app_platforms p on p.service_id = s.id and lower(p.package_name) = lower($2)
        where ($1::char(6) is null or sub.province_code = $1) and (p.id is not null or $2 = any(s.domains)
          or position(lower($2) in lower(s.name)) > 0 or position(lower($2) in lower(sub.name)) > 0)
        order by s.id, p.active desc nulls last`, value: q.value };
  }
}

export interface SearchResult { query: BureauQuery['kind'] | null; items: ReturnType<typeof presentHit>[]; truncated: boolean }

/**
 * `province`: the bureau's own (always), or for the ministry the one it chose, or null for all (ADR 0037's
 * national read view, src/api/bureau/scope.ts readScope).
 */
export async function searchBureauRecords(db: Db, sealer: Sealer, actor: Actor, input: string, province: string | null, now: Date): Promise<SearchResult> {
  const q = classifyBureauQuery(input);
  if (!q || !readsRecords(actor) || (actor.role === 'bureau_reviewer' && province !== actor.provinceCode)) return { query: q?.kind ?? null, items: [], truncated: false };
  const { sql, value } = searchSql(q);
  const hashes = q.kind === 'certificate' ? q.values.map((v) => sealer.hash('id_number', v)) : [];
  const rows = await db.query<Hit>(`select * from (${sql}) hits order by service_number limit ${BUREAU_SEARCH_LIMIT + 1}`,
    [province, q.kind === 'certificate' ? hashes : value]);
  if (q.kind === 'certificate') await logCertificateLookup(db, actor, q.values, hashes, rows.slice(0, BUREAU_SEARCH_LIMIT), now);
  return { query: q.kind, items: rows.slice(0, BUREAU_SEARCH_LIMIT).map(presentHit), truncated: rows.length > BUREAU_SEARCH_LIMIT };
}

/**
 * A lookup by a person's ID number says whose filings these are: an access to personal data (ADR
 * 0025), recorded for each subject it found, or under the number's keyed hash when it found none
 * (as the development SMS inbox records a number). A unit's USCC is public (ADR 0004): a lookup
 * that matched only units' USCCs records nothing.
 */
async function logCertificateLookup(db: Db, actor: Actor, values: string[], hashes: string[], rows: Hit[], now: Date) {
  const personal = values.some((v) => /^\d{17}[\dX]$|^\d{15}$/i.test(v))
    || rows.some((r) => r.subject_type === 'individual' || r.matched_by === 'principal_certificate');
  if (!personal) return;
  const subjects = [...new Set(rows.map((r) => r.subject_id))];
  const access = (recordType: 'subject', recordId: string) => recordPersonalDataAccess(db, actor, { recordType, recordId, purpose: purposeOf(actor) }, ['certificateNumber'], now);
  if (!subjects.length) { await access('subject', `lookup:${hashes[0]!}`); return; }
  for (const id of subjects) await access('subject', id);
}

function presentHit(r: Hit) {
  return {
    serviceId: r.service_id, serviceNumber: r.service_number, serviceName: r.service_name, serviceType: r.service_type,
    status: serviceState(r.status, r.shell_since), subjectId: r.subject_id, subjectName: r.subject_name, subjectType: r.subject_type,
    mainNumber: r.main_number, provinceCode: r.province_code, matchedBy: r.matched_by, platform: r.platform, packageName: r.package_name,
  };
}

interface ServiceHead {
  id: string; service_number: string; name: string; service_type: string; status: ServiceStatus; shell_since: Date | null; filed_at: Date;
  status_changed_at: Date; revocation_category: string | null; subject_id: string; main_number: string | null; subject_name: string;
  subject_type: string; subject_status: string; subject_filed_at: Date | null; certificate_number_hash: string; province_code: string;
}

/** The service named by id or number, in the reviewer's province (the ministry: any province); anything else is a 404. */
export async function loadBureauService(db: Queryable, actor: Actor, idOrNumber: string): Promise<ServiceHead> {
  if (!readsRecords(actor)) throw new ServiceNotFoundError(idOrNumber);
  const parsed = isUuid(idOrNumber) ? null : parseFilingNumber(idOrNumber);
  if (!isUuid(idOrNumber) && !(parsed?.ok && parsed.value.kind === 'service')) throw new ServiceNotFoundError(idOrNumber);
  const [s] = await db.query<ServiceHead>(
    `select s.id, s.service_number, s.name, s.service_type, s.status, s.shell_since, s.filed_at, s.status_changed_at, s.revocation_category,
            sub.id as subject_id, sub.main_number, sub.name as subject_name, sub.subject_type, sub.status as subject_status,
            sub.filed_at as subject_filed_at, sub.certificate_number_hash, sub.province_code
       from services s join subjects sub on sub.id = s.subject_id
      where ${parsed?.ok ? 's.service_number = $1' : 's.id = $1::uuid'} and ($2::char(6) is null or sub.province_code = $2)`,
    [parsed?.ok ? parsed.value.number : idOrNumber, actor.role === 'ministry_admin' ? null : actor.provinceCode ?? '']);
  if (!s) throw new ServiceNotFoundError(idOrNumber);
  return s;
}

type Json = Record<string, unknown>;

/** The record's materials: subject, service, every platform and access record (current first), with `active`. */
async function recordMaterials(db: Queryable, sealer: Sealer, s: ServiceHead): Promise<Json> {
  const { subject } = await filedSubjectMaterials(db, sealer, s.subject_id);
  const { service } = await filedServiceMaterials(db, sealer, s.id);
  const platforms = await db.query<{ platform: string; package_name: string; public_key: string | null; cert_md5: string | null; cert_sha1: string | null; cert_sha256: string | null; domains: string[]; active: boolean; created_at: Date }>(
    'select platform, package_name, public_key, cert_md5, cert_sha1, cert_sha256, domains, active, created_at from app_platforms where service_id = $1 order by active desc, platform, created_at', [s.id]);
  const access = await db.query<{ provider_org_id: string; access_method: string; server_location: string; ips: string[]; domains: string[]; active: boolean; created_at: Date; cancelled_at: Date | null }>(
    'select provider_org_id, access_method, server_location, ips, domains, active, created_at, cancelled_at from access_records where service_id = $1 order by active desc, created_at, id', [s.id]);
  return {
    subject, service,
    platforms: platforms.map((p) => ({ platform: p.platform, packageName: p.package_name, publicKey: p.public_key, certMd5: p.cert_md5, certSha1: p.cert_sha1, certSha256: p.cert_sha256, domains: p.domains, active: p.active })),
    access: access.map((a) => ({ providerOrgId: a.provider_org_id, accessMethod: a.access_method, serverLocation: a.server_location, ips: a.ips, domains: a.domains, active: a.active, since: a.created_at.toISOString(), endedAt: a.cancelled_at?.toISOString() ?? null })),
  };
}

/** Every application of the subject or the service, and first filings of the same certificate in the province (rejected, withdrawn, open). */
async function applicationsOf(db: Queryable, s: ServiceHead) {
  const rows = await db.query<{ id: string; application_type: string; service_type: string; service_name: string | null; status: string; service_id: string | null; submitted_at: Date | null; decided_at: Date | null; created_at: Date }>(
    `select id, application_type, service_type, service_name, status, service_id, submitted_at, decided_at, created_at from applications
      where (subject_id = $1 or service_id = $2 or (subject_certificate_hash = $3 and province_code = $4)) and status <> 'draft'
      order by coalesce(submitted_at, created_at) desc, id`, [s.subject_id, s.id, s.certificate_number_hash, s.province_code]);
  return rows.map((a) => ({
    id: a.id, applicationType: a.application_type, serviceType: a.service_type, serviceName: a.service_name, status: a.status,
    thisService: a.service_id === s.id, submittedAt: a.submitted_at?.toISOString() ?? null, decidedAt: a.decided_at?.toISOString() ?? null,
  }));
}

/** The record's own history (the service's and its subject's rows; each application's steps are on its page). */
async function recordHistory(db: Queryable, s: ServiceHead) {
  const rows = await db.query<{ id: number; action: string; from_status: string | null; to_status: string | null; actor_role: string; actor_user_id: string | null; actor_name: string | null; org_name: string | null; reason: unknown; request_id: string | null; at: Date }>(
    `select h.id, h.action, h.from_status, h.to_status, h.actor_role, h.actor_user_id, u.display_name as actor_name, o.name as org_name, h.reason, h.request_id, h.at
       from history h left join users u on u.id = h.actor_user_id left join organisations o on o.id = h.actor_org_id
      where (h.entity_type = 'service' and h.entity_id = $1) or (h.entity_type = 'subject' and h.entity_id = $2)
      order by h.id`, [s.id, s.subject_id]);
  return rows.map((h) => ({
    id: h.id, action: h.action, from: h.from_status, to: h.to_status,
    actor: { role: h.actor_role, userId: h.actor_user_id, name: h.actor_name, organisation: h.org_name },
    reason: h.reason, requestId: h.request_id, at: h.at.toISOString(),
  }));
}

/** The other services of the subject (the subject panel links them). */
async function siblings(db: Queryable, s: ServiceHead) {
  const rows = await db.query<{ id: string; service_number: string; name: string; service_type: string; status: ServiceStatus; shell_since: Date | null }>(
    'select id, service_number, name, service_type, status, shell_since from services where subject_id = $1 order by sequence', [s.subject_id]);
  return rows.map((r) => ({ id: r.id, serviceNumber: r.service_number, name: r.name, serviceType: r.service_type, status: serviceState(r.status, r.shell_since) }));
}

/**
 * The bureau's record. Personal values (ID numbers, mobiles, emergency phones, emails) masked;
 * with `reveal`, opened in full and recorded in the personal-data access log first (ADR 0025).
 */
export async function presentBureauRecord(db: Db, sealer: Sealer, actor: Actor, s: ServiceHead, reveal: boolean, now: Date) {
  const open = () => recordMaterials(db, sealer, s);
  const materials = reveal
    ? await revealPersonalData(db, actor, { recordType: 'service', recordId: s.id, purpose: purposeOf(actor) }, now, open)
    : maskPeople(await open());
  const state = serviceState(s.status, s.shell_since);
  return {
    service: {
      id: s.id, serviceNumber: s.service_number, name: s.name, serviceType: s.service_type, status: state,
      filedAt: s.filed_at.toISOString(), statusChangedAt: s.status_changed_at.toISOString(), shellSince: s.shell_since?.toISOString() ?? null,
      revocationCategory: s.revocation_category,
    },
    subject: { id: s.subject_id, name: s.subject_name, subjectType: s.subject_type, mainNumber: s.main_number, status: s.subject_status, filedAt: s.subject_filed_at?.toISOString() ?? null, services: await siblings(db, s) },
    revealed: reveal,
    materials,
    organisations: await organisationNames(db, ((materials.access as Json[]) ?? []).map((a) => a.providerOrgId)),
    applications: await applicationsOf(db, s),
    history: await recordHistory(db, s),
    // The ministry's view is read-only (ADR 0037 addendum): revoking a filing is its bureau's act on this page.
    availableActions: actor.role === 'bureau_reviewer' ? serviceActions(state, actor.role).filter((a) => a === 'revoke') : [],
  };
}
