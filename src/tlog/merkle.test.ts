// The log's Merkle math against the RFC 6962 / 9162 reference vectors (the eight leaves and
// their roots, inclusion and consistency proofs published with Certificate Transparency's
// reference implementation and reused by certificate-transparency-go and Trillian), and
// property tests over every tree size up to 64.
import { describe, expect, it } from 'vitest';
import {
  Appender, consistencyRanges, EMPTY_ROOT, fromHex, inclusionRanges, leafHash, MemoryTree, proofNodes, rightEdge,
  toHex, verifyConsistency, verifyInclusion, type Hash,
} from './merkle.ts';

const INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(fromHex);
const LEAVES = INPUTS.map(leafHash);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// [leafIndex (0-based), treeSize, path]
const INCLUSION: [number, number, string[]][] = [
  [0, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [5, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [1, 5, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];

const flip = (h: Hash, bit = 0): Hash => { const c = new Uint8Array(h); c[bit >> 3]! ^= 1 << (bit & 7); return c; };

describe('RFC 6962 / 9162 reference vectors', () => {
  const tree = new MemoryTree(LEAVES);

  it('roots of the trees of 0 to 8 leaves', () => {
    expect(toHex(EMPTY_ROOT)).toBe(ROOTS[0]);
    for (let n = 0; n <= 8; n++) expect(toHex(tree.root(n)), `size ${n}`).toBe(ROOTS[n]);
  });

  it('inclusion proofs are generated as published and verify', () => {
    for (const [m, n, path] of INCLUSION) {
      expect(tree.inclusionProof(m, n).map(toHex), `${m} in ${n}`).toEqual(path);
      expect(verifyInclusion(m, n, LEAVES[m]!, path.map(fromHex), fromHex(ROOTS[n]!))).toBe(true);
      expect(verifyInclusion(m, n, LEAVES[m]!, path.map(fromHex), fromHex(ROOTS[n - 1]!))).toBe(false);
    }
  });

  it('consistency proofs are generated as published and verify', () => {
    for (const [m, n, path] of CONSISTENCY) {
      expect(tree.consistencyProof(m, n).map(toHex), `${m} → ${n}`).toEqual(path);
      expect(verifyConsistency(m, n, fromHex(ROOTS[m]!), fromHex(ROOTS[n]!), path.map(fromHex))).toBe(true);
    }
    expect(verifyConsistency(6, 8, fromHex(ROOTS[5]!), fromHex(ROOTS[8]!), CONSISTENCY[2]![2].map(fromHex))).toBe(false);
  });
});

describe('properties, every tree of 1 to 64 leaves', () => {
  const leaves = Array.from({ length: 64 }, (_, i) => leafHash(Uint8Array.of(i, i * 7 % 256, 42)));
  const tree = new MemoryTree(leaves);
  const roots = Array.from({ length: 65 }, (_, n) => tree.root(n));

  it('the incremental root equals MTH of the prefix, and the right edge is what the appender needs', () => {
    const a = new Appender(0, new Map());
    for (let n = 1; n <= 64; n++) {
      a.append(leaves[n - 1]!);
      expect(toHex(a.root())).toBe(toHex(roots[n]!));
      expect(rightEdge(n).reduce((s, id) => s + 2 ** id.level, 0)).toBe(n);
    }
  });

  it('every inclusion proof verifies; a flipped bit in the leaf, a path hash or the root fails, as does a wrong index or a longer path', () => {
    for (let n = 1; n <= 64; n++) {
      for (let m = 0; m < n; m++) {
        const path = tree.inclusionProof(m, n);
        expect(verifyInclusion(m, n, leaves[m]!, path, roots[n]!), `${m} in ${n}`).toBe(true);
        expect(verifyInclusion(m, n, flip(leaves[m]!, (m * 13) % 256), path, roots[n]!)).toBe(false);
        expect(verifyInclusion(m, n, leaves[m]!, path, flip(roots[n]!, n))).toBe(false);
        for (let i = 0; i < path.length; i++) {
          const bad = path.map((h, j) => (j === i ? flip(h, (i * 31 + m) % 256) : h));
          expect(verifyInclusion(m, n, leaves[m]!, bad, roots[n]!)).toBe(false);
        }
        if (n > 1) expect(verifyInclusion((m + 1) % n, n, leaves[m]!, path, roots[n]!)).toBe(false);
        expect(verifyInclusion(m, n, leaves[m]!, [...path, roots[n]!], roots[n]!)).toBe(false);
      }
    }
  });

  it('every consistency proof verifies; a flipped bit anywhere fails', () => {
    for (let n = 1; n <= 64; n++) {
      for (let m = 1; m <= n; m++) {
        const path = tree.consistencyProof(m, n);
        expect(verifyConsistency(m, n, roots[m]!, roots[n]!, path), `${m} → ${n}`).toBe(true);
        expect(verifyConsistency(m, n, flip(roots[m]!, m), roots[n]!, path)).toBe(false);
        expect(verifyConsistency(m, n, roots[m]!, flip(roots[n]!, n), path)).toBe(false);
        for (let i = 0; i < path.length; i++) {
          const bad = path.map((h, j) => (j === i ? flip(h, (i * 17 + n) % 256) : h));
          expect(verifyConsistency(m, n, roots[m]!, roots[n]!, bad)).toBe(false);
        }
        if (m < n) expect(verifyConsistency(m, n, roots[m]!, roots[n]!, path.slice(0, -1))).toBe(false);
      }
    }
  });

  it('a proof needs at most 2·log2(n) stored subtrees', () => {
    for (let n = 1; n <= 64; n++) {
      for (let m = 0; m < n; m++) expect(proofNodes(inclusionRanges(m, n)).length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n)) + 1);
      for (let m = 1; m <= n; m++) expect(proofNodes(consistencyRanges(m, n)).length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n)) + 2);
    }
  });

  it('out-of-range requests are refused, not answered', () => {
    expect(() => inclusionRanges(3, 3)).toThrow(RangeError);
    expect(() => consistencyRanges(0, 3)).toThrow(RangeError);
    expect(() => consistencyRanges(4, 3)).toThrow(RangeError);
    expect(verifyInclusion(-1, 3, leaves[0]!, [], roots[3]!)).toBe(false);
  });
});
