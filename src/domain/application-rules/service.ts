// APP / service basic info (APP基础信息, DOMAIN.md §2.3): name, categories, languages,
// pre-approvals, description, SDKs and the service principal. Domains and the home URL are in
// domains.ts; which groups apply to which service type is SERVICE_GROUPS (tables.ts).
import type { IsoDate } from '../dates.ts';
import type { DeepPartial } from '../deep-partial.ts';
import type { ServiceType } from '../filing-number.ts';
import { type PersonMaterials, SERVICE_TYPES, type ServiceMaterials, type SubjectType } from '../materials.ts';
import { PRE_APPROVAL_RULES, type PreApprovalType } from '../validation/name-keywords.ts';
import { validateServiceContentTypes, validateServiceDescription, validateServiceName } from '../validation/names.ts';
import { checkPerson } from './people.ts';
import { type Report, duplicateIndexes, nonEmpty, path, requireText, text } from './report.ts';

type Service = DeepPartial<ServiceMaterials>;

export interface ServiceContext {
  /** The subject's type (from the materials, or the reused filed subject). */
  subjectType?: SubjectType;
  today: IsoDate;
}

const PRE_APPROVAL_TYPES = new Set<string>(PRE_APPROVAL_RULES.map((r) => r.type));
const MAX_SHORT_TEXT = 64;
const MAX_PRE_APPROVAL_NUMBER = 100;

/** The service type if present and known (`required` / `invalid_option` otherwise). */
export function checkServiceType(report: Report, s: Service): ServiceType | undefined {
  const type = requireText(report, 'service.serviceType', s.serviceType, 'the service type');
  if (type === undefined) return undefined;
  if ((SERVICE_TYPES as readonly string[]).includes(type)) return type as ServiceType;
  report.error('service.serviceType', 'invalid_option', `${type} is not one of ${SERVICE_TYPES.join(', ')}`);
  return undefined;
}

/** Basic info and the service principal; domains and home URL are checked by the caller. */
export function checkServiceInfo(report: Report, s: Service, serviceType: ServiceType | undefined, ctx: ServiceContext): Service {
  const out: Service = { ...s };
  const declared = checkPreApprovals(report, s, out);
  checkName(report, s, out, serviceType, ctx, declared);
  checkCategories(report, s, out);
  checkLanguages(report, s, out);
  const description = requireText(report, 'service.description', s.description, 'the service description');
  if (description !== undefined) out.description = report.take('service.description', validateServiceDescription(description)) ?? description;
  checkPreApprovalKeywords(report, out, declared);
  checkSdks(report, s, out);
  const p = s.principal;
  if (p && 'sameAsSubjectPrincipal' in p && p.sameAsSubjectPrincipal === true) out.principal = { sameAsSubjectPrincipal: true };
  else out.principal = checkPerson(report, 'service.principal', (p ?? {}) as DeepPartial<PersonMaterials>, ctx.today);
  return out;
}

/**
 * Name rules (DOMAIN.md §0.3, §7 [S14]) with the subject's type and the declared
 * pre-approvals as context: warnings such as `name_national_word` and
 * `pre_approval_required_<type>` (keyword in the name, no such pre-approval declared).
 */
function checkName(report: Report, s: Service, out: Service, serviceType: ServiceType | undefined, ctx: ServiceContext, declared: PreApprovalType[]): void {
  const name = requireText(report, 'service.name', s.name, 'the service name');
  if (name === undefined) return;
  const options = { preApprovals: declared, ...(serviceType ? { serviceType } : {}), ...(ctx.subjectType ? { subjectKind: ctx.subjectType } : {}) };
  out.name = report.take('service.name', validateServiceName(name, options)) ?? name;
}

/** Level-2 service-content categories, 1–5, no duplicates (DOMAIN.md §2.3 [S3]). */
function checkCategories(report: Report, s: Service, out: Service): void {
  const categories = nonEmpty(s.categories?.map((c) => text(c) ?? ''));
  if (!categories) return report.required('service.categories', 'at least one service-content category');
  out.categories = [...categories];
  categories.forEach((c, i) => {
    if (c === '') report.required(path('service.categories', i), 'the category');
  });
  const r = validateServiceContentTypes(categories.filter((c) => c !== ''));
  if (!r.ok) report.error('service.categories', r.error.code, r.error.message);
}

// BCP 47 subset: language (2–3 letters), optional script (4 letters), optional region (2 letters or 3 digits).
const LANGUAGE_TAG = /^([a-z]{2,3})(?:-([a-z]{4}))?(?:-([a-z]{2}|\d{3}))?$/i;

