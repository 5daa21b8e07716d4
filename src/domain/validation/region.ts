// The filing province / city / district of a subject (DOMAIN.md §2.2: 6-digit GB/T 2260
// codes, e.g. 110000 / 110100 / 110105). Only the structure is checked — the province is one
// of the 31, the city lies in the province, the district in the city — because the full
// GB/T 2260 list (revised yearly) is not bundled; see provinces.ts.
import { provinceByCode } from '../provinces.ts';
import { type Validation, invalid, valid } from './result.ts';

export interface RegionCodes {
  provinceCode: string;
  cityCode?: string;
  districtCode?: string;
}

/**
 * Codes: `region_code_format` (not six digits), `region_province_unknown` (not a province
 * row such as 440000), `region_city_mismatch` (city not XXYY00 under the province),
 * `region_district_mismatch` (district not under the city; a district equal to a city without
 * districts, such as 441900 东莞, is accepted).
 */
export function validateRegionCodes(codes: RegionCodes): Validation<RegionCodes> {
  const { provinceCode, cityCode, districtCode } = codes;
  for (const c of [provinceCode, cityCode, districtCode]) {
    if (c !== undefined && !/^\d{6}$/.test(c)) return invalid('region_code_format', `region code ${JSON.stringify(c)} is not 6 digits`);
  }
  if (!provinceByCode(provinceCode)) return invalid('region_province_unknown', `${provinceCode} is not a provincial-level region code`);
  if (cityCode !== undefined && (cityCode.slice(0, 2) !== provinceCode.slice(0, 2) || !/^\d{2}(?!00)\d{2}00$/.test(cityCode))) {
    return invalid('region_city_mismatch', `${cityCode} is not a city of ${provinceCode}`);
  }
  if (districtCode !== undefined) {
    const parent = cityCode ?? provinceCode;
    const depth = cityCode === undefined ? 2 : 4;
    if (districtCode.slice(0, depth) !== parent.slice(0, depth) || districtCode.slice(2, 4) === '00') {
      return invalid('region_district_mismatch', `${districtCode} is not a district of ${parent}`);
    }
  }
  return valid({ ...codes });
}
