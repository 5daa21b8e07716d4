// The filing province / city / district of a subject (DOMAIN.md §2.2: 6-digit GB/T 2260
// codes, e.g. 110000 / 110100 / 110105). validateRegionCodes checks the structure — the
// province is one of the 31, the city lies in the province, the district in the city — and is
// what imports of records filed earlier get (their divisions may have been abolished since);
// validateCurrentDivisions also requires the rows of the bundled table (ADR 0036), for new input.
import { isKnownCity, isKnownCounty } from '../divisions.ts';
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

/**
 * Structure as validateRegionCodes, then the table (divisions.ts, ADR 0036): codes
 * `region_city_unknown` (no such prefecture-level division in the province) and
 * `region_district_unknown` (no such county-level division in the city). For new input only.
 */
export function validateCurrentDivisions(codes: Required<RegionCodes>): Validation<RegionCodes> {
  const r = validateRegionCodes(codes);
  if (!r.ok) return r;
  if (!isKnownCity(codes.provinceCode, codes.cityCode)) {
    return invalid('region_city_unknown', `${codes.cityCode} is not a city of ${codes.provinceCode} in GB/T 2260`);
  }
  if (!isKnownCounty(codes.cityCode, codes.districtCode)) {
    return invalid('region_district_unknown', `${codes.districtCode} is not a district of ${codes.cityCode} in GB/T 2260`);
  }
  return r;
}
