import { describe, expect, it } from 'vitest';
import { validateMobile } from './mobile.ts';

describe('validateMobile', () => {
  it.each([
    ['13800138000', '13800138000'], // China Mobile customer-service test number
    ['+86 138 0013 8000', '13800138000'],
    ['86-138-0013-8000', '13800138000'],
    ['0086 13800138000', '13800138000'],
    ['+86(138)0013-8000', '13800138000'],
    ['１８６１２３４５６７８', '18612345678'],
    ['19212345678', '19212345678'], // China Broadnet
    ['17401234567', '17401234567'], // 17400–05 satellite block
    ['13491234567', '13491234567'], // 1349
    ['16512345678', '16512345678'], // MVNO
    ['19912345678', '19912345678'],
  ])('accepts %j as %s', (input, value) => {
    expect(validateMobile(input)).toEqual({ ok: true, value, warnings: [] });
  });

  it.each([
    ['', 'mobile_format'],
    ['1380013800', 'mobile_format'], // 10 digits
    ['138001380001', 'mobile_format'], // 12 digits
    ['1380013800a', 'mobile_format'],
    ['+85261234567', 'mobile_format'], // Hong Kong
    ['1440123456789', 'mobile_format'], // 13-digit IoT number
    ['12345678901', 'mobile_segment'],
    ['11012345678', 'mobile_segment'],
    ['14612345678', 'mobile_segment'], // data-only / IoT segment
    ['15412345678', 'mobile_segment'],
    ['17412345678', 'mobile_segment'], // 174 outside 17400–05
    ['19412345678', 'mobile_segment'],
    ['+86 12345678901', 'mobile_segment'],
    ['010-12345678', 'mobile_segment'], // a Beijing landline is 11 digits too
  ])('%j → %s', (input, code) => {
    expect(validateMobile(input)).toMatchObject({ ok: false, error: { code } });
  });
});
