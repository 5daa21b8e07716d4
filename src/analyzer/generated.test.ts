// Packages we make with the real tools — keytool keys (RSA, EC P-256/P-384, DSA, an Android debug
// key), aapt APKs (UTF-8 and UTF-16 resource tables), jarsigner v1, apksigner v1/v2/v3, two
// signers, key rotation with a lineage — and what apksigner, keytool, aapt and openssl say about
// them. The analyzer must agree with each of them, field by field.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeCertificate, analyzePackage, type AnalysisResult, type CertificateInfo, type SignatureScheme } from './index.ts';
import {
  aaptBadging, apksignerVerify, buildApk, generateKey, keytoolJar, ksArgs, opensslFacts, PASS,
  type ApksignerReport, type BadgingFacts, type Key, type KeySpec, type KeytoolCert,
} from './test-support/reference.ts';
import { FRAMEWORK_RES, requireTools, run } from './test-support/tools.ts';
import { ZipPackage } from './zip.ts';

const NOW = new Date('2030-01-01T00:00:00Z');
const dir = mkdtempSync(path.join(tmpdir(), 'beian-analyzer-'));

const KEYS: Record<string, KeySpec> = {
  rsa: { alias: 'release', dname: 'CN=Beian Release, OU=移动应用, O=Acme\\, Inc., L=北京, ST=Beijing, C=CN', keyalg: ['-keyalg', 'RSA', '-keysize', '2048'] },
  rotated: { alias: 'rotated', dname: 'CN=Beian Rotated 2030, O=Beian, C=CN', keyalg: ['-keyalg', 'RSA', '-keysize', '3072'] },
  ec: { alias: 'ec', dname: 'CN=Beian EC P-256, C=CN', keyalg: ['-keyalg', 'EC', '-groupname', 'secp256r1'] },
  ec384: { alias: 'ec384', dname: 'CN=Beian EC P-384, C=CN', keyalg: ['-keyalg', 'EC', '-groupname', 'secp384r1'] },
  dsa: { alias: 'dsa', dname: 'CN=Beian DSA, C=CN', keyalg: ['-keyalg', 'DSA', '-keysize', '2048'] },
  debug: { alias: 'androiddebugkey', dname: 'CN=Android Debug,O=Android,C=US', keyalg: ['-keyalg', 'RSA', '-keysize', '2048'], storepass: 'android' },
};

const MANIFEST = { packageName: 'org.beian.sample', versionCode: 42, versionName: '4.2.0-beta', label: '备案示例 Beian "Sample"', labelZh: '备案示例' };
const V1 = ['--v1-signing-enabled', 'true'];
const NO_V1 = ['--v1-signing-enabled', 'false'];
const V2 = ['--v2-signing-enabled', 'true'];
const NO_V2 = ['--v2-signing-enabled', 'false'];
const V3 = ['--v3-signing-enabled', 'true'];
const NO_V3 = ['--v3-signing-enabled', 'false'];

interface Variant {
  base: 'utf8' | 'utf16' | 'none';
  /** Expected signers: key name → schemes, in order. */
  expect: [string, SignatureScheme[]][];
  sign: (apk: string, keys: Record<string, Key>) => Promise<void>;
  /** apksigner verify options, and a second run for rotation's older signer. */
  verify: string[][];
  warnings?: string[];
}

const jarsign = (key: string) => async (apk: string, keys: Record<string, Key>) => {
  const k = keys[key] as Key;
  await run('jarsigner', ['-keystore', k.store, '-storepass', k.storepass, apk, k.alias]);
};
const apksign = (names: string[], flags: string[]) => async (apk: string, keys: Record<string, Key>) => {
  const signers = names.flatMap((n, i) => [...(i > 0 ? ['--next-signer'] : []), ...ksArgs(keys[n] as Key)]);
  await run('apksigner', ['sign', ...flags, ...signers, apk]);
};