/** Languages of the content: at least one, BCP 47 codes such as zh-CN, en, ug; one is usual. */
function checkLanguages(report: Report, s: Service, out: Service): void {
  const languages = nonEmpty(s.languages);
  if (!languages) return report.required('service.languages', 'at least one language');
  out.languages = languages.map((raw, i) => {
    const tag = text(raw) ?? '';
    const m = LANGUAGE_TAG.exec(tag);
    if (!m) {
      report.error(path('service.languages', i), 'language_code_format', 'a language code such as zh-CN, en or ug');
      return tag;
    }
    const script = m[2] ? `-${m[2][0]!.toUpperCase()}${m[2].slice(1).toLowerCase()}` : '';
    return `${m[1]!.toLowerCase()}${script}${m[3] ? `-${m[3].toUpperCase()}` : ''}`;
  });
  for (const i of duplicateIndexes(out.languages, (l) => l)) report.error(path('service.languages', i), 'language_duplicate', 'this language is listed twice');
  if (languages.length > 1) {
    report.warn('service.languages', 'languages_multiple', 'give the main language of the content; bureaus discourage several (DOMAIN.md §2.3)');
  }
}

/** Pre-approvals: known type, no duplicate types, each with its number (DOMAIN.md §2.3 [S3]). */
function checkPreApprovals(report: Report, s: Service, out: Service): PreApprovalType[] {
  const list = s.preApprovals ?? [];
  const declared: PreApprovalType[] = [];
  out.preApprovals = list.map((item, i) => {
    const base = path('service.preApprovals', i);
    const type = requireText(report, path(base, 'type'), item.type, 'the pre-approval type');
    const number = requireText(report, path(base, 'number'), item.number, 'the pre-approval document number');
    if (type !== undefined && !PRE_APPROVAL_TYPES.has(type)) report.error(path(base, 'type'), 'pre_approval_type_unknown', `${type} is not a pre-approval type`);
    else if (type !== undefined) declared.push(type as PreApprovalType);
    if (number !== undefined && [...number].length > MAX_PRE_APPROVAL_NUMBER) report.error(path(base, 'number'), 'too_long', `at most ${MAX_PRE_APPROVAL_NUMBER} characters`);
    return { ...item, ...(type !== undefined ? { type } : {}), ...(number !== undefined ? { number } : {}) };
  });
  for (const i of duplicateIndexes(list, (p) => text(p.type))) {
    report.error(path('service.preApprovals', i, 'type'), 'pre_approval_duplicate', 'this pre-approval type is listed twice');
  }
  if (s.preApprovals === undefined) delete out.preApprovals;
  return declared;
}

/**
 * A keyword of a pre-approval category in the name or description, with no pre-approval of
 * that type declared: ask for the document up front (DOMAIN.md §0.3, §7 [S14][S8]). Warning
 * `pre_approval_missing_<type>` on `service.preApprovals`.
 */
function checkPreApprovalKeywords(report: Report, out: Service, declared: readonly PreApprovalType[]): void {
  const haystack = `${text(out.name) ?? ''}\n${text(out.description) ?? ''}`;
  for (const rule of PRE_APPROVAL_RULES) {
    const word = rule.keywords.find((k) => haystack.includes(k));
    if (word === undefined || declared.includes(rule.type)) continue;
    const where = rule.nationallyRequired ? '' : ' (no longer required nationally; some bureaus still ask)';
    report.warn('service.preApprovals', `pre_approval_missing_${rule.type}`,
      `the name or description mentions "${word}" (${rule.name}): list the ${rule.document}${where}, or confirm none applies`);
  }
}

/** SDKs: vendor and function type, each 1–64 characters (DOMAIN.md §2.3 [S2][S43]). */
function checkSdks(report: Report, s: Service, out: Service): void {
  if (s.sdks === undefined) return;
  out.sdks = s.sdks.map((sdk, i) => {
    const item = { ...sdk };
    for (const f of ['vendor', 'type'] as const) {
      const value = requireText(report, path('service.sdks', i, f), sdk[f], `the SDK ${f}`);
      if (value === undefined) continue;
      item[f] = value;
      if ([...value].length > MAX_SHORT_TEXT) report.error(path('service.sdks', i, f), 'too_long', `at most ${MAX_SHORT_TEXT} characters`);
    }
    return item;
  });
}
