// The five real packages of ../shared/fixtures/packages against GROUND-TRUTH.md: every field of
// the contract, warnings included. Expected values are transcribed from GROUND-TRUTH.md, and each
// certificate value is also looked up in the document itself so the two cannot drift apart.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzePackage, type AnalysisResult, type CertificateInfo } from './index.ts';
import { fixture, fixturesDir } from './test-support/paths.ts';

// After the HAP certificate expired (2025-05-14), before the F-Droid one does (2040).
const NOW = new Date('2025-06-01T00:00:00Z');
const groundTruth = readFileSync(path.join(fixturesDir, 'GROUND-TRUTH.md'), 'utf8');
/** The SubjectPublicKeyInfo is checked below against GROUND-TRUTH.md's "SPKI SHA-256". */
const SPKI = expect.stringMatching(/^30[0-9A-F]+$/) as string;

const FDROID: CertificateInfo = {
  subject: 'CN=FDroid,OU=FDroid,O=fdroid.org,L=ORG,ST=ORG,C=UK',
  issuer: 'CN=FDroid,OU=FDroid,O=fdroid.org,L=ORG,ST=ORG,C=UK',
  serialNumber: '50361479',
  notBefore: '2012-08-23T11:31:05Z',
  notAfter: '2040-01-09T11:31:05Z',
  md5: 'c1cabe8ad9dc272b2443a3a67bc443d5',
  sha1: '478c1d2fcb9bf1a82a611c9ff96df6d17860ea1b',
  sha256: '1e3bf46f964d494c9094cbf1a7ebec99b63d4acf6ae7519287d94faf5ea6871b',
  signatureAlgorithm: 'sha1WithRSAEncryption',
  publicKey: {
    algorithm: 'RSA',
    bits: 2048,
    curve: null,
    hex: 'A796ABF7A8D80A961B22D848E98465EB9721408E9050956B93DCF6F1A5C18F9BAB3D03544945B03AF16A18937C16C41B5B93CD465A6C62548FA3E1857149ACBDB69EB694897B3A783FAE8D365AABF8EC38C2F2A889CD0CBE0F6BD92E9B59EA52A2AE2B0E8C1B95F10DA64A6358C09F107DE744DF134035F80D4262B8EE2E39263B6B4A00A909B7D6D44DD4E8321F37951FC8B843792B4D225A717D964754CEFBA7C88519B666BA0270AF4238D3ECD1E778F5E99CFA811EE7926BACEDB47306BCDBB3D47219438C5621F9092812824B3C46DFFCBA685CE4AD60FE8B85E7622BD77D2ECE82D21C0001DAD8593B7034127F5ED8C6BC32B48E0A4DF74239C65BABC9',
    spki: SPKI,
    spkiSha256: '7312c61ed3574f895ad17d60d01f9789e1a7eed6f1fc40b6f86eeccb89dffcaf',
  },
};

const WIDGITS: CertificateInfo = {
  subject: 'O=Internet Widgits Pty Ltd,ST=Some-State,C=AU',
  issuer: 'O=Internet Widgits Pty Ltd,ST=Some-State,C=AU',
  serialNumber: 'E0A1C9E674422D42',
  notBefore: '2018-02-21T12:27:39Z',
  notAfter: '2118-01-28T12:27:39Z',
  md5: '972872bb09d5fb59099cc835ce0ddfec',
  sha1: '6e5ccd81924177f88c59ed148fad277070786a8c',
  sha256: 'b39038a91d8880fb01d2f6bdaeb22d39c1b7c447cef69e779bad544e9a3ec6a3',
  signatureAlgorithm: 'sha256WithRSAEncryption',
  publicKey: {
    algorithm: 'RSA',
    bits: 2048,
    curve: null,
    hex: '93B2BF86A594DD50222F9082957E17D5F0618C25A07572D45A3174FD0AAA1955F9A88177A66AF6CD295F1ECE7DFF1EE97B6ED8A592CCFFF6B07C40F8169817F89F4BD45E14321962949DF42BEB792786E375DCACACA43E284ADF201731EC6611E520434B97D7DA7EA480296F28A9903A65E353478640EF27B622C1AF073C19C1AE1BC59495710EE885A70D08FF7F80D23F52E548387866A4116E209F6A5981FC35342B8D8D030A0ADF84C663C925AA9B706C0E3B26D943C9CFCDD0CC071230A1B3B566C9573818E57DD9CA4939A9F5CC61E149F2BA37F156A1F0A5C456DA3D7198A794D4A95E628470A4EAF219977FDECA818C846B22CE307038E8A93A9291BB',
    spki: SPKI,
    spkiSha256: '17dba9b0393ed64990b555c4a58c7df4544567c2511bcfb795aed6c4e54afe76',
  },
};

