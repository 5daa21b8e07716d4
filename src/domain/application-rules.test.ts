import { describe, expect, it } from 'vitest';
import { SERVICE_GROUPS, checkApplication } from './application-rules.ts';
import {
  A2DP, FIRST, NEW_SERVICE, PROVIDER_ID, idNumber, run, uscc, validApp, validIndividualWebsite, validMiniProgram,
  validNewServiceApp, validWebsite,
} from './application-rules/test-support.ts';

describe('checkApplication: valid applications', () => {
  it.each([
    ['a unit APP on Android and iOS, IPv4 and IPv6 access', validApp],
    ['a unit mini program', validMiniProgram],
    ['a unit website', validWebsite],
    ['an individual website', validIndividualWebsite],
  ])('%s has no problems and no warnings', (_name, build) => {
    const r = run(build());
    expect(r.errors).toEqual([]);
    expect(r.warns).toEqual([]);
  });

  it('a new service reusing the filed subject has no problems', () => {
    const r = run(validNewServiceApp(), NEW_SERVICE);
    expect(r.errors).toEqual([]);
    expect(r.warns).toEqual([]);
  });

  it('normalising valid, canonical materials changes nothing', () => {
    for (const m of [validApp(), validMiniProgram(), validWebsite(), validIndividualWebsite()]) {
      expect(checkApplication(m, FIRST).normalised).toEqual(m);
    }
  });
});

describe('checkApplication: required fields', () => {
  const PERSON = ['name', 'certificateType', 'certificateNumber', 'certificateValidFrom', 'mobile', 'emergencyPhone', 'email'];

  it('an empty first filing yields every required field at once', () => {
    const r = run({});
    expect(r.problems.every((p) => p.code === 'required')).toBe(true);
    expect(r.errors.map(([field]) => field)).toEqual([
      'subject.subjectType', 'subject.nature', 'subject.name', 'subject.certificateType', 'subject.certificateNumber',
      'subject.provinceCode', 'subject.cityCode', 'subject.districtCode', 'subject.address',
      ...PERSON.map((f) => `subject.principal.${f}`),
      'service.serviceType', 'service.name', 'service.categories', 'service.languages', 'service.description',
      ...PERSON.map((f) => `service.principal.${f}`),
    ]);
    expect(r.warns).toEqual([]);
  });

  it('an empty new service asks only for the service', () => {
    const r = run({}, NEW_SERVICE);
    expect(r.errors.map(([field]) => field)).toEqual([
      'service.serviceType', 'service.name', 'service.categories', 'service.languages', 'service.description',
      ...PERSON.map((f) => `service.principal.${f}`),
    ]);
  });

  it('once the service type is known, its groups become required', () => {
    expect(run({ service: { serviceType: 'app' } }, NEW_SERVICE).errors).toEqual(expect.arrayContaining([
      ['service.domains', 'required'], ['platforms', 'required'], ['access', 'required'],
    ]));
    expect(run({ service: { serviceType: 'website' } }, NEW_SERVICE).errors).toEqual(expect.arrayContaining([
      ['service.domains', 'required'], ['service.homeUrl', 'required'], ['access', 'required'],
    ]));
    const mini = run({ service: { serviceType: 'mini_program' } }, NEW_SERVICE).errors.map(([f]) => f);
    expect(mini).not.toContain('platforms');
    expect(mini).not.toContain('access');
    expect(mini).not.toContain('service.domains');
  });

  it('blank strings count as missing', () => {
    const m = validApp();
    m.service.name = '   ';
    m.subject!.principal.email = '';
    expect(run(m).errors).toEqual([['subject.principal.email', 'required'], ['service.name', 'required']]);
  });

  it('reports problems of every group in one pass', () => {
    const m = validApp();
    m.subject!.principal.mobile = '12345';
    m.service.description = '太短';
    m.platforms[1]!.certSha1 = A2DP.md5;
    m.access[0]!.ips.push('10.0.0.300');
    expect(run(m).errors).toEqual([
      ['subject.principal.mobile', 'mobile_format'],
      ['service.description', 'service_description_too_short'],
      ['platforms.1.certSha1', 'fingerprint_algorithm_mismatch'],
      ['access.0.ips.2', 'ipv4_octet_range'],
    ]);
  });
});

