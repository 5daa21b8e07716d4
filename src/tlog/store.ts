// The transparency log in the database: the sequencer that appends committed history rows,
// the signer of tree heads, and the reads behind the public endpoints and the audit.
// Design and its proofs of order: docs/decisions/0017-transparency-log.md.
import type { Db, Queryable } from '../db/connection.ts';
import { entryOf, type HistoryRow } from './entry.ts';
import type { LogKeys, LogSigner } from './keys.ts';
import { treeHeadText } from './keys.ts';
import {
  Appender, consistencyRanges, fromHex, type Hash, hashRanges, inclusionRanges, leafHashOfText, type NodeId, proofNodes,
  rangeNodes, rightEdge, rootHash, toHex,
} from './merkle.ts';

/**
 * Rows appended per transaction (ADR 0017 addendum "Sequencer throughput"): the cursor and the
 * tree size move once per SEQUENCE_BATCH rows; the rows are read, encoded and written in chunks
 * of SEQUENCE_CHUNK, so memory stays bounded by a chunk or two whatever the batch.
 */
export const SEQUENCE_BATCH = 20_000;
export const SEQUENCE_CHUNK = 2_500;

/**
 * History columns plus the numbers of the record a row concerns (numbers never change). The
 * lateral subqueries look a record up only for the rows of its kind (a one-time filter on
 * `h.entity_type`; `offset 0` keeps them subqueries so the filter is not turned into a join
 * filter applied after the lookup).
 */
const logColumns = (apiKey: string) => `
  select h.id, h.entity_type, h.entity_id, h.application_id, h.action, h.from_status, h.to_status,
         h.actor_user_id, h.actor_role, h.actor_org_id, h.reason, h.request_id, h.at, ${apiKey},
         h.tx::text as tx, s.service_number,
         coalesce(s.main_number, sub.main_number) as main_number`;

/**
 * The acting API key's column (migration 0047; committed by entry version 4) — or null on a database
 * from before it, where no key was ever recorded (tests sequence logs over such schemas, e.g. a
 * version-1 log before migration 0039). Asked once per run: a migration may add it between runs.
 */
async function apiKeyColumn(q: Queryable): Promise<string> {
  const [r] = await q.query<{ has: boolean }>(
    `select exists (select 1 from pg_attribute where attrelid = 'history'::regclass and attname = 'actor_api_key_id' and not attisdropped) as has`);
  return r?.has ? 'h.actor_api_key_id' : 'null::uuid as actor_api_key_id';
}
const LOG_LOOKUPS = `
    left join lateral (select s.service_number, ss.main_number
                         from services s left join subjects ss on ss.id = s.subject_id
                        where h.entity_type = 'service' and s.id = h.entity_id offset 0) s on true
    left join lateral (select sub.main_number from subjects sub
                        where h.entity_type = 'subject' and sub.id = h.entity_id offset 0) sub on true`;

/** Rows as the log encodes them; callers add the `where` (the audit reads by history id). */
export const historyForLog = async (q: Queryable): Promise<string> => `${logColumns(await apiKeyColumn(q))} from history h ${LOG_LOOKUPS}`;

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

type LogRow = HistoryRow & { tx: string };

/** The promise itself, marked handled: it is awaited later, and may fail while another is awaited. */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/**
 * Up to `limit` certainly-committed rows after `after`, in (tx, id) order: the chunk's rows are
 * chosen first (the history_tx index read in order from the cursor), and only they are joined
 * to their records — never the whole backlog behind the cursor, joined and sorted per chunk,
 * which is the plan a table without statistics gets otherwise.
 */
const rowsAfter = (q: Queryable, columns: string, after: { tx: string; id: number }, horizon: string, limit: number) => q.query<LogRow>(
  `${columns}
     from (select * from history h
            where (h.tx, h.id) > ($1::xid8, $2::bigint) and h.tx < $3::xid8
            order by h.tx, h.id limit $4) h
   ${LOG_LOOKUPS}
   order by h.tx, h.id`,
  [after.tx, after.id, horizon, limit],
);

/** A CSV field holding any text (RFC 4180 quoting; inside quotes PostgreSQL's CSV knows no backslash escapes). */
const csvText = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** The digest key; `entryVersion`: the entry version to write (the current one; tests write an older log). */
export type SequencerKeys = Pick<LogKeys, 'digestKey'> & { entryVersion?: number };

/**
 * The leaves and the complete subtrees a chunk of rows appends, as COPY input (CSV): the
 * entry, its leaf hash and every node it completes. Hashes are bytea in hex input format (\x…).
 */
