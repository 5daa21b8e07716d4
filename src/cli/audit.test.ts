// `beian audit verify` through main(): clean on the demo data once sequenced and signed; after
// the database owner rewrites a history row (trigger disabled) and a public record, it exits 1
// naming both. Embedded data folder by default, the PostgreSQL server with DATABASE_URL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stubEmbeddedEnv } from '../../tests/cli-env.ts';
import { SETUP_TIMEOUT } from '../../tests/auth.ts';
import { backend, emptyDatabase, logCaughtUp, testSecrets } from '../../tests/db.ts';
import { config } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { openStorage } from '../db/open.ts';
import { seedDemo } from '../db/seed/demo.ts';
import { auditLog } from '../tlog/audit.ts';
import { logTick } from '../tlog/job.ts';
import { createLogKeys } from '../tlog/keys.ts';
import { main } from './main.ts';

const root = mkdtempSync(path.join(tmpdir(), 'beian-audit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const serverDb = backend() === 'postgresql' ? await emptyDatabase() : null;
afterAll(async () => { await serverDb?.close(); });

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const stream = (f: (s: string) => void) => ({ write: (c: string | Uint8Array) => { f(c.toString()); return true; } }) as unknown as NodeJS.WritableStream;
  const code = await main(argv, { stdout: stream((s) => { out += s; }), stderr: stream((s) => { err += s; }) });
  return { code, stdout: out, stderr: err };
}

async function withStorage<T>(fn: (s: Awaited<ReturnType<typeof openStorage>>) => Promise<T>): Promise<T> {
  const s = await openStorage(config());
  try { return await fn(s); } finally { await s.close(); }
}

beforeAll(async () => {
  vi.stubEnv('LOG_LEVEL', 'silent');
  if (serverDb) {
    vi.stubEnv('DATABASE_URL', serverDb.url!);
    vi.stubEnv('BEIAN_DATA_KEYS', `t1:${testSecrets.dataKeys[0]!.key.toString('base64')}`);
    vi.stubEnv('BEIAN_HASH_KEY', testSecrets.hashKey.toString('base64'));
  } else {
    stubEmbeddedEnv(path.join(root, 'data'));
  }
  await withStorage(async (s) => {
    await migrate(s.db);
    await seedDemo(s.db, s.sealer);
    await logCaughtUp(s.db, s.log);
    await logTick(s.db, s.log, new Date('2026-12-04T10:00:00Z'));
    await s.db.query(`insert into history (entity_type, entity_id, action, actor_role) values ('user', gen_random_uuid(), 'signed_in', 'system')`);
    await logCaughtUp(s.db, s.log);
    await logTick(s.db, s.log, new Date('2026-12-04T10:01:00Z'));
  });
}, SETUP_TIMEOUT);
afterAll(() => { vi.unstubAllEnvs(); });

describe('beian audit verify', () => {
  it('verifies the demo log: every leaf, both signed heads and their consistency', async () => {
    const r = await run('audit', 'verify');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^audit verify: ok — \d+ leaves, 2 signed tree heads, root [0-9a-f]{64}\n$/);
  });

  // Defect: with another BEIAN_HASH_KEY every leaf was reported tampered.
  it('with another hash key, says the key differs instead of reporting every leaf tampered', async () => {
    const r = await withStorage((s) => auditLog(s.db, createLogKeys(Buffer.alloc(32, 7), null)));
    expect(r.problems).toEqual([expect.stringMatching(/^every one of the \d+ leaves differs in its keyed digest alone, while its public fields match: the hash key differs from the one the log was written with \(BEIAN_HASH_KEY\)/)]);
  });

  it('names the altered history row and the altered public record, and exits 1', async () => {
    const leaf = await withStorage(async (s) => {
      const [row] = await s.db.query<{ leaf_index: number; history_id: number }>(
        `select leaf_index, history_id from log_leaves l join history h on h.id = l.history_id where h.action = 'seeded' order by leaf_index limit 1 offset 3`);
      // The database owner bypasses the append-only trigger: what the log exists to expose.
      await s.db.exec('alter table history disable trigger history_no_update');
      await s.db.query(`update history set reason = '{"note":"quietly rewritten"}' where id = $1`, [row!.history_id]);
      await s.db.exec('alter table history enable trigger history_no_update');
      await s.db.query(`update services set status = 'revoked', revocation_category = 'other' where service_number = '粤ICP备2024000001号-2A'`);
      return row!;
    });
    const r = await run('audit', 'verify');
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`audit verify: leaf ${leaf.leaf_index} (history ${leaf.history_id}): the history row no longer matches the logged entry`);
    expect(lines).toContain('audit verify: record 粤ICP备2024000001号-2A: status "revoked", the log says "filed"');
    expect(lines.some((l) => /tree head \d+: signed root [0-9a-f]{64} differs from the recomputed root/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/^audit verify: FAILED/);
  });

  it('is a usage error without the verify subcommand', async () => {
    expect(await run('audit')).toMatchObject({ code: 2, stdout: '', stderr: 'beian audit: a subcommand is required: verify; usage: beian audit verify\n' });
  });
});

describe('beian backup / restore usage (round trips: src/db/backup.test.ts)', () => {
  it('wants exactly one file: a usage error otherwise, one line, exit 2', async () => {
    for (const [argv, problem] of [[['backup'], 'backup requires <file>'], [['restore', 'a', 'b'], 'unexpected argument "b"']] as const) {
      expect(await run(...argv)).toEqual({ code: 2, stdout: '', stderr: `beian ${argv[0]}: ${problem}; usage: beian ${argv[0]} <file>\n` });
    }
  });
});
