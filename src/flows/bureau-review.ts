// The provincial bureau decides (DOMAIN.md §4.1 steps 5–6). Approval allocates, in the same
// transaction, the subject's main number if it has none ({prefix}ICP备{YYYY}{6 digits}号,
// sequential per province and year) and the service number (main + -n + type suffix, n
// never reused), and writes the filed records. Rejection carries field-level reasons.
import type { Queryable } from '../db/connection.ts';
import { openMaterials } from '../db/materials-store.ts';
import { insertAccess, insertFiledService, insertFiledSubject, insertPerson, insertPlatforms } from '../db/registry.ts';
import type { Actor } from '../domain/actors.ts';
import { chinaYear } from '../domain/china-time.ts';
import { NamedError } from '../domain/errors.ts';
import { kindOf, transition } from '../domain/lifecycle.ts';
import { applyChange } from './approve-change.ts';
import type { ApplicationMaterials } from '../domain/materials.ts';
import { provinceByCode } from '../domain/provinces.ts';
import { type ApplicationRow, loadApplication, move } from './applications.ts';
import { lockServiceRow, lockSubjectRow } from './services.ts';
import type { FlowContext } from './context.ts';
import { type ReviewReason, requireEditableReasonFields, requireKnownFields, requireReasons } from './reasons.ts';
import { keyPlatformReasons } from '../domain/platform-reasons.ts';
import { certificateKey, refuseFiledCertificate, SUBJECT_UNIQUE_INDEX, uniqueViolation } from './subject-certificate.ts';

export interface Approval { application: ApplicationRow; mainNumber: string; serviceNumber: string | null }

export async function bureauApprove(ctx: FlowContext, actor: Actor, id: string): Promise<Approval> {
  return ctx.db.transaction(async (tx) => {
    await lockTargetOf(tx, actor, id);
    const app = await loadApplication(tx, id, actor, { forUpdate: true });
    transition(app.status, 'bureau_approve', actor);
    const now = ctx.now();
    if (kindOf(app.application_type).change) {
      // A change keeps the numbers: the filed record takes the new materials (approve-change.ts).
      const c = await applyChange(ctx, tx, app, actor, now);
      const moved = await move(ctx, tx, app, 'bureau_approve', actor, {
        set: { decided_at: now, review_reasons: [] },
        reason: { mainNumber: c.mainNumber, serviceNumber: c.serviceNumber, fields: c.fields },
        notice: { mainNumber: c.mainNumber, serviceNumber: c.serviceNumber ?? c.mainNumber },
      });
      return { application: moved, mainNumber: c.mainNumber, serviceNumber: c.serviceNumber };
    }
    const m = openMaterials(app.materials, ctx.sealer) as unknown as ApplicationMaterials;
    const subject = await subjectFor(ctx, tx, app, m, now);
    const principalId = 'sameAsSubjectPrincipal' in m.service.principal
      ? subject.principalPersonId
      : await insertPerson(tx, ctx.sealer, m.service.principal);
    const service = await insertFiledService(tx, { ...m.service, subjectId: subject.id, mainNumber: subject.mainNumber, principalPersonId: principalId, filedAt: now })
      .catch(rethrowUnique);
    await insertPlatforms(tx, service.id, m.platforms ?? []).catch(rethrowUnique);
    await insertAccess(tx, service.id, m.access ?? []);
    const moved = await move(ctx, tx, app, 'bureau_approve', actor, {
      set: { subject_id: subject.id, service_id: service.id, decided_at: now, review_reasons: [] },
      reason: { mainNumber: subject.mainNumber, serviceNumber: service.service_number },
      notice: { mainNumber: subject.mainNumber, serviceNumber: service.service_number },
    });
    return { application: moved, mainNumber: subject.mainNumber, serviceNumber: service.service_number };
  });
}

