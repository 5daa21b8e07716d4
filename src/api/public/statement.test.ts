// Record statements (备案证明): the log entries of a number up to a moment with their inclusion
// proofs and the signed head, verified offline by scripts/log-check.mjs — and caught when edited.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT } from '../../../tests/auth.ts';
import { logCaughtUp, testLogKeys } from '../../../tests/db.ts';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { signTreeHead } from '../../tlog/store.ts';
import { buildApp } from '../../api/app.ts';
import { loadConfig } from '../../config.ts';
import { createLogKeys } from '../../tlog/keys.ts';
import { logTick } from '../../tlog/job.ts';
import { call } from '../../../tests/filing.ts';
import { signIn } from '../../../tests/auth.ts';
import { DEMO, enc, publicGet } from './test-support.ts';

const keys = testLogKeys();
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const exec = (...args: string[]) => promisify(execFile)(process.execPath, [path.join(repoRoot, 'scripts/log-check.mjs'), ...args], { timeout: 60_000 })
  .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));

/**
 * The statement's signed text, written here from docs/api-public.md ("The statement's signature")
 * with node:crypto alone — not the server's statementText — so the documented form is what is tested.
 */
interface Statement {
  serviceNumber: string; mainNumber: string; asOf: string; status: string; statusSince: string | null; pending: number;
  treeHead: { treeSize: number; rootHash: string; timestamp: number; keyId: string; signature: string };
  entries: { leafIndex: number; entry: string; auditPath: string[] }[]; key: { keyId: string; publicKeyPem: string }; signature?: string;
}
function documentedText(st: Statement): string {
  const leaf = (entry: string) => createHash('sha256').update(Buffer.from([0])).update(entry, 'utf8').digest('hex');
  const lines = ['beian-record-statement:v1', st.serviceNumber, st.mainNumber, st.asOf, st.status, st.statusSince === null ? '' : st.statusSince,
    `${st.pending}`, `${st.treeHead.treeSize}`, st.treeHead.rootHash, `${st.treeHead.timestamp}`, st.treeHead.keyId, `${st.entries.length}`];
  for (const e of st.entries) lines.push(`${e.leafIndex} ${leaf(e.entry)}`);
  return lines.join('\n');
}
const signedAsDocumented = (st: Statement) => verify(null, Buffer.from(documentedText(st), 'utf8'), createPublicKey(st.key.publicKeyPem), Buffer.from(st.signature ?? '', 'base64'));

