// POST /api/host/packages with what the host typed (issue 4 item 7, "cross-checked if typed"):
// over real HTTP (the server listening, fetch with FormData as the browser sends it) on the real
// fixtures of ../shared/fixtures/packages, values as GROUND-TRUTH.md lists them.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oldToolA2dp } from '../../analyzer/test-support/ber.ts';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from '../../../tests/auth.ts';
import { multipartParts, ownUploadFolder } from '../../../tests/multipart.ts';
import { A2DP_CERT } from '../../../tests/verify.ts';
import { call } from '../../../tests/filing.ts';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures/packages');
const colons = (hex: string) => hex.toUpperCase().match(/../g)!.join(':');
const IPA_SHA1 = '00c0890f2295b8c8b6d27885daa080c7437cf113';
const uploads = await ownUploadFolder('host-packages-test');
const uploadsLeft = () => uploads.left();

describe('a host cross-checks typed feature info against its package', () => {
  let a: AuthTestApp;
  let base: string;
  let host: Signed;
  const file = async (name: string) => new Blob([await readFile(path.join(fixtures, name))]);

  /** Text parts in the order given; the file where `{ file }` stands (a fixture, or bytes made here). */
  async function upload(parts: (readonly [string, string] | { file: string; bytes?: Buffer })[]) {
    const form = new FormData();
    for (const p of parts) {
      if ('file' in p) form.append('file', p.bytes ? new Blob([new Uint8Array(p.bytes)]) : await file(p.file), p.file);
      else form.append(p[0], p[1]);
    }
    const res = await fetch(`${base}/api/host/packages`, { method: 'POST', headers: host.headers, body: form });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.json() as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  }

  beforeAll(async () => {
    a = await authTestApp();
    await a.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(a.app.server.address() as AddressInfo).port}`;
    host = await signIn(a.app, 'host@demo.beian.test');
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); await uploads.remove(); });

  it('finds no difference in values typed as keytool and openssl print them, sent after the file', async () => {
    const res = await upload([
      { file: 'a2dp.Vol_137.apk' },
      ['platform', 'android'], ['packageName', 'a2dp.Vol'],
      ['certMd5', colons(A2DP_CERT.md5)], ['certSha1', `SHA1: ${colons(A2DP_CERT.sha1)}`], ['certSha256', `SHA256: ${colons(A2DP_CERT.sha256)}`],
      ['publicKey', `Modulus=${A2DP_CERT.publicKey}`],
    ]);
    expect(res.status).toBe(200);
    expect(res.body.crossCheck).toEqual({ checked: true, differences: [], warnings: [] });
    expect(res.body.materials).toMatchObject({ packageName: 'a2dp.Vol', certMd5: A2DP_CERT.md5, publicKey: A2DP_CERT.publicKey });
  });

  it('names a wrong package name and a wrong MD5, typed before the file', async () => {
    const res = await upload([['packageName', 'a2dp.vol.free'], ['certMd5', colons('972872bb09d5fb59099cc835ce0ddfec')], ['certSha1', A2DP_CERT.sha1], { file: 'a2dp.Vol_137.apk' }]);
    expect(res.status).toBe(200);
    expect(res.body.crossCheck).toEqual({
      checked: true,
      differences: [
        { field: 'packageName', typed: 'a2dp.vol.free', package: 'a2dp.Vol', code: 'package_name_differs' },
        { field: 'certMd5', typed: '972872bb09d5fb59099cc835ce0ddfec', package: A2DP_CERT.md5, code: 'fingerprint_differs' },
      ],
      warnings: [],
    });
  });

  it('compares nothing when nothing was typed (the form fills as before)', async () => {
    const res = await upload([['packageName', ''], ['note', 'ignored'], { file: 'a2dp.Vol_137.apk' }]);
    expect(res.status).toBe(200);
    expect(res.body.crossCheck).toEqual({ checked: false, differences: [], warnings: [] });
  });

  it('checks an iOS package by its SHA-1, a platform typed wrong, and a key pasted as PEM', async () => {
    const first = await upload([{ file: 'LPSimpleExample-cal.ipa' }, ['platform', 'android'], ['certSha1', colons(IPA_SHA1).replace(/:/g, ' ')]]);
    expect(first.body.crossCheck.differences).toEqual([{ field: 'platform', typed: 'android', package: 'ios', code: 'platform_differs' }]);
    // The HAP's key as `openssl x509 -pubkey` prints it.
    const hap = await upload([{ file: 'phone-default-signed.hap' }]);
    const spki = hap.body.analysis.signers[0].certificate.publicKey.spki as string;
    const pem = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(spki, 'hex').toString('base64')}\n-----END PUBLIC KEY-----\n`;
    const res = await upload([['platform', 'harmonyos'], ['publicKey', pem], ['certSha256', '674b8affc0b0022d3bdce2879589ce5cab7d2c50f8ff7a49091935260e10ba17'], { file: 'phone-default-signed.hap' }]);
    expect(res.body.crossCheck).toEqual({ checked: true, differences: [], warnings: [] });
  });

  it('carries certificate_not_der for a real v1-only APK whose certificate has a non-minimal length (an old signing tool)', async () => {
    const { apk, certificate } = await oldToolA2dp();
    const stored = (alg: string) => createHash(alg).update(certificate).digest('hex');
    // The host typed the MD5 of the stored bytes (what apksigner prints) and the DER certificate's SHA-1 (a tool that re-encodes).
    const res = await upload([{ file: 'a2dp-old-tool.apk', bytes: apk }, ['platform', 'android'], ['certMd5', colons(stored('md5'))], ['certSha1', A2DP_CERT.sha1]]);
    expect(res.status).toBe(200);
    expect(res.body.materials).toMatchObject({ packageName: 'a2dp.Vol', publicKey: A2DP_CERT.publicKey, certMd5: stored('md5'), certSha1: stored('sha1'), certSha256: stored('sha256') });
    expect(res.body.analysis.warnings).toEqual([{ code: 'certificate_not_der', message: expect.stringContaining('non-minimal length 83 00 01 01'), params: expect.objectContaining({ reason: expect.stringContaining('non-minimal length 83 00 01 01') }) }]);
    expect(res.body.crossCheck).toEqual({
      checked: true,
      differences: [{ field: 'certSha1', typed: A2DP_CERT.sha1, package: stored('sha1'), code: 'fingerprint_differs' }],
      warnings: [{ code: 'certificate_not_der', message: expect.stringContaining('bytes as stored in the package') }],
    });
    // Nothing typed: the analysis still warns, the cross-check has nothing to explain.
    const plain = await upload([{ file: 'a2dp-old-tool.apk', bytes: apk }]);
    expect(plain.body.analysis.warnings.map((w: { code: string }) => w.code)).toEqual(['certificate_not_der']);
    expect(plain.body.crossCheck).toEqual({ checked: false, differences: [], warnings: [] });
  });

    it('refuses a malformed typed fingerprint with a 400 problem naming the field', async () => {
    const res = await upload([['certMd5', 'C1:CA:BE:8A:D9'], ['certSha1', A2DP_CERT.md5], { file: 'a2dp.Vol_137.apk' }]);
    expect(res.status).toBe(400);
    expect(res.type).toContain('application/problem+json');
    expect(res.body).toMatchObject({
      code: 'typed_values_invalid',
      errors: [{ field: 'certMd5', code: 'fingerprint_length' }, { field: 'certSha1', code: 'fingerprint_algorithm_mismatch' }],
    });
  });

  it('refuses an over-long text part, before or after the file, naming it', async () => {
    const long = 'A'.repeat(17 * 1024);
    for (const order of [[['publicKey', long], { file: 'a2dp.Vol_137.apk' }], [{ file: 'a2dp.Vol_137.apk' }, ['publicKey', long]]] as const) {
      const res = await upload([...order]);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'upload_field_too_long', errors: [{ field: 'publicKey', code: 'too_long' }] });
    }
  });

  it('still asks for the file when only typed values came', async () => {
    const m = multipartParts([{ name: 'certMd5', value: A2DP_CERT.md5 }]);
    const res = await a.app.inject({ method: 'POST', url: '/api/host/packages', headers: { ...host.headers, ...m.headers }, payload: m.payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('upload_missing');
  });

  it('says whether the package name is filed already, under the same certificate; a change of that filing leaves it out', async () => {
    const filed = await upload([{ file: 'a2dp.Vol_137.apk' }]);
    expect(filed.body.registry).toEqual({ packageFiled: true, serviceNumber: '粤ICP备2024000001号-2A', sameCertificate: true });
    const other = await upload([{ file: 'TestActivity_signed_both.apk' }]);
    expect(other.body.registry).toEqual({ packageFiled: false, serviceNumber: null, sameCertificate: null });
    // The host's change of the A2DP filing: that filing is what the form edits, not "filed already".
    const [svc] = await a.t.db.query<{ id: string }>(`select s.id from services s join app_platforms p on p.service_id = s.id where p.package_name = 'a2dp.Vol'`);
    const materials = await call(a.app, host, 'GET', `/api/host/services/${svc!.id}/materials`);
    const draft = await call(a.app, host, 'POST', '/api/host/applications', materials, 201);
    const change = await upload([['applicationId', draft.id], { file: 'a2dp.Vol_137.apk' }]);
    expect(change.body.registry).toEqual({ packageFiled: false, serviceNumber: null, sameCertificate: null });
    // Another host's application id leaves nothing out; a malformed one is refused naming the part.
    const wang = await signIn(a.app, 'wang@demo.beian.test');
    const form = new FormData();
    form.append('applicationId', draft.id);
    form.append('file', await file('a2dp.Vol_137.apk'), 'a2dp.apk');
    const theirs = await (await fetch(`${base}/api/host/packages`, { method: 'POST', headers: wang.headers, body: form })).json() as { registry: unknown };
    expect(theirs.registry).toMatchObject({ packageFiled: true });
    const bad = await upload([['applicationId', 'x'], { file: 'a2dp.Vol_137.apk' }]);
    expect([bad.status, bad.body.errors?.[0]?.field]).toEqual([400, 'applicationId']);
  });

  it('leaves no temporary file behind', async () => {
    expect(await uploadsLeft()).toBe(0);
  });
});
