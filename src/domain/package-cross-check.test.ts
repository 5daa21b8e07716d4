// Typed APP feature info against a package's facts: formats normalised, empty fields skipped,
// differences named, other signers recognised. Certificates of GROUND-TRUTH.md.
import { describe, expect, it } from 'vitest';
import { crossCheckPackage, type PackageFacts, parseTypedFeatureInfo, type TypedFeatureInfo } from './package-cross-check.ts';

const A2DP_KEY = 'A796ABF7A8D80A961B22D848E98465EB9721408E9050956B93DCF6F1A5C18F9BAB3D03544945B03AF16A18937C16C41B5B93CD465A6C62548FA3E1857149ACBDB69EB694897B3A783FAE8D365AABF8EC38C2F2A889CD0CBE0F6BD92E9B59EA52A2AE2B0E8C1B95F10DA64A6358C09F107DE744DF134035F80D4262B8EE2E39263B6B4A00A909B7D6D44DD4E8321F37951FC8B843792B4D225A717D964754CEFBA7C88519B666BA0270AF4238D3ECD1E778F5E99CFA811EE7926BACEDB47306BCDBB3D47219438C5621F9092812824B3C46DFFCBA685CE4AD60FE8B85E7622BD77D2ECE82D21C0001DAD8593B7034127F5ED8C6BC32B48E0A4DF74239C65BABC9';
const A2DP = {
  md5: 'c1cabe8ad9dc272b2443a3a67bc443d5', sha1: '478c1d2fcb9bf1a82a611c9ff96df6d17860ea1b',
  sha256: '1e3bf46f964d494c9094cbf1a7ebec99b63d4acf6ae7519287d94faf5ea6871b',
  publicKey: { hex: A2DP_KEY, spki: `30820122300D06092A864886F70D01010105000382010F003082010A0282010100${A2DP_KEY}0203010001` },
};
const WIDGITS_KEY = '93B2BF86A594DD50222F9082957E17D5F0618C25A07572D45A3174FD0AAA1955F9A88177A66AF6CD295F1ECE7DFF1EE97B6ED8A592CCFFF6B07C40F8169817F89F4BD45E14321962949DF42BEB792786E375DCACACA43E284ADF201731EC6611E520434B97D7DA7EA480296F28A9903A65E353478640EF27B622C1AF073C19C1AE1BC59495710EE885A70D08FF7F80D23F52E548387866A4116E209F6A5981FC35342B8D8D030A0ADF84C663C925AA9B706C0E3B26D943C9CFCDD0CC071230A1B3B566C9573818E57DD9CA4939A9F5CC61E149F2BA37F156A1F0A5C456DA3D7198A794D4A95E628470A4EAF219977FDECA818C846B22CE307038E8A93A9291BB';
const WIDGITS = {
  md5: '972872bb09d5fb59099cc835ce0ddfec', sha1: '6e5ccd81924177f88c59ed148fad277070786a8c',
  sha256: 'b39038a91d8880fb01d2f6bdaeb22d39c1b7c447cef69e779bad544e9a3ec6a3',
  publicKey: { hex: WIDGITS_KEY, spki: `30820122300D06092A864886F70D01010105000382010F003082010A0282010100${WIDGITS_KEY}0203010001` },
};
const P256_POINT = '04A65F113D22CB4913908307AC31EE2BA0E9138B785FAC6536D14EA2CE90D2B4BFE194B50CDC8E169F54A73A991EF0FA76329825BE078CC782740703DA44B4D7EB';
const EC_P256 = {
  md5: '3c74060ba2335f385b080065fff1a504', sha1: '31734fd3a604d21a2b6cbfc8bf48c9fa18f27f43',
  sha256: '6a8b96e278e58f62cfe3584022cec1d0527fcb85a9e5d2e1694eb0405be5b599',
  publicKey: { hex: P256_POINT, spki: `3059301306072A8648CE3D020106082A8648CE3D030107034200${P256_POINT}` },
};

const a2dpPackage: PackageFacts = { platform: 'android', packageName: 'a2dp.Vol', signers: [{ certificate: A2DP }] };
/** After a v3 key rotation the current key signs first; the older one is still in the package. */
const rotated: PackageFacts = { platform: 'android', packageName: 'org.beian.sample', signers: [{ certificate: WIDGITS }, { certificate: A2DP }] };

