import { describe, expect, it } from 'vitest';
import * as v from './index.ts';

// One pass over the barrel: every validator reachable, every error code snake_case.
describe('validation barrel', () => {
  it('exposes each validator', () => {
    const names = Object.keys(v).filter((k) => k.startsWith('validate'));
    expect(names.sort()).toEqual([
      'validateAddress', 'validateAndroidPackageName', 'validateCertFingerprint', 'validateCurrentDivisions', 'validateDomainName', 'validateEmail',
      'validateHarmonyBundleName', 'validateIosBundleId', 'validateIpAddress', 'validateIpv4', 'validateIpv6', 'validateIsoDate',
      'validateMobile', 'validateOrganizationCode', 'validatePersonName', 'validatePublicKeyHex', 'validateRegionCodes',
      'validateResidentIdNumber', 'validateServiceContentTypes', 'validateServiceDescription', 'validateServiceName',
      'validateUnitName', 'validateUscc',
    ]);
  });

  it('returns snake_case codes for garbage input everywhere', () => {
    const garbage = '\u0000<?>';
    const results = [
      v.validateAddress(garbage), v.validateAndroidPackageName(garbage), v.validateCertFingerprint(garbage), v.validateDomainName(garbage),
      v.validateEmail(garbage), v.validateHarmonyBundleName(garbage), v.validateIosBundleId(garbage), v.validateIpAddress(garbage),
      v.validateIsoDate(garbage), v.validateMobile(garbage), v.validateOrganizationCode(garbage), v.validatePersonName(garbage),
      v.validatePublicKeyHex(garbage), v.validateRegionCodes({ provinceCode: garbage }), v.validateResidentIdNumber(garbage),
      v.validateServiceDescription(garbage), v.validateServiceName(garbage), v.validateUnitName(garbage), v.validateUscc(garbage),
    ];
    for (const r of results) {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toMatch(/^[a-z0-9]+(_[a-z0-9]+)*$/);
    }
  });
});
