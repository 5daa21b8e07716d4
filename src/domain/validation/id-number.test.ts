import { describe, expect, it } from 'vitest';
import { idNumberCheckChar, validateResidentIdNumber } from './id-number.ts';

// Vectors: 11010519491231002X is the GB 11643 example quoted in DOMAIN.md §9; the others are
// synthetic numbers with correct check characters computed independently of this code.
describe('validateResidentIdNumber — valid', () => {
  it('accepts the GB 11643 example and decodes it', () => {
    expect(validateResidentIdNumber('11010519491231002X')).toEqual({
      ok: true,
      warnings: [],
      value: {
        number: '11010519491231002X', form: 'gb11643', number18: '11010519491231002X', regionCode: '110105',
        birthDate: '1949-12-31', sex: 'female', issuedTo: 'mainland',
      },
    });
  });

  it('normalises a lowercase x and pasted spaces / full-width digits', () => {
    expect(validateResidentIdNumber('11010519491231002x')).toMatchObject({ ok: true, value: { number: '11010519491231002X' } });
    expect(validateResidentIdNumber(' 110105 19491231 002X ')).toMatchObject({ ok: true, value: { number: '11010519491231002X' } });
    expect(validateResidentIdNumber('１１０１０５１９４９１２３１００２Ｘ')).toMatchObject({ ok: true });
  });

  it('accepts male numbers, a leap-day birth and Hong Kong / Taiwan residence-permit numbers', () => {
    expect(validateResidentIdNumber('440305199003071236')).toMatchObject({ ok: true, value: { sex: 'male', birthDate: '1990-03-07' } });
    expect(validateResidentIdNumber('650102200002290044')).toMatchObject({ ok: true, value: { birthDate: '2000-02-29' } });
    expect(validateResidentIdNumber('810000199001010019')).toMatchObject({ ok: true, value: { issuedTo: 'hong_kong' } });
    expect(validateResidentIdNumber('830000198506150024')).toMatchObject({ ok: true, value: { issuedTo: 'taiwan' } });
  });

  it('accepts the legacy 15-digit form with a warning and upgrades it', () => {
    const r = validateResidentIdNumber('110105491231002');
    expect(r).toMatchObject({
      ok: true,
      value: { number: '110105491231002', form: 'legacy15', number18: '11010519491231002X', birthDate: '1949-12-31' },
    });
    expect(r.ok && r.warnings.map((w) => w.code)).toEqual(['id_number_legacy_form']);
  });

  it('accepts 1900-01-01, the earliest birth date allowed', () => {
    expect(validateResidentIdNumber('440305190001010017')).toMatchObject({ ok: true, value: { birthDate: '1900-01-01' } });
  });

  it('accepts a birth date equal to today', () => {
    expect(validateResidentIdNumber('510107201001010034', { today: '2010-01-01' })).toMatchObject({ ok: true });
  });

  it('computes MOD 11-2 check characters', () => {
    expect(idNumberCheckChar('11010519491231002')).toBe('X');
    expect(idNumberCheckChar('44030519900307123')).toBe('6');
  });
});

describe('validateResidentIdNumber — bad input', () => {
  it.each([
    ['', 'id_number_length'],
    ['11010519491231002', 'id_number_length'],
    ['11010519491231002X1', 'id_number_length'],
    ['1101051949123100', 'id_number_length'],
    ['1101051949123100XX', 'id_number_charset'],
    ['X10105194912310021', 'id_number_charset'],
    ['11010519491231002Y', 'id_number_charset'],
    ['11010549123100X', 'id_number_charset'],
    ['11010519491231-02X', 'id_number_charset'],
    ['11010519491231002Ⅹ', 'id_number_charset'],
    ['11010519491231002Z', 'id_number_charset'],
    ['710000199001010015', 'id_number_region'], // 71 Taiwan in GB/T 2260, but permits use 83
    ['990105194912310028', 'id_number_region'],
    ['001234199001010011', 'id_number_region'],
    ['810100199001010011', 'id_number_region'], // HK permits use exactly 810000
    ['110105194902300021', 'id_number_date'], // 1949-02-30
    ['440305190013010014', 'id_number_date'], // month 13
    ['110105189912310020', 'id_number_date'], // before 1900
    ['110105490230002', 'id_number_date'], // legacy 1949-02-30
    ['110105194912310021', 'id_number_checksum'],
    ['11010519491231003X', 'id_number_checksum'],
    ['11010519491213002X', 'id_number_checksum'], // transposed digits
    ['01101519491231002X', 'id_number_region'],
  ])('%j → %s', (input, code) => {
    expect(validateResidentIdNumber(input)).toMatchObject({ ok: false, error: { code } });
  });

  it('rejects a birth date after the given today with id_number_date', () => {
    expect(validateResidentIdNumber('510107201001010034', { today: '2009-12-31' })).toMatchObject({ ok: false, error: { code: 'id_number_date' } });
  });

  it('refuses a malformed today argument (a caller bug)', () => {
    expect(() => validateResidentIdNumber('11010519491231002X', { today: '2025-02-30' })).toThrow(/calendar date/);
  });
});
