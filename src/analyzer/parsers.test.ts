// Pieces of the analyzer on their own: every slice of a universal Mach-O, stored vs deflated
// executables (random access vs one forward pass), bare certificates and PKCS#7 bundles, the
// HarmonyOS FA model, and the forward-only reader's guards.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSignedData } from './cert/pkcs7.ts';
import { AnalyzerError, analyzeCertificate, analyzePackage } from './index.ts';
import { codeSignatureBlobs } from './ios/macho.ts';
import { ForwardSource } from './stream.ts';
import { fixture } from './test-support/paths.ts';
import { buildZip, type EntrySpec } from './test-support/zip-writer.ts';
import { ZipPackage } from './zip.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'beian-parsers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const NOW = new Date('2025-06-01T00:00:00Z');
const EXE = 'Payload/LPSimpleExample-cal.app/LPSimpleExample-cal';

async function entriesOf(file: string): Promise<EntrySpec[]> {
  const zip = await ZipPackage.open(file);
  try {
    const out: EntrySpec[] = [];
    for (const name of zip.names()) out.push({ name, data: await zip.read(name, 64 << 20), method: 8 });
    return out;
  } finally {
    await zip.close();
  }
}

describe('iOS code signature', () => {
  it('reads the CMS blob of every slice of the universal executable (armv7, armv7s, arm64)', async () => {
    const zip = await ZipPackage.open(fixture('LPSimpleExample-cal.ipa'));
    const source = await zip.source(EXE, 1 << 30, 'malformed_macho');
    const blobs = await codeSignatureBlobs(source, zip.size(EXE), EXE);
    source.close();
    await zip.close();
    expect(blobs).toHaveLength(3);
    const leafs = blobs.map((b) => parseSignedData(b, 'slice').signerCertificates[0]?.info.sha1);
    expect(leafs).toEqual(Array(3).fill('00c0890f2295b8c8b6d27885daa080c7437cf113'));
    // Each slice's CMS carries the WWDR CA, the Apple Root CA and the leaf.
    expect(parseSignedData(blobs[0] as Buffer, 'slice').certificates).toHaveLength(3);
  });

  it('a stored (uncompressed) executable, read by random access, gives the same result', async () => {
    const entries = (await entriesOf(fixture('LPSimpleExample-cal.ipa'))).map((e) => (e.name === EXE ? { ...e, method: 0 as const } : e));
    const stored = path.join(dir, 'stored.ipa');
    writeFileSync(stored, buildZip(entries));
    expect(await analyzePackage(stored, { now: NOW })).toEqual(await analyzePackage(fixture('LPSimpleExample-cal.ipa'), { now: NOW }));
  });
});

describe('analyzeCertificate', () => {
  it('accepts a v1 signature block (PKCS#7) and a PEM certificate with CRLF line ends', async () => {
    const zip = await ZipPackage.open(fixture('a2dp.Vol_137.apk'));
    const rsa = await zip.read('META-INF/6AD89F48.RSA', 1 << 20);
    await zip.close();
    const fromPkcs7 = analyzeCertificate(rsa);
    expect(fromPkcs7.md5).toBe('c1cabe8ad9dc272b2443a3a67bc443d5');
    const der = Buffer.from(parseSignedData(rsa, 'x').certificates[0]?.der as Uint8Array);
    const pem = `-----BEGIN CERTIFICATE-----\r\n${der.toString('base64').replace(/.{64}/g, '$&\r\n')}\r\n-----END CERTIFICATE-----\r\n`;
    expect(analyzeCertificate(Buffer.from(pem))).toEqual(fromPkcs7);
  });
});

describe('HarmonyOS FA model', () => {
  it('reads bundle name and version from config.json', async () => {
    const config = { app: { bundleName: 'com.example.fa', version: { code: 7, name: '0.7' } } };
    const hap = path.join(dir, 'fa.hap');
    writeFileSync(hap, buildZip([{ name: 'config.json', data: Buffer.from(JSON.stringify(config)) }]));
    expect(await analyzePackage(hap, { now: NOW })).toMatchObject({
      platform: 'harmonyos', packageName: 'com.example.fa', versionCode: '7', versionName: '0.7', appName: null,
    });
  });
});

describe('ForwardSource', () => {
  const source = () => new ForwardSource(Readable.from([Buffer.from('abcdef'), Buffer.from('ghij')]),
    (offset) => new AnalyzerError('malformed_macho', `backward to ${offset}`));

  it('serves increasing ranges across chunk boundaries', async () => {
    const s = source();
    expect((await s.read(1, 2)).toString()).toBe('bc');
    expect((await s.read(4, 4)).toString()).toBe('efgh');
    expect((await s.read(9, 1)).toString()).toBe('j');
  });

  it('refuses to go back, and reports data that ends early as truncated', async () => {
    const s = source();
    await s.read(5, 2);
    await expect(s.read(0, 1)).rejects.toMatchObject({ code: 'malformed_macho' });
    await expect(source().read(8, 10)).rejects.toMatchObject({ code: 'truncated' });
  });
});