describe('GET /api/public/v1/services/{number}/statement', () => {
  let a: AuthTestApp;
  let base: string;
  let revokedAt: string;
  const dir = mkdtempSync(path.join(tmpdir(), 'beian-statement-'));
  const statement = (number: string, at?: string) => publicGet(a.app, `/api/public/v1/services/${enc(number)}/statement${at ? `?at=${encodeURIComponent(at)}` : ''}`);

  beforeAll(async () => {
    a = await authTestApp();
    a.clock.set('2026-12-04T10:00:00Z');
    await logCaughtUp(a.t.db, keys);
    await signTreeHead(a.t.db, keys.signer, new Date('2026-12-04T10:00:00Z'));
    base = await a.app.listen({ host: '127.0.0.1', port: 0 });
    const [r] = await a.t.db.query<{ at: Date }>(`select status_changed_at as at from services where service_number = $1`, [DEMO.revokedGame]);
    revokedAt = r!.at.toISOString();
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); rmSync(dir, { recursive: true, force: true }); });

  it('states the status the log proves now, and as of any earlier moment', async () => {
    const now = (await statement(DEMO.revokedGame)).json();
    expect(now).toMatchObject({ v: 1, serviceNumber: DEMO.revokedGame, status: 'revoked', statusSince: revokedAt, pending: 0, treeHead: { keyId: keys.signer.keyId }, key: { publicKeyPem: keys.signer.publicKeyPem } });
    expect(now.entries.map((e: { entry: string }) => JSON.parse(e.entry).type)).toEqual(expect.arrayContaining(['filed', 'revoked']));
    // The day after its filing: filed; a date is the end of that China day.
    const then = (await statement(DEMO.revokedGame, '2024-05-21')).json();
    expect(then).toMatchObject({ asOf: '2024-05-21T15:59:59.999Z', status: 'filed', statusSince: '2024-05-20T02:00:00.000Z' });
    expect(then.entries.map((e: { entry: string }) => JSON.parse(e.entry).type)).not.toContain('revoked');
    expect((await statement(DEMO.revokedGame, '2024-05-19T12:00:00+08:00')).json()).toMatchObject({ status: 'unknown', statusSince: null, entries: [] });
    // A moment ahead is stated as of now.
    expect((await statement(DEMO.a2dp, '2099-01-01')).json()).toMatchObject({ asOf: '2026-12-04T10:00:00.000Z', status: 'filed' });
  });

  it('names a bad moment or number', async () => {
    for (const [at, code] of [['yesterday', 'at_format'], ['2024-05-20T10:00:00', 'at_format'], ['1990-01-01', 'at_out_of_range']] as const) {
      const r = await statement(DEMO.a2dp, at);
      expect(r.statusCode).toBe(400);
      expect(r.json().errors).toEqual([expect.objectContaining({ field: 'querystring.at', code })]);
    }
    expect((await statement('粤ICP备2024000001号')).json().errors[0]).toMatchObject({ field: 'params.serviceNumber', code: 'filing_number_not_service' });
    expect((await statement('粤ICP备2099999999号-1')).statusCode).toBe(404);
  });

  it('verifies offline with the checker, pinned to the key, and fails once edited', async () => {
    const file = path.join(dir, 'statement.json');
    const fetched = await exec('statement', base, DEMO.revokedGame, '--at', '2025-01-01', '--save', file, '--key-id', keys.signer.keyId);
    expect(fetched).toMatchObject({ code: 0, stdout: expect.stringMatching(/^statement ok: 浙ICP备2024000001号-2A filed since 2024-05-20T02:00:00.000Z as of 2025-01-01T15:59:59.999Z; \d+ entries in tree head \d+ /) });
    expect(await exec('statement-file', file, '--key-id', keys.signer.keyId)).toMatchObject({ code: 0 });
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    const edit = async (change: (s: typeof saved) => void, message: RegExp) => {
      const copy = structuredClone(saved);
      change(copy);
      writeFileSync(file, JSON.stringify(copy));
      expect(await exec('statement-file', file, '--key-id', keys.signer.keyId)).toMatchObject({ code: 1, stderr: expect.stringMatching(message) });
    };
    await edit((s) => { s.status = 'revoked'; }, /FAILED: the entries give filed/);
    await edit((s) => { s.entries[0].entry = s.entries[0].entry.replace('2024-05-20', '2024-05-19'); }, /not included in tree head/);
    await edit((s) => { s.entries.splice(0, 1); s.status = 'unknown'; s.statusSince = null; s.treeHead.treeSize += 1; }, /the signature does not verify/);
    writeFileSync(file, JSON.stringify(saved));
    expect(await exec('statement-file', file, '--key-id', 'ff'.repeat(32))).toMatchObject({ code: 1, stderr: expect.stringMatching(/not the pinned/) });
  });

  it('is signed by the log key over the documented text: a doctored statement fails, an unsigned one is refused with how to re-fetch it', async () => {
    const file = path.join(dir, 'doctored.json');
    const check = async (st: unknown) => { writeFileSync(file, JSON.stringify(st)); return exec('statement-file', file, '--key-id', keys.signer.keyId); };
    const then = (await statement(DEMO.revokedGame, '2025-01-01')).json() as Statement; // filed then, revoked since
    const now = (await statement(DEMO.revokedGame)).json() as Statement;
    for (const st of [then, now]) {
      expect(st.signature).toMatch(/^[A-Za-z0-9+/]{86}==$/);
      expect(signedAsDocumented(st)).toBe(true);
      expect(await check(st)).toMatchObject({ code: 0 });
    }
    const SIGNATURE = /FAILED: the statement's signature does not verify/;
    // An old "filed" statement moved to today (the APP was revoked since).
    expect(await check({ ...then, asOf: now.asOf })).toMatchObject({ code: 1, stderr: expect.stringMatching(SIGNATURE) });
    // Today's statement with the revocation taken out and the status set back to filed.
    const revokedLeaf = now.entries.findIndex((e) => JSON.parse(e.entry).type === 'revoked');
    expect(revokedLeaf).toBeGreaterThanOrEqual(0);
    const hidden = { ...now, entries: now.entries.filter((_, i) => i !== revokedLeaf), status: then.status, statusSince: then.statusSince };
    expect(signedAsDocumented(hidden)).toBe(false);
    expect(await check(hidden)).toMatchObject({ code: 1, stderr: expect.stringMatching(SIGNATURE) });
    // Another main number; another pending count; an entry listed twice.
    expect(await check({ ...then, mainNumber: DEMO.demoMain })).toMatchObject({ code: 1 });
    expect(await check({ ...then, pending: 2 })).toMatchObject({ code: 1, stderr: expect.stringMatching(SIGNATURE) });
    expect(await check({ ...then, entries: [...then.entries, then.entries[0]] })).toMatchObject({ code: 1, stderr: expect.stringMatching(/listed once each/) });
    // Signed with another key (a valid signature, but not the log's).
    const { generateKeyPairSync, sign } = await import('node:crypto');
    const other = generateKeyPairSync('ed25519').privateKey;
    const forged = { ...then, asOf: now.asOf };
    expect(await check({ ...forged, signature: sign(null, Buffer.from(documentedText(forged), 'utf8'), other).toString('base64') })).toMatchObject({ code: 1, stderr: expect.stringMatching(SIGNATURE) });
    // Even signed by the log's key, a status the entries do not give fails: the checker recomputes it.
    const lying = { ...now, status: 'filed', statusSince: then.statusSince };
    const lyingSigned = { ...lying, signature: keys.signer.sign(documentedText(lying)).toString('base64') };
    expect(signedAsDocumented(lyingSigned)).toBe(true);
    expect(await check(lyingSigned)).toMatchObject({ code: 1, stderr: expect.stringMatching(/FAILED: the entries give revoked/) });
    // A statement of before the signature: refused, saying how to fetch it again for the same moment.
    const { signature: _, ...unsigned } = then;
    expect(await check(unsigned)).toMatchObject({ code: 1, stderr: expect.stringContaining(`fetch it again as of the same moment — node scripts/log-check.mjs statement <baseUrl> ${DEMO.revokedGame} --at ${then.asOf}`) });
  });

  it('lists the subject\'s events too: the cancellation of a subject whose only service was revoked', async () => {
    const [svc] = await a.t.db.query<{ id: string; n: number }>(
      'select s.id, (select count(*)::int from services o where o.subject_id = s.subject_id) as n from services s where s.service_number = $1', [DEMO.wangWebsite]);
    expect(svc!.n).toBe(1);
    a.clock.set('2026-12-04T10:00:10Z');
    await call(a.app, await signIn(a.app, 'bj.reviewer'), 'POST', `/api/bureau/services/${svc!.id}/revoke`, { reason: '虚假材料', category: 'false_materials' });
    await logCaughtUp(a.t.db, keys);
    await signTreeHead(a.t.db, keys.signer, new Date('2026-12-04T10:00:20Z'));
    const st = (await statement(DEMO.wangWebsite)).json() as Statement;
    const parsed = st.entries.map((e) => JSON.parse(e.entry) as { type: string; serviceNumber?: string; mainNumber?: string });
    expect(parsed).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'revoked', serviceNumber: DEMO.wangWebsite }),
      { type: 'cancelled', mainNumber: DEMO.wangMain, at: expect.any(String), digest: expect.any(String), v: expect.any(Number) },
    ]));
    expect(st).toMatchObject({ status: 'revoked', pending: 0 });
    const file = path.join(dir, 'wang.json');
    writeFileSync(file, JSON.stringify(st));
    expect(await exec('statement-file', file, '--key-id', keys.signer.keyId)).toMatchObject({ code: 0 });
  });

  it('refuses a date that does not exist rather than rolling it over', async () => {
    for (const at of ['2024-02-30', '2023-02-29', '2024-04-31', '2024-02-30T10:00:00Z', '2024-13-45']) {
      const r = await statement(DEMO.a2dp, at);
      expect(r.statusCode, at).toBe(400);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(r.json().errors, at).toEqual([expect.objectContaining({ field: 'querystring.at', code: 'at_format' })]);
    }
    expect((await statement(DEMO.a2dp, '2024-02-29')).json()).toMatchObject({ asOf: '2024-02-29T15:59:59.999Z' });
  });

  it('counts the events of its moment not yet in a signed head, and the checker says it is incomplete', async () => {
    const [s] = await a.t.db.query<{ id: string }>('select id from services where service_number = $1', [DEMO.a2dp]);
    await a.t.db.query(`insert into history (entity_type, entity_id, action, actor_role, at) values ('service', $1, 'changed', 'bureau_reviewer', $2)`, [s!.id, new Date('2026-12-04T09:00:00Z')]);
    const incomplete = (await statement(DEMO.a2dp)).json();
    expect(incomplete).toMatchObject({ status: 'filed', pending: 1 });
    expect(await exec('statement', base, DEMO.a2dp)).toMatchObject({ code: 3, stderr: expect.stringMatching(/INCOMPLETE: 1 event/) });
    // Told it is complete, it is not what the registry signed.
    const file = path.join(dir, 'pending.json');
    writeFileSync(file, JSON.stringify({ ...incomplete, pending: 0 }));
    expect(await exec('statement-file', file)).toMatchObject({ code: 1, stderr: expect.stringMatching(/the statement's signature does not verify/) });
    await logCaughtUp(a.t.db, keys);
    await signTreeHead(a.t.db, keys.signer, new Date('2026-12-04T10:01:00Z'));
    expect(await exec('statement', base, DEMO.a2dp)).toMatchObject({ code: 0 });
  });
  it('right after the log key rotates on an idle log, a statement is signed with the new key at once; one of the old key still verifies', async () => {
    await logCaughtUp(a.t.db, keys);
    await signTreeHead(a.t.db, keys.signer, new Date('2026-12-04T10:02:00Z'));
    const oldFile = path.join(dir, 'before-rotation.json');
    expect(await exec('statement', base, DEMO.a2dp, '--save', oldFile, '--key-id', keys.signer.keyId)).toMatchObject({ code: 0 });
    const { generateKeyPairSync } = await import('node:crypto');
    const rotated = createLogKeys(Buffer.alloc(32, 9), generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    const [before] = await a.t.db.query<{ n: number }>('select tree_size as n from log_state');
    // The server of the new key: its log tick finds nothing to append (the log is idle) and still signs with the new key.
    const app = await buildApp({ db: a.t.db, sealer: a.t.sealer, now: a.clock.now, config: loadConfig({ LOG_LEVEL: 'silent' }), logSigner: rotated.signer });
    try {
      const tick = await logTick(a.t.db, rotated, new Date('2026-12-04T10:02:05Z'));
      expect(tick).toMatchObject({ appended: 0, head: { treeSize: before!.n, keyId: rotated.signer.keyId } });
      const res = await publicGet(app, `/api/public/v1/services/${enc(DEMO.a2dp)}/statement`);
      expect(res.statusCode).toBe(200);
      const st = res.json() as Statement;
      expect(st).toMatchObject({ status: 'filed', pending: 0, treeHead: { treeSize: before!.n, keyId: rotated.signer.keyId }, key: { keyId: rotated.signer.keyId, publicKeyPem: rotated.signer.publicKeyPem } });
      expect(signedAsDocumented(st)).toBe(true);
      const file = path.join(dir, 'after-rotation.json');
      writeFileSync(file, JSON.stringify(st));
      expect(await exec('statement-file', file, '--key-id', rotated.signer.keyId)).toMatchObject({ code: 0 });
      expect(await exec('statement-file', file, '--key-id', keys.signer.keyId)).toMatchObject({ code: 1, stderr: expect.stringMatching(/not the pinned/) });
      // The statement of before the rotation: still verifies offline, pinned to the old key.
      expect(await exec('statement-file', oldFile, '--key-id', keys.signer.keyId)).toMatchObject({ code: 0 });
      // The public head is the new key's at the same size; the checker's head and consistency from the old head pass.
      const head = (await publicGet(app, '/api/public/v1/log/tree-head')).json();
      expect(head).toMatchObject({ treeSize: before!.n, keyId: rotated.signer.keyId });
      const savedHead = path.join(dir, 'old-head.json');
      writeFileSync(savedHead, JSON.stringify(JSON.parse(readFileSync(oldFile, 'utf8')).treeHead));
      expect(await exec('consistency', base, savedHead)).toMatchObject({ code: 0 });
      // A server still holding the old key (a rolling restart) neither signs again nor stops answering.
      expect(await logTick(a.t.db, keys, new Date('2026-12-04T10:02:10Z'))).toMatchObject({ head: null });
      expect((await statement(DEMO.a2dp)).json()).toMatchObject({ treeHead: { keyId: keys.signer.keyId } });
    } finally {
      await app.close();
    }
  });
});
