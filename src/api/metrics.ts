// GET /metrics (issue 16 §9): Prometheus text exposition via prom-client. What an operator watches
// (docs/deploy.md "What to watch"): requests by route and status with their durations, the identity
// cache (src/db/identity-cache.ts stats()), the outbox's backlog and failures, replication lag of
// the standbys as the primary sees them (pg_stat_replication), and the process itself (CPU,
// memory, event-loop lag, GC: prom-client's default metrics).
//
// Who may read it: a client on this machine (loopback, after trustProxy — so behind a proxy listed
// in TRUST_PROXY the proxy's own address does not count), or anyone sending
// `Authorization: Bearer <METRICS_TOKEN>` when that is set. Anyone else gets 403 problem+json.
// The route is outside /api, so the API-key check of the auth plugin does not see the token.
//
// Other modules add their own metrics to `sharedMetrics` (one registry per process, for
// module-level metrics) — e.g. `new Gauge({ name: 'beian_…', help: '…', registers: [sharedMetrics] })`;
// each app's own registry (requests, cache, outbox, replication) is merged with it on every scrape.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/connection.ts';
import type { IdentityCacheStats } from '../db/identity-cache.ts';
import type { StandbyStatus } from '../db/replicas.ts';
import { NamedError } from '../domain/errors.ts';

/** Process-wide metrics (default process metrics and any module-level metric of another part). */
export const sharedMetrics = new Registry();
collectDefaultMetrics({ register: sharedMetrics, prefix: 'beian_' });

export class MetricsForbiddenError extends NamedError {
  constructor() {
    super('metrics_forbidden', 'forbidden', 'GET /metrics is for this machine (loopback) or a caller with Authorization: Bearer <METRICS_TOKEN> (docs/deploy.md)');
  }
}

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopback(ip: string | undefined): boolean {
  if (!ip) return false;
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return v4.startsWith('127.') || ip === '::1';
}

const sameToken = (given: string, expected: string) =>
  given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));

export function mayReadMetrics(request: Pick<FastifyRequest, 'ip' | 'headers'>, token: string | null): boolean {
  if (isLoopback(request.ip)) return true;
  if (!token) return false;
  const m = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization?.trim() ?? '');
  return m !== null && sameToken(m[1]!, token);
}

export interface MetricsSources {
  db: Db;
  metricsToken: string | null;
  /** The verification API's identity cache (absent in apps built without it). */
  identityCache?: () => IdentityCacheStats;
  /** The standbys of DATABASE_READ_URL as this process sees them (absent without). */
  readStandbys?: () => Promise<StandbyStatus[]>;
}

/** Request durations (seconds): from a cached verification (< 1 ms) to a package upload. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A counter whose value is read from elsewhere at scrape time (prom-client counters cannot be set). */
function readCounter(registry: Registry, name: string, help: string, read: () => number | undefined): void {
  new Counter({
    name, help, registers: [registry],
    collect() { const v = read(); if (v !== undefined) { this.reset(); this.inc(v); } },
  });
}

/** The outbox's channels (outbox.channel's check, migration 0001). */
const OUTBOX_CHANNELS = ['email', 'sms', 'webhook'] as const;

/** The outbox figures and replication lag, read at most once a second however many scrapers ask. */
function databaseFigures(db: Db) {
  let last: Promise<DbFigures> | null = null;
  let at = 0;
  return (): Promise<DbFigures> => {
    const t = Date.now();
    if (!last || t - at >= 1000) { at = t; last = readDbFigures(db); }
    return last;
  };
}

interface DbFigures {
  pending: { channel: string; n: number }[];
  retrying: { channel: string; n: number }[];
  dead: { channel: string; n: number }[];
  oldestPendingSeconds: number;
  standbys: { name: string; replayLagSeconds: number; replayLagBytes: number }[] | null;
}

async function readDbFigures(db: Db): Promise<DbFigures> {
  const pending = await db.query<{ channel: string; n: string }>(`select channel, count(*) as n from outbox where status = 'pending' group by channel`);
  const retrying = await db.query<{ channel: string; n: string }>(
    `select channel, count(*) as n from outbox where status = 'pending' and last_error_code is not null group by channel`);
  const dead = await db.query<{ channel: string; n: string }>(`select channel, count(*) as n from outbox where status = 'dead' group by channel`);
  const [oldest] = await db.query<{ s: number | null }>(
    `select extract(epoch from now() - min(created_at))::float8 as s from outbox where status = 'pending'`);
  let standbys: DbFigures['standbys'] = null;
  if (db.kind === 'postgresql') {
    // The primary's view of each streaming standby; a standby answers with no rows (and lag is
    // then measured by the primary's processes). Lag in time is null when the standby is idle and
    // caught up (PostgreSQL clears replay_lag then): 0.
    // A role without pg_monitor sees the rows but not their positions: NaN (unknown), not 0.
    const rows = await db.query<{ name: string; hidden: boolean; lag_s: number | null; lag_bytes: string | null }>(
      `select coalesce(nullif(application_name, ''), client_addr::text, 'standby') as name,
              replay_lsn is null as hidden,
              coalesce(extract(epoch from replay_lag), 0)::float8 as lag_s,
              case when pg_is_in_recovery() then null else pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) end as lag_bytes
       from pg_stat_replication`);
    standbys = rows.map((r) => ({
      name: r.name,
      replayLagSeconds: r.hidden ? NaN : Number(r.lag_s ?? 0),
      replayLagBytes: r.hidden || r.lag_bytes === null ? NaN : Number(r.lag_bytes),
    }));
  }
  const n = (rows: { channel: string; n: string }[]) => rows.map((r) => ({ channel: r.channel, n: Number(r.n) }));
  return { pending: n(pending), retrying: n(retrying), dead: n(dead), oldestPendingSeconds: Number(oldest?.s ?? 0), standbys };
}

