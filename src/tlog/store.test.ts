// The log in the database, on PGlite and PostgreSQL: the demo history sequenced, its stored
// proofs equal to the in-memory tree's, signed heads, entries that reveal only public facts,
// and on PostgreSQL the order guarantee under transactions that commit out of id order and
// under two writing processes.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logCaughtUp, runsOn, type TestDb, testDatabase, testLogKeys } from '../../tests/db.ts';
import { SETUP_TIMEOUT } from '../../tests/auth.ts';
import { seedDemo } from '../db/seed/demo.ts';
import { auditLog } from './audit.ts';
import { canonicalJson, ENTRY_VERSION } from './entry.ts';
import { createLogKeys, verifyTreeHead } from './keys.ts';
import { fromHex, leafHash, MemoryTree, toHex, verifyConsistency, verifyInclusion } from './merkle.ts';
import {
  consistencyProof, countersignLatestHead, inclusionProof, latestTreeHead, leavesBetween, logIndexOf, sequenceAll, sequencedSize, sequenceOnce, signTreeHead, storedRoot,
} from './store.ts';

const keys = testLogKeys();
const count = async (t: TestDb, sql: string) => (await t.db.query<{ n: number }>(sql))[0]!.n;
const addHistory = (t: TestDb | { query: TestDb['db']['query'] }, n: number, action = 'signed_in') => ('db' in t ? t.db : t).query(
  `insert into history (entity_type, entity_id, action, actor_role, reason)
   select 'user', gen_random_uuid(), $2, 'system', jsonb_build_object('i', g) from generate_series(1, $1) g`, [n, action]);