describe('checkApplication: first filing vs new service (issue 3 item 2)', () => {
  it('a new service may not carry a subject', () => {
    const m = { ...validNewServiceApp(), subject: validApp().subject };
    expect(run(m, NEW_SERVICE).errors).toEqual([['subject', 'not_applicable_for_new_service']]);
  });

  it('an empty subject object counts as no subject', () => {
    expect(run({ ...validNewServiceApp(), subject: {} }, NEW_SERVICE).errors).toEqual([]);
  });

  it('a new service takes the subject type from the reused subject (individual naming rules)', () => {
    const m = validNewServiceApp();
    m.service!.name = '小二商城';
    const r = run(m, { ...NEW_SERVICE, reusedSubject: { subjectType: 'individual', provinceCode: '110000' } });
    expect(r.errors).toEqual([]);
    expect(r.warns).toContainEqual(['service.name', 'name_commercial_word_for_individual']);
    expect(run(m, NEW_SERVICE).warns).not.toContainEqual(['service.name', 'name_commercial_word_for_individual']);
  });

  it('sameAsSubjectPrincipal is accepted for a new service', () => {
    const m = validNewServiceApp();
    expect(m.service!.principal).toEqual({ sameAsSubjectPrincipal: true });
    expect(run(m, NEW_SERVICE).errors).toEqual([]);
  });
});

describe('checkApplication: groups by service type (DOMAIN.md §2.1, §2.5)', () => {
  it('the table matches DOMAIN.md', () => {
    expect(SERVICE_GROUPS.app).toEqual({ domains: true, homeUrl: false, platforms: true, access: true });
    expect(SERVICE_GROUPS.website).toEqual({ domains: true, homeUrl: true, platforms: false, access: true });
    expect(SERVICE_GROUPS.mini_program).toEqual({ domains: false, homeUrl: false, platforms: false, access: false });
    expect(SERVICE_GROUPS.quick_app).toEqual(SERVICE_GROUPS.mini_program);
  });

  it.each(['mini_program', 'quick_app'] as const)('a %s carries no domains, home URL, platforms or access', (serviceType) => {
    const app = validApp();
    const m = validMiniProgram();
    m.service.serviceType = serviceType;
    m.service.domains = app.service.domains;
    m.service.homeUrl = 'https://a2dp.demo-tech.cn/';
    m.platforms = app.platforms;
    m.access = app.access;
    expect(run(m).errors).toEqual([
      ['service.domains', 'not_applicable_for_service_type'],
      ['service.homeUrl', 'not_applicable_for_service_type'],
      ['platforms', 'not_applicable_for_service_type'],
      ['access', 'not_applicable_for_service_type'],
    ]);
  });

  it('the entries of a list that does not apply are not judged', () => {
    const m = validMiniProgram();
    m.service.domains = ['not a domain'];
    expect(run(m).errors).toEqual([['service.domains', 'not_applicable_for_service_type']]);
  });

  it('an APP has no home URL', () => {
    const m = validApp();
    m.service.homeUrl = 'https://a2dp.demo-tech.cn/';
    expect(run(m).errors).toEqual([['service.homeUrl', 'not_applicable_for_service_type']]);
  });

  it('a website has no platforms', () => {
    const m = validWebsite();
    m.platforms = validApp().platforms.slice(0, 1);
    expect(run(m).errors).toEqual([['platforms', 'not_applicable_for_service_type']]);
  });

  it('an APP needs at least one platform, domain and access record', () => {
    const m = validApp();
    m.platforms = [];
    m.access = [];
    expect(run(m).errors).toEqual([['platforms', 'required'], ['access', 'required']]);
    const n = validApp();
    n.service.domains = [];
    n.platforms.forEach((p) => { p.domains = []; });
    n.access[0]!.domains = [];
    expect(run(n).errors).toEqual([['service.domains', 'required']]);
  });

  it('a website needs a home URL under one of its domains', () => {
    const m = validWebsite();
    m.service.homeUrl = null;
    expect(run(m).errors).toEqual([['service.homeUrl', 'required']]);
    m.service.homeUrl = 'ftp://demo-tech.cn/';
    expect(run(m).errors).toEqual([['service.homeUrl', 'home_url_format']]);
    m.service.homeUrl = 'www.demo-tech.cn';
    expect(run(m).errors).toEqual([['service.homeUrl', 'home_url_format']]);
    m.service.homeUrl = 'https://www.other-site.cn/';
    expect(run(m).errors).toEqual([['service.homeUrl', 'home_url_domain_not_listed']]);
    m.service.homeUrl = 'https://notdemo-tech.cn/';
    expect(run(m).errors).toEqual([['service.homeUrl', 'home_url_domain_not_listed']]);
    m.service.homeUrl = 'http://demo-tech.cn:8080/index.html';
    expect(run(m).errors).toEqual([]);
  });
});

