// The sequencer's output is the log as first specified, byte for byte (ADR 0017 addendum
// "Sequencer throughput"): a history of every kind of row, sequenced in many transactions of
// several chunks each while more rows arrive, gives exactly the leaves, entries, stored
// subtrees and root that a reference computes on its own — the first sequencer's query and
// entry encoding kept here verbatim, node:crypto's HMAC and SHA-256 objects, and the RFC 9162
// tree hash by plain recursion (nothing of merkle.ts or the new entry code).
import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_TIMEOUT } from '../../tests/auth.ts';
import { type TestDb, testDatabase, testLogKeys } from '../../tests/db.ts';
import { seedDemo } from '../db/seed/demo.ts';
import { canonicalJson, ENTRY_VERSION, type HistoryRow, PUBLIC_EVENTS } from './entry.ts';
import { insertMixedHistory } from './test-support/mixed-history.ts';
import { sequenceAll, sequenceOnce, storedRoot } from './store.ts';

// ---- the reference: the sequencer's query and encoding as first written (commit a470dc2), plus
// the acting API key that entry version 4 adds to the digest (selected and committed as the spec says) ----
// Copied verbatim on purpose, including the parts entry.ts still has unchanged (numbersOf): the
// oracle must not share code with the sequencer it checks, or a change there would change both.
const REFERENCE_QUERY = `
  select h.id, h.entity_type, h.entity_id, h.application_id, h.action, h.from_status, h.to_status,
         h.actor_user_id, h.actor_role, h.actor_org_id, h.reason, h.request_id, h.at, h.actor_api_key_id,
         h.tx::text as tx, s.service_number,
         coalesce(ss.main_number, sub.main_number) as main_number
    from history h
    left join services s on h.entity_type = 'service' and s.id = h.entity_id
    left join subjects ss on ss.id = s.subject_id
    left join subjects sub on h.entity_type = 'subject' and sub.id = h.entity_id
   order by h.tx, h.id`;

const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

function referenceNumbers(r: HistoryRow): { serviceNumber?: string; mainNumber?: string } | null {
  if (r.entity_type === 'application') {
    const reason = (r.reason ?? {}) as Record<string, unknown>;
    const serviceNumber = text(reason.serviceNumber);
    const mainNumber = text(reason.mainNumber);
    return serviceNumber && mainNumber ? { serviceNumber, mainNumber } : null;
  }
  if (r.entity_type === 'service') {
    return r.service_number ? { serviceNumber: r.service_number, ...(r.main_number ? { mainNumber: r.main_number } : {}) } : null;
  }
  return r.main_number ? { mainNumber: r.main_number } : null;
}

function referenceEntry(r: HistoryRow, digestKey: Buffer): string {
  const input = canonicalJson({
    id: r.id, entityType: r.entity_type, entityId: r.entity_id, applicationId: r.application_id, action: r.action,
    from: r.from_status, to: r.to_status, actorUserId: r.actor_user_id, actorRole: r.actor_role, actorOrgId: r.actor_org_id,
    reason: r.reason ?? null, requestId: r.request_id, at: r.at.toISOString(),
    // Entry version 4 (ADR 0017 addendum): the acting API key too, null included.
    ...(ENTRY_VERSION >= 4 ? { actorApiKeyId: r.actor_api_key_id } : {}),
  });
  const digest = createHmac('sha256', digestKey).update(input, 'utf8').digest('hex');
  const rule = PUBLIC_EVENTS.find((e) => e.entityType === r.entity_type && e.actions.includes(r.action));
  const byStatus: Record<string, string> = { filed: 'filed', cancelled: 'cancelled', revoked: 'revoked' };
  // An approved change (its reason lists the changed fields) is private from version 3.
  const approvedChange = r.entity_type === 'application' && typeof r.reason === 'object' && r.reason !== null && 'fields' in r.reason;
  const type = !rule || approvedChange ? null : rule.type === 'status' ? byStatus[r.to_status ?? ''] ?? null : rule.type;
  const numbers = type ? referenceNumbers(r) : null;
  if (!type || !numbers) return canonicalJson({ v: ENTRY_VERSION, type: 'private', digest });
  return canonicalJson({ v: ENTRY_VERSION, type, ...numbers, at: r.at.toISOString(), digest });
}

const sha = (...parts: Buffer[]) => { const h = createHash('sha256'); for (const p of parts) h.update(p); return h.digest(); };
const leafOf = (entry: string) => sha(Buffer.of(0), Buffer.from(entry, 'utf8'));
const parentOf = (l: Buffer, r: Buffer) => sha(Buffer.of(1), l, r);

/** Every complete aligned subtree, by level: level 0 the leaves, level l+1 the pairs of level l. */
function referenceLevels(leaves: Buffer[]): Buffer[][] {
  const levels = [leaves];
  while (levels.at(-1)!.length >= 2) {
    const below = levels.at(-1)!;
    levels.push(Array.from({ length: Math.floor(below.length / 2) }, (_, i) => parentOf(below[2 * i]!, below[2 * i + 1]!)));
  }
  return levels;
}