const EC_P256: CertificateInfo = {
  subject: 'CN=ec-p256',
  issuer: 'CN=ec-p256',
  serialNumber: 'CA0FB64DFB66E772',
  notBefore: '2016-03-31T14:58:06Z',
  notAfter: '2043-08-17T14:58:06Z',
  md5: '3c74060ba2335f385b080065fff1a504',
  sha1: '31734fd3a604d21a2b6cbfc8bf48c9fa18f27f43',
  sha256: '6a8b96e278e58f62cfe3584022cec1d0527fcb85a9e5d2e1694eb0405be5b599',
  signatureAlgorithm: 'ecdsa-with-SHA256',
  publicKey: {
    algorithm: 'EC',
    bits: 256,
    curve: 'P-256',
    hex: '04A65F113D22CB4913908307AC31EE2BA0E9138B785FAC6536D14EA2CE90D2B4BFE194B50CDC8E169F54A73A991EF0FA76329825BE078CC782740703DA44B4D7EB',
    spki: SPKI,
    spkiSha256: '8512fe4584f86ecf0b76fa2c257c7dddacad40845ce0fdec28cf66f8550227ab',
  },
};

const IPHONE_DEV: CertificateInfo = {
  subject: 'C=US,O=Michael Kirk,OU=CSBZ6R9U39,CN=iPhone Developer: Michael Kirk (FUDX9B8883),UID=A2GKRTQBL4',
  issuer: 'CN=Apple Worldwide Developer Relations Certification Authority,OU=Apple Worldwide Developer Relations,O=Apple Inc.,C=US',
  serialNumber: '750698B4DD9BE272',
  notBefore: '2015-02-06T01:10:40Z',
  notAfter: '2016-02-06T01:10:40Z',
  md5: '40292c8be0ee707370c916a00d4feb11',
  sha1: '00c0890f2295b8c8b6d27885daa080c7437cf113',
  sha256: 'de2c546061d55839585499f02aa68988753bb48f3599a1015d90aa70c7d240d3',
  signatureAlgorithm: 'sha1WithRSAEncryption',
  publicKey: {
    algorithm: 'RSA',
    bits: 2048,
    curve: null,
    hex: 'BCDE770C360E106E52E3D56BADC85B479FB4E204669D7F44FF5D60F17DC5A09BF0D9A3F011328A02074AAC7C3F5EE000ED23A48A46306A8E034009E3FA534D0EA680EFC9C8F37DCFB607181B1B150A870BDEC3646B11401AD9D705B22A97E136D12624F90E0E05E93035ED74D7737D7CCA472D6EB33178EE4EE6517C52C3769BED5FBDA82E802F8768DF5F8ED2CE414483524C88325FE862FD68EE32B2137719EF4CFA4A58C6410ABE4BCEDFA67AEDA10D7142F65792635180E670B971EA8CA4D8D8558FD441BA74B288B0C9B802345EA1B4070C9E3B3C787F453CF7CB57CB6D1A1F3FC703E3CA57E08773714C28D43BDA224D1F26590B9C7A5A7828DED2378F',
    spki: SPKI,
    spkiSha256: 'deb021a3863fbc54b4432141f193b94a6525f06785b364a282d6095e4471b5f4',
  },
};

