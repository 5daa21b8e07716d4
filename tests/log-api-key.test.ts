// The API key that acted (history.actor_api_key_id, migration 0047) is committed by the log (entry
// version 4, ADR 0017 addendum "Entry version 4"). Every entry's digest is an HMAC of the whole history
// row, so that whoever runs the database cannot rewrite a row unnoticed by `beian audit verify` — but the
// column added by 0047 was left out of the digest, and which key approved or cancelled something could be
// changed (or erased) without the audit seeing it. Leaves written before keep their version and verify by
// its rules; the public checker verifies records whose leaves are of both versions.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import { loadConfig } from '../src/config.ts';
import { seedDemo } from '../src/db/seed/demo.ts';
import { auditLog } from '../src/tlog/audit.ts';
import { signTreeHead } from '../src/tlog/store.ts';
import { SETUP_TIMEOUT } from './auth.ts';
import { logCaughtUp, testDatabase, testLogKeys, type TestDb } from './db.ts';

const exec = (...args: string[]) => promisify(execFile)(process.execPath, ['scripts/log-check.mjs', ...args], { timeout: 60_000 })
  .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));

describe('the acting API key in the transparency log', () => {
  let t: TestDb | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => { await app?.close(); app = undefined; await t?.close(); t = undefined; });
  const keys = testLogKeys();

  /** What only the database's owner can do: rewrite a history row past its append-only trigger. */
  const rewrite = async (db: TestDb['db'], sql: string, params: unknown[]) => {
    await db.query('alter table history disable trigger history_no_update');
    try { await db.query(sql, params); } finally { await db.query('alter table history enable trigger history_no_update'); }
  };

  /** The demo's revoked game revoked again in this log's time, by a bureau acting with an API key: a public event. */
  const revokedWithKey = async (db: TestDb['db']) => {
    const [k] = await db.query<{ id: string }>(`select id from api_keys order by created_at limit 1`);
    const [s] = await db.query<{ id: string }>(`select id from services where service_number = '浙ICP备2024000001号-1A'`);
    await db.query(`update services set status = 'revoked', revocation_category = 'other', status_changed_at = now() where id = $1`, [s!.id]);
    const [h] = await db.query<{ id: number }>(
      `insert into history (entity_type, entity_id, action, from_status, to_status, actor_role, actor_api_key_id, reason)
       values ('service', $1, 'revoke', 'filed', 'revoked', 'bureau_reviewer', $2, '{"reason":"测试"}') returning id`, [s!.id, k!.id]);
    return { historyId: h!.id, keyId: k!.id };
  };

  it('a rewritten actor_api_key_id no longer matches its leaf: the audit names the row', async () => {
    t = await testDatabase();
    await seedDemo(t.db, t.sealer);
    const { historyId } = await revokedWithKey(t.db);
    await logCaughtUp(t.db, keys);
    expect((await auditLog(t.db, keys)).problems).toEqual([]);
    const [leaf] = await t.db.query<{ entry: string }>('select entry from log_leaves where history_id = $1', [historyId]);
    expect(JSON.parse(leaf!.entry)).toMatchObject({ v: 4, type: 'revoked' });
    await rewrite(t.db, 'update history set actor_api_key_id = null where id = $1', [historyId]); // the key erased
    const problems = (await auditLog(t.db, keys)).problems;
    expect(problems.join('\n')).toMatch(new RegExp(`history ${historyId}\\): the history row no longer matches the logged entry`));
  }, SETUP_TIMEOUT);

  it('a log of version 3 and version 4 leaves: old leaves verify by their rules, the audit and the public checker pass', async () => {
    t = await testDatabase();
    await seedDemo(t.db, t.sealer);
    const [k] = await t.db.query<{ id: string }>(`select id from api_keys order by created_at limit 1`);
    // A row with a key, logged under version 3 (before this change): its leaf does not commit to the key.
    const [old] = await t.db.query<{ id: number }>(
      `insert into history (entity_type, entity_id, action, actor_role, actor_api_key_id) values ('user', gen_random_uuid(), 'signed_in', 'system', $1) returning id`, [k!.id]);
    await logCaughtUp(t.db, { ...keys, entryVersion: 3 });
    const { historyId } = await revokedWithKey(t.db);
    await logCaughtUp(t.db, keys);
    await signTreeHead(t.db, keys.signer, new Date());
    const versions = await t.db.query<{ history_id: number; entry: string }>('select history_id, entry from log_leaves where history_id = any($1::bigint[]) order by history_id', [[old!.id, historyId]]);
    expect(versions.map((l) => JSON.parse(l.entry).v)).toEqual([3, 4]);
    expect((await auditLog(t.db, keys)).problems).toEqual([]);
    // The version-3 leaf never committed to the key: rewriting it there is what version 3 could not see (and still cannot).
    await rewrite(t.db, 'update history set actor_api_key_id = null where id = $1', [old!.id]);
    expect((await auditLog(t.db, keys)).problems).toEqual([]);

    app = await buildApp({ db: t.db, sealer: t.sealer, now: () => new Date(), config: loadConfig({ LOG_LEVEL: 'silent' }), logSigner: keys.signer });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    // The ledger's filing (a version-3 leaf of the demo) and its revocation (version 4).
    const record = await exec('record', base, '浙ICP备2024000001号-1A', '--key-id', keys.signer.keyId);
    expect(record).toMatchObject({ code: 0, stdout: expect.stringMatching(/inclusion ok: leaf \d+ \(filed [\s\S]*inclusion ok: leaf \d+ \(revoked /) });
    const dir = mkdtempSync(path.join(tmpdir(), 'beian-v4-'));
    try {
      const file = path.join(dir, 's.json');
      expect(await exec('statement', base, '浙ICP备2024000001号-1A', '--save', file, '--key-id', keys.signer.keyId)).toMatchObject({ code: 0 });
      expect(await exec('statement-file', file, '--key-id', keys.signer.keyId)).toMatchObject({ code: 0, stdout: expect.stringContaining('statement ok: 浙ICP备2024000001号-1A revoked') });
    } finally { rmSync(dir, { recursive: true, force: true }); }
  }, SETUP_TIMEOUT);
});
