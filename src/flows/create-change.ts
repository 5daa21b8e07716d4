// Host drafts a change of its filed record (issue 13; DOMAIN.md §4.3): 变更APP (change_service),
// 变更主体 (change_subject) or 新增接入 (add_access). The draft starts from the filed materials
// (when none are posted) and keeps them as its base — the reviewers' diff and the test of which
// principals are new. One open application of each kind per record (409 application_already_open;
// migration 0012's indexes hold it under races).
import type { Queryable } from '../db/connection.ts';
import { filedServiceMaterials, filedSubjectMaterials } from '../db/filed-materials.ts';
import { sealMaterials } from '../db/materials-store.ts';
import type { Actor } from '../domain/actors.ts';
import { NamedError } from '../domain/errors.ts';
import type { ServiceType } from '../domain/filing-number.ts';
import { type ApplicationType, kindOf } from '../domain/lifecycle.ts';
import { checkApplication } from '../domain/application-rules.ts';
import { chinaDate } from '../domain/china-time.ts';
import type { ApplicationRow } from './applications.ts';
import { reusedSubjectOf } from './materials-check.ts';
import type { FlowContext } from './context.ts';
import { type CreateApplicationInput, hostOnly, serviceName, withServiceType } from './create-application.ts';
import { recordHistory } from './history.ts';
import { uniqueViolation } from './subject-certificate.ts';
import { isUuid } from '../domain/ids.ts';

interface Target { subjectId: string; serviceId: string | null; serviceType: ServiceType; name: string; provinceCode: string; base: Record<string, unknown> }


export class ChangeTargetNotFoundError extends NamedError {
  constructor(field: 'serviceId' | 'subjectId', id: string) {
    const what = field === 'serviceId' ? 'service' : 'subject';
    super(`${what}_not_found`, 'not_found', `no filed ${what} ${id} of yours`, [{ field, code: `${what}_not_found`, message: `not one of your filed ${what}s` }]);
  }
}

export class ApplicationAlreadyOpenError extends NamedError {
  constructor(type: ApplicationType, existingId: string | null) {
    super('application_already_open', 'conflict',
      `this record already has an open ${existingId ? `application ${existingId}` : 'application'} of this kind: one at a time — continue it, or withdraw it first${type === 'add_access' || type === 'change_service' ? ' (a service\'s change and its access filing are one at a time too)' : ''}`,
      [], {}, existingId ? { applicationId: existingId } : {});
  }
}

/** The host's own filed service (or subject) the change acts on; 404 for anyone else's (house rule 7). */
export async function loadChangeTarget(tx: Queryable, ctx: FlowContext, actor: Actor, type: ApplicationType, id: string): Promise<Target> {
  const kind = kindOf(type);
  const field = kind.target === 'service' ? 'serviceId' : 'subjectId';
  if (!isUuid(id)) throw new ChangeTargetNotFoundError(field, id);
  if (kind.target === 'service') {
    const [s] = await tx.query<{ id: string; subject_id: string; service_type: ServiceType; name: string; province_code: string }>(
      `select s.id, s.subject_id, s.service_type, s.name, sub.province_code from services s join subjects sub on sub.id = s.subject_id
        where s.id = $1 and sub.host_user_id = $2 and s.status = any ($3::text[]) and sub.status = 'filed'`, [id, actor.userId, kind.targetStatuses]);
    if (!s) throw new ChangeTargetNotFoundError(field, id);
    return { subjectId: s.subject_id, serviceId: s.id, serviceType: s.service_type, name: s.name, provinceCode: s.province_code, base: { ...(await filedServiceMaterials(tx, ctx.sealer, s.id)) } };
  }
  const [s] = await tx.query<{ id: string; name: string; province_code: string; service_type: ServiceType | null }>(
    `select sub.id, sub.name, sub.province_code,
            (select service_type from services where subject_id = sub.id and status = 'filed' order by sequence limit 1) as service_type
       from subjects sub where sub.id = $1 and sub.host_user_id = $2 and sub.status = any ($3::text[])`, [id, actor.userId, kind.targetStatuses]);
  if (!s) throw new ChangeTargetNotFoundError(field, id);
  // A subject change is submitted through a provider of one of its services: the first service's
  // type says which kinds of organisation may review it (SUBMITTER_KINDS).
  return { subjectId: s.id, serviceId: null, serviceType: s.service_type ?? 'website', name: s.name, provinceCode: s.province_code, base: { ...(await filedSubjectMaterials(tx, ctx.sealer, s.id)) } };
}

