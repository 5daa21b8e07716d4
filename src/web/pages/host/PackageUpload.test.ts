// The upload panel speaks Chinese for everything the analyzer can say: each refusal code (a 422
// problem, shown by ErrorNotice through i18n.problem) and each warning (shown as
// package_warning_<code>, since `certificate_expired` already words an expired ID document).
import { describe, expect, it } from 'vitest';
import { ANALYZER_ERROR_CODES, ANALYZER_WARNING_CODES } from '../../../analyzer/index.ts';
import { makeI18n } from '../../i18n/index.tsx';
import { PROBLEM_ZH_WITH, problemZh } from '../../i18n/problems.ts';
import { findingText } from '../../components/PackageChecks.tsx';

const CJK = /[\u4e00-\u9fff]/;

describe('analyzer codes in the Chinese UI', () => {
  it('words every analyzer error code and the upload codes', () => {
    const codes = [...ANALYZER_ERROR_CODES, 'upload_too_large', 'upload_missing', 'upload_field_too_long', 'upload_too_many_parts', 'typed_values_invalid'];
    expect(codes.filter((c) => !CJK.test(problemZh(c) ?? ''))).toEqual([]);
  });

  it('words every analyzer warning code, the signing certificate\'s expiry not as an ID document\'s', () => {
    expect(ANALYZER_WARNING_CODES.filter((c) => !CJK.test(problemZh(`package_warning_${c}`) ?? ''))).toEqual([]);
    expect(problemZh('package_warning_certificate_expired')).toBe('签名证书已过期');
    expect(makeI18n('en').problem({ code: 'package_warning_unsigned', message: 'The APK carries no signature.' })).toBe('The APK carries no signature.');
  });

  it('says the values an analyzer warning names in Chinese (its params), dates as China dates; English keeps the analyzer\'s message', () => {
    const zh = makeI18n('zh-CN');
    const expiring = { code: 'certificate_expiring', message: 'The signing certificate CN=x expires on 2016-02-06T01:10:40Z, in 18 day(s).', params: { subject: 'CN=x', notAfter: '2016-02-06T01:10:40Z', daysLeft: 18 } };
    expect(findingText(zh, expiring)).toBe('签名证书将于 2016/02/06 到期（剩余 18 天）：到期后须用新证书重新签名，备案的证书信息也须变更');
    expect(findingText(makeI18n('en'), expiring)).toBe(expiring.message);
    expect(findingText(zh, { code: 'bundle_name_mismatch', message: 'x', params: { packageName: 'com.example.a', profileBundleName: 'com.ohos.settings' } }))
      .toBe('安装包的包名 com.example.a 与签名描述文件中的包名 com.ohos.settings 不一致');
    // Kept before params existed: the plain text.
    expect(findingText(zh, { code: 'certificate_expiring', message: 'x' })).toBe('签名证书将在 30 天内到期：到期后须用新证书重新签名，备案的证书信息也须变更');
    // No Chinese template names a value the analyzer does not give.
    const named = new Set(['subject', 'notAfter', 'notBefore', 'daysLeft', 'sha256', 'md5', 'profileName', 'profileType', 'packageName', 'profileBundleName', 'olderSubject', 'olderMd5', 'reason']);
    for (const c of ANALYZER_WARNING_CODES) {
      for (const m of (PROBLEM_ZH_WITH[`package_warning_${c}`] ?? '').matchAll(/\{(\w+)\}/g)) expect(named.has(m[1]!), `${c}: ${m[1]}`).toBe(true);
    }
  });
});
