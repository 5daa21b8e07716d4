// Filing numbers (备案号), DOMAIN.md §3.
//
// Subject (main) numbers:
//   {prefix}ICP备{YY|YYYY}{6-digit serial}号   8 digits in older numbers, 10 in newer ones
//   {prefix}ICP证{digits}号                     a value-added telecom (ICP) licence number used as main number
//   {prefix}B2-{YYYY}{4-digit serial}           a B2 licence number used as main number (粤B2-20090059)
// Service numbers append `-{n}` and a suffix naming the service type: none = website,
// A = APP, X = mini program (DOMAIN.md §3, observed numbers). The quick-app suffix is not
// confirmed by any source; `K` is folklore and is kept in one data row so it can change.
import { provinceByPrefix } from './provinces.ts';
import { compact } from './text.ts';
import { type Validation, invalid, valid } from './validation/result.ts';
import { DomainError } from './errors.ts';

export type ServiceType = 'website' | 'app' | 'mini_program' | 'quick_app';
export type FilingNumberBase = 'icp_bei' | 'icp_zheng' | 'b2';

export interface ServiceSuffix {
  readonly serviceType: ServiceType;
  readonly suffix: string;
  /** False where no real number or official text confirms the suffix. */
  readonly confirmed: boolean;
}

export const SERVICE_SUFFIXES: readonly ServiceSuffix[] = Object.freeze([
  { serviceType: 'website', suffix: '', confirmed: true },
  { serviceType: 'app', suffix: 'A', confirmed: true },
  { serviceType: 'mini_program', suffix: 'X', confirmed: true },
  { serviceType: 'quick_app', suffix: 'K', confirmed: false },
]);

export interface FilingNumber {
  kind: 'subject' | 'service';
  base: FilingNumberBase;
  provinceCode: string;
  /** The prefix as written in the number (蜀 stays 蜀; the number is an identifier). */
  prefix: string;
  /** Year of issue where the format carries one (ICP备 and B2; not ICP证). */
  year?: number;
  /** Serial digits as written, leading zeros kept (ICP备: 6 digits; B2: 4; ICP证: all digits). */
  serial: string;
  /** Canonical subject number, e.g. 京ICP备2024012345号 or 粤B2-20090059. */
  mainNumber: string;
  /** Canonical full number (equals mainNumber for a subject number). */
  number: string;
  sequence?: number;
  serviceType?: ServiceType;
}

/** Thrown by the formatters on arguments no valid number can be built from (a caller bug). */
export class FilingNumberFormatError extends DomainError {
  readonly code = 'filing_number_format_arguments';
}

const ICP = /^(?<p>\p{Script=Han})ICP(?<b>[备证])(?<d>\d+)号(?:-(?<seq>\d+)(?<sfx>[A-Z]?))?$/u;
const B2 = /^(?<p>\p{Script=Han})B2-(?<d>\d{8})(?:-(?<seq>\d+)(?<sfx>[A-Z]?))?$/u;

/** Undo what copy-paste does: full-width characters, odd dashes, spaces, lowercase letters. */
export function normaliseFilingNumberInput(input: string): string {
  return compact(input).replace(/[a-z]/g, (c) => c.toUpperCase());
}

/**
 * Parse a subject or service filing number. Error codes:
 * `filing_number_format` (matches no known shape), `filing_number_prefix` (not a province
 * prefix), `filing_number_digits` (wrong digit count for its kind), `filing_number_year`
 * (year outside 2000–2099), `filing_number_sequence` (0 or leading zero after `-`),
 * `filing_number_suffix` (letter that names no service type), `filing_number_police` (a
 * 公网安备 public-security number, which users often paste instead).
 */
export function parseFilingNumber(input: string): Validation<FilingNumber> {
  const s = normaliseFilingNumberInput(input);
  if (s.includes('公网安备')) {
    return invalid('filing_number_police', 'this is a public-security filing number (公网安备), not an ICP filing number');
  }
  const icp = ICP.exec(s);
  if (icp?.groups) return parseIcp(icp.groups);
  const b2 = B2.exec(s);
  if (b2?.groups) return parseB2(b2.groups);
  return invalid('filing_number_format', 'not a filing number (expected e.g. 京ICP备2024012345号-1A or 粤B2-20090059-1626X)');
}

type Groups = Record<string, string | undefined>;

