// Valid materials for the rule tests: synthetic people with correct check characters (as in
// src/db/seed/demo.ts) and the real certificates of the fixture packages
// (/work/shared/fixtures/packages/GROUND-TRUTH.md: a2dp.Vol_137.apk, LPSimpleExample-cal.ipa,
// phone-default-signed.hap). Each builder returns a fresh object, so tests may mutate it.
import type { DeepPartial } from '../deep-partial.ts';
import type { ApplicationMaterials, PersonMaterials } from '../materials.ts';
import { idNumberCheckChar } from '../validation/id-number.ts';
import { usccCheckChar } from '../validation/uscc.ts';
import { type ApplicationContext, type Problem, checkApplication } from '../application-rules.ts';

export const TODAY = '2026-03-16';
export const FIRST: ApplicationContext = { applicationType: 'first_filing', today: TODAY };

export const idNumber = (first17: string): string => first17 + idNumberCheckChar(first17);
export const uscc = (first17: string): string => first17 + usccCheckChar(first17);

export const PROVIDER_ID = '6f1c2d3e-4a5b-4c6d-8e7f-901234567890';
export const PROVIDER_2_ID = '7a2b3c4d-5e6f-4a7b-9c8d-0e1f2a3b4c5d';

/** a2dp.Vol_137.apk (Android, RSA-2048, v1). */
export const A2DP = {
  packageName: 'a2dp.Vol',
  md5: 'c1cabe8ad9dc272b2443a3a67bc443d5',
  sha1: '478c1d2fcb9bf1a82a611c9ff96df6d17860ea1b',
  sha256: '1e3bf46f964d494c9094cbf1a7ebec99b63d4acf6ae7519287d94faf5ea6871b',
  publicKey: 'A796ABF7A8D80A961B22D848E98465EB9721408E9050956B93DCF6F1A5C18F9BAB3D03544945B03AF16A18937C16C41B5B93CD465A6C62548FA3E1857149ACBDB69EB694897B3A783FAE8D365AABF8EC38C2F2A889CD0CBE0F6BD92E9B59EA52A2AE2B0E8C1B95F10DA64A6358C09F107DE744DF134035F80D4262B8EE2E39263B6B4A00A909B7D6D44DD4E8321F37951FC8B843792B4D225A717D964754CEFBA7C88519B666BA0270AF4238D3ECD1E778F5E99CFA811EE7926BACEDB47306BCDBB3D47219438C5621F9092812824B3C46DFFCBA685CE4AD60FE8B85E7622BD77D2ECE82D21C0001DAD8593B7034127F5ED8C6BC32B48E0A4DF74239C65BABC9',
};

/** LPSimpleExample-cal.ipa (iOS, RSA-2048 leaf). */
export const LPSIMPLE = {
  packageName: 'com.lesspainful.example.LPSimpleExample-cal',
  sha1: '00c0890f2295b8c8b6d27885daa080c7437cf113',
  md5: '40292c8be0ee707370c916a00d4feb11',
  publicKey: 'BCDE770C360E106E52E3D56BADC85B479FB4E204669D7F44FF5D60F17DC5A09BF0D9A3F011328A02074AAC7C3F5EE000ED23A48A46306A8E034009E3FA534D0EA680EFC9C8F37DCFB607181B1B150A870BDEC3646B11401AD9D705B22A97E136D12624F90E0E05E93035ED74D7737D7CCA472D6EB33178EE4EE6517C52C3769BED5FBDA82E802F8768DF5F8ED2CE414483524C88325FE862FD68EE32B2137719EF4CFA4A58C6410ABE4BCEDFA67AEDA10D7142F65792635180E670B971EA8CA4D8D8558FD441BA74B288B0C9B802345EA1B4070C9E3B3C787F453CF7CB57CB6D1A1F3FC703E3CA57E08773714C28D43BDA224D1F26590B9C7A5A7828DED2378F',
};

/** phone-default-signed.hap (HarmonyOS, EC P-256 leaf). */
export const HAP = {
  packageName: 'com.example.nativetemplatedemo',
  sha256: '674b8affc0b0022d3bdce2879589ce5cab7d2c50f8ff7a49091935260e10ba17',
  publicKey: '040B28620B1D8D8EAF0D385F7F6356EAEECBC518F52C69CE20E8C1A72E2F9415B746FCBD650EABD1A968F5BD037A5AE7F4F501B18BECF8A1495F806F4351347A83',
};

function person(name: string, id: string, mobile: string, emergency: string, email: string): PersonMaterials {
  return { name, certificateType: 'resident_id', certificateNumber: id, certificateValidFrom: '2020-01-01', certificateValidTo: null, mobile, emergencyPhone: emergency, email };
}

export const people = {
  liMing: () => person('李明', idNumber('44030519850312003'), '13800138001', '13900139001', 'liming@demo.beian.test'),
  chenJing: () => person('陈静', idNumber('44030619900715002'), '13800138002', '13900139002', 'chenjing@demo.beian.test'),
  wangXiaoer: () => person('王小二', idNumber('11010519920101001'), '13800138003', '13900139003', 'wang@demo.beian.test'),
  zhaoLei: () => person('赵磊', idNumber('33010619880808001'), '13800138004', '13900139004', 'zhaolei@demo.beian.test'),
};

const unitSubject = () => ({
  subjectType: 'unit' as const, nature: 'enterprise' as const, name: '深圳市示例网络科技有限公司', certificateType: 'uscc' as const,
  certificateNumber: uscc('91440300MA5DEM0X1'), certificateAddress: '广东省深圳市南山区科技园路1号',
  address: '南山区科技园路1号示例大厦8楼', provinceCode: '440000', cityCode: '440300', districtCode: '440305',
  principalIsLegalRepresentative: true, principal: people.liMing(),
});

