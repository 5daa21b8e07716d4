// The subject (备案主体, DOMAIN.md §2.2): unit or individual, its certificate, residence
// region and address, principal and — for units whose principal is not the legal
// representative — the legal person.
import type { IsoDate } from '../dates.ts';
import type { DeepPartial } from '../deep-partial.ts';
import {
  PERSON_CERTIFICATE_TYPES, SUBJECT_NATURES, SUBJECT_TYPES, type SubjectMaterials, type SubjectType, UNIT_CERTIFICATE_TYPES,
} from '../materials.ts';
import { provinceByCode } from '../provinces.ts';
import { validatePersonName, validateUnitName, validateAddress } from '../validation/names.ts';
import { validateCurrentDivisions } from '../validation/region.ts';
import { validateCertificateNumber } from './certificates.ts';
import { checkIdentity, checkPerson } from './people.ts';
import { type Report, isBlank, requireText, text } from './report.ts';
import { NATURE_CERTIFICATES } from './tables.ts';

type Subject = DeepPartial<SubjectMaterials>;
const MAX_COMMENT = 200;

/** Check a subject; `today` bounds birth dates and certificate validity. */
export function checkSubject(report: Report, s: Subject, today: IsoDate): Subject {
  const out: Subject = { ...s };
  const kind = checkKind(report, s);
  const name = requireText(report, 'subject.name', s.name, 'the subject\'s name');
  if (name !== undefined) {
    const check = kind === 'unit' ? validateUnitName(name) : kind === 'individual' ? validatePersonName(name) : undefined;
    out.name = (check && report.take('subject.name', check)) ?? name;
  }
  checkCertificate(report, s, out, kind, today);
  checkRegion(report, s, out);
  checkAddresses(report, s, out);
  out.principal = checkPerson(report, 'subject.principal', s.principal ?? {}, today);
  if (kind === 'unit') checkLegalRepresentative(report, s, out, today);
  if (kind === 'individual') checkIndividual(report, out);
  const comment = text(s.comment);
  if (comment !== undefined) {
    out.comment = comment;
    if ([...comment].length > MAX_COMMENT) report.error('subject.comment', 'too_long', `at most ${MAX_COMMENT} characters`);
  }
  return out;
}

/** subjectType and nature must agree: the nature `individual` is the individual subject. */
function checkKind(report: Report, s: Subject): SubjectType | undefined {
  const type = requireText(report, 'subject.subjectType', s.subjectType, 'the subject type (unit or individual)');
  const nature = requireText(report, 'subject.nature', s.nature, 'the nature of the subject');
  const typeOk = type !== undefined && (SUBJECT_TYPES as readonly string[]).includes(type);
  const natureOk = nature !== undefined && (SUBJECT_NATURES as readonly string[]).includes(nature);
  if (type !== undefined && !typeOk) report.error('subject.subjectType', 'invalid_option', `${type} is not unit or individual`);
  if (nature !== undefined && !natureOk) report.error('subject.nature', 'invalid_option', `${nature} is not a known nature`);
  if (typeOk && natureOk && (type === 'individual') !== (nature === 'individual')) {
    report.error('subject.nature', 'nature_subject_type_mismatch', `the nature ${nature} does not fit a subject of type ${type}`);
  }
  if (typeOk) return type as SubjectType;
  return natureOk ? (nature === 'individual' ? 'individual' : 'unit') : undefined;
}

/** Certificate type allowed for the nature (NATURE_CERTIFICATES), number valid for its type. */
function checkCertificate(report: Report, s: Subject, out: Subject, kind: SubjectType | undefined, today: IsoDate): void {
  const type = requireText(report, 'subject.certificateType', s.certificateType, 'the certificate type');
  const number = requireText(report, 'subject.certificateNumber', s.certificateNumber, 'the certificate number');
  if (number !== undefined) out.certificateNumber = number;
  if (type === undefined) return;
  const allowed = allowedCertificates(s, kind);
  if (allowed && !allowed.includes(type)) {
    report.error('subject.certificateType', 'certificate_type_not_allowed', `a ${s.nature ?? kind} subject files with one of: ${allowed.join(', ')}`);
    return;
  }
  const check = number === undefined ? undefined : validateCertificateNumber(type, number, today);
  if (number !== undefined && check === undefined) {
    report.error('subject.certificateType', 'invalid_option', `${type} is not a known certificate type`);
  }
  if (check) out.certificateNumber = report.take('subject.certificateNumber', check) ?? number;
}

/** The nature's certificates; with the nature unknown, those of a unit or a person. */
function allowedCertificates(s: Subject, kind: SubjectType | undefined): readonly string[] | undefined {
  if (s.nature !== undefined && Object.hasOwn(NATURE_CERTIFICATES, s.nature)) return NATURE_CERTIFICATES[s.nature];
  if (kind === 'individual') return PERSON_CERTIFICATE_TYPES;
  return kind === 'unit' ? UNIT_CERTIFICATE_TYPES : undefined;
}

