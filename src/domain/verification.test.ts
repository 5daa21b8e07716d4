import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalFingerprintBytes, identityKey, isCanonicalPackage, isCanonicalPackageBytes, judge, judgeGist, matchingPackageName, parseItem, parseItemFully, VERIFY_PLATFORMS,
  RECORDED_MD5, RECORDED_SHA1, RECORDED_SHA256, type RegisteredIdentity, removedIdentities } from './verification.ts';

const r = (over: Partial<RegisteredIdentity> = {}): RegisteredIdentity => ({
  serviceId: 's1', active: true, serviceStatus: 'filed', certMd5: 'a'.repeat(32), certSha1: 'b'.repeat(40), certSha256: null,
  serviceNumber: '粤ICP备2024000001号-1A', mainNumber: '粤ICP备2024000001号', serviceName: 'x', hostName: 'h', hostType: 'unit',
  filedAt: '1970-01-01T00:00:00.000Z', statusChangedAt: '1970-01-01T00:00:00.000Z', shellSince: null, ...over,
});

describe('matchingPackageName (iOS bundle IDs are case-insensitive; Android and HarmonyOS names are not)', () => {
  it('folds iOS bundle IDs to lower case and leaves the others as they are', () => {
    expect(matchingPackageName('ios', 'COM.Example.Ledger-2')).toBe('com.example.ledger-2');
    expect(identityKey('ios', 'COM.EXAMPLE.LEDGER')).toBe(identityKey('ios', 'com.example.ledger'));
    expect(identityKey('android', 'a2dp.Vol')).not.toBe(identityKey('android', 'a2dp.vol'));
    expect(identityKey('harmonyos', 'com.Example.app')).not.toBe(identityKey('harmonyos', 'com.example.app'));
  });
});

describe('judge', () => {
  it('no record → not_filed', () => expect(judge(null, { md5: 'a'.repeat(32) })).toEqual({ status: 'not_filed', matchedBy: null }));
  it('matching fingerprint → filed, by its algorithm', () => {
    expect(judge(r(), { md5: 'a'.repeat(32) })).toEqual({ status: 'filed', matchedBy: 'md5' });
    expect(judge(r(), { sha1: 'b'.repeat(40) })).toEqual({ status: 'filed', matchedBy: 'sha1' });
  });
  it('the strongest algorithm both sides know decides', () => {
    expect(judge(r(), { md5: 'a'.repeat(32), sha1: 'c'.repeat(40) })).toEqual({ status: 'fingerprint_mismatch', matchedBy: null });
    expect(judge(r({ certSha256: 'd'.repeat(64) }), { md5: 'a'.repeat(32), sha1: 'b'.repeat(40), sha256: 'd'.repeat(64) })).toEqual({ status: 'filed', matchedBy: 'sha256' });
  });
  it('a different certificate → fingerprint_mismatch', () => expect(judge(r(), { md5: 'f'.repeat(32) }).status).toBe('fingerprint_mismatch'));
  it('no common algorithm → mismatch naming what the filing records', () => {
    expect(judge(r(), { sha256: 'd'.repeat(64) })).toEqual({ status: 'fingerprint_mismatch', matchedBy: null, recordedAlgorithms: ['sha1', 'md5'] });
    expect(judge(r(), {})).toMatchObject({ status: 'fingerprint_mismatch', recordedAlgorithms: ['sha1', 'md5'] });
  });
  it('a shell answers shell for its certificate, and a mismatch for another', () => {
    expect(judge(r({ shellSince: '2026-01-01T00:00:00.000Z' }), { md5: 'a'.repeat(32) })).toEqual({ status: 'shell', matchedBy: 'md5' });
    expect(judge(r({ shellSince: '2026-01-01T00:00:00.000Z' }), { md5: 'f'.repeat(32) }).status).toBe('fingerprint_mismatch');
  });
  it('an inactive record answers its final status whatever the certificate', () => {
    expect(judge(r({ active: false, serviceStatus: 'revoked' }), { md5: 'a'.repeat(32) })).toEqual({ status: 'revoked', matchedBy: 'md5' });
    expect(judge(r({ active: false, serviceStatus: 'cancelled' }), { md5: 'f'.repeat(32) })).toEqual({ status: 'cancelled', matchedBy: null });
    // Nothing comparable on file (a SHA-256 where the filing has MD5 and SHA-1): say what is, as for a filed one.
    expect(judge(r({ active: false, serviceStatus: 'revoked', certSha1: null }), { sha1: 'b'.repeat(40) })).toEqual({ status: 'revoked', matchedBy: null, recordedAlgorithms: ['md5'] });
    expect(judge(r({ active: false, serviceStatus: 'cancelled' }), { sha256: 'c'.repeat(64) })).toEqual({ status: 'cancelled', matchedBy: null, recordedAlgorithms: ['sha1', 'md5'] });
    expect(judge(r({ active: false, serviceStatus: 'filed' }), { md5: 'a'.repeat(32) }).status).toBe('not_filed');
  });
});

