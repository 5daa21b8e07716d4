// Mainland China mobile numbers (DOMAIN.md §9 [S36]): 11 digits, optionally written with the
// country code (+86, 86, 0086) and with spaces, dashes, dots or brackets between groups.
// MIIT sends the filing SMS only to these (DOMAIN.md §4.1), so 13-digit IoT numbers and
// data-only segments are refused. Number portability (since 2019-12-01) means a segment no
// longer tells the carrier, so no carrier is reported.
import { compact } from '../text.ts';
import { type Validation, invalid, valid } from './result.ts';

/**
 * Number prefixes in service for voice/SMS subscribers (the 2020 list in DOMAIN.md §9).
 * Kept as data: new segments are allocated every few years. A prefix matches the start of
 * the 11-digit number.
 */
export const MOBILE_SEGMENTS: readonly string[] = Object.freeze([
  // China Mobile
  '134', '135', '136', '137', '138', '139', '147', '150', '151', '152', '157', '158', '159',
  '172', '178', '182', '183', '184', '187', '188', '195', '197', '198',
  // China Unicom
  '130', '131', '132', '145', '155', '156', '166', '175', '176', '185', '186', '196',
  // China Telecom (1349 satellite lies inside 134; 17400–17405 satellite inside 174)
  '133', '153', '173', '17400', '17401', '17402', '17403', '17404', '17405', '177', '180', '181', '189',
  '190', '191', '193', '199',
  // China Broadnet
  '192',
  // Virtual operators (MVNO)
  '162', '165', '167', '170', '171',
]);

/**
 * Codes: `mobile_format` (not 11 digits once the country code and separators are removed),
 * `mobile_segment` (starts with no segment in MOBILE_SEGMENTS). Normalised to 11 digits.
 */
export function validateMobile(input: string): Validation<string> {
  let s = compact(input).replace(/[-.()]/g, '');
  if (s.startsWith('+86')) s = s.slice(3);
  else if (s.startsWith('0086')) s = s.slice(4);
  else if (s.startsWith('86') && s.length === 13) s = s.slice(2);
  if (!/^\d{11}$/.test(s)) return invalid('mobile_format', 'a mainland mobile number has 11 digits (optionally after +86)');
  if (!MOBILE_SEGMENTS.some((p) => s.startsWith(p))) {
    return invalid('mobile_segment', `${s.slice(0, 3)} is not a mainland mobile segment that can receive SMS`);
  }
  return valid(s);
}
