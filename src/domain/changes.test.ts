import { describe, expect, it } from 'vitest';
import { changeProblems, diffMaterials, staleEdits } from './changes.ts';
import { APPLICATION_KINDS } from './lifecycle.ts';

const filed = {
  service: { serviceType: 'app', name: 'A', domains: ['a.cn'], homeUrl: null, principal: { sameAsSubjectPrincipal: true } },
  platforms: [{ platform: 'android', packageName: 'p', certMd5: 'a'.repeat(32) }, { platform: 'ios', packageName: 'p', certSha1: 'b'.repeat(40) }],
  access: [{ providerOrgId: 'cloud', serverLocation: '深圳', ips: ['1.1.1.1'] }],
};
const clone = () => structuredClone(filed) as typeof filed & Record<string, unknown>;

describe('diffMaterials', () => {
  it('lists changed leaves with the form\'s paths; reordering platforms and null vs absent are no change', () => {
    const next = clone();
    next.platforms.reverse();
    delete (next.service as Record<string, unknown>).homeUrl;
    expect(diffMaterials(filed, next)).toEqual([]);
    next.platforms[1]!.certMd5 = 'c'.repeat(32);
    next.service.domains = ['a.cn', 'b.cn'];
    expect(diffMaterials(filed, next)).toEqual([
      { field: 'service.domains', old: ['a.cn'], new: ['a.cn', 'b.cn'] },
      { field: 'platforms.1.certMd5', old: 'a'.repeat(32), new: 'c'.repeat(32) },
    ]);
  });
});

describe('changeProblems', () => {
  it('change_service: the type and the access providers stay; an unchanged draft is no change', () => {
    const k = APPLICATION_KINDS.change_service;
    expect(changeProblems(k, filed, clone()).map((p) => p.code)).toEqual(['no_change']);
    const next = clone();
    next.service.serviceType = 'website';
    next.access = [{ providerOrgId: 'idc', serverLocation: '北京', ips: [] }];
    expect(changeProblems(k, filed, next).map((p) => `${p.field}:${p.code}`)).toEqual(['service.serviceType:not_editable', 'access:access_providers_fixed']);
  });

  it('add_access: a new provider only; the filed records and everything else stay', () => {
    const k = APPLICATION_KINDS.add_access;
    const next = clone();
    next.access.push({ providerOrgId: 'idc', serverLocation: '北京', ips: ['2.2.2.2'] });
    expect(changeProblems(k, filed, next)).toEqual([]);
    next.access[0]!.ips = ['9.9.9.9'];
    next.service.name = 'B';
    expect(changeProblems(k, filed, next).map((p) => `${p.field}:${p.code}`)).toEqual(['service.name:not_editable', 'access.0:not_editable']);
    expect(changeProblems(k, filed, clone()).map((p) => p.code)).toEqual(['access_new_provider_required', 'no_change']);
  });

  it('change_subject: the certificate and the province stay', () => {
    const k = APPLICATION_KINDS.change_subject;
    const s = { subject: { subjectType: 'unit', certificateType: 'uscc', certificateNumber: 'X', provinceCode: '440000', address: '旧' } };
    expect(changeProblems(k, s, { subject: { ...s.subject, address: '新' } })).toEqual([]);
    expect(changeProblems(k, s, { subject: { ...s.subject, certificateNumber: 'Y', provinceCode: '110000' } }).map((p) => `${p.field}:${p.code}`))
      .toEqual(['subject.certificateNumber:not_editable', 'subject.provinceCode:not_editable']);
  });

  it('first filings and new services have no change rules', () => {
    expect(changeProblems(APPLICATION_KINDS.first_filing, filed, {})).toEqual([]);
  });
});

describe('staleEdits', () => {
  it('names the edits whose part of the record changed since the base: a leaf by itself, a platform or access record as a whole', () => {
    const next = clone();
    next.access[0]!.ips = ['2.2.2.2'];
    next.service.name = 'B';
    expect(staleEdits(filed, filed, next)).toEqual([]); // nothing happened meanwhile
    const cancelled = { ...clone(), access: [] };
    expect(staleEdits(filed, cancelled, next)).toEqual([{ field: 'access.0.ips', old: ['1.1.1.1'], new: null }]);
    const moved = clone();
    moved.access[0]!.serverLocation = '广州'; // another leaf of the same access record
    moved.service.domains = ['c.cn']; // a leaf the change does not edit
    expect(staleEdits(filed, moved, next).map((c) => c.field)).toEqual(['access.0.ips']);
    const renamed = clone();
    renamed.service.name = 'C';
    expect(staleEdits(filed, renamed, next)).toEqual([{ field: 'service.name', old: 'A', new: 'C' }]);
  });
});
