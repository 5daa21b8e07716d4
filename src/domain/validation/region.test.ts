import { describe, expect, it } from 'vitest';
import { validateRegionCodes } from './region.ts';

describe('validateRegionCodes', () => {
  it.each([
    [{ provinceCode: '110000', cityCode: '110100', districtCode: '110105' }], // WeChat's example
    [{ provinceCode: '440000', cityCode: '440300', districtCode: '440305' }],
    [{ provinceCode: '440000', cityCode: '441900', districtCode: '441900' }], // 东莞, no districts
    [{ provinceCode: '420000', cityCode: '429000', districtCode: '429004' }], // 仙桃, directly under the province
    [{ provinceCode: '650000' }],
  ])('accepts %j', (codes) => {
    expect(validateRegionCodes(codes)).toEqual({ ok: true, value: codes, warnings: [] });
  });

  it.each([
    [{ provinceCode: '11000' }, 'region_code_format'],
    [{ provinceCode: '110000', cityCode: '1101' }, 'region_code_format'],
    [{ provinceCode: '110000', districtCode: 'abcdef' }, 'region_code_format'],
    [{ provinceCode: '810000' }, 'region_province_unknown'],
    [{ provinceCode: '110100' }, 'region_province_unknown'],
    [{ provinceCode: '110000', cityCode: '440300' }, 'region_city_mismatch'],
    [{ provinceCode: '110000', cityCode: '110000' }, 'region_city_mismatch'],
    [{ provinceCode: '110000', cityCode: '110105' }, 'region_city_mismatch'],
    [{ provinceCode: '110000', cityCode: '110100', districtCode: '110205' }, 'region_district_mismatch'],
    [{ provinceCode: '110000', districtCode: '440305' }, 'region_district_mismatch'],
    [{ provinceCode: '110000', districtCode: '110000' }, 'region_district_mismatch'],
  ])('%j → %s', (codes, code) => {
    expect(validateRegionCodes(codes)).toMatchObject({ ok: false, error: { code } });
  });
});
