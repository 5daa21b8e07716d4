// The upload panel speaks Chinese for everything the analyzer can say: each refusal code (a 422
// problem, shown by ErrorNotice through i18n.problem) and each warning (shown as
// package_warning_<code>, since `certificate_expired` already words an expired ID document).
import { describe, expect, it } from 'vitest';
import { ANALYZER_ERROR_CODES, ANALYZER_WARNING_CODES } from '../../../analyzer/index.ts';
import { makeI18n } from '../../i18n/index.tsx';
import { problemZh } from '../../i18n/problems.ts';

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
});
