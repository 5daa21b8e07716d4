// The bureau approves a change (issue 13; DOMAIN.md §4.3): the filed record takes the new
// materials in the approval's transaction and the numbers stay. While the change was under
// review nothing here ran, so public answers showed the filed data. The verification read model
// and every process's cache follow through the registry's triggers (migrations 0003, 0006: the
// updated app_platforms rows are refreshed and NOTIFYed on commit); relying parties that checked
// the service get `filing.changed`. History on the record: `changed` or `access_added`.
import type { Queryable } from '../db/connection.ts';
import { openMaterials } from '../db/materials-store.ts';
import { insertAccess, insertPerson } from '../db/registry.ts';
import { filedServiceMaterials, filedSubjectMaterials } from '../db/filed-materials.ts';
import type { Actor } from '../domain/actors.ts';
import { diffMaterials, staleEdits } from '../domain/changes.ts';
import { NamedError } from '../domain/errors.ts';
import { kindOf } from '../domain/lifecycle.ts';
import { type FiledIdentity, type RemovedIdentity, removedIdentities } from '../domain/verification.ts';
import type { AccessMaterials, ApplicationMaterials, PersonMaterials, PlatformMaterials, SubjectMaterials } from '../domain/materials.ts';
import { enqueueFilingWebhooks } from '../notify/filing-webhooks.ts';
import type { ApplicationRow } from './applications.ts';
import type { FlowContext } from './context.ts';
import { clearShell } from './clean-up-shells.ts';
import { normalisedBase } from './create-change.ts';
import { recordHistory } from './history.ts';

export interface ChangeApplied { mainNumber: string; serviceNumber: string | null; fields: string[] }

type Json = Record<string, unknown>;

export async function applyChange(ctx: FlowContext, tx: Queryable, app: ApplicationRow, actor: Actor, now: Date): Promise<ChangeApplied> {
  const kind = kindOf(app.application_type);
  const m = openMaterials(app.materials, ctx.sealer);
  const base = openMaterials(app.base_materials ?? {}, ctx.sealer);
  const fields = diffMaterials(base, m).map((c) => c.field);
  const record = kind.target === 'service' ? await lockService(tx, app, kind.targetStatuses) : await lockSubject(tx, app, kind.targetStatuses);
  await refuseStaleBase(ctx, tx, app, base, m, now);
  const services: string[] = [];
  let removed: RemovedIdentity[] = [];
  if (app.application_type === 'change_service') {
    // What a relying party keyed by (platform, package, fingerprint) held filed before: the webhook names what stopped being so.
    const before = await filedIdentities(tx, app.service_id!);
    await updateService(ctx, tx, app.service_id!, m as unknown as ApplicationMaterials, record.subjectPrincipal, base, now);
    removed = removedIdentities(before, await filedIdentities(tx, app.service_id!));
    services.push(app.service_id!);
  } else if (app.application_type === 'add_access') {
    const filed = new Set(((base.access ?? []) as AccessMaterials[]).map((a) => a.providerOrgId));
    const added = ((m.access ?? []) as AccessMaterials[]).map((a, i) => ({ a, i })).filter(({ a }) => !filed.has(a.providerOrgId));
    // Only the submitting provider reviewed its record (materials-check.ts refuses others at
    // submission; an application submitted before that rule is refused here, never half-written).
    const unreviewed = added.filter(({ a }) => a.providerOrgId !== app.submitter_org_id);
    if (unreviewed.length) {
      throw new NamedError('access_provider_not_reviewed', 'conflict', 'this access filing adds a provider that did not review it; reject it with that reason',
        unreviewed.map(({ i }) => ({ field: `access.${i}.providerOrgId`, code: 'access_provider_not_submitter', message: 'only the submitting provider\'s record may be added' })));
    }
    await insertAccess(tx, app.service_id!, added.map(({ a }) => a));
    // A shell (空壳) with access again is a shell no more, and leaves any cleanup notice (issue 13 item 6).
    await clearShell(ctx, tx, app.service_id!, actor);
    services.push(app.service_id!);
  } else {
    await updateSubject(ctx, tx, app.subject_id!, (m as { subject: SubjectMaterials }).subject, (base as { subject: SubjectMaterials }).subject, now);
    services.push(...(await tx.query<{ id: string }>(`select id from services where subject_id = $1 and status = 'filed'`, [app.subject_id])).map((r) => r.id));
  }
  const entity = kind.target === 'service' ? { entityType: 'service' as const, entityId: app.service_id! } : { entityType: 'subject' as const, entityId: app.subject_id! };
  await recordHistory(tx, actor, { ...entity, applicationId: app.id, action: kind.recordAction, from: record.status, to: record.status, reason: { applicationType: app.application_type, fields } }, now);
  for (const id of services) await enqueueFilingWebhooks(tx, id, 'filing.changed', now, id === app.service_id ? removed : []);
  return { mainNumber: record.mainNumber, serviceNumber: record.serviceNumber, fields };
}

