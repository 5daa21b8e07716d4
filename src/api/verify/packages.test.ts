// Package uploads: POST /api/verify/v1/packages (analysis + verification of every signer) and
// POST /api/host/packages (filing materials), on the real fixtures in ../shared/fixtures/packages.
// Uploads are streamed to a temporary file under the limit (413 beyond, with or without a
// Content-Length) and the file is always deleted.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, signIn } from '../../../tests/auth.ts';
import { BOUNDARY, multipart, multipartParts, ownUploadFolder, type Part } from '../../../tests/multipart.ts';
import { A2DP_CERT, expectNoPersonalData, KEY } from '../../../tests/verify.ts';
import { loadConfig } from '../../config.ts';
import { buildApp } from '../app.ts';
import { parseSignedData } from '../../analyzer/cert/pkcs7.ts';
import { ZipPackage } from '../../analyzer/zip.ts';

async function v1Block(): Promise<Buffer> {
  const zip = await ZipPackage.open(path.join(fixtures, 'a2dp.Vol_137.apk'));
  try {
    return await zip.read('META-INF/6AD89F48.RSA', 1 << 20);
  } finally {
    await zip.close();
  }
}

function certificateOf(pkcs7: Buffer): Buffer {
  return Buffer.from(parseSignedData(pkcs7, 'fixture').certificates[0]!.der);
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.resolve(repoRoot, '../shared/fixtures/packages');

const uploads = await ownUploadFolder('verify-packages-test');
const uploadsLeft = () => uploads.left();

describe('package uploads', () => {
  let a: AuthTestApp;
  let small: FastifyInstance;
  let a2dpApk: Buffer;
  let leftBefore: number;
  const bodies: string[] = [];
  const upload = async (app: FastifyInstance, url: string, file: Buffer, name: string, headers: Record<string, string> = KEY) => {
    const m = multipart(name, file);
    const res = await app.inject({ method: 'POST', url, headers: { ...headers, ...m.headers }, payload: m.payload });
    bodies.push(res.body);
    return res;
  };

  beforeAll(async () => {
    a = await authTestApp();
    small = await buildApp({ db: a.t.db, sealer: a.t.sealer, now: a.clock.now, config: loadConfig({ LOG_LEVEL: 'silent', UPLOAD_LIMIT_MB: '1' }) });
    a2dpApk = await readFile(path.join(fixtures, 'a2dp.Vol_137.apk'));
    leftBefore = await uploadsLeft();
  }, SETUP_TIMEOUT);
  afterAll(async () => { await small?.close(); await a?.close(); await uploads.remove(); });

  it('verifies a2dp.Vol_137.apk as filed: analysis and verification of its signer in one call', async () => {
    const res = await upload(a.app, '/api/verify/v1/packages', a2dpApk, 'a2dp.Vol_137.apk');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.analysis).toMatchObject({ platform: 'android', packageName: 'a2dp.Vol', versionCode: '137', signers: [{ certificate: { md5: A2DP_CERT.md5, sha256: A2DP_CERT.sha256 } }] });
    expect(body.verification).toEqual({
      status: 'filed',
      signers: [expect.objectContaining({
        status: 'filed', matchedBy: 'sha256', platform: 'android', packageName: 'a2dp.Vol', serviceNumber: '粤ICP备2024000001号-2A', certificateSha256: A2DP_CERT.sha256,
      })],
    });
  });

  it('answers not_filed for packages nobody filed (APK and IPA)', async () => {
    const apk = await upload(a.app, '/api/verify/v1/packages', await readFile(path.join(fixtures, 'TestActivity_signed_both.apk')), 'x.apk');
    expect(apk.json().verification).toMatchObject({ status: 'not_filed', signers: [{ status: 'not_filed', packageName: 'tests.androguard' }] });
    const ipa = await upload(a.app, '/api/verify/v1/packages', await readFile(path.join(fixtures, 'LPSimpleExample-cal.ipa')), 'x.ipa');
    expect(ipa.statusCode).toBe(200);
    expect(ipa.json().verification).toMatchObject({ status: 'not_filed', signers: [{ platform: 'ios' }] });
  });

  it("answers the analyzer's refusal as 422 with its code", async () => {
    const res = await upload(a.app, '/api/verify/v1/packages', Buffer.from('this is not a zip file at all, just text'), 'fake.apk');
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('not_a_zip');
    const truncated = await upload(a.app, '/api/verify/v1/packages', a2dpApk.subarray(0, 200_000), 'cut.apk');
    expect(truncated.statusCode).toBe(422);
    expect(truncated.json().code).toBe('truncated');
  });

  it('refuses more parts than an upload has with 400 naming them, not as too large', async () => {
    const post = (parts: Part[]) => { const m = multipartParts(parts); return a.app.inject({ method: 'POST', url: '/api/verify/v1/packages', headers: { ...KEY, ...m.headers }, payload: m.payload }); };
    const two = await post([{ name: 'file', filename: 'a.apk', content: Buffer.from('x') }, { name: 'file2', filename: 'b.apk', content: a2dpApk }]);
    expect(two.statusCode).toBe(400);
    expect(two.json()).toMatchObject({ code: 'upload_too_many_parts', errors: [{ field: 'file', code: 'too_many_files' }] });
    const fields = await post([...Array.from({ length: 11 }, (_, i) => ({ name: `f${i}`, value: 'v' })), { name: 'file', filename: 'a.apk', content: a2dpApk }]);
    expect(fields.statusCode).toBe(400);
    expect(fields.json()).toMatchObject({ code: 'upload_too_many_parts', errors: [{ code: 'too_many_fields' }] });
  });

  it('refuses an upload over the limit with 413, whether its Content-Length says so or not', async () => {
    const big = Buffer.alloc(1_300_000, 7);
    const res = await upload(small, '/api/verify/v1/packages', big, 'big.apk');
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('upload_too_large');
    // Chunked (no Content-Length): the limit is enforced while streaming to disk.
    await small.listen({ host: '127.0.0.1', port: 0 });
    const port = (small.server.address() as AddressInfo).port;
    const m = multipart('big.apk', big);
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/api/verify/v1/packages', method: 'POST', headers: { ...KEY, ...m.headers, 'transfer-encoding': 'chunked' } }, (r) => {
        let body = '';
        r.on('data', (c: Buffer) => { body += c.toString(); });
        r.on('end', () => resolve({ status: r.statusCode!, body }));
      });
      req.on('error', reject);
      for (let i = 0; i < m.payload.length; i += 65536) req.write(m.payload.subarray(i, i + 65536));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).code).toBe('upload_too_large');
    // Under the limit the same app analyzes.
    expect((await upload(small, '/api/verify/v1/packages', a2dpApk, 'a2dp.apk')).statusCode).toBe(200);
  });

  it('asks for a file part when there is none; a body of another media type is 415 naming the header, before it is read', async () => {
    const res = await a.app.inject({ method: 'POST', url: '/api/verify/v1/packages', headers: KEY });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('upload_missing');
    const host = await signIn(a.app, 'host@demo.beian.test');
    for (const [url, headers] of [['/api/verify/v1/packages', KEY], ['/api/host/packages', host.headers]] as const) {
      for (const [type, payload] of [['application/json', '{"hello":"world"}'], ['application/json', '{broken'], ['application/x-www-form-urlencoded', 'file=a.apk'], ['text/plain', 'hi']]) {
        const wrong = await a.app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': type }, payload });
        expect(wrong.statusCode, `${url} ${type} ${payload}`).toBe(415);
        expect(wrong.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(wrong.json()).toMatchObject({ code: 'unsupported_media_type', errors: [{ field: 'header.content-type', code: 'unsupported_media_type' }] });
      }
    }
    // The OpenAPI entry lists it.
    const doc = (await a.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(Object.keys(doc.paths['/api/verify/v1/packages'].post.responses)).toContain('415');
    const fieldsOnly = await a.app.inject({
      method: 'POST', url: '/api/verify/v1/packages', headers: { ...KEY, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n--${BOUNDARY}--\r\n`,
    });
    expect(fieldsOnly.statusCode).toBe(400);
    expect(fieldsOnly.json().code).toBe('upload_missing');
  });

  it('guards both routes: 401 without credentials, relying parties on verify, hosts on host', async () => {
    expect((await upload(a.app, '/api/verify/v1/packages', a2dpApk, 'a.apk', {})).statusCode).toBe(401);
    const host = await signIn(a.app, 'host@demo.beian.test');
    expect((await upload(a.app, '/api/verify/v1/packages', a2dpApk, 'a.apk', host.headers)).statusCode).toBe(403);
    expect((await upload(a.app, '/api/host/packages', a2dpApk, 'a.apk', KEY)).statusCode).toBe(403);
  });

  it('gives a host the filing materials of its package (APP特征信息)', async () => {
    const host = await signIn(a.app, 'host@demo.beian.test');
    const res = await upload(a.app, '/api/host/packages', a2dpApk, 'a2dp.Vol_137.apk', host.headers);
    expect(res.statusCode).toBe(200);
    expect(res.json().materials).toEqual({
      platform: 'android', packageName: 'a2dp.Vol', publicKey: A2DP_CERT.publicKey, certMd5: A2DP_CERT.md5, certSha1: A2DP_CERT.sha1, certSha256: A2DP_CERT.sha256,
    });
    expect(res.json().analysis.filing).toEqual({ packageName: 'a2dp.Vol', publicKey: A2DP_CERT.publicKey, signature: A2DP_CERT.md5 });
    expect(res.json().crossCheck).toEqual({ checked: false, differences: [], warnings: [] }); // nothing typed (see src/api/host/packages.test.ts)
  });

  it('answers a certificate file (DER, PEM, PKCS#7 .RSA) with its facts: no package fields, no verification; a host gets its materials', async () => {
    const rsa = await v1Block();
    const der = certificateOf(rsa);
    const pem = Buffer.from(`-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`);
    for (const [file, name, format] of [[der, 'fdroid.cer', 'der'], [pem, 'fdroid.pem', 'pem'], [rsa, 'CERT.RSA', 'pkcs7']] as const) {
      const res = await upload(a.app, '/api/verify/v1/packages', file, name);
      expect(res.statusCode, name).toBe(200);
      expect(res.json()).toEqual({
        analysis: { kind: 'certificate', format, certificate: expect.objectContaining({ md5: A2DP_CERT.md5, sha256: A2DP_CERT.sha256 }), warnings: [] },
        verification: null,
      });
    }
    const host = await signIn(a.app, 'host@demo.beian.test');
    const res = await upload(a.app, '/api/host/packages', der, 'fdroid.cer', host.headers);
    expect(res.statusCode).toBe(200);
    expect(res.json().materials).toEqual({
      platform: null, packageName: null, publicKey: A2DP_CERT.publicKey, certMd5: A2DP_CERT.md5, certSha1: A2DP_CERT.sha1, certSha256: A2DP_CERT.sha256,
    });
    expect(res.json().analysis.kind).toBe('certificate');
  });

  it('the analysis carries the profile and the per-certificate facts (GROUND-TRUTH.md)', async () => {
    const hap = await upload(a.app, '/api/verify/v1/packages', await readFile(path.join(fixtures, 'phone-default-signed.hap')), 'x.hap');
    expect(hap.statusCode).toBe(200);
    const analysis = hap.json().analysis;
    expect(analysis.profile).toMatchObject({ type: 'debug', bundleName: 'com.ohos.settings', certificates: [{ sha256: '8e93863fc32ee238060bf69a9b37e2608fffb21f93c862dd511cbac9f30024b5' }] });
    expect(analysis.signers[0].certificate).toMatchObject({ signatureAlgorithm: 'ecdsa-with-SHA256', publicKey: { curve: 'P-256', spkiSha256: 'f1c624793e906bdc0ba1190a6321c8b1ea67c76e6839a36f14986c90a6f09202' } });
    expect(analysis.warnings.map((w: { code: string }) => w.code)).toEqual(expect.arrayContaining(['debug_profile', 'profile_expired', 'profile_certificate_mismatch']));
  });

  it('documents 413 and 422 for both upload routes in the OpenAPI document', async () => {
    const doc = (await a.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    for (const route of ['/api/verify/v1/packages', '/api/host/packages']) {
      expect(Object.keys(doc.paths[route].post.responses), route).toEqual(expect.arrayContaining(['413', '422']));
    }
  });

  it('leaves no temporary file behind and no personal data in any answer', async () => {
    expect(await uploadsLeft()).toBe(leftBefore);
    for (const b of bodies) expectNoPersonalData(b);
  });
});