const VARIANTS: Record<string, Variant> = {
  'v1-jarsigner-rsa': { base: 'utf8', expect: [['rsa', ['v1']]], sign: jarsign('rsa'), verify: [[]] },
  'v1-jarsigner-ec': { base: 'utf8', expect: [['ec', ['v1']]], sign: jarsign('ec'), verify: [[]] },
  'v1-jarsigner-dsa': { base: 'utf8', expect: [['dsa', ['v1']]], sign: jarsign('dsa'), verify: [[]] },
  'v2-only-ec384-utf16': { base: 'utf16', expect: [['ec384', ['v2']]], sign: apksign(['ec384'], [...NO_V1, ...V2, ...NO_V3]), verify: [['--min-sdk-version', '24']] },
  'v1-v2-v3-rsa': { base: 'utf8', expect: [['rsa', ['v1', 'v2', 'v3']]], sign: apksign(['rsa'], [...V1, ...V2, ...V3]), verify: [[]] },
  'v3-only-rsa': { base: 'utf8', expect: [['rsa', ['v3']]], sign: apksign(['rsa'], ['--min-sdk-version', '28', ...NO_V1, ...NO_V2, ...V3]), verify: [['--min-sdk-version', '28']] },
  'v2-dsa': { base: 'utf8', expect: [['dsa', ['v1', 'v2']]], sign: apksign(['dsa'], [...V1, ...V2, ...NO_V3]), verify: [[]] },
  'debug-v1-v2': { base: 'utf8', expect: [['debug', ['v1', 'v2']]], sign: apksign(['debug'], [...V1, ...V2, ...NO_V3]), verify: [[]], warnings: ['debug_certificate'] },
  'two-signers-v1-v2': { base: 'utf8', expect: [['rsa', ['v1', 'v2']], ['ec', ['v1', 'v2']]], sign: apksign(['rsa', 'ec'], [...V1, ...V2, ...NO_V3]), verify: [[]] },
  'rotation-lineage': {
    base: 'utf8',
    expect: [['rotated', ['v3']], ['rsa', ['v1', 'v2']]],
    sign: async (apk, keys) => {
      const lineage = `${apk}.lineage`;
      await run('apksigner', ['rotate', '--out', lineage, '--old-signer', ...ksArgs(keys.rsa as Key), '--new-signer', ...ksArgs(keys.rotated as Key)]);
      await apksign(['rsa', 'rotated'], [...V1, ...V2, ...V3, '--lineage', lineage])(apk, keys);
    },
    verify: [[], ['--max-sdk-version', '27']],
    warnings: ['signing_key_rotated'],
  },
  unsigned: { base: 'utf8', expect: [], sign: async () => {}, verify: [], warnings: ['unsigned'] },
};

interface Built {
  apk: string;
  result: AnalysisResult;
  apksigner: ApksignerReport[];
  keytool: KeytoolCert[];
  badging: BadgingFacts;
}

let keys: Record<string, Key> = {};
const built: Record<string, Built> = {};

// A missing tool must fail every test with the package to install, not skip them (as a throwing
// beforeAll would): the error is kept and rethrown by each test.
let setupError: unknown = null;

const test = (name: string, fn: () => unknown) => it(name, async () => {
  if (setupError) throw setupError;
  await fn();
});

beforeAll(async () => {
  try {
    await setUp();
  } catch (err) {
    setupError = err;
  }
}, 600_000); // ~40 JVM runs; minutes on a busy two-core machine

async function setUp(): Promise<void> {
  requireTools(['keytool', 'jarsigner', 'apksigner', 'aapt', 'openssl', FRAMEWORK_RES]);
  const entries = await Promise.all(Object.entries(KEYS).map(async ([name, spec]) => [name, await generateKey(dir, name, spec)] as const));
  keys = Object.fromEntries(entries);
  const bases = {
    utf8: await buildApk(dir, 'base-utf8', MANIFEST),
    utf16: await buildApk(dir, 'base-utf16', { ...MANIFEST, utf16: true }),
  };
  // A few JVMs at a time: CI machines have two cores, and other test files run meanwhile.
  await withConcurrency(Object.entries(VARIANTS), 3, async ([name, v]) => {
    const apk = path.join(dir, `${name}.apk`);
    copyFileSync(v.base === 'utf16' ? bases.utf16 : bases.utf8, apk);
    await v.sign(apk, keys);
    built[name] = {
      apk,
      result: await analyzePackage(apk, { now: NOW }),
      apksigner: await Promise.all(v.verify.map((opts) => apksignerVerify(apk, opts))),
      keytool: await keytoolJar(apk),
      badging: await aaptBadging(apk),
    };
  });
}

