// A record statement (备案证明, PEERS.md part D "signed record statement reproducible for any past
// moment"): what the transparency log proves about a service number as of a moment — its public
// events up to then, each with its log entry and its inclusion proof in the latest signed tree
// head, the head and the key that signed it, and the status those entries give. One JSON document
// a relying party can archive (an app store, the day it listed an APP) and verify later without
// the registry: `node scripts/log-check.mjs statement-file <file> --key-id <pinned>`. The status is
// computed from the log entries alone, as the checker recomputes it, so the statement proves it;
// events of the moment not yet in a signed head are counted (`pending`) — ask again a minute later.
// Contract: docs/api-public.md "Record statements".
import type { FastifyInstance, RouteShorthandOptions } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Queryable } from '../../db/connection.ts';
import { NamedError } from '../../domain/errors.ts';
import { ENTRY_VERSION, parsePublicEntry, publicEventOf } from '../../tlog/entry.ts';
import type { LogSigner } from '../../tlog/keys.ts';
import { leafHashOfText, toHex } from '../../tlog/merkle.ts';
import { inclusionProof, latestTreeHead, type TreeHead } from '../../tlog/store.ts';
import { sendCacheable } from './http.ts';
import type { PublicServiceRow } from './queries.ts';
import { serviceNumberParams } from './schemas.ts';

export const STATEMENT_VERSION = 1;

/** The first line of the text a statement's signature covers (a tree head's is `beian-tree-head:v1`). */
export const STATEMENT_LABEL = 'beian-record-statement:v1';

/** What each public event type makes of a service's status (docs/api-public.md "Record statements"). */
export const STATUS_AFTER: Record<string, 'filed' | 'shell' | 'cancelled' | 'revoked' | null> = {
  filed: 'filed', access_added: 'filed', shell: 'shell', cancelled: 'cancelled', revoked: 'revoked', changed: null, access_cancelled: null,
};

const hex = z.string().regex(/^[0-9a-f]{64}$/);
const statementQuery = z.object({
  at: z.string().max(40).optional()
    .describe('The moment: ISO 8601 with a zone, or YYYY-MM-DD for the end of that day in China time; default now'),
});
const statementView = z.object({
  v: z.literal(STATEMENT_VERSION),
  serviceNumber: z.string(), mainNumber: z.string(),
  asOf: z.string().describe('ISO 8601'),
  status: z.enum(['filed', 'shell', 'cancelled', 'revoked', 'unknown']).describe('As the listed entries give it at asOf; unknown: no logged filing by then'),
  statusSince: z.string().nullable(),
  entries: z.array(z.object({ leafIndex: z.number().int(), entry: z.string().describe('Canonical JSON as in the log; hash it as received'), auditPath: z.array(hex) })),
  pending: z.number().int().describe('Events of the record at or before asOf not yet in a signed tree head'),
  treeHead: z.object({ treeSize: z.number().int(), rootHash: hex, timestamp: z.number().int(), signature: z.string(), keyId: hex }),
  key: z.object({ keyId: hex, publicKeyPem: z.string() }),
  signature: z.string().describe(`Base64 Ed25519 signature, by the key of \`key\`, over the statement's canonical text (${STATEMENT_LABEL}; docs/api-public.md "Record statements")`),
});

const bad = (code: string, message: string) => new NamedError(code, 'invalid', message, [{ field: 'querystring.at', code, message }]);

/**
 * A date that exists: Date reads 2024-02-30 as 1 March and 2024-04-31 as 1 May (its day field
 * takes 1–31 whatever the month), so the day is checked to come back unchanged.
 */