const colons = (hex: string) => hex.toUpperCase().match(/../g)!.join(':');
const pem = (hex: string) => `-----BEGIN PUBLIC KEY-----\n${Buffer.from(hex, 'hex').toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PUBLIC KEY-----\n`;

function check(typed: TypedFeatureInfo, pkg: PackageFacts = a2dpPackage) {
  const parsed = parseTypedFeatureInfo(typed);
  expect(parsed.problems).toEqual([]);
  return crossCheckPackage(parsed.value, pkg);
}

describe('crossCheckPackage', () => {
  it('compares nothing when nothing was typed (empty and blank fields are not differences)', () => {
    expect(check({})).toEqual({ checked: false, differences: [], warnings: [] });
    expect(check({ packageName: '', certMd5: '  ', publicKey: null, certSha1: undefined })).toEqual({ checked: false, differences: [], warnings: [] });
  });

  it('finds no difference in values typed the way keytool, openssl and Keychain print them', () => {
    expect(check({
      platform: 'Android', packageName: ' a2dp.Vol ',
      certMd5: `MD5: ${colons(A2DP.md5)}`, certSha1: `SHA1: ${colons(A2DP.sha1)}`, certSha256: colons(A2DP.sha256).replace(/:/g, ' '),
      publicKey: `Modulus=00:${A2DP_KEY.toLowerCase().match(/../g)!.join(':')}`.replace(/(.{48})/g, '$1\n    '),
    })).toEqual({ checked: true, differences: [], warnings: [] });
  });

  it('accepts the whole SubjectPublicKeyInfo as the key: DER hex, PEM, or the PEM body alone', () => {
    expect(check({ publicKey: colons(A2DP.publicKey.spki).toLowerCase() }).differences).toEqual([]);
    expect(check({ publicKey: pem(A2DP.publicKey.spki) }).differences).toEqual([]);
    expect(check({ publicKey: Buffer.from(A2DP.publicKey.spki, 'hex').toString('base64') }).differences).toEqual([]);
    // Compared like for like: another key's SPKI is shown against the package's SPKI.
    expect(check({ publicKey: pem(WIDGITS.publicKey.spki) }).differences).toEqual([
      { field: 'publicKey', typed: WIDGITS.publicKey.spki, package: A2DP.publicKey.spki, code: 'public_key_differs' },
    ]);
  });

  it('accepts an EC key as its compressed point, with the parity of Y', () => {
    const ec: PackageFacts = { platform: 'android', packageName: 'android.appsecurity.cts.tinyapp', signers: [{ certificate: EC_P256 }] };
    const x = P256_POINT.slice(2, 66);
    expect(check({ publicKey: `03${x}` }, ec).differences).toEqual([]); // Y ends in …EB: odd
    expect(check({ publicKey: `02${x}` }, ec).differences).toMatchObject([{ field: 'publicKey', code: 'public_key_differs', package: P256_POINT }]);
    expect(check({ publicKey: pem(EC_P256.publicKey.spki) }, ec).differences).toEqual([]);
  });

  it('names each difference, with both values normalised', () => {
    expect(check({ platform: 'ios', packageName: 'a2dp.vol', certMd5: colons(WIDGITS.md5), certSha256: A2DP.sha256, publicKey: WIDGITS_KEY })).toEqual({
      checked: true,
      differences: [
        { field: 'platform', typed: 'ios', package: 'android', code: 'platform_differs' },
        { field: 'packageName', typed: 'a2dp.vol', package: 'a2dp.Vol', code: 'package_name_differs' }, // Android package names are case-sensitive
        { field: 'publicKey', typed: WIDGITS_KEY, package: A2DP_KEY, code: 'public_key_differs' },
        { field: 'certMd5', typed: WIDGITS.md5, package: A2DP.md5, code: 'fingerprint_differs' },
      ],
      warnings: [],
    });
  });

  it('compares an iOS bundle ID without regard to case (Apple), an Android package name exactly', () => {
    const ios: PackageFacts = { platform: 'ios', packageName: 'com.example.Ledger', signers: [{ certificate: A2DP }] };
    expect(check({ packageName: 'COM.EXAMPLE.LEDGER' }, ios).differences).toEqual([]);
    expect(check({ packageName: 'com.example.ledger2' }, ios).differences).toEqual([expect.objectContaining({ code: 'package_name_differs' })]);
    expect(check({ packageName: 'A2DP.VOL' }).differences).toEqual([expect.objectContaining({ code: 'package_name_differs' })]);
  });

  it("reports a value of another signer (a rotated package's older key) as that signer's, not plainly wrong", () => {
    expect(check({ certMd5: colons(A2DP.md5), certSha1: WIDGITS.sha1, publicKey: A2DP_KEY }, rotated).differences).toEqual([
      { field: 'publicKey', typed: A2DP_KEY, package: WIDGITS_KEY, code: 'public_key_of_other_signer', signer: 1 },
      { field: 'certMd5', typed: A2DP.md5, package: WIDGITS.md5, code: 'fingerprint_of_other_signer', signer: 1 },
    ]);
  });

  it('says the package is unsigned when a key or fingerprint was typed for one without a certificate', () => {
    const unsigned: PackageFacts = { platform: 'android', packageName: 'a2dp.Vol', signers: [] };
    expect(check({ packageName: 'a2dp.Vol', certMd5: A2DP.md5 }, unsigned)).toEqual({
      checked: true, differences: [{ field: 'certMd5', typed: A2DP.md5, package: null, code: 'package_unsigned' }], warnings: [],
    });
  });

  it('repeats certificate_not_der when a key or fingerprint was compared with a certificate that is not strict DER', () => {
    const oldTool: PackageFacts = { ...a2dpPackage, warnings: [{ code: 'certificate_not_der' }, { code: 'certificate_expired' }] };
    const typedMd5 = check({ certMd5: WIDGITS.md5 }, oldTool);
    expect(typedMd5.differences).toMatchObject([{ field: 'certMd5', code: 'fingerprint_differs' }]);
    expect(typedMd5.warnings).toEqual([{ code: 'certificate_not_der', message: expect.stringContaining('bytes as stored in the package') }]);
    expect(check({ publicKey: A2DP_KEY }, oldTool).warnings.map((w) => w.code)).toEqual(['certificate_not_der']);
    // Nothing about the certificate compared: nothing to explain.
    expect(check({ packageName: 'a2dp.Vol' }, oldTool)).toEqual({ checked: true, differences: [], warnings: [] });
    expect(check({}, oldTool).warnings).toEqual([]);
    // A DER certificate: no warning.
    expect(check({ certMd5: WIDGITS.md5 }).warnings).toEqual([]);
  });
});