describe('parseItem', () => {
  it('normalises platform case and fingerprint format; keeps package case', () => {
    expect(parseItem({ platform: ' Android ', packageName: ' a2dp.Vol ', fingerprint: 'AA:'.repeat(15) + 'AA' })).toEqual({
      ok: true, value: { platform: 'android', packageName: 'a2dp.Vol', algorithm: 'md5', hex: 'a'.repeat(32) },
    });
  });
  it('names the field and code of a malformed item', () => {
    expect(parseItem({ platform: 'symbian', packageName: 'a.b', fingerprint: 'a'.repeat(32) })).toMatchObject({ ok: false, problem: { field: 'platform', code: 'platform_unknown' } });
    expect(parseItem({ platform: 'ios', packageName: 'a b', fingerprint: 'a'.repeat(32) })).toMatchObject({ ok: false, problem: { field: 'packageName', code: 'ios_bundle_id_charset' } });
    expect(parseItem({ platform: 'harmonyos', packageName: 'com.example.demo', fingerprint: '' })).toMatchObject({ ok: false, problem: { field: 'fingerprint', code: 'fingerprint_empty' } });
    expect(parseItem({ platform: 'android', packageName: 'a.b', fingerprint: 'MD5: ' + 'a'.repeat(40) })).toMatchObject({ ok: false, problem: { code: 'fingerprint_algorithm_mismatch' } });
  });
  it('answers canonical items (its fast path) exactly as the validators do, at every edge of the fast path', () => {
    const hex = (n: number) => '0123456789abcdef'.repeat(4).slice(0, n);
    const packages = [
      'a.b', 'a', 'a.', '.a', 'a..b', 'A1_.b2', '1a.b', 'a.1b', 'a._b', 'a-b.c', 'com.example.app', ' a.b', 'a.b ', 'a.b\n', 'a.é',
      'abc.def', 'abc.de', 'abcdefg', 'abcdef', 'a.b-c', 'Ab_9.c', `a.${'b'.repeat(220)}`, `a.${'b'.repeat(221)}`, `a.${'b'.repeat(222)}`, `a.${'b'.repeat(252)}`, `a.${'b'.repeat(254)}`, 'abc..def', 'abcdefg.',
      `a.${'b'.repeat(253)}`, `a.${'b'.repeat(125)}`, `a.${'b'.repeat(126)}`, 'class.int', 'a.b.',
    ];
    const fingerprints = [hex(32), hex(40), hex(64), hex(31), hex(33), hex(63), hex(65), hex(32).toUpperCase(), `AB${hex(30)}`, `${hex(30)}:ab`,
      ` ${hex(32)}`, `md5:${hex(32)}`, `${hex(31)}g`, ''];
    let compared = 0;
    for (const platform of ['android', 'ios', 'harmonyos', 'Android', ' ios', 'constructor', 'toString']) {
      for (const packageName of packages) {
        for (const fingerprint of fingerprints) {
          const item = { platform, packageName, fingerprint };
          expect(parseItem(item), JSON.stringify(item)).toEqual(parseItemFully(item));
          compared += 1;
        }
      }
    }
    expect(compared).toBe(7 * packages.length * fingerprints.length);
  });
});

describe('the canonical shapes over bytes (a batch body read in place)', () => {
  // Segments of characters near the rules' edges: letters, digits, _, -, dots, and a few others.
  const ALPHABET = 'aZ09_-.'.split('').concat(['b', 'C', '.', '.', '@', ' ', '~']);
  const packageText = fc.oneof(
    fc.array(fc.constantFrom(...ALPHABET), { maxLength: 12 }).map((a) => a.join('')),
    fc.tuple(fc.stringMatching(/^[A-Za-z0-9_-]{0,6}$/), fc.array(fc.stringMatching(/^[A-Za-z0-9_-]{0,5}$/), { maxLength: 4 })).map(([h, t]) => [h, ...t].join('.')),
    fc.integer({ min: 0, max: 300 }).map((n) => `a.${'b'.repeat(n)}`),
  );
  it('isCanonicalPackageBytes agrees with the regular expressions for every platform', () => {
    fc.assert(fc.property(fc.constantFrom(...VERIFY_PLATFORMS), packageText, (platform, pkg) => {
      const b = Buffer.from(`xx${pkg}yy`, 'latin1');
      expect(isCanonicalPackageBytes(platform, b, 2, b.length - 2)).toBe(isCanonicalPackage(platform, pkg));
    }), { numRuns: 20_000 });
  });
  it('canonicalFingerprintBytes takes plain hex of 32, 40 or 64 digits of either case, as parseItem does unchanged', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...'0123456789abcdefABCDEFg: '), { minLength: 0, maxLength: 66 }).map((a) => a.join('')), (fp) => {
      const b = Buffer.from(fp, 'latin1');
      const p = parseItem({ platform: 'android', packageName: 'a.b', fingerprint: fp });
      const plain = p.ok && p.value.hex === fp.toLowerCase();
      expect(canonicalFingerprintBytes(b, 0, b.length)).toBe(plain ? p.value.algorithm : null);
    }), { numRuns: 20_000 });
  });
});

