// Broken and hostile inputs fail fast with a named error (issue 4 §5): not a ZIP, truncated, zip
// bombs, enormous entries, lying central directories, malformed ASN.1, non-DER certificates,
// binary-XML and plist cycles or over-deep nesting, bad Mach-O and signing blocks.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSignedData } from './cert/pkcs7.ts';
import { AnalyzerError, analyzeCertificate, analyzePackage, type AnalyzerErrorCode } from './index.ts';
import {
  axmlChunks, cyclicBinaryPlist, indefiniteLength, pkcs7With, realApkParts, signingBlock, tlv, v2Value,
} from './test-support/hostile.ts';
import { at, CERT, encode, parseDer } from './test-support/ber.ts';
import { fixture } from './test-support/paths.ts';
import { buildZip, type EntrySpec } from './test-support/zip-writer.ts';
import { LIMITS } from './limits.ts';
import { ZipPackage } from './zip.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'beian-hostile-'));
const NOW = new Date('2025-06-01T00:00:00Z');
const MiB = 1024 * 1024;
let parts: Awaited<ReturnType<typeof realApkParts>>;
let realCert: Buffer;
let n = 0;

beforeAll(async () => {
  parts = await realApkParts();
  realCert = Buffer.from((parseSignedData(parts.rsa, 'fixture').certificates[0]?.der) as Uint8Array);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(bytes: Buffer): string {
  const p = path.join(dir, `case-${++n}.bin`);
  writeFileSync(p, bytes);
  return p;
}

const apk = (extra: EntrySpec[] = [], options = {}) =>
  file(buildZip([{ name: 'AndroidManifest.xml', data: parts.manifest }, { name: 'resources.arsc', data: parts.arsc, method: 0 }, ...extra], options));

async function a2dpBlock(): Promise<Buffer> {
  const zip = await ZipPackage.open(fixture('a2dp.Vol_137.apk'));
  try {
    return await zip.read('META-INF/6AD89F48.RSA', MiB);
  } finally {
    await zip.close();
  }
}

/** The error code the analysis fails with, asserting it fails fast and as a named error. */
async function failure(p: string): Promise<AnalyzerErrorCode> {
  const started = performance.now();
  const err = await analyzePackage(p, { now: NOW }).then(() => null, (e: unknown) => e);
  // Generous for loaded CI machines; what matters is that nothing hangs or inflates gigabytes.
  expect(performance.now() - started, 'fails fast').toBeLessThan(5000);
  expect(err).toBeInstanceOf(AnalyzerError);
  expect((err as AnalyzerError).message.length).toBeGreaterThan(10);
  return (err as AnalyzerError).code;
}

describe('not a package', () => {
  it('a missing file or a directory is file_unreadable', async () => {
    expect(await failure(path.join(dir, 'nope.apk'))).toBe('file_unreadable');
    mkdirSync(path.join(dir, 'folder.apk'));
    expect(await failure(path.join(dir, 'folder.apk'))).toBe('file_unreadable');
  });

  it('wrong magic is not_a_zip: PNG, random bytes, text, empty', async () => {
    expect(await failure(file(Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(2000)])))).toBe('not_a_zip');
    expect(await failure(file(Buffer.concat([Buffer.from([0x13]), randomBytes(4 * MiB)])))).toBe('not_a_zip');
    expect(await failure(file(Buffer.from('<?xml version="1.0"?><manifest/>')))).toBe('not_a_zip');
    expect(await failure(file(Buffer.alloc(0)))).toBe('not_a_zip');
  });

  it('a ZIP that is none of APK, IPA, HAP is unsupported_package', async () => {
    expect(await failure(file(buildZip([{ name: 'hello.txt', data: Buffer.from('hi') }])))).toBe('unsupported_package');
  });
});

