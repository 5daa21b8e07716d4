// Merkle tree math of the transparency log in the shape of RFC 9162 §2.1 (Certificate
// Transparency v2, same tree as RFC 6962): leaf hash SHA-256(0x00 ‖ entry), interior node
// SHA-256(0x01 ‖ left ‖ right), split at the largest power of two below n, no duplication of
// odd nodes. Pure: imports nothing of ours (ARCHITECTURE.md "Growing the house").
//
// Storage-friendly: every hash a proof needs is the hash of a range D[lo:hi) that the RFC's
// recursion produces, and such a range decomposes into at most log2(n) *complete aligned
// subtrees* — node (level, index) covers leaves [index·2^level, (index+1)·2^level). Those are
// immutable once the tree has grown past them, so a store keeps them and answers any proof
// with O(log n) node reads (`proofNodes` lists them; `inclusionPath` / `consistencyPath` fold
// them). Small in-memory trees use `MemoryTree`.
import { hash } from 'node:crypto';

export type Hash = Uint8Array;

// One-shot SHA-256 (crypto.hash): no Hash object per call — the sequencer hashes a leaf and,
// on average, one interior node per history row.
const sha256 = (...parts: Uint8Array[]): Hash => hash('sha256', parts.length === 1 ? parts[0]! : Buffer.concat(parts), 'buffer');

const LEAF_PREFIX = Uint8Array.of(0);
const NODE_PREFIX = Uint8Array.of(1);

export const leafHash = (entry: Uint8Array): Hash => sha256(LEAF_PREFIX, entry);
/** leafHash of an entry's UTF-8 bytes, given as text: "\0" is the 0x00 prefix in UTF-8. */
export const leafHashOfText = (entry: string): Hash => hash('sha256', `\0${entry}`, 'buffer');
export const nodeHash = (left: Hash, right: Hash): Hash => sha256(NODE_PREFIX, left, right);
/** MTH({}) — the hash of an empty tree is the hash of the empty string. */
export const EMPTY_ROOT: Hash = sha256(new Uint8Array(0));

export const toHex = (h: Uint8Array): string => Buffer.from(h.buffer, h.byteOffset, h.byteLength).toString('hex');
export const fromHex = (s: string): Hash => new Uint8Array(Buffer.from(s, 'hex'));
export const equalHashes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** A complete aligned subtree: leaves [index·2^level, (index+1)·2^level). Level 0 is a leaf. */
export interface NodeId { level: number; index: number }
export type NodeSource = (level: number, index: number) => Hash;

/** The largest power of two strictly below n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const isPowerOfTwo = (n: number) => Number.isSafeInteger(n) && n > 0 && 2 ** Math.round(Math.log2(n)) === n;
const log2 = (n: number) => Math.round(Math.log2(n));

/** A range [lo, hi) of leaves whose tree hash MTH(D[lo:hi]) is part of a proof. */
export type Range = readonly [lo: number, hi: number];

/** The complete subtrees whose hashes make MTH(D[lo:hi]) for a range of the RFC recursion (lo aligned). */
export function rangeNodes(lo: number, hi: number): NodeId[] {
  const n = hi - lo;
  if (n <= 0) throw new RangeError(`empty range [${lo}, ${hi})`);
  if (isPowerOfTwo(n)) return [{ level: log2(n), index: lo / n }];
  const k = splitPoint(n);
  return [...rangeNodes(lo, lo + k), ...rangeNodes(lo + k, hi)];
}

/** MTH(D[lo:hi]) from the store's complete subtrees. */
export function rangeHash(lo: number, hi: number, node: NodeSource): Hash {
  const n = hi - lo;
  if (n <= 0) throw new RangeError(`empty range [${lo}, ${hi})`);
  if (isPowerOfTwo(n)) return node(log2(n), lo / n);
  const k = splitPoint(n);
  return nodeHash(rangeHash(lo, lo + k, node), rangeHash(lo + k, hi, node));
}

/** The tree hash of the first `size` leaves (RFC 9162 §2.1.1). */
export function rootHash(size: number, node: NodeSource): Hash {
  return size === 0 ? EMPTY_ROOT : rangeHash(0, size, node);
}