const APP1_RELEASE: CertificateInfo = {
  subject: 'CN=App1 Release,OU=OpenHarmony Community,O=OpenHarmony,C=CN',
  issuer: 'CN=Application Signature Service CA,OU=OpenHarmony Community,O=OpenHarmony,C=CN',
  serialNumber: '2A6113EC',
  notBefore: '2024-05-14T04:25:03Z',
  notAfter: '2025-05-14T04:25:03Z',
  md5: '9a8553646ae92e16b32645880623171e',
  sha1: '0d287f8fc968cf90bf51602c9d880158fd4961af',
  sha256: '674b8affc0b0022d3bdce2879589ce5cab7d2c50f8ff7a49091935260e10ba17',
  signatureAlgorithm: 'ecdsa-with-SHA256',
  publicKey: {
    algorithm: 'EC',
    bits: 256,
    curve: 'P-256',
    hex: '040B28620B1D8D8EAF0D385F7F6356EAEECBC518F52C69CE20E8C1A72E2F9415B746FCBD650EABD1A968F5BD037A5AE7F4F501B18BECF8A1495F806F4351347A83',
    spki: SPKI,
    spkiSha256: 'f1c624793e906bdc0ba1190a6321c8b1ea67c76e6839a36f14986c90a6f09202',
  },
};

const EXPECTED: Record<string, AnalysisResult> = {
  'a2dp.Vol_137.apk': {
    kind: 'package', platform: 'android', packageName: 'a2dp.Vol', versionName: '2.12.9.2', versionCode: '137', appName: 'A2DP Volume',
    signers: [{ schemes: ['v1'], certificate: FDROID }],
    filing: { packageName: 'a2dp.Vol', publicKey: FDROID.publicKey.hex, signature: FDROID.md5 },
    profile: null,
    warnings: [],
  },
  'TestActivity_signed_both.apk': {
    kind: 'package', platform: 'android', packageName: 'tests.androguard', versionName: '1.0', versionCode: '1', appName: 'TestsAndroguardApplication',
    signers: [{ schemes: ['v1', 'v2'], certificate: WIDGITS }],
    filing: { packageName: 'tests.androguard', publicKey: WIDGITS.publicKey.hex, signature: WIDGITS.md5 },
    profile: null,
    warnings: [],
  },
  'v2-only-with-ecdsa-sha256-p256.apk': {
    kind: 'package', platform: 'android', packageName: 'android.appsecurity.cts.tinyapp', versionName: '1.0', versionCode: '10', appName: 'Tiny App for CTS',
    signers: [{ schemes: ['v2'], certificate: EC_P256 }],
    filing: { packageName: 'android.appsecurity.cts.tinyapp', publicKey: EC_P256.publicKey.hex, signature: EC_P256.md5 },
    profile: null,
    warnings: [],
  },
  'LPSimpleExample-cal.ipa': {
    kind: 'package', platform: 'ios', packageName: 'com.lesspainful.example.LPSimpleExample-cal', versionName: '1.0', versionCode: '1.0',
    appName: 'LPSimpleExample-cal',
    signers: [{ schemes: ['codesign'], certificate: IPHONE_DEV }],
    filing: { packageName: 'com.lesspainful.example.LPSimpleExample-cal', publicKey: IPHONE_DEV.publicKey.hex, signature: IPHONE_DEV.sha1 },
    // GROUND-TRUTH.md: Name, TeamIdentifier, TeamName, UUID, CreationDate 2015-09-02, ExpirationDate
    // 2016-09-01, application-identifier CSBZ6R9U39.*, get-task-allow (development);
    // DeveloperCertificates[0] is the leaf.
    profile: {
      type: 'development', name: 'iOSTeam Provisioning Profile: *', uuid: 'b0196847-f1bb-4aea-beef-ba2430f28d36',
      teamId: 'CSBZ6R9U39', teamName: 'Michael Kirk', applicationIdentifier: 'CSBZ6R9U39.*', bundleName: null,
      developerId: null, issuer: null,
      notBefore: expect.stringMatching(/^2015-09-02T\d\d:\d\d:\d\dZ$/) as string,
      notAfter: expect.stringMatching(/^2016-09-01T\d\d:\d\d:\d\dZ$/) as string,
      certificates: [{ subject: IPHONE_DEV.subject, sha256: IPHONE_DEV.sha256 }],
    },
    warnings: [
      { code: 'development_profile', message: expect.stringContaining('iOSTeam Provisioning Profile: *'), params: { profileType: 'development', profileName: 'iOSTeam Provisioning Profile: *' } },
      { code: 'profile_expired', message: expect.stringContaining('2016-09-01'), params: { notAfter: expect.stringMatching(/^2016-09-01T/) as string, profileName: 'iOSTeam Provisioning Profile: *' } },
      { code: 'certificate_expired', message: expect.stringContaining('2016-02-06T01:10:40Z'), params: { subject: IPHONE_DEV.subject, notAfter: '2016-02-06T01:10:40Z' } },
    ],
  },
  'phone-default-signed.hap': {
    kind: 'package', platform: 'harmonyos', packageName: 'com.example.nativetemplatedemo', versionName: '1.0.0', versionCode: '1000000',
    appName: 'NativeTemplateDemo',
    signers: [{ schemes: ['hap'], certificate: APP1_RELEASE }],
    filing: { packageName: 'com.example.nativetemplatedemo', publicKey: APP1_RELEASE.publicKey.hex, signature: APP1_RELEASE.sha256 },
    // GROUND-TRUTH.md: type debug, bundle-name com.ohos.settings, developer-id OpenHarmony, issuer
    // pki_internal, validity 1610519532–1705127532, development-certificate "OpenHarmony
    // Application Release" (SHA-256 8e93863f…), which did not sign the package.
    profile: {
      type: 'debug', name: null, uuid: expect.stringMatching(/^[0-9a-f-]{36}$/) as string, teamId: null, teamName: null,
      applicationIdentifier: null, bundleName: 'com.ohos.settings', developerId: 'OpenHarmony', issuer: 'pki_internal',
      notBefore: '2021-01-13T06:32:12Z', notAfter: '2024-01-13T06:32:12Z',
      certificates: [{
        subject: 'CN=OpenHarmony Application Release,OU=OpenHarmony Team,O=OpenHarmony,C=CN',
        sha256: '8e93863fc32ee238060bf69a9b37e2608fffb21f93c862dd511cbac9f30024b5',
      }],
    },
    warnings: [
      { code: 'bundle_name_mismatch', message: expect.stringContaining('com.ohos.settings'), params: { packageName: 'com.example.nativetemplatedemo', profileBundleName: 'com.ohos.settings' } },
      { code: 'debug_profile', message: expect.stringContaining('debug') },
      { code: 'debuggable', message: expect.stringContaining('"debug": true') },
      { code: 'profile_expired', message: expect.stringContaining('2024-01-13'), params: { notAfter: '2024-01-13T06:32:12Z' } },
      { code: 'profile_certificate_mismatch', message: expect.stringContaining('8e93863fc32ee238060bf69a9b37e2608fffb21f93c862dd511cbac9f30024b5'), params: { subject: APP1_RELEASE.subject, sha256: APP1_RELEASE.sha256 } },
      { code: 'certificate_expired', message: expect.stringContaining('2025-05-14T04:25:03Z'), params: { subject: APP1_RELEASE.subject, notAfter: '2025-05-14T04:25:03Z' } },
    ],
  },
};