describe('damaged ZIP structure', () => {
  const real = () => readFileSync(fixture('a2dp.Vol_137.apk'));

  it('truncated anywhere is truncated', async () => {
    const bytes = real();
    for (const length of [2, 10, 1000, bytes.length / 2, bytes.length - 10]) {
      expect(await failure(file(bytes.subarray(0, Math.floor(length))))).toBe('truncated');
    }
  });

  it('a central directory declaring more entries than it holds is malformed_zip', async () => {
    expect(await failure(apk([], { declaredEntryCount: 60000 }))).toBe('malformed_zip');
  });

  it('duplicate entry names are malformed_zip', async () => {
    expect(await failure(apk([{ name: 'AndroidManifest.xml', data: parts.manifest }]))).toBe('malformed_zip');
  });

  it('a central directory pointing at a damaged local header is malformed_zip', async () => {
    const bytes = buildZip([{ name: 'a.txt', data: Buffer.from('first') }, { name: 'AndroidManifest.xml', data: parts.manifest }]);
    const second = bytes.indexOf(Buffer.from('PK\u0003\u0004', 'latin1'), 4);
    bytes.writeUInt32LE(0x12345678, second);
    expect(await failure(file(bytes))).toBe('malformed_zip');
  });
});

describe('decompression bombs and enormous entries', () => {
  it('a high declared compression ratio is zip_bomb, refused before inflating', async () => {
    expect(await failure(file(buildZip([{ name: 'AndroidManifest.xml', data: Buffer.alloc(5 * MiB) }])))).toBe('zip_bomb');
  });

  it('a huge declared size over a few compressed bytes is zip_bomb', async () => {
    expect(await failure(file(buildZip([{ name: 'AndroidManifest.xml', data: parts.manifest, declaredSize: 0xfffffff0 }])))).toBe('zip_bomb');
  });

  it('an entry inflating past its declared size is zip_bomb', async () => {
    expect(await failure(file(buildZip([{ name: 'AndroidManifest.xml', data: Buffer.alloc(4 * MiB), declaredSize: 1000 }])))).toBe('zip_bomb');
  });

  it('an enormous (stored) manifest is entry_too_large', async () => {
    expect(await failure(file(buildZip([{ name: 'AndroidManifest.xml', data: randomBytes(9 * MiB), method: 0 }])))).toBe('entry_too_large');
  });
});

describe('binary XML and resources', () => {
  it('a text manifest (unbuilt project) is malformed_manifest', async () => {
    expect(await failure(file(buildZip([{ name: 'AndroidManifest.xml', data: Buffer.from('<manifest package="x"/>') }])))).toBe('malformed_manifest');
  });

  it('a zero-size chunk (which would loop forever) is malformed_manifest', async () => {
    const xml = Buffer.from(parts.manifest);
    const [first] = axmlChunks(xml);
    xml.writeUInt32LE(0, (first as [number, number, number])[0] + 4);
    expect(await failure(file(buildZip([{ name: 'AndroidManifest.xml', data: xml }])))).toBe('malformed_manifest');
  });

  it('elements nested 5000 deep are malformed_manifest', async () => {
    const xml = parts.manifest;
    const chunks = axmlChunks(xml);
    const start = chunks.find(([, , type]) => type === 0x0102) as [number, number, number];
    const head = xml.subarray(0, start[0]);
    const element = xml.subarray(start[0], start[0] + start[1]);
    const deep = Buffer.concat([head, ...Array.from({ length: 5000 }, () => element)]);
    deep.writeUInt32LE(deep.length, 4);
    expect(await failure(file(buildZip([{ name: 'AndroidManifest.xml', data: deep }])))).toBe('malformed_manifest');
  });

  it('an unreadable resources.arsc costs the label, not the analysis', async () => {
    const p = file(buildZip([{ name: 'AndroidManifest.xml', data: parts.manifest }, { name: 'resources.arsc', data: randomBytes(4000) }]));
    const result = await analyzePackage(p, { now: NOW });
    expect(result.appName).toBeNull();
    expect(result.warnings.map((w) => w.code)).toEqual(['app_name_unresolved', 'unsigned']);
  });
});

