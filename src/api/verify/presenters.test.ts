// resultJson writes what JSON.stringify writes for every kind of verification answer (the routes
// send its text as the body: issue 16 item 6), including strings that need escaping.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdentityIndex, IdentityRead } from '../../db/identity-index.ts';
import { judge, judgeGist, type RegisteredIdentity } from '../../domain/verification.ts';
import { hostileString } from '../../../tests/hostile.ts';
import { JsonBytes } from './json-bytes.ts';
import { presentIdentityResult, presentInvalid, resultJson, writeIdentityResult } from './presenters.ts';

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

  it('gives a shell its shellSince as the China date (YYYY-MM-DD), and no other status any', () => {
    const shell = identity({ shellSince: '2026-10-22T20:00:02.462Z' });
    expect(presentIdentityResult('android', 'a2dp.Vol', shell, judge(shell, { md5: 'a'.repeat(32) }))).toMatchObject({ status: 'shell', shellSince: '2026-10-23' });
    expect(presentIdentityResult('android', 'a2dp.Vol', shell, judge(shell, { md5: 'c'.repeat(32) })).shellSince).toBeUndefined();
    expect(presentIdentityResult('android', 'a2dp.Vol', identity(), judge(identity(), { md5: 'a'.repeat(32) })).shellSince).toBeUndefined();
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

describe('writeIdentityResult (the batch\'s bytes, from the identity index)', () => {
  const text = fc.oneof(hostileString.filter((s) => s.length <= 2000), fc.constantFrom('星辰记账', 'Café "x"\\', '𠀀号', '张三', '\u0000\n'));
  const algorithm = fc.constantFrom('md5' as const, 'sha1' as const, 'sha256' as const);
  const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
  const facts = fc.record({
    active: fc.boolean(), serviceStatus: fc.constantFrom('filed' as const, 'cancelled' as const, 'revoked' as const),
    certMd5: fc.option(hex(32)), certSha1: fc.option(hex(40)), certSha256: fc.option(hex(64)),
    serviceNumber: text, mainKind: fc.constantFrom('prefix', 'other', 'null'), mainOther: text, prefix: fc.nat(),
    serviceName: text, hostName: text, hostType: fc.constantFrom('unit' as const, 'individual' as const),
    filedAt: fc.integer({ min: 0, max: 4.1e12 }), changed: fc.option(fc.integer({ min: 0, max: 4.1e12 })), shell: fc.option(fc.integer({ min: 0, max: 4.1e12 })),
  });

  it('equals resultJson(presentIdentityResult(…)) of the same identity, for every status, algorithm and string', () => {
    const statuses = new Set<string>();
    fc.assert(fc.property(facts, algorithm, fc.boolean(), fc.option(text, { nil: undefined }), (f, alg, same, ref) => {
      const iso = (ms: number) => new Date(ms).toISOString();
      const r: RegisteredIdentity = {
        serviceId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', active: f.active, serviceStatus: f.serviceStatus,
        certMd5: f.certMd5, certSha1: f.certSha1, certSha256: f.certSha256, serviceNumber: f.serviceNumber,
        mainNumber: (f.mainKind === 'prefix' ? f.serviceNumber.slice(0, f.prefix % (f.serviceNumber.length + 1)) : f.mainKind === 'other' ? f.mainOther : null) as string,
        serviceName: f.serviceName, hostName: f.hostName, hostType: f.hostType,
        filedAt: iso(f.filedAt), statusChangedAt: iso(f.changed ?? f.filedAt), shellSince: f.shell === null ? null : iso(f.shell),
      };
      const ix = new IdentityIndex();
      ix.put('android', 'a2dp.Vol', r);
      const recorded = alg === 'md5' ? r.certMd5 : alg === 'sha1' ? r.certSha1 : r.certSha256;
      const asked = same && recorded ? recorded : '0'.repeat(alg === 'md5' ? 32 : alg === 'sha1' ? 40 : 64);
      const read = new IdentityRead();
      expect(ix.read('android', 'a2dp.Vol', alg, asked, read)).toBe(true);
      const j = judgeGist(read, alg);
      if (j.status !== 'not_filed') ix.readSpans(read);
      const w = new JsonBytes(16);
      writeIdentityResult(w, 'android', 'a2dp.Vol', read, j, ref);
      const view = presentIdentityResult('android', 'a2dp.Vol', ix.get('android', 'a2dp.Vol'), judge(r, { [alg]: asked }), ref);
      statuses.add(view.status);
      expect(w.bytes().toString('utf8')).toBe(resultJson(view));
      expect(Buffer.from(w.bytes())).toEqual(Buffer.from(JSON.stringify(view), 'utf8'));
      const none = new JsonBytes(16);
      writeIdentityResult(none, 'ios', 'never.seen', null, judgeGist(null, alg), ref);
      expect(none.bytes().toString('utf8')).toBe(JSON.stringify(presentIdentityResult('ios', 'never.seen', null, judge(null, { [alg]: asked }), ref)));
    }), { numRuns: 600 });
    expect([...statuses].sort()).toEqual(['cancelled', 'filed', 'fingerprint_mismatch', 'not_filed', 'revoked', 'shell']);
  });
});
