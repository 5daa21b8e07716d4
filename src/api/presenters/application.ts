// What each audience sees of an application (house rule 10). The host sees its own
// materials; the submitting organisation and the bureau see what they review; anyone else
// (e.g. a ministry administrator browsing) sees personal fields masked.
import type { Db, Queryable } from '../../db/connection.ts';
import { loadCalendar } from '../../db/calendar.ts';
import { openMaterials } from '../../db/materials-store.ts';
import { mask, type Sealer } from '../../db/personal-data.ts';
import { isUuid } from '../../domain/ids.ts';
import type { Actor } from '../../domain/actors.ts';
import { diffMaterials } from '../../domain/changes.ts';
import { availableActions, kindOf } from '../../domain/lifecycle.ts';
import type { ApplicationRow } from '../../flows/applications.ts';
import { type PlacedReason, placePlatformReasons } from '../../domain/platform-reasons.ts';
import { packageFindingProblems, platformPackageChecks } from '../../domain/package-findings.ts';
import { domainProblems } from '../../flows/materials-check.ts';
import { packageAnalysesOf } from '../../flows/package-analyses.ts';
import { type AccessPurpose, revealPersonalData } from '../../flows/reveal-personal-data.ts';
import { SMS_MAX_ATTEMPTS, SMS_MAX_RESENDS } from '../../flows/sms-challenges.ts';
import { recordStatuses } from '../queries/record-status.ts';
import { deadlineFields } from './deadline.ts';

type Json = Record<string, unknown>;

function reviews(actor: Actor, app: ApplicationRow): boolean {
  if (actor.role === 'host') return actor.userId === app.host_user_id;
  if (actor.role === 'provider_staff' || actor.role === 'platform_staff') return actor.orgId === app.submitter_org_id;
  if (actor.role === 'bureau_reviewer') return actor.provinceCode === app.province_code;
  return false;
}

const MASKS: Record<string, (s: string) => string> = {
  certificateNumber: mask.idNumber, mobile: mask.phone, emergencyPhone: mask.phone, email: mask.email,
};

export function maskPeople(m: Json): Json {
  const walk = (o: unknown): unknown => {
    if (Array.isArray(o)) return o.map(walk);
    if (typeof o !== 'object' || o === null) return o;
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'string' && MASKS[k] ? MASKS[k]!(v) : walk(v)]));
  };
  return walk(m) as Json;
}

/** Why the reviewing or owning party sees the materials in full (the access log's purpose). */
const PURPOSE: Partial<Record<Actor['role'], AccessPurpose>> = {
  host: 'own_application', provider_staff: 'first_review', platform_staff: 'first_review', bureau_reviewer: 'bureau_review',
};

/**
 * The materials (and, for a change, the filed materials it started from) opened. Shown in full
 * only to the host and the reviewers of this application, and then recorded in the personal-data
 * access log first (src/flows/reveal-personal-data.ts); everyone else gets them masked.
 */
async function openedFor(db: Db, sealer: Sealer, actor: Actor, app: ApplicationRow, now: Date, own: boolean) {
  const open = () => ({
    materials: openMaterials(app.materials, sealer),
    base: kindOf(app.application_type).change && app.base_materials ? openMaterials(app.base_materials, sealer) : null,
  });
  const purpose = PURPOSE[actor.role];
  return own && purpose ? revealPersonalData(db, actor, { recordType: 'application', recordId: app.id, purpose }, now, open) : open();
}

