// `beian audit verify` (issue 15 §1): recompute every leaf from the history rows, rebuild the
// tree, check every stored node, every signed tree head (root and signature) and the
// consistency between successive heads, that no committed history row is missing, and that
// every public record says what the log says, and that the personal-data access log matches the
// history rows the log commits to. Read-only; streams the log in batches.
import type { Db } from '../db/connection.ts';
import { entryOf, entryVersion, type HistoryRow, parsePublicEntry, type PublicEventType } from './entry.ts';
import { type LogKeys, verifyTreeHead } from './keys.ts';
import { Appender, EMPTY_ROOT, fromHex, leafHash, toHex, verifyConsistency } from './merkle.ts';
import { allTreeHeads, consistencyProof, historyForLog, loadNodes, type TreeHead } from './store.ts';

const BATCH = 5_000;

export interface AuditReport {
  leaves: number;
  heads: number;
  /** Root of the recomputed tree. */
  root: string;
  /** History rows committed after the sequencer's last run (not yet in the log; not a fault). */
  pending: number;
  /** One line each, the first fault of a kind first. Empty: the log and the records verify. */
  problems: string[];
}

/** Collects problems of one kind: the first few named, the rest counted. */
class Findings {
  private readonly lines: string[] = [];
  private more = 0;
  constructor(private readonly keep = 3) {}
  add(line: string): void { if (this.lines.length < this.keep) this.lines.push(line); else this.more++; }
  list(kind: string): string[] { return this.more ? [...this.lines, `… and ${this.more} more ${kind}`] : this.lines; }
  get empty(): boolean { return this.lines.length === 0; }
}

type Status = 'filed' | 'cancelled' | 'revoked';
const STATUS_OF: Partial<Record<PublicEventType, Status>> = { filed: 'filed', cancelled: 'cancelled', revoked: 'revoked' };

interface Replay { services: Map<string, Status>; subjects: Set<string> }

function replay(r: Replay, entry: string): void {
  const e = parsePublicEntry(entry);
  if (!e) return;
  if (e.mainNumber) r.subjects.add(e.mainNumber);
  const status = STATUS_OF[e.type];
  if (e.serviceNumber && status) r.services.set(e.serviceNumber, status);
}

/** An entry's canonical JSON without its keyed digest (the rest of it is the row's public fields). */
const withoutDigest = (entry: string): string => entry.replace(/"digest":"[^"]*"/, '"digest":""');

export async function auditLog(db: Db, keys: Pick<LogKeys, 'digestKey'>): Promise<AuditReport> {
  const leafFaults = new Findings();
  const nodeFaults = new Findings();
  const headFaults = new Findings();
  const recordFaults = new Findings();
  const heads = await allTreeHeads(db);
  const pems = new Map((await db.query<{ key_id: string; public_key_pem: string }>('select key_id, public_key_pem from log_keys')).map((k) => [k.key_id, k.public_key_pem]));
  const [state] = await db.query<{ cursor_tx: string; cursor_id: number; tree_size: number }>('select cursor_tx::text as cursor_tx, cursor_id, tree_size from log_state');
  const appender = new Appender(0, new Map());
  const historySql = await historyForLog(db);
  // Leaves whose recomputed entry differs, and of those the ones that differ in their digest alone.
  let differing = 0;
  let digestOnly = 0;
  const roots = new Map<number, string>();
  const seen: Replay = { services: new Map(), subjects: new Set() };
  const headAt = new Map(heads.map((h) => [h.treeSize, h]));
  if (headAt.has(0)) roots.set(0, toHex(EMPTY_ROOT));

  for (let start = 0; ; start += BATCH) {
    const leaves = await db.query<{ leaf_index: number; history_id: number; leaf_hash: string; entry: string }>(
      `select leaf_index, history_id, encode(leaf_hash, 'hex') as leaf_hash, entry from log_leaves where leaf_index >= $1 order by leaf_index limit $2`,
      [start, BATCH],
    );
    if (!leaves.length) break;
    const rows = new Map((await db.query<HistoryRow>(`${historySql} where h.id = any($1::bigint[])`, [leaves.map((l) => l.history_id)])).map((r) => [r.id, r]));
    const emitted: { level: number; index: number; hash: string }[] = [];
    for (const l of leaves) {
      if (l.leaf_index !== appender.treeSize) { leafFaults.add(`leaf ${appender.treeSize}: missing (the next stored leaf is ${l.leaf_index})`); break; }
      const row = rows.get(l.history_id)!;
      const entry = entryOf(row, keys.digestKey, entryVersion(l.entry)); // each entry by the rules of its own version
      if (entry !== l.entry) {
        leafFaults.add(`leaf ${l.leaf_index} (history ${l.history_id}): the history row no longer matches the logged entry`);
        differing += 1;
        if (withoutDigest(entry) === withoutDigest(l.entry)) digestOnly += 1;
      }
      else if (toHex(leafHash(Buffer.from(l.entry, 'utf8'))) !== l.leaf_hash) leafFaults.add(`leaf ${l.leaf_index} (history ${l.history_id}): the stored leaf hash is not the hash of its entry`);
      replay(seen, l.entry);
      for (const n of appender.append(leafHash(Buffer.from(entry, 'utf8')))) emitted.push({ level: n.level, index: n.index, hash: toHex(n.hash) });
      if (headAt.has(appender.treeSize)) roots.set(appender.treeSize, toHex(appender.root()));
    }
    const stored = await loadNodes(db, emitted);
    for (const n of emitted) {
      const s = stored.get(`${n.level}:${n.index}`);
      if (!s || toHex(s) !== n.hash) nodeFaults.add(`log node ${n.level}:${n.index} (leaves ${n.index * 2 ** n.level}–${(n.index + 1) * 2 ** n.level - 1}) differs from the tree recomputed from history`);
    }
    if (leaves.length < BATCH) break;
  }
  if (appender.treeSize !== state!.tree_size) leafFaults.add(`the log holds ${appender.treeSize} leaves, its state says ${state!.tree_size}`);

  const [missing] = await db.query<{ n: number; first: number | null }>(
    `select count(*)::int as n, min(h.id) as first from history h
      where (h.tx, h.id) <= ($1::xid8, $2::bigint) and not exists (select 1 from log_leaves l where l.history_id = h.id)`,
    [state!.cursor_tx, state!.cursor_id],
  );
  if (missing!.n) leafFaults.add(`history ${missing!.first}: committed before the last sequenced row but not in the log (${missing!.n} such rows)`);

  await checkHeads(db, heads, roots, pems, headFaults);

  // What the public records say against what the log says (pending rows included, as they will be logged).
  const pending = await db.query<HistoryRow>(`${historySql} where (h.tx, h.id) > ($1::xid8, $2::bigint) order by h.tx, h.id`, [state!.cursor_tx, state!.cursor_id]);
  for (const r of pending) replay(seen, entryOf(r, keys.digestKey));
  const services = await db.query<{ service_number: string; status: Status }>('select service_number, status from services where service_number is not null order by service_number');
  for (const s of services) {
    const logged = seen.services.get(s.service_number);
    if (!logged) recordFaults.add(`record ${s.service_number}: not in the log`);
    else if (logged !== s.status) recordFaults.add(`record ${s.service_number}: status "${s.status}", the log says "${logged}"`);
  }
  const subjects = await db.query<{ main_number: string }>('select main_number from subjects where main_number is not null order by main_number');
  for (const s of subjects) if (!seen.subjects.has(s.main_number)) recordFaults.add(`record ${s.main_number}: not in the log`);

  const accessFaults = new Findings();
  for (const id of await accessesUnlike(db)) accessFaults.add(`personal-data access ${id}: differs from its history row (or one of them is missing)`);

  // Every leaf differing in its digest alone (its public fields all match) is not tampering with
  // every row: the digest is keyed by BEIAN_HASH_KEY, and this run's key is not the one the log was
  // written with (the leaves, nodes and roots then all differ; listing them hid the cause).
  const wrongKey = appender.treeSize > 0 && differing === appender.treeSize && digestOnly === differing;
  const logProblems = wrongKey
    ? [`every one of the ${differing} leaves differs in its keyed digest alone, while its public fields match: the hash key differs from the one the log was written with (BEIAN_HASH_KEY) — run with that key; this is not evidence of tampering`]
    : [...leafFaults.list('leaves'), ...nodeFaults.list('nodes'), ...headFaults.list('tree heads')];
  return {
    leaves: appender.treeSize, heads: heads.length, root: toHex(appender.root()), pending: pending.length,
    problems: [...logProblems, ...recordFaults.list('records'), ...accessFaults.list('accesses')],
  };
}