function checkIndex(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a whole number ≥ 0`);
}

/** The ranges whose hashes form PATH(m, D[0:n]) (RFC 9162 §2.1.3.1), deepest first. */
export function inclusionRanges(m: number, n: number): Range[] {
  checkIndex('leafIndex', m);
  checkIndex('treeSize', n);
  if (m >= n) throw new RangeError('leafIndex must be below treeSize');
  const out: Range[] = [];
  const walk = (m: number, lo: number, hi: number): void => {
    if (hi - lo <= 1) return;
    const k = splitPoint(hi - lo);
    if (m < k) { walk(m, lo, lo + k); out.push([lo + k, hi]); } else { walk(m - k, lo + k, hi); out.push([lo, lo + k]); }
  };
  walk(m, 0, n);
  return out;
}

/** The ranges whose hashes form PROOF(m, D[0:n]) (RFC 9162 §2.1.4.1). 0 < m ≤ n. */
export function consistencyRanges(m: number, n: number): Range[] {
  checkIndex('first', m);
  checkIndex('second', n);
  if (m < 1 || m > n) throw new RangeError('first must be between 1 and second');
  const out: Range[] = [];
  const sub = (m: number, lo: number, hi: number, b: boolean): void => {
    const n = hi - lo;
    if (m === n) { if (!b) out.push([lo, hi]); return; }
    const k = splitPoint(n);
    if (m <= k) { sub(m, lo, lo + k, b); out.push([lo + k, hi]); } else { sub(m - k, lo + k, hi, false); out.push([lo, lo + k]); }
  };
  sub(m, 0, n, true);
  return out;
}

/** Every node a set of ranges needs (deduplicated): what a store fetches in one read. */
export function proofNodes(ranges: readonly Range[]): NodeId[] {
  const seen = new Map<string, NodeId>();
  for (const [lo, hi] of ranges) for (const id of rangeNodes(lo, hi)) seen.set(`${id.level}:${id.index}`, id);
  return [...seen.values()];
}

export const hashRanges = (ranges: readonly Range[], node: NodeSource): Hash[] => ranges.map(([lo, hi]) => rangeHash(lo, hi, node));
export const inclusionPath = (m: number, n: number, node: NodeSource): Hash[] => hashRanges(inclusionRanges(m, n), node);
export const consistencyPath = (m: number, n: number, node: NodeSource): Hash[] => hashRanges(consistencyRanges(m, n), node);

/**
 * RFC 9162 §2.1.3.2: does `path` prove that `leaf` is leaf `index` of the tree of `size`
 * leaves whose root is `root`?
 */
export function verifyInclusion(index: number, size: number, leaf: Hash, path: readonly Hash[], root: Hash): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalHashes(r, root);
}

/**
 * RFC 9162 §2.1.4.2: does `path` prove that the tree of `first` leaves with root `firstRoot`
 * is a prefix of the tree of `second` leaves with root `secondRoot`?
 */
export function verifyConsistency(first: number, second: number, firstRoot: Hash, secondRoot: Hash, path: readonly Hash[]): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) return false;
  if (first === second) return path.length === 0 && equalHashes(firstRoot, secondRoot);
  if (first === 0) return path.length === 0; // the empty tree is a prefix of every tree
  if (path.length === 0) return false;
  const proof = isPowerOfTwo(first) ? [firstRoot, ...path] : [...path];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
  let fr = proof[0]!;
  let sr = proof[0]!;
  for (const c of proof.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalHashes(fr, firstRoot) && equalHashes(sr, secondRoot);
}

/**
 * Appending leaves to a tree whose right edge is known: emits every complete subtree that
 * each new leaf completes (the leaf itself at level 0, then its parents while it is a right
 * child). `edge` holds, per level, the pending left node: node (level, (size >> level) − 1)
 * when (size >> level) is odd — `rightEdge(size)` lists which. O(1) amortised per leaf.
 */
export class Appender {
  private readonly pending = new Map<number, Hash>();
  constructor(private size: number, edge: ReadonlyMap<number, Hash>) {
    for (const id of rightEdge(size)) {
      const h = edge.get(id.level);
      if (!h) throw new Error(`missing right-edge node at level ${id.level}`);
      this.pending.set(id.level, h);
    }
  }

  get treeSize(): number { return this.size; }

  /** Appends one leaf hash; returns the nodes it completes, the leaf first. */
  append(leaf: Hash): { level: number; index: number; hash: Hash }[] {
    const out = [{ level: 0, index: this.size, hash: leaf }];
    let h = leaf;
    let index = this.size;
    let level = 0;
    while (index % 2 === 1) {
      h = nodeHash(this.pending.get(level)!, h);
      this.pending.delete(level);
      index = Math.floor(index / 2);
      level++;
      out.push({ level, index, hash: h });
    }
    this.pending.set(level, h);
    this.size++;
    return out;
  }

  /** The root of the tree as it stands: the right-edge subtrees folded from the smallest. */
  root(): Hash {
    const levels = [...this.pending.keys()].sort((a, b) => a - b);
    if (!levels.length) return EMPTY_ROOT;
    let h = this.pending.get(levels[0]!)!;
    for (const l of levels.slice(1)) h = nodeHash(this.pending.get(l)!, h);
    return h;
  }
}

/** The complete subtrees on the right edge of a tree of `size` leaves (largest first). */
export function rightEdge(size: number): NodeId[] {
  const out: NodeId[] = [];
  for (let level = Math.floor(Math.log2(Math.max(size, 1))) + 1; level >= 0; level--) {
    const q = Math.floor(size / 2 ** level);
    if (q % 2 === 1) out.push({ level, index: q - 1 });
  }
  return out;
}

/** Every complete subtree of a list of leaf hashes, in memory: for tests, tools and small logs. */
export class MemoryTree {
  private readonly levels: Hash[][] = [[]];
  constructor(leaves: readonly Hash[] = []) { for (const l of leaves) this.append(l); }

  get size(): number { return this.levels[0]!.length; }

  append(leaf: Hash): void {
    const a = new Appender(this.size, new Map(rightEdge(this.size).map((id) => [id.level, this.node(id.level, id.index)])));
    for (const n of a.append(leaf)) (this.levels[n.level] ??= [])[n.index] = n.hash;
  }

  readonly node: NodeSource = (level, index) => {
    const h = this.levels[level]?.[index];
    if (!h) throw new RangeError(`no complete subtree at level ${level}, index ${index}`);
    return h;
  };

  root(size = this.size): Hash { return rootHash(size, this.node); }
  inclusionProof(index: number, size = this.size): Hash[] { return inclusionPath(index, size, this.node); }
  consistencyProof(first: number, second = this.size): Hash[] { return consistencyPath(first, second, this.node); }
}