async function encodeChunk(rows: readonly LogRow[], appender: Appender, digestKey: Buffer, version?: number): Promise<{ leaves: string; nodes: string }> {
  let leaves = '';
  let nodes = '';
  for (let i = 0; i < rows.length; i++) {
    // Let the connection's callbacks run now and then: the statement after the one in flight is
    // sent as soon as it ends, not when the whole chunk is encoded.
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise(setImmediate);
    const r = rows[i]!;
    const entry = entryOf(r, digestKey, version);
    const index = appender.treeSize;
    for (const n of appender.append(leafHashOfText(entry))) {
      const hex = toHex(n.hash);
      if (n.level === 0) leaves += `${index},${r.id},\\x${hex},${csvText(entry)}\n`;
      nodes += `${n.level},${n.index},\\x${hex}\n`;
    }
  }
  return { leaves, nodes };
}
const YIELD_EVERY = 250;

/** Writes a chunk with COPY (both backends): no statement parameters to build and parse, and multi-row inserts. */
async function insertChunk(tx: Queryable, chunk: { leaves: string; nodes: string }): Promise<void> {
  if (!tx.copyCsv) throw new Error('the sequencer needs a transaction that can COPY');
  await tx.copyCsv('log_leaves', 'leaf_index, history_id, leaf_hash, entry', chunk.leaves);
  await tx.copyCsv('log_nodes', 'level, idx, hash', chunk.nodes);
}

/**
 * Appends, in one transaction, up to `batch` history rows that are certainly committed: those
 * whose transaction is older than the oldest transaction still running when the run took the
 * log_state lock (the horizon). Order: (tx, id) after the cursor. A row of a transaction still
 * running has tx ≥ that horizon, so it is never passed over: it is taken by a later run, after
 * every leaf already appended. Concurrent sequencers (several processes) queue on the
 * log_state row; writers are never blocked.
 *
 * The rows are read and written in chunks on the transaction's one connection: while this
 * process encodes chunk k, the connection writes chunk k − 1 (COPY) and then reads chunk k + 1.
 * A run that fails part-way (a COPY refused, the connection lost) rolls back whole: no leaf of
 * it stays and the cursor does not move.
 */
export async function sequenceOnce(db: Db, keys: SequencerKeys, batch = SEQUENCE_BATCH, chunkSize = SEQUENCE_CHUNK): Promise<SequenceResult> {
  return db.transaction(async (tx) => {
    const [state] = await tx.query<StateRow>('select cursor_tx::text as cursor_tx, cursor_id, tree_size from log_state for update');
    if (!state) throw new Error('log_state is empty: run the migrations');
    // Read once the lock is held (a run that waited for another sees that run's commits too), and
    // kept for the whole run: every transaction below it had ended, so each later statement of
    // the run sees all of them.
    const [{ horizon }] = await tx.query<{ horizon: string }>('select pg_snapshot_xmin(pg_current_snapshot())::text as horizon') as [{ horizon: string }];
    // A chunk is a few thousand rows read in (tx, id) order from the history_tx index from the
    // cursor on. Without statistics (a fresh import) the planner may guess that few rows follow
    // the cursor and sort all of them for each chunk instead — O(backlog) per chunk; parallel
    // workers would only add their start-up. Both are off for this transaction only.
    await tx.exec('set local enable_sort = off; set local max_parallel_workers_per_gather = 0');
    const edge = await loadNodes(tx, rightEdge(state.tree_size));
    const appender = new Appender(state.tree_size, new Map(rightEdge(state.tree_size).map((id) => [id.level, source(edge)(id.level, id.index)])));
    const columns = logColumns(await apiKeyColumn(tx));
    let cursor = { tx: state.cursor_tx, id: state.cursor_id };
    let appended = 0;
    // The connection does one statement at a time: write chunk k − 1, then read chunk k + 1 (its
    // cursor is known once chunk k is read) — while this process encodes chunk k.
    let encoded: { leaves: string; nodes: string } | null = null;
    let connection: Promise<LogRow[]> = Promise.resolve([]);
    try {
      let rows = await rowsAfter(tx, columns, cursor, horizon, Math.min(chunkSize, batch));
      while (rows.length) {
        const full = rows.length === Math.min(chunkSize, batch - appended);
        const last = rows[rows.length - 1]!;
        cursor = { tx: last.tx, id: last.id };
        appended += rows.length;
        const previous = encoded;
        const [after, limit] = [cursor, Math.min(chunkSize, batch - appended)];
        connection = handled((async () => {
          if (previous) await insertChunk(tx, previous);
          return full && limit > 0 ? rowsAfter(tx, columns, after, horizon, limit) : [];
        })());
        encoded = await encodeChunk(rows, appender, keys.digestKey, keys.entryVersion);
        rows = await connection;
      }
      if (encoded) await insertChunk(tx, encoded);
    } catch (err) {
      await connection.catch(() => {}); // nothing of this run still on the connection when the transaction rolls back
      throw err;
    }
    if (!appended) return { appended: 0, treeSize: state.tree_size };
    await tx.query('update log_state set cursor_tx = $1::xid8, cursor_id = $2, tree_size = $3',
      [cursor.tx, cursor.id, appender.treeSize]);
    return { appended, treeSize: appender.treeSize };
  });
}

