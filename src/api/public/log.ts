// The transparency log's public endpoints (issue 15 §1): signed tree heads, the signing key,
// the entries and RFC 9162 inclusion / consistency proofs. Exact shapes: a verifier in any
// language depends on them (docs/api-public.md "Transparency log"; scripts/log-check.mjs).
// Everything is read from the database: the API holds no key.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Queryable } from '../../db/connection.ts';
import { NamedError } from '../../domain/errors.ts';
import {
  consistencyProof, inclusionProof, latestTreeHead, leavesBetween, sequencedSize,
} from '../../tlog/store.ts';
import { sendCacheable } from './http.ts';

/** Entries per page; a longer range answers its first ENTRIES_PAGE_MAX (as RFC 6962 get-entries may). */
export const ENTRIES_PAGE_MAX = 1_000;

const tags = ['public'];
const hex = z.string().regex(/^[0-9a-f]{64}$/);
const index = (what: string) => z.string().regex(/^\d{1,15}$/, 'must be a whole number ≥ 0').transform(Number).describe(what);

const treeHeadView = z.object({
  treeSize: z.number().int().describe('Leaves in the tree'),
  rootHash: hex.describe('RFC 9162 tree hash, lowercase hex'),
  timestamp: z.number().int().describe('Milliseconds since 1970-01-01T00:00:00Z'),
  signature: z.string().describe('Base64 Ed25519 signature over the UTF-8 text `beian-tree-head:v1\\n{treeSize}\\n{rootHash}\\n{timestamp}`'),
  keyId: hex.describe('SHA-256 of the signing key\'s SubjectPublicKeyInfo (DER), lowercase hex'),
});
const keyView = z.object({ keyId: hex, publicKeyPem: z.string().describe('Ed25519 public key, SPKI PEM') });
const entriesView = z.object({
  items: z.array(z.object({
    leafIndex: z.number().int(),
    leafHash: hex.describe('SHA-256(0x00 ‖ UTF-8 bytes of entry)'),
    entry: z.string().describe('Canonical JSON (RFC 8785), version 1: {v, type, digest} for a private event; type, serviceNumber / mainNumber and at (ISO 8601) added for a public one'),
  })),
});
const inclusionView = z.object({ leafIndex: z.number().int(), treeSize: z.number().int(), auditPath: z.array(hex) });
const consistencyView = z.object({ first: z.number().int(), second: z.number().int(), consistencyPath: z.array(hex) });

const bad = (field: string, code: string, message: string) => new NamedError(code, 'invalid', message, [{ field, code, message }]);

async function sizeOrBad(db: Queryable, field: string, size: number): Promise<void> {
  const n = await sequencedSize(db);
  if (size > n) throw bad(field, 'beyond_tree', `the log has ${n} leaves`);
}

export function logRoutes(base: FastifyInstance, db: Queryable, limited: object): void {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get('/api/public/v1/log/tree-head', {
    ...limited,
    schema: { tags, summary: 'The latest signed tree head of the transparency log', response: { 200: treeHeadView } },
  }, async (req, reply) => {
    const head = await latestTreeHead(db);
    if (!head) throw new NamedError('tree_head_not_signed', 'unavailable', 'no tree head has been signed yet', [], { 'retry-after': '30' });
    return sendCacheable(req, reply, head, new Date(head.timestamp));
  });

  app.get('/api/public/v1/log/key', {
    ...limited,
    schema: {
      tags, summary: 'The public key that signs tree heads (or, with keyId, one that signed earlier heads)',
      querystring: z.object({ keyId: hex.optional().describe('A keyId from a tree head; default: the key of the latest head') }),
      response: { 200: keyView },
    },
  }, async (req, reply) => {
    const [row] = req.query.keyId
      ? await db.query<{ key_id: string; public_key_pem: string }>('select key_id, public_key_pem from log_keys where key_id = $1', [req.query.keyId])
      : await db.query<{ key_id: string; public_key_pem: string }>(
        `select k.key_id, k.public_key_pem from log_tree_heads h join log_keys k using (key_id) order by h.tree_size desc, h.timestamp_ms desc limit 1`);
    if (!row) throw new NamedError('log_key_not_found', 'not_found', req.query.keyId ? `no log key ${req.query.keyId}` : 'no tree head has been signed yet');
    return sendCacheable(req, reply, { keyId: row.key_id, publicKeyPem: row.public_key_pem }, null);
  });

  app.get('/api/public/v1/log/entries', {
    ...limited,
    schema: {
      tags, summary: `Log entries start..end (inclusive, 0-based); at most ${ENTRIES_PAGE_MAX} per answer`,
      querystring: z.object({ start: index('First leaf index'), end: index('Last leaf index (inclusive)') }),
      response: { 200: entriesView },
    },
  }, async (req, reply) => {
    const { start, end } = req.query;
    if (end < start) throw bad('querystring.end', 'range_invalid', 'end must not be below start');
    const size = await sequencedSize(db);
    if (start >= size) throw bad('querystring.start', 'beyond_tree', `the log has ${size} leaves`);
    const items = await leavesBetween(db, start, Math.min(end, start + ENTRIES_PAGE_MAX - 1, size - 1));
    return sendCacheable(req, reply, { items }, null);
  });

  app.get('/api/public/v1/log/proof/inclusion', {
    ...limited,
    schema: {
      tags, summary: 'RFC 9162 §2.1.3 inclusion proof of a leaf in the tree of treeSize leaves',
      querystring: z.object({ leafIndex: index('0-based leaf index'), treeSize: index('Size of a tree (of a signed head)') }),
      response: { 200: inclusionView },
    },
  }, async (req, reply) => {
    const { leafIndex, treeSize } = req.query;
    if (treeSize < 1) throw bad('querystring.treeSize', 'range_invalid', 'treeSize must be at least 1');
    if (leafIndex >= treeSize) throw bad('querystring.leafIndex', 'range_invalid', 'leafIndex must be below treeSize');
    await sizeOrBad(db, 'querystring.treeSize', treeSize);
    return sendCacheable(req, reply, { leafIndex, treeSize, auditPath: await inclusionProof(db, leafIndex, treeSize) }, null);
  });

  app.get('/api/public/v1/log/proof/consistency', {
    ...limited,
    schema: {
      tags, summary: 'RFC 9162 §2.1.4 consistency proof between the trees of first and second leaves',
      querystring: z.object({ first: index('Size of the older tree (≥ 1)'), second: index('Size of the newer tree') }),
      response: { 200: consistencyView },
    },
  }, async (req, reply) => {
    const { first, second } = req.query;
    if (first < 1) throw bad('querystring.first', 'range_invalid', 'first must be at least 1');
    if (first > second) throw bad('querystring.first', 'range_invalid', 'first must not exceed second');
    await sizeOrBad(db, 'querystring.second', second);
    return sendCacheable(req, reply, { first, second, consistencyPath: await consistencyProof(db, first, second) }, null);
  });
}
