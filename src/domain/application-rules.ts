// The rules of a filing application across its four material groups (DOMAIN.md §2, §9), as
// one pure function. It returns every problem at once with a dotted field path
// (`platforms.0.packageName`), the warnings (which never block), and the materials
// normalised. The caller saves drafts whatever the problems are and refuses submission while
// any problem remains (DOMAIN.md §0.2: validate at entry time, not at bureau review).
//
// Not checked here (they need the database, so the flows do them): that the access provider
// exists and is one; that an emergency phone is not another subject's; that the reused
// subject belongs to the host.
import type { IsoDate } from './dates.ts';
import type { DeepPartial } from './deep-partial.ts';
import type { ServiceType } from './filing-number.ts';
import type { ApplicationMaterials, PersonMaterials, SubjectType } from './materials.ts';
import { checkAccessList } from './application-rules/access.ts';
import { type Role, checkCrossPerson } from './application-rules/cross-person.ts';
import { type ServiceDomains, checkDomainList, checkHomeUrl } from './application-rules/domains.ts';
import { checkPlatforms } from './application-rules/platforms.ts';
import { type Problem, Report, isBlank, nonEmpty, requireText } from './application-rules/report.ts';
import { checkServiceInfo, checkServiceType } from './application-rules/service.ts';
import { checkSubject } from './application-rules/subject.ts';
import { SERVICE_GROUPS, type ServiceGroups } from './application-rules/tables.ts';

export type { Problem } from './application-rules/report.ts';
export type { DeepPartial } from './deep-partial.ts';
export { NATURE_CERTIFICATES, PLATFORM_RULES, SERVICE_GROUPS } from './application-rules/tables.ts';

/** The kinds of src/domain/lifecycle.ts APPLICATION_KINDS: a service change and an access filing are checked as a new service, a subject change as its subject alone. */
export type ApplicationType = 'first_filing' | 'new_service' | 'change_service' | 'change_subject' | 'add_access';

export interface ApplicationContext {
  applicationType: ApplicationType;
  /** new_service: the host's filed subject, whose type and province the service rules use. */
  reusedSubject?: { subjectType: SubjectType; provinceCode: string };
  /** YYYY-MM-DD (China Standard Time): certificate expiry and birth dates are judged against it. */
  today: IsoDate;
}

export interface ApplicationCheck {
  normalised: DeepPartial<ApplicationMaterials>;
  /** Block submission. */
  problems: Problem[];
  /** Never block. */
  warnings: Problem[];
}

export function checkApplication(materials: DeepPartial<ApplicationMaterials>, ctx: ApplicationContext): ApplicationCheck {
  const report = new Report();
  const out: DeepPartial<ApplicationMaterials> = { ...materials };
  if (ctx.applicationType === 'change_subject') {
    // A subject change carries the subject alone (issue 13).
    out.subject = checkSubject(report, materials.subject ?? {}, ctx.today);
    checkCrossPerson(report, roles(out));
    return { normalised: stripUndefined({ subject: out.subject }), problems: report.problems, warnings: report.warnings };
  }
  // A first filing brings its subject; a new service reuses the host's filed one (issue 3 item 2).
  if (ctx.applicationType === 'first_filing') out.subject = checkSubject(report, materials.subject ?? {}, ctx.today);
  else if (!isBlank(materials.subject) && Object.keys(materials.subject).length > 0) report.error('subject', 'not_applicable_for_new_service', 'a new service reuses the filed subject; leave the subject out');
  const subjectType = ctx.applicationType === 'first_filing' ? knownSubjectType(out.subject?.subjectType) : ctx.reusedSubject?.subjectType;
  const service = materials.service ?? {};
  const serviceType = checkServiceType(report, service);
  out.service = checkServiceInfo(report, service, serviceType, { subjectType, today: ctx.today });
  const domains = checkServiceDomains(report, out, serviceType);
  checkPlatformsAndAccess(report, materials, out, serviceType, domains);
  checkCrossPerson(report, roles(out));
  return { normalised: stripUndefined(out), problems: report.problems, warnings: report.warnings };
}

function knownSubjectType(t: unknown): SubjectType | undefined {
  return t === 'unit' || t === 'individual' ? t : undefined;
}

/** Domains and home URL as the service type requires or forbids (SERVICE_GROUPS, DOMAIN.md §2.1). */
function checkServiceDomains(report: Report, out: DeepPartial<ApplicationMaterials>, serviceType: ServiceType | undefined): ServiceDomains {
  const s = out.service ?? {};
  const groups: ServiceGroups | undefined = serviceType ? SERVICE_GROUPS[serviceType] : undefined;
  let domains: ServiceDomains = { out: [], valid: new Set() };
  if (groups?.domains === false) {
    if (nonEmpty(s.domains)) notApplicable(report, 'service.domains', serviceType);
  } else {
    domains = checkDomainList(report, 'service.domains', s.domains ?? []);
    if (s.domains !== undefined) s.domains = domains.out;
    if (groups?.domains === true && domains.out.length === 0) report.required('service.domains', 'at least one domain');
  }
  if (groups?.homeUrl === false) {
    if (!isBlank(s.homeUrl)) notApplicable(report, 'service.homeUrl', serviceType);
  } else if (groups?.homeUrl === true || !isBlank(s.homeUrl)) {
    const url = requireText(report, 'service.homeUrl', s.homeUrl, 'the home page address');
    if (url !== undefined) s.homeUrl = checkHomeUrl(report, url, domains.valid);
  }
  return domains;
}

function checkPlatformsAndAccess(
  report: Report, materials: DeepPartial<ApplicationMaterials>, out: DeepPartial<ApplicationMaterials>,
  serviceType: ServiceType | undefined, domains: ServiceDomains,
): void {
  const groups: ServiceGroups | undefined = serviceType ? SERVICE_GROUPS[serviceType] : undefined;
  const platforms = materials.platforms ?? [];
  const access = materials.access ?? [];
  if (groups?.platforms === true && !nonEmpty(platforms)) report.required('platforms', 'at least one platform (Android, iOS or HarmonyOS)');
  if (groups?.platforms === false && platforms.length > 0) notApplicable(report, 'platforms', serviceType);
  else if (materials.platforms !== undefined) out.platforms = checkPlatforms(report, platforms, domains.valid);
  if (groups?.access === true && !nonEmpty(access)) report.required('access', 'at least one access record');
  if (groups?.access === false && access.length > 0) notApplicable(report, 'access', serviceType);
  else if (materials.access !== undefined) out.access = checkAccessList(report, access, domains);
}

function notApplicable(report: Report, field: string, serviceType: ServiceType | undefined): void {
  report.error(field, 'not_applicable_for_service_type', `a ${serviceType} carries no ${field.replace('service.', '')} (DOMAIN.md §2.1)`);
}

/** The persons of the application for the cross-person rules, subject principal first. */
function roles(out: DeepPartial<ApplicationMaterials>): Role[] {
  const list: Role[] = [];
  if (out.subject?.principal) list.push({ base: 'subject.principal', person: out.subject.principal, full: true });
  const sp = out.service?.principal;
  if (sp && !('sameAsSubjectPrincipal' in sp && sp.sameAsSubjectPrincipal === true)) {
    list.push({ base: 'service.principal', person: sp as DeepPartial<PersonMaterials>, full: true });
  }
  if (out.subject?.legalPerson) list.push({ base: 'subject.legalPerson', person: out.subject.legalPerson, full: false });
  return list;
}

/** Drop keys whose value is undefined, at every depth (the output is JSON for a draft). */
function stripUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(stripUndefined) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, stripUndefined(v)])) as T;
}
