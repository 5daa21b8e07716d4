// POST /api/verify/v1/apps and the lookups, over HTTP on the demo data: every outcome, every
// fingerprint format, auth, malformed bodies and items, one query per batch, watches, and no
// personal data in any answer. Runs on PGlite and, with DATABASE_URL, on PostgreSQL.
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, signIn } from '../../../tests/auth.ts';
import { A2DP_CERT, a2dp, expectNoPersonalData, fileIndividualApp, KEY, serviceId, verify } from '../../../tests/verify.ts';
import { cancelConfirmed } from '../../../tests/filing.ts';
import type { Db } from '../../db/connection.ts';
import { buildApp } from '../app.ts';
import { loadConfig } from '../../config.ts';
import { usccCheckChar } from '../../domain/validation/index.ts';
import { DEMO_PEOPLE } from '../../db/seed/demo.ts';
import { RATE_LIMITS } from '../rate-limit.ts';
import { scanVerifyBody } from './batch-scan.ts';
import { loadIdentities } from '../../db/verification.ts';
import { identityKey } from '../../domain/verification.ts';

const A2DP_NUMBER = '粤ICP备2024000001号-2A';
const DEMO_USCC = (() => { const f = '91440300MA5DEM0X1'; return f + usccCheckChar(f); })();

describe('verification API', () => {
  let a: AuthTestApp;
  const bodies: string[] = [];
  const call = async (items: Parameters<typeof verify>[1], headers?: Record<string, string>) => {
    const res = await verify(a.app, items, headers);
    bodies.push(res.body);
    return res;
  };
  const get = async (url: string, headers: Record<string, string> = KEY) => {
    const res = await a.app.inject({ method: 'GET', url, headers });
    bodies.push(res.body);
    return res;
  };

  beforeAll(async () => {
    a = await authTestApp();
    await fileIndividualApp(a.t.db);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('answers filed for the demo contract: a2dp.Vol, the GROUND-TRUTH certificate, demo-platform-key', async () => {
    const res = await call([a2dp()]);
    expect(res.statusCode).toBe(200);
    expect(res.json().results).toEqual([{
      status: 'filed', platform: 'android', packageName: 'a2dp.Vol', matchedBy: 'md5',
      serviceNumber: A2DP_NUMBER, mainNumber: '粤ICP备2024000001号', serviceName: 'A2DP Volume',
      hostName: '深圳市示例网络科技有限公司', hostType: 'unit', filedAt: '2024-05-20T02:00:00.000Z', statusChangedAt: '2024-05-20T02:00:00.000Z',
    }]);
  });

  it('matches iOS bundle IDs whatever their case, by every route and in the database fallback; Android names stay case-sensitive', async () => {
    const ledger = { platform: 'ios', packageName: 'COM.EXAMPLE.LEDGER', fingerprint: 'fedcba9876543210fedcba9876543210fedcba98' };
    const want = { status: 'filed', packageName: 'COM.EXAMPLE.LEDGER', serviceNumber: '浙ICP备2024000001号-1A' }; // the name as sent
    // In place (canonical bytes), parsed (another shape), a batch of both, GET, a stream line.
    expect((await call([ledger])).json().results[0]).toMatchObject(want);
    expect((await call([{ ...ledger, platform: 'IOS', packageName: 'Com.Example.Ledger' }, ledger])).json().results)
      .toEqual([expect.objectContaining({ ...want, packageName: 'Com.Example.Ledger' }), expect.objectContaining(want)]);
    expect((await get(`/api/verify/v1/apps?${new URLSearchParams(ledger).toString()}`)).json()).toMatchObject(want);
    const stream = await a.app.inject({ method: 'POST', url: '/api/verify/v1/apps/stream', headers: { ...KEY, 'content-type': 'application/x-ndjson' }, payload: `${JSON.stringify(ledger)}\n` });
    expect(JSON.parse(stream.body.split('\n')[0]!)).toMatchObject(want);
    // The database's answer when memory cannot (a key changed a moment ago, a reload).
    const found = await loadIdentities(a.t.db, [{ platform: 'ios', packageName: 'COM.EXAMPLE.LEDGER' }]);
    expect(found.get(identityKey('ios', 'com.example.ledger'))).toMatchObject({ serviceNumber: '浙ICP备2024000001号-1A', active: true });
    expect((await call([{ platform: 'android', packageName: 'A2DP.VOL', fingerprint: A2DP_CERT.md5 }])).json().results[0].status).toBe('not_filed');
    // One active filing per iOS bundle ID whatever its case (migration 0044).
    await expect(a.t.db.query(
      `insert into app_platforms (service_id, platform, package_name, cert_sha1) values ($1, 'ios', 'COM.EXAMPLE.LEDGER', $2)`,
      [await serviceId(a.t.db, 'a2dp.Vol'), 'f'.repeat(40)])).rejects.toThrow(/app_platforms_active_ios_folded|duplicate key/);
  });

  it('verifies one item by GET with the query string, answering the result itself', async () => {
    const q = (o: Record<string, string>) => `/api/verify/v1/apps?${new URLSearchParams(o).toString()}`;
    const filed = await get(q({ platform: 'android', packageName: 'a2dp.Vol', fingerprint: A2DP_CERT.sha1.toUpperCase().match(/../g)!.join(':') }));
    expect(filed.statusCode).toBe(200);
    expect(filed.json()).toMatchObject({ status: 'filed', matchedBy: 'sha1', serviceNumber: A2DP_NUMBER, packageName: 'a2dp.Vol' });
    expect(filed.headers['ratelimit-remaining']).toBeDefined();
    expect((await get(q({ platform: 'android', packageName: 'com.nobody.app', fingerprint: A2DP_CERT.md5, ref: 'r1' }))).json())
      .toMatchObject({ status: 'not_filed', ref: 'r1', serviceNumber: null });
    expect((await get(q({ platform: 'android', packageName: 'a2dp.Vol', fingerprint: 'xyz' }))).json())
      .toMatchObject({ status: 'invalid', error: { field: 'fingerprint' } });
    const unknown = await get(q({ platform: 'android', packageName: 'a2dp.Vol', fingerprint: A2DP_CERT.md5, colour: 'red' }));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.json().errors).toEqual([{ field: 'querystring.colour', code: 'unrecognized_keys', message: 'unknown field "colour"' }]);
    const missing = await get(q({ platform: 'android', packageName: 'a2dp.Vol' }));
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors.map((e: { field: string }) => e.field)).toContain('querystring.fingerprint');
    const twice = await get(`${q({ platform: 'android', packageName: 'a2dp.Vol', fingerprint: A2DP_CERT.md5 })}&platform=ios`);
    expect(twice.statusCode).toBe(400);
    expect((await get(q({ platform: 'android', packageName: 'a2dp.Vol', fingerprint: A2DP_CERT.md5 }), {})).statusCode).toBe(401);
  });

  it('accepts MD5, SHA-1 and SHA-256 in colon, space, upper-case and labelled formats', async () => {
    const colons = (hex: string) => hex.toUpperCase().match(/../g)!.join(':');
    const spaces = (hex: string) => hex.match(/../g)!.join(' ');
    const forms: [string, string][] = [
      [A2DP_CERT.md5, 'md5'], [colons(A2DP_CERT.md5), 'md5'], [spaces(A2DP_CERT.md5.toUpperCase()), 'md5'],
      [A2DP_CERT.sha1, 'sha1'], [colons(A2DP_CERT.sha1), 'sha1'], [`SHA1: ${colons(A2DP_CERT.sha1)}`, 'sha1'], [spaces(A2DP_CERT.sha1), 'sha1'],
      [A2DP_CERT.sha256.toUpperCase(), 'sha256'], [colons(A2DP_CERT.sha256), 'sha256'], [spaces(A2DP_CERT.sha256), 'sha256'],
      [`  ${A2DP_CERT.sha256}\n`, 'sha256'], [A2DP_CERT.md5.replace(/(.{8})/g, '$1-').slice(0, -1), 'md5'],
      // apksigner's line, a console's Chinese label, a trailing label, quotes and a zero-width space from a web page
      [`Signer #1 certificate SHA-256 digest: ${A2DP_CERT.sha256}`, 'sha256'], [`签名MD5：${A2DP_CERT.md5}`, 'md5'],
      [`${A2DP_CERT.md5} (MD5)`, 'md5'], [`"${A2DP_CERT.sha1}"`, 'sha1'], [`\u200B${A2DP_CERT.md5}`, 'md5'],
    ];
    const res = await call(forms.map(([f]) => a2dp(f)));
    expect(res.json().results.map((r: { status: string; matchedBy: string }) => [r.status, r.matchedBy])).toEqual(forms.map(([, alg]) => ['filed', alg]));
  });

  it('answers not_filed, fingerprint_mismatch, revoked and invalid in one batch, in order', async () => {
    const res = await call([
      { platform: 'android', packageName: 'com.nobody.filed', fingerprint: A2DP_CERT.md5, ref: 'r1' },
      { ...a2dp('00'.repeat(16)), ref: 'r2' },
      { platform: 'android', packageName: 'com.example.minigame', fingerprint: 'a'.repeat(32), ref: 'r3' },
      { platform: 'android', packageName: 'a2dp.Vol', fingerprint: 'xyz', ref: 'r4' },
      { platform: 'ios', packageName: 'com.example.ledger', fingerprint: 'fedcba9876543210fedcba9876543210fedcba98', ref: 'r5' },
      { platform: 'windows', packageName: 'a2dp.Vol', fingerprint: A2DP_CERT.md5, ref: 'r6' },
      { platform: 'android', packageName: 'noseparator', fingerprint: A2DP_CERT.md5, ref: 'r7' },
      { platform: 'android', packageName: 'a2dp.Vol', fingerprint: 'ab'.repeat(17), ref: 'r8' },
    ]);
    const r = res.json().results as Record<string, unknown>[];
    expect(r.map((x) => x.ref)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8']);
    expect(r.map((x) => x.status)).toEqual(['not_filed', 'fingerprint_mismatch', 'revoked', 'invalid', 'filed', 'invalid', 'invalid', 'invalid']);
    expect(r[0]).toMatchObject({ serviceNumber: null, hostName: null, matchedBy: null });
    expect(r[1]).toMatchObject({ serviceNumber: A2DP_NUMBER, matchedBy: null });
    expect(r[2]).toMatchObject({ serviceNumber: '浙ICP备2024000001号-2A', matchedBy: 'md5', statusChangedAt: '2025-03-01T08:00:00.000Z' });
    expect(r[3]).toMatchObject({ error: { field: 'fingerprint', code: 'fingerprint_charset' } });
    expect(r[4]).toMatchObject({ matchedBy: 'sha1', serviceName: '示例记账' });
    expect(r[5]).toMatchObject({ error: { field: 'platform', code: 'platform_unknown' } });
    expect(r[6]).toMatchObject({ error: { field: 'packageName', code: 'android_package_segments' } });
    expect(r[7]).toMatchObject({ error: { field: 'fingerprint', code: 'fingerprint_length' } });
  });

  it('says which fingerprints a filing records when the one presented cannot be compared', async () => {
    const res = await call([{ platform: 'ios', packageName: 'com.example.ledger', fingerprint: 'ab'.repeat(32) }]);
    expect(res.json().results[0]).toMatchObject({ status: 'fingerprint_mismatch', recordedAlgorithms: ['sha1'] });
  });

  it('answers shell with shellSince, the China date the public record gives, by every route (and /numbers and the record agree)', async () => {
    const id = await serviceId(a.t.db, 'a2dp.Vol');
    await a.t.db.query(`update services set shell_since = '2026-10-22T20:00:02.462Z' where id = $1`, [id]);
    try {
      const want = { status: 'shell', matchedBy: 'md5', serviceNumber: A2DP_NUMBER, shellSince: '2026-10-23' };
      await expect.poll(async () => (await call([a2dp()])).json().results[0], { timeout: 5000 }).toMatchObject(want);
      expect((await call([a2dp(), a2dp(A2DP_CERT.sha1.toUpperCase())])).json().results).toEqual([expect.objectContaining(want), expect.objectContaining({ ...want, matchedBy: 'sha1' })]);
      expect((await get(`/api/verify/v1/apps?${new URLSearchParams({ ...a2dp() }).toString()}`)).json()).toMatchObject(want);
      const stream = await a.app.inject({ method: 'POST', url: '/api/verify/v1/apps/stream', headers: { ...KEY, 'content-type': 'application/x-ndjson' }, payload: `${JSON.stringify(a2dp())}\n` });
      expect(JSON.parse(stream.body.split('\n')[0]!)).toMatchObject({ line: 1, ...want });
      // Another status carries no shellSince; a mismatch of a shell is a mismatch.
      expect((await call([a2dp('00'.repeat(16))])).json().results[0]).not.toHaveProperty('shellSince');
      const number = await get(`/api/verify/v1/numbers/${encodeURIComponent(A2DP_NUMBER)}`);
      expect(number.json().service.shellSince).toBe('2026-10-23');
      const record = await a.app.inject({ method: 'GET', url: `/api/public/v1/services/${encodeURIComponent(A2DP_NUMBER)}` });
      expect(record.json().shellSince).toBe('2026-10-23');
    } finally {
      await a.t.db.query('update services set shell_since = null where id = $1', [id]);
    }
    await expect.poll(async () => (await call([a2dp()])).json().results[0].status, { timeout: 5000 }).toBe('filed');
  });

  it("masks an individual host's name", async () => {
    const res = await call([{ platform: 'android', packageName: 'cn.xiaoer.notes', fingerprint: 'C'.repeat(64) }]);
    expect(res.json().results[0]).toMatchObject({ status: 'filed', matchedBy: 'sha256', hostName: '王**', hostType: 'individual', serviceName: '小二笔记' });
  });

  it('answers cancelled after the host cancels the service, and lists it among the host\'s services', async () => {
    const host = await signIn(a.app, 'host@demo.beian.test');
    const id = await serviceId(a.t.db, 'com.example.ledger');
    // Its subject's last live service: the code cancels the subject with it.
    const cancel = await cancelConfirmed(a, host, `/api/host/services/${id}/cancel`, { reason: '停止运营' });
    expect(cancel).toMatchObject({ status: 'confirmed', servicesCancelled: ['浙ICP备2024000001号-1A'], subjectCancelled: '浙ICP备2024000001号' });
    const res = await call([{ platform: 'android', packageName: 'com.example.ledger', fingerprint: '0123456789abcdef0123456789abcdef' }]);
    expect(res.json().results[0]).toMatchObject({ status: 'cancelled', matchedBy: 'md5', serviceNumber: '浙ICP备2024000001号-1A' });
    const mine = await a.app.inject({ method: 'GET', url: '/api/host/services', headers: host.headers });
    expect(mine.json().items.find((s: { id: string }) => s.id === id)).toMatchObject({ status: 'cancelled', platforms: [{ active: false }, { active: false }] });
  });

  it('answers every kind of item alike by GET, by a one-item POST, within a batch and as a stream line (one writer of answers)', async () => {
    const items = [
      a2dp(), { ...a2dp(A2DP_CERT.sha256.toUpperCase()), ref: 'upper' }, a2dp('00'.repeat(16)), // filed (canonical and not), mismatch
      { platform: 'ios', packageName: 'com.example.ledger', fingerprint: 'ab'.repeat(32) }, // cancelled, matched by nothing
      { platform: 'android', packageName: 'com.example.ledger', fingerprint: '0123456789abcdef0123456789abcdef', ref: 'c' }, // cancelled
      { platform: 'android', packageName: 'com.example.minigame', fingerprint: 'a'.repeat(32) }, // revoked
      { platform: 'android', packageName: 'cn.xiaoer.notes', fingerprint: 'c'.repeat(64), ref: '"引号"' }, // an individual's: masked
      { platform: 'android', packageName: 'com.never.seen', fingerprint: A2DP_CERT.md5 }, // never seen
      { platform: ' Android ', packageName: ' a2dp.Vol ', fingerprint: `MD5: ${A2DP_CERT.md5}` },
      { platform: 'windows', packageName: 'a2dp.Vol', fingerprint: A2DP_CERT.md5 }, // invalid
      { platform: 'android', packageName: 'a2dp.Vol', fingerprint: 'xyz', ref: 'bad' }, // invalid
    ];
    const batch = await call(items);
    expect(batch.statusCode).toBe(200);
    expect(batch.headers['content-type']).toBe('application/json; charset=utf-8');
    const inBatch = batch.json().results as unknown[];
    expect(batch.body).toBe(JSON.stringify(batch.json())); // the batch's bytes (written from the index) are JSON.stringify's
    const stream = await a.app.inject({
      method: 'POST', url: '/api/verify/v1/apps/stream', headers: { ...KEY, 'content-type': 'application/x-ndjson' },
      payload: items.map((x) => JSON.stringify(x)).join('\n'),
    });
    const lines = stream.body.trimEnd().split('\n');
    expect(lines).toHaveLength(items.length);
    const statuses = new Set<string>();
    for (const [i, item] of items.entries()) {
      const one = await get(`/api/verify/v1/apps?${new URLSearchParams(Object.entries(item)).toString()}`);
      expect(one.statusCode).toBe(200);
      expect(one.headers['content-type']).toBe('application/json; charset=utf-8');
      statuses.add(one.json().status);
      // The same characters every way: the body itself, as the one result of a POST, in a batch, after a stream line's number.
      expect(JSON.stringify(one.json())).toBe(one.body);
      expect((await call([item])).body).toBe(`{"results":[${one.body}]}`);
      expect(JSON.stringify(inBatch[i])).toBe(one.body);
      expect(lines[i]).toBe(`{"line":${i + 1},${one.body.slice(1)}`);
    }
    expect([...statuses].sort()).toEqual(['cancelled', 'filed', 'fingerprint_mismatch', 'invalid', 'not_filed', 'revoked']);
  });

  it('answers a batch read in place (batch-scan.ts) byte for byte as the single checks do, and a body of another shape the same', async () => {
    // Every kind of item: canonical ones (read and written from the body's bytes) and others (an
    // uppercase platform, a fingerprint with colons, malformed items) answered through the objects.
    const items: Record<string, string>[] = [
      { ...a2dp(), ref: 'r-1 ~!@#$%^&*()' },
      { ...a2dp(A2DP_CERT.sha256.toUpperCase()) },
      { ...a2dp(A2DP_CERT.sha1) },
      { ...a2dp('f'.repeat(64)) },
      { platform: 'android', packageName: 'com.example.minigame', fingerprint: 'a'.repeat(32), ref: '' },
      { platform: 'ios', packageName: 'com.example.ledger', fingerprint: 'fedcba9876543210fedcba9876543210fedcba98' },
      { platform: 'android', packageName: 'never.filed.app', fingerprint: 'b'.repeat(40) },
      { platform: 'Android', packageName: 'a2dp.Vol', fingerprint: A2DP_CERT.md5 },
      { platform: 'android', packageName: 'a2dp.Vol', fingerprint: A2DP_CERT.md5.replace(/(..)(?!$)/g, '$1:') },
      { platform: 'android', packageName: 'a2dp.Vol', fingerprint: 'zz', ref: 'bad' },
      { platform: 'symbian', packageName: 'a2dp.Vol', fingerprint: A2DP_CERT.md5 },
      { platform: 'android', packageName: '1bad..name', fingerprint: A2DP_CERT.md5 },
      { platform: 'harmonyos', packageName: 'com.example.h', fingerprint: 'c'.repeat(64) },
    ];
    const expected: string[] = [];
    for (const item of items) {
      const one = await a.app.inject({ method: 'GET', url: '/api/verify/v1/apps', headers: KEY, query: item });
      expect(one.statusCode).toBe(200);
      expected.push(one.body);
    }
    const want = `{"results":[${expected.join(',')}]}`;
    // Compact and with whitespace between every token: both read in place.
    const bodies = [JSON.stringify({ items }), JSON.stringify({ items }, null, 2).replace(/\n/g, '\r\n\t')];
    for (const body of bodies) {
      expect(scanVerifyBody(Buffer.from(body))).not.toBeNull();
      const res = await a.app.inject({ method: 'POST', url: '/api/verify/v1/apps', headers: { ...KEY, 'content-type': 'application/json' }, payload: body });
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe(want);
    }
    // An escaped character (JSON.parse's work, not the scan's) and a ref beyond ASCII: the same answers.
    const other = JSON.stringify({ items: [...items, { ...a2dp(), ref: '两"\\' }] }).replace('"platform":"android"', '"platform":"\\u0061ndroid"');
    expect(scanVerifyBody(Buffer.from(other))).toBeNull();
    const res = await a.app.inject({ method: 'POST', url: '/api/verify/v1/apps', headers: { ...KEY, 'content-type': 'application/json' }, payload: other });
    expect(res.statusCode).toBe(200);
    const last = await a.app.inject({ method: 'GET', url: '/api/verify/v1/apps', headers: KEY, query: { ...a2dp(), ref: '两"\\' } });
    expect(res.body).toBe(`{"results":[${[...expected, last.body].join(',')}]}`);
    expect((JSON.parse(want) as { results: { status: string }[] }).results.map((r) => r.status)).toEqual([
      'filed', 'filed', 'filed', 'fingerprint_mismatch', 'revoked', expect.stringMatching(/^(filed|cancelled)$/), 'not_filed', 'filed', 'filed', 'invalid', 'invalid', 'invalid', 'not_filed']);
  });

  it('never writes a batch answer into a buffer still being sent (clients that read slowly, others served meanwhile)', async () => {
    // Batch answers' buffers are reused once their response finished (BufferPool): three clients
    // leave 3 MB answers unread while others are answered; each must still read its own answer whole.
    // Over a Unix socket (its kernel buffers hold ~200 KB, not the megabytes of loopback TCP), so the
    // unread answers' writes stay pending in Node, holding their buffers.
    const app = await buildApp({ db: a.t.db, sealer: a.t.sealer, now: a.clock.now, config: loadConfig({ LOG_LEVEL: 'silent' }) });
    const path = `${os.tmpdir()}/beian-verify-${process.pid}.sock`;
    await fs.rm(path, { force: true });
    await app.listen({ path });
    try {
      const body = (tag: string) => JSON.stringify({ items: Array.from({ length: 10_000 }, (_, i) => ({ ...a2dp(), ref: `${tag}-${i}` })) });
      const request = (tag: string) => {
        const payload = body(tag);
        return `POST /api/verify/v1/apps HTTP/1.1\r\nhost: x\r\nauthorization: ${KEY.authorization}\r\ncontent-type: application/json\r\ncontent-length: ${payload.length}\r\nconnection: close\r\n\r\n${payload}`;
      };
      const slow = ['s1', 's2', 's3'].map((tag) => {
        const socket = net.connect(path);
        socket.pause();
        const chunks: Buffer[] = [];
        const done = new Promise<string>((resolve, reject) => { socket.on('data', (c: Buffer) => chunks.push(c)); socket.on('end', () => resolve(Buffer.concat(chunks).toString())); socket.on('error', reject); });
        socket.write(request(tag));
        return { tag, socket, done };
      });
      await new Promise((r) => setTimeout(r, 300)); // their answers are written (as far as the kernel takes them)
      for (const tag of ['f1', 'f2', 'f3', 'f4']) {
        const res = await app.inject({ method: 'POST', url: '/api/verify/v1/apps', headers: { ...KEY, 'content-type': 'application/json' }, payload: body(tag) });
        expect((JSON.parse(res.body) as { results: { ref: string }[] }).results.every((r, i) => r.ref === `${tag}-${i}`)).toBe(true);
      }
      for (const s of slow) s.socket.resume();
      for (const s of slow) {
        const text = await s.done;
        const results = (JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { results: { ref: string; status: string }[] }).results;
        expect(results).toHaveLength(10_000);
        expect(results.every((r, i) => r.ref === `${s.tag}-${i}` && r.status === 'filed')).toBe(true);
      }
    } finally {
      await app.close();
    }
  });

  it('gives the RateLimit headers on every answer, the 401 of a caller without a key included', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope-nope-nope' }]) {
      const res = await a.app.inject({ method: 'POST', url: '/api/verify/v1/apps', headers, payload: { items: [a2dp()] } });
      expect(res.statusCode).toBe(401);
      for (const h of ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'ratelimit-policy']) expect([h, res.headers[h]]).toEqual([h, expect.any(String)]);
    }
  });

  it('refuses callers without a key (401), with an unknown key (401), and roles that are no relying party (403)', async () => {
    expect((await call([a2dp()], {})).statusCode).toBe(401);
    const bad = await call([a2dp()], { authorization: 'Bearer nope' });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().code).toBe('api_key_invalid');
    const host = await signIn(a.app, 'host@demo.beian.test');
    expect((await call([a2dp()], host.headers)).statusCode).toBe(403);
    expect((await get(`/api/verify/v1/numbers/${encodeURIComponent(A2DP_NUMBER)}`, { cookie: host.cookie })).statusCode).toBe(403);
  });

  it('serves the console: a device maker\'s staff signed in may verify', async () => {
    const staff = await signIn(a.app, 'device.demo');
    const res = await call([a2dp()], staff.headers);
    expect(res.statusCode).toBe(200);
    expect(res.json().results[0].status).toBe('filed');
  });

  it('answers 400 problem+json naming the field for a malformed body, and for more than 10,000 items', async () => {
    const items: unknown[] = [a2dp(), a2dp(), a2dp(), { platform: 'android', packageName: 'a2dp.Vol', fingerprint: 42 }];
    const res = await a.app.inject({ method: 'POST', url: '/api/verify/v1/apps', headers: KEY, payload: { items } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors.map((e: { field: string }) => e.field)).toContain('body.items.3.fingerprint');
    const missing = await a.app.inject({ method: 'POST', url: '/api/verify/v1/apps', headers: KEY, payload: { items: [{ platform: 'android' }] } });
    expect(missing.json().errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['body.items.0.packageName', 'body.items.0.fingerprint']));
    expect((await a.app.inject({ method: 'POST', url: '/api/verify/v1/apps', headers: KEY, payload: { items: [] } })).statusCode).toBe(400);
    const big = await call(Array.from({ length: 10_001 }, () => a2dp()));
    expect(big.statusCode).toBe(400);
    expect(big.json().errors[0].field).toBe('body.items');
  });

  it('answers a 10,000-item batch in order from memory: no identity query, filed and never-seen alike', async () => {
    const queries: string[] = [];
    const db: Db = new Proxy(a.t.db, {
      get(target, prop, receiver) {
        if (prop === 'query') return (text: string, params?: unknown[]) => { queries.push(text); return target.query(text, params); };
        return Reflect.get(target, prop, receiver);
      },
    });
    const app = await buildApp({ db, sealer: a.t.sealer, now: a.clock.now, config: loadConfig({ LOG_LEVEL: 'silent' }) });
    try {
      const items = Array.from({ length: 10_000 }, (_, i) => (i % 3 === 0 ? a2dp() : { platform: 'android', packageName: `com.bulk.p${i}`, fingerprint: A2DP_CERT.sha1 }));
      // The index was loaded at start (page by page from verify_identities).
      expect(queries.some((q) => q.includes('from verify_identities'))).toBe(true);
      queries.length = 0;
      const res = await verify(app, items);
      expect(res.statusCode).toBe(200);
      const results = res.json().results as { status: string }[];
      expect(results).toHaveLength(10_000);
      expect(results.every((r, i) => r.status === (i % 3 === 0 ? 'filed' : 'not_filed'))).toBe(true);
      // 6,668 distinct packages, 6,667 of them never filed: all answered from memory.
      expect(queries.filter((q) => q.includes('verify_identities'))).toHaveLength(0);
      expect(queries.filter((q) => !/api_keys|^delete from verification_watches/.test(q.trim())).length).toBeLessThanOrEqual(1); // the watches
      // Again: the same.
      queries.length = 0;
      await verify(app, items);
      expect(queries.filter((q) => q.includes('verify_identities'))).toHaveLength(0);
    } finally {
      await app.close();
    }
  });

  it('refuses webhooks to this machine unless the server allows local webhooks (WEBHOOKS_ALLOW_LOOPBACK, off by default)', async () => {
    for (const url of ['http://127.0.0.1:3202/x', 'http://[::1]:3202/x', 'https://localhost/x', 'https://2130706433/x']) {
      const r = await a.app.inject({ method: 'POST', url: '/api/verify/v1/webhooks', headers: KEY, payload: { url } });
      expect([url, r.statusCode]).toEqual([url, 400]);
      expect(r.json()).toMatchObject({ code: 'webhook_url_address', errors: [{ field: 'body.url', code: 'webhook_url_address' }] });
    }
  });

  it('records which filings an organisation checked, once it has a webhook (watches serve nothing else)', async () => {
    const watched = async () => (await a.t.db.query<{ service_id: string }>(
      `select w.service_id from verification_watches w join organisations o on o.id = w.organisation_id where o.name = '示例应用市场'`)).map((r) => r.service_id);
    expect(await watched()).toEqual([]); // no webhook yet: nothing written
    const hook = await a.app.inject({ method: 'POST', url: '/api/verify/v1/webhooks', headers: KEY, payload: { url: 'https://hooks.example.cn/beian' } });
    expect(hook.statusCode).toBe(201);
    await call([a2dp(), { platform: 'android', packageName: 'cn.xiaoer.notes', fingerprint: 'c'.repeat(64) }]);
    expect((await watched()).sort()).toEqual([await serviceId(a.t.db, 'a2dp.Vol'), await serviceId(a.t.db, 'cn.xiaoer.notes')].sort());
    await get(`/api/verify/v1/numbers/${encodeURIComponent('粤ICP备2024000001号')}`);
    expect(await watched()).toHaveLength(4); // the main number's three services + the individual's APP
    // Single checks (a one-item POST read in place, a GET) record theirs before they answer; a
    // repeated check is answered at once, without writing again.
    const minigame = { platform: 'android', packageName: 'com.example.minigame', fingerprint: 'a'.repeat(32) }; // revoked
    const ledger = { platform: 'android', packageName: 'com.example.ledger', fingerprint: '0123456789abcdef0123456789abcdef' }; // cancelled
    for (const [item, check] of [[minigame, () => call([minigame])], [ledger, () => get(`/api/verify/v1/apps?${new URLSearchParams(ledger).toString()}`)]] as const) {
      const id = await serviceId(a.t.db, item.packageName);
      await a.t.db.query(`delete from verification_watches where service_id = $1`, [id]);
      expect((await check()).statusCode).toBe(200);
      expect(await watched()).toContain(id);
      await a.t.db.query(`delete from verification_watches where service_id = $1`, [id]);
      expect((await check()).statusCode).toBe(200);
      expect(await watched()).not.toContain(id); // this process wrote the pair moments ago
    }
    expect((await a.app.inject({ method: 'DELETE', url: `/api/verify/v1/webhooks/${hook.json().id}`, headers: KEY })).statusCode).toBe(204);
  });

  it('looks up a service number, a main number, and answers 404 / 400 for unknown and malformed numbers', async () => {
    const svc = await get(`/api/verify/v1/numbers/${encodeURIComponent(A2DP_NUMBER)}`);
    expect(svc.statusCode).toBe(200);
    expect(svc.json()).toMatchObject({ kind: 'service', service: { serviceNumber: A2DP_NUMBER, status: 'filed', serviceType: 'app', platforms: [{ platform: 'android', packageName: 'a2dp.Vol', certSha256: A2DP_CERT.sha256 }] } });
    // Copy-paste forms: full-width digits and a dash variant.
    const pasted = await get(`/api/verify/v1/numbers/${encodeURIComponent('粤ICP备２０２４０００００１号–2a')}`);
    expect(pasted.json().service?.serviceNumber).toBe(A2DP_NUMBER);
    const main = await get(`/api/verify/v1/numbers/${encodeURIComponent('粤ICP备2024000001号')}`);
    expect(main.json()).toMatchObject({ kind: 'subject', subject: { mainNumber: '粤ICP备2024000001号', status: 'filed', hostType: 'unit' } });
    expect(main.json().subject.services.map((s: { serviceType: string }) => s.serviceType)).toEqual(['website', 'app', 'mini_program']);
    const revoked = await get(`/api/verify/v1/numbers/${encodeURIComponent('浙ICP备2024000001号-2A')}`);
    expect(revoked.json().service).toMatchObject({ status: 'revoked', statusChangedAt: '2025-03-01T08:00:00.000Z' });
    expect(main.json().subject.statusChangedAt).toBe(main.json().subject.filedAt);
    // A cancelled subject (its host cancelled its last service above) answers the date of the cancellation, as the public record does.
    const cancelled = await get(`/api/verify/v1/numbers/${encodeURIComponent('浙ICP备2024000001号')}`);
    const record = await a.app.inject({ method: 'GET', url: `/api/public/v1/subjects/${encodeURIComponent('浙ICP备2024000001号')}` });
    expect(cancelled.json().subject).toMatchObject({ status: 'cancelled', statusChangedAt: record.json().statusChangedAt });
    expect(cancelled.json().subject.statusChangedAt).toEqual(expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/));
    expect(cancelled.json().subject.statusChangedAt).not.toBe(cancelled.json().subject.filedAt);
    const unknown = await get(`/api/verify/v1/numbers/${encodeURIComponent('粤ICP备2024999999号-1A')}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('number_not_found');
    const bad = await get('/api/verify/v1/numbers/hello');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('filing_number_format');
  });

  it("finds a unit's filings by USCC and refuses an individual's ID number", async () => {
    const res = await get(`/api/verify/v1/subjects?uscc=${DEMO_USCC.toLowerCase()}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ uscc: DEMO_USCC, items: [{ mainNumber: '粤ICP备2024000001号', hostName: '深圳市示例网络科技有限公司' }] });
    expect(res.json().items[0].services).toHaveLength(3);
    const dashed = await get(`/api/verify/v1/subjects?uscc=${encodeURIComponent(`${DEMO_USCC.slice(0, 8)}-${DEMO_USCC.slice(8)}`)}`);
    expect(dashed.json()).toMatchObject({ uscc: DEMO_USCC, items: [{ mainNumber: '粤ICP备2024000001号' }] });
    expect((await get(`/api/verify/v1/subjects?uscc=${encodeURIComponent(`${DEMO_USCC.slice(0, 6)}－${DEMO_USCC.slice(6)} `)}`)).json().uscc).toBe(DEMO_USCC);
    const id = await get(`/api/verify/v1/subjects?uscc=${DEMO_PEOPLE.wangXiaoer.certificateNumber}`);
    expect(id.statusCode).toBe(400);
    expect(id.json().code).toBe('uscc_is_id_number');
    const none = await get(`/api/verify/v1/subjects?uscc=${(() => { const f = '91110000MA0000001'; return f + usccCheckChar(f); })()}`);
    expect(none.json().items).toEqual([]);
    expect((await get('/api/verify/v1/subjects?uscc=123')).statusCode).toBe(400);
  });

  it('counts requests against the key\'s quota (a batch counts once): 429 with Retry-After beyond it', async () => {
    const saved = { ...RATE_LIMITS.verify };
    Object.assign(RATE_LIMITS.verify, { keyPerMinute: 2, anonymousPerMinute: 1 });
    try {
      // A fresh application: fresh counters.
      const app = await buildApp({ db: a.t.db, sealer: a.t.sealer, now: a.clock.now, config: loadConfig({ LOG_LEVEL: 'silent' }) });
      try {
        const first = await verify(app, Array.from({ length: 500 }, () => a2dp()));
        expect(first.statusCode).toBe(200);
        expect(first.headers).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-remaining': '1' });
        expect((await app.inject({ method: 'GET', url: `/api/verify/v1/numbers/${encodeURIComponent(A2DP_NUMBER)}`, headers: KEY })).statusCode).toBe(200);
        const over = await verify(app, [a2dp()]);
        expect(over.statusCode).toBe(429);
        expect(over.json().code).toBe('rate_limited');
        expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
        // Anonymous callers are refused before any quota is counted.
        expect((await verify(app, [a2dp()], {})).statusCode).toBe(401);
      } finally {
        await app.close();
      }
    } finally {
      Object.assign(RATE_LIMITS.verify, saved);
    }
  });

  it('puts no ID number, phone, email or individual full name in any answer', async () => {
    const main = await get(`/api/verify/v1/numbers/${encodeURIComponent('京ICP备2025000001号')}`);
    expect(main.json().subject).toMatchObject({ hostName: '王**', hostType: 'individual' });
    expect(bodies.length).toBeGreaterThan(20);
    for (const b of bodies) expectNoPersonalData(b);
  });
});