describe('parseTypedFeatureInfo', () => {
  it("names each malformed field with the filing form's codes, and keeps the fields that parse", () => {
    const { value, problems } = parseTypedFeatureInfo({
      platform: 'windows', packageName: 'a2dp.Vol', publicKey: 'not a key', certMd5: 'C1:CA:BE', certSha1: A2DP.md5, certSha256: `${A2DP.sha256}zz`,
    });
    expect(problems.map((p) => [p.field, p.code])).toEqual([
      ['platform', 'platform_unknown'],
      ['publicKey', 'public_key_charset'],
      ['certMd5', 'fingerprint_length'],
      ['certSha1', 'fingerprint_algorithm_mismatch'], // an MD5 where the SHA-1 goes
      ['certSha256', 'fingerprint_charset'],
    ]);
    expect(value).toEqual({ packageName: 'a2dp.Vol' });
  });

  it('refuses keys that are neither a key nor a SubjectPublicKeyInfo, and over-long package names', () => {
    expect(parseTypedFeatureInfo({ publicKey: A2DP.md5 }).problems).toMatchObject([{ field: 'publicKey', code: 'public_key_length' }]);
    expect(parseTypedFeatureInfo({ publicKey: `${A2DP.publicKey.spki}00` }).problems).toMatchObject([{ field: 'publicKey', code: 'public_key_der' }]);
    expect(parseTypedFeatureInfo({ publicKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' }).problems).toMatchObject([{ field: 'publicKey', code: 'public_key_charset' }]);
    expect(parseTypedFeatureInfo({ packageName: `a.${'b'.repeat(300)}` }).problems).toMatchObject([{ field: 'packageName', code: 'too_long' }]);
  });

  it('reads full-width text pasted from Word or WeChat', () => {
    const fullWidth = colons(A2DP.md5).replace(/[0-9A-Z:]/g, (c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0));
    expect(parseTypedFeatureInfo({ certMd5: fullWidth }).value).toEqual({ certMd5: A2DP.md5 });
  });
});
