import { describe, expect, it } from 'vitest';
import type { PersonMaterials } from '../materials.ts';
import { validateEmergencyPhone } from './certificates.ts';
import { TODAY, idNumber, people, run, validApp } from './test-support.ts';

/** The APP fixture with its service principal changed. */
function withServicePrincipal(change: Partial<PersonMaterials>) {
  const m = validApp();
  Object.assign(m.service.principal, change);
  return m;
}

describe('persons: identity (DOMAIN.md §2.2, §9)', () => {
  it('the name is a person name', () => {
    expect(run(withServicePrincipal({ name: '陈静2' })).errors).toEqual([['service.principal.name', 'person_name_charset']]);
  });

  it('the certificate type is a person document', () => {
    const m = validApp();
    (m.service.principal as unknown as Record<string, string>).certificateType = 'uscc';
    expect(run(m).errors).toEqual([['service.principal.certificateType', 'certificate_type_not_allowed']]);
  });

  it('a resident ID is checked in full, birth date not after today', () => {
    expect(run(withServicePrincipal({ certificateNumber: '440306199007150021' })).errors)
      .toEqual([['service.principal.certificateNumber', 'id_number_checksum']]);
    expect(run(withServicePrincipal({ certificateNumber: idNumber('44030620270101002') })).errors)
      .toEqual([['service.principal.certificateNumber', 'id_number_date']]);
    expect(run(withServicePrincipal({ certificateNumber: idNumber('99030619900715002') })).errors)
      .toEqual([['service.principal.certificateNumber', 'id_number_region']]);
  });

  it.each([
    ['hk_macao_permit', 'H12345678', 'H1234'],
    ['hk_macao_permit', 'M1234567801', 'C12345678'],
    ['taiwan_permit', '01234567', '0123456789'],
    ['passport', 'E12345678', 'E12'],
    ['foreigner_permanent_residence', 'USA440312800101', '1234567890'],
    ['foreigner_permanent_residence', '944840019900101012', '844840019900101012'],
  ] as const)('%s: %s accepted, %s refused', (certificateType, good, bad) => {
    const name = certificateType === 'passport' ? 'John Smith' : '陈静';
    expect(run(withServicePrincipal({ name, certificateType, certificateNumber: good })).errors).toEqual([]);
    expect(run(withServicePrincipal({ name, certificateType, certificateNumber: bad })).errors)
      .toEqual([['service.principal.certificateNumber', 'certificate_number_format']]);
  });

  it('permit numbers are normalised to uppercase without spaces', () => {
    const r = run(withServicePrincipal({ certificateType: 'hk_macao_permit', certificateNumber: ' h 1234 5678 ' }));
    expect((r.normalised.service!.principal as PersonMaterials).certificateNumber).toBe('H12345678');
  });
});

describe('persons: certificate validity', () => {
  it('the start of validity is required and a real date', () => {
    expect(run(withServicePrincipal({ certificateValidFrom: null })).errors).toEqual([['service.principal.certificateValidFrom', 'required']]);
    expect(run(withServicePrincipal({ certificateValidFrom: '2020/01/01' })).errors).toEqual([['service.principal.certificateValidFrom', 'date_format']]);
    expect(run(withServicePrincipal({ certificateValidFrom: '2021-02-29' })).errors).toEqual([['service.principal.certificateValidFrom', 'date_invalid']]);
  });

  it('a certificate valid only from a future date is refused', () => {
    expect(run(withServicePrincipal({ certificateValidFrom: '2026-03-17' })).errors)
      .toEqual([['service.principal.certificateValidFrom', 'certificate_not_yet_valid']]);
  });

  it('an expired certificate is a problem; null or absent end means 长期', () => {
    expect(run(withServicePrincipal({ certificateValidTo: '2026-03-15' })).errors)
      .toEqual([['service.principal.certificateValidTo', 'certificate_expired']]);
    expect(run(withServicePrincipal({ certificateValidTo: null })).errors).toEqual([]);
    const m = validApp();
    delete (m.service.principal as PersonMaterials).certificateValidTo;
    expect(run(m).errors).toEqual([]);
  });

  it('the end must not precede the start', () => {
    expect(run(withServicePrincipal({ certificateValidFrom: '2020-01-01', certificateValidTo: '2019-12-31' })).errors)
      .toEqual([['service.principal.certificateValidTo', 'certificate_validity_order']]);
  });

  it('a certificate expiring within 30 days is a warning; today is still valid', () => {
    const r = run(withServicePrincipal({ certificateValidTo: TODAY }));
    expect(r.errors).toEqual([]);
    expect(r.warns).toEqual([['service.principal.certificateValidTo', 'certificate_expires_soon']]);
    expect(run(withServicePrincipal({ certificateValidTo: '2026-04-15' })).warns).toEqual([]);
  });
});

describe('persons: contact details', () => {
  it('mobile: a mainland number that can receive SMS', () => {
    expect(run(withServicePrincipal({ mobile: '1380013800' })).errors).toEqual([['service.principal.mobile', 'mobile_format']]);
    expect(run(withServicePrincipal({ mobile: '10012345678' })).errors).toEqual([['service.principal.mobile', 'mobile_segment']]);
  });

  it('the emergency phone is required and differs from the person\'s own mobile', () => {
    expect(run(withServicePrincipal({ emergencyPhone: null })).errors).toEqual([['service.principal.emergencyPhone', 'required']]);
    expect(run(withServicePrincipal({ emergencyPhone: '+86 138 0013 8002' })).errors)
      .toEqual([['service.principal.emergencyPhone', 'emergency_phone_same_as_mobile']]);
  });

  it('the emergency phone may be a landline', () => {
    expect(run(withServicePrincipal({ emergencyPhone: '0755-86013388' })).errors).toEqual([]);
    expect(run(withServicePrincipal({ emergencyPhone: '12345' })).errors).toEqual([['service.principal.emergencyPhone', 'mobile_format']]);
    expect(run(withServicePrincipal({ emergencyPhone: '86013388' })).errors).toEqual([['service.principal.emergencyPhone', 'emergency_phone_format']]);
  });

  it('email is validated', () => {
    expect(run(withServicePrincipal({ email: 'chenjing at demo' })).errors).toEqual([['service.principal.email', 'email_format']]);
  });
});

describe('validateEmergencyPhone', () => {
  it.each([
    ['010-12345678', '010-12345678'],
    ['01012345678', '010-12345678'],
    ['(021) 1234 5678', '021-12345678'],
    ['0755-8601338', '0755-8601338'],
    ['075586013388', '0755-86013388'],
    ['+86 139 0013 9001', '13900139001'],
  ])('%s → %s', (input, normalised) => {
    expect(validateEmergencyPhone(input)).toEqual({ ok: true, value: normalised, warnings: [] });
  });

  it.each(['', '110', '0755-123', '1234-5678901', 'call me', '86013388'])('refuses %j', (input) => {
    expect(validateEmergencyPhone(input).ok).toBe(false);
  });
});

describe('persons: synthetic fixtures', () => {
  it('carry valid check characters', () => {
    for (const p of [people.chenJing, people.wangXiaoer, people.zhaoLei]) expect(run(withServicePrincipal(p())).errors).toEqual([]);
  });
});
