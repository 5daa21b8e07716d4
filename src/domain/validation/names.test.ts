import { describe, expect, it } from 'vitest';
import {
  validateAddress, validatePersonName, validateServiceContentTypes, validateServiceDescription, validateServiceName, validateUnitName,
} from './names.ts';

const warningCodes = (r: { ok: boolean; warnings?: { code: string }[] }) => (r.ok ? (r.warnings ?? []).map((w) => w.code) : null);

describe('validateServiceName', () => {
  it.each(['微信', 'QQ', '支付宝', 'A2DP Volume', '腾讯客服', 'WPS Office', '铁路12306', '高德地图', '《三体》有声书'])('accepts real names: %s', (name) => {
    expect(validateServiceName(name)).toMatchObject({ ok: true, value: name });
  });

  it('tidies spaces', () => {
    expect(validateServiceName('  A2DP   Volume ')).toMatchObject({ ok: true, value: 'A2DP Volume' });
  });

  it('needs 3 characters for a website, 2 for other services', () => {
    expect(validateServiceName('博客', { serviceType: 'website' })).toMatchObject({ ok: false, error: { code: 'service_name_too_short' } });
    expect(validateServiceName('博客', { serviceType: 'app' })).toMatchObject({ ok: true });
    expect(validateServiceName('技术博客', { serviceType: 'website' })).toMatchObject({ ok: true });
  });

  it('warns when a website name has no Chinese', () => {
    expect(warningCodes(validateServiceName('My Tech Notes', { serviceType: 'website' }))).toEqual(['service_name_latin_only']);
    expect(warningCodes(validateServiceName('My Tech Notes', { serviceType: 'app' }))).toEqual([]);
  });

  it('adds the naming-rule warnings', () => {
    expect(warningCodes(validateServiceName('中国理财通', { serviceType: 'app' }))).toEqual(['name_national_word', 'pre_approval_required_finance']);
  });

  it.each([
    ['', 'service_name_empty'],
    ['   ', 'service_name_empty'],
    ['微', 'service_name_too_short'],
    ['超'.repeat(51), 'service_name_too_long'],
    ['😀表情包', 'service_name_charset'],
    ['好用★工具', 'service_name_charset'],
    ['工具<script>', 'service_name_charset'],
    ['工具\u200b箱', 'service_name_charset'],
    ['12306', 'service_name_digits_only'],
  ])('%j → %s', (input, code) => {
    expect(validateServiceName(input)).toMatchObject({ ok: false, error: { code } });
  });
});

describe('validateUnitName', () => {
  it.each([
    ['深圳市腾讯计算机系统有限公司', '深圳市腾讯计算机系统有限公司'],
    ['华为技术有限公司', '华为技术有限公司'],
    ['阿里巴巴（中国）有限公司', '阿里巴巴（中国）有限公司'],
    ['阿里巴巴 (中国) 有限公司', '阿里巴巴（中国）有限公司'], // ASCII brackets → full-width
    ['Apple Inc.', 'Apple Inc.'],
  ])('accepts %j as %s', (input, value) => {
    expect(validateUnitName(input)).toEqual({ ok: true, value, warnings: [] });
  });

  it.each([
    ['', 'unit_name_empty'],
    ['华', 'unit_name_too_short'],
    ['公'.repeat(101), 'unit_name_too_long'],
    ['某某@有限公司', 'unit_name_charset'],
    ['123456', 'unit_name_digits_only'],
  ])('%j → %s', (input, code) => {
    expect(validateUnitName(input)).toMatchObject({ ok: false, error: { code } });
  });
});

