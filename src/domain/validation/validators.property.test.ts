// Property tests of every validator in src/domain/validation (issue 15, §2): none throws on
// any string (NUL, control characters, lone surrogates, huge input), each answers the
// Validation shape, and a value it accepts is already normal — validating it again accepts it
// unchanged. Check characters round-trip: a code built with its check character is valid, and
// changing that character is noticed. FUZZ_RUNS sets the runs (default 300 a property).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzRuns, hostileString } from '../../../tests/hostile.ts';
import { PROVINCES } from '../provinces.ts';
import {
  idNumberCheckChar, orgCodeCheckChar, usccCheckChar, validateAddress, validateAndroidPackageName, validateCertFingerprint, validateDomainName,
  validateEmail, validateHarmonyBundleName, validateIosBundleId, validateIpAddress, validateIpv4, validateIpv6, validateIsoDate, validateMobile,
  validateOrganizationCode, validatePersonName, validatePublicKeyHex, validateRegionCodes, validateResidentIdNumber, validateServiceContentTypes,
  validateServiceDescription, validateServiceName, validateUnitName, validateUscc, checkServiceNameRules, type Validation,
} from './index.ts';

const numRuns = fuzzRuns(300);

const VALIDATORS: Record<string, (s: string) => Validation<unknown>> = {
  validateUscc, validateOrganizationCode, validateMobile, validateEmail, validateDomainName, validateIpv4, validateIpv6, validateIpAddress,
  validateAndroidPackageName, validateIosBundleId, validateHarmonyBundleName, validatePublicKeyHex, validateServiceName, validateUnitName,
  validatePersonName, validateAddress, validateServiceDescription, validateIsoDate,
  validateResidentIdNumber: (s) => validateResidentIdNumber(s, { today: '2026-03-02' }),
  validateCertFingerprint: (s) => validateCertFingerprint(s),
  validateCertFingerprintSha256: (s) => validateCertFingerprint(s, 'sha256'),
};

/** The normal form a validator returns (a string, or the normalised number of an ID). */
const normal = (v: unknown): string | null => (typeof v === 'string' ? v : (v as { number?: string; hex?: string } | null)?.number ?? null);

function shapeOf(r: Validation<unknown>): void {
  expect(typeof r.ok).toBe('boolean');
  if (r.ok) expect(Array.isArray(r.warnings)).toBe(true);
  else expect(r.error.code).toMatch(/^[a-z0-9_]+$/);
}

describe('every validator on any string', () => {
  for (const [name, validate] of Object.entries(VALIDATORS)) {
    it(`${name} never throws, answers a Validation, and its accepted value validates unchanged`, () => {
      fc.assert(fc.property(hostileString, (s) => {
        const r = validate(s);
        shapeOf(r);
        if (r.ok) {
          const n = normal(r.value);
          if (n !== null) {
            const again = validate(n);
            expect(again.ok, `${name}(${JSON.stringify(n)})`).toBe(true);
            if (again.ok) expect(normal(again.value)).toBe(n);
          }
        }
      }), { numRuns });
    });
  }

  it('checkServiceNameRules, validateServiceContentTypes and validateRegionCodes never throw', () => {
    fc.assert(fc.property(hostileString, fc.array(hostileString, { maxLength: 5 }), hostileString, hostileString, (s, list, a, b) => {
      expect(Array.isArray(checkServiceNameRules(s, { subjectKind: 'individual' }))).toBe(true);
      shapeOf(validateServiceContentTypes(list));
      shapeOf(validateRegionCodes({ provinceCode: s, cityCode: a, districtCode: b }));
    }), { numRuns });
  });
});

