import { describe, expect, it } from 'vitest';
import { orgCodeCheckChar } from '../validation/uscc.ts';
import { NATURE_CERTIFICATES } from './tables.ts';
import { idNumber, people, run, validApp, validIndividualWebsite, validMiniProgram } from './test-support.ts';

const unit = () => validMiniProgram();
const individual = () => validIndividualWebsite();

describe('subject: unit vs individual (DOMAIN.md §2.2)', () => {
  it('nature and subject type must agree', () => {
    const m = unit();
    m.subject!.nature = 'individual';
    expect(run(m).errors).toContainEqual(['subject.nature', 'nature_subject_type_mismatch']);
    const n = individual();
    n.subject!.nature = 'enterprise';
    expect(run(n).errors).toContainEqual(['subject.nature', 'nature_subject_type_mismatch']);
  });

  it('unknown enum values are invalid_option', () => {
    const m = unit() as unknown as { subject: Record<string, unknown> };
    m.subject.subjectType = 'company';
    m.subject.nature = 'cooperative';
    expect(run(m).errors).toEqual([['subject.subjectType', 'invalid_option'], ['subject.nature', 'invalid_option']]);
  });

  it('the certificate type must be one the nature allows', () => {
    const m = unit();
    m.subject!.certificateType = 'organization_code';
    expect(run(m).errors).toEqual([['subject.certificateType', 'certificate_type_not_allowed']]);
    const n = individual();
    n.subject!.certificateType = 'uscc';
    expect(run(n).errors).toContainEqual(['subject.certificateType', 'certificate_type_not_allowed']);
  });

  it('with the nature missing, the subject type decides: a unit files no person document', () => {
    const m = unit();
    delete (m.subject as { nature?: string }).nature;
    m.subject!.certificateType = 'resident_id';
    expect(run(m).errors).toEqual([['subject.nature', 'required'], ['subject.certificateType', 'certificate_type_not_allowed']]);
  });

  it('the nature → certificate table follows DOMAIN.md §2.2', () => {
    expect(NATURE_CERTIFICATES.enterprise).toEqual(['uscc']);
    expect(NATURE_CERTIFICATES.government).toEqual(['uscc', 'organization_code']);
    expect(NATURE_CERTIFICATES.public_institution).toEqual(['uscc', 'public_institution_certificate', 'organization_code']);
    expect(NATURE_CERTIFICATES.individual).toContain('resident_id');
    expect(NATURE_CERTIFICATES.individual).not.toContain('uscc');
  });

  it('a government body may file with an organisation code, validated by GB 11714', () => {
    const m = unit();
    Object.assign(m.subject!, { nature: 'government', name: '深圳市示例管理局', certificateType: 'organization_code', certificateNumber: `12345678${orgCodeCheckChar('12345678')}` });
    const r = run(m);
    expect(r.errors).toEqual([]);
    expect(r.normalised.subject!.certificateNumber).toBe(`12345678-${orgCodeCheckChar('12345678')}`);
    m.subject!.certificateNumber = '12345678-0';
    expect(run(m).errors).toEqual([['subject.certificateNumber', 'org_code_checksum']]);
  });

  it('registration certificates carry the USCC and are checked as one', () => {
    const m = unit();
    Object.assign(m.subject!, { nature: 'law_firm', name: '广东示例律师事务所', certificateType: 'law_firm_licence' });
    expect(run(m).errors).toEqual([]);
    m.subject!.certificateNumber = 'ABC';
    expect(run(m).errors).toEqual([['subject.certificateNumber', 'uscc_length']]);
  });

  it('a USCC checksum mismatch is only a warning (pilot-era codes, DOMAIN.md §9 [S35])', () => {
    const m = unit();
    m.subject!.certificateNumber = '91350100M0001TGQXM';
    const r = run(m);
    expect(r.errors).toEqual([]);
    expect(r.warns).toEqual([['subject.certificateNumber', 'uscc_checksum']]);
  });

  it('a resident ID number typed as a unit\'s USCC is an error, not the checksum warning', () => {
    const m = unit();
    m.subject!.certificateNumber = '440305199003071236';
    const r = run(m);
    expect(r.errors).toEqual([['subject.certificateNumber', 'uscc_is_id_number']]);
    // The English UI shows the API's message as it is: English only (it once ended "files as 个人").
    expect(r.problems[0]!.message).toBe('this is a resident ID number, not a unified social credit code: a unit files with its USCC (a person files with the subject type "individual")');
    expect(r.warns.filter(([f]) => f === 'subject.certificateNumber')).toEqual([]);
    // Every registration certificate checked as a USCC refuses it too.
    Object.assign(m.subject!, { nature: 'law_firm', name: '广东示例律师事务所', certificateType: 'law_firm_licence' });
    expect(run(m).errors).toEqual([['subject.certificateNumber', 'uscc_is_id_number']]);
  });

  it('the unit name is validated', () => {
    const m = unit();
    m.subject!.name = '示例★公司';
    expect(run(m).errors).toEqual([['subject.name', 'unit_name_charset']]);
  });
});

