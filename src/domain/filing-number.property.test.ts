// Property tests of the filing-number parser and formatters (issue 15, §2): parse ∘ format is
// the identity for every number the registry can issue; parsing never throws on any string and
// what it accepts is canonical (parsing the canonical number gives it back); the copy-paste
// forms people send (full-width characters, lowercase suffix, spaces) parse to the same number.
// FUZZ_RUNS sets the runs (default 300 a property).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FilingNumberFormatError, formatMainNumber, formatServiceNumber, parseFilingNumber, parseServiceNumber, SERVICE_SUFFIXES, type ServiceType } from './filing-number.ts';
import { PROVINCES } from './provinces.ts';
import { fuzzRuns, hostileString } from '../../tests/hostile.ts';

const numRuns = fuzzRuns(300);
const prefix = fc.constantFrom(...PROVINCES.map((p) => p.prefix));
const year = fc.integer({ min: 2000, max: 2099 });
const serial = fc.integer({ min: 0, max: 999_999 });
const sequence = fc.integer({ min: 1, max: 100_000 });
const serviceType = fc.constantFrom<ServiceType>(...SERVICE_SUFFIXES.map((s) => s.serviceType));

/** What a phone keyboard or a PDF makes of a number: full-width letters and digits, ideographic spaces, lowercase. */
const fullWidth = (s: string) => s.replace(/[0-9A-Za-z-]/g, (c) => (c === '-' ? '－' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)));

describe('filing numbers', () => {
  it('parse ∘ formatMainNumber: every main number the registry issues parses back to its parts', () => {
    fc.assert(fc.property(prefix, year, serial, (p, y, n) => {
      const main = formatMainNumber(p, y, n);
      const r = parseFilingNumber(main);
      expect(r.ok, main).toBe(true);
      if (!r.ok) return;
      expect(r.value).toMatchObject({ kind: 'subject', base: 'icp_bei', prefix: p, year: y, serial: String(n).padStart(6, '0'), mainNumber: main, number: main });
      expect(PROVINCES.find((x) => x.code === r.value.provinceCode)?.prefix).toBe(p);
    }), { numRuns });
  });

  it('parse ∘ formatServiceNumber: every service number parses back to its main number, sequence and service type', () => {
    fc.assert(fc.property(prefix, year, serial, sequence, serviceType, (p, y, n, seq, type) => {
      const main = formatMainNumber(p, y, n);
      const number = formatServiceNumber(main, seq, type);
      const r = parseServiceNumber(number, type);
      expect(r.ok, number).toBe(true);
      if (!r.ok) return;
      expect(r.value).toMatchObject({ kind: 'service', mainNumber: main, number, sequence: seq, serviceType: type });
      // The subject number is not a service number, and another type's suffix is named as such.
      expect(parseServiceNumber(main, type)).toMatchObject({ ok: false, error: { code: 'filing_number_not_service' } });
    }), { numRuns });
  });

  it('copy-paste forms (full-width, spaces, lowercase suffix) parse to the same number', () => {
    fc.assert(fc.property(prefix, year, serial, sequence, serviceType, (p, y, n, seq, type) => {
      const number = formatServiceNumber(formatMainNumber(p, y, n), seq, type);
      const canonical = parseFilingNumber(number);
      expect(parseFilingNumber(fullWidth(number))).toEqual(canonical);
      expect(parseFilingNumber(` ${number.toLowerCase()}\u3000`)).toEqual(canonical);
    }), { numRuns });
  });

  it('never throws on any string; what it accepts is canonical', () => {
    const nearNumber = fc.tuple(prefix, fc.constantFrom('ICP备', 'ICP证', 'B2-', 'ICP', '公网安备'), fc.stringMatching(/^\d{0,12}$/),
      fc.option(fc.tuple(fc.stringMatching(/^\d{0,6}$/), fc.constantFrom('', 'A', 'X', 'K', 'Z', 'a'))), fc.constantFrom('号', '', '号号'))
      .map(([p, base, digits, svc, end]) => `${p}${base}${digits}${base === 'B2-' ? '' : end}${svc ? `-${svc[0]}${svc[1]}` : ''}`);
    fc.assert(fc.property(fc.oneof(hostileString, nearNumber), (s) => {
      const r = parseFilingNumber(s);
      expect(typeof r.ok).toBe('boolean');
      if (!r.ok) { expect(r.error.code).toMatch(/^filing_number_[a-z_]+$/); return; }
      const again = parseFilingNumber(r.value.number);
      expect(again).toEqual(r);
      expect(r.value.number.startsWith(r.value.mainNumber)).toBe(true);
    }), { numRuns });
  });

  it('the formatters refuse what no number can be built from, by a named error', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 3 }), prefix), fc.double(), fc.double(), (p, y, n) => {
      let number: string | null = null;
      try { number = formatMainNumber(p, y, n); } catch (e) { expect(e).toBeInstanceOf(FilingNumberFormatError); }
      if (number !== null) expect(parseFilingNumber(number).ok).toBe(true);
    }), { numRuns });
  });
});
