// The administrative divisions of GB/T 2260 down to the county level (省 / 地 / 县), as of the
// edition generated into divisions.data.ts (ADR 0036). New filings must name divisions in this
// table; records filed or imported under divisions abolished since keep their codes (ADR 0036).
import { CITIES_WITHOUT_COUNTIES, DIVISION_ROWS, DIVISIONS_SOURCE } from './divisions.data.ts';
import { DIVISION_NAMES_EN } from './divisions.en.data.ts';

export { DIVISIONS_SOURCE };

/** `nameEn` is the English name generated from the Chinese (pinyin and a suffix table, ADR 0046): 深圳市 Shenzhen. */
export interface Division { readonly code: string; readonly name: string; readonly nameEn: string }

const NAMES = new Map<string, string>(DIVISION_ROWS.split('|').map((r) => [r.slice(0, 6), r.slice(6)]));
const NAMES_EN = new Map<string, string>(DIVISION_NAMES_EN.split('|').map((r) => [r.slice(0, 6), r.slice(6)]));
const SELF_COUNTIES = new Set(CITIES_WITHOUT_COUNTIES.split('|'));

const isProvinceCode = (c: string) => c.endsWith('0000');
const isCityCode = (c: string) => !isProvinceCode(c) && c.endsWith('00');

function rows(match: (code: string) => boolean): Division[] {
  const out: Division[] = [];
  for (const [code, name] of NAMES) if (match(code)) out.push({ code, name, nameEn: NAMES_EN.get(code) ?? name });
  return out;
}

/** The division's name in the table (e.g. 110105 → 朝阳区), or undefined for a code it lacks. */
export function divisionName(code: string): string | undefined {
  return NAMES.get(code);
}

/** The division's English name (e.g. 110105 → Chaoyang District, 440300 → Shenzhen; ADR 0046), or undefined for a code the table lacks. */
export function divisionNameEn(code: string): string | undefined {
  return NAMES_EN.get(code);
}

/** The name in the UI's language: English for `en`, the table's Chinese otherwise. */
export function divisionLabel(code: string, lang: string): string | undefined {
  return lang === 'en' ? divisionNameEn(code) : divisionName(code);
}

/** The prefecture-level rows of a province (XXYY00), in code order; 市辖区 / 县 for the municipalities. */
export function citiesOf(provinceCode: string): Division[] {
  if (!/^\d{2}0000$/.test(provinceCode)) return [];
  const p = provinceCode.slice(0, 2);
  return rows((c) => c.startsWith(p) && isCityCode(c));
}

/** The county-level rows of a city; a city without counties (东莞 441900) is its own only row. */
export function countiesOf(cityCode: string): Division[] {
  if (!/^\d{4}00$/.test(cityCode) || isProvinceCode(cityCode)) return [];
  if (SELF_COUNTIES.has(cityCode)) return rows((c) => c === cityCode);
  const p = cityCode.slice(0, 4);
  return rows((c) => c.startsWith(p) && !c.endsWith('00'));
}

/** Whether the city is a prefecture-level row of the province in the table. */
export function isKnownCity(provinceCode: string, cityCode: string): boolean {
  return isCityCode(cityCode) && NAMES.has(cityCode) && cityCode.slice(0, 2) === provinceCode.slice(0, 2);
}

/** Whether the district is a county-level row of the city in the table. */
export function isKnownCounty(cityCode: string, districtCode: string): boolean {
  if (districtCode === cityCode) return SELF_COUNTIES.has(cityCode);
  return NAMES.has(districtCode) && !districtCode.endsWith('00') && districtCode.slice(0, 4) === cityCode.slice(0, 4);
}