/** One series of the request metrics: a method, route pattern and status. */
interface Series { labels: { method: string; route: string; status: string }; count: number; sum: number; buckets: Float64Array }

/**
 * The request counter and duration histogram, counted in plain numbers on each request (a map
 * lookup and a few additions, ~0.1 µs: prom-client's labelled inc + observe cost ~3 µs a request on this loaded machine, on
 * the verification hot path, measured) and rendered in prom-client's shape at scrape time. Registered
 * as two metrics of the registry through the object shape its formatter reads (`get()`).
 */
class RequestStats {
  private readonly series = new Map<string, Series>();

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let s = this.series.get(key);
    if (!s) this.series.set(key, s = { labels: { method, route, status: String(status) }, count: 0, sum: 0, buckets: new Float64Array(BUCKETS.length) });
    s.count += 1;
    s.sum += seconds;
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) { s.buckets[i]! += 1; break; }
  }

  register(registry: Registry): void {
    const counter = {
      name: 'beian_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status', type: 'counter', aggregator: 'sum',
      get: async () => ({ ...counter, values: [...this.series.values()].map((s) => ({ labels: s.labels, value: s.count })) }),
    };
    const histogram = {
      name: 'beian_http_request_duration_seconds', help: 'Time to answer, by method, route pattern and status', type: 'histogram', aggregator: 'sum',
      get: async () => ({
        ...histogram,
        values: [...this.series.values()].flatMap((s) => {
          let cumulative = 0;
          const name = 'beian_http_request_duration_seconds';
          return [
            ...BUCKETS.map((le, i) => { cumulative += s.buckets[i]!; return { metricName: `${name}_bucket`, labels: { le, ...s.labels }, value: cumulative }; }),
            { metricName: `${name}_bucket`, labels: { le: '+Inf', ...s.labels }, value: s.count },
            { metricName: `${name}_sum`, labels: s.labels, value: s.sum },
            { metricName: `${name}_count`, labels: s.labels, value: s.count },
          ];
        }),
      }),
    };
    // The formatter's documented shape (MetricObjectWithValues), not one of its classes.
    registry.registerMetric(counter as unknown as Counter);
    registry.registerMetric(histogram as unknown as Histogram);
  }
}

