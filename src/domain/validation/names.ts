// Names, descriptions and addresses on the filing form (DOMAIN.md §2.2, §2.3, §9). Lengths are
// counted in Unicode code points, as a person counts characters. Where a limit below is
// marked (design), no source gave one and the value is ours, chosen to be generous.
import type { ServiceType } from '../filing-number.ts';
import { PROVINCES } from '../provinces.ts';
import { charCount, hasControlChars, tidySpaces } from '../text.ts';
import { type NameRuleContext, checkServiceNameRules } from './name-rules.ts';
import { type Validation, type ValidationIssue, invalid, valid } from './result.ts';

// Letters and digits of any script, spaces, and the punctuation real names use. Symbols
// (emoji, ★, ®, currency) and the rest are "特殊符号", which bureaus refuse [S14].
const NAME_CHARS = /^[\p{L}\p{M}\p{N} ·•・\-—_.&+'’()（）《》【】:：、,，!！]+$/u;
const HAN = /\p{Script=Han}/u;

type Limits = { field: string; min: number; max: number };

/** Shared checks: empty, control characters, length bounds, character set, digits only. */
function checkName(s: string, { field, min, max }: Limits): Validation<string> {
  if (s === '') return invalid(`${field}_empty`, 'enter a name');
  if (hasControlChars(s) || !NAME_CHARS.test(s)) return invalid(`${field}_charset`, 'use letters, digits and ordinary punctuation only, no symbols');
  if (charCount(s) < min) return invalid(`${field}_too_short`, `at least ${min} characters`);
  if (charCount(s) > max) return invalid(`${field}_too_long`, `at most ${max} characters`);
  if (/^[\d\s]+$/.test(s)) return invalid(`${field}_digits_only`, 'a name cannot be only digits');
  return valid(s);
}

export interface ServiceNameOptions extends NameRuleContext {
  serviceType?: ServiceType;
}

/**
 * Service (website / APP / mini program / quick app) name. Codes: `service_name_empty`,
 * `service_name_charset`, `service_name_too_short` (websites: at least 3 characters
 * [S14]; other services 2 — filed APPs such as "QQ" have two), `service_name_too_long`
 * (50, design), `service_name_digits_only`. Warnings: `service_name_latin_only` for a website
 * name without Chinese [S14], plus those of checkServiceNameRules.
 */
export function validateServiceName(input: string, options: ServiceNameOptions = {}): Validation<string> {
  const s = tidySpaces(input);
  const r = checkName(s, { field: 'service_name', min: options.serviceType === 'website' ? 3 : 2, max: 50 });
  if (!r.ok) return r;
  const warnings: ValidationIssue[] = [];
  if (options.serviceType === 'website' && !HAN.test(s)) {
    warnings.push({ code: 'service_name_latin_only', message: 'bureaus refuse website names that are only English letters' });
  }
  warnings.push(...checkServiceNameRules(s, options));
  return valid(s, warnings);
}

/**
 * Name of the host unit (主办单位名称) as on its certificate. Codes: `unit_name_empty`,
 * `unit_name_charset`, `unit_name_too_short` (2), `unit_name_too_long` (100, design),
 * `unit_name_digits_only`. ASCII brackets in a Chinese name become full-width （）, the form
 * registration authorities print, so the same unit typed two ways compares equal.
 */
export function validateUnitName(input: string): Validation<string> {
  let s = tidySpaces(input);
  if (HAN.test(s)) s = s.replace(/\(/g, '（').replace(/\)/g, '）').replace(/\s*([（）])\s*/g, '$1');
  return checkName(s, { field: 'unit_name', min: 2, max: 100 });
}

/**
 * Person name: Chinese (Han characters with the middle dot of minority and transliterated
 * names, 阿沛·阿旺晋美) or foreign as on a passport (Latin letters, spaces, - ' . ,).
 * Spaces inside a Chinese name are dropped ("张 三" pads two-character names) and look-alike
 * dots become U+00B7 as printed on ID cards. Codes: `person_name_empty`,
 * `person_name_charset` (symbols, digits, or scripts mixed), `person_name_too_short` (2),
 * `person_name_too_long` (Chinese 30, foreign 100 — design).
 */
export function validatePersonName(input: string): Validation<string> {
  const s = tidySpaces(input);
  if (s === '') return invalid('person_name_empty', 'enter the name as on the identity document');
  if (HAN.test(s)) {
    const han = s.replace(/\s+/g, '').replace(/[•・.．]/g, '·');
    if (!/^\p{Script=Han}+(·\p{Script=Han}+)*$/u.test(han)) return invalid('person_name_charset', 'a Chinese name has Chinese characters and · only');
    return lengthWithin(han, 2, 30);
  }
  if (!/^\p{Script=Latin}[\p{Script=Latin}\p{M} '’.,-]*$/u.test(s)) {
    return invalid('person_name_charset', 'a foreign name has Latin letters, spaces, hyphens, apostrophes and dots, as in the passport');
  }
  return lengthWithin(s, 2, 100);
}

function lengthWithin(s: string, min: number, max: number): Validation<string> {
  if (charCount(s) < min) return invalid('person_name_too_short', `at least ${min} characters`);
  if (charCount(s) > max) return invalid('person_name_too_long', `at most ${max} characters`);
  return valid(s);
}

/**
 * Detailed address (通讯地址 / 详细地址), written without the province/city/district prefix
 * the form already holds [S3]. Codes: `address_empty`, `address_charset` (control
 * characters), `address_too_short` (5), `address_too_long` (200, design),
 * `address_province_mismatch` (starts with another province's full name when `provinceCode`
 * is given). Warning `address_not_detailed` when no number appears: bureaus want the address
 * down to the door number [S16].
 */
export function validateAddress(input: string, options: { provinceCode?: string } = {}): Validation<string> {
  const s = tidySpaces(input);
  if (s === '') return invalid('address_empty', 'enter the detailed address');
  if (hasControlChars(s)) return invalid('address_charset', 'the address contains control characters');
  if (charCount(s) < 5) return invalid('address_too_short', 'at least 5 characters, down to the door number');
  if (charCount(s) > 200) return invalid('address_too_long', 'at most 200 characters');
  const other = PROVINCES.find((p) => s.startsWith(p.name) && p.code !== options.provinceCode);
  if (options.provinceCode !== undefined && other) {
    return invalid('address_province_mismatch', `the address is in ${other.name}, not in the filing province`);
  }
  const numbered = /[0-9０-９]/.test(s) || /[一二三四五六七八九十百零〇]+[号號室栋幢楼层座弄]/.test(s);
  const warnings: ValidationIssue[] = numbered ? [] : [{ code: 'address_not_detailed', message: 'give the address down to the door number (…号 / …室)' }];
  return valid(s, warnings);
}

/**
 * Service description (备注 / 服务描述): 20–200 characters describing the actual business;
 * the bureau treats it as a main basis of review (WeChat rule [S3]). Codes:
 * `service_description_too_short`, `service_description_too_long`, `service_description_charset`.
 */
export function validateServiceDescription(input: string): Validation<string> {
  const s = tidySpaces(input);
  if (hasControlChars(s)) return invalid('service_description_charset', 'the description contains control characters');
  if (charCount(s) < 20) return invalid('service_description_too_short', 'describe the service in at least 20 characters');
  if (charCount(s) > 200) return invalid('service_description_too_long', 'at most 200 characters');
  return valid(s);
}

/**
 * Service-content categories (服务内容): level-2 catalogue entries, at most 5 (WeChat rule
 * [S3]). Membership in the catalogue is the caller's check. Codes: `service_content_empty`,
 * `service_content_too_many`, `service_content_duplicate`.
 */
export function validateServiceContentTypes<T extends string | number>(types: readonly T[]): Validation<T[]> {
  if (types.length === 0) return invalid('service_content_empty', 'choose at least one service-content category');
  if (types.length > 5) return invalid('service_content_too_many', 'choose at most 5 service-content categories');
  if (new Set(types).size !== types.length) return invalid('service_content_duplicate', 'a category is chosen twice');
  return valid([...types]);
}