/** The section of GROUND-TRUTH.md about one file. */
function section(file: string): string {
  const start = groundTruth.indexOf(`\`${file}\``);
  expect(start, `${file} is described in GROUND-TRUTH.md`).toBeGreaterThan(0);
  const next = groundTruth.indexOf('\n### ', start);
  return groundTruth.slice(start, next < 0 ? undefined : next);
}

/** "Aug 23 11:31:05 2012 GMT" → ISO, as GROUND-TRUTH.md writes validity. */
function isoFromOpenssl(text: string): string {
  return new Date(text.replace(/\s+/g, ' ').replace(' GMT', ' UTC')).toISOString().replace('.000Z', 'Z');
}

describe('fixtures match GROUND-TRUTH.md', () => {
  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`${file}: every field of the contract`, async () => {
      const result = await analyzePackage(fixture(file), { now: NOW });
      expect(result).toEqual(expected);
    });

    it(`${file}: certificate values appear verbatim in GROUND-TRUTH.md`, () => {
      const doc = section(file);
      const cert = expected.signers[0]?.certificate as CertificateInfo;
      for (const key of ['subject', 'issuer', 'serialNumber', 'md5', 'sha1', 'sha256'] as const) {
        expect(doc, `${key} of ${file}`).toContain(`\`${cert[key]}\``);
      }
      const validity = /\| validity \| (.+?) → (.+?) \|/.exec(doc);
      expect(validity?.slice(1).map(isoFromOpenssl)).toEqual([cert.notBefore, cert.notAfter]);
      expect(doc).toMatch(new RegExp(`public key \\| ${cert.publicKey.algorithm} ${cert.publicKey.bits} bit`));
      expect(groundTruth).toContain(`\`${file}\` (${cert.publicKey.algorithm}`);
      expect(groundTruth.replace(/\s+/g, '')).toContain(cert.publicKey.hex);
      expect(doc).toContain(`| certificate signature algorithm | ${cert.signatureAlgorithm} |`);
      expect(doc).toContain(`| SPKI SHA-256 | \`${cert.publicKey.spkiSha256}\` |`);
      if (cert.publicKey.curve) expect(doc).toContain(`| public key | EC ${cert.publicKey.bits} bit, curve ${cert.publicKey.curve} |`);
      else expect(doc).not.toMatch(/\| public key \| [^|]*curve/);
    });

    it(`${file}: the SubjectPublicKeyInfo is the one GROUND-TRUTH.md hashes, and holds the filing key`, async () => {
      const { publicKey } = (await analyzePackage(fixture(file), { now: NOW })).signers[0]!.certificate;
      const digest = createHash('sha256').update(Buffer.from(publicKey.spki, 'hex')).digest('hex');
      expect(section(file)).toContain(`| SPKI SHA-256 | \`${digest}\` |`);
      expect(publicKey.spki).toContain(publicKey.hex);
    });
  }

  it('time is an argument: before the HAP certificate expired there is no certificate_expired warning', async () => {
    const result = await analyzePackage(fixture('phone-default-signed.hap'), { now: new Date('2025-01-01T00:00:00Z') });
    expect(result.warnings.map((w) => w.code)).toEqual(['bundle_name_mismatch', 'debug_profile', 'debuggable', 'profile_expired', 'profile_certificate_mismatch']);
  });

  describe('certificate_expiring: the IPA\'s signing certificate (GROUND-TRUTH.md: valid to Feb  6 01:10:40 2016 GMT) within 30 days of `now`', () => {
    const ipa = fixture('LPSimpleExample-cal.ipa');
    const at = async (iso: string) => (await analyzePackage(ipa, { now: new Date(iso) })).warnings;
    it('17 days and an hour before: warned, with the date and the 18 days left as params', async () => {
      expect(section('LPSimpleExample-cal.ipa')).toContain('Feb  6 01:10:40 2016 GMT');
      const expiring = (await at('2016-01-20T00:00:00Z')).filter((w) => w.code.startsWith('certificate_'));
      expect(expiring).toEqual([{
        code: 'certificate_expiring', message: expect.stringContaining('expires on 2016-02-06T01:10:40Z, in 18 day(s)') as string,
        params: { subject: IPHONE_DEV.subject, notAfter: '2016-02-06T01:10:40Z', daysLeft: 18 },
      }]);
    });
    it('exactly 30 days before: warned; a second earlier: not', async () => {
      expect((await at('2016-01-07T01:10:40Z')).map((w) => w.code)).toContain('certificate_expiring');
      expect((await at('2016-01-07T01:10:39Z')).map((w) => w.code)).not.toContain('certificate_expiring');
    });
    it('once expired it is certificate_expired only (refused since ADR 0034), never both', async () => {
      const codes = (await at('2016-02-06T01:10:41Z')).map((w) => w.code);
      expect(codes).toContain('certificate_expired');
      expect(codes).not.toContain('certificate_expiring');
    });
  });

  it('the profile facts are those GROUND-TRUTH.md states: HAP validity in Unix seconds, the profile certificate, the IPA profile names', () => {
    const hap = section('phone-default-signed.hap');
    const profile = EXPECTED['phone-default-signed.hap']!.profile!;
    expect(hap).toContain(`validity 1610519532–1705127532`);
    expect([profile.notBefore, profile.notAfter]).toEqual([1610519532, 1705127532].map((t) => new Date(t * 1000).toISOString().replace('.000Z', 'Z')));
    expect(hap).toContain(`development-certificate is \`${profile.certificates[0]!.subject}\` (SHA-256 \`${profile.certificates[0]!.sha256}\`)`);
    for (const v of [profile.type, profile.bundleName, profile.developerId, profile.issuer]) expect(hap).toContain(`\`${v}\``);
    const ipa = section('LPSimpleExample-cal.ipa');
    const p = EXPECTED['LPSimpleExample-cal.ipa']!.profile!;
    for (const v of [p.name, p.teamId, p.teamName, p.uuid, p.applicationIdentifier]) expect(ipa).toContain(`\`${v}\``);
  });
});
