import { describe, expect, it } from 'vitest';
import type { PersonMaterials } from '../materials.ts';
import { people, run, validApp } from './test-support.ts';

/** The APP fixture with the service principal built from the subject principal. */
function servicePrincipalFromSubject(change: Partial<PersonMaterials>) {
  const m = validApp();
  m.service.principal = { ...m.subject!.principal, ...change };
  return m;
}

describe('cross-person rules (DOMAIN.md §2.2)', () => {
  it('the same person in both roles with identical data is fine', () => {
    expect(run(servicePrincipalFromSubject({})).errors).toEqual([]);
  });

  it('the same person (name + ID) must carry identical data in every role', () => {
    expect(run(servicePrincipalFromSubject({ mobile: '13700137001' })).errors)
      .toEqual([['service.principal.mobile', 'same_person_data_differs']]);
    expect(run(servicePrincipalFromSubject({ email: 'other@demo.beian.test', emergencyPhone: '0755-86013388' })).errors).toEqual([
      ['service.principal.emergencyPhone', 'same_person_data_differs'], ['service.principal.email', 'same_person_data_differs'],
    ]);
    expect(run(servicePrincipalFromSubject({ certificateValidTo: '2030-01-01' })).errors)
      .toEqual([['service.principal.certificateValidTo', 'same_person_data_differs']]);
  });

  it('comparison is on normalised values', () => {
    expect(run(servicePrincipalFromSubject({ mobile: '+86 138-0013-8001' })).errors).toEqual([]);
  });

  it('different people may not share a mobile, an email or an ID number', () => {
    const m = validApp();
    Object.assign(m.service.principal, { mobile: m.subject!.principal.mobile });
    expect(run(m).errors).toEqual([['service.principal.mobile', 'different_people_share_mobile']]);
    const n = validApp();
    Object.assign(n.service.principal, { email: m.subject!.principal.email.toUpperCase() });
    expect(run(n).errors).toEqual([['service.principal.email', 'different_people_share_email']]);
    expect(run(servicePrincipalFromSubject({ name: '李小明', mobile: '13700137001', email: 'x@demo.beian.test', emergencyPhone: '13700137002' })).errors)
      .toEqual([['service.principal.certificateNumber', 'different_people_share_id_number']]);
  });

  it('namesakes with different IDs are different people', () => {
    const m = validApp();
    Object.assign(m.service.principal, { name: '李明' });
    expect(run(m).errors).toEqual([]);
  });

  it('the legal person may be one of the principals, but an ID has one name', () => {
    const m = validApp();
    const chen = people.chenJing();
    m.subject!.principalIsLegalRepresentative = false;
    m.subject!.legalPerson = { name: chen.name, certificateType: 'resident_id', certificateNumber: chen.certificateNumber };
    expect(run(m).errors).toEqual([]);
    m.subject!.legalPerson.name = '陈晶';
    expect(run(m).errors).toEqual([['subject.legalPerson.certificateNumber', 'different_people_share_id_number']]);
  });

  it('sameAsSubjectPrincipal is one person by construction', () => {
    const m = validApp();
    m.service.principal = { sameAsSubjectPrincipal: true };
    expect(run(m).errors).toEqual([]);
  });
});