describe('checkApplication: normalisation', () => {
  it('normalises every kind of value', () => {
    const xId = idNumber('44030519850312001'); // check character X
    expect(xId.endsWith('X')).toBe(true);
    const m = validApp();
    const p = m.subject!.principal;
    Object.assign(p, { name: ' 李明 ', certificateNumber: xId.toLowerCase(), mobile: '+86 138-0013-8001', emergencyPhone: '0755 8601 3388', email: ' LiMing@Demo.Beian.TEST ' });
    m.subject!.certificateNumber = uscc('91440300MA5DEM0X1').toLowerCase();
    m.service.name = '  A2DP Volume ';
    m.service.languages = ['zh-cn'];
    m.service.domains = ['A2DP.Demo-Tech.CN', '例子.中国'];
    Object.assign(m.platforms[0]!, {
      certMd5: 'C1:CA:BE:8A:D9:DC:27:2B:24:43:A3:A6:7B:C4:43:D5', certSha256: A2DP.sha256.toUpperCase(), certSha1: ` ${A2DP.sha1} `,
      publicKey: `Modulus=${A2DP.publicKey.toLowerCase()}`, domains: ['a2dp.demo-tech.cn'],
    });
    m.platforms[1]!.domains = ['例子.中国'];
    m.access[0] = { providerOrgId: PROVIDER_ID.toUpperCase(), accessMethod: 'cloud', serverLocation: ' 广东省深圳市 ', ips: [' 120.24.10.11', '240E:03A1:04C2:0:0:0:0:0011'], domains: ['a2dp.demo-tech.cn', 'XN--FSQU00A.XN--FIQS8S'] };
    const r = run(m);
    expect(r.errors).toEqual([]);
    const n = r.normalised;
    expect(n.subject!.principal).toMatchObject({ name: '李明', certificateNumber: xId, mobile: '13800138001', emergencyPhone: '0755-86013388', email: 'LiMing@demo.beian.test' });
    expect(n.subject!.certificateNumber).toBe(uscc('91440300MA5DEM0X1'));
    expect(n.service).toMatchObject({ name: 'A2DP Volume', languages: ['zh-CN'], domains: ['a2dp.demo-tech.cn', 'xn--fsqu00a.xn--fiqs8s'] });
    expect(n.platforms![0]).toMatchObject({ certMd5: A2DP.md5, certSha1: A2DP.sha1, certSha256: A2DP.sha256, publicKey: A2DP.publicKey });
    expect(n.access![0]).toEqual({ providerOrgId: PROVIDER_ID, accessMethod: 'cloud', serverLocation: '广东省深圳市', ips: ['120.24.10.11', '240e:3a1:4c2::11'], domains: ['a2dp.demo-tech.cn', 'xn--fsqu00a.xn--fiqs8s'] });
  });

  it('normalises the home URL and the landline forms', () => {
    const m = validWebsite();
    m.service.homeUrl = 'HTTPS://WWW.Demo-Tech.cn';
    m.subject!.principal.emergencyPhone = '01012345678';
    const r = run(m);
    expect(r.errors).toEqual([]);
    expect(r.normalised.service!.homeUrl).toBe('https://www.demo-tech.cn/');
    expect(r.normalised.subject!.principal!.emergencyPhone).toBe('010-12345678');
  });

  it('keeps invalid values as typed (trimmed) so the draft loses nothing', () => {
    const m = validApp();
    m.subject!.principal.mobile = ' 1234 ';
    m.platforms[0]!.certMd5 = 'not-a-fingerprint';
    const r = run(m);
    expect(r.normalised.subject!.principal!.mobile).toBe('1234');
    expect(r.normalised.platforms![0]!.certMd5).toBe('not-a-fingerprint');
  });

  it('does not add groups the draft did not have, nor undefined keys', () => {
    const r = checkApplication({ service: { name: ' 示例 ' } }, NEW_SERVICE);
    expect(r.normalised).toStrictEqual({ service: { name: '示例', principal: {} } });
  });

  it('does not mutate its input', () => {
    const m = validApp();
    m.service.name = ' A2DP Volume ';
    const before = structuredClone(m);
    checkApplication(m, FIRST);
    expect(m).toEqual(before);
  });

  it('the service principal may be the subject principal by reference', () => {
    const m = validApp();
    m.service.principal = { sameAsSubjectPrincipal: true };
    const r = run(m);
    expect(r.errors).toEqual([]);
    expect(r.normalised.service!.principal).toEqual({ sameAsSubjectPrincipal: true });
  });
});
