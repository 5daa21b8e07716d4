import { describe, expect, it } from 'vitest';
import { validateCertFingerprint, validatePublicKeyHex } from './certificate.ts';

// Real values: ../shared/fixtures/packages/GROUND-TRUTH.md (a2dp.Vol_137.apk signing certificate).
const MD5 = 'c1cabe8ad9dc272b2443a3a67bc443d5';
const SHA1 = '478c1d2fcb9bf1a82a611c9ff96df6d17860ea1b';
const SHA256 = '1e3bf46f964d494c9094cbf1a7ebec99b63d4acf6ae7519287d94faf5ea6871b';
const colons = (hex: string) => hex.toUpperCase().match(/../g)!.join(':');

describe('validateCertFingerprint', () => {
  it.each([
    [MD5, 'md5', MD5],
    [colons(MD5), 'md5', MD5], // keytool style
    [MD5.toUpperCase(), 'md5', MD5],
    [colons(MD5).replace(/:/g, ' '), 'md5', MD5], // Keychain style
    [colons(MD5).replace(/:/g, '-'), 'md5', MD5],
    [`MD5: ${colons(MD5)}`, 'md5', MD5],
    [SHA1, 'sha1', SHA1],
    [`SHA1: ${colons(SHA1)}`, 'sha1', SHA1],
    [`SHA-1 Fingerprint=${colons(SHA1)}`, 'sha1', SHA1], // openssl x509 -fingerprint style
    [SHA256, 'sha256', SHA256],
    [`SHA256: ${colons(SHA256)}`, 'sha256', SHA256],
    [`  ${colons(SHA256).toLowerCase()}\n`, 'sha256', SHA256],
    ['ｃ１ｃａｂｅ８ａｄ９ｄｃ２７２ｂ２４４３ａ３ａ６７ｂｃ４４３ｄ５', 'md5', MD5],
    // apksigner verify --print-certs
    [`Signer #1 certificate SHA-256 digest: ${SHA256}`, 'sha256', SHA256],
    [`Signer #1 certificate SHA-1 digest: ${SHA1}`, 'sha1', SHA1],
    [`Signer #1 certificate MD5 digest: ${MD5}`, 'md5', MD5],
    // consoles' Chinese labels, before or after the algorithm
    [`签名MD5: ${MD5}`, 'md5', MD5],
    [`MD5签名：${colons(MD5)}`, 'md5', MD5],
    [`证书SHA1指纹：${SHA1}`, 'sha1', SHA1],
    // a trailing label, quotes, zero-width characters from a web page's copy
    [`${MD5} (MD5)`, 'md5', MD5],
    [`${SHA1}（SHA1）`, 'sha1', SHA1],
    [`"${MD5}"`, 'md5', MD5],
    [`“${colons(SHA256)}”`, 'sha256', SHA256],
    [`\u200B${MD5.slice(0, 10)}\u200B${MD5.slice(10)}\uFEFF`, 'md5', MD5],
  ])('reads %j as %s', (input, algorithm, hex) => {
    expect(validateCertFingerprint(input)).toEqual({ ok: true, value: { algorithm, hex }, warnings: [] });
  });

  it('accepts when the length matches the expected algorithm', () => {
    expect(validateCertFingerprint(SHA1, 'sha1')).toMatchObject({ ok: true, value: { algorithm: 'sha1' } });
  });

  it.each([
    ['', undefined, 'fingerprint_empty'],
    [' : : ', undefined, 'fingerprint_empty'],
    ['MD5:', undefined, 'fingerprint_empty'],
    [`${MD5.slice(0, 31)}g`, undefined, 'fingerprint_charset'],
    [`0x${MD5}`, undefined, 'fingerprint_charset'],
    [MD5.slice(0, 30), undefined, 'fingerprint_length'],
    [`${SHA1}00`, undefined, 'fingerprint_length'],
    [`${SHA256}0`, undefined, 'fingerprint_length'],
    [`SHA1: ${colons(MD5)}`, undefined, 'fingerprint_algorithm_mismatch'],
    [`SHA256: ${SHA1}`, undefined, 'fingerprint_algorithm_mismatch'],
    [MD5, 'sha1', 'fingerprint_algorithm_mismatch'], // iOS wants SHA-1 though the label says MD5
    [`Signer #1 certificate SHA-256 digest: ${SHA1}`, undefined, 'fingerprint_algorithm_mismatch'],
    [`MD5: ${MD5} (SHA1)`, undefined, 'fingerprint_algorithm_mismatch'],
    [`${SHA1} (MD5)`, undefined, 'fingerprint_algorithm_mismatch'],
    [`签名: ${MD5}`, undefined, 'fingerprint_charset'], // a label without its algorithm is not guessed
    [`"${MD5}" extra`, undefined, 'fingerprint_charset'],
  ] as const)('%j (expected %s) → %s', (input, expected, code) => {
    expect(validateCertFingerprint(input, expected)).toMatchObject({ ok: false, error: { code } });
  });
});

