// The `beian analyze` contract: --json prints one JSON object and exits 0; an unreadable file exits
// 2 with one line on stderr; the summary shows the filing values (Chinese label first).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseSignedData } from '../analyzer/cert/pkcs7.ts';
import { analyzePackage } from '../analyzer/index.ts';
import { buildZip } from '../analyzer/test-support/zip-writer.ts';
import { ZipPackage } from '../analyzer/zip.ts';
import { oldToolA2dp } from '../analyzer/test-support/ber.ts';
import { fixture, repoRoot } from '../analyzer/test-support/paths.ts';
import { analyzeCommand, colons } from './analyze.ts';

function capture(): { stream: NodeJS.WritableStream; text: () => string } {
  let buf = '';
  const stream = { write: (chunk: string | Uint8Array) => { buf += chunk.toString(); return true; } } as unknown as NodeJS.WritableStream;
  return { stream, text: () => buf };
}

async function runCommand(args: string[]) {
  const stdout = capture();
  const stderr = capture();
  const code = await analyzeCommand(args, { stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('beian analyze', () => {
  it('--json prints exactly one JSON object: the analyzer result', async () => {
    const { code, stdout, stderr } = await runCommand([fixture('TestActivity_signed_both.apk'), '--json']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const printed = JSON.parse(stdout);
    const expected = await analyzePackage(fixture('TestActivity_signed_both.apk'));
    expect(printed).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(printed.filing).toEqual({ packageName: 'tests.androguard', publicKey: expect.stringMatching(/^93B2BF86/), signature: '972872bb09d5fb59099cc835ce0ddfec' });
  });

  it('the summary shows the values for the filing form, fingerprints also colon-separated', async () => {
    const { code, stdout } = await runCommand([fixture('a2dp.Vol_137.apk')]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^平台 Platform: +Android/m);
    expect(stdout).toMatch(/^ {2}包名 Package name: +a2dp\.Vol$/m);
    expect(stdout).toMatch(/^ {2}公钥 Public key: +A796ABF7A8D80A96/m);
    expect(stdout).toMatch(/^ {2}签名MD5 Signature MD5: +c1cabe8ad9dc272b2443a3a67bc443d5$/m);
    expect(stdout).toContain('C1:CA:BE:8A:D9:DC:27:2B:24:43:A3:A6:7B:C4:43:D5');
    expect(stdout).toContain('47:8C:1D:2F:CB:9B:F1:A8:2A:61:1C:9F:F9:6D:F6:D1:78:60:EA:1B');
  });

  it('iOS asks for the SHA-1, HarmonyOS for the SHA-256; warnings are listed', async () => {
    const ios = await runCommand([fixture('LPSimpleExample-cal.ipa')]);
    expect(ios.stdout).toMatch(/签名SHA-1 Certificate SHA-1: +00c0890f2295b8c8b6d27885daa080c7437cf113/);
    expect(ios.stdout).toContain('[development_profile]');
    const hap = await runCommand([fixture('phone-default-signed.hap')]);
    expect(hap.stdout).toMatch(/签名SHA-256 Certificate SHA-256: +674b8affc0b0022d3bdce2879589ce5cab7d2c50f8ff7a49091935260e10ba17/);
    expect(hap.stdout).toContain('[bundle_name_mismatch]');
  });

  it('a certificate with a non-minimal length (old signing tools): exit 0, stored-byte fingerprints, certificate_not_der shown', async () => {
    const { apk, certificate } = await oldToolA2dp();
    const dir = mkdtempSync(path.join(tmpdir(), 'beian-cli-'));
    try {
      const file = path.join(dir, 'a2dp-old-tool.apk');
      writeFileSync(file, apk);
      const md5 = createHash('md5').update(certificate).digest('hex');
      expect(md5).not.toBe('c1cabe8ad9dc272b2443a3a67bc443d5'); // the DER certificate's
      const { code, stdout, stderr } = await runCommand([file]);
      expect([code, stderr]).toEqual([0, '']);
      expect(stdout).toMatch(new RegExp(`^ {2}签名MD5 Signature MD5: +${md5}$`, 'm'));
      expect(stdout).toMatch(/^警告 Warnings\n {2}! \[certificate_not_der\] The signing certificate CN=FDroid,.* is not strict DER \(non-minimal length 83 00 01 01 at byte \d+\)/m);
      const json = await runCommand([file, '--json']);
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({
        filing: { signature: md5 }, warnings: [{ code: 'certificate_not_der' }],
        signers: [{ certificate: { sha256: createHash('sha256').update(certificate).digest('hex') } }],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unreadable file exits 2 with one line naming the problem, no stack trace', async () => {
    for (const file of ['/no/such/file.apk', path.join(repoRoot, 'package.json')]) {
      const { code, stdout, stderr } = await runCommand([file, '--json']);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.endsWith('\n')).toBe(true);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/file_unreadable|not_a_zip/);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('shows the profile, each certificate\'s signature algorithm, curve and key SHA-256, and the profile warnings', async () => {
    const hap = await runCommand([fixture('phone-default-signed.hap')]);
    expect(hap.code).toBe(0);
    expect(hap.stdout).toMatch(/^签名描述文件 Signing profile\n {2}类型 Type: +debug$/m);
    expect(hap.stdout).toMatch(/^ {2}包名 Bundle name: +com\.ohos\.settings$/m);
    expect(hap.stdout).toMatch(/^ {2}有效期 Valid: +2021-01-13T06:32:12Z → 2024-01-13T06:32:12Z$/m);
    expect(hap.stdout).toMatch(/^ {2}证书 Certificate: +CN=OpenHarmony Application Release,OU=OpenHarmony Team,O=OpenHarmony,C=CN$/m);
    expect(hap.stdout).toContain('SHA-256 8e93863fc32ee238060bf69a9b37e2608fffb21f93c862dd511cbac9f30024b5');
    expect(hap.stdout).toMatch(/^ {2}公钥算法 Key: +EC 256 bit \(P-256\)$/m);
    expect(hap.stdout).toMatch(/^ {2}签名算法 Signature algorithm: +ecdsa-with-SHA256$/m);
    expect(hap.stdout).toMatch(/^ {2}公钥 SHA-256 Key SHA-256: +f1c624793e906bdc0ba1190a6321c8b1ea67c76e6839a36f14986c90a6f09202$/m);
    for (const code of ['debug_profile', 'profile_expired', 'profile_certificate_mismatch']) expect(hap.stdout).toContain(`[${code}]`);
    const ipa = await runCommand([fixture('LPSimpleExample-cal.ipa')]);
    expect(ipa.stdout).toMatch(/^描述文件 Provisioning profile\n {2}类型 Type: +development\n {2}名称 Name: +iOSTeam Provisioning Profile: \*$/m);
    expect(ipa.stdout).toMatch(/^ {2}团队 ID Team ID: +CSBZ6R9U39$/m);
    expect(ipa.stdout).toContain('[profile_expired]');
    expect(ipa.stdout).not.toContain('[profile_certificate_mismatch]');
  });

  it('a certificate file (DER, PEM, PKCS#7 .RSA) answers the certificate facts and no package fields', async () => {
    const zip = await ZipPackage.open(fixture('a2dp.Vol_137.apk'));
    const rsa = await zip.read('META-INF/6AD89F48.RSA', 1 << 20).finally(() => zip.close());
    const der = Buffer.from(parseSignedData(rsa, 'fixture').certificates[0]!.der);
    const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
    const dir = mkdtempSync(path.join(tmpdir(), 'beian-cli-'));
    try {
      for (const [name, bytes, format] of [['fdroid.cer', der, 'der'], ['fdroid.pem', Buffer.from(pem), 'pem'], ['CERT.RSA', rsa, 'pkcs7']] as const) {
        const file = path.join(dir, name);
        writeFileSync(file, bytes);
        const json = await runCommand(['--json', file]);
        expect([json.code, json.stderr]).toEqual([0, '']);
        const printed = JSON.parse(json.stdout);
        expect(printed).toEqual({ kind: 'certificate', format, certificate: expect.objectContaining({}), warnings: [] });
        expect(printed.certificate).toMatchObject({
          subject: 'CN=FDroid,OU=FDroid,O=fdroid.org,L=ORG,ST=ORG,C=UK', serialNumber: '50361479', md5: 'c1cabe8ad9dc272b2443a3a67bc443d5',
          sha1: '478c1d2fcb9bf1a82a611c9ff96df6d17860ea1b', signatureAlgorithm: 'sha1WithRSAEncryption',
          publicKey: { algorithm: 'RSA', bits: 2048, spkiSha256: '7312c61ed3574f895ad17d60d01f9789e1a7eed6f1fc40b6f86eeccb89dffcaf' },
        });
        const text = await runCommand([file]);
        expect(text.code).toBe(0);
        expect(text.stdout).toMatch(/^ {2}签名MD5 \(Android\): +c1cabe8ad9dc272b2443a3a67bc443d5$/m);
        expect(text.stdout).toMatch(/^ {2}签名SHA-1 \(iOS\): +478c1d2fcb9bf1a82a611c9ff96df6d17860ea1b$/m);
        expect(text.stdout).not.toMatch(/包名|Package name/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('`--` ends the options: a file whose name starts with a dash can be analyzed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'beian-cli-'));
    try {
      const file = path.join(dir, '-x.apk');
      writeFileSync(file, readFileSync(fixture('v2-only-with-ecdsa-sha256-p256.apk')));
      process.chdir(dir);
      const r = await runCommand(['--json', '--', '-x.apk']);
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(JSON.parse(r.stdout).packageName).toBe('android.appsecurity.cts.tinyapp');
      expect((await runCommand(['--', '-x.apk', '--json'])).code).toBe(2); // after --, --json is a second file
    } finally {
      process.chdir(repoRoot);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unsigned package exits 0: `unsigned` is a warning, as README documents', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'beian-cli-'));
    try {
      const zip = await ZipPackage.open(fixture('TestActivity_signed_both.apk'));
      const manifest = await zip.read('AndroidManifest.xml', 1 << 20).finally(() => zip.close());
      const file = path.join(dir, 'unsigned.apk');
      writeFileSync(file, buildZip([{ name: 'AndroidManifest.xml', data: manifest }]));
      const r = await runCommand([file]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('— (未签名 unsigned)');
      expect(r.stdout).toContain('[unsigned]');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('usage errors exit 2; --help exits 0', async () => {
    expect((await runCommand([])).code).toBe(2);
    expect((await runCommand(['a.apk', 'b.apk'])).code).toBe(2);
    expect((await runCommand(['a.apk', '--yaml'])).stderr).toContain('unknown option --yaml');
    expect((await runCommand(['--help'])).code).toBe(0);
  });

  it('works on the real process streams (child process)', async () => {
    const script = `import { analyzeCommand } from './src/cli/analyze.ts';
      process.exitCode = await analyzeCommand(process.argv.slice(1), { stdout: process.stdout, stderr: process.stderr });`;
    const node = (args: string[]) => promisify(execFile)('node', ['--import', 'tsx', '--input-type=module', '-e', script, ...args], { cwd: repoRoot })
      .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e);
    const ok = await node([fixture('v2-only-with-ecdsa-sha256-p256.apk'), '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).signers[0].schemes).toEqual(['v2']);
    const bad = await node(['/no/such/file.apk']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([expect.stringContaining('file_unreadable')]);
  }, 120_000); // two Node processes compiling TypeScript on a busy two-core machine

  it('colons() formats fingerprints as keytool does', () => {
    expect(colons('c1cabe8a')).toBe('C1:CA:BE:8A');
  });
});
