// One line of a bulk import of existing filings (issue 16 item 8; docs/import.md): a filed
// service with its subject, numbers as given. Pure: reads an object (an NDJSON line, or a CSV
// row through csvRowToObject) into a checked record, or names the first offending field.
// Field names follow the public API (serviceNumber, hostName …) and, for what the public never
// sees, the application materials (subject.certificateNumber, subject.principal.mobile …).
import { type FilingNumber, parseFilingNumber, type ServiceType } from './filing-number.ts';
import {
  PERSON_CERTIFICATE_TYPES, PLATFORMS, SERVICE_TYPES, SUBJECT_NATURES, UNIT_CERTIFICATE_TYPES,
  type PersonCertificateType, type Platform, type SubjectNature,
} from './materials.ts';
import { hasControlChars, tidySpaces } from './text.ts';
import {
  validateAndroidPackageName, validateCertFingerprint, validateDomainName, validateEmail, validateHarmonyBundleName,
  validateIosBundleId, validateMobile, validatePersonName, validateRegionCodes, validateResidentIdNumber, validateUscc,
  type Validation,
} from './validation/index.ts';

export const IMPORT_STATUSES = ['filed', 'cancelled', 'revoked'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export interface ImportPerson {
  name: string; certificateType: PersonCertificateType; certificateNumber: string; mobile: string; email: string;
}

export interface ImportPlatform {
  platform: Platform; packageName: string; certMd5: string | null; certSha1: string | null; certSha256: string | null;
}

export interface ImportRecord {
  number: FilingNumber & { kind: 'service'; sequence: number; serviceType: ServiceType };
  serviceName: string;
  status: ImportStatus;
  approvedAt: Date;
  statusChangedAt: Date;
  domains: string[];
  homeUrl: string | null;
  platforms: ImportPlatform[];
  subject: {
    name: string; type: 'unit' | 'individual'; nature: SubjectNature; certificateType: string; certificateNumber: string;
    address: string; cityCode: string; districtCode: string; approvedAt: Date; principal: ImportPerson;
  };
  /** Absent: the subject's principal is the service's too. */
  servicePrincipal: ImportPerson | null;
}

export interface ImportIssue { field: string; code: string; message: string }
export type ImportRead = { ok: true; value: ImportRecord } | { ok: false; issue: ImportIssue };

class Bad extends Error {
  constructor(readonly issue: ImportIssue) { super(issue.message); }
}

const fail = (field: string, code: string, message: string): never => { throw new Bad({ field, code, message }); };
const take = <T>(field: string, r: Validation<T>): T => (r.ok ? r.value : fail(field, r.error.code, r.error.message));

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A JSON number where the field is a string of digits (a code, a certificate or mobile number an
 * exporter wrote unquoted: `"cityCode": 330100`), as its digits — when JSON's number kept them all:
 * a whole number up to 2^53 is exact; past it (an 18-digit ID number) the digits are already rounded.
 */
function digitsOf(field: string, v: number): string {
  if (Number.isSafeInteger(v) && v >= 0) return String(v);
  if (Number.isInteger(v) && v > 0) {
    return fail(field, 'number_digits_lost', `${field} is a JSON number too long to keep its digits (${v} is rounded): write it as text, in quotes ("…")`);
  }
  return fail(field, 'type', `${field} must be text of digits, in quotes ("…"), not the number ${v}`);
}

function text(o: Obj, key: string, field: string, o2: { max?: number; optional?: boolean; digits?: boolean } = {}): string {
  let v = o[key];
  if (v === undefined || v === null || v === '') {
    if (o2.optional) return '';
    return fail(field, 'required', `${field} is required`);
  }
  if (typeof v === 'number' && o2.digits) v = digitsOf(field, v);
  if (typeof v !== 'string') {
    return fail(field, 'type', `${field} must be text, in quotes ("…"), not a ${Array.isArray(v) ? 'list' : typeof v}`);
  }
  let s = v.trim();
  if (!s && !o2.optional) fail(field, 'required', `${field} is required`);
  // A line break or tab (a spreadsheet cell typed with Alt+Enter) is a space, as the filing form
  // reads it (tidySpaces); other control characters are refused.
  if (hasControlChars(s)) {
    s = tidySpaces(s);
    if (hasControlChars(s)) fail(field, 'control_characters', `${field} contains control characters`);
  }
  // Code points: never more than UTF-16 units, so only a long string is counted.
  if (s.length > (o2.max ?? 100) && [...s].length > (o2.max ?? 100)) fail(field, 'too_long', `${field} has more than ${o2.max ?? 100} characters`);
  return s;
}

function oneOf<T extends string>(o: Obj, key: string, field: string, values: readonly T[], fallback?: T): T {
  const v = o[key];
  if (v === undefined || v === null || v === '') {
    if (fallback !== undefined) return fallback;
    // Missing is `required`, as for any other field (it said not_allowed, as if a wrong value was there).
    return fail(field, 'required', `${field} is required (one of ${values.join(', ')})`);
  }
  if (typeof v !== 'string' || !values.includes(v as T)) return fail(field, 'not_allowed', `${field} must be one of ${values.join(', ')}`);
  return v as T;
}

function instant(o: Obj, key: string, field: string, fallback?: Date): Date {
  const v = o[key];
  if ((v === undefined || v === null || v === '') && fallback) return fallback;
  // ISO 8601 with a time zone (…Z or +08:00), or a bare date taken as midnight China time.
  if (v === undefined || v === null || v === '') return fail(field, 'required', `${field} is required (ISO 8601, e.g. 2024-05-20T10:00:00+08:00)`);
  // Present but not text (a number, e.g. epoch seconds): "required" said it was missing.
  if (typeof v !== 'string') return fail(field, 'type', `${field} must be an ISO 8601 time as text (e.g. "2024-05-20T10:00:00+08:00"), not a ${Array.isArray(v) ? 'list' : typeof v}`);
  const s = /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00+08:00` : v;
  const d = new Date(s);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s) || Number.isNaN(d.getTime())) {
    // A spreadsheet's date as it displays it (2019/6/1) named: the fix is the column's format.
    return fail(field, 'date_format', `${field} is not a date (2019-06-01) or an ISO 8601 time with a zone (2019-06-01T10:00:00+08:00)`);
  }
  if (d.getUTCFullYear() < 1994 || d.getTime() > Date.now() + 86_400_000) fail(field, 'date_range', `${field} is not a plausible filing time`);
  return d;
}

/** 1.10105E+17: how a spreadsheet shows (and saves) an 18-digit number in a cell not formatted as text. */
const SCIENTIFIC = /^\d(\.\d+)?E\+?\d+$/i;

/** A resident ID number; one a spreadsheet turned into a number is named as such (the digits are lost). */
function residentId(field: string, raw: string): string {
  const r = validateResidentIdNumber(raw);
  if (!r.ok && SCIENTIFIC.test(raw)) {
    fail(field, 'spreadsheet_number', `${field} is ${raw}, a spreadsheet's rounded number: its digits are lost; format the column as text and type or paste them again (docs/import.md)`);
  }
  return take(field, r).number;
}