/** Sequences until every committed row is in the log (or `maxBatches` ran). */
export async function sequenceAll(db: Db, keys: SequencerKeys, maxBatches = 1_000): Promise<SequenceResult> {
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

/**
 * The latest signed head: the largest tree, and of its heads (one per key that signed that size: a
 * rotated key signs the same size again, ADR 0017 addendum "Key rotation") the newest. With `keyId`,
 * the latest head that key signed.
 */
export async function latestTreeHead(q: Queryable, keyId?: string): Promise<TreeHead | null> {
  const [r] = keyId === undefined
    ? await q.query<HeadRow>(`select ${HEAD_COLUMNS} from log_tree_heads order by tree_size desc, timestamp_ms desc limit 1`)
    : await q.query<HeadRow>(`select ${HEAD_COLUMNS} from log_tree_heads where key_id = $1 order by tree_size desc, timestamp_ms desc limit 1`, [keyId]);
  return r ? presentHead(r) : null;
}

/** Every head in the order they were signed (sizes never shrink, timestamps strictly increase). */
export async function allTreeHeads(q: Queryable): Promise<TreeHead[]> {
  return (await q.query<HeadRow>(`select ${HEAD_COLUMNS} from log_tree_heads order by tree_size, timestamp_ms`)).map(presentHead);
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

async function insertHead(tx: Queryable, signer: LogSigner, now: Date, size: number, last: TreeHead | null): Promise<TreeHead> {
  await registerKey(tx, signer);
  const root = toHex(await storedRoot(tx, size));
  const timestamp = Math.max(now.getTime(), (last?.timestamp ?? 0) + 1);
  const signature = signer.sign(treeHeadText(size, root, timestamp));
  await tx.query(
    `insert into log_tree_heads (tree_size, root_hash, timestamp_ms, key_id, signature) values ($1, decode($2, 'hex'), $3, $4, decode($5, 'hex'))`,
    [size, root, timestamp, signer.keyId, signature.toString('hex')],
  );
  return { treeSize: size, rootHash: root, timestamp, keyId: signer.keyId, signature: signature.toString('base64') };
}

/**
 * The latest head's size signed again by `signer` when that key has not signed it (the signing key
 * rotated: ADR 0017 addendum "Key rotation"), at once, whatever the interval: record statements are
 * signed by the key of their head, so without it they would wait for the log to grow. At most one head
 * per size and key (the primary key), so processes of the old and the new key during a rolling restart
 * do not sign in turn. Caller holds the log_state lock.
 */
async function countersign(tx: Queryable, signer: LogSigner, now: Date, last: TreeHead | null): Promise<TreeHead | null> {
  if (!last || last.keyId === signer.keyId) return null;
  const [mine] = await tx.query('select 1 from log_tree_heads where tree_size = $1 and key_id = $2', [last.treeSize, signer.keyId]);
  return mine ? null : insertHead(tx, signer, now, last.treeSize, last);
}

/** What `beian serve` does before it listens: the latest head countersigned by this process's key if it has not signed it. */
export async function countersignLatestHead(db: Db, signer: LogSigner, now: Date): Promise<TreeHead | null> {
  return db.transaction(async (tx) => {
    await tx.query('select 1 from log_state for update');
    return countersign(tx, signer, now, await latestTreeHead(tx));
  });
}

/**
 * Signs a head for the tree as sequenced when it grew since the last head (or when there is
 * none yet), unless the last head is younger than `minIntervalMs`; first, the last head's size
 * again when this key has not signed it (countersign). Timestamps strictly increase.
 */
export async function signTreeHead(db: Db, signer: LogSigner, now: Date, minIntervalMs = 0): Promise<TreeHead | null> {
  return db.transaction(async (tx) => {
    const [state] = await tx.query<StateRow>('select tree_size from log_state for update');
    const last = await latestTreeHead(tx);
    const again = await countersign(tx, signer, now, last);
    if (again) return again;
    if (last && last.treeSize >= state!.tree_size) return null;
    if (last && now.getTime() - last.timestamp < minIntervalMs) return null;
    return insertHead(tx, signer, now, state!.tree_size, last);
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