// Real keys from GROUND-TRUTH.md.
const A2DP_MODULUS = 'A796ABF7A8D80A961B22D848E98465EB9721408E9050956B93DCF6F1A5C18F9BAB3D03544945B03AF16A18937C16C41B5B93CD465A6C62548FA3E1857149ACBDB69EB694897B3A783FAE8D365AABF8EC38C2F2A889CD0CBE0F6BD92E9B59EA52A2AE2B0E8C1B95F10DA64A6358C09F107DE744DF134035F80D4262B8EE2E39263B6B4A00A909B7D6D44DD4E8321F37951FC8B843792B4D225A717D964754CEFBA7C88519B666BA0270AF4238D3ECD1E778F5E99CFA811EE7926BACEDB47306BCDBB3D47219438C5621F9092812824B3C46DFFCBA685CE4AD60FE8B85E7622BD77D2ECE82D21C0001DAD8593B7034127F5ED8C6BC32B48E0A4DF74239C65BABC9';
const P256_POINT = '04A65F113D22CB4913908307AC31EE2BA0E9138B785FAC6536D14EA2CE90D2B4BFE194B50CDC8E169F54A73A991EF0FA76329825BE078CC782740703DA44B4D7EB';

describe('validatePublicKeyHex', () => {
  it('accepts an RSA-2048 modulus as openssl prints it', () => {
    expect(validatePublicKeyHex(`Modulus=${A2DP_MODULUS}`)).toEqual({ ok: true, value: { kind: 'rsa', hex: A2DP_MODULUS, bits: 2048 }, warnings: [] });
  });

  it('normalises case, colons, spaces, newlines and the DER sign byte', () => {
    const keychain = A2DP_MODULUS.toLowerCase().match(/../g)!.join(' ');
    expect(validatePublicKeyHex(keychain)).toMatchObject({ ok: true, value: { hex: A2DP_MODULUS } });
    const openssl = `00:${A2DP_MODULUS.toLowerCase().match(/../g)!.join(':')}`.replace(/(.{45})/g, '$1\n    ');
    expect(validatePublicKeyHex(openssl)).toMatchObject({ ok: true, value: { hex: A2DP_MODULUS, bits: 2048 } });
  });

  it('accepts a P-256 point, uncompressed and compressed', () => {
    expect(validatePublicKeyHex(P256_POINT.toLowerCase())).toEqual({ ok: true, value: { kind: 'ec', hex: P256_POINT, bits: 256 }, warnings: [] });
    expect(validatePublicKeyHex(`03${P256_POINT.slice(2, 66)}`)).toMatchObject({ ok: true, value: { kind: 'ec', bits: 256 } });
  });

  it('warns public_key_weak for RSA-1024', () => {
    const r = validatePublicKeyHex(A2DP_MODULUS.slice(0, 256));
    expect(r).toMatchObject({ ok: true, value: { bits: 1024 } });
    expect(r.ok && r.warnings.map((w) => w.code)).toEqual(['public_key_weak']);
  });

  it.each([
    ['', 'public_key_empty'],
    ['Modulus=', 'public_key_empty'],
    [`${A2DP_MODULUS.slice(0, -1)}G`, 'public_key_charset'],
    [`0x${A2DP_MODULUS}`, 'public_key_charset'],
    [A2DP_MODULUS.slice(0, -1), 'public_key_odd_length'],
    [`30820122300D06092A864886F70D01010105000382010F003082010A02820101${'00'}${A2DP_MODULUS}0203010001`, 'public_key_der'],
    [`3059301306072A8648CE3D020106082A8648CE3D030107034200${P256_POINT}`, 'public_key_der'], // an EC SubjectPublicKeyInfo
    [A2DP_MODULUS.slice(0, 200), 'public_key_length'], // 800 bits
    [`1${A2DP_MODULUS.slice(1)}`, 'public_key_length'], // top bit clear: not a whole modulus
    [`05${P256_POINT.slice(2)}`, 'public_key_length'], // 130 hex but no point marker
    ['C1CABE8AD9DC272B2443A3A67BC443D5', 'public_key_length'], // an MD5 pasted into the key field
  ])('%j → %s', (input, code) => {
    expect(validatePublicKeyHex(input)).toMatchObject({ ok: false, error: { code } });
  });
});