describe('check characters', () => {
  const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const usccChar = fc.constantFrom(...USCC_CHARS);
  const usccBody = fc.tuple(fc.string({ unit: usccChar, minLength: 2, maxLength: 2 }), fc.stringMatching(/^\d{6}$/), fc.string({ unit: usccChar, minLength: 9, maxLength: 9 }))
    .map(([a, region, rest]) => a + region + rest);

  it('a USCC with its GB 32100 check character is valid without warnings; another check character is a checksum warning', () => {
    fc.assert(fc.property(usccBody, usccChar, (first17, other) => {
      const good = validateUscc(first17 + usccCheckChar(first17));
      expect(good).toEqual({ ok: true, value: first17 + usccCheckChar(first17), warnings: [] });
      // Lowercase and spaces are what people type: the same code.
      expect(validateUscc(` ${(first17 + usccCheckChar(first17)).toLowerCase()} `)).toEqual(good);
      fc.pre(other !== usccCheckChar(first17));
      const bad = validateUscc(first17 + other);
      expect(bad.ok && bad.warnings.map((w) => w.code)).toEqual(['uscc_checksum']);
    }), { numRuns });
  });

  it('an organisation code with its GB 11714 check character is valid (normalised with the dash); another is refused', () => {
    fc.assert(fc.property(fc.stringMatching(/^[0-9A-Z]{8}$/), fc.constantFrom(...'0123456789X'), (body, other) => {
      const check = orgCodeCheckChar(body);
      expect(validateOrganizationCode(body + check)).toEqual({ ok: true, value: `${body}-${check}`, warnings: [] });
      fc.pre(other !== check);
      expect(validateOrganizationCode(body + other)).toMatchObject({ ok: false, error: { code: 'org_code_checksum' } });
    }), { numRuns });
  });

  const idFirst17 = fc.tuple(
    fc.constantFrom(...PROVINCES.map((p) => p.code.slice(0, 2))), fc.stringMatching(/^\d{4}$/),
    fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2026-03-01T00:00:00Z'), noInvalidDate: true }), fc.stringMatching(/^\d{3}$/),
  ).map(([p, area, birth, seq]) => `${p}${area}${birth.toISOString().slice(0, 10).replace(/-/g, '')}${seq}`);

  it('a resident ID with its MOD 11-2 check character is valid, with its birth date and sex; another check character is refused', () => {
    fc.assert(fc.property(idFirst17, fc.constantFrom(...'0123456789X'), (first17, other) => {
      const number = first17 + idNumberCheckChar(first17);
      const r = validateResidentIdNumber(number, { today: '2026-03-02' });
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(r.value.number18).toBe(number);
        expect(r.value.birthDate.replace(/-/g, '')).toBe(first17.slice(6, 14));
        expect(r.value.sex).toBe(Number(first17[16]) % 2 ? 'male' : 'female');
      }
      fc.pre(other !== idNumberCheckChar(first17));
      expect(validateResidentIdNumber(first17 + other, { today: '2026-03-02' })).toMatchObject({ ok: false, error: { code: 'id_number_checksum' } });
    }), { numRuns });
  });
});

describe('formats that round-trip', () => {
  it('mobiles: a number in service validates to itself, also written with +86 and separators', () => {
    const segment = fc.constantFrom('134', '138', '139', '150', '166', '177', '186', '189', '199');
    fc.assert(fc.property(segment, fc.stringMatching(/^\d{8}$/), (seg, rest) => {
      const m = seg + rest;
      expect(validateMobile(m)).toEqual({ ok: true, value: m, warnings: [] });
      expect(validateMobile(`+86 ${m.slice(0, 3)}-${m.slice(3, 7)}-${m.slice(7)}`)).toEqual({ ok: true, value: m, warnings: [] });
    }), { numRuns });
  });

  it('IP addresses: every IPv4 and IPv6 address validates', () => {
    fc.assert(fc.property(fc.ipV4(), (ip) => { expect(validateIpv4(ip).ok, ip).toBe(true); }), { numRuns });
    fc.assert(fc.property(fc.ipV6(), (ip) => { expect(validateIpv6(ip).ok, ip).toBe(true); }), { numRuns });
  });

  it('ISO dates: a real date validates to itself; a date that does not exist is refused', () => {
    fc.assert(fc.property(fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }), (d) => {
      const iso = d.toISOString().slice(0, 10);
      expect(validateIsoDate(iso)).toMatchObject({ ok: true, value: iso });
    }), { numRuns });
    for (const bad of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-04-31']) expect(validateIsoDate(bad).ok, bad).toBe(false);
  });
});
