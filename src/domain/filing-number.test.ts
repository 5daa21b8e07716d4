import { describe, expect, it } from 'vitest';
import { FilingNumberFormatError, formatMainNumber, formatServiceNumber, parseFilingNumber, parseServiceNumber } from './filing-number.ts';

const ok = (s: string) => {
  const r = parseFilingNumber(s);
  if (!r.ok) throw new Error(`${s}: ${r.error.code}`);
  return r.value;
};

describe('parseFilingNumber — subject numbers', () => {
  it('10-digit ICP备 (YYYY + 6)', () => {
    expect(ok('京ICP备2019036842号')).toEqual({
      kind: 'subject', base: 'icp_bei', provinceCode: '110000', prefix: '京', year: 2019, serial: '036842',
      mainNumber: '京ICP备2019036842号', number: '京ICP备2019036842号',
    });
  });

  it('8-digit ICP备 (YY + 6)', () => {
    expect(ok('川ICP备15095485号')).toMatchObject({ kind: 'subject', provinceCode: '510000', year: 2015, serial: '095485' });
  });

  it('ICP证 licence numbers, without a derived year', () => {
    const v = ok('京ICP证030173号');
    expect(v).toMatchObject({ kind: 'subject', base: 'icp_zheng', provinceCode: '110000', serial: '030173', mainNumber: '京ICP证030173号' });
    expect(v.year).toBeUndefined();
  });

  it('B2 licence numbers', () => {
    expect(ok('粤B2-20090059')).toMatchObject({ kind: 'subject', base: 'b2', provinceCode: '440000', year: 2009, serial: '0059', mainNumber: '粤B2-20090059' });
  });

  it('maps the prefix variants 蜀 and 陇 to their provinces and keeps the prefix as written', () => {
    expect(ok('蜀ICP备2024062329号-1')).toMatchObject({ prefix: '蜀', provinceCode: '510000', mainNumber: '蜀ICP备2024062329号' });
    expect(ok('陇ICP备2021003158号-1')).toMatchObject({ prefix: '陇', provinceCode: '620000' });
    expect(ok('甘ICP备2021003158号')).toMatchObject({ prefix: '甘', provinceCode: '620000' });
  });
});

describe('parseFilingNumber — service numbers', () => {
  it('website: -n without suffix', () => {
    expect(ok('陕ICP备15002899号-4')).toMatchObject({ kind: 'service', serviceType: 'website', sequence: 4, mainNumber: '陕ICP备15002899号' });
  });

  it('APP: -nA', () => {
    expect(ok('陕ICP备2024026116号-1A')).toMatchObject({ serviceType: 'app', sequence: 1, number: '陕ICP备2024026116号-1A' });
    expect(ok('鄂ICP备2024036893号-1A')).toMatchObject({ provinceCode: '420000', serviceType: 'app' });
  });

  it('mini program: -nX, including licence-based numbers', () => {
    expect(ok('京ICP备2026059598号-1X')).toMatchObject({ serviceType: 'mini_program', year: 2026 });
    expect(ok('粤B2-20090059-1626X')).toMatchObject({
      kind: 'service', base: 'b2', serviceType: 'mini_program', sequence: 1626, mainNumber: '粤B2-20090059', number: '粤B2-20090059-1626X',
    });
  });

  it('quick app: the unconfirmed K suffix from the data table', () => {
    expect(ok('粤ICP备2024000001号-2K')).toMatchObject({ serviceType: 'quick_app', sequence: 2 });
  });

  it('ICP证 numbers carry website sequences too', () => {
    expect(ok('京ICP证030173号-1')).toMatchObject({ kind: 'service', base: 'icp_zheng', sequence: 1, serviceType: 'website' });
  });
});

describe('parseFilingNumber — what users paste', () => {
  it('normalises full-width digits and letters, odd dashes, spaces and lowercase', () => {
    expect(ok('京ＩＣＰ备２０２４０１２３４５号－１Ａ').number).toBe('京ICP备2024012345号-1A');
    expect(ok(' 京 ICP 备 2024012345 号 — 1a ').number).toBe('京ICP备2024012345号-1A');
    expect(ok('粤b2–20090059–1626x').number).toBe('粤B2-20090059-1626X');
    expect(ok('京icp备2024012345号\u3000').number).toBe('京ICP备2024012345号');
  });
});

