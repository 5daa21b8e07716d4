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
import { signTreeHead } from '../../tlog/store.ts';
import { DEMO, enc, publicGet } from './test-support.ts';

const keys = testLogKeys();
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const exec = (...args: string[]) => promisify(execFile)(process.execPath, [path.join(repoRoot, 'scripts/log-check.mjs'), ...args], { timeout: 60_000 })
  .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));

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

  it('counts the events of its moment not yet in a signed head, and the checker says it is incomplete', async () => {
    const [s] = await a.t.db.query<{ id: string }>('select id from services where service_number = $1', [DEMO.a2dp]);
    await a.t.db.query(`insert into history (entity_type, entity_id, action, actor_role, at) values ('service', $1, 'changed', 'bureau_reviewer', $2)`, [s!.id, new Date('2026-12-04T09:00:00Z')]);
    expect((await statement(DEMO.a2dp)).json()).toMatchObject({ status: 'filed', pending: 1 });
    expect(await exec('statement', base, DEMO.a2dp)).toMatchObject({ code: 3, stderr: expect.stringMatching(/INCOMPLETE: 1 event/) });
    await logCaughtUp(a.t.db, keys);
    await signTreeHead(a.t.db, keys.signer, new Date('2026-12-04T10:01:00Z'));
    expect(await exec('statement', base, DEMO.a2dp)).toMatchObject({ code: 0 });
  });
});