/** A unit's APP on Android and iOS, accessed through one provider over IPv4 and IPv6. */
export function validApp(): ApplicationMaterials {
  return {
    subject: unitSubject(),
    service: {
      serviceType: 'app', name: 'A2DP Volume', categories: ['tools'], languages: ['zh-CN'],
      description: '根据蓝牙音频设备的连接状态自动调节媒体音量的工具类应用。', preApprovals: [],
      sdks: [{ vendor: '示例推送服务', type: 'push' }], domains: ['a2dp.demo-tech.cn', 'api.demo-tech.cn'],
      principal: people.chenJing(),
    },
    platforms: [
      { platform: 'android', packageName: A2DP.packageName, publicKey: A2DP.publicKey, certMd5: A2DP.md5, certSha1: A2DP.sha1, certSha256: A2DP.sha256, domains: ['a2dp.demo-tech.cn'] },
      { platform: 'ios', packageName: LPSIMPLE.packageName, publicKey: LPSIMPLE.publicKey, certSha1: LPSIMPLE.sha1, domains: ['api.demo-tech.cn'] },
    ],
    access: [{ providerOrgId: PROVIDER_ID, accessMethod: 'cloud', serverLocation: '广东省深圳市', ips: ['120.24.10.11', '240e:3a1:4c2::11'], domains: ['a2dp.demo-tech.cn', 'api.demo-tech.cn'] }],
  };
}

/** A unit's mini program: subject and basic info only. */
export function validMiniProgram(): ApplicationMaterials {
  return {
    subject: unitSubject(),
    service: {
      serviceType: 'mini_program', name: '示例小助手', categories: ['tools'], languages: ['zh-CN'],
      description: '帮助用户查询示例科技产品使用说明和售后服务的小程序。', preApprovals: [], sdks: [], domains: [],
      principal: { sameAsSubjectPrincipal: true },
    },
    platforms: [],
    access: [],
  };
}

/** A unit's website. */
export function validWebsite(): ApplicationMaterials {
  return {
    subject: unitSubject(),
    service: {
      serviceType: 'website', name: '示例科技官网', categories: ['enterprise_site'], languages: ['zh-CN'],
      description: '深圳市示例网络科技有限公司的企业官方网站，介绍公司产品与服务。', preApprovals: [], sdks: [],
      homeUrl: 'https://www.demo-tech.cn/', domains: ['demo-tech.cn'], principal: { sameAsSubjectPrincipal: true },
    },
    platforms: [],
    access: [{ providerOrgId: PROVIDER_ID, accessMethod: 'virtual_host', serverLocation: '广东省深圳市', ips: ['120.24.10.12'], domains: ['demo-tech.cn'] }],
  };
}

/** An individual's website in Beijing, the individual being the principal. */
export function validIndividualWebsite(): ApplicationMaterials {
  const wang = people.wangXiaoer();
  return {
    subject: {
      subjectType: 'individual', nature: 'individual', name: wang.name, certificateType: 'resident_id', certificateNumber: wang.certificateNumber,
      certificateAddress: '北京市西城区示例胡同1号', address: '西城区示例胡同1号', provinceCode: '110000', cityCode: '110100', districtCode: '110102',
      principal: wang,
    },
    service: {
      serviceType: 'website', name: '小二的读书笔记', categories: ['personal_blog'], languages: ['zh-CN'],
      description: '个人读书笔记与学习心得分享，不涉及经营性内容。', preApprovals: [], sdks: [],
      homeUrl: 'https://xiaoer-notes.cn/', domains: ['xiaoer-notes.cn'], principal: { sameAsSubjectPrincipal: true },
    },
    platforms: [],
    access: [{ providerOrgId: PROVIDER_2_ID, accessMethod: 'virtual_host', serverLocation: '北京市', ips: ['101.200.1.20'], domains: ['xiaoer-notes.cn'] }],
  };
}

/** A HarmonyOS APP added by a host whose unit subject is already filed (no subject group). */
export function validNewServiceApp(): DeepPartial<ApplicationMaterials> {
  return {
    service: {
      serviceType: 'app', name: '示例鸿蒙模板', categories: ['tools'], languages: ['zh-CN'],
      description: '演示鸿蒙原生应用模板功能的工具类应用，不涉及经营性内容。', preApprovals: [], sdks: [],
      domains: ['hap.demo-tech.cn'], principal: { sameAsSubjectPrincipal: true },
    },
    platforms: [{ platform: 'harmonyos', packageName: HAP.packageName, publicKey: HAP.publicKey, certSha256: HAP.sha256, domains: ['hap.demo-tech.cn'] }],
    access: [{ providerOrgId: PROVIDER_ID, accessMethod: 'cloud', serverLocation: '广东省广州市', ips: ['120.24.10.13'], domains: ['hap.demo-tech.cn'] }],
  };
}

export const NEW_SERVICE: ApplicationContext = {
  applicationType: 'new_service', reusedSubject: { subjectType: 'unit', provinceCode: '440000' }, today: TODAY,
};

/** Run the rules and return the problems and warnings as `[field, code]` pairs. */
export function run(materials: DeepPartial<ApplicationMaterials>, ctx: ApplicationContext = FIRST) {
  const r = checkApplication(materials, ctx);
  const pairs = (list: Problem[]) => list.map((p) => [p.field, p.code] as [string, string]);
  return { ...r, errors: pairs(r.problems), warns: pairs(r.warnings) };
}
