// Packages we make with the real tools — keytool keys (RSA, EC P-256/P-384, DSA, an Android debug
// key), aapt APKs (UTF-8 and UTF-16 resource tables), jarsigner v1, apksigner v1/v2/v3, two
// signers, key rotation with a lineage, v1 certificates re-encoded with non-minimal lengths as old
// signing tools wrote them — and what apksigner, keytool, aapt and openssl say about them. The
// analyzer must agree with each of them, field by field.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeCertificate, analyzePackage, isAnalyzerError, type AnalysisResult, type CertificateInfo, type SignatureScheme } from './index.ts';
import { at, CERT, encode, parseDer, type Tlv, withV1Certificate } from './test-support/ber.ts';
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
  'v1-only-rsa': { base: 'utf8', expect: [['rsa', ['v1']]], sign: apksign(['rsa'], [...V1, ...NO_V2, ...NO_V3]), verify: [[]] },
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

/**
 * Certificate encodings some old signing tools wrote: definite lengths in more bytes than needed.
 * Android installs such apps and records the certificate bytes as stored (docs/decisions/0013).
 */
const NON_DER: Record<string, { edit: (certificate: Tlv) => void; refused?: boolean }> = {
  // As apksig's own test APK v1-only-with-rsa-1024-cert-not-der.apk: the signature BIT STRING.
  'signature-value-length': { edit: (c) => { at(c, CERT.signatureValue).length = { longForm: 3 }; } },
  // The long form for a length below 128 (`81 14` for 20).
  'serial-long-form': { edit: (c) => { at(c, CERT.serial).length = { longForm: 1 }; } },
  'public-key-length': { edit: (c) => { at(c, CERT.spki).length = { longForm: 4 }; } },
  'certificate-length': { edit: (c) => { c.length = { longForm: 4 }; } },
  // Refused as Android refuses them: an indefinite length (which apksigner's BER fallback reads,
  // but Android's certificate parser never did), and a length field of 5 bytes (apksigner too).
  indefinite: { edit: (c) => { c.length = 'indefinite'; }, refused: true },
  'length-in-5-bytes': { edit: (c) => { at(c, CERT.serial).length = { longForm: 5 }; }, refused: true },
};

interface NonDerBuilt {
  apk: string;
  /** The certificate bytes as stored in the signature block. */
  stored: Buffer;
  result: AnalysisResult | Error;
  apksigner: ApksignerReport;
  keytool: KeytoolCert[];
}

const nonDer: Record<string, NonDerBuilt> = {};
const pemDer = (key: string): Buffer => Buffer.from((keys[key] as Key).pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
const digest = (alg: string, bytes: Buffer): string => createHash(alg).update(bytes).digest('hex');

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
  // The v1-only APK again, its certificate re-encoded as an old signing tool might have written it.
  await withConcurrency(Object.entries(NON_DER), 3, async ([name, v]) => {
    const apk = path.join(dir, `non-der-${name}.apk`);
    writeFileSync(apk, await withV1Certificate((built['v1-only-rsa'] as Built).apk, v.edit));
    const stored = pemDer('rsa');
    const tree = parseDer(stored);
    v.edit(tree);
    nonDer[name] = {
      apk,
      stored: encode(tree),
      result: await analyzePackage(apk, { now: NOW }).catch((err: unknown) => {
        if (isAnalyzerError(err)) return err;
        throw err;
      }),
      apksigner: await apksignerVerify(apk),
      keytool: await keytoolJar(apk),
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
    expect(later.warnings).toEqual([{ code: 'certificate_expired', message: expect.stringContaining('CN=Beian Release'), params: expect.objectContaining({ subject: expect.stringContaining('CN=Beian Release') }) }]);
  });

  test('the store password is not part of any output', () => {
    expect(JSON.stringify(Object.values(built).map((b) => b.result))).not.toContain(PASS);
  });
});

describe('v1 certificates with non-minimal lengths, as old signing tools wrote them', () => {
  for (const [name] of Object.entries(NON_DER).filter(([, x]) => !x.refused)) {
    test(`${name}: read as stored, fingerprints as apksigner and keytool print them, certificate_not_der`, () => {
      const { result, stored, apksigner, keytool } = nonDer[name] as NonDerBuilt;
      if (result instanceof Error) throw result;
      const der = pemDer('rsa');
      expect(stored.equals(der), 'the re-encoding changed the bytes').toBe(false);
      const cert = result.signers[0]?.certificate as CertificateInfo;
      expect(result.signers.map((s) => s.schemes)).toEqual([['v1']]);
      expect([cert.md5, cert.sha1, cert.sha256]).toEqual([digest('md5', stored), digest('sha1', stored), digest('sha256', stored)]);
      expect(result.filing.signature).toBe(digest('md5', stored));
      // Everything else is the certificate's, read through the liberal lengths.
      const original = certOf('rsa');
      const { md5: _m, sha1: _s1, sha256: _s256, publicKey, ...facts } = original;
      expect(cert).toMatchObject({ ...facts, publicKey: { algorithm: 'RSA', bits: 2048, hex: publicKey.hex } });
      expect(result.filing.publicKey).toBe(publicKey.hex);
      // The SubjectPublicKeyInfo as stored: with its own non-minimal length where it has one.
      if (name === 'public-key-length') expect(cert.publicKey.spki).toBe(`30840000${publicKey.spki.slice(4)}`);
      else expect(cert.publicKey.spki).toBe(publicKey.spki);
      expect(result.warnings.map((w) => w.code)).toEqual(['certificate_not_der']);
      expect(result.warnings[0]?.message).toMatch(/non-minimal length [0-9a-f ]+ at byte \d+/);

      expect(apksigner.verifies, 'apksigner verifies the package').toBe(true);
      expect(apksigner.signers.map((s) => [s.md5, s.sha1, s.sha256])).toEqual([[cert.md5, cert.sha1, cert.sha256]]);
      // keytool re-encodes only the certificate's own outer header (the JDK's PKCS7 takes
      // DerValue.toByteArray()); what is inside stays as stored.
      const keytoolBytes = name === 'certificate-length' ? der : stored;
      expect(keytool.map((k) => [k.sha1, k.sha256])).toEqual([[digest('sha1', keytoolBytes), digest('sha256', keytoolBytes)]]);
    });
  }

  test('indefinite length: refused (non_der_certificate) although apksigner reads it through its BER fallback', () => {
    const { result, apksigner } = nonDer.indefinite as NonDerBuilt;
    expect(result).toMatchObject({ code: 'non_der_certificate', message: expect.stringContaining('indefinite length at byte 1') });
    expect(apksigner.verifies).toBe(true);
  });

  test('a length field of 5 bytes: refused, as apksigner refuses it', () => {
    const { result, apksigner, keytool } = nonDer['length-in-5-bytes'] as NonDerBuilt;
    expect(result).toMatchObject({ code: 'non_der_certificate', message: expect.stringContaining('length field of 5 bytes') });
    expect(apksigner.verifies).toBe(false);
    expect(keytool).toEqual([]);
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
