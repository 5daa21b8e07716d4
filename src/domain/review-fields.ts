// The fields a reviewer's reason may name (a first review's return, a bureau's rejection): the
// fields of the application's own materials, as the review page shows them (Materials.tsx). A
// reason about a field the application does not carry — `service.description` on a subject
// change, a misspelt path from a provider's system — reaches the host as a correction it cannot
// make: the form has no such field. Pure.

const PERSON = ['name', 'certificateType', 'certificateNumber', 'certificateValidFrom', 'certificateValidTo', 'mobile', 'emergencyPhone', 'email'];
const SUBJECT = ['subjectType', 'nature', 'name', 'certificateType', 'certificateNumber', 'certificateAddress', 'provinceCode', 'cityCode', 'districtCode', 'address', 'principalIsLegalRepresentative'];
const SERVICE = ['serviceType', 'name', 'categories', 'languages', 'preApprovals', 'description', 'sdks', 'homeUrl', 'domains'];
const PLATFORM = ['platform', 'packageName', 'publicKey', 'certMd5', 'certSha1', 'certSha256', 'domains'];
const ACCESS = ['providerOrgId', 'accessMethod', 'serverLocation', 'ips', 'domains'];
/** The list fields, whose items a reason may name (`service.domains.1`). */
const LISTS = new Set(['categories', 'languages', 'preApprovals', 'sdks', 'domains', 'ips']);

type J = Record<string, unknown>;
const obj = (v: unknown): J | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? v as J : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Every field path of these materials a reason may name (leaf fields; their parents and list items are accepted too). */
export function reviewFieldPaths(materials: unknown): string[] {
  const m = obj(materials) ?? {};
  const out: string[] = [];
  const subject = obj(m.subject);
  if (subject) {
    out.push(...SUBJECT.map((k) => `subject.${k}`), ...PERSON.map((k) => `subject.principal.${k}`));
    if (obj(subject.legalPerson)) out.push(...['name', 'certificateType', 'certificateNumber'].map((k) => `subject.legalPerson.${k}`));
  }
  const service = obj(m.service);
  if (service) {
    const type = service.serviceType;
    // Only the fields the service type has: a 首页网址 for websites, domains for websites and APPs.
    out.push(...SERVICE.filter((k) => (k !== 'homeUrl' || type === 'website' || service.homeUrl) && (k !== 'domains' || type === 'website' || type === 'app' || service.domains))
      .map((k) => `service.${k}`));
    out.push('service.principal.sameAsSubjectPrincipal', ...PERSON.map((k) => `service.principal.${k}`));
  }
  list(m.platforms).forEach((_, i) => out.push(...PLATFORM.map((k) => `platforms.${i}.${k}`)));
  list(m.access).forEach((_, i) => out.push(...ACCESS.map((k) => `access.${i}.${k}`)));
  return out;
}

/**
 * The reasons (by index) whose field the materials do not have. A field is known when it is one of
 * `reviewFieldPaths`, a group of them (`platforms.0`, `subject.principal`), or an item of a list field
 * (`service.domains.1`).
 */
export function unknownReasonFields(reasons: readonly { field: string }[], materials: unknown): number[] {
  const paths = reviewFieldPaths(materials);
  const known = (f: string) => paths.some((p) => f === p || p.startsWith(`${f}.`) || (LISTS.has(p.slice(p.lastIndexOf('.') + 1)) && f.startsWith(`${p}.`) && /^\d+$/.test(f.slice(p.length + 1))));
  return reasons.flatMap((r, i) => (known(r.field.trim()) ? [] : [i]));
}
