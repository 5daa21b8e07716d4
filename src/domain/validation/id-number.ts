// Resident identity card numbers, GB 11643-1999 (DOMAIN.md §9).
//
//   18 chars = 6 address code (GB/T 2260) + 8 birth date YYYYMMDD + 3 sequence (odd = male)
//              + 1 check character, ISO 7064 MOD 11-2.
//   15 chars = the pre-1999 form: 6 address code + YYMMDD (years 19YY) + 3 sequence, no check.
//
// What is checked: length and characters; the address code's first two digits are one of
// the 31 mainland provinces, or exactly 810000/820000/830000 (residence permits for Hong
// Kong, Macao and Taiwan residents, which use the same 18-char format); the birth date is a
// real date, not before 1900 and, if `today` is given, not after it; the check character.
// Not checked: that digits 3–6 name an existing city/county (the GB/T 2260 list changes
// every year and old cards keep their old codes).
import { type IsoDate, InvalidDateError, isIsoDate, isRealDate } from '../dates.ts';
import { provinceByCode, RESIDENCE_PERMIT_REGIONS } from '../provinces.ts';
import { compact } from '../text.ts';
import { type Validation, type ValidationIssue, invalid, valid } from './result.ts';

export type IdIssuedTo = 'mainland' | 'hong_kong' | 'macao' | 'taiwan';

export interface ResidentIdNumber {
  /** Normalised: digits and an uppercase X (18 chars), or the 15 digits of a legacy number. */
  number: string;
  form: 'gb11643' | 'legacy15';
  /** The 18-char equivalent (a legacy number gains "19" and a check character). */
  number18: string;
  regionCode: string;
  birthDate: IsoDate;
  sex: 'male' | 'female';
  issuedTo: IdIssuedTo;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** ISO 7064 MOD 11-2 check character for the first 17 digits. */
export function idNumberCheckChar(first17: string): string {
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(first17[i]), 0);
  return CHECK_CHARS[sum % 11] as string;
}

/**
 * Codes: `id_number_length`, `id_number_charset`, `id_number_region`, `id_number_date`,
 * `id_number_checksum`. Warning `id_number_legacy_form` for a 15-digit number (cards of that
 * form stopped being valid documents in 2013; some platforms still accept them [S29]).
 */
export function validateResidentIdNumber(input: string, options: { today?: IsoDate } = {}): Validation<ResidentIdNumber> {
  if (options.today !== undefined && !isIsoDate(options.today)) throw new InvalidDateError(options.today);
  const s = compact(input).toUpperCase();
  if (s.length !== 18 && s.length !== 15) return invalid('id_number_length', 'an ID number has 18 characters (or 15 in the legacy form)');
  if (s.length === 18 ? !/^\d{17}[\dX]$/.test(s) : !/^\d{15}$/.test(s)) {
    return invalid('id_number_charset', 'an ID number is digits, with X allowed only as the last of 18');
  }
  const legacy = s.length === 15;
  const first17 = legacy ? `${s.slice(0, 6)}19${s.slice(6)}` : s.slice(0, 17);
  const region = checkRegion(first17.slice(0, 6));
  if (!region.ok) return region;
  const birth = checkBirthDate(first17.slice(6, 14), options.today);
  if (!birth.ok) return birth;
  const check = idNumberCheckChar(first17);
  if (!legacy && s[17] !== check) return invalid('id_number_checksum', 'the check character does not match (GB 11643 MOD 11-2)');
  const warnings: ValidationIssue[] = legacy
    ? [{ code: 'id_number_legacy_form', message: 'a 15-digit ID number is the pre-1999 form; ask for the current 18-character number' }]
    : [];
  return valid({
    number: s,
    form: legacy ? 'legacy15' : 'gb11643',
    number18: first17 + check,
    regionCode: first17.slice(0, 6),
    birthDate: birth.value,
    sex: Number(first17[16]) % 2 === 1 ? 'male' : 'female',
    issuedTo: region.value,
  }, warnings);
}

function checkRegion(code: string): Validation<IdIssuedTo> {
  if (provinceByCode(`${code.slice(0, 2)}0000`)) return valid('mainland');
  const permit = RESIDENCE_PERMIT_REGIONS.find((r) => r.code === code);
  if (permit) return valid(permit.residentsOf);
  return invalid('id_number_region', `address code ${code} is not in a mainland province (nor 810000/820000/830000)`);
}

function checkBirthDate(yyyymmdd: string, today: IsoDate | undefined): Validation<IsoDate> {
  const [y, m, d] = [Number(yyyymmdd.slice(0, 4)), Number(yyyymmdd.slice(4, 6)), Number(yyyymmdd.slice(6, 8))];
  if (y < 1900 || !isRealDate(y, m, d)) return invalid('id_number_date', `birth date ${yyyymmdd} is not a real date`);
  const iso = `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
  if (today !== undefined && iso > today) return invalid('id_number_date', `birth date ${iso} is in the future`);
  return valid(iso);
}
