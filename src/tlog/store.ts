// The transparency log in the database: the sequencer that appends committed history rows,
// the signer of tree heads, and the reads behind the public endpoints and the audit.
// Design and its proofs of order: docs/decisions/0017-transparency-log.md.
import type { Db, Queryable } from '../db/connection.ts';
import { entryOf, type HistoryRow } from './entry.ts';
import type { LogKeys, LogSigner } from './keys.ts';
import { treeHeadText } from './keys.ts';
import {
  Appender, consistencyRanges, fromHex, type Hash, hashRanges, inclusionRanges, leafHash, type NodeId, proofNodes,
  rangeNodes, rightEdge, rootHash, toHex,
} from './merkle.ts';

/** Rows appended per transaction: a batch is one insert of leaves and one of nodes. */
export const SEQUENCE_BATCH = 2_000;

/** History columns plus the numbers of the record a row concerns (numbers never change). */
export const HISTORY_FOR_LOG = `
  select h.id, h.entity_type, h.entity_id, h.application_id, h.action, h.from_status, h.to_status,
         h.actor_user_id, h.actor_role, h.actor_org_id, h.reason, h.request_id, h.at,
         h.tx::text as tx, s.service_number,
         coalesce(ss.main_number, sub.main_number) as main_number
    from history h
    left join services s on h.entity_type = 'service' and s.id = h.entity_id
    left join subjects ss on ss.id = s.subject_id
    left join subjects sub on h.entity_type = 'subject' and sub.id = h.entity_id`;

interface StateRow { cursor_tx: string; cursor_id: number; tree_size: number }

/** Hashes of stored complete subtrees, fetched in one read. */
export async function loadNodes(q: Queryable, ids: readonly NodeId[]): Promise<Map<string, Hash>> {
  if (!ids.length) return new Map();
  const rows = await q.query<{ level: number; idx: number; hash: string }>(
    `select n.level, n.idx, encode(n.hash, 'hex') as hash
       from unnest($1::int[], $2::bigint[]) as want(level, idx)
       join log_nodes n on n.level = want.level and n.idx = want.idx`,
    [ids.map((i) => i.level), ids.map((i) => i.index)],
  );
  return new Map(rows.map((r) => [`${r.level}:${r.idx}`, fromHex(r.hash)]));
}

const source = (nodes: Map<string, Hash>) => (level: number, index: number): Hash => {
  const h = nodes.get(`${level}:${index}`);
  if (!h) throw new Error(`log node ${level}:${index} is missing`);
  return h;
};

export interface SequenceResult { appended: number; treeSize: number }

/**
 * Appends, in one transaction, up to `batch` history rows that are certainly committed: those
 * whose transaction is older than the oldest transaction still running. Order: (tx, id) after
 * the cursor. A row of a transaction still running has tx ≥ that horizon, so it is never
 * passed over: it is taken by a later run, after every leaf already appended. Concurrent
 * sequencers (several processes) queue on the log_state row; writers are never blocked.
 */
export async function sequenceOnce(db: Db, keys: Pick<LogKeys, 'digestKey'>, batch = SEQUENCE_BATCH): Promise<SequenceResult> {
  return db.transaction(async (tx) => {
    const [state] = await tx.query<StateRow>('select cursor_tx::text as cursor_tx, cursor_id, tree_size from log_state for update');
    if (!state) throw new Error('log_state is empty: run the migrations');
    const rows = await tx.query<HistoryRow & { tx: string }>(
      `${HISTORY_FOR_LOG}
        where (h.tx, h.id) > ($1::xid8, $2::bigint) and h.tx < pg_snapshot_xmin(pg_current_snapshot())
        order by h.tx, h.id limit $3`,
      [state.cursor_tx, state.cursor_id, batch],
    );
    if (!rows.length) return { appended: 0, treeSize: state.tree_size };
    const last = rows[rows.length - 1]!;
    const edge = await loadNodes(tx, rightEdge(state.tree_size));
    const appender = new Appender(state.tree_size, new Map(rightEdge(state.tree_size).map((id) => [id.level, source(edge)(id.level, id.index)])));
    const leaves = { index: [] as number[], history: [] as number[], hash: [] as string[], entry: [] as string[] };
    const nodes = { level: [] as number[], idx: [] as number[], hash: [] as string[] };
    for (const r of rows) {
      const entry = entryOf(r, keys.digestKey);
      const h = leafHash(Buffer.from(entry, 'utf8'));
      leaves.index.push(appender.treeSize);
      leaves.history.push(r.id);
      leaves.hash.push(toHex(h));
      leaves.entry.push(entry);
      for (const n of appender.append(h)) { nodes.level.push(n.level); nodes.idx.push(n.index); nodes.hash.push(toHex(n.hash)); }
    }
    await tx.query(
      `insert into log_leaves (leaf_index, history_id, leaf_hash, entry)
       select i, h, decode(x, 'hex'), e from unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) as t(i, h, x, e)`,
      [leaves.index, leaves.history, leaves.hash, leaves.entry],
    );
    await tx.query(
      `insert into log_nodes (level, idx, hash)
       select l, i, decode(x, 'hex') from unnest($1::smallint[], $2::bigint[], $3::text[]) as t(l, i, x)`,
      [nodes.level, nodes.idx, nodes.hash],
    );
    await tx.query('update log_state set cursor_tx = $1::xid8, cursor_id = $2, tree_size = $3',
      [last.tx, last.id, appender.treeSize]);
    return { appended: rows.length, treeSize: appender.treeSize };
  });
}