describe('sequencing the demo history', () => {
  let t: TestDb;
  beforeAll(async () => { t = await testDatabase(); await seedDemo(t.db, t.sealer); }, SETUP_TIMEOUT);
  afterAll(async () => { await t?.close(); });

  it('appends every history row once, in (transaction, id) order, and a second run appends nothing', async () => {
    const history = await count(t, 'select count(*)::int as n from history');
    expect(history).toBeGreaterThan(10);
    // On a PostgreSQL server the horizon is the server's: other databases' writing transactions
    // (other test files, other work) may hold a run back for a moment, so the log is waited for.
    await logCaughtUp(t.db, keys);
    expect(await sequencedSize(t.db)).toBe(history);
    expect(await sequenceOnce(t.db, keys)).toEqual({ appended: 0, treeSize: history });
    const order = await t.db.query<{ history_id: number }>('select history_id from log_leaves order by leaf_index');
    const expected = await t.db.query<{ id: number }>('select id from history order by tx, id');
    expect(order.map((r) => r.history_id)).toEqual(expected.map((r) => r.id));
  });

  it('stores proofs equal to the in-memory tree of the leaf hashes, and they verify', async () => {
    const leaves = await leavesBetween(t.db, 0, 1_000_000);
    for (const l of leaves) expect(l.leafHash).toBe(toHex(leafHash(Buffer.from(l.entry, 'utf8'))));
    const mem = new MemoryTree(leaves.map((l) => fromHex(l.leafHash)));
    const n = leaves.length;
    expect(toHex(await storedRoot(t.db, n))).toBe(toHex(mem.root()));
    for (const size of [1, 2, 7, Math.ceil(n / 2), n]) {
      for (const i of [0, Math.floor(size / 3), size - 1]) {
        const path = await inclusionProof(t.db, i, size);
        expect(path).toEqual(mem.inclusionProof(i, size).map(toHex));
        expect(verifyInclusion(i, size, fromHex(leaves[i]!.leafHash), path.map(fromHex), mem.root(size))).toBe(true);
      }
      const path = await consistencyProof(t.db, Math.max(1, size - 3), n);
      expect(verifyConsistency(Math.max(1, size - 3), n, mem.root(Math.max(1, size - 3)), mem.root(n), path.map(fromHex))).toBe(true);
    }
  });

  it('logs public events in clear and everything else as a digest only', async () => {
    const leaves = await leavesBetween(t.db, 0, 1_000_000);
    const entries = leaves.map((l) => JSON.parse(l.entry) as Record<string, unknown>);
    for (const [i, e] of entries.entries()) expect(canonicalJson(e)).toBe(leaves[i]!.entry);
    const privates = entries.filter((e) => e.type === 'private');
    expect(privates.length).toBeGreaterThan(0);
    for (const e of privates) expect(Object.keys(e).sort()).toEqual(['digest', 'type', 'v']);
    expect(entries).toContainEqual(expect.objectContaining({ v: ENTRY_VERSION, type: 'filed', serviceNumber: '粤ICP备2024000001号-2A', mainNumber: '粤ICP备2024000001号', at: '2024-05-20T02:00:00.000Z' }));
    expect(entries).toContainEqual(expect.objectContaining({ type: 'revoked', serviceNumber: '浙ICP备2024000001号-2A', at: '2025-03-01T08:00:00.000Z' }));
    // Nothing of the demo note, actors or ids leaks into the log.
    expect(leaves.map((l) => l.entry).join('\n')).not.toMatch(/demo data|system|[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it('signs a head over the exact contract text, only when the tree grew, and keeps every head', async () => {
    const now = new Date('2026-12-04T10:00:00Z');
    const head = (await signTreeHead(t.db, keys.signer, now))!;
    expect(head.treeSize).toBe(await count(t, 'select count(*)::int as n from history'));
    expect(head.timestamp).toBe(now.getTime());
    expect(verifyTreeHead(keys.signer.publicKeyPem, head.treeSize, head.rootHash, head.timestamp, Buffer.from(head.signature, 'base64'))).toBe(true);
    expect(verifyTreeHead(keys.signer.publicKeyPem, head.treeSize + 1, head.rootHash, head.timestamp, Buffer.from(head.signature, 'base64'))).toBe(false);
    expect(await signTreeHead(t.db, keys.signer, new Date(now.getTime() + 120_000))).toBeNull(); // not grown
    await addHistory(t, 3);
    await logCaughtUp(t.db, keys);
    expect(await signTreeHead(t.db, keys.signer, new Date(now.getTime() + 10_000), 30_000)).toBeNull(); // too soon
    const next = (await signTreeHead(t.db, keys.signer, new Date(now.getTime() + 40_000), 30_000))!;
    expect(next.treeSize).toBe(head.treeSize + 3);
    expect(await latestTreeHead(t.db)).toEqual(next);
    const path = await consistencyProof(t.db, head.treeSize, next.treeSize);
    expect(verifyConsistency(head.treeSize, next.treeSize, fromHex(head.rootHash), fromHex(next.rootHash), path.map(fromHex))).toBe(true);
    expect((await auditLog(t.db, keys)).problems).toEqual([]);
  });

  it('after the signing key rotates, heads of both keys verify and both keys stay published', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const rotated = createLogKeys(Buffer.alloc(32, 9), generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    expect(rotated.signer.keyId).not.toBe(keys.signer.keyId);
    expect(rotated.digestKey.equals(keys.digestKey)).toBe(true); // leaves do not depend on the signing key
    await addHistory(t, 2);
    await logCaughtUp(t.db, rotated);
    const head = (await signTreeHead(t.db, rotated.signer, new Date('2026-12-04T11:00:00Z')))!;
    expect(head.keyId).toBe(rotated.signer.keyId);
    const used = await t.db.query<{ key_id: string }>('select distinct key_id from log_tree_heads order by 1');
    expect(used.map((r) => r.key_id).sort()).toEqual([keys.signer.keyId, rotated.signer.keyId].sort());
    expect((await auditLog(t.db, keys)).problems).toEqual([]);
  });

  it('a rotated key countersigns the latest size at once, once; old and new heads verify; the database keeps heads of one size to one root, in order', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const rotated = createLogKeys(Buffer.alloc(32, 9), generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    await logCaughtUp(t.db, keys);
    const last = (await signTreeHead(t.db, keys.signer, new Date('2026-12-04T12:00:00Z')))!;
    // Idle log, new key: the same size signed again by it (before the fix heads were one per size, none came).
    const again = (await countersignLatestHead(t.db, rotated.signer, new Date('2026-12-04T12:00:01Z')))!;
    expect(again).toMatchObject({ treeSize: last.treeSize, rootHash: last.rootHash, keyId: rotated.signer.keyId });
    expect(verifyTreeHead(rotated.signer.publicKeyPem, again.treeSize, again.rootHash, again.timestamp, Buffer.from(again.signature, 'base64'))).toBe(true);
    expect(await latestTreeHead(t.db)).toEqual(again);
    expect(await latestTreeHead(t.db, keys.signer.keyId)).toEqual(last);
    // Once per size and key: neither key signs that size again (no ping-pong during a rolling restart).
    expect(await countersignLatestHead(t.db, rotated.signer, new Date('2026-12-04T12:00:02Z'))).toBeNull();
    expect(await signTreeHead(t.db, rotated.signer, new Date('2026-12-04T12:00:03Z'))).toBeNull();
    expect(await signTreeHead(t.db, keys.signer, new Date('2026-12-04T12:00:04Z'))).toBeNull();
    expect((await auditLog(t.db, keys)).problems).toEqual([]);
    // Database rules: another root for a signed size, a smaller tree or an earlier time is refused.
    const insert = (size: number, root: string, ts: number) => t.db.query(
      `insert into log_tree_heads (tree_size, root_hash, timestamp_ms, key_id, signature) values ($1, decode($2, 'hex'), $3, $4, decode(repeat('00', 64), 'hex'))`,
      [size, root, ts, keys.signer.keyId]);
    await t.db.query('insert into log_keys (key_id, public_key_pem) values ($1, $2)', ['ab'.repeat(32), 'x']);
    const other = (size: number, root: string, ts: number) => t.db.query(
      `insert into log_tree_heads (tree_size, root_hash, timestamp_ms, key_id, signature) values ($1, decode($2, 'hex'), $3, $4, decode(repeat('00', 64), 'hex'))`,
      [size, root, ts, 'ab'.repeat(32)]);
    await expect(other(last.treeSize, 'ff'.repeat(32), again.timestamp + 10)).rejects.toThrow(/another root was signed/);
    await expect(other(last.treeSize, last.rootHash, again.timestamp)).rejects.toThrow(/later time/);
    await expect(other(last.treeSize - 1, last.rootHash, again.timestamp + 10)).rejects.toThrow(/larger tree/);
    await expect(insert(last.treeSize, last.rootHash, again.timestamp + 10)).rejects.toThrow(); // one head per size and key
  });

  it('maps history ids to leaf indexes (events[].logIndex); a row not yet sequenced has none', async () => {
    const rows = await t.db.query<{ history_id: number; leaf_index: number }>('select history_id, leaf_index from log_leaves order by leaf_index desc limit 2');
    await addHistory(t, 1);
    const [fresh] = await t.db.query<{ id: number }>('select max(id) as id from history');
    const map = await logIndexOf(t.db, [...rows.map((r) => r.history_id), fresh!.id]);
    expect([...map.entries()].sort()).toEqual(rows.map((r) => [r.history_id, r.leaf_index]).sort());
  });

  it('refuses to change or remove what the log holds (database rule)', async () => {
    for (const sql of ['update log_leaves set entry = $$x$$ where leaf_index = 0', 'delete from log_nodes where level = 0 and idx = 0', 'delete from log_tree_heads']) {
      await expect(t.db.query(sql)).rejects.toThrow(/append-only/);
    }
    await expect(t.db.query(`insert into log_leaves (leaf_index, history_id, leaf_hash, entry) select 999999, history_id, leaf_hash, entry from log_leaves where leaf_index = 0`)).rejects.toThrow();
  });
});

describe.runIf(runsOn('postgresql', 'log sequencing under concurrency'))('sequencing under concurrency (PostgreSQL)', () => {
  let t: TestDb;
  beforeAll(async () => { t = await testDatabase(); }, SETUP_TIMEOUT);
  afterAll(async () => { await t?.close(); });

  it('never appends past a transaction still running, even when a higher id commits first', async () => {
    const slow = new pg.Client({ connectionString: t.url! });
    await slow.connect();
    try {
      // The history the migrations wrote (the reference organisations) is logged first.
      await logCaughtUp(t.db, keys);
      const before = await count(t, 'select count(*)::int as n from history');
      await slow.query('begin');
      await slow.query(`insert into history (entity_type, entity_id, action, actor_role) values ('user', gen_random_uuid(), 'slow', 'system')`);
      await addHistory(t, 2, 'fast'); // higher ids, committed first
      expect(await sequenceAll(t.db, keys)).toEqual({ appended: 0, treeSize: before });
      await slow.query('commit');
      await logCaughtUp(t.db, keys);
      expect(await sequencedSize(t.db)).toBe(before + 3);
      const order = await t.db.query<{ action: string; id: number }>(
        'select h.action, h.id from log_leaves l join history h on h.id = l.history_id where l.leaf_index >= $1 order by l.leaf_index', [before]);
      expect(order.map((r) => r.action)).toEqual(['slow', 'fast', 'fast']);
      expect(order[0]!.id).toBeLessThan(order[1]!.id);
    } finally { await slow.end(); }
  });

  it('two processes writing and sequencing at once produce one consistent log holding every row once', async () => {
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'test-support/writer.ts');
    const run = () => promisify(execFile)(process.execPath, ['--import', 'tsx', script, t.url!, '400'], { timeout: 120_000 });
    const before = await count(t, 'select count(*)::int as n from history');
    const started = Date.now();
    await Promise.all([run(), run()]);
    const elapsed = Date.now() - started;
    await logCaughtUp(t.db, keys); // the horizon is the server's: other databases' transactions hold it back too
    const history = await count(t, 'select count(*)::int as n from history');
    expect(history).toBe(before + 800);
    expect(await count(t, 'select count(*)::int as n from log_leaves')).toBe(history);
    expect(await count(t, 'select count(distinct history_id)::int as n from log_leaves')).toBe(history);
    expect(await count(t, 'select (max(leaf_index) + 1)::int as n from log_leaves')).toBe(history);
    await signTreeHead(t.db, keys.signer, new Date());
    const report = await auditLog(t.db, keys);
    expect(report.problems).toEqual([]);
    expect(report.leaves).toBe(history);
    expect(elapsed).toBeLessThan(120_000);
  });
});