function person(v: unknown, field: string): ImportPerson {
  if (!isObj(v)) return fail(field, 'required', `${field} is required`);
  const certificateType = oneOf(v, 'certificateType', `${field}.certificateType`, PERSON_CERTIFICATE_TYPES);
  const raw = text(v, 'certificateNumber', `${field}.certificateNumber`, { max: 64, digits: true });
  const certificateNumber = certificateType === 'resident_id'
    ? residentId(`${field}.certificateNumber`, raw) : raw.toUpperCase();
  return {
    name: take(`${field}.name`, validatePersonName(text(v, 'name', `${field}.name`, { max: 64 }))),
    certificateType, certificateNumber,
    mobile: take(`${field}.mobile`, validateMobile(text(v, 'mobile', `${field}.mobile`, { digits: true }))),
    email: take(`${field}.email`, validateEmail(text(v, 'email', `${field}.email`, { max: 254 }))),
  };
}

const PACKAGE_RULES: Record<Platform, (s: string) => Validation<string>> = {
  android: validateAndroidPackageName, ios: validateIosBundleId, harmonyos: validateHarmonyBundleName,
};

/** A platform's certificate fingerprint, or null. (Not a closure per platform: tsx names each one it makes.) */
function fingerprint(p: Obj, f: string, key: string, alg: 'md5' | 'sha1' | 'sha256'): string | null {
  const s = text(p, key, `${f}.${key}`, { optional: true, max: 200 });
  return s ? take(`${f}.${key}`, validateCertFingerprint(s, alg)).hex : null;
}