export async function createChange(ctx: FlowContext, actor: Actor, input: CreateApplicationInput): Promise<ApplicationRow> {
  hostOnly(actor, 'create an application');
  const kind = kindOf(input.applicationType);
  const field = kind.target === 'service' ? 'serviceId' : 'subjectId';
  const id = kind.target === 'service' ? input.serviceId : input.subjectId;
  if (!id) throw new NamedError('materials_invalid', 'invalid', `a ${input.applicationType.replace('_', ' ')} names the filed ${field === 'serviceId' ? 'service' : 'subject'} it changes`, [{ field, code: 'required', message: `the id of your filed ${field === 'serviceId' ? 'service' : 'subject'}` }]);
  return ctx.db.transaction(async (tx) => {
    const target = await loadChangeTarget(tx, ctx, actor, input.applicationType, id);
    if (input.serviceType && input.serviceType !== target.serviceType && kind.target === 'service') {
      throw new NamedError('materials_invalid', 'invalid', `the filed service is a ${target.serviceType}`, [{ field: 'serviceType', code: 'service_type_mismatch', message: `the filed service is a ${target.serviceType}; leave serviceType out or give that` }]);
    }
    await refuseOpenChange(tx, input.applicationType, target);
    target.base = await normalisedBase(tx, input.applicationType, target, target.base, ctx.now());
    const posted = Object.keys(input.materials).length ? input.materials : target.base;
    const materials = withServiceType(posted, target.serviceType, input.applicationType);
    const now = ctx.now();
    const [row] = await tx.query<ApplicationRow>(
      `insert into applications (application_type, host_user_id, subject_id, service_id, service_type, service_name, submitter_org_id,
         province_code, status, materials, base_materials, created_at, updated_at)
       values ($1,$2,$3,$4,$5,$6,$7,$8,'draft',$9,$10,$11,$11) returning *`,
      [input.applicationType, actor.userId, target.subjectId, target.serviceId, target.serviceType,
        (kind.groups.includes('service') ? serviceName(materials) : null) ?? target.name, input.submitterOrgId ?? null, target.provinceCode,
        JSON.stringify(sealMaterials(materials, ctx.sealer)), JSON.stringify(sealMaterials(target.base, ctx.sealer)), now],
    ).catch((e: unknown) => {
      if (uniqueViolation(e)?.startsWith('applications_one_open_change')) throw new ApplicationAlreadyOpenError(input.applicationType, null);
      throw e;
    });
    await recordHistory(tx, actor, { entityType: 'application', entityId: row!.id, action: 'create', to: 'draft', reason: { applicationType: input.applicationType, serviceId: target.serviceId, subjectId: target.subjectId } }, now);
    return row!;
  });
}

/**
 * The filed record as the rules normalise it — a change's base, so a diff shows what the host
 * changed, not spelling; and the record as filed at approval, compared with that base the same way.
 */
export async function normalisedBase(tx: Queryable, type: ApplicationType, target: { subjectId: string; serviceType: ServiceType }, filed: Record<string, unknown>, now: Date): Promise<Record<string, unknown>> {
  return withServiceType(checkApplication(filed, {
    applicationType: type, reusedSubject: await reusedSubjectOf(tx, { subject_id: target.subjectId } as ApplicationRow), today: chinaDate(now),
  }).normalised as Record<string, unknown>, target.serviceType, type);
}

async function refuseOpenChange(tx: Queryable, type: ApplicationType, target: Target): Promise<void> {
  const open = type === 'change_subject'
    ? await tx.query<{ id: string }>(`select id from applications where application_type = 'change_subject' and subject_id = $1 and status not in ('approved', 'withdrawn') limit 1`, [target.subjectId])
    : await tx.query<{ id: string }>(`select id from applications where application_type in ('change_service', 'add_access') and service_id = $1 and status not in ('approved', 'withdrawn') limit 1`, [target.serviceId]);
  if (open[0]) throw new ApplicationAlreadyOpenError(type, open[0].id);
}
