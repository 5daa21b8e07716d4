// The complete check before submission: the domain rules on the materials (every problem at
// once, src/domain/application-rules.ts) plus the rules that need the registry — the chosen
// submitter and access providers exist and fit, a package is not filed elsewhere, an
// emergency phone is not another subject's, the principals' identity is verified.
import type { Queryable } from '../db/connection.ts';
import type { Sealer } from '../db/personal-data.ts';
import { openMaterials } from '../db/materials-store.ts';
import { checkApplication } from '../domain/application-rules.ts';
import { changeProblems, filedValueProblemsAsWarnings } from '../domain/changes.ts';
import { kindOf } from '../domain/lifecycle.ts';
import { chinaDate } from '../domain/china-time.ts';
import type { FieldProblem } from '../domain/errors.ts';
import type { ApplicationMaterials } from '../domain/materials.ts';
import { packageFindingProblems, platformPackageChecks } from '../domain/package-findings.ts';
import type { ApplicationRow } from './applications.ts';
import { packageAnalysesOf } from './package-analyses.ts';
import { principalsToVerify } from './principals.ts';

/** Which organisations may submit which services (DOMAIN.md §1, §2.5). */
export const SUBMITTER_KINDS: Record<ApplicationRow['service_type'], string[]> = {
  website: ['access_provider'],
  app: ['access_provider', 'distribution_platform'],
  mini_program: ['distribution_platform'],
  quick_app: ['distribution_platform'],
};

export async function reusedSubjectOf(tx: Queryable, app: ApplicationRow) {
  if (!app.subject_id) return undefined;
  const [s] = await tx.query<{ subject_type: 'unit' | 'individual'; province_code: string }>(
    'select subject_type, province_code from subjects where id = $1', [app.subject_id]);
  return s ? { subjectType: s.subject_type, provinceCode: s.province_code } : undefined;
}

export async function domainProblems(tx: Queryable, app: ApplicationRow, materials: Record<string, unknown>, now: Date, sealer: Sealer) {
  const checked = checkApplication(materials, {
    applicationType: app.application_type,
    reusedSubject: await reusedSubjectOf(tx, app),
    today: chinaDate(now),
  });
  // A change: the kind's rules against the filed record it started from (issue 13).
  const kind = kindOf(app.application_type);
  if (kind.change && app.base_materials) {
    const filed = openMaterials(app.base_materials, sealer);
    const next = checked.normalised as Record<string, unknown>;
    // What the filed record breaks in a field this kind keeps is not the host's to fix here.
    const split = filedValueProblemsAsWarnings(kind, filed, next, checked.problems);
    checked.problems = [...split.problems, ...changeProblems(kind, filed, next)];
    checked.warnings = [...checked.warnings, ...split.warnings];
  }
  return checked;
}

export async function registryProblems(tx: Queryable, sealer: Sealer, app: ApplicationRow, m: Partial<ApplicationMaterials>, now: Date): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  const orgKind = async (id: unknown) => {
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) return null;
    const [o] = await tx.query<{ kind: string }>(`select kind from organisations where id = $1 and status = 'active'`, [id]);
    return o?.kind ?? null;
  };
  const submitterKind = await orgKind(app.submitter_org_id);
  const kind = kindOf(app.application_type);
  if (kind.reviewerIsNewProvider) {
    const newProviders = await newAccessProviders(tx, app, m);
    const submitterIsNew = !!app.submitter_org_id && newProviders.includes(app.submitter_org_id);
    if (!submitterIsNew) {
      problems.push({ field: 'submitterOrgId', code: 'submitter_not_new_provider', message: 'an access filing is reviewed by the new access provider: choose the provider you are adding' });
    }
    // 新增接入 goes via the new provider (DOMAIN.md §2.5, §4.3): each new provider reviews its own
    // record first, so one access filing adds the submitting provider's record and no other's
    // (while the submitter is not one of them, the problem above names what to fix first).
    for (const [i, a] of (m.access ?? []).entries()) {
      const provider = a?.providerOrgId;
      if (submitterIsNew && typeof provider === 'string' && newProviders.includes(provider) && provider !== app.submitter_org_id) {
        problems.push({ field: `access.${i}.providerOrgId`, code: 'access_provider_not_submitter', message: 'an access filing adds one new provider, the one that reviews it', suggestion: 'file a separate access filing through this provider' });
      }
    }
  }
  if (kind.reviewerHoldsService && app.service_id && submitterKind && !(await holdsRecord(tx, { serviceId: app.service_id }, app.submitter_org_id!))) {
    problems.push({ field: 'submitterOrgId', code: 'submitter_not_service_provider', message: 'a change of a service is reviewed by an organisation that holds it: its active access provider, or the organisation that filed it',
      suggestion: 'choose the access provider or platform this service is filed with' });
  }
  if (kind.reviewerHoldsSubject && app.subject_id && submitterKind && !(await holdsRecord(tx, { subjectId: app.subject_id }, app.submitter_org_id!))) {
    problems.push({ field: 'submitterOrgId', code: 'submitter_not_subject_provider', message: 'a subject change is reviewed by an organisation that holds the subject: an active access provider of one of its live services, or the organisation that filed one',
      suggestion: 'choose the access provider or platform of one of this subject\'s filed services' });
  }
  if (!submitterKind || !SUBMITTER_KINDS[app.service_type].includes(submitterKind)) {
    problems.push({ field: 'submitterOrgId', code: 'submitter_invalid', message: `choose an active ${SUBMITTER_KINDS[app.service_type].join(' or ').replace(/_/g, ' ')} to submit this ${app.service_type.replace('_', ' ')}` });
  }
  for (const [i, a] of (m.access ?? []).entries()) {
    if ((await orgKind(a?.providerOrgId)) !== 'access_provider') problems.push({ field: `access.${i}.providerOrgId`, code: 'access_provider_unknown', message: 'not an active access provider' });
  }
  for (const [i, p] of (m.platforms ?? []).entries()) {
    const taken = await tx.query(
      // iOS bundle IDs are one package whatever their case (migration 0044); others compare exactly.
      `select 1 from app_platforms where active and platform = $1 and service_id is distinct from $3
          and (package_name = $2 or ($1 = 'ios' and lower(package_name) = lower($2)))`, [p?.platform, p?.packageName, app.service_id]);
    if (taken.length) problems.push({ field: `platforms.${i}.packageName`, code: 'package_already_filed', message: 'this package already has an active filing; one package, one active filing' });
  }
  problems.push(...(await packageProblems(tx, app, m, now)));
  const emergency = m.subject?.principal?.emergencyPhone;
  if (emergency) {
    const used = await tx.query(
      `select 1 from subjects s join persons p on p.id = s.principal_person_id
       where p.emergency_phone_hash = $1 and s.host_user_id <> $2 and s.status = 'filed' limit 1`,
      [sealer.hash('phone', emergency), app.host_user_id]);
    if (used.length) problems.push({ field: 'subject.principal.emergencyPhone', code: 'emergency_phone_in_use', message: 'this emergency phone belongs to another filed subject' });
  }
  problems.push(...(await identityProblems(tx, sealer, app, m, now)));
  return problems;
}