function platforms(v: unknown, type: ServiceType, status: ImportStatus): ImportPlatform[] {
  if (v === undefined || v === null) v = [];
  if (!Array.isArray(v)) return fail('platforms', 'type', 'platforms must be a list');
  const apps = type === 'app' || type === 'quick_app';
  if (!apps && v.length) fail('platforms', 'not_applicable', `a ${type} has no platforms`);
  if (apps && !v.length) fail('platforms', 'required', `an ${type === 'app' ? 'APP' : 'quick app'} names at least one platform`);
  const seen = new Set<string>();
  return v.map((p, i) => {
    const f = `platforms.${i}`;
    if (!isObj(p)) return fail(f, 'type', `${f} must be an object`);
    const platform = oneOf(p, 'platform', `${f}.platform`, PLATFORMS);
    if (seen.has(platform)) fail(`${f}.platform`, 'duplicate', `${platform} is named twice`);
    seen.add(platform);
    const out = {
      platform, packageName: take(`${f}.packageName`, PACKAGE_RULES[platform](text(p, 'packageName', `${f}.packageName`, { max: 255 }))),
      certMd5: fingerprint(p, f, 'certMd5', 'md5'), certSha1: fingerprint(p, f, 'certSha1', 'sha1'),
      certSha256: fingerprint(p, f, 'certSha256', 'sha256'),
    };
    if (!out.certMd5 && !out.certSha1 && !out.certSha256) fail(`${f}.certSha256`, 'required', 'a platform names its signing certificate fingerprint');
    void status;
    return out;
  });
}

function subjectOf(v: unknown, o: Obj, number: FilingNumber, approvedAt: Date): ImportRecord['subject'] {
  if (!isObj(v)) return fail('subject', 'required', 'subject (certificate, address, principal) is required');
  const type = oneOf(o, 'hostType', 'hostType', ['unit', 'individual'] as const);
  const nature = oneOf(o, 'hostNature', 'hostNature', SUBJECT_NATURES, type === 'individual' ? 'individual' : undefined);
  if ((type === 'individual') !== (nature === 'individual')) fail('hostNature', 'mismatch', 'an individual host has nature individual, a unit another one');
  const name = type === 'individual'
    ? take('hostName', validatePersonName(text(o, 'hostName', 'hostName', { max: 64 })))
    : text(o, 'hostName', 'hostName', { max: 100 });
  const certificateType = type === 'unit'
    ? oneOf(v, 'certificateType', 'subject.certificateType', UNIT_CERTIFICATE_TYPES)
    : oneOf(v, 'certificateType', 'subject.certificateType', PERSON_CERTIFICATE_TYPES);
  const raw = text(v, 'certificateNumber', 'subject.certificateNumber', { max: 64, digits: true });
  const certificateNumber = certificateType === 'uscc' ? take('subject.certificateNumber', validateUscc(raw))
    : certificateType === 'resident_id' ? residentId('subject.certificateNumber', raw) : raw.toUpperCase();
  const cityCode = text(v, 'cityCode', 'subject.cityCode', { digits: true });
  const districtCode = text(v, 'districtCode', 'subject.districtCode', { digits: true });
  const region = validateRegionCodes({ provinceCode: number.provinceCode, cityCode, districtCode });
  if (!region.ok) fail(region.error.code === 'region_district_mismatch' ? 'subject.districtCode' : 'subject.cityCode', region.error.code, region.error.message);
  return {
    name, type, nature, certificateType, certificateNumber, cityCode, districtCode,
    address: text(v, 'address', 'subject.address', { max: 200 }),
    approvedAt: instant(v, 'approvedAt', 'subject.approvedAt', approvedAt),
    principal: person(v.principal, 'subject.principal'),
  };
}

