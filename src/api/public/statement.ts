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
import { inclusionProof, latestTreeHead } from '../../tlog/store.ts';
import { sendCacheable } from './http.ts';
import type { PublicServiceRow } from './queries.ts';
import { serviceNumberParams } from './schemas.ts';

export const STATEMENT_VERSION = 1;

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
});

const bad = (code: string, message: string) => new NamedError(code, 'invalid', message, [{ field: 'querystring.at', code, message }]);

/** The moment asked for: an instant with a zone, or the last millisecond of a China date. */
export function statementMoment(at: string | undefined, now: Date): Date {
  if (at === undefined) return now;
  const day = /^\d{4}-\d{2}-\d{2}$/.test(at);
  const t = new Date(day ? `${at}T23:59:59.999+08:00` : at);
  if ((!day && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(at)) || Number.isNaN(t.getTime())) {
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

export function statementRoutes(base: FastifyInstance, db: Queryable, limited: RouteShorthandOptions, serviceOf: (reads: Queryable, raw: string) => Promise<PublicServiceRow>, now: () => Date): void {
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
    // The log is read from the primary (as its own endpoints are): a standby's copy may lag the head.
    const head = await latestTreeHead(db);
    if (!head) throw new NamedError('tree_head_not_signed', 'unavailable', 'no tree head has been signed yet', [], { 'retry-after': '30' });
    const upTo = row.events.filter((e) => new Date(e.at) <= asOf);
    const logged = [...new Set(upTo.map((e) => e.logIndex).filter((i): i is number => i !== null && i < head.treeSize))].sort((a, b) => a - b);
    const leaves = logged.length
      ? await db.query<{ leaf_index: number; entry: string }>('select leaf_index, entry from log_leaves where leaf_index = any($1::bigint[]) order by leaf_index', [logged])
      : [];
    const entries = await Promise.all(leaves.map(async (l) => ({ leafIndex: Number(l.leaf_index), entry: l.entry, auditPath: await inclusionProof(db, Number(l.leaf_index), head.treeSize) })));
    const [key] = await db.query<{ public_key_pem: string }>('select public_key_pem from log_keys where key_id = $1', [head.keyId]);
    const { status, since } = statusFromEntries(row.service_number, entries, asOf);
    const body = {
      v: STATEMENT_VERSION, serviceNumber: row.service_number, mainNumber: row.main_number, asOf: asOf.toISOString(),
      status, statusSince: since, entries, pending: upTo.filter((e) => e.logIndex === null || e.logIndex >= head.treeSize).length,
      treeHead: head, key: { keyId: head.keyId, publicKeyPem: key!.public_key_pem },
    };
    return sendCacheable(req, reply, body, null);
  });
}