async function checkHeads(db: Db, heads: TreeHead[], roots: Map<number, string>, pems: Map<string, string>, faults: Findings): Promise<void> {
  let previous: TreeHead | null = null;
  for (const h of heads) {
    const pem = pems.get(h.keyId);
    const root = roots.get(h.treeSize);
    if (!pem) faults.add(`tree head ${h.treeSize}: signed by unknown key ${h.keyId}`);
    else if (!verifyTreeHead(pem, h.treeSize, h.rootHash, h.timestamp, Buffer.from(h.signature, 'base64'))) faults.add(`tree head ${h.treeSize}: the signature does not verify`);
    if (root === undefined) faults.add(`tree head ${h.treeSize}: beyond the log`);
    else if (root !== h.rootHash) faults.add(`tree head ${h.treeSize}: signed root ${h.rootHash} differs from the recomputed root ${root}`);
    if (previous && previous.treeSize > 0 && root !== undefined) {
      if (previous.timestamp >= h.timestamp) faults.add(`tree head ${h.treeSize}: timestamp not after the previous head's`);
      const path = await consistencyProof(db, previous.treeSize, h.treeSize).catch(() => null);
      if (!path || !verifyConsistency(previous.treeSize, h.treeSize, fromHex(previous.rootHash), fromHex(h.rootHash), path.map(fromHex))) {
        faults.add(`tree heads ${previous.treeSize} → ${h.treeSize}: not consistent`);
      }
    }
    previous = h;
  }
}

/**
 * The personal-data access log (ADR 0025) against the history rows the transparency log commits
 * to: an access row removed, added or altered behind the trigger no longer matches its history row.
 */
async function accessesUnlike(db: Db): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `select coalesce(p.id, h.entity_id)::text as id
       from personal_data_access p
       full join (select entity_id, reason, actor_user_id, actor_role, at from history
                   where entity_type = 'personal_data_access' and action = 'personal_data_read') h on h.entity_id = p.id
      where p.id is null or h.entity_id is null
         or h.reason->>'recordType' is distinct from p.record_type or h.reason->>'recordId' is distinct from p.record_id
         or h.reason->>'purpose' is distinct from p.purpose or h.reason->'fields' is distinct from to_jsonb(p.fields)
         or h.actor_user_id is distinct from p.actor_user_id or h.actor_role is distinct from p.actor_role or h.at is distinct from p.at
      order by 1 limit 100`);
  return rows.map((r) => r.id);
}