/** RFC 9162 §2.1.1 MTH, by its recursion. */
function referenceRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return parentOf(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

// ---- the test ----
const keys = testLogKeys();
let t: TestDb;

/**
 * Runs the sequencer until the log holds every history row. On a PostgreSQL server shared with
 * other test files a run appends only below their oldest open transaction (ADR 0017), so it may
 * have to wait for theirs to end.
 */
async function caughtUp(run: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    await run();
    const [r] = await t.db.query<{ behind: number }>('select (select count(*) from history)::int - (select count(*) from log_leaves)::int as behind');
    if (r!.behind === 0) return;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error('the log did not catch up with history');
}

describe('the sequencer against the reference', () => {
  beforeAll(async () => {
    t = await testDatabase();
    await seedDemo(t.db, t.sealer);
    await insertMixedHistory(t.db, 1_237);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await t?.close(); });

  it('appends, over many runs of several chunks while rows keep coming, exactly the reference leaves, subtrees and root', async () => {
    // Runs of 300 rows in chunks of 64 (a last chunk part-full), with rows committed between runs.
    for (let run = 0; run < 4; run++) await sequenceOnce(t.db, keys, 300, 64);
    await insertMixedHistory(t.db, 10, 5_000);
    await t.db.transaction(async (tx) => { await insertMixedHistory(tx, 555, 6_000); await insertMixedHistory(tx, 3, 7_000); });
    await caughtUp(() => sequenceOnce(t.db, keys, 257, 100));
    await insertMixedHistory(t.db, 2_600, 8_000); // more than a default chunk
    await caughtUp(() => sequenceAll(t.db, keys));
    expect((await sequenceOnce(t.db, keys)).appended).toBe(0);

    const rows = await t.db.query<HistoryRow & { tx: string }>(REFERENCE_QUERY);
    const entries = rows.map((r) => referenceEntry(r, keys.digestKey));
    const leaves = entries.map(leafOf);
    const stored = await t.db.query<{ leaf_index: number; history_id: number; leaf_hash: string; entry: string }>(
      `select leaf_index, history_id, encode(leaf_hash, 'hex') as leaf_hash, entry from log_leaves order by leaf_index`);
    expect(stored.length).toBe(rows.length);
    expect(stored).toEqual(rows.map((r, i) => ({ leaf_index: i, history_id: r.id, leaf_hash: leaves[i]!.toString('hex'), entry: entries[i] })));

    const nodes = await t.db.query<{ level: number; idx: number; hash: string }>(
      `select level, idx, encode(hash, 'hex') as hash from log_nodes order by level, idx`);
    expect(nodes).toEqual(referenceLevels(leaves).flatMap((level, l) => level.map((h, i) => ({ level: l, idx: i, hash: h.toString('hex') }))));

    const size = rows.length;
    expect(Buffer.from(await storedRoot(t.db, size)).toString('hex')).toBe(referenceRoot(leaves).toString('hex'));
    const [state] = await t.db.query<{ cursor_tx: string; cursor_id: number; tree_size: number }>(
      'select cursor_tx::text as cursor_tx, cursor_id, tree_size from log_state');
    expect(state).toEqual({ cursor_tx: rows.at(-1)!.tx, cursor_id: rows.at(-1)!.id, tree_size: size });
  });

  it('covered every way a row becomes an entry', async () => {
    const kinds = await t.db.query<{ type: string; service: boolean; main: boolean; n: number }>(
      `select entry::jsonb->>'type' as type, entry::jsonb ? 'serviceNumber' as service, entry::jsonb ? 'mainNumber' as main, count(*)::int as n
         from log_leaves group by 1, 2, 3 order by 1, 2, 3`);
    const has = (type: string, service: boolean, main: boolean) => kinds.some((k) => k.type === type && k.service === service && k.main === main && k.n > 0);
    expect(has('filed', true, true)).toBe(true); // approvals with their numbers
    expect(has('revoked', true, true)).toBe(true); // a service's event
    expect(has('changed', true, true)).toBe(true);
    expect(has('cancelled', false, true)).toBe(true); // a subject's event
    expect(has('private', false, false)).toBe(true);
    const [odd] = await t.db.query<{ n: number }>(`select count(*)::int as n from log_leaves where entry like '%\\"hi\\"%'`);
    expect(odd!.n).toBe(0); // the reason is inside the keyed digest, never in clear
    const [escaped] = await t.db.query<{ n: number }>(
      `select count(*)::int as n from history where reason->>'note' like 'say "hi", then' || chr(10) || '%'`);
    expect(escaped!.n).toBeGreaterThan(100); // the rows with quotes, commas and a newline were there
  });
});

describe('a run that fails part-way', () => {
  let f: TestDb;
  beforeAll(async () => { f = await testDatabase(); await seedDemo(f.db, f.sealer); await insertMixedHistory(f.db, 600); }, SETUP_TIMEOUT);
  afterAll(async () => { await f?.close(); });

  it('leaves nothing of itself: no leaf, no node, the cursor where it was, the connection usable', async () => {
    // A leaf already at the index the run's fourth chunk would write: that COPY is refused.
    const [late] = await f.db.query<{ id: number }>('select id from history order by tx desc, id desc limit 1');
    await f.db.query(`insert into log_leaves (leaf_index, history_id, leaf_hash, entry) values (350, $1, sha256('x'::bytea), 'x')`, [late!.id]);
    await expect(sequenceOnce(f.db, keys, 600, 100)).rejects.toThrow(/log_leaves_pkey|duplicate key/);
    expect(await f.db.query('select leaf_index from log_leaves')).toEqual([{ leaf_index: 350 }]);
    expect(await f.db.query('select count(*)::int as n from log_nodes')).toEqual([{ n: 0 }]);
    expect(await f.db.query('select cursor_id, tree_size from log_state')).toEqual([{ cursor_id: 0, tree_size: 0 }]);
  });
});