/** Sequences until every committed row is in the log (or `maxBatches` ran). */
export async function sequenceAll(db: Db, keys: Pick<LogKeys, 'digestKey'>, maxBatches = 1_000): Promise<SequenceResult> {
  let appended = 0;
  let treeSize = 0;
  for (let i = 0; i < maxBatches; i++) {
    const r = await sequenceOnce(db, keys);
    appended += r.appended;
    treeSize = r.treeSize;
    if (r.appended < SEQUENCE_BATCH) break;
  }
  return { appended, treeSize };
}

export interface TreeHead { treeSize: number; rootHash: string; timestamp: number; signature: string; keyId: string }

interface HeadRow { tree_size: number; root_hash: string; timestamp_ms: number; key_id: string; signature: string }

const presentHead = (r: HeadRow): TreeHead => ({
  treeSize: r.tree_size, rootHash: r.root_hash, timestamp: r.timestamp_ms, keyId: r.key_id,
  signature: Buffer.from(r.signature, 'hex').toString('base64'),
});

const HEAD_COLUMNS = `tree_size, encode(root_hash, 'hex') as root_hash, timestamp_ms, key_id, encode(signature, 'hex') as signature`;

export async function latestTreeHead(q: Queryable): Promise<TreeHead | null> {
  const [r] = await q.query<HeadRow>(`select ${HEAD_COLUMNS} from log_tree_heads order by tree_size desc limit 1`);
  return r ? presentHead(r) : null;
}

export async function allTreeHeads(q: Queryable): Promise<TreeHead[]> {
  return (await q.query<HeadRow>(`select ${HEAD_COLUMNS} from log_tree_heads order by tree_size`)).map(presentHead);
}

/** Publishes the signing key so heads it signed stay verifiable after a rotation. */
export async function registerKey(q: Queryable, signer: LogSigner): Promise<void> {
  await q.query('insert into log_keys (key_id, public_key_pem) values ($1, $2) on conflict (key_id) do nothing', [signer.keyId, signer.publicKeyPem]);
}

/** The root of the first `size` leaves, from the stored subtrees. */
export async function storedRoot(q: Queryable, size: number): Promise<Hash> {
  if (size === 0) return rootHash(0, () => { throw new Error('unreachable'); });
  const nodes = await loadNodes(q, rangeNodes(0, size));
  return rootHash(size, source(nodes));
}

/**
 * Signs a head for the tree as sequenced when it grew since the last head (or when there is
 * none yet), unless the last head is younger than `minIntervalMs`. Timestamps strictly increase.
 */
export async function signTreeHead(db: Db, signer: LogSigner, now: Date, minIntervalMs = 0): Promise<TreeHead | null> {
  return db.transaction(async (tx) => {
    const [state] = await tx.query<StateRow>('select tree_size from log_state for update');
    const last = await latestTreeHead(tx);
    if (last && last.treeSize >= state!.tree_size) return null;
    if (last && now.getTime() - last.timestamp < minIntervalMs) return null;
    await registerKey(tx, signer);
    const size = state!.tree_size;
    const root = toHex(await storedRoot(tx, size));
    const timestamp = Math.max(now.getTime(), (last?.timestamp ?? 0) + 1);
    const signature = signer.sign(treeHeadText(size, root, timestamp));
    await tx.query(
      `insert into log_tree_heads (tree_size, root_hash, timestamp_ms, key_id, signature) values ($1, decode($2, 'hex'), $3, $4, decode($5, 'hex'))`,
      [size, root, timestamp, signer.keyId, signature.toString('hex')],
    );
    return { treeSize: size, rootHash: root, timestamp, keyId: signer.keyId, signature: signature.toString('base64') };
  });
}

export async function sequencedSize(q: Queryable): Promise<number> {
  const [s] = await q.query<{ tree_size: number }>('select tree_size from log_state');
  return s?.tree_size ?? 0;
}

export interface LeafView { leafIndex: number; leafHash: string; entry: string }

/** Leaves [start, end] (inclusive). */
export async function leavesBetween(q: Queryable, start: number, end: number): Promise<LeafView[]> {
  const rows = await q.query<{ leaf_index: number; leaf_hash: string; entry: string }>(
    `select leaf_index, encode(leaf_hash, 'hex') as leaf_hash, entry from log_leaves where leaf_index between $1 and $2 order by leaf_index`,
    [start, end],
  );
  return rows.map((r) => ({ leafIndex: r.leaf_index, leafHash: r.leaf_hash, entry: r.entry }));
}

/** RFC 9162 §2.1.3 audit path of leaf `index` in the tree of `size` leaves: O(log n) stored nodes, one read. */
export async function inclusionProof(q: Queryable, index: number, size: number): Promise<string[]> {
  const ranges = inclusionRanges(index, size);
  return hashRanges(ranges, source(await loadNodes(q, proofNodes(ranges)))).map(toHex);
}

/** RFC 9162 §2.1.4 consistency path between the trees of `first` and `second` leaves. */
export async function consistencyProof(q: Queryable, first: number, second: number): Promise<string[]> {
  if (first === 0) return [];
  const ranges = consistencyRanges(first, second);
  return hashRanges(ranges, source(await loadNodes(q, proofNodes(ranges)))).map(toHex);
}

/**
 * History id → leaf index, for the public record's events (`events[].logIndex`). A row not
 * yet sequenced (the sequencer runs every few seconds) is absent from the map.
 */
export async function logIndexOf(q: Queryable, historyIds: readonly number[]): Promise<Map<number, number>> {
  if (!historyIds.length) return new Map();
  const rows = await q.query<{ history_id: number; leaf_index: number }>(
    'select history_id, leaf_index from log_leaves where history_id = any($1::bigint[])', [[...historyIds]],
  );
  return new Map(rows.map((r) => [r.history_id, r.leaf_index]));
}
