import { describe, expect, it } from 'vitest';
import { A2DP, HAP, LPSIMPLE, run, validApp } from './test-support.ts';

describe('platforms (APP feature info, DOMAIN.md §2.4)', () => {
  it('one record per platform, a known platform', () => {
    const m = validApp();
    m.platforms[1] = { ...m.platforms[0]! };
    expect(run(m).errors).toEqual([['platforms.1.platform', 'platform_duplicate']]);
    (m.platforms[1] as unknown as Record<string, string>).platform = 'blackberry';
    expect(run(m).errors).toEqual([['platforms.1.platform', 'invalid_option']]);
  });

  it('the package name is validated per platform', () => {
    const m = validApp();
    m.platforms[0]!.packageName = 'a2dp';
    m.platforms[1]!.packageName = 'com.example.my_app';
    expect(run(m).errors).toEqual([['platforms.0.packageName', 'android_package_segments'], ['platforms.1.packageName', 'ios_bundle_id_charset']]);
    m.platforms[1] = { platform: 'harmonyos', packageName: 'com.x', publicKey: HAP.publicKey, certSha256: HAP.sha256, domains: [] };
    m.platforms[0]!.packageName = A2DP.packageName;
    expect(run(m).errors).toEqual([['platforms.1.packageName', 'harmony_bundle_name_length']]);
  });

  it('the public key is a modulus or EC point in hex', () => {
    const m = validApp();
    m.platforms[0]!.publicKey = 'not hex';
    m.platforms[1]!.publicKey = `30820122300D06092A864886F70D01010105000382010F003082010A0282010100${LPSIMPLE.publicKey}0203010001`;
    expect(run(m).errors).toEqual([['platforms.0.publicKey', 'public_key_charset'], ['platforms.1.publicKey', 'public_key_der']]);
    m.platforms[0]!.publicKey = '';
    m.platforms[1]!.publicKey = LPSIMPLE.publicKey;
    expect(run(m).errors).toEqual([['platforms.0.publicKey', 'required']]);
  });

  it('the filing fingerprint is required: MD5 for Android, SHA-1 for iOS, SHA-256 for HarmonyOS', () => {
    const m = validApp();
    m.platforms[0]!.certMd5 = null;
    m.platforms[1]!.certSha1 = undefined;
    m.platforms.push({ platform: 'harmonyos', packageName: HAP.packageName, publicKey: HAP.publicKey, certSha1: '0d287f8fc968cf90bf51602c9d880158fd4961af', domains: [] });
    expect(run(m).errors).toEqual([['platforms.0.certMd5', 'required'], ['platforms.1.certSha1', 'required'], ['platforms.2.certSha256', 'required']]);
  });

  it('every fingerprint given is of its field\'s algorithm', () => {
    const m = validApp();
    m.platforms[1]!.certSha1 = LPSIMPLE.md5; // the mislabelled "MD5签名值" of iOS (DOMAIN.md §7)
    m.platforms[0]!.certSha256 = A2DP.sha1;
    m.platforms[0]!.certMd5 = 'zz';
    expect(run(m).errors).toEqual([
      ['platforms.0.certMd5', 'fingerprint_charset'],
      ['platforms.0.certSha256', 'fingerprint_algorithm_mismatch'],
      ['platforms.1.certSha1', 'fingerprint_algorithm_mismatch'],
    ]);
  });

  it('platform domains are chosen from the service domains', () => {
    const m = validApp();
    m.platforms[0]!.domains = ['cdn.demo-tech.cn', 'bad_domain'];
    expect(run(m).errors).toEqual([['platforms.0.domains.1', 'domain_charset'], ['platforms.0.domains.0', 'platform_domain_not_in_service']]);
  });

  it('the weak-key warning of the validator passes through', () => {
    const m = validApp();
    m.platforms[0]!.publicKey = `C${'0'.repeat(255)}`;
    const r = run(m);
    expect(r.errors).toEqual([]);
    expect(r.warns).toEqual([['platforms.0.publicKey', 'public_key_weak']]);
  });
});