function parseIcp(g: Groups): Validation<FilingNumber> {
  const digits = g.d as string;
  if (g.b === '证') {
    // ICP证 numbers are shorter (京ICP证030173号); their year encoding is not documented,
    // so no year is derived.
    if (digits.length < 6 || digits.length > 10) return invalid('filing_number_digits', 'an ICP证 number has 6–10 digits');
    return finish(g, 'icp_zheng', undefined, digits, `ICP证${digits}号`);
  }
  if (digits.length !== 8 && digits.length !== 10) {
    return invalid('filing_number_digits', 'an ICP备 number has 8 digits (YY + 6) or 10 digits (YYYY + 6)');
  }
  const year = digits.length === 8 ? 2000 + Number(digits.slice(0, 2)) : Number(digits.slice(0, 4));
  return finish(g, 'icp_bei', year, digits.slice(-6), `ICP备${digits}号`);
}

function parseB2(g: Groups): Validation<FilingNumber> {
  const digits = g.d as string;
  return finish(g, 'b2', Number(digits.slice(0, 4)), digits.slice(4), `B2-${digits}`);
}

function finish(g: Groups, base: FilingNumberBase, year: number | undefined, serial: string, body: string): Validation<FilingNumber> {
  const prefix = g.p as string;
  const province = provinceByPrefix(prefix);
  if (!province) return invalid('filing_number_prefix', `${prefix} is not a provincial filing prefix`);
  if (year !== undefined && (year < 2000 || year > 2099)) return invalid('filing_number_year', `year ${year} is not plausible`);
  const mainNumber = `${prefix}${body}`;
  const head = { base, provinceCode: province.code, prefix, serial, mainNumber, ...(year === undefined ? {} : { year }) };
  if (g.seq === undefined) return valid({ kind: 'subject', ...head, number: mainNumber });
  // At most 6 digits: a subject's services are counted in ones and tens; a longer run of digits is
  // no number (it lost its precision as a JavaScript number, and the column is an int).
  if (!/^[1-9]\d{0,5}$/.test(g.seq)) return invalid('filing_number_sequence', 'the service sequence is a positive number of at most 6 digits, without leading zeros');
  const suffix = SERVICE_SUFFIXES.find((x) => x.suffix === (g.sfx ?? ''));
  if (!suffix) return invalid('filing_number_suffix', `suffix ${g.sfx} names no service type (A app, X mini program, none website)`);
  const sequence = Number(g.seq);
  return valid({
    kind: 'service', ...head, sequence, serviceType: suffix.serviceType, number: `${mainNumber}-${sequence}${suffix.suffix}`,
  });
}

/**
 * A service number of one expected type. Stores ask for the APP number and often receive the
 * website number of the same subject (DOMAIN.md §0.9, §7 [S40]); this names that mistake.
 * Codes: those of parseFilingNumber, `filing_number_not_service` (a subject number),
 * `filing_number_wrong_service_type`.
 */
export function parseServiceNumber(input: string, expected: ServiceType): Validation<FilingNumber> {
  const r = parseFilingNumber(input);
  if (!r.ok) return r;
  if (r.value.kind !== 'service') return invalid('filing_number_not_service', 'this is the subject (main) number; enter the number of the service, ending in -n');
  if (r.value.serviceType !== expected) {
    return invalid('filing_number_wrong_service_type', `this number belongs to a ${r.value.serviceType}, not a ${expected} (suffix ${serviceSuffix(expected) || 'none'} expected)`);
  }
  return r;
}

/** `{prefix}ICP备{YYYY}{serial zero-padded to 6}号` — the form the registry issues. */
export function formatMainNumber(prefix: string, year: number, serial: number): string {
  if (!provinceByPrefix(prefix)) throw new FilingNumberFormatError(`${prefix} is not a provincial filing prefix`);
  if (!Number.isInteger(year) || year < 2000 || year > 2099) throw new FilingNumberFormatError(`year ${year} out of range`);
  if (!Number.isInteger(serial) || serial < 0 || serial > 999_999) throw new FilingNumberFormatError(`serial ${serial} does not fit 6 digits`);
  return `${prefix}ICP备${year}${String(serial).padStart(6, '0')}号`;
}

/** `{main}-{n}{suffix}`; the main number may be any subject kind, including 粤B2-20090059. */
export function formatServiceNumber(mainNumber: string, n: number, serviceType: ServiceType): string {
  const parsed = parseFilingNumber(mainNumber);
  if (!parsed.ok || parsed.value.kind !== 'subject') throw new FilingNumberFormatError(`${mainNumber} is not a subject filing number`);
  if (!Number.isInteger(n) || n < 1) throw new FilingNumberFormatError(`sequence ${n} must be a positive integer`);
  return `${parsed.value.mainNumber}-${n}${serviceSuffix(serviceType)}`;
}

export function serviceSuffix(serviceType: ServiceType): string {
  const row = SERVICE_SUFFIXES.find((x) => x.serviceType === serviceType);
  if (!row) throw new FilingNumberFormatError(`unknown service type ${String(serviceType)}`);
  return row.suffix;
}
