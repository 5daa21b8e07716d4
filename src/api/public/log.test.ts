// The transparency log's public endpoints (exact contract of issue 15) and the standalone
// checker scripts/log-check.mjs run against a listening server, on PGlite and PostgreSQL.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, signIn } from '../../../tests/auth.ts';
import { logCaughtUp, testLogKeys } from '../../../tests/db.ts';
import { appMaterials, call, CLOUD, fileToProvider, orgId, throughSms } from '../../../tests/filing.ts';
import { fromHex, leafHash, toHex, verifyConsistency, verifyInclusion } from '../../tlog/merkle.ts';
import { auditLog } from '../../tlog/audit.ts';
import { createLogKeys } from '../../tlog/keys.ts';
import { signTreeHead } from '../../tlog/store.ts';
import { DEMO, enc, publicGet } from './test-support.ts';

const keys = testLogKeys();
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const HEX = /^[0-9a-f]{64}$/;

describe('GET /api/public/v1/log/*', () => {
  let a: AuthTestApp;
  let base: string;
  const dir = mkdtempSync(path.join(tmpdir(), 'beian-log-check-'));
  const get = (url: string) => publicGet(a.app, url);
  const caughtUp = () => logCaughtUp(a.t.db, keys);
  const moreHistory = async (n: number, at: Date) => {
    await a.t.db.query(`insert into history (entity_type, entity_id, action, actor_role) select 'user', gen_random_uuid(), 'signed_in', 'system' from generate_series(1, $1)`, [n]);
    await caughtUp();
    return signTreeHead(a.t.db, keys.signer, at);
  };

  beforeAll(async () => {
    a = await authTestApp();
    await caughtUp();
    await signTreeHead(a.t.db, keys.signer, new Date('2026-12-04T10:00:00Z'));
    base = await a.app.listen({ host: '127.0.0.1', port: 0 });
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); rmSync(dir, { recursive: true, force: true }); });

  it('tree-head: {treeSize, rootHash, timestamp, signature, keyId}, signed over the contract text with the published key', async () => {
    const head = (await get('/api/public/v1/log/tree-head')).json();
    expect(Object.keys(head).sort()).toEqual(['keyId', 'rootHash', 'signature', 'timestamp', 'treeSize']);
    expect(head).toMatchObject({ rootHash: expect.stringMatching(HEX), keyId: keys.signer.keyId, timestamp: Date.parse('2026-12-04T10:00:00Z') });
    const key = (await get('/api/public/v1/log/key')).json();
    expect(key).toEqual({ keyId: keys.signer.keyId, publicKeyPem: keys.signer.publicKeyPem });
    expect(key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const text = `beian-tree-head:v1\n${head.treeSize}\n${head.rootHash}\n${head.timestamp}`;
    expect(verify(null, Buffer.from(text, 'utf8'), createPublicKey(key.publicKeyPem), Buffer.from(head.signature, 'base64'))).toBe(true);
    expect((await get(`/api/public/v1/log/key?keyId=${'0'.repeat(64)}`)).statusCode).toBe(404);
  });

  it('entries, inclusion and consistency proofs verify with RFC 9162 §2.1.3.2 / §2.1.4.2', async () => {
    const head = (await get('/api/public/v1/log/tree-head')).json();
    const { items } = (await get(`/api/public/v1/log/entries?start=0&end=${head.treeSize + 50}`)).json();
    expect(items).toHaveLength(head.treeSize);
    for (const [i, it] of items.entries()) {
      expect(Object.keys(it).sort()).toEqual(['entry', 'leafHash', 'leafIndex']);
      expect(it.leafIndex).toBe(i);
      expect(it.leafHash).toBe(toHex(leafHash(Buffer.from(it.entry, 'utf8'))));
    }
    for (const i of [0, 5, head.treeSize - 1]) {
      const proof = (await get(`/api/public/v1/log/proof/inclusion?leafIndex=${i}&treeSize=${head.treeSize}`)).json();
      expect(proof).toEqual({ leafIndex: i, treeSize: head.treeSize, auditPath: expect.any(Array) });
      expect(verifyInclusion(i, head.treeSize, fromHex(items[i].leafHash), proof.auditPath.map(fromHex), fromHex(head.rootHash))).toBe(true);
    }
    const next = (await moreHistory(5, new Date('2026-12-04T10:01:00Z')))!;
    const c = (await get(`/api/public/v1/log/proof/consistency?first=${head.treeSize}&second=${next.treeSize}`)).json();
    expect(c).toEqual({ first: head.treeSize, second: next.treeSize, consistencyPath: expect.any(Array) });
    expect(verifyConsistency(head.treeSize, next.treeSize, fromHex(head.rootHash), fromHex(next.rootHash), c.consistencyPath.map(fromHex))).toBe(true);
  });

  it('each public event carries its logIndex: that leaf is the event, and its inclusion proof verifies', async () => {
    const [host, provider, gd] = await Promise.all(['host@demo.beian.test', 'provider.demo', 'gd.reviewer'].map((l) => signIn(a.app, l)));
    const cloud = await orgId(a.t.db, CLOUD);
    const id = await fileToProvider(a.app, host!, { serviceType: 'app', submitterOrgId: cloud, materials: appMaterials(cloud) });
    await throughSms(a, host!, provider!, id);
    const approved = await call(a.app, gd!, 'POST', `/api/bureau/applications/${id}/approve`);
    const url = `/api/public/v1/services/${enc(approved.serviceNumber)}`;
    // Not yet sequenced: the event is there, its leaf not yet (documented as null).
    expect((await get(url)).json().events).toEqual([{ type: 'filed', on: expect.any(String), logIndex: null }]);
    await caughtUp();
    const head = (await signTreeHead(a.t.db, keys.signer, new Date('2026-12-04T10:01:30Z')))!;
    for (const number of [approved.serviceNumber as string, DEMO.revokedGame]) {
      const events = (await get(`/api/public/v1/services/${enc(number)}`)).json().events as { type: string; on: string; logIndex: number | null }[];
      expect(events.length, number).toBeGreaterThan(0);
      for (const e of events) {
        expect(e.logIndex, `${number} ${e.type}`).toEqual(expect.any(Number));
        const { items } = (await get(`/api/public/v1/log/entries?start=${e.logIndex}&end=${e.logIndex! + 1}`)).json();
        const entry = JSON.parse(items[0].entry);
        expect(entry).toMatchObject({ type: e.type, serviceNumber: number });
        const proof = (await get(`/api/public/v1/log/proof/inclusion?leafIndex=${e.logIndex}&treeSize=${head.treeSize}`)).json();
        expect(verifyInclusion(e.logIndex!, head.treeSize, fromHex(items[0].leafHash), proof.auditPath.map(fromHex), fromHex(head.rootHash))).toBe(true);
      }
    }
    // The subject's record lists the same events with the same leaves.
    const subject = (await get(`/api/public/v1/subjects/${enc(approved.mainNumber)}`)).json();
    const again = (await get(url)).json().events;
    expect(subject.services.find((s: { serviceNumber: string }) => s.serviceNumber === approved.serviceNumber).events).toEqual(again);
  });

  it('bad parameters are a 400 problem naming the parameter', async () => {
    const cases: [string, string][] = [
      ['/api/public/v1/log/entries?start=x&end=3', 'querystring.start'],
      ['/api/public/v1/log/entries?start=0', 'querystring.end'],
      ['/api/public/v1/log/entries?start=5&end=2', 'querystring.end'],
      ['/api/public/v1/log/entries?start=99999999&end=99999999', 'querystring.start'],
      ['/api/public/v1/log/entries?start=-1&end=2', 'querystring.start'],
      ['/api/public/v1/log/proof/inclusion?leafIndex=3&treeSize=3', 'querystring.leafIndex'],
      ['/api/public/v1/log/proof/inclusion?leafIndex=0&treeSize=99999999', 'querystring.treeSize'],
      ['/api/public/v1/log/proof/inclusion?leafIndex=1.5&treeSize=3', 'querystring.leafIndex'],
      ['/api/public/v1/log/proof/consistency?first=0&second=3', 'querystring.first'],
      ['/api/public/v1/log/proof/consistency?first=4&second=3', 'querystring.first'],
      ['/api/public/v1/log/proof/consistency?first=1&second=99999999', 'querystring.second'],
      ['/api/public/v1/log/key?keyId=abc', 'querystring.keyId'],
    ];
    for (const [url, field] of cases) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().errors.map((e: { field: string }) => e.field), url).toContain(field);
    }
  });

  it('pages entries at 1000', async () => {
    await moreHistory(1_000, new Date('2026-12-04T10:02:00Z'));
    const { items } = (await get('/api/public/v1/log/entries?start=0&end=5000')).json();
    expect(items).toHaveLength(1_000);
    expect(items[999].leafIndex).toBe(999);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await get('/api/openapi.json')).json();
    for (const p of ['tree-head', 'key', 'entries', 'proof/inclusion', 'proof/consistency']) expect(doc.paths[`/api/public/v1/log/${p}`]?.get, p).toBeDefined();
  });

  it('the standalone checker verifies a record\'s inclusion and two heads\' consistency against the running server, and catches a forged head', async () => {
    const exec = (...args: string[]) => promisify(execFile)(process.execPath, [path.join(repoRoot, 'scripts/log-check.mjs'), ...args], { timeout: 60_000 })
      .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));
    const head = await exec('head', base, '--key-id', keys.signer.keyId);
    expect(head.code).toBe(0);
    const saved = path.join(dir, 'head.json');
    writeFileSync(saved, head.stdout);
    const record = await exec('record', base, DEMO.revokedGame);
    expect(record.stderr).toBe('');
    expect(record.stdout).toMatch(new RegExp(`^inclusion ok: leaf \\d+ \\(filed ${DEMO.revokedGame.replace(/[-]/g, '\\-')} at 2024-05-20T02:00:00.000Z\\) in tree head \\d+`));
    expect(record.stdout).toMatch(/inclusion ok: leaf \d+ \(revoked /);
    await moreHistory(3, new Date('2026-12-04T10:03:00Z'));
    const consistent = await exec('consistency', base, saved);
    expect(consistent).toMatchObject({ code: 0, stdout: expect.stringMatching(/^consistency ok: tree head \d+ \([0-9a-f]{64}\) → \d+ /) });

    const forged = { ...JSON.parse(head.stdout), rootHash: 'ab'.repeat(32) };
    writeFileSync(saved, JSON.stringify(forged));
    expect(await exec('consistency', base, saved)).toMatchObject({ code: 1, stderr: expect.stringMatching(/FAILED: tree head \d+: the signature does not verify/) });
    expect(await exec('head', base, '--key-id', 'ff'.repeat(32))).toMatchObject({ code: 1 });
    expect(await exec('record', 'http://127.0.0.1:1', DEMO.a2dp)).toMatchObject({ code: 2 });
  });
  it('the checker\'s record check does not trust the server: a leaf that is not the event fails, an event not yet logged is incomplete', async () => {
    const exec = (...args: string[]) => promisify(execFile)(process.execPath, [path.join(repoRoot, 'scripts/log-check.mjs'), ...args], { timeout: 60_000 })
      .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));
    await caughtUp();
    await signTreeHead(a.t.db, keys.signer, new Date('2026-12-04T10:30:00Z'));
    const head = (await get('/api/public/v1/log/tree-head')).json();
    const { items } = (await get(`/api/public/v1/log/entries?start=0&end=${Math.min(head.treeSize - 1, 999)}`)).json() as { items: { leafIndex: number; entry: string }[] };
    const leafOf = (test: (e: { type: string; serviceNumber?: string }) => boolean) => items.find((it) => test(JSON.parse(it.entry)))!.leafIndex;
    const privateLeaf = leafOf((e) => e.type === 'private');
    const otherFiled = leafOf((e) => e.type === 'filed' && e.serviceNumber === DEMO.a2dp);
    // A proxy in front of the registry that edits the record's events and passes the rest through untouched.
    type Event = { type: string; on: string; logIndex: number | null };
    let lie: (events: Event[]) => void = () => {};
    const recordPath = `/api/public/v1/services/${enc(DEMO.revokedGame)}`;
    const { createServer } = await import('node:http');
    const proxy = createServer((req, res) => {
      void (async () => {
        const upstream = await fetch(`${base}${req.url}`);
        let body = await upstream.text();
        if (req.url === recordPath) { const record = JSON.parse(body); lie(record.events); body = JSON.stringify(record); }
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(body);
      })();
    });
    await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
    const liar = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    const event = (events: Event[], type: string) => events.find((e) => e.type === type)!;
    try {
      expect(await exec('record', liar, DEMO.revokedGame)).toMatchObject({ code: 0 }); // honest pass-through
      lie = (events) => { event(events, 'revoked').logIndex = privateLeaf; }; // the revocation hidden behind a private entry
      expect(await exec('record', liar, DEMO.revokedGame)).toMatchObject({ code: 1, stderr: expect.stringMatching(new RegExp(`FAILED: leaf ${privateLeaf} names no record \\(private\\)`)) });
      lie = (events) => { event(events, 'filed').logIndex = otherFiled; }; // another service's filing
      expect(await exec('record', liar, DEMO.revokedGame)).toMatchObject({ code: 1, stderr: expect.stringContaining(`FAILED: leaf ${otherFiled} names ${DEMO.a2dp} (filed), not ${DEMO.revokedGame}`) });
      lie = (events) => { event(events, 'revoked').logIndex = event(events, 'filed').logIndex; }; // its own filing, given for the revocation
      expect(await exec('record', liar, DEMO.revokedGame)).toMatchObject({ code: 1, stderr: expect.stringMatching(/FAILED: leaf \d+ is given for two events|is a filed entry, not the record's revoked event/) });
      lie = (events) => { event(events, 'filed').on = '2024-05-21'; };
      expect(await exec('record', liar, DEMO.revokedGame)).toMatchObject({ code: 1, stderr: expect.stringMatching(/FAILED: leaf \d+ is dated 2024-05-20T02:00:00.000Z, not 2024-05-21/) });
      lie = (events) => { event(events, 'revoked').logIndex = null; }; // not yet sequenced: reported, incomplete
      const pending = await exec('record', liar, DEMO.revokedGame);
      expect(pending).toMatchObject({ code: 3, stdout: expect.stringMatching(/inclusion ok: leaf \d+ \(filed [\s\S]*not yet in the log: revoked on 2025-03-01/), stderr: expect.stringMatching(/INCOMPLETE: 1 event\(s\) of .* \(revoked on 2025-03-01\)/) });
    } finally {
      await new Promise((done) => proxy.close(done));
    }
  });
  it('the checker waits out a 429 as Retry-After says and finishes, and sends --api-key / BEIAN_API_KEY for the key\'s quota', async () => {
    // An auditor checking a few records meets the anonymous quota (60 a minute; two requests per event):
    // the checker stopped half-way with exit 2, its message pointing to an API key it had no way to send.
    const exec = (args: string[], env: Record<string, string> = {}) => promisify(execFile)(process.execPath, [path.join(repoRoot, 'scripts/log-check.mjs'), ...args],
      // eslint-disable-next-line no-restricted-properties -- a child process's environment is what this test controls
      { timeout: 60_000, env: { ...process.env, BEIAN_API_KEY: '', ...env } })
      .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));
    const seen = new Set<string>();
    const auth: (string | undefined)[] = [];
    let always429 = false;
    const { createServer } = await import('node:http');
    const proxy = createServer((req, res) => {
      void (async () => {
        auth.push(req.headers.authorization);
        if (always429 || !seen.has(req.url!)) {
          seen.add(req.url!);
          res.writeHead(429, { 'content-type': 'application/problem+json', 'retry-after': '1' }).end(JSON.stringify({ status: 429, code: 'rate_limited', detail: 'too many requests; retry after 1 s' }));
          return;
        }
        const upstream = await fetch(`${base}${req.url}`);
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(await upstream.text());
      })();
    });
    await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
    const limited = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    try {
      const record = await exec(['record', limited, DEMO.revokedGame]);
      expect(record).toMatchObject({ code: 0, stdout: expect.stringMatching(/inclusion ok: leaf \d+ \(filed [\s\S]*inclusion ok: leaf \d+ \(revoked /) });
      expect(record.stderr).toMatch(/^log-check: rate limited; retrying in 1 s \(an organisation API key has a higher quota: --api-key KEY or BEIAN_API_KEY\)$/m);
      expect(auth.every((h) => h === undefined)).toBe(true);
      auth.length = 0;
      seen.clear();
      expect(await exec(['head', limited, '--api-key', 'demo-platform-key'])).toMatchObject({ code: 0 });
      expect(await exec(['head', limited], { BEIAN_API_KEY: 'demo-platform-key' })).toMatchObject({ code: 0 });
      expect(auth.length).toBeGreaterThan(0);
      expect(auth.every((h) => h === 'Bearer demo-platform-key')).toBe(true);
      always429 = true; // a quota that never frees: a clear error after a few tries, exit 2
      expect(await exec(['head', limited])).toMatchObject({ code: 2, stderr: expect.stringMatching(/GET \/api\/public\/v1\/log\/tree-head: 429 too many requests; retry after 1 s; an organisation API key has a higher quota/) });
    } finally {
      await new Promise((done) => proxy.close(done));
    }
  });
  it('after the signing key rotates, the old heads stay verifiable: /log/key?keyId= serves the old key, the checker verifies across the rotation', async () => {
    const exec = (...args: string[]) => promisify(execFile)(process.execPath, [path.join(repoRoot, 'scripts/log-check.mjs'), ...args], { timeout: 60_000 })
      .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));
    const old = (await get('/api/public/v1/log/tree-head')).json();
    expect(old.keyId).toBe(keys.signer.keyId);
    const saved = path.join(dir, 'old-head.json');
    writeFileSync(saved, JSON.stringify(old));
    const { generateKeyPairSync } = await import('node:crypto');
    const rotated = createLogKeys(Buffer.alloc(32, 9), generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    await a.t.db.query(`insert into history (entity_type, entity_id, action, actor_role) values ('user', gen_random_uuid(), 'signed_in', 'system')`);
    await caughtUp();
    const next = (await signTreeHead(a.t.db, rotated.signer, new Date('2026-12-04T11:00:00Z')))!;
    expect(next.keyId).toBe(rotated.signer.keyId);
    expect((await get('/api/public/v1/log/key')).json()).toEqual({ keyId: rotated.signer.keyId, publicKeyPem: rotated.signer.publicKeyPem });
    const oldKey = (await get(`/api/public/v1/log/key?keyId=${old.keyId}`)).json();
    expect(oldKey).toEqual({ keyId: keys.signer.keyId, publicKeyPem: keys.signer.publicKeyPem });
    const text = `beian-tree-head:v1\n${old.treeSize}\n${old.rootHash}\n${old.timestamp}`;
    expect(verify(null, Buffer.from(text, 'utf8'), createPublicKey(oldKey.publicKeyPem), Buffer.from(old.signature, 'base64'))).toBe(true);
    // The checker verifies the saved old head with its own key and the new one with the new key, and their consistency.
    expect(await exec('consistency', base, saved)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^consistency ok: tree head \d+ /) });
    expect((await auditLog(a.t.db, keys)).problems).toEqual([]);
  });
});