export async function presentApplication(db: Db, sealer: Sealer, actor: Actor, app: ApplicationRow, now: Date) {
  const own = reviews(actor, app);
  const { materials: opened, base } = await openedFor(db, sealer, actor, app, now, own);
  const checked = actor.role === 'host' ? await domainProblems(db, app, opened, now, sealer) : null;
  // The analyzer's findings on each platform's uploaded package (DOMAIN.md §0.1), for every audience.
  const platforms = Array.isArray(opened.platforms) ? opened.platforms as Json[] : [];
  const packageChecks = platforms.length ? platformPackageChecks(platforms, await packageAnalysesOf(db, app.id), now) : [];
  const [org] = app.submitter_org_id
    ? await db.query<{ name: string; kind: string }>('select name, kind from organisations where id = $1', [app.submitter_org_id])
    : [];
  return {
    id: app.id,
    applicationType: app.application_type,
    serviceType: app.service_type,
    serviceName: app.service_name,
    status: app.status,
    version: app.version,
    subjectId: app.subject_id,
    serviceId: app.service_id,
    provinceCode: app.province_code,
    submitter: app.submitter_org_id ? { id: app.submitter_org_id, name: org?.name ?? null, kind: org?.kind ?? null } : null,
    organisations: await organisationNames(db, [app.submitter_org_id, ...accessProviders(opened), ...accessProviders(base)]),
    materials: own ? opened : maskPeople(opened),
    problems: checked ? [...checked.problems, ...packageFindingProblems(platforms, packageChecks)] : [],
    warnings: checked?.warnings ?? [],
    // Platform reasons at their platform's current index (none for a platform since deleted).
    reviewReasons: placePlatformReasons(app.review_reasons as PlacedReason[], opened),
    packageChecks,
    ...(await changeView(db, actor, app, opened, base)),
    availableActions: availableActions(app.status, actor.role),
    recordStatus: (await recordStatuses(db, [app.id])).get(app.id) ?? null,
    smsChecks: await smsChecks(db, sealer, app.id),
    identityTasks: await identityTasks(db, app.id),
    receivedOn: app.received_on,
    deadlineOn: app.deadline_on,
    ...deadlineFields(app, app.deadline_provisional ? await loadCalendar(db, app.province_code ?? undefined) : null),
    createdAt: app.created_at.toISOString(),
    updatedAt: app.updated_at.toISOString(),
    submittedAt: app.submitted_at?.toISOString() ?? null,
    sentToBureauAt: app.sent_to_bureau_at?.toISOString() ?? null,
    decidedAt: app.decided_at?.toISOString() ?? null,
    subjectRecord: actor.role === 'bureau_reviewer' && own ? await subjectRecord(db, sealer, app) : null,
  };
}

/**
 * The filed subject a follow-up application acts under, for the reviewing bureau (issue: a 新增服务
 * said only "主体沿用主办者已备案的主体"): its name, main number, certificate (masked, as elsewhere;
 * the bureau record page reveals it, logged), the record page to open and its other applications.
 */
async function subjectRecord(db: Queryable, sealer: Sealer, app: ApplicationRow) {
  if (!app.subject_id || app.application_type === 'first_filing') return null;
  const [sub] = await db.query<{ id: string; name: string; subject_type: string; main_number: string | null; status: string; certificate_type: string; certificate_number_enc: string; first_service: string | null }>(
    `select id, name, subject_type, main_number, status, certificate_type, certificate_number_enc,
            (select s.id from services s where s.subject_id = subjects.id order by (s.status = 'filed') desc, s.sequence limit 1) as first_service
       from subjects where id = $1`, [app.subject_id]);
  if (!sub) return null;
  const services = await db.query<{ id: string; service_number: string; name: string; service_type: string; status: 'filed' | 'cancelled' | 'revoked'; shell_since: Date | null }>(
    'select id, service_number, name, service_type, status, shell_since from services where subject_id = $1 order by sequence', [app.subject_id]);
  const others = await db.query<{ id: string; application_type: string; service_name: string | null; status: string; submitted_at: Date | null; decided_at: Date | null }>(
    `select id, application_type, service_name, status, submitted_at, decided_at from applications
      where subject_id = $1 and id <> $2 and status <> 'draft' order by coalesce(submitted_at, created_at) desc, id limit 50`, [app.subject_id, app.id]);
  return {
    id: sub.id, name: sub.name, subjectType: sub.subject_type, mainNumber: sub.main_number, status: sub.status,
    certificateType: sub.certificate_type, certificateNumber: mask.idNumber(sealer.open(sub.certificate_number_enc)),
    // A subject change acts on the subject, not on any one service: it names no service record (it led to the
    // first service's page, as if the change were that service's); the subject's services are listed instead.
    recordServiceId: app.application_type === 'change_subject' ? null : app.service_id ?? sub.first_service,
    services: services.map((x) => ({ id: x.id, serviceNumber: x.service_number, name: x.name, serviceType: x.service_type, status: x.status === 'filed' && x.shell_since ? 'shell' as const : x.status })),
    applications: others.map((o) => ({ id: o.id, applicationType: o.application_type, serviceName: o.service_name, status: o.status, submittedAt: o.submitted_at?.toISOString() ?? null, decidedAt: o.decided_at?.toISOString() ?? null })),
  };
}