const REGION_FIELDS = ['provinceCode', 'cityCode', 'districtCode'] as const;
const REGION_CODE_FIELD: Readonly<Record<string, (typeof REGION_FIELDS)[number]>> = {
  region_province_unknown: 'provinceCode', region_city_mismatch: 'cityCode', region_district_mismatch: 'districtCode',
  region_city_unknown: 'cityCode', region_district_unknown: 'districtCode',
};

/** 6-digit GB/T 2260 codes of divisions in the current table (ADR 0036), the city inside the province, the district inside the city. */
function checkRegion(report: Report, s: Subject, out: Subject): void {
  const codes: Partial<Record<(typeof REGION_FIELDS)[number], string>> = {};
  for (const f of REGION_FIELDS) {
    const code = requireText(report, `subject.${f}`, s[f], `the ${f.replace('Code', '')} code`);
    if (code === undefined) continue;
    out[f] = code;
    if (/^\d{6}$/.test(code)) codes[f] = code;
    else report.error(`subject.${f}`, 'region_code_format', `${code} is not a 6-digit region code`);
  }
  if (codes.provinceCode === undefined || codes.cityCode === undefined || codes.districtCode === undefined) return;
  const r = validateCurrentDivisions({ provinceCode: codes.provinceCode, cityCode: codes.cityCode, districtCode: codes.districtCode });
  if (!r.ok) report.error(`subject.${REGION_CODE_FIELD[r.error.code] ?? 'provinceCode'}`, r.error.code, r.error.message);
}

/** The address must lie in the filing province and go down to the door number (DOMAIN.md §9). */
function checkAddresses(report: Report, s: Subject, out: Subject): void {
  const address = requireText(report, 'subject.address', s.address, 'the address');
  const provinceCode = provinceByCode(text(s.provinceCode) ?? '') ? text(s.provinceCode) : undefined;
  if (address !== undefined) {
    out.address = report.take('subject.address', validateAddress(address, provinceCode ? { provinceCode } : {})) ?? address;
  }
  const onCertificate = text(s.certificateAddress);
  if (onCertificate !== undefined) out.certificateAddress = report.take('subject.certificateAddress', validateAddress(onCertificate)) ?? onCertificate;
}

/**
 * Units: if the principal is not the legal representative, the legal person is required and
 * most bureaus ask for an authorization letter (DOMAIN.md §2.2 [S3][S16][S14]). Without the
 * flag, a given legalPerson means "not the legal representative".
 */
function checkLegalRepresentative(report: Report, s: Subject, out: Subject, today: IsoDate): void {
  const isLegalRep = s.principalIsLegalRepresentative ?? isBlank(s.legalPerson);
  if (!isBlank(s.legalPerson)) out.legalPerson = checkIdentity(report, 'subject.legalPerson', s.legalPerson, today);
  if (isLegalRep) return;
  if (isBlank(s.legalPerson)) out.legalPerson = checkIdentity(report, 'subject.legalPerson', {}, today);
  report.warn('subject.principalIsLegalRepresentative', 'principal_not_legal_representative',
    'the principal is not the legal representative: some bureaus (e.g. 河南, 四川, 甘肃) require the legal representative\'s authorization letter; '
    + 'this registry takes no attachments yet, so give it to the access provider or platform at first review, as it asks');
}

/**
 * Individuals: the subject is the principal — same name, certificate type and number — and
 * there is no legal person (DOMAIN.md §2.2). An individual resident elsewhere needs a
 * residence permit for the filing province [S3][S14].
 */
function checkIndividual(report: Report, out: Subject): void {
  if (!isBlank(out.legalPerson)) report.error('subject.legalPerson', 'not_applicable_for_individual', 'an individual subject has no legal person');
  const p = out.principal ?? {};
  for (const f of ['name', 'certificateType', 'certificateNumber'] as const) {
    const [mine, theirs] = [text(out[f]), text(p[f])];
    if (mine !== undefined && theirs !== undefined && mine !== theirs) {
      report.error(`subject.${f}`, 'individual_must_match_principal', `an individual subject's ${f} is the principal's`);
    }
  }
  const id = text(out.certificateNumber);
  const province = text(out.provinceCode);
  if (out.certificateType === 'resident_id' && id && province && provinceByCode(province) && id.slice(0, 2) !== province.slice(0, 2)) {
    report.warn('subject.provinceCode', 'residence_permit_required',
      'the ID was issued in another province: proof of residence in the filing province (居住证, 暂住证, social insurance or property record) is required; '
      + 'this registry takes no attachments yet, so give it to the access provider or platform at first review, as it asks');
  }
}