describe('signature material', () => {
  it('garbage in a v1 signature block is malformed_asn1', async () => {
    const sig = [{ name: 'META-INF/CERT.SF', data: parts.sf }, { name: 'META-INF/CERT.RSA', data: Buffer.from('3082ffff0102030405', 'hex') }];
    expect(await failure(apk(sig))).toBe('malformed_asn1');
  });

  it('a v2 certificate that is not a certificate is malformed_asn1', async () => {
    const block = signingBlock([[0x7109871a, v2Value(Buffer.from('3003010100', 'hex'))]]);
    expect(await failure(apk([], { beforeCentralDirectory: block }))).toBe('malformed_asn1');
  });

  it('an indefinite-length (BER) certificate is non_der_certificate: in v1, in v2, and bare', async () => {
    const ber = indefiniteLength(realCert);
    expect(await failure(apk([{ name: 'META-INF/CERT.SF', data: parts.sf }, { name: 'META-INF/CERT.RSA', data: pkcs7With(ber) }]))).toBe('non_der_certificate');
    expect(await failure(apk([], { beforeCentralDirectory: signingBlock([[0x7109871a, v2Value(ber)]]) }))).toBe('non_der_certificate');
    expect(() => analyzeCertificate(ber)).toThrow(expect.objectContaining({ code: 'non_der_certificate' }));
  });

  it('a constructed string or a length field of 5 bytes is non_der_certificate, as Android refuses them', async () => {
    const constructed = parseDer(realCert);
    at(constructed, [...CERT.subject, 0, 0, 1]).split = 2;
    const long = parseDer(realCert);
    at(long, CERT.serial).length = { longForm: 5 };
    for (const [bad, detail] of [[encode(constructed), 'constructed string encoding'], [encode(long), 'length field of 5 bytes']] as const) {
      expect(await failure(apk([{ name: 'META-INF/CERT.SF', data: parts.sf }, { name: 'META-INF/CERT.RSA', data: pkcs7With(bad) }]))).toBe('non_der_certificate');
      expect(() => analyzeCertificate(bad)).toThrow(expect.objectContaining({ code: 'non_der_certificate', message: expect.stringContaining(detail) }));
    }
  });

  it('a non-minimal length is read as stored: fingerprints of the stored bytes and certificate_not_der, in v1, in v2, and bare', async () => {
    const body = realCert.subarray(4); // after 30 82 xx xx
    const padded = Buffer.concat([Buffer.from([0x30, 0x83, 0x00, body.length >> 8, body.length & 0xff]), body]);
    const sha256 = createHash('sha256').update(padded).digest('hex');
    const der = analyzeCertificate(realCert);
    expect(analyzeCertificate(padded)).toEqual({
      ...der, md5: createHash('md5').update(padded).digest('hex'), sha1: createHash('sha1').update(padded).digest('hex'), sha256,
    });
    const v1 = await analyzePackage(apk([{ name: 'META-INF/CERT.SF', data: parts.sf }, { name: 'META-INF/CERT.RSA', data: pkcs7With(padded) }]), { now: NOW });
    const v2 = await analyzePackage(apk([], { beforeCentralDirectory: signingBlock([[0x7109871a, v2Value(padded)]]) }), { now: NOW });
    for (const [result, scheme] of [[v1, 'v1'], [v2, 'v2']] as const) {
      expect(result.signers.map((s) => [s.schemes, s.certificate.sha256])).toEqual([[[scheme], sha256]]);
      expect(result.warnings).toEqual([{ code: 'certificate_not_der', message: expect.stringContaining(`non-minimal length ${padded.subarray(1, 5).toString('hex').match(/../g)?.join(' ')} at byte 1`), params: expect.objectContaining({ reason: expect.stringContaining('non-minimal length') }) }]);
    }
  });

  it('the SignerInfo still names its certificate when that certificate has a non-minimal length in its issuer name', async () => {
    const tree = parseDer(parts.rsa);
    const set = at(tree, [1, 0, 3]);
    at(set, [0, ...CERT.issuer]).length = { longForm: 2 };
    const edited = encode(at(set, [0]));
    // Another self-signed certificate first: without the SignerInfo the first would be taken.
    set.children?.unshift(parseDer(Buffer.from(parseSignedData(await a2dpBlock(), 'a2dp').certificates[0]?.der as Uint8Array)));
    const result = await analyzePackage(apk([{ name: 'META-INF/CERT.SF', data: parts.sf }, { name: 'META-INF/CERT.RSA', data: encode(tree) }]), { now: NOW });
    expect(result.signers.map((s) => s.certificate.sha256)).toEqual([createHash('sha256').update(edited).digest('hex')]);
    expect(result.warnings.map((w) => w.code)).toEqual(['certificate_not_der']);
  });

  it('the same certificate DER-encoded inside a hand-made PKCS#7 is read fine', async () => {
    const result = await analyzePackage(apk([{ name: 'META-INF/CERT.SF', data: parts.sf }, { name: 'META-INF/CERT.RSA', data: pkcs7With(realCert) }]), { now: NOW });
    expect(result.signers.map((s) => [s.schemes, s.certificate.sha256])).toEqual([[['v1'], 'b39038a91d8880fb01d2f6bdaeb22d39c1b7c447cef69e779bad544e9a3ec6a3']]);
  });

  it('APK Signing Block sizes that disagree, or a pair overrunning it, are malformed_signing_block', async () => {
    const good = signingBlock([[0x7109871a, v2Value(realCert)]]);
    const lying = Buffer.from(good);
    lying.writeBigUInt64LE(BigInt(good.length - 8 + 1), 0);
    expect(await failure(apk([], { beforeCentralDirectory: lying }))).toBe('malformed_signing_block');
    const overrun = Buffer.from(good);
    overrun.writeBigUInt64LE(BigInt(good.length * 4), 8);
    expect(await failure(apk([], { beforeCentralDirectory: overrun }))).toBe('malformed_signing_block');
    const result = await analyzePackage(apk([], { beforeCentralDirectory: good }), { now: NOW });
    expect(result.signers[0]?.schemes).toEqual(['v2']);
  });

  it('garbage certificates bytes: analyzeCertificate names the problem', () => {
    expect(() => analyzeCertificate(Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n'))).toThrow(expect.objectContaining({ code: 'malformed_asn1' }));
    expect(() => analyzeCertificate(tlv(0x30, tlv(0x02, Buffer.from([1]))))).toThrow(expect.objectContaining({ code: 'malformed_asn1' }));
  });
});

const INFO_PLIST = (exe: string) => Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict><key>CFBundleIdentifier</key><string>org.beian.ios &amp; co</string>
<key>CFBundleExecutable</key><string>${exe}</string><key>CFBundleVersion</key><string>7</string></dict></plist>`);

function thinMachO(ncmds = 0, cmds = Buffer.alloc(0)): Buffer {
  const h = Buffer.alloc(32);
  h.writeUInt32LE(0xfeedfacf, 0);
  h.writeUInt32LE(ncmds, 16);
  h.writeUInt32LE(cmds.length, 20);
  return Buffer.concat([h, cmds, Buffer.alloc(64)]);
}

const ipa = (plist: Buffer, exe?: Buffer) => file(buildZip([
  { name: 'Payload/App.app/Info.plist', data: plist },
  ...(exe ? [{ name: 'Payload/App.app/App', data: exe }] : []),
]));

describe('IPA: plists and Mach-O', () => {
  it('a binary plist that contains itself is malformed_plist', async () => {
    expect(await failure(ipa(cyclicBinaryPlist()))).toBe('malformed_plist');
  });

  it('XML plist nested 10000 deep is malformed_plist', async () => {
    const deep = Buffer.from(`<plist>${'<array>'.repeat(10000)}${'</array>'.repeat(10000)}</plist>`);
    expect(await failure(ipa(deep))).toBe('malformed_plist');
  });

  it('an executable that is not Mach-O is malformed_macho', async () => {
    expect(await failure(ipa(INFO_PLIST('App'), randomBytes(5000)))).toBe('malformed_macho');
  });

  it('a universal binary with 1000 slices is malformed_macho', async () => {
    const fat = Buffer.alloc(64);
    fat.writeUInt32BE(0xcafebabe, 0);
    fat.writeUInt32BE(1000, 4);
    expect(await failure(ipa(INFO_PLIST('App'), fat))).toBe('malformed_macho');
  });

  it('LC_CODE_SIGNATURE pointing past the slice is malformed_macho', async () => {
    const cmd = Buffer.alloc(16);
    cmd.writeUInt32LE(0x1d, 0);
    cmd.writeUInt32LE(16, 4);
    cmd.writeUInt32LE(1 << 30, 8);
    cmd.writeUInt32LE(100, 12);
    expect(await failure(ipa(INFO_PLIST('App'), thinMachO(1, cmd)))).toBe('malformed_macho');
  });

  it('an executable without a code signature is reported unsigned, with the plist identity', async () => {
    const result = await analyzePackage(ipa(INFO_PLIST('App'), thinMachO()), { now: NOW });
    expect(result).toMatchObject({ platform: 'ios', packageName: 'org.beian.ios & co', versionCode: '7', signers: [] });
    expect(result.warnings.map((w) => w.code)).toEqual(['unsigned']);
  });

  it('a deflated executable whose signature lies far behind a compressible body is zip_bomb before inflating it', async () => {
    // The tester's case in small: a 23 MB upload declared a ~4 GB executable (ratio ~180:1, under
    // the 200:1 general cap) with its code signature at the end, and the analyzer inflated all of it.
    const body = 40 * MiB;
    const cmd = Buffer.alloc(16);
    cmd.writeUInt32LE(0x1d, 0);
    cmd.writeUInt32LE(16, 4);
    cmd.writeUInt32LE(32 + 16 + body, 8); // dataoff: after the body
    cmd.writeUInt32LE(12, 12);
    const header = thinMachO(1, cmd).subarray(0, 48);
    const filler = Buffer.alloc(body);
    for (let at = 0; at < body; at += 64 * 1024) randomBytes(300).copy(filler, at); // deflates ~180:1
    const superBlob = Buffer.alloc(12);
    superBlob.writeUInt32BE(0xfade0cc0, 0);
    superBlob.writeUInt32BE(12, 4); // no slots: an ad-hoc/empty signature, so the analysis would succeed
    const exe = Buffer.concat([header, filler, superBlob]);
    const p = ipa(INFO_PLIST('App'), exe);
    const entry = buildZip([{ name: 'x', data: exe }]).length;
    expect(exe.length / entry, 'the general 200:1 cap lets it through').toBeLessThan(200);
    expect(exe.length / entry).toBeGreaterThan(LIMITS.executableMaxRatio);
    expect(await failure(p)).toBe('zip_bomb');
  });

  it('a deflated executable of real machine code stays far under the executable ratio cap', async () => {
    const zip = await ZipPackage.open(fixture('LPSimpleExample-cal.ipa'));
    try {
      const name = 'Payload/LPSimpleExample-cal.app/LPSimpleExample-cal';
      const source = await zip.source(name, LIMITS.executableBytes, 'malformed_macho', LIMITS.executableMaxRatio);
      source.close();
    } finally {
      await zip.close();
    }
  });

  it('an executable Info.plist names but the IPA lacks is malformed_manifest', async () => {
    expect(await failure(ipa(INFO_PLIST('Missing')))).toBe('malformed_manifest');
  });
});

describe('HAP', () => {
  const trailer = (count: number, size: number) => {
    const t = Buffer.alloc(32);
    t.writeUInt32LE(count, 0);
    t.writeBigUInt64LE(BigInt(size), 4);
    t.write('<hap sign block>', 12, 'latin1');
    t.writeUInt32LE(3, 28);
    return t;
  };

  it('module.json that is not JSON is malformed_manifest', async () => {
    expect(await failure(file(buildZip([{ name: 'module.json', data: Buffer.from('{"app": ') }])))).toBe('malformed_manifest');
  });

  it('a sub-block outside the sign block is malformed_signing_block', async () => {
    const header = Buffer.alloc(12);
    header.writeUInt32LE(0x20000000, 0);
    header.writeUInt32LE(100, 4);
    header.writeUInt32LE(1 << 20, 8);
    const block = Buffer.concat([header, Buffer.alloc(100), trailer(1, 12 + 100 + 32)]);
    const hap = buildZip([{ name: 'module.json', data: Buffer.from('{"app":{"bundleName":"a.b"}}') }], { beforeCentralDirectory: block });
    expect(await failure(file(hap))).toBe('malformed_signing_block');
  });

  it('a HAP without a sign block is reported unsigned', async () => {
    const result = await analyzePackage(file(buildZip([{ name: 'module.json', data: Buffer.from('{"app":{"bundleName":"a.b","versionCode":3}}') }])), { now: NOW });
    expect(result).toMatchObject({ platform: 'harmonyos', packageName: 'a.b', versionCode: '3', signers: [], filing: { signature: null } });
    expect(result.warnings.map((w) => w.code)).toEqual(['unsigned']);
  });
});