export class RecordChangedSinceDraftError extends NamedError {
  constructor(stale: { field: string }[]) {
    super('record_changed_since_draft', 'conflict',
      `the filed record changed since this change was drafted, in what it edits (${stale.map((c) => c.field).join(', ')}); reject it with that reason so the host files it again from the record as it is`,
      stale.map((c) => ({ field: c.field, code: 'record_changed_since_draft', message: 'the filed value changed since the draft (or the record is gone)' })));
  }
}

/**
 * The change was reviewed against its base; what it edits must still be filed as that base says
 * (an access record cancelled meanwhile, a subject's principal changed by another path): otherwise
 * applying it would write nothing there — or overwrite what happened since — while history claims
 * the fields. Refused (409), for the bureau to reject; called under the record's lock.
 */
async function refuseStaleBase(ctx: FlowContext, tx: Queryable, app: ApplicationRow, base: Json, m: Json, now: Date): Promise<void> {
  const kind = kindOf(app.application_type);
  const filed = kind.target === 'service' ? await filedServiceMaterials(tx, ctx.sealer, app.service_id!) : await filedSubjectMaterials(tx, ctx.sealer, app.subject_id!);
  const current = await normalisedBase(tx, app.application_type, { subjectId: app.subject_id!, serviceType: app.service_type }, { ...filed }, now);
  const stale = staleEdits(base, current, m);
  if (stale.length) throw new RecordChangedSinceDraftError(stale);
}

interface Locked { status: string; mainNumber: string; serviceNumber: string | null; subjectPrincipal: string }

async function lockService(tx: Queryable, app: ApplicationRow, statuses: readonly string[]): Promise<Locked> {
  const [s] = await tx.query<{ status: string; service_number: string; main_number: string; principal_person_id: string }>(
    `select s.status, s.service_number, sub.main_number, sub.principal_person_id from services s join subjects sub on sub.id = s.subject_id
      where s.id = $1 for no key update of s`, [app.service_id]);
  if (!s || !statuses.includes(s.status)) throw new NamedError('service_not_filed', 'conflict', `the service this change is for is ${s?.status ?? 'gone'}; reject the application with that reason`);
  return { status: s.status, mainNumber: s.main_number, serviceNumber: s.service_number, subjectPrincipal: s.principal_person_id };
}

async function lockSubject(tx: Queryable, app: ApplicationRow, statuses: readonly string[]): Promise<Locked> {
  const [s] = await tx.query<{ status: string; main_number: string; principal_person_id: string }>(
    `select status, main_number, principal_person_id from subjects where id = $1 for no key update`, [app.subject_id]);
  if (!s || !statuses.includes(s.status)) throw new NamedError('subject_not_filed', 'conflict', `the subject this change is for is ${s?.status ?? 'gone'}; reject the application with that reason`);
  return { status: s.status, mainNumber: s.main_number, serviceNumber: null, subjectPrincipal: s.principal_person_id };
}

