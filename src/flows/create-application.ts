// Host creates a filing application: a first filing (new subject) or a new service under
// the host's filed subject (the seed's rule: website filers only add the APP). Drafts may
// be partial; problems are reported on read, submission refuses while any remain.
import type { Queryable } from '../db/connection.ts';
import { sealMaterials } from '../db/materials-store.ts';
import type { Actor } from '../domain/actors.ts';
import { NamedError } from '../domain/errors.ts';
import type { ServiceType } from '../domain/filing-number.ts';
import { checkApplication } from '../domain/application-rules.ts';
import { chinaDate } from '../domain/china-time.ts';
import { type ApplicationType, kindOf } from '../domain/lifecycle.ts';
import { createChange } from './create-change.ts';
import type { ApplicationRow } from './applications.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';
import { certificateKey, refuseFiledCertificate, refuseOpenFirstFiling } from './subject-certificate.ts';

export interface CreateApplicationInput {
  applicationType: ApplicationType;
  /** Required for a first filing and a new service; a change takes it from the filed record. */
  serviceType?: ServiceType;
  subjectId?: string | null;
  /** change_service, add_access: the filed service. */
  serviceId?: string | null;
  submitterOrgId?: string | null;
  materials: Record<string, unknown>;
}

export class SubjectNotFoundError extends NamedError {
  constructor(id: string) { super('subject_not_found', 'not_found', `no filed subject ${id} of yours`, [{ field: 'subjectId', code: 'subject_not_found', message: 'not one of your filed subjects' }]); }
}

export function hostOnly(actor: Actor, what: string) {
  if (actor.role !== 'host') throw new NamedError('action_not_allowed', 'forbidden', `only a host may ${what}`);
}

/** The filed subject a host reuses; 404 for anyone else's (house rule 7). */
export async function loadOwnFiledSubject(tx: { query: FlowContext['db']['query'] }, actor: Actor, subjectId: string) {
  const [s] = await tx.query<{ id: string; subject_type: 'unit' | 'individual'; province_code: string; status: string }>(
    `select id, subject_type, province_code, status from subjects
     where id::text = $1 and host_user_id = $2 and status = 'filed'`, [subjectId, actor.userId]);
  if (!s) throw new SubjectNotFoundError(subjectId);
  return s;
}

export async function createApplication(ctx: FlowContext, actor: Actor, input: CreateApplicationInput): Promise<ApplicationRow> {
  hostOnly(actor, 'create an application');
  if (kindOf(input.applicationType).change) return createChange(ctx, actor, input);
  if (!input.serviceType) throw new NamedError('materials_invalid', 'invalid', 'choose the type of service to file', [{ field: 'serviceType', code: 'required', message: 'website, app, mini_program or quick_app' }]);
  const reuse = input.applicationType === 'new_service';
  if (reuse && !input.subjectId) {
    throw new NamedError('materials_invalid', 'invalid', 'a new service needs the filed subject it belongs to', [{ field: 'subjectId', code: 'required', message: 'choose one of your filed subjects' }]);
  }
  const materials = withServiceType(input.materials, input.serviceType, input.applicationType);
  return ctx.db.transaction(async (tx) => {
    const subject = reuse ? await loadOwnFiledSubject(tx, actor, input.subjectId!) : null;
    const now = ctx.now();
    if (input.applicationType === 'first_filing') await refuseKnownCertificate(ctx, tx, actor.userId!, materials, now);
    const [row] = await tx.query<ApplicationRow>(
      `insert into applications (application_type, host_user_id, subject_id, service_type, service_name, submitter_org_id,
         province_code, status, materials, created_at, updated_at)
       values ($1,$2,$3,$4,$5,$6,$7,'draft',$8,$9,$9) returning *`,
      [input.applicationType, actor.userId, subject?.id ?? null, input.serviceType, serviceName(materials),
        input.submitterOrgId ?? null, subject?.province_code ?? null, JSON.stringify(sealMaterials(materials, ctx.sealer)), now],
    );
    await recordHistory(tx, actor, { entityType: 'application', entityId: row!.id, action: 'create', to: 'draft', reason: { applicationType: input.applicationType, serviceType: input.serviceType } }, now);
    return row!;
  });
}

/** A first filing of a certificate that is filed, or already being filed, is refused at once (issue 13). */
async function refuseKnownCertificate(ctx: FlowContext, tx: Queryable, hostUserId: string, materials: Record<string, unknown>, now: Date) {
  const normalised = checkApplication(materials, { applicationType: 'first_filing', today: chinaDate(now) }).normalised;
  const key = certificateKey(ctx.sealer, normalised.subject);
  await refuseFiledCertificate(tx, key, hostUserId);
  await refuseOpenFirstFiling(tx, key, hostUserId, null);
}

/**
 * Materials as the kind carries them (APPLICATION_KINDS groups): a reused subject is not
 * re-entered, a subject change carries its subject alone; the service type is chosen once.
 */
export function withServiceType(materials: Record<string, unknown>, serviceType: ServiceType, type: ApplicationType) {
  const groups: readonly string[] = kindOf(type).groups;
  const m: Record<string, unknown> = Object.fromEntries(Object.entries(materials).filter(([k]) => groups.includes(k)));
  if (groups.includes('service')) m.service = { ...(materials.service as object | undefined), serviceType };
  return m;
}

export const serviceName = (m: Record<string, unknown>): string | null => {
  const name = (m.service as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name.trim() ? name.trim().slice(0, 100) : null;
};
