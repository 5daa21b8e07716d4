// Unified social credit codes (统一社会信用代码, GB 32100-2015) and the organisation codes
// they replaced (组织机构代码, GB 11714-1997), DOMAIN.md §9.
import { compact } from '../text.ts';
import { type Validation, invalid, valid } from './result.ts';

// GB 32100: 18 chars over 31 symbols (no I, O, Z, S, V); weight of position i is 3^i mod 31.
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100 check character for the first 17 characters (all from the code charset). */
export function usccCheckChar(first17: string): string {
  const sum = USCC_WEIGHTS.reduce((acc, w, i) => acc + w * USCC_CHARS.indexOf(first17[i] as string), 0);
  return USCC_CHARS[(31 - (sum % 31)) % 31] as string;
}

/**
 * Codes: `uscc_length`, `uscc_charset`, `uscc_format` (positions 3–8, the registering
 * authority's GB/T 2260 admin code, must be digits). A wrong check character is the WARNING
 * `uscc_checksum`, not an error: codes issued during the pilot period (e.g.
 * 91350100M0001TGQXM) fail the checksum yet are real and in use (DOMAIN.md §0.2, §9 [S35]).
 * Normalised to uppercase without spaces.
 */
export function validateUscc(input: string): Validation<string> {
  const s = compact(input).toUpperCase();
  if (s.length !== 18) return invalid('uscc_length', 'a unified social credit code has 18 characters');
  if ([...s].some((c) => !USCC_CHARS.includes(c))) {
    return invalid('uscc_charset', 'a unified social credit code uses digits and uppercase letters except I, O, Z, S, V');
  }
  if (!/^\d{6}$/.test(s.slice(2, 8))) return invalid('uscc_format', 'characters 3–8 are an administrative division code (digits)');
  if (usccCheckChar(s) !== s[17]) {
    return valid(s, [{ code: 'uscc_checksum', message: 'the check character does not match GB 32100; pilot-era codes do this — verify against the licence' }]);
  }
  return valid(s);
}

// GB 11714: 8 body characters (digits, or uppercase letters valued A=10 … Z=35) + check.
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11714 check character: 11 − (Σ value × weight mod 11), 10 → X, 11 → 0. */
export function orgCodeCheckChar(body8: string): string {
  const sum = ORG_WEIGHTS.reduce((acc, w, i) => acc + w * parseInt(body8[i] as string, 36), 0);
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/**
 * Old organisation code, written `XXXXXXXX-X` or without the dash. Codes: `org_code_length`,
 * `org_code_charset`, `org_code_checksum` (an error: unlike USCC, no legitimate exceptions
 * are documented). Normalised to `XXXXXXXX-X`.
 */
export function validateOrganizationCode(input: string): Validation<string> {
  let s = compact(input).toUpperCase();
  if (/^.{8}-.$/u.test(s)) s = s.slice(0, 8) + s.slice(9);
  if (s.length !== 9) return invalid('org_code_length', 'an organisation code has 8 characters, a dash and a check character');
  if (!/^[0-9A-Z]{8}[0-9X]$/.test(s)) return invalid('org_code_charset', 'an organisation code uses digits and uppercase letters; the check is a digit or X');
  if (orgCodeCheckChar(s) !== s[8]) return invalid('org_code_checksum', 'the check character does not match GB 11714');
  return valid(`${s.slice(0, 8)}-${s[8]}`);
}
