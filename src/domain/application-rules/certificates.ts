// Certificate numbers by certificate type (DOMAIN.md §2.2, §9) and the emergency phone
// (DOMAIN.md §2.2: mandatory, may be a landline). Each returns a Validation with the
// normalised number.
import type { IsoDate } from '../dates.ts';
import type { PersonCertificateType, UnitCertificateType } from '../materials.ts';
import { compact } from '../text.ts';
import { validateResidentIdNumber } from '../validation/id-number.ts';
import { validateMobile } from '../validation/mobile.ts';
import { type Validation, invalid, valid } from '../validation/result.ts';
import { validateOrganizationCode, validateUscc } from '../validation/uscc.ts';

type NumberCheck = (input: string, today: IsoDate) => Validation<string>;

/**
 * A loose format check for documents whose numbering is not published as an algorithm.
 * Code `certificate_number_format`. Normalised: half-width, no spaces, uppercase.
 */
function loose(pattern: RegExp, shape: string): NumberCheck {
  return (input) => {
    const s = compact(input).toUpperCase();
    return pattern.test(s) ? valid(s) : invalid('certificate_number_format', `expected ${shape}`);
  };
}

/**
 * Person documents (DOMAIN.md §2.2: 居民身份证; 港澳居民来往内地通行证; 台湾居民来往大陆通行证;
 * 护照; plus the foreigner's permanent residence card). Only the resident ID has a published
 * check algorithm (GB 11643, full check incl. a birth date not after today). The others are
 * format-checked loosely, as printed on current documents:
 *   - Home Return Permit (HK/Macao): H or M + 8–10 digits (8, plus a 2-digit issue count on older cards);
 *   - Taiwan compatriot permit: 8 digits (the card form issued since 2015);
 *   - passport: 5–17 letters/digits (ICAO 9303 allows up to 9 in the MRZ; some states print longer);
 *   - permanent residence: 3 letters (nationality) + 12 digits (2004 card) or 9 + 17 (2017/2023 card).
 */
const PERSON_NUMBER: Readonly<Record<PersonCertificateType, NumberCheck>> = {
  resident_id: (input, today) => {
    const r = validateResidentIdNumber(input, { today });
    return r.ok ? valid(r.value.number, r.warnings) : r;
  },
  hk_macao_permit: loose(/^[HM]\d{8,10}$/, 'H or M followed by 8–10 digits'),
  taiwan_permit: loose(/^\d{8}$/, '8 digits'),
  passport: loose(/^[A-Z0-9]{5,17}$/, '5–17 letters and digits'),
  foreigner_permanent_residence: loose(/^(?:[A-Z]{3}\d{12}|9\d{16}[\dX])$/, '3 letters and 12 digits, or 18 characters starting with 9'),
};

/**
 * A unit's USCC. A checksum mismatch is only a warning (pilot-era codes [S35]) — but a number
 * that fails the USCC check and is a valid resident ID number (GB 11643) is a person's ID typed
 * as a company's code: an error, `uscc_is_id_number` (the verification API refuses it the same way).
 */
const unitUscc: NumberCheck = (input, today) => {
  const u = validateUscc(input);
  if (u.ok && u.warnings.some((w) => w.code === 'uscc_checksum') && validateResidentIdNumber(u.value, { today }).ok) {
    return invalid('uscc_is_id_number', 'this is a resident ID number, not a unified social credit code: a unit files with its USCC (a person files with the subject type "individual")');
  }
  return u;
};

/**
 * Organisation documents. The old organisation code (GB 11714) has its own check; every
 * other registration certificate carries the USCC since the GB 32100-2015 reform, so it is
 * checked as one (a USCC checksum mismatch is only the warning `uscc_checksum` [S35]).
 */
const UNIT_NUMBER: Readonly<Record<UnitCertificateType, NumberCheck>> = {
  uscc: unitUscc,
  organization_code: validateOrganizationCode,
  public_institution_certificate: unitUscc,
  social_organisation_certificate: unitUscc,
  private_non_enterprise_certificate: unitUscc,
  foundation_certificate: unitUscc,
  law_firm_licence: unitUscc,
};

const NUMBER_CHECKS: Readonly<Record<string, NumberCheck>> = { ...PERSON_NUMBER, ...UNIT_NUMBER };

export const isPersonCertificateType = (t: unknown): t is PersonCertificateType =>
  typeof t === 'string' && Object.hasOwn(PERSON_NUMBER, t);

/** Validate a certificate number for its type; undefined for an unknown type. */
export function validateCertificateNumber(type: string, input: string, today: IsoDate): Validation<string> | undefined {
  const check = Object.hasOwn(NUMBER_CHECKS, type) ? NUMBER_CHECKS[type] : undefined;
  return check?.(input, today);
}

// Landlines: 0 + area code + 7–8 digits. Area codes beginning 01 or 02 (Beijing 010,
// 020–029) have three digits, all others four, which fixes where the dash goes.
const LANDLINE = /^0\d{2,3}-?\d{7,8}$/;

/**
 * Emergency phone (应急联系电话, DOMAIN.md §2.2): a mobile (validateMobile's codes) or a
 * landline `0AA(A)-NNNNNNN(N)` (code `emergency_phone_format`). Normalised: a mobile to
 * 11 digits, a landline to `area-number`.
 */
export function validateEmergencyPhone(input: string): Validation<string> {
  const s = compact(input).replace(/[()（）]/g, '');
  if (/^(?:\+86|0086|86(?=1\d{10}$))/.test(s) || s.startsWith('1')) return validateMobile(s);
  if (!LANDLINE.test(s)) {
    return invalid('emergency_phone_format', 'a mobile number, or a landline with its area code such as 010-12345678');
  }
  const digits = s.replace('-', '');
  const area = /^0[12]/.test(digits) ? 3 : 4;
  return valid(`${digits.slice(0, area)}-${digits.slice(area)}`);
}