describe('judgeGist (the lean read of the identity index)', () => {
  it('answers as judge for one presented fingerprint, in every case', () => {
    const fp = { md5: 'a'.repeat(32), sha1: 'b'.repeat(40), sha256: 'c'.repeat(64) } as const;
    const other = { md5: '1'.repeat(32), sha1: '2'.repeat(40), sha256: '3'.repeat(64) } as const;
    let cases = 0;
    for (const active of [true, false]) for (const serviceStatus of ['filed', 'cancelled', 'revoked'] as const) for (const shell of [true, false]) {
      for (let recorded = 0; recorded < 8; recorded++) for (const algorithm of ['md5', 'sha1', 'sha256'] as const) for (const same of [true, false]) {
        const id: RegisteredIdentity = {
          serviceId: '00000000-0000-4000-8000-000000000000', active, serviceStatus,
          certMd5: (recorded & RECORDED_MD5) ? fp.md5 : null, certSha1: (recorded & RECORDED_SHA1) ? fp.sha1 : null, certSha256: (recorded & RECORDED_SHA256) ? fp.sha256 : null,
          serviceNumber: 'n', mainNumber: 'm', serviceName: 's', hostName: 'h', hostType: 'unit',
          filedAt: '2024-01-01T00:00:00.000Z', statusChangedAt: '2024-01-01T00:00:00.000Z', shellSince: shell ? '2024-02-01T00:00:00.000Z' : null,
        };
        const hex = same ? fp[algorithm] : other[algorithm];
        const stored = { md5: id.certMd5, sha1: id.certSha1, sha256: id.certSha256 }[algorithm];
        const match = stored === null ? -1 : stored === hex ? 1 : 0;
        expect(judgeGist({ active, serviceStatus, shell, recorded, match }, algorithm)).toEqual(judge(id, { [algorithm]: hex }));
        cases += 1;
      }
    }
    expect(cases).toBe(2 * 3 * 2 * 8 * 3 * 2);
    expect(judgeGist(null, 'sha256')).toEqual(judge(null, { sha256: fp.sha256 }));
  });
});

describe('removedIdentities (what a change stopped answering filed)', () => {
  const ios = { platform: 'ios', packageName: 'com.example.ledger', certMd5: null, certSha1: 'ab'.repeat(20), certSha256: null };
  it('removes nothing when the identities stay, a bundle ID changes case, or a fingerprint of the same certificate is added', () => {
    expect(removedIdentities([ios], [ios])).toEqual([]);
    expect(removedIdentities([ios], [{ ...ios, packageName: 'COM.Example.Ledger', certSha1: 'AB'.repeat(20) }])).toEqual([]);
    expect(removedIdentities([ios], [{ ...ios, certSha256: 'cd'.repeat(32) }])).toEqual([]);
  });
  it('names a dropped or renamed package not_filed, and a replaced certificate fingerprint_mismatch with the old fingerprints only', () => {
    expect(removedIdentities([ios], [])).toEqual([{ ...ios, verificationStatus: 'not_filed' }]);
    expect(removedIdentities([ios], [{ ...ios, packageName: 'com.example.other' }])).toEqual([{ ...ios, verificationStatus: 'not_filed' }]);
    const android = { platform: 'android', packageName: 'a2dp.Vol', certMd5: '01'.repeat(16), certSha1: null, certSha256: 'ef'.repeat(32) };
    expect(removedIdentities([android], [{ ...android, packageName: 'a2dp.vol' }])).toEqual([{ ...android, verificationStatus: 'not_filed' }]); // case-sensitive
    expect(removedIdentities([android], [{ ...android, certSha256: '99'.repeat(32) }]))
      .toEqual([{ ...android, certMd5: null, verificationStatus: 'fingerprint_mismatch' }]);
  });
});