describe('validatePersonName', () => {
  it.each([
    ['张三', '张三'],
    ['张 三', '张三'], // padded two-character name
    ['欧阳娜娜', '欧阳娜娜'],
    ['阿沛·阿旺晋美', '阿沛·阿旺晋美'],
    ['买买提•艾力', '买买提·艾力'], // look-alike dot normalised
    ['𠮷田', '𠮷田'], // a Han character outside the BMP
    ['John Smith', 'John Smith'],
    ["Seán O'Brien-Murphy", "Seán O'Brien-Murphy"],
    ['ZHANG SAN', 'ZHANG SAN'],
  ])('accepts %j as %s', (input, value) => {
    expect(validatePersonName(input)).toEqual({ ok: true, value, warnings: [] });
  });

  it.each([
    ['', 'person_name_empty'],
    ['张', 'person_name_too_short'],
    ['J', 'person_name_too_short'],
    ['张'.repeat(31), 'person_name_too_long'],
    [`${'A'.repeat(101)}`, 'person_name_too_long'],
    ['张三3', 'person_name_charset'],
    ['张三 Smith', 'person_name_charset'],
    ['·张三', 'person_name_charset'],
    ['张三@', 'person_name_charset'],
    ['Иван Петров', 'person_name_charset'],
    ['John2', 'person_name_charset'],
  ])('%j → %s', (input, code) => {
    expect(validatePersonName(input)).toMatchObject({ ok: false, error: { code } });
  });
});

describe('validateAddress', () => {
  it('accepts a detailed address, with or without its own province prefix', () => {
    expect(validateAddress('海淀区中关村大街1号', { provinceCode: '110000' })).toEqual({ ok: true, value: '海淀区中关村大街1号', warnings: [] });
    expect(validateAddress('北京市西城区西长安街十三号', { provinceCode: '110000' })).toMatchObject({ ok: true, warnings: [] });
    expect(validateAddress('南山区科技中一路腾讯大厦３５层')).toMatchObject({ ok: true, warnings: [] });
  });

  it('warns address_not_detailed without a door number', () => {
    expect(warningCodes(validateAddress('南山区科技园附近'))).toEqual(['address_not_detailed']);
  });

  it('does not mistake a street named after a province for that province', () => {
    expect(validateAddress('越秀区北京路100号', { provinceCode: '440000' })).toMatchObject({ ok: true });
  });

  it.each([
    ['', undefined, 'address_empty'],
    ['中关村', undefined, 'address_too_short'],
    ['路'.repeat(201), undefined, 'address_too_long'],
    ['中关村大街\u00001号', undefined, 'address_charset'],
    ['广东省深圳市南山区科技园1号', '110000', 'address_province_mismatch'],
  ])('%j (province %s) → %s', (input, provinceCode, code) => {
    expect(validateAddress(input, provinceCode === undefined ? {} : { provinceCode })).toMatchObject({ ok: false, error: { code } });
  });
});

describe('validateServiceDescription', () => {
  const twenty = '本应用为用户提供在线文档编辑与协作服务。'; // 20 characters

  it('accepts 20 to 200 characters', () => {
    expect([...twenty]).toHaveLength(20);
    expect(validateServiceDescription(twenty)).toMatchObject({ ok: true, value: twenty });
    expect(validateServiceDescription('字'.repeat(200)).ok).toBe(true);
  });

  it.each([
    ['', 'service_description_too_short'],
    [twenty.slice(0, 19), 'service_description_too_short'],
    ['字'.repeat(201), 'service_description_too_long'],
    [`${twenty}\u0007`, 'service_description_charset'],
  ])('%j → %s', (input, code) => {
    expect(validateServiceDescription(input)).toMatchObject({ ok: false, error: { code } });
  });
});

describe('validateServiceContentTypes', () => {
  it('accepts 1 to 5 distinct categories', () => {
    expect(validateServiceContentTypes([12])).toEqual({ ok: true, value: [12], warnings: [] });
    expect(validateServiceContentTypes(['a', 'b', 'c', 'd', 'e']).ok).toBe(true);
  });

  it.each([
    [[], 'service_content_empty'],
    [[1, 2, 3, 4, 5, 6], 'service_content_too_many'],
    [[1, 2, 1], 'service_content_duplicate'],
  ])('%j → %s', (input, code) => {
    expect(validateServiceContentTypes(input)).toMatchObject({ ok: false, error: { code } });
  });
});