/** This app's registry: requests (fed by the hook below), cache, outbox, replication. */
export function appMetrics(sources: MetricsSources): { registry: Registry; observe(method: string, route: string, status: number, seconds: number): void } {
  const registry = new Registry();
  const requests = new RequestStats();
  requests.register(registry);

  const cache = sources.identityCache;
  if (cache) {
    new Gauge({ name: 'beian_identity_cache_entries', help: 'Identities held in this process\'s verification cache', registers: [registry], collect() { this.set(cache().size); } });
    new Gauge({ name: 'beian_identity_cache_listening', help: '1 while the cache hears registry changes (0: it is bypassed)', registers: [registry], collect() { this.set(cache().listening ? 1 : 0); } });
    readCounter(registry, 'beian_identity_cache_hits_total', 'Identity lookups answered from memory', () => cache().hits);
    readCounter(registry, 'beian_identity_cache_misses_total', 'Identity lookups that went to the database', () => cache().misses);
    readCounter(registry, 'beian_identity_cache_invalidations_total', 'Registry change notifications heard', () => cache().invalidations);
    readCounter(registry, 'beian_verify_batch_worker_parts_total', 'Parts of large verification batches answered on worker threads (VERIFY_WORKERS) and used', () => cache().sharedParts);
    readCounter(registry, 'beian_verify_batch_worker_rewrites_total', 'Parts of large batches written again on the request\'s thread (the index changed meanwhile, another item shape, or the worker failed)', () => cache().sharedRewritten);
  }

  const figures = databaseFigures(sources.db);
  // Every channel has a series from the first scrape, 0 when empty: an alert on an increase
  // (deploy.md: "beian_outbox_dead … any increase") then sees the first dead message.
  const zeroChannels = (g: Gauge<'channel'>) => { for (const channel of OUTBOX_CHANNELS) g.set({ channel }, 0); };
  new Gauge({
    name: 'beian_outbox_pending', help: 'Messages waiting to be delivered (email, SMS, webhook)', labelNames: ['channel'], registers: [registry],
    async collect() { this.reset(); zeroChannels(this); for (const r of (await figures()).pending) this.set({ channel: r.channel }, r.n); },
  });
  new Gauge({
    name: 'beian_outbox_retrying', help: 'Undelivered messages whose last attempt failed (waiting for the next one)', labelNames: ['channel'], registers: [registry],
    async collect() { this.reset(); zeroChannels(this); for (const r of (await figures()).retrying) this.set({ channel: r.channel }, r.n); },
  });
  new Gauge({
    name: 'beian_outbox_dead', help: 'Messages given up after their last attempt (see /api/admin/deliveries)', labelNames: ['channel'], registers: [registry],
    async collect() { this.reset(); zeroChannels(this); for (const r of (await figures()).dead) this.set({ channel: r.channel }, r.n); },
  });
  new Gauge({
    name: 'beian_outbox_oldest_pending_seconds', help: 'Age of the oldest undelivered message (0: none)', registers: [registry],
    async collect() { this.set((await figures()).oldestPendingSeconds); },
  });
  if (sources.db.kind === 'postgresql') {
    new Gauge({
      name: 'beian_replication_standbys', help: 'Standbys streaming from the primary this process writes to', registers: [registry],
      async collect() { this.set((await figures()).standbys?.length ?? 0); },
    });
    new Gauge({
      name: 'beian_replication_replay_lag_seconds', help: 'Replay lag of each standby as the primary sees it (pg_stat_replication.replay_lag)', labelNames: ['standby'], registers: [registry],
      async collect() { this.reset(); for (const s of (await figures()).standbys ?? []) this.set({ standby: s.name }, s.replayLagSeconds); },
    });
    new Gauge({
      name: 'beian_replication_replay_lag_bytes', help: 'WAL bytes each standby has yet to replay', labelNames: ['standby'], registers: [registry],
      async collect() { this.reset(); for (const s of (await figures()).standbys ?? []) this.set({ standby: s.name }, s.replayLagBytes); },
    });
  }
  const readStandbys = sources.readStandbys;
  if (readStandbys) {
    // The standbys as this process reads them (DATABASE_READ_URL), beside the primary's view above:
    // a standby cut off from the primary is missing from pg_stat_replication but still answers reads.
    let last: { at: number; s: Promise<StandbyStatus[]> } | null = null;
    const look = () => {
      if (!last || Date.now() - last.at >= 1_000) last = { at: Date.now(), s: readStandbys().catch(() => []) };
      return last.s;
    };
    new Gauge({
      name: 'beian_standby_streaming', help: 'Each standby of DATABASE_READ_URL: 1 while its WAL receiver streams from a primary, 0 cut off (or not answering), absent when it is not a standby', labelNames: ['standby'], registers: [registry],
      async collect() { this.reset(); for (const s of await look()) if (!s.notAStandby) this.set({ standby: s.name }, s.streaming ? 1 : 0); },
    });
    new Gauge({
      name: 'beian_standby_not_a_standby', help: 'Each server of DATABASE_READ_URL: 1 when it is not in recovery (a primary): no read goes to it', labelNames: ['standby'], registers: [registry],
      async collect() { this.reset(); for (const s of await look()) this.set({ standby: s.name }, s.notAStandby ? 1 : 0); },
    });
    new Gauge({
      name: 'beian_standby_replay_lag_seconds', help: 'How old each standby\'s answers may be (NaN: unknown)', labelNames: ['standby'], registers: [registry],
      async collect() { this.reset(); for (const s of await look()) this.set({ standby: s.name }, s.replayLagMs === null ? NaN : s.replayLagMs / 1000); },
    });
  }
  return {
    registry,
    observe: (method, route, status, seconds) => requests.observe(method, route, status, seconds),
  };
}

/**
 * Counts every answer (a callback hook: no promise per request) and serves GET /metrics. Call it
 * on the root instance before the routes are registered, so its hook sees them all. `sources` is
 * read on first use (the identity cache is made after this is installed).
 */
export function installMetrics(app: FastifyInstance, sources: () => MetricsSources): void {
  let metrics: ReturnType<typeof appMetrics> | null = null;
  const get = () => (metrics ??= appMetrics(sources()));
  // onSend, not onResponse: Fastify runs an onSend hook on every answer anyway (the app's headers),
  // while a first onResponse hook costs each request ~10 µs of CPU (bench/metrics.ts). The duration
  // is therefore measured up to the answer's being handed to the socket, not to its last byte.
  app.addHook('onSend', (request, reply, payload, done) => {
    // The route's pattern, never its URL (unbounded label values); unmatched paths share one label —
    // including what only the web app's catch-all answered (src/api/web.ts: a page, or a 404).
    const pattern = request.routeOptions.url;
    const route = pattern === undefined || (pattern === '/*' && reply.statusCode === 404) ? 'unmatched' : pattern;
    get().observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done(null, payload);
  });
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!mayReadMetrics(request, sources().metricsToken)) throw new MetricsForbiddenError();
    const merged = Registry.merge([sharedMetrics, get().registry]);
    reply.header('content-type', merged.contentType).header('cache-control', 'no-store');
    return merged.metrics();
  });
}