function calendarDate(ymd: string): boolean {
  const d = new Date(`${ymd}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === ymd;
}

/** The moment asked for: an instant with a zone, or the last millisecond of a China date. */
export function statementMoment(at: string | undefined, now: Date): Date {
  if (at === undefined) return now;
  const day = /^\d{4}-\d{2}-\d{2}$/.test(at);
  const t = new Date(day ? `${at}T23:59:59.999+08:00` : at);
  if ((!day && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(at)) || Number.isNaN(t.getTime()) || !calendarDate(at.slice(0, 10))) {
    throw bad('at_format', 'an ISO 8601 time with a zone (2026-05-20T10:00:00+08:00) or a date (2026-05-20)');
  }
  if (t.getUTCFullYear() < 1994) throw bad('at_out_of_range', 'no filing is older than 1994');
  return t > now ? now : t; // a day not over yet is stated as of now
}

/** The status the entries of `number` give, oldest first, up to `asOf`. */
export function statusFromEntries(number: string, entries: readonly { entry: string }[], asOf: Date): { status: string; since: string | null } {
  let status = 'unknown';
  let since: string | null = null;
  const mine = entries.map((e) => JSON.parse(e.entry) as { type: string; at?: string; serviceNumber?: string })
    .filter((e) => e.serviceNumber === number && e.at && new Date(e.at) <= asOf)
    .sort((a, b) => (a.at! < b.at! ? -1 : a.at! > b.at! ? 1 : 0));
  for (const e of mine) {
    const next = STATUS_AFTER[e.type];
    if (next && next !== status) { status = next; since = e.at!; }
  }
  return { status, since };
}

/** What a statement's signature covers: every field but the key's PEM (its id is covered) and the audit paths (checked against the covered root). */
export interface StatementContent {
  serviceNumber: string; mainNumber: string; asOf: string; status: string; statusSince: string | null; pending: number;
  treeHead: Pick<TreeHead, 'treeSize' | 'rootHash' | 'timestamp' | 'keyId'>;
  entries: readonly { leafIndex: number; entry: string }[];
}

/**
 * The exact text a statement's signature covers (docs/api-public.md "Record statements",
 * "The statement's signature"): UTF-8, lines joined by a line feed, no trailing newline —
 * the label, serviceNumber, mainNumber, asOf, status, statusSince (empty when null), pending,
 * the head's treeSize, rootHash, timestamp and keyId, the number of entries, then one line per
 * entry in the order listed: `{leafIndex} {leafHash}` (leafHash = hex SHA-256(0x00 ‖ entry)).
 * Lines, not JSON: nothing to canonicalise, and no value can hold a line feed (numbers, ISO
 * times, hex, decimal integers).
 */
export function statementText(st: StatementContent): string {
  const h = st.treeHead;
  return [
    STATEMENT_LABEL, st.serviceNumber, st.mainNumber, st.asOf, st.status, st.statusSince ?? '', String(st.pending),
    String(h.treeSize), h.rootHash, String(h.timestamp), h.keyId, String(st.entries.length),
    ...st.entries.map((e) => `${e.leafIndex} ${toHex(leafHashOfText(e.entry))}`),
  ].join('\n');
}

interface RecordRow { entity_type: string; action: string; to_status: string | null; reason: unknown; at: Date; leaf_index: number | null; entry: string | null }

/**
 * The public log entries of a service and of its subject at or before `asOf` that are in the tree of
 * `treeSize` leaves, oldest leaf first — every public event of the record (its approval, its own rows,
 * its subject's changes, cancellation and revocation, imports), read from history and the log, not
 * from the record's `events` (which list a subject's changes only); and how many public events of the
 * moment are not in that tree yet (`pending`).
 */
async function statementLeaves(db: Queryable, row: PublicServiceRow, asOf: Date, treeSize: number): Promise<{ leaves: { leafIndex: number; entry: string }[]; pending: number }> {
  const rows = await db.query<RecordRow>(
    `select h.entity_type, h.action, h.to_status, h.reason, h.at, l.leaf_index, l.entry
       from history h left join log_leaves l on l.history_id = h.id
      where h.at <= $2 and ((h.entity_type = 'service' and h.entity_id = $1)
         or (h.entity_type = 'subject' and h.entity_id = (select subject_id from services where id = $1)))
     union all
     select h.entity_type, h.action, h.to_status, h.reason, h.at, l.leaf_index, l.entry
       from public_events e join history h on h.id = e.history_id left join log_leaves l on l.history_id = h.id
      where e.owner_id = $1 and h.entity_type = 'application' and h.at <= $2`,
    [row.id, asOf]);
  const leaves = new Map<number, string>();
  let pending = 0;
  for (const r of rows) {
    if (r.leaf_index === null || Number(r.leaf_index) >= treeSize) {
      if (publicEventOf(r.entity_type, r.action, r.to_status, ENTRY_VERSION, r.reason)) pending++;
      continue;
    }
    const e = parsePublicEntry(r.entry!);
    const mine = e && (e.serviceNumber === row.service_number || (e.serviceNumber === undefined && e.mainNumber === row.main_number));
    if (mine) leaves.set(Number(r.leaf_index), r.entry!);
  }
  return { leaves: [...leaves].sort(([x], [y]) => x - y).map(([leafIndex, entry]) => ({ leafIndex, entry })), pending };
}

export function statementRoutes(base: FastifyInstance, db: Queryable, limited: RouteShorthandOptions, serviceOf: (reads: Queryable, raw: string) => Promise<PublicServiceRow>, now: () => Date, signer?: LogSigner): void {
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.get('/api/public/v1/services/:serviceNumber/statement', {
    ...limited,
    schema: {
      tags: ['public'], summary: 'A record statement: the log entries of a service number up to a moment, with inclusion proofs and the signed tree head',
      description: 'Verify offline with `node scripts/log-check.mjs statement-file <file> --key-id <pinned key id>` (docs/api-public.md "Record statements").',
      params: serviceNumberParams, querystring: statementQuery, response: { 200: statementView },
    },
  }, async (req, reply) => {
    const asOf = statementMoment(req.query.at, now());
    const row = await serviceOf(req.reads, req.params.serviceNumber);
    if (!signer) throw new NamedError('statement_not_signed', 'unavailable', 'this server holds no log signing key: record statements cannot be signed', [], { 'retry-after': '60' });
    // The log is read from the primary (as its own endpoints are): a standby's copy may lag the head.
    // One key signs the head and the statement (the key a relying party pins): the latest head this
    // server's key signed. A rotated key countersigns the latest head at once (before the server
    // listens, and on the log's next tick: ADR 0017 addendum "Key rotation"), so it has one; during a
    // rolling restart a server of the old key keeps stating with the old key's heads.
    const head = await latestTreeHead(db, signer.keyId);
    if (!head) throw new NamedError('tree_head_not_signed', 'unavailable', 'no tree head has been signed with this server\'s log key yet', [], { 'retry-after': '30' });
    const { leaves, pending } = await statementLeaves(db, row, asOf, head.treeSize);
    const entries = await Promise.all(leaves.map(async (l) => ({ leafIndex: l.leafIndex, entry: l.entry, auditPath: await inclusionProof(db, l.leafIndex, head.treeSize) })));
    const [key] = await db.query<{ public_key_pem: string }>('select public_key_pem from log_keys where key_id = $1', [head.keyId]);
    const { status, since } = statusFromEntries(row.service_number, entries, asOf);
    const unsigned = {
      v: STATEMENT_VERSION, serviceNumber: row.service_number, mainNumber: row.main_number, asOf: asOf.toISOString(),
      status, statusSince: since, entries, pending, treeHead: head, key: { keyId: head.keyId, publicKeyPem: key!.public_key_pem },
    };
    const body = { ...unsigned, signature: signer.sign(statementText(unsigned)).toString('base64') };
    return sendCacheable(req, reply, body, null);
  });
}