async function withConcurrency<T>(items: T[], workers: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next < items.length) await fn(items[next++] as T);
  }));
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const certOf = (key: string): CertificateInfo => analyzeCertificate(Buffer.from((keys[key] as Key).pem));

describe('keys made by keytool, read by analyzeCertificate, agree with openssl', () => {
  for (const name of Object.keys(KEYS)) {
    test(`${name}: names, serial, validity, fingerprints, public key`, async () => {
      const cert = certOf(name);
      const ref = await opensslFacts(path.join(dir, `${name}.pem`));
      expect(cert.subject).toBe(ref.subject);
      expect(cert.issuer).toBe(ref.issuer);
      expect(cert.serialNumber).toBe(ref.serial.replace(/^(00)+(?=..)/, ''));
      expect([cert.notBefore, cert.notAfter]).toEqual([ref.notBefore, ref.notAfter]);
      expect([cert.md5, cert.sha1, cert.sha256]).toEqual([ref.md5, ref.sha1, ref.sha256]);
      if (cert.publicKey.algorithm === 'RSA') expect(cert.publicKey.hex).toBe(ref.modulus);
      else expect(cert.publicKey.hex).toBe(ref.pub?.replace(/^00(?=[89A-F])/, ''));
      expect(cert.publicKey.spki).toBe(ref.spki);
      // DER and PEM of the same certificate give the same facts.
      const der = Buffer.from((keys[name] as Key).pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
      expect(analyzeCertificate(der)).toEqual(cert);
    });
  }

  test('RFC 2253 escaping and UTF-8 values', () => {
    expect(certOf('rsa').subject).toBe('CN=Beian Release,OU=移动应用,O=Acme\\, Inc.,L=北京,ST=Beijing,C=CN');
  });

  test('key sizes', () => {
    expect(['rsa', 'rotated', 'ec', 'ec384', 'dsa'].map((k) => `${certOf(k).publicKey.algorithm}-${certOf(k).publicKey.bits}`))
      .toEqual(['RSA-2048', 'RSA-3072', 'EC-256', 'EC-384', 'DSA-2048']);
  });
});

describe('signed APKs agree with apksigner, keytool and aapt', () => {
  for (const [name, v] of Object.entries(VARIANTS)) {
    test(`${name}: signers and schemes`, () => {
      const { result } = built[name] as Built;
      expect(result.signers).toEqual(v.expect.map(([key, schemes]) => ({ schemes, certificate: certOf(key) })));
      expect(result.warnings.map((w) => w.code)).toEqual(v.warnings ?? []);
    });

    if (v.verify.length > 0) {
      test(`${name}: apksigner verify --print-certs -v`, () => {
        const { result, apksigner } = built[name] as Built;
        const reported = apksigner.flatMap((r) => r.signers);
        for (const report of apksigner) expect(report.verifies, 'apksigner verifies the package').toBe(true);
        expect(reported.length).toBeGreaterThan(0);
        for (const s of reported) {
          const ours = result.signers.find((x) => x.certificate.sha256 === s.sha256);
          expect(ours, `apksigner's signer ${s.dn}`).toBeDefined();
          expect(ours?.certificate).toMatchObject({ sha1: s.sha1, md5: s.md5, publicKey: { algorithm: s.keyAlgorithm, bits: s.keySize } });
        }
        // Every scheme apksigner verified is one we report (the newest-view run decides v3).
        const schemes = new Set(result.signers.flatMap((x) => x.schemes));
        const first = apksigner[0] as ApksignerReport;
        expect({ v1: schemes.has('v1'), v2: schemes.has('v2'), v3: schemes.has('v3') }).toEqual(first.schemes);
      });
    }

    test(`${name}: keytool -printcert -jarfile (v1) and aapt dump badging`, () => {
      const { result, keytool, badging } = built[name] as Built;
      const v1 = result.signers.filter((x) => x.schemes.includes('v1')).map((x) => x.certificate);
      expect(keytool.map((k) => k.sha256).sort()).toEqual(v1.map((c) => c.sha256).sort());
      for (const k of keytool) {
        const c = v1.find((x) => x.sha256 === k.sha256) as CertificateInfo;
        expect([c.sha1, c.notBefore, c.notAfter]).toEqual([k.sha1, k.notBefore, k.notAfter]);
        expect(c.serialNumber.replace(/^0+/, '')).toBe(k.serial.toUpperCase().replace(/^0+/, ''));
      }
      expect({ packageName: result.packageName, versionCode: result.versionCode, versionName: result.versionName, label: result.appName })
        .toEqual(badging);
    });
  }
});

describe('filing values and warnings', () => {
  test('filing uses the MD5 of the newest-scheme certificate: the rotated key', () => {
    const { result } = built['rotation-lineage'] as Built;
    const rotated = certOf('rotated');
    expect(result.filing).toEqual({ packageName: 'org.beian.sample', publicKey: rotated.publicKey.hex, signature: rotated.md5 });
    expect(result.warnings[0]?.message).toContain(certOf('rsa').md5);
  });

  test('an unsigned APK has no filing key or signature', () => {
    const { result } = built.unsigned as Built;
    expect(result.filing).toEqual({ packageName: 'org.beian.sample', publicKey: null, signature: null });
  });

  test('APK Signature Scheme v3.1 (0x1b93ad61): the rotated signer is reported under v3.1', async () => {
    // Debian's apksigner 31 cannot write v3.1 blocks (rotation-min-sdk-version came in 33), so the
    // v3 pair of the rotation APK is relabelled: the ID is not covered by any signature.
    const apk = path.join(dir, 'rotation-v31.apk');
    writeFileSync(apk, relabelPair(readFileSync((built['rotation-lineage'] as Built).apk), 0xf05368c0, 0x1b93ad61));
    const result = await analyzePackage(apk, { now: NOW });
    expect(result.signers.map((s) => [s.certificate.sha256, s.schemes])).toEqual([
      [certOf('rotated').sha256, ['v3.1']], [certOf('rsa').sha256, ['v1', 'v2']],
    ]);
    expect(result.filing.signature).toBe(certOf('rotated').md5);
  });

  test('labels resolve through both string-pool encodings of resources.arsc', async () => {
    const flags = async (name: string) => {
      const zip = await ZipPackage.open((built[name] as Built).apk);
      const arsc = await zip.read('resources.arsc', 1 << 20);
      await zip.close();
      return arsc.readUInt32LE(12 + 16) & 0x100; // ResStringPool_header.flags of the global pool
    };
    expect(await flags('v1-v2-v3-rsa')).toBe(0x100); // UTF-8
    expect(await flags('v2-only-ec384-utf16')).toBe(0); // UTF-16
    expect((built['v2-only-ec384-utf16'] as Built).result.appName).toBe((built['v1-v2-v3-rsa'] as Built).result.appName);
  });

  test('certificate_expired is judged at the given time', async () => {
    const later = await analyzePackage((built['v1-v2-v3-rsa'] as Built).apk, { now: new Date('2200-01-01T00:00:00Z') });
    expect(later.warnings).toEqual([{ code: 'certificate_expired', message: expect.stringContaining('CN=Beian Release') }]);
  });

  test('the store password is not part of any output', () => {
    expect(JSON.stringify(Object.values(built).map((b) => b.result))).not.toContain(PASS);
  });
});

/** Rewrites the ID of one pair of the APK Signing Block (located from the EOCD's CD offset). */
function relabelPair(apk: Buffer, from: number, to: number): Buffer {
  const out = Buffer.from(apk);
  const eocd = out.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const cd = out.readUInt32LE(eocd + 16);
  const size = Number(out.readBigUInt64LE(cd - 24));
  for (let p = cd - size - 8 + 8; p < cd - 24;) {
    const length = Number(out.readBigUInt64LE(p));
    if (out.readUInt32LE(p + 8) === from) out.writeUInt32LE(to, p + 8);
    p += 8 + length;
  }
  return out;
}
