// resultJson writes what JSON.stringify writes for every kind of verification answer (the routes
// send its text as the body: issue 16 item 6), including strings that need escaping.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judge, type RegisteredIdentity } from '../../domain/verification.ts';
import { hostileString } from '../../../tests/hostile.ts';
import { presentIdentityResult, presentInvalid, resultJson } from './presenters.ts';

const identity = (over: Partial<RegisteredIdentity> = {}): RegisteredIdentity => ({
  serviceId: '00000000-0000-4000-8000-000000000001', active: true, serviceStatus: 'filed',
  certMd5: 'a'.repeat(32), certSha1: null, certSha256: 'b'.repeat(64),
  serviceNumber: '粤ICP备2024000001号-2A', mainNumber: '粤ICP备2024000001号', serviceName: 'A2DP "Volume"\\\n', hostName: '张三',
  hostType: 'individual', filedAt: '2024-05-20T02:00:00.000Z', statusChangedAt: '2024-06-01T00:00:00.000Z', shellSince: null, ...over,
});

describe('resultJson', () => {
  it('equals JSON.stringify of the answer: filed, shell, mismatch (judged and not), revoked, cancelled, not filed, never seen, invalid', () => {
    const cases = [
      [identity(), { md5: 'a'.repeat(32) }],
      [identity({ hostType: 'unit', hostName: '深圳市示例网络科技有限公司' }), { sha256: 'b'.repeat(64) }],
      [identity({ shellSince: '2025-01-01T00:00:00.000Z' }), { md5: 'a'.repeat(32) }],
      [identity(), { md5: 'c'.repeat(32) }],
      [identity(), { sha1: 'c'.repeat(40) }], // no common algorithm: recordedAlgorithms
      [identity({ active: false, serviceStatus: 'revoked' }), { md5: 'a'.repeat(32) }],
      [identity({ active: false, serviceStatus: 'cancelled' }), { md5: 'c'.repeat(32) }],
      [identity({ active: false, serviceStatus: 'filed' }), { md5: 'a'.repeat(32) }],
      [identity({ mainNumber: null as unknown as string }), { md5: 'a'.repeat(32) }],
      [null, { md5: 'a'.repeat(32) }],
    ] as const;
    const statuses = new Set<string>();
    for (const [r, presented] of cases) {
      for (const ref of [undefined, 'r-1', '"quoted"\u2028']) {
        const view = presentIdentityResult('android', 'a2dp.Vol', r, judge(r, presented), ref);
        statuses.add(view.status);
        expect(resultJson(view)).toBe(JSON.stringify(view));
      }
    }
    expect([...statuses].sort()).toEqual(['cancelled', 'filed', 'fingerprint_mismatch', 'not_filed', 'revoked', 'shell']);
    const invalid = presentInvalid({ platform: 'symbian', packageName: 7 }, { field: 'platform', code: 'platform_unknown', message: 'platform is "one" of …' }, 'x');
    expect(resultJson(invalid)).toBe(JSON.stringify(invalid));
  });

  it('equals JSON.stringify whatever the strings hold', () => {
    fc.assert(fc.property(hostileString, hostileString, hostileString, fc.option(hostileString, { nil: undefined }), (pkg, name, host, ref) => {
      const r = identity({ serviceName: name, hostName: host, hostType: 'unit' });
      const view = presentIdentityResult('ios', pkg, r, judge(r, { md5: 'a'.repeat(32) }), ref);
      expect(resultJson(view)).toBe(JSON.stringify(view));
      const invalid = presentInvalid({ platform: pkg, packageName: name }, { field: 'packageName', code: 'x', message: host }, ref);
      expect(resultJson(invalid)).toBe(JSON.stringify(invalid));
    }), { numRuns: 300 });
  });
});