describe('parseFilingNumber — bad input', () => {
  it.each([
    ['', 'filing_number_format'],
    ['ICP备2024012345号', 'filing_number_format'],
    ['京ICP备2024012345', 'filing_number_format'],
    ['京ICP2024012345号', 'filing_number_format'],
    ['粤B2-2009005', 'filing_number_format'],
    ['粤B2-20090059号', 'filing_number_format'],
    ['京ICP备2024012345号-', 'filing_number_format'],
    ['京ICP备2024012345号-1AB', 'filing_number_format'],
    ['港ICP备2024012345号', 'filing_number_prefix'],
    ['中ICP备2024012345号', 'filing_number_prefix'],
    ['京ICP备202401234号', 'filing_number_digits'],
    ['京ICP备20240123456号', 'filing_number_digits'],
    ['京ICP证03017号', 'filing_number_digits'],
    ['京ICP备1999012345号', 'filing_number_year'],
    ['粤B2-19990059', 'filing_number_year'],
    ['京ICP备2024012345号-0A', 'filing_number_sequence'],
    ['京ICP备2024012345号-01A', 'filing_number_sequence'],
    ['粤ICP备2024000001号-99999999999999999999A', 'filing_number_sequence'], // past 6 digits: no longer the number asked
    ['京ICP备2024012345号-1B', 'filing_number_suffix'],
    ['粤B2-20090059-3Z', 'filing_number_suffix'],
    ['京公网安备 11010502030143号', 'filing_number_police'],
  ])('%j → %s', (input, code) => {
    expect(parseFilingNumber(input)).toMatchObject({ ok: false, error: { code } });
  });
});

describe('parseServiceNumber', () => {
  it('accepts a number of the expected type', () => {
    expect(parseServiceNumber('陕ICP备2024026116号-1A', 'app')).toMatchObject({ ok: true, value: { serviceType: 'app' } });
  });

  it('names the website-number-for-an-APP mistake and a bare subject number', () => {
    expect(parseServiceNumber('陕ICP备15002899号-4', 'app')).toMatchObject({ ok: false, error: { code: 'filing_number_wrong_service_type' } });
    expect(parseServiceNumber('粤B2-20090059-1626X', 'app')).toMatchObject({ ok: false, error: { code: 'filing_number_wrong_service_type' } });
    expect(parseServiceNumber('陕ICP备2024026116号', 'app')).toMatchObject({ ok: false, error: { code: 'filing_number_not_service' } });
    expect(parseServiceNumber('nonsense', 'app')).toMatchObject({ ok: false, error: { code: 'filing_number_format' } });
  });
});

describe('formatting', () => {
  it('formatMainNumber pads the serial to 6 digits under a 4-digit year', () => {
    expect(formatMainNumber('京', 2024, 12345)).toBe('京ICP备2024012345号');
    expect(formatMainNumber('蜀', 2024, 62329)).toBe('蜀ICP备2024062329号');
    expect(formatMainNumber('粤', 2025, 0)).toBe('粤ICP备2025000000号');
  });

  it('formatMainNumber round-trips through the parser', () => {
    const s = formatMainNumber('新', 2026, 999999);
    expect(ok(s)).toMatchObject({ provinceCode: '650000', year: 2026, serial: '999999', mainNumber: s });
  });

  it('formatMainNumber refuses impossible arguments', () => {
    expect(() => formatMainNumber('港', 2024, 1)).toThrow(FilingNumberFormatError);
    expect(() => formatMainNumber('京', 1999, 1)).toThrow(FilingNumberFormatError);
    expect(() => formatMainNumber('京', 2024, 1_000_000)).toThrow(FilingNumberFormatError);
    expect(() => formatMainNumber('京', 2024, 1.5)).toThrow(FilingNumberFormatError);
  });

  it('formatServiceNumber appends -n and the suffix of the service type', () => {
    expect(formatServiceNumber('陕ICP备2024026116号', 1, 'app')).toBe('陕ICP备2024026116号-1A');
    expect(formatServiceNumber('粤B2-20090059', 1626, 'mini_program')).toBe('粤B2-20090059-1626X');
    expect(formatServiceNumber('陕ICP备15002899号', 4, 'website')).toBe('陕ICP备15002899号-4');
    expect(formatServiceNumber('京ICP备2024012345号', 3, 'quick_app')).toBe('京ICP备2024012345号-3K');
  });

  it('formatServiceNumber refuses a service number as main number and a bad sequence', () => {
    expect(() => formatServiceNumber('陕ICP备2024026116号-1A', 2, 'app')).toThrow(FilingNumberFormatError);
    expect(() => formatServiceNumber('not a number', 1, 'app')).toThrow(FilingNumberFormatError);
    expect(() => formatServiceNumber('陕ICP备2024026116号', 0, 'app')).toThrow(FilingNumberFormatError);
  });
});
