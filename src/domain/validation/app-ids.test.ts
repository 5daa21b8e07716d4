import { describe, expect, it } from 'vitest';
import { validateAndroidPackageName, validateHarmonyBundleName, validateIosBundleId } from './app-ids.ts';

const warningCodes = (r: { ok: boolean; warnings?: { code: string }[] }) => (r.ok ? (r.warnings ?? []).map((w) => w.code) : null);

describe('validateAndroidPackageName', () => {
  // Real packages: the fixtures in ../shared/fixtures/packages and well-known Chinese apps.
  it.each(['a2dp.Vol', 'tests.androguard', 'android.appsecurity.cts.tinyapp', 'com.tencent.mm', 'com.eg.android.AlipayGphone',
    'com.ss.android.ugc.aweme', 'com.alibaba.aliyun', 'com.sina.weibo', 'x.y_z1'])('accepts %s as is (case kept)', (name) => {
    expect(validateAndroidPackageName(name)).toEqual({ ok: true, value: name, warnings: [] });
  });

  it('trims surrounding whitespace', () => {
    expect(validateAndroidPackageName('  com.tencent.mm\n')).toMatchObject({ ok: true, value: 'com.tencent.mm' });
  });

  it('warns on Java keywords, which Android itself allows', () => {
    expect(warningCodes(validateAndroidPackageName('com.example.new'))).toEqual(['android_package_java_keyword']);
    expect(warningCodes(validateAndroidPackageName('int.example'))).toEqual(['android_package_java_keyword']);
  });

  it('allows 223 characters, refuses 224', () => {
    const name = `com.${'a'.repeat(219)}`;
    expect(validateAndroidPackageName(name).ok).toBe(true);
    expect(validateAndroidPackageName(`${name}b`)).toMatchObject({ ok: false, error: { code: 'android_package_too_long' } });
  });

  it.each([
    ['', 'android_package_empty'],
    ['   ', 'android_package_empty'],
    ['tencent', 'android_package_segments'],
    ['com..tencent', 'android_package_segment'],
    ['.com.tencent', 'android_package_segment'],
    ['com.tencent.', 'android_package_segment'],
    ['com.1tencent', 'android_package_segment'],
    ['com._tencent', 'android_package_segment'],
    ['com.ten-cent', 'android_package_segment'],
    ['com.ten cent', 'android_package_segment'],
    ['com.$tencent', 'android_package_segment'],
    ['com.腾讯.mm', 'android_package_segment'],
  ])('%j → %s', (input, code) => {
    expect(validateAndroidPackageName(input)).toMatchObject({ ok: false, error: { code } });
  });
});

describe('validateIosBundleId', () => {
  it.each(['com.lesspainful.example.LPSimpleExample-cal', 'com.tencent.xin', 'com.taobao.taobao4iphone', 'com.9app.x', 'cn.gov.miit-app'])('accepts %s', (id) => {
    expect(validateIosBundleId(id)).toEqual({ ok: true, value: id, warnings: [] });
  });

  it('warns when not in reverse-DNS form', () => {
    expect(warningCodes(validateIosBundleId('MyApp'))).toEqual(['ios_bundle_id_not_reverse_dns']);
  });

  it.each([
    ['', 'ios_bundle_id_empty'],
    ['com.example.*', 'ios_bundle_id_charset'],
    ['com.example.my_app', 'ios_bundle_id_charset'],
    ['com.example.my app', 'ios_bundle_id_charset'],
    ['com.例子.app', 'ios_bundle_id_charset'],
    ['com..example', 'ios_bundle_id_segment'],
    ['com.example.', 'ios_bundle_id_segment'],
    [`com.${'a'.repeat(252)}`, 'ios_bundle_id_too_long'],
  ])('%j → %s', (input, code) => {
    expect(validateIosBundleId(input)).toMatchObject({ ok: false, error: { code } });
  });
});

describe('validateHarmonyBundleName', () => {
  // com.example.nativetemplatedemo and com.ohos.settings: the HAP fixture's two bundle names.
  it.each(['com.example.nativetemplatedemo', 'com.ohos.settings', 'com.huawei.hmos.wallet', 'com.example_co.app'])('accepts %s', (name) => {
    expect(validateHarmonyBundleName(name)).toEqual({ ok: true, value: name, warnings: [] });
  });

  it('counts 7 and 128 characters as the inclusive bounds', () => {
    expect(validateHarmonyBundleName('com.abc').ok).toBe(true);
    expect(validateHarmonyBundleName(`com.${'a'.repeat(124)}`).ok).toBe(true);
  });

  it('warns on single-segment names and segments not starting with a letter', () => {
    expect(warningCodes(validateHarmonyBundleName('myharmonyapp'))).toEqual(['harmony_bundle_name_not_reverse_domain']);
    expect(warningCodes(validateHarmonyBundleName('com.example.1app'))).toEqual(['harmony_bundle_name_segment_start']);
    expect(warningCodes(validateHarmonyBundleName('com._internal.app'))).toEqual(['harmony_bundle_name_segment_start']);
  });

  it.each([
    ['com.ab', 'harmony_bundle_name_length'],
    ['', 'harmony_bundle_name_length'],
    [`com.${'a'.repeat(125)}`, 'harmony_bundle_name_length'],
    ['com.example-app', 'harmony_bundle_name_charset'],
    ['com.example.应用', 'harmony_bundle_name_charset'],
    ['1com.example', 'harmony_bundle_name_start'],
    ['_com.example', 'harmony_bundle_name_start'],
    ['com..example', 'harmony_bundle_name_segment'],
    ['com.example.', 'harmony_bundle_name_segment'],
  ])('%j → %s', (input, code) => {
    expect(validateHarmonyBundleName(input)).toMatchObject({ ok: false, error: { code } });
  });
});