/** The service's active platforms, as a verification matches them. */
async function filedIdentities(tx: Queryable, serviceId: string): Promise<FiledIdentity[]> {
  return tx.query<FiledIdentity>(
    `select platform, package_name as "packageName", cert_md5 as "certMd5", cert_sha1 as "certSha1", cert_sha256 as "certSha256"
       from app_platforms where service_id = $1 and active order by platform`, [serviceId]);
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** A principal keeps its person row when nothing about them changed; otherwise a new row (history keeps the old). */
async function personId(ctx: FlowContext, tx: Queryable, next: PersonMaterials, before: unknown, currentId: string): Promise<string> {
  return sameJson(next, before) ? currentId : insertPerson(tx, ctx.sealer, next);
}

async function updateService(ctx: FlowContext, tx: Queryable, serviceId: string, m: ApplicationMaterials, subjectPrincipal: string, base: Json, now: Date) {
  const [cur] = await tx.query<{ principal_person_id: string }>('select principal_person_id from services where id = $1', [serviceId]);
  const s = m.service;
  const principal = 'sameAsSubjectPrincipal' in s.principal
    ? subjectPrincipal
    : await personId(ctx, tx, s.principal, (base.service as { principal?: unknown } | undefined)?.principal, cur!.principal_person_id);
  await tx.query(
    `update services set name = $2, categories = $3, languages = $4, pre_approvals = $5, description = $6, sdks = $7, home_url = $8,
       domains = $9, principal_person_id = $10, updated_at = $11 where id = $1`,
    [serviceId, s.name, s.categories ?? [], s.languages ?? [], JSON.stringify(s.preApprovals ?? []), s.description, JSON.stringify(s.sdks ?? []),
      s.homeUrl ?? null, s.domains ?? [], principal, now]);
  await replacePlatforms(tx, serviceId, m.platforms ?? []);
  for (const a of m.access ?? []) {
    const written = await tx.query(
      `update access_records set access_method = $3, server_location = $4, ips = $5, domains = $6 where service_id = $1 and provider_org_id = $2 and active returning id`,
      [serviceId, a.providerOrgId, a.accessMethod, a.serverLocation, a.ips ?? [], a.domains ?? []]);
    // refuseStaleBase saw it active under the same lock: a record gone now is a bug, never a silent skip.
    if (!written.length) throw new Error(`access record of provider ${a.providerOrgId} for service ${serviceId} is not active`);
  }
}

/** Platform rows are one per (service, platform): updated in place, so the old fingerprint stops matching at once. */
async function replacePlatforms(tx: Queryable, serviceId: string, platforms: PlatformMaterials[]) {
  await tx.query('update app_platforms set active = false where service_id = $1 and active and not (platform = any ($2::text[]))', [serviceId, platforms.map((p) => p.platform)]);
  for (const p of platforms) {
    const values = [serviceId, p.platform, p.packageName, p.publicKey, p.certMd5 ?? null, p.certSha1 ?? null, p.certSha256 ?? null, p.domains ?? []];
    const updated = await tx.query(
      `update app_platforms set package_name = $3, public_key = $4, cert_md5 = $5, cert_sha1 = $6, cert_sha256 = $7, domains = $8, active = true
        where service_id = $1 and platform = $2 returning id`, values)
      .catch(rethrowPackage);
    if (!updated.length) {
      await tx.query(`insert into app_platforms (service_id, platform, package_name, public_key, cert_md5, cert_sha1, cert_sha256, domains)
        values ($1,$2,$3,$4,$5,$6,$7,$8)`, values).catch(rethrowPackage);
    }
  }
}

function rethrowPackage(e: unknown): never {
  if ((e as { code?: string }).code === '23505') {
    throw new NamedError('package_already_filed', 'conflict', 'a package of this change was filed by another service meanwhile; reject with that reason');
  }
  throw e;
}

async function updateSubject(ctx: FlowContext, tx: Queryable, subjectId: string, s: SubjectMaterials, before: SubjectMaterials, now: Date) {
  const [cur] = await tx.query<{ principal_person_id: string; legal_person_id: string | null }>('select principal_person_id, legal_person_id from subjects where id = $1', [subjectId]);
  const principal = await personId(ctx, tx, s.principal, before.principal, cur!.principal_person_id);
  // The same person with new details (a new mobile, a renewed ID card): the services they are principal of follow.
  if (principal !== cur!.principal_person_id && s.principal.certificateNumber.toUpperCase() === before.principal.certificateNumber.toUpperCase()) {
    await tx.query('update services set principal_person_id = $3, updated_at = $4 where subject_id = $1 and principal_person_id = $2', [subjectId, cur!.principal_person_id, principal, now]);
  }
  const legal = !s.legalPerson ? null
    : sameJson(s.legalPerson, before.legalPerson) && cur!.legal_person_id ? cur!.legal_person_id
      : await insertPerson(tx, ctx.sealer, { ...s.legalPerson, mobile: s.principal.mobile, email: s.principal.email });
  await tx.query(
    `update subjects set name = $2, certificate_address = $3, address = $4, city_code = $5, district_code = $6, principal_person_id = $7,
       legal_person_id = $8, updated_at = $9 where id = $1`,
    [subjectId, s.name, s.certificateAddress ?? null, s.address, s.cityCode, s.districtCode, principal, legal, now]);
  // An individual become an enterprise (the kind's conversion): its type, nature and certificate.
  if (s.subjectType !== before.subjectType || s.certificateNumber !== before.certificateNumber || s.certificateType !== before.certificateType) {
    await tx.query(
      `update subjects set subject_type = $2, nature = $3, certificate_type = $4, certificate_number = $5, certificate_number_enc = $6,
         certificate_number_hash = $7 where id = $1`,
      [subjectId, s.subjectType, s.nature, s.certificateType, s.subjectType === 'unit' ? s.certificateNumber : null,
        ctx.sealer.seal(s.certificateNumber), ctx.sealer.hash('id_number', s.certificateNumber)])
      .catch((e: unknown) => {
        // Another subject was filed with this certificate meanwhile (the one-per-certificate index).
        if ((e as { code?: string }).code === '23505') throw new NamedError('subject_already_filed', 'conflict', 'the new certificate was filed as another subject meanwhile; reject with that reason');
        throw e;
      });
  }
}
