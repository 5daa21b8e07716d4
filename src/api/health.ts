// GET /api/health: what the proxy checks (docs/deploy.md "Health and the proxy"; ADR 0021 addendum)
// and what an operator reads. The answer is 200 while this process can serve reads: the primary
// answers, or — the primary unreachable — a standby does (ADR 0020: public reads keep working from
// the standby while the primary is down; a 503 here would make the proxy take every process out and
// stop those reads too). Writes then answer 503 `database_unavailable` (src/api/problem.ts). It is
// 503 only when nothing can answer: the proxy then takes the process out.
// `status` is `degraded` whenever something needs an operator (the primary unreachable or read-only,
// writes waiting for a missing synchronous standby, a standby cut off or not a standby at all).
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../db/connection.ts';
import type { StandbyStatus } from '../db/replicas.ts';
import type { AppContext } from './app.ts';

const standby = z.object({
  name: z.string().describe('host:port of the standby (DATABASE_READ_URL, without credentials)'),
  replayLagMs: z.number().nullable().describe('how old its answers may be, in ms (0: caught up); null: unknown (it did not answer, is not a standby, or is cut off while the primary does not answer either)'),
  replayLsn: z.string().nullable().describe('the last WAL position the standby replayed; null: it did not answer (or is not a standby)'),
  replayLagBytes: z.number().nullable().describe('WAL the primary has written that the standby has not replayed; null: a position is unknown'),
  streaming: z.boolean().nullable().describe('its WAL receiver streams from the primary; false: cut off (reads avoid it while the primary answers); null: it did not answer'),
  notAStandby: z.boolean().describe('the server is not in recovery (a primary, e.g. promoted): no read goes to it'),
});

const body = z.object({
  status: z.enum(['ok', 'degraded', 'unavailable']).describe('ok; degraded: serving, but something needs an operator (see the other fields); unavailable: nothing can answer (HTTP 503)'),
  database: z.enum(['pglite', 'postgresql']),
  migration: z.string().nullable().describe('the last migration applied on the primary; null: none, or the primary did not answer'),
  primary: z.enum(['up', 'unreachable', 'read_only', 'slow']).describe('unreachable: writes answer 503; read_only: DATABASE_URL names a standby; slow: no answer within 1 s (e.g. its connections all wait for the synchronous standby)'),
  writes: z.enum(['ok', 'unavailable', 'waiting_for_synchronous_standby']).describe('waiting_for_synchronous_standby: synchronous_standby_names names standbys none of which is connected, so every commit waits (the no-loss guarantee, docs/deploy-replication.md)'),
  synchronousStandbys: z.object({
    required: z.string().describe('synchronous_standby_names on the primary'),
    connected: z.array(z.string()).describe('application names of the connected synchronous (or quorum) standbys'),
  }).optional(),
  rateLimitStore: z.enum(['memory', 'up', 'down']).optional().describe('the shared rate-limit counters (REDIS_URL): down lets requests through uncounted'),
  standbys: z.array(standby).optional(),
});
export type Health = z.infer<typeof body>;

/** A primary that does not answer within this is `slow`: the proxy's check (2 s) must still get an answer. */
const PRIMARY_WAIT_MS = 1_000;

interface PrimaryState { primary: Health['primary']; migration: string | null; syncNames: string | null; syncConnected: string[] }

const SERVER_SQL = `select pg_is_in_recovery() as recovery, current_setting('synchronous_standby_names') as sync_names,
  (select coalesce(array_agg(application_name::text order by application_name), '{}') from pg_stat_replication where sync_state in ('sync', 'quorum')) as sync_connected,
  (select version || '_' || name from schema_migrations order by version desc limit 1) as migration`;

async function primaryState(db: Db): Promise<PrimaryState> {
  const look = async (): Promise<PrimaryState> => {
    if (db.kind === 'pglite') {
      const [r] = await db.query<{ migration: string | null }>(`select version || '_' || name as migration from schema_migrations order by version desc limit 1`);
      return { primary: 'up', migration: r?.migration ?? null, syncNames: null, syncConnected: [] };
    }
    const [r] = await db.query<{ recovery: boolean; sync_names: string; sync_connected: string[]; migration: string | null }>(SERVER_SQL);
    return { primary: r!.recovery ? 'read_only' : 'up', migration: r!.migration, syncNames: r!.sync_names, syncConnected: r!.sync_connected };
  };
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<PrimaryState>((done) => {
    timer = setTimeout(() => done({ primary: 'slow', migration: null, syncNames: null, syncConnected: [] }), PRIMARY_WAIT_MS);
  });
  try {
    return await Promise.race([look().catch(() => ({ primary: 'unreachable' as const, migration: null, syncNames: null, syncConnected: [] })), slow]);
  } finally { clearTimeout(timer); }
}

/** The health of this process; `httpStatus` 503 only when neither the primary nor a standby can answer. */
export async function health(ctx: AppContext, rateLimitStore?: () => Health['rateLimitStore']): Promise<{ httpStatus: 200 | 503; body: Health }> {
  const [p, standbys] = await Promise.all([primaryState(ctx.db), ctx.reads.replicated ? ctx.reads.standbys() : undefined]);
  const syncMissing = p.syncNames !== null && p.syncNames.trim() !== '' && p.syncConnected.length === 0;
  const writes: Health['writes'] = p.primary === 'unreachable' || p.primary === 'read_only' ? 'unavailable' : syncMissing ? 'waiting_for_synchronous_standby' : 'ok';
  const usable = (s: StandbyStatus) => !s.notAStandby && s.replayLsn !== null;
  const readable = p.primary !== 'unreachable' || (standbys ?? []).some(usable);
  const store = rateLimitStore?.();
  const troubled = p.primary !== 'up' || writes !== 'ok' || store === 'down' || (standbys ?? []).some((s) => !usable(s) || s.streaming === false);
  return {
    httpStatus: readable ? 200 : 503,
    body: {
      status: !readable ? 'unavailable' : troubled ? 'degraded' : 'ok',
      database: ctx.db.kind, migration: p.migration, primary: p.primary, writes,
      ...(p.syncNames ? { synchronousStandbys: { required: p.syncNames, connected: p.syncConnected } } : {}),
      ...(store ? { rateLimitStore: store } : {}),
      ...(standbys ? { standbys } : {}),
    },
  };
}

export const healthRoutes = (ctx: AppContext, rateLimitStore?: () => Health['rateLimitStore']): FastifyPluginAsync => async (app) => {
  app.withTypeProvider<ZodTypeProvider>().get('/api/health', {
    // Asked every 500 ms by each proxy (4 lines a second per process at info): its request lines
    // appear only when LOG_LEVEL is debug or trace (a route's logLevel is its minimum level).
    logLevel: ctx.config.logLevel === 'debug' || ctx.config.logLevel === 'trace' ? ctx.config.logLevel : 'warn',
    schema: {
      tags: ['system'],
      summary: 'Whether this process can serve: the primary, writes, the synchronous standby, each standby and its lag (ADR 0020, 0021)',
      response: { 200: body, 503: body },
    },
  }, async (_request, reply) => {
    const h = await health(ctx, rateLimitStore);
    return reply.code(h.httpStatus).send(h.body);
  });
};