/**
 * DOMAIN.md §0.1: a platform whose uploaded package is debug-signed, signed with a development / ad-hoc
 * profile, or whose signing certificate has expired by now is refused (the analyzer's findings kept
 * with the application at upload, src/flows/package-analyses.ts).
 */
export async function packageProblems(tx: Queryable, app: ApplicationRow, m: Partial<ApplicationMaterials>, now: Date): Promise<FieldProblem[]> {
  const platforms = m.platforms ?? [];
  if (!platforms.length) return [];
  return packageFindingProblems(platforms, platformPackageChecks(platforms, await packageAnalysesOf(tx, app.id), now));
}

/**
 * Whether an organisation holds a subject — one of its live services — or one service (DOMAIN.md §4.3:
 * "subject info can only be changed at the provider that holds it", changes go via the current
 * provider): it has an active access record of that service, or it filed it — submitted its approved
 * first filing, new service or change — and has not left it since (no cancelled access record of its
 * own there). The second covers distribution platforms (mini programs and quick apps file no access
 * section: their platform is their submitter) and a provider that filed a service hosted elsewhere.
 */
export async function holdsRecord(tx: Queryable, of: { subjectId: string } | { serviceId: string }, orgId: string): Promise<boolean> {
  const rows = await tx.query(
    `select 1 from services s
      where ${'subjectId' in of ? 's.subject_id' : 's.id'} = $1 and s.status = 'filed'
        and (exists (select 1 from access_records ar where ar.service_id = s.id and ar.active and ar.provider_org_id = $2)
          or (exists (select 1 from applications a where a.service_id = s.id and a.status = 'approved' and a.submitter_org_id = $2
                        and a.application_type in ('first_filing', 'new_service', 'change_service'))
              and not exists (select 1 from access_records ar where ar.service_id = s.id and not ar.active and ar.provider_org_id = $2)))
      limit 1`, ['subjectId' in of ? of.subjectId : of.serviceId, orgId]);
  return rows.length > 0;
}

/** Access providers in the materials that the filed service does not have yet. */
async function newAccessProviders(tx: Queryable, app: ApplicationRow, m: Partial<ApplicationMaterials>): Promise<string[]> {
  const filed = app.service_id
    ? (await tx.query<{ provider_org_id: string }>('select provider_org_id from access_records where service_id = $1 and active', [app.service_id])).map((r) => r.provider_org_id)
    : [];
  return (m.access ?? []).map((a) => a?.providerOrgId).filter((p): p is string => typeof p === 'string' && !filed.includes(p));
}

async function identityProblems(tx: Queryable, sealer: Sealer, app: ApplicationRow, m: Partial<ApplicationMaterials>, now: Date): Promise<FieldProblem[]> {
  const principals = await principalsToVerify(tx, sealer, app, m as Record<string, unknown>);
  const roles = principals.flatMap((p) => p.roles);
  const passed = await tx.query<{ person_role: string }>(
    `select distinct person_role from identity_tasks where application_id = $1 and status = 'passed' and expires_at > $2`, [app.id, now]);
  const ok = new Set(passed.map((r) => r.person_role));
  return roles.filter((r) => !ok.has(r)).map((r) => ({
    field: r === 'subject_principal' ? 'subject.principal' : 'service.principal',
    code: 'identity_not_verified',
    message: 'the person has not passed identity verification in the last 3 days',
    suggestion: 'start identity verification and complete the face check',
  }));
}