/**
 * The filed records an approval writes, locked before the application (ADR 0033: subject, service,
 * then applications — the order a cancellation, revocation or shell cleanup takes when it closes
 * the open applications of what it ends). Read unlocked first: an application's subject and service
 * are fixed from its creation (a first filing has none until its approval, which this one then
 * follows and finds approved). What was locked is checked again after the application is.
 */
async function lockTargetOf(tx: Queryable, actor: Actor, id: string): Promise<void> {
  const peek = await loadApplication(tx, id, actor);
  if (peek.service_id) await lockServiceRow(tx, peek.service_id);
  else if (peek.subject_id) await lockSubjectRow(tx, peek.subject_id);
}

/** The filed subject: the reused one (its main number stays), or a new one with a new main number. */
async function subjectFor(ctx: FlowContext, tx: Queryable, app: ApplicationRow, m: ApplicationMaterials, now: Date) {
  if (app.subject_id) {
    const [s] = await tx.query<{ id: string; main_number: string; principal_person_id: string }>(
      `select id, main_number, principal_person_id from subjects where id = $1 and status = 'filed' for no key update`, [app.subject_id]);
    if (!s) throw new NamedError('subject_not_filed', 'conflict', 'the subject this service belongs to is no longer filed');
    return { id: s.id, mainNumber: s.main_number, principalPersonId: s.principal_person_id };
  }
  const province = provinceByCode(app.province_code ?? '');
  if (!province) throw new NamedError('province_unknown', 'conflict', `no bureau for province ${app.province_code}`);
  // One filed subject per certificate: a clear 409 when it is filed already; when two approvals
  // race (e.g. on two server processes) the unique index lets one through and refuses the other.
  const key = certificateKey(ctx.sealer, m.subject);
  await refuseFiledCertificate(tx, key, app.host_user_id);
  await tx.query('savepoint filed_subject');
  const row = await insertFiledSubject(tx, ctx.sealer, { ...m.subject!, hostUserId: app.host_user_id, prefix: province.prefix, year: chinaYear(now), filedAt: now })
    .catch(async (e: unknown) => {
      if (uniqueViolation(e) !== SUBJECT_UNIQUE_INDEX) throw e;
      // The other approval committed first: back out of the failed insert and name its number.
      await tx.query('rollback to savepoint filed_subject');
      await refuseFiledCertificate(tx, key, app.host_user_id);
      throw e;
    });
  const [s] = await tx.query<{ principal_person_id: string }>('select principal_person_id from subjects where id = $1', [row.id]);
  return { id: row.id, mainNumber: row.main_number, principalPersonId: s!.principal_person_id };
}

/** A package filed meanwhile by someone else hits the database's uniqueness rule: a 409, not a 500. */
function rethrowUnique(e: unknown): never {
  if ((e as { code?: string }).code === '23505') {
    throw new NamedError('package_already_filed', 'conflict', 'a package of this application was filed by another service meanwhile; reject with that reason');
  }
  throw e;
}

export async function bureauReject(ctx: FlowContext, actor: Actor, id: string, input: { reasons: ReviewReason[] }): Promise<ApplicationRow> {
  const given = requireReasons(input.reasons);
  return ctx.db.transaction(async (tx) => {
    const app = await loadApplication(tx, id, actor, { forUpdate: true });
    transition(app.status, 'bureau_reject', actor); // a wrong status is the answer (409) before the reasons' fields
    const materials = openMaterials(app.materials, ctx.sealer);
    requireKnownFields(input.reasons, materials); // a field the application does not have at all
    requireEditableReasonFields(app.application_type, input.reasons, app.base_materials && openMaterials(app.base_materials, ctx.sealer), materials); // one it has but keeps as filed
    // A platform's reason names the platform too: it follows it if the host reorders or deletes platforms.
    const reasons = keyPlatformReasons(given, materials);
    return move(ctx, tx, app, 'bureau_reject', actor, { set: { review_reasons: reasons, decided_at: ctx.now() }, reason: { reasons }, notice: { reasons } });
  });
}
