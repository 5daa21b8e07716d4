import { describe, expect, it } from 'vitest';
import { PROVIDER_2_ID, run, validApp, validWebsite } from './test-support.ts';

describe('access (DOMAIN.md §2.5)', () => {
  it('provider, method and server location are required', () => {
    const m = validApp();
    m.access[0] = { ...m.access[0]!, providerOrgId: '', accessMethod: undefined as never, serverLocation: ' ' };
    expect(run(m).errors).toEqual([
      ['access.0.providerOrgId', 'required'], ['access.0.accessMethod', 'required'], ['access.0.serverLocation', 'required'],
    ]);
  });

  it('the provider is an id, the method one of the list, the location at most 100 characters', () => {
    const m = validApp();
    m.access[0] = { ...m.access[0]!, providerOrgId: '示例云', accessMethod: 'ftp' as never, serverLocation: '深'.repeat(101) };
    expect(run(m).errors).toEqual([
      ['access.0.providerOrgId', 'uuid_format'], ['access.0.accessMethod', 'invalid_option'], ['access.0.serverLocation', 'too_long'],
    ]);
  });

  it('at least one IP; each valid, none twice; warnings pass through', () => {
    const m = validApp();
    m.access[0]!.ips = [];
    expect(run(m).errors).toEqual([['access.0.ips', 'required']]);
    m.access[0]!.ips = ['120.24.10.11', '300.1.1.1', '2001:db8::1', '120.24.10.11', 'fe80::1%eth0'];
    const r = run(m);
    expect(r.errors).toEqual([['access.0.ips.1', 'ipv4_octet_range'], ['access.0.ips.4', 'ipv6_zone_id'], ['access.0.ips.3', 'ip_duplicate']]);
    expect(r.warns).toEqual([['access.0.ips.2', 'ip_not_public']]);
  });

  it('access domains are service domains', () => {
    const m = validWebsite();
    m.access[0]!.domains.push('other-site.cn');
    expect(run(m).errors).toEqual([['access.0.domains.1', 'access_domain_not_in_service']]);
  });

  it('every service domain is served by some access record', () => {
    const m = validApp();
    m.access[0]!.domains = ['a2dp.demo-tech.cn'];
    expect(run(m).errors).toEqual([['service.domains.1', 'domain_without_access']]);
    m.access.push({ providerOrgId: PROVIDER_2_ID, accessMethod: 'dedicated', serverLocation: '北京市', ips: ['101.200.1.21'], domains: ['api.demo-tech.cn'] });
    expect(run(m).errors).toEqual([]);
  });
});