/** A change's field-by-field diff against the filed record it started from, and the numbers that stay. */
async function changeView(db: Queryable, actor: Actor, app: ApplicationRow, opened: Json, base: Json | null) {
  if (!base) return { diff: null, target: null, filed: null };
  const diff = diffMaterials(base, opened);
  const host = actor.role === 'host' && actor.userId === app.host_user_id;
  const [n] = await db.query<{ main_number: string | null; service_number: string | null }>(
    `select sub.main_number, (select service_number from services where id = $2) as service_number from subjects sub where sub.id = $1`, [app.subject_id, app.service_id]);
  return {
    diff: host ? diff : diff.map((c) => ({ field: c.field, old: maskValue(c.field, c.old), new: maskValue(c.field, c.new) })),
    target: { mainNumber: n?.main_number ?? null, serviceNumber: n?.service_number ?? null },
    // What the form keeps as filed (APPLICATION_KINDS[].fixed / access): the filed access records in order, and
    // the filed subject type (an individual may become an enterprise; the way back is refused).
    filed: {
      accessProviders: accessProviders(base).filter((x): x is string => typeof x === 'string'),
      subjectType: typeof (base.subject as Json | undefined)?.subjectType === 'string' ? (base.subject as Json).subjectType as string : null,
    },
  };
}

/** Personal values in a diff, masked as in materials for anyone but the host (house rule 10). */
function maskValue(field: string, v: unknown): unknown {
  const leaf = field.split('.').at(-1) ?? '';
  return typeof v === 'string' && MASKS[leaf] ? MASKS[leaf]!(v) : v;
}

async function smsChecks(db: Queryable, sealer: Sealer, applicationId: string) {
  const rows = await db.query<{ id: string; mobile_enc: string; person_roles: string[]; attempts: number; sends: number; status: string; expires_at: Date; last_sent_at: Date }>(
    `select id, mobile_enc, person_roles, attempts, sends, status, expires_at, last_sent_at from sms_challenges
     where application_id = $1 and created_at = (select max(created_at) from sms_challenges where application_id = $1)
     order by id`, [applicationId]);
  return rows.map((c) => ({
    id: c.id,
    mobile: mask.phone(sealer.open(c.mobile_enc)),
    personRoles: c.person_roles,
    status: c.status,
    remainingAttempts: Math.max(0, SMS_MAX_ATTEMPTS - c.attempts),
    resendsLeft: Math.max(0, SMS_MAX_RESENDS - (c.sends - 1)),
    lastSentAt: c.last_sent_at.toISOString(),
    expiresAt: c.expires_at.toISOString(),
  }));
}

async function identityTasks(db: Queryable, applicationId: string) {
  const rows = await db.query<{ id: string; person_role: string; verifier: string; status: string; created_at: Date; expires_at: Date; completed_at: Date | null }>(
    `select id, person_role, verifier, status, created_at, expires_at, completed_at from identity_tasks where application_id = $1 order by created_at, id`, [applicationId]);
  return rows.map((t) => ({
    id: t.id, personRole: t.person_role, verifier: t.verifier, status: t.status,
    createdAt: t.created_at.toISOString(), expiresAt: t.expires_at.toISOString(), completedAt: t.completed_at?.toISOString() ?? null,
  }));
}

export async function presentHistory(db: Queryable, applicationId: string) {
  const rows = await db.query<{ id: number; action: string; from_status: string | null; to_status: string | null; actor_role: string; actor_user_id: string | null; actor_name: string | null; org_name: string | null; key_id: string | null; key_name: string | null; reason: unknown; request_id: string | null; at: Date }>(
    `select h.id, h.action, h.from_status, h.to_status, h.actor_role, h.actor_user_id, u.display_name as actor_name,
            o.name as org_name, k.id as key_id, k.name as key_name, h.reason, h.request_id, h.at
     from history h left join users u on u.id = h.actor_user_id left join organisations o on o.id = h.actor_org_id
       left join api_keys k on k.id = h.actor_api_key_id
     where h.application_id = $1 order by h.id`, [applicationId]);
  return rows.map((h) => ({
    id: h.id, action: h.action, from: h.from_status, to: h.to_status,
    actor: { role: h.actor_role, userId: h.actor_user_id, name: h.actor_name, organisation: h.org_name, apiKey: h.key_id ? { id: h.key_id, name: h.key_name! } : null },
    reason: h.reason, requestId: h.request_id, at: h.at.toISOString(),
  }));
}

/** The providers named by a materials' access records. */
const accessProviders = (m: Json | null): unknown[] => (Array.isArray(m?.access) ? (m.access as { providerOrgId?: unknown }[]).map((a) => a?.providerOrgId) : []);

/** Names of the organisations an application names (its submitter, its access providers, before and after a change): id → name. */
export async function organisationNames(db: Queryable, ids: unknown[]): Promise<Record<string, string>> {
  const uuids = [...new Set(ids.filter((x): x is string => typeof x === 'string' && isUuid(x)))];
  if (!uuids.length) return {};
  const rows = await db.query<{ id: string; name: string }>('select id, name from organisations where id = any ($1::uuid[])', [uuids]);
  return Object.fromEntries(rows.map((r) => [r.id, r.name]));
}
