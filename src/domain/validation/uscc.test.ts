import { describe, expect, it } from 'vitest';
import { orgCodeCheckChar, usccCheckChar, validateOrganizationCode, validateUscc } from './uscc.ts';

describe('validateUscc', () => {
  // Real codes: Huawei Technologies, State Grid, Alibaba (China) (DOMAIN.md §9).
  it.each(['91440300708461136T', '91110000802100433B', '91330100716105852F'])('accepts %s without warnings', (code) => {
    expect(validateUscc(code)).toEqual({ ok: true, value: code, warnings: [] });
  });

  it('accepts a pilot-era code that fails the checksum, with the uscc_checksum warning', () => {
    const r = validateUscc('91350100M0001TGQXM');
    expect(r).toMatchObject({ ok: true, value: '91350100M0001TGQXM' });
    expect(r.ok && r.warnings.map((w) => w.code)).toEqual(['uscc_checksum']);
  });

  it('flags a typo in a real code as uscc_checksum (warning)', () => {
    const r = validateUscc('91440300708461163T');
    expect(r.ok && r.warnings.map((w) => w.code)).toEqual(['uscc_checksum']);
  });

  it('normalises case, spaces and full-width characters', () => {
    expect(validateUscc(' 9144 0300 7084 6113 6t ')).toMatchObject({ ok: true, value: '91440300708461136T', warnings: [] });
    expect(validateUscc('９１４４０３００７０８４６１１３６Ｔ')).toMatchObject({ ok: true, value: '91440300708461136T' });
  });

  it.each([
    ['', 'uscc_length'],
    ['9144030070846113', 'uscc_length'],
    ['91440300708461136TX', 'uscc_length'],
    ['91440300708461136I', 'uscc_charset'],
    ['9144030070846113OT', 'uscc_charset'],
    ['914403007084611S6T', 'uscc_charset'],
    ['91440300-08461136T', 'uscc_charset'],
    ['9144A300708461136T', 'uscc_format'],
  ])('%j → %s', (input, code) => {
    expect(validateUscc(input)).toMatchObject({ ok: false, error: { code } });
  });

  it('computes the GB 32100 check character', () => {
    expect(usccCheckChar('91440300708461136')).toBe('T');
    expect(usccCheckChar('91350100M0001TGQX')).not.toBe('M');
  });
});

describe('validateOrganizationCode', () => {
  // The organisation codes embedded in the three real USCCs above (characters 9–17).
  it.each([
    ['70846113-6', '70846113-6'],
    ['708461136', '70846113-6'],
    ['80210043-3', '80210043-3'],
    ['71610585 2', '71610585-2'],
    ['７１６１０５８５－２', '71610585-2'],
  ])('accepts %j as %s', (input, value) => {
    expect(validateOrganizationCode(input)).toEqual({ ok: true, value, warnings: [] });
  });

  it('handles letters in the body and an X check (checked by hand: M0001TGQ-X)', () => {
    expect(orgCodeCheckChar('M0001TGQ')).toBe('X');
    expect(validateOrganizationCode('m0001tgq-x')).toMatchObject({ ok: true, value: 'M0001TGQ-X' });
  });

  it.each([
    ['', 'org_code_length'],
    ['7084611-36', 'org_code_length'],
    ['7084611', 'org_code_length'],
    ['70846113-66', 'org_code_length'],
    ['7084611*-6', 'org_code_charset'],
    ['70846113-A', 'org_code_charset'],
    ['70846113-7', 'org_code_checksum'],
    ['70846131-6', 'org_code_checksum'],
  ])('%j → %s', (input, code) => {
    expect(validateOrganizationCode(input)).toMatchObject({ ok: false, error: { code } });
  });
});
