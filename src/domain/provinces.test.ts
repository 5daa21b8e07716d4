import { describe, expect, it } from 'vitest';
import { PROVINCES, provinceByCode, provinceByPrefix, provinceOfRegion, regionBelongsToProvince } from './provinces.ts';

describe('PROVINCES', () => {
  it('holds the 31 mainland provincial-level regions with unique codes and prefixes', () => {
    expect(PROVINCES).toHaveLength(31);
    expect(new Set(PROVINCES.map((p) => p.code)).size).toBe(31);
    expect(new Set(PROVINCES.flatMap((p) => p.prefixes)).size).toBe(33);
    for (const p of PROVINCES) {
      expect(p.code).toMatch(/^[1-6]\d0000$/);
      expect(p.prefixes[0]).toBe(p.prefix);
      expect(p.bureauName).toBe(`${p.name}通信管理局`);
    }
  });

  it('carries the prefixes of DOMAIN.md §3', () => {
    const expected = '京沪粤浙苏川鄂鲁闽湘豫冀皖渝津陕辽吉黑桂滇黔甘琼宁青藏新蒙晋赣';
    expect([...expected].sort()).toEqual(PROVINCES.map((p) => p.prefix).sort());
  });

  it('names bureaus as they are styled', () => {
    expect(provinceByCode('110000')?.bureauName).toBe('北京市通信管理局');
    expect(provinceByCode('440000')?.bureauName).toBe('广东省通信管理局');
    expect(provinceByCode('650000')?.bureauName).toBe('新疆维吾尔自治区通信管理局');
  });

  it('is frozen so the DB sync cannot be altered at run time', () => {
    expect(Object.isFrozen(PROVINCES)).toBe(true);
    expect(Object.isFrozen(PROVINCES[0])).toBe(true);
  });
});

describe('lookups', () => {
  it('finds by prefix including the variants 蜀 and 陇', () => {
    expect(provinceByPrefix('川')?.code).toBe('510000');
    expect(provinceByPrefix('蜀')?.code).toBe('510000');
    expect(provinceByPrefix('甘')?.code).toBe('620000');
    expect(provinceByPrefix('陇')?.code).toBe('620000');
    expect(provinceByPrefix('港')).toBeUndefined();
  });

  it('finds by code; HK/Macao/Taiwan and malformed codes are not filing provinces', () => {
    expect(provinceByCode('500000')?.name).toBe('重庆市');
    expect(provinceByCode('810000')).toBeUndefined();
    expect(provinceByCode('11')).toBeUndefined();
  });

  it('checks that a city/district code belongs to a province by prefix', () => {
    expect(regionBelongsToProvince('110105', '110000')).toBe(true);
    expect(regionBelongsToProvince('440305', '440000')).toBe(true);
    expect(regionBelongsToProvince('440305', '110000')).toBe(false);
    expect(regionBelongsToProvince('44030', '440000')).toBe(false);
    expect(regionBelongsToProvince('990101', '990000')).toBe(false);
    expect(provinceOfRegion('429004')?.name).toBe('湖北省');
  });
});
