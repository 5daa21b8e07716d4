// Persons on the form (DOMAIN.md §2.2, §2.3): the subject's principal (主体负责人), the
// service principal (APP/服务负责人) and, for units, the legal representative (法人).
import { type IsoDate, addDays } from '../dates.ts';
import type { DeepPartial } from '../deep-partial.ts';
import type { PersonMaterials } from '../materials.ts';
import { validateIsoDate } from '../dates.ts';
import { validateEmail } from '../validation/email.ts';
import { validateMobile } from '../validation/mobile.ts';
import { validatePersonName } from '../validation/names.ts';
import { isPersonCertificateType, validateCertificateNumber, validateEmergencyPhone } from './certificates.ts';
import { type Report, path, requireText, text } from './report.ts';

type Person = DeepPartial<PersonMaterials>;
export type LegalPerson = DeepPartial<{ name: string; certificateType: string; certificateNumber: string }>;

/** A certificate expiring within this many days is flagged: the bureau alone may take 20 working days (DOMAIN.md §8). */
const EXPIRY_WARNING_DAYS = 30;

/** Name and identity document: what every person on the form has. */
export function checkIdentity<P extends LegalPerson>(report: Report, base: string, p: P, today: IsoDate): P {
  const out = { ...p };
  const name = requireText(report, path(base, 'name'), p.name, 'the name');
  if (name !== undefined) out.name = report.take(path(base, 'name'), validatePersonName(name)) ?? name;
  const type = requireText(report, path(base, 'certificateType'), p.certificateType, 'the certificate type');
  if (type !== undefined && !isPersonCertificateType(type)) {
    report.error(path(base, 'certificateType'), 'certificate_type_not_allowed', `${type} is not an identity document of a person`);
  }
  const number = requireText(report, path(base, 'certificateNumber'), p.certificateNumber, 'the certificate number');
  if (number !== undefined) {
    out.certificateNumber = number;
    const check = isPersonCertificateType(type) ? validateCertificateNumber(type, number, today) : undefined;
    if (check) out.certificateNumber = report.take(path(base, 'certificateNumber'), check) ?? number;
  }
  return out;
}

/**
 * A principal: identity, certificate validity, mobile, emergency phone, email (DOMAIN.md
 * §2.2 principal_info; §0.2: expired documents flagged before submission).
 */
export function checkPerson(report: Report, base: string, p: Person, today: IsoDate): Person {
  const out = checkIdentity(report, base, p, today);
  checkValidity(report, base, out, today);
  const mobileText = requireText(report, path(base, 'mobile'), p.mobile, 'the mobile number');
  const mobile = mobileText === undefined ? undefined : report.take(path(base, 'mobile'), validateMobile(mobileText));
  if (mobileText !== undefined) out.mobile = mobile ?? mobileText;
  const phoneText = requireText(report, path(base, 'emergencyPhone'), p.emergencyPhone, 'the emergency phone');
  if (phoneText !== undefined) {
    const phone = report.take(path(base, 'emergencyPhone'), validateEmergencyPhone(phoneText));
    out.emergencyPhone = phone ?? phoneText;
    // The emergency contact is there for when the principal cannot be reached (DOMAIN.md §2.2 [S16][S8]).
    if (phone !== undefined && phone === mobile) {
      report.error(path(base, 'emergencyPhone'), 'emergency_phone_same_as_mobile', 'the emergency phone must differ from the person\'s own mobile');
    }
  }
  const email = requireText(report, path(base, 'email'), p.email, 'the email address');
  if (email !== undefined) out.email = report.take(path(base, 'email'), validateEmail(email)) ?? email;
  return out;
}

/**
 * Validity `YYYY-MM-DD` from/to; `certificateValidTo` null or absent = 长期 (long-term)
 * (DOMAIN.md §2.2, §9). Codes: `certificate_not_yet_valid`, `certificate_validity_order`,
 * `certificate_expired`; warning `certificate_expires_soon`.
 */
function checkValidity(report: Report, base: string, out: Person, today: IsoDate): void {
  const fromField = path(base, 'certificateValidFrom');
  const toField = path(base, 'certificateValidTo');
  const fromText = requireText(report, fromField, out.certificateValidFrom, 'the start of the certificate\'s validity');
  const from = fromText === undefined ? undefined : report.take(fromField, validateIsoDate(fromText));
  if (fromText !== undefined) out.certificateValidFrom = fromText;
  if (from !== undefined && from > today) report.error(fromField, 'certificate_not_yet_valid', `the certificate is valid only from ${from}`);
  const toText = text(out.certificateValidTo);
  if (toText === undefined) {
    if (out.certificateValidTo !== undefined) out.certificateValidTo = null;
    return;
  }
  out.certificateValidTo = toText;
  const to = report.take(toField, validateIsoDate(toText));
  if (to === undefined) return;
  if (from !== undefined && to < from) report.error(toField, 'certificate_validity_order', 'the validity ends before it starts');
  else if (to < today) report.error(toField, 'certificate_expired', `the certificate expired on ${to}; renew it before filing`);
  else if (to < addDays(today, EXPIRY_WARNING_DAYS)) {
    report.warn(toField, 'certificate_expires_soon', `the certificate expires on ${to}, possibly before the review ends`);
  }
}