describe('subject: individuals', () => {
  it('the subject is the principal: name, certificate type and number must match', () => {
    const m = individual();
    m.subject!.name = '王小三';
    expect(run(m).errors).toEqual([['subject.name', 'individual_must_match_principal']]);
    const n = individual();
    n.subject!.certificateNumber = idNumber('11010519920101003');
    expect(run(n).errors).toEqual([['subject.certificateNumber', 'individual_must_match_principal']]);
  });

  it('an individual has no legal person', () => {
    const m = individual();
    m.subject!.legalPerson = { name: '王小二', certificateType: 'resident_id', certificateNumber: m.subject!.certificateNumber };
    expect(run(m).errors).toEqual([['subject.legalPerson', 'not_applicable_for_individual']]);
  });

  it('the subject certificate number is a resident ID checked in full', () => {
    const m = individual();
    const bad = `${m.subject!.certificateNumber.slice(0, 17)}${m.subject!.certificateNumber.endsWith('0') ? '1' : '0'}`;
    m.subject!.certificateNumber = bad;
    m.subject!.principal.certificateNumber = bad;
    expect(run(m).errors).toEqual([['subject.certificateNumber', 'id_number_checksum'], ['subject.principal.certificateNumber', 'id_number_checksum']]);
  });

  it('an ID from another province asks for a residence permit (warning)', () => {
    const m = individual();
    Object.assign(m.subject!, { provinceCode: '440000', cityCode: '440300', districtCode: '440305', address: '南山区科技园路1号' });
    const r = run(m);
    expect(r.errors).toEqual([]);
    expect(r.warns).toEqual([['subject.provinceCode', 'residence_permit_required']]);
  });
});

describe('subject: region and address', () => {
  it('region codes: format, city in province, district in city', () => {
    const m = unit();
    m.subject!.cityCode = '4403';
    expect(run(m).errors).toEqual([['subject.cityCode', 'region_code_format']]);
    m.subject!.cityCode = '110100';
    expect(run(m).errors).toEqual([['subject.cityCode', 'region_city_mismatch']]);
    m.subject!.cityCode = '440300';
    m.subject!.districtCode = '440105';
    expect(run(m).errors).toEqual([['subject.districtCode', 'region_district_mismatch']]);
    m.subject!.provinceCode = '990000';
    expect(run(m).errors).toEqual([['subject.provinceCode', 'region_province_unknown']]);
  });

  it('region codes: the divisions exist in GB/T 2260 (ADR 0036)', () => {
    const m = unit();
    m.subject!.districtCode = '440399';
    expect(run(m).errors).toEqual([['subject.districtCode', 'region_district_unknown']]);
    m.subject!.cityCode = '449900';
    m.subject!.districtCode = '449901';
    expect(run(m).errors).toEqual([['subject.cityCode', 'region_city_unknown']]);
  });

  it('the address lies in the filing province and goes down to the door number', () => {
    const m = unit();
    m.subject!.address = '北京市西城区示例胡同1号';
    expect(run(m).errors).toEqual([['subject.address', 'address_province_mismatch']]);
    m.subject!.address = '南山区科技园示例大厦';
    const r = run(m);
    expect(r.errors).toEqual([]);
    expect(r.warns).toEqual([['subject.address', 'address_not_detailed']]);
  });

  it('the comment is limited to 200 characters', () => {
    const m = unit();
    m.subject!.comment = '备'.repeat(201);
    expect(run(m).errors).toEqual([['subject.comment', 'too_long']]);
  });
});

describe('subject: legal representative (DOMAIN.md §2.2 [S3][S16])', () => {
  it('a unit whose principal is not the legal representative needs the legal person', () => {
    const m = unit();
    m.subject!.principalIsLegalRepresentative = false;
    const r = run(m);
    expect(r.errors).toEqual([
      ['subject.legalPerson.name', 'required'], ['subject.legalPerson.certificateType', 'required'], ['subject.legalPerson.certificateNumber', 'required'],
    ]);
    expect(r.warns).toEqual([['subject.principalIsLegalRepresentative', 'principal_not_legal_representative']]);
  });

  it('a given legal person is validated, and implies the principal is not the legal representative', () => {
    const m = unit();
    delete m.subject!.principalIsLegalRepresentative;
    const zhao = people.zhaoLei();
    m.subject!.legalPerson = { name: zhao.name, certificateType: 'resident_id', certificateNumber: zhao.certificateNumber };
    const r = run(m);
    expect(r.errors).toEqual([]);
    expect(r.warns).toEqual([['subject.principalIsLegalRepresentative', 'principal_not_legal_representative']]);
    m.subject!.legalPerson.certificateNumber = '123';
    expect(run(m).errors).toEqual([['subject.legalPerson.certificateNumber', 'id_number_length']]);
  });

  it('without flag or legal person, the principal is taken to be the legal representative', () => {
    const m = validApp();
    delete m.subject!.principalIsLegalRepresentative;
    expect(run(m).errors).toEqual([]);
    expect(run(m).warns).toEqual([]);
  });
});
