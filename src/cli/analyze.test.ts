// The `beian analyze` contract: --json prints one JSON object and exits 0; an unreadable file exits
// 2 with one line on stderr; the summary shows the filing values (Chinese label first).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { analyzePackage } from '../analyzer/index.ts';
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