/** Checks one record. Errors name the field as it is spelt in the file (dotted for nesting). */
export function readImportRecord(raw: unknown): ImportRead {
  try {
    if (!isObj(raw)) fail('line', 'not_an_object', 'a line is one JSON object');
    const o = raw as Obj;
    const parsed = parseFilingNumber(text(o, 'serviceNumber', 'serviceNumber', { max: 40 }));
    const number = take('serviceNumber', parsed);
    if (number.kind !== 'service') fail('serviceNumber', 'filing_number_not_service', 'a service number ends in -n (and A/X/K by type)');
    const serviceType = oneOf(o, 'serviceType', 'serviceType', SERVICE_TYPES, number.serviceType);
    if (serviceType !== number.serviceType) fail('serviceType', 'filing_number_wrong_service_type', `${number.number} is the number of a ${number.serviceType}`);
    if (o.mainNumber !== undefined && o.mainNumber !== null && o.mainNumber !== '') {
      const main = parseFilingNumber(text(o, 'mainNumber', 'mainNumber', { max: 40 }));
      if (!main.ok || main.value.number !== number.mainNumber) fail('mainNumber', 'main_number_mismatch', `the service number belongs to ${number.mainNumber}`);
    }
    const status = oneOf(o, 'status', 'status', IMPORT_STATUSES, 'filed');
    const approvedAt = instant(o, 'approvedAt', 'approvedAt');
    const statusChangedAt = instant(o, 'statusChangedAt', 'statusChangedAt', approvedAt);
    if (statusChangedAt < approvedAt) fail('statusChangedAt', 'date_order', 'statusChangedAt is before approvedAt');
    const domainList = o.domains === undefined || o.domains === null ? [] : o.domains;
    if (!Array.isArray(domainList)) fail('domains', 'type', 'domains must be a list');
    const domains = (domainList as unknown[]).map((d, i) => take(`domains.${i}`, validateDomainName(typeof d === 'string' ? d : '')));
    if (serviceType === 'website' && !domains.length) fail('domains', 'required', 'a website names its domains');
    const homeUrl = text(o, 'homeUrl', 'homeUrl', { optional: true, max: 500 }) || null;
    const subject = subjectOf(o.subject, o, number, approvedAt);
    const sp = o.servicePrincipal;
    return {
      ok: true,
      value: {
        number: number as ImportRecord['number'], serviceName: text(o, 'serviceName', 'serviceName'), status, approvedAt, statusChangedAt,
        domains: [...new Set(domains)], homeUrl, platforms: platforms(o.platforms, serviceType, status), subject,
        servicePrincipal: sp === undefined || sp === null || sp === '' ? null : person(sp, 'servicePrincipal'),
      },
    };
  } catch (e) {
    if (e instanceof Bad) return { ok: false, issue: e.issue };
    throw e;
  }
}

/** CSV header names: the NDJSON fields, dotted for nesting; domains `;`-separated; one column group per platform. */
const PERSON_COLUMNS = ['name', 'certificateType', 'certificateNumber', 'mobile', 'email'];
const PLATFORM_COLUMNS = ['packageName', 'certMd5', 'certSha1', 'certSha256'];
export const CSV_COLUMNS: readonly string[] = Object.freeze([
  'serviceNumber', 'mainNumber', 'serviceType', 'serviceName', 'status', 'approvedAt', 'statusChangedAt', 'domains', 'homeUrl',
  'hostName', 'hostType', 'hostNature',
  ...['certificateType', 'certificateNumber', 'address', 'cityCode', 'districtCode', 'approvedAt'].map((c) => `subject.${c}`),
  ...PERSON_COLUMNS.map((c) => `subject.principal.${c}`),
  ...PERSON_COLUMNS.map((c) => `servicePrincipal.${c}`),
  ...PLATFORMS.flatMap((p) => PLATFORM_COLUMNS.map((c) => `${p}.${c}`)),
]);

/** Unknown header names (a typo would otherwise drop a column silently). */
export function unknownCsvColumns(header: string[]): string[] {
  return header.filter((h) => !CSV_COLUMNS.includes(h));
}

/** A CSV row (header → cell) as the object an NDJSON line would hold; empty cells are absent. */
export function csvRowToObject(row: Record<string, string>): Obj {
  const out: Obj = {};
  const platforms = new Map<string, Obj>();
  for (const [key, cell] of Object.entries(row)) {
    const v = cell.trim();
    if (!v) continue;
    const path = key.split('.');
    if ((PLATFORMS as readonly string[]).includes(path[0]!)) {
      const p = platforms.get(path[0]!) ?? { platform: path[0] };
      p[path[1]!] = v;
      platforms.set(path[0]!, p);
      continue;
    }
    // `;`, or the full-width `；` a Chinese input method types.
    if (key === 'domains') { out.domains = v.split(/[;；]/).map((d) => d.trim()).filter(Boolean); continue; }
    let at = out;
    for (const part of path.slice(0, -1)) at = (at[part] ??= {}) as Obj;
    at[path[path.length - 1]!] = v;
  }
  if (platforms.size) out.platforms = [...platforms.values()];
  return out;
}
