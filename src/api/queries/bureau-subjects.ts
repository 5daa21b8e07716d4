// The bureau's subject page (/api/bureau/subjects/{id}): a subject change, a new service or a record's
// subject panel led a reviewer to the PUBLIC subject page, which shows neither the certificate, the
// principals nor the subject's history. Here the subject as its bureau may see it: identity (personal
// values masked; in full only through the reveal-with-purpose mechanism, logged — ADR 0025), its
// services with their numbers and states, every application of the subject, and the history of the
// subject and of each of its services. Another province's subject is a 404 (house rule 7); the
// ministry reads any, read-only (ADR 0037 addendum).
import type { Db, Queryable } from '../../db/connection.ts';
import { filedSubjectMaterials } from '../../db/filed-materials.ts';
import type { Sealer } from '../../db/personal-data.ts';
import type { Actor } from '../../domain/actors.ts';
import { parseFilingNumber } from '../../domain/filing-number.ts';
import { isUuid } from '../../domain/ids.ts';
import { serviceState, type ServiceStatus } from '../../domain/service-lifecycle.ts';
import { SubjectNotFoundError } from '../../flows/subjects.ts';
import { revealPersonalData } from '../../flows/reveal-personal-data.ts';
import { maskPeople } from '../presenters/application.ts';

interface SubjectHead {
  id: string; name: string; subject_type: string; nature: string; main_number: string | null; status: string; province_code: string;
  filed_at: Date | null; updated_at: Date;
}

/** The subject named by id or main number, in the reviewer's province (the ministry: any); anything else is a 404. */
export async function loadBureauSubject(db: Queryable, actor: Actor, idOrNumber: string): Promise<SubjectHead> {
  const reads = (actor.role === 'bureau_reviewer' && !!actor.provinceCode) || actor.role === 'ministry_admin';
  const parsed = isUuid(idOrNumber) ? null : parseFilingNumber(idOrNumber);
  if (!reads || (!isUuid(idOrNumber) && !(parsed?.ok && parsed.value.kind === 'subject'))) throw new SubjectNotFoundError(idOrNumber);
  const [s] = await db.query<SubjectHead>(
    `select id, name, subject_type, nature, main_number, status, province_code, filed_at, updated_at from subjects
      where ${parsed?.ok ? 'main_number = $1' : 'id = $1::uuid'} and ($2::char(6) is null or province_code = $2)`,
    [parsed?.ok ? parsed.value.number : idOrNumber, actor.role === 'ministry_admin' ? null : actor.provinceCode]);
  if (!s) throw new SubjectNotFoundError(idOrNumber);
  return s;
}

async function servicesOf(db: Queryable, subjectId: string) {
  const rows = await db.query<{ id: string; service_number: string; name: string; service_type: string; status: ServiceStatus; shell_since: Date | null; filed_at: Date; status_changed_at: Date; active_access: number }>(
    `select s.id, s.service_number, s.name, s.service_type, s.status, s.shell_since, s.filed_at, s.status_changed_at,
            (select count(*)::int from access_records a where a.service_id = s.id and a.active) as active_access
       from services s where s.subject_id = $1 order by s.sequence`, [subjectId]);
  return rows.map((r) => ({
    id: r.id, serviceNumber: r.service_number, name: r.name, serviceType: r.service_type, status: serviceState(r.status, r.shell_since),
    filedAt: r.filed_at.toISOString(), statusChangedAt: r.status_changed_at.toISOString(), activeAccess: r.active_access,
  }));
}

async function applicationsOf(db: Queryable, subjectId: string) {
  const rows = await db.query<{ id: string; application_type: string; service_type: string; service_name: string | null; status: string; service_id: string | null; submitted_at: Date | null; decided_at: Date | null; deadline_on: string | null }>(
    `select id, application_type, service_type, service_name, status, service_id, submitted_at, decided_at, deadline_on from applications
      where subject_id = $1 and status <> 'draft' order by coalesce(submitted_at, created_at) desc, id limit 200`, [subjectId]);
  return rows.map((a) => ({
    id: a.id, applicationType: a.application_type, serviceType: a.service_type, serviceName: a.service_name, status: a.status, serviceId: a.service_id,
    submittedAt: a.submitted_at?.toISOString() ?? null, decidedAt: a.decided_at?.toISOString() ?? null, deadlineOn: a.deadline_on,
  }));
}

/** The subject's own history rows and its services' (each service row names its number), oldest first. */
async function historyOf(db: Queryable, subjectId: string) {
  const rows = await db.query<{ id: number; action: string; from_status: string | null; to_status: string | null; actor_role: string; actor_user_id: string | null; actor_name: string | null; org_name: string | null; reason: unknown; request_id: string | null; at: Date; service_number: string | null }>(
    `select h.id, h.action, h.from_status, h.to_status, h.actor_role, h.actor_user_id, u.display_name as actor_name, o.name as org_name, h.reason, h.request_id, h.at,
            s.service_number
       from history h left join users u on u.id = h.actor_user_id left join organisations o on o.id = h.actor_org_id
       left join services s on h.entity_type = 'service' and s.id = h.entity_id
      where (h.entity_type = 'subject' and h.entity_id = $1) or (h.entity_type = 'service' and s.subject_id = $1)
      order by h.id`, [subjectId]);
  return rows.map((h) => ({
    id: h.id, action: h.action, from: h.from_status, to: h.to_status,
    actor: { role: h.actor_role, userId: h.actor_user_id, name: h.actor_name, organisation: h.org_name },
    reason: h.reason, requestId: h.request_id, at: h.at.toISOString(), serviceNumber: h.service_number,
  }));
}

/**
 * The subject for its bureau. Identity in the materials shape (`subject`: certificate, addresses, principal,
 * legal representative); ID numbers, mobiles, emergency phones and emails masked, or — with `reveal` — opened
 * and recorded in the personal-data access log first (record type `subject`; the ministry's purpose `supervision`).
 */
export async function presentBureauSubject(db: Db, sealer: Sealer, actor: Actor, s: SubjectHead, reveal: boolean, now: Date) {
  const open = async () => (await filedSubjectMaterials(db, sealer, s.id)) as unknown as Record<string, unknown>;
  const purpose = actor.role === 'ministry_admin' ? 'supervision' as const : 'bureau_review' as const;
  const materials = reveal ? await revealPersonalData(db, actor, { recordType: 'subject', recordId: s.id, purpose }, now, open) : maskPeople(await open());
  return {
    subject: {
      id: s.id, name: s.name, subjectType: s.subject_type, nature: s.nature, mainNumber: s.main_number, status: s.status, provinceCode: s.province_code,
      filedAt: s.filed_at?.toISOString() ?? null, updatedAt: s.updated_at.toISOString(),
    },
    revealed: reveal,
    materials,
    services: await servicesOf(db, s.id),
    applications: await applicationsOf(db, s.id),
    history: await historyOf(db, s.id),
  };
}
