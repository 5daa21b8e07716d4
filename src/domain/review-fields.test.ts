import { describe, expect, it } from 'vitest';
import { reviewFieldPaths, unknownReasonFields } from './review-fields.ts';

const subjectChange = { subject: { subjectType: 'unit', name: '深圳市示例有限公司', address: '南山区1号', principal: { name: '李明' } } };
const app = {
  service: { serviceType: 'app', name: '记账', description: '…', principal: { sameAsSubjectPrincipal: true } },
  platforms: [{ platform: 'android', packageName: 'com.example.a' }, { platform: 'ios', packageName: 'com.example.a' }],
  access: [{ providerOrgId: 'x' }],
};

describe('the fields a review reason may name', () => {
  it('a subject change has subject fields only: a reason about the service description names nothing the host can correct', () => {
    expect(unknownReasonFields([{ field: 'subject.address' }, { field: 'service.description' }, { field: 'subject.principal.mobile' }], subjectChange)).toEqual([1]);
  });

  it('knows the platforms and access records by index, groups of fields and items of list fields', () => {
    expect(unknownReasonFields([
      { field: 'platforms.1.certSha1' }, { field: 'platforms.2.certSha1' }, { field: 'platforms.0' }, { field: 'access.0.ips.1' },
      { field: 'access.1.ips' }, { field: 'service.homeUrl' }, { field: 'service' }, { field: 'service.name.0' }, { field: 'servic' },
    ], app)).toEqual([1, 4, 5, 7, 8]);
  });

  it('offers the reviewer what the review page shows: a website has a home page URL, a legal-person block only when filed', () => {
    expect(reviewFieldPaths({ service: { serviceType: 'website' } })).toContain('service.homeUrl');
    expect(reviewFieldPaths({ service: { serviceType: 'mini_program' } })).not.toContain('service.domains');
    expect(reviewFieldPaths({ subject: {} })).not.toContain('subject.legalPerson.name');
    expect(reviewFieldPaths({ subject: { legalPerson: { name: 'x' } } })).toContain('subject.legalPerson.name');
  });
});
