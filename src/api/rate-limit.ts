// Request quotas (issue 5, item 2): per client address for anonymous callers, per API key
// (higher) for organisations, counted in fixed one-minute windows. The counters live in Redis
// when REDIS_URL is set, so every server process shares them (PEERS.md Part B: "coordinate
// limits across replicas"), and in process memory otherwise. Over quota: 429 problem+json
// `rate_limited` with Retry-After; every answer carries RateLimit-Limit / -Remaining / -Reset
// (draft-ietf-httpapi-ratelimit-headers: Reset is seconds until the window ends).
//
// Use: const store = await useRateLimitStore(app, ctx.config);
//      app.get(url, { onRequest: rateLimit(RATE_LIMITS.verify, store) }, handler)
// (onRequest counts every request, malformed ones too; preHandler also works).
import { Redis } from 'ioredis';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Gauge } from 'prom-client';
import { NamedError } from '../domain/errors.ts';
import { sharedMetrics } from './metrics.ts';

export interface RateLimitRule {
  /** Names the counter: rules with different names never share a quota. */
  name: string;
  /** Requests a minute from one client address without an API key (signed-in browsers count here). */
  anonymousPerMinute: number;
  /** Requests a minute for one organisation API key. */
  keyPerMinute: number;
  /** The window, when it is not a minute: the two counts above are then per this window. */
  windowMs?: number;
}

/** The quotas, documented in docs/api-public.md — change them here and there together. */
export const RATE_LIMITS = {
  /** /api/public/v1/*: search and record lookup. */
  public: { name: 'public', anonymousPerMinute: 60, keyPerMinute: 1200 },
  /**
   * /api/public/v1/services/{n}/badge.svg: an image on other sites' pages, fetched by their
   * visitors — many of them behind one carrier-grade NAT address — and unable to retry on a 429
   * (the image just breaks). Its own counter, ten times the anonymous quota.
   */
  badge: { name: 'badge', anonymousPerMinute: 600, keyPerMinute: 1200 },
  /** /api/verify/v1/*: relying parties (a key is required there; a batch counts once). */
  verify: { name: 'verify', anonymousPerMinute: 60, keyPerMinute: 6000 },
  /** POST /api/public/v1/services/{n}/reports: the public's violation reports (issue 14), kept slow. */
  report: { name: 'report', anonymousPerMinute: 3, keyPerMinute: 30 },
  /**
   * POST /api/auth/register: each registration costs argon2 work and makes an account, so one address made
   * dozens (security audit). Per hour, not per minute; counted before the body is read (onRequest).
   */
  register: { name: 'register', anonymousPerMinute: 10, keyPerMinute: 10, windowMs: 3_600_000 },
  /**
   * POST /api/auth/register/code: each call may send an SMS to someone's phone (a counter of its own; the flow also
   * caps the codes per mobile an hour). Per hour, counted before the body is read.
   */
  registerCode: { name: 'register_code', anonymousPerMinute: 10, keyPerMinute: 10, windowMs: 3_600_000 },
  /** POST /api/auth/password-reset and …/confirm: codes to people's phones and mailboxes, kept slow per address. */
  passwordReset: { name: 'password_reset', anonymousPerMinute: 10, keyPerMinute: 10 },
  /**
   * Failed API-key look-ups (an unknown or revoked key), per client address: each costs a database query and is
   * refused before any route's quota counts it, so unlimited guesses were unlimited queries. Over the quota the
   * address is refused without a look-up until its window ends. Live keys never count (src/api/auth/plugin.ts).
   */
  keyLookup: { name: 'api_key_lookup', anonymousPerMinute: 300, keyPerMinute: 300 },
} as const satisfies Record<string, RateLimitRule>;

export const WINDOW_MS = 60_000;

export interface RateLimitHit { count: number; resetInMs: number }

export interface RateLimitStore {
  readonly kind: 'memory' | 'redis';
  /** The outage the hooks saw (redis only): down since when, and how many requests went through uncounted. */
  readonly outage?: Outage;
  /** Counts one request under `key`; the window starts with the key's first request. Memory answers at once. */
  hit(key: string, windowMs: number): RateLimitHit | Promise<RateLimitHit>;
  close(): Promise<void>;
}

const MEMORY_MAX_KEYS = 200_000;

/** One process's counters. `now` is injectable for tests (house rule 8). */
export function memoryRateLimitStore(now: () => number = Date.now): RateLimitStore {
  const windows = new Map<string, { count: number; resetAt: number }>();
  let hits = 0;
  const prune = (t: number) => {
    for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
    // Still too many live windows (a flood of addresses): forget the oldest, which errs towards allowing.
    for (const k of windows.keys()) { if (windows.size <= MEMORY_MAX_KEYS) break; windows.delete(k); }
  };
  return {
    kind: 'memory',
    hit(key, windowMs) {
      const t = now();
      if (++hits % 1000 === 0) prune(t);
      let w = windows.get(key);
      if (!w || w.resetAt <= t) { w = { count: 0, resetAt: t + windowMs }; windows.set(key, w); }
      w.count += 1;
      return { count: w.count, resetInMs: w.resetAt - t };
    },
    async close() { windows.clear(); },
  };
}

// INCR and the expiry in one atomic step; PTTL tells every process when the shared window ends.
const HIT_SCRIPT = `
local c = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if c == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {c, ttl}`;

/** A store's outage as the hooks saw it: reported once when it starts and once, with a count, when it ends. */
export interface Outage { down: boolean; since: number; allowed: number }

/** The shared stores of this process (their outages feed /api/health and beian_rate_limit_store_up). */
const sharedStores = new Set<RateLimitStore>();

/** 'memory' without REDIS_URL; else 'down' while any of this process's Redis stores is in an outage. */
export function rateLimitStoreState(): 'memory' | 'up' | 'down' {
  if (sharedStores.size === 0) return 'memory';
  return [...sharedStores].some((st) => st.outage?.down) ? 'down' : 'up';
}

new Gauge({
  name: 'beian_rate_limit_store_up', help: 'The shared rate-limit store (Redis, REDIS_URL): 1 answering, 0 in an outage (requests then go through uncounted); absent without REDIS_URL',
  registers: [sharedMetrics],
  collect() { this.reset(); const st = rateLimitStoreState(); if (st !== 'memory') this.set(st === 'up' ? 1 : 0); },
});

export class RateLimitStoreUnavailableError extends Error {
  readonly code = 'rate_limit_store_unavailable';
}

/** Counters shared by every process using the same Redis and prefix. Resolves once connected. */
export async function redisRateLimitStore(url: string, options: { prefix?: string; connectTimeoutMs?: number } = {}): Promise<RateLimitStore> {
  const prefix = options.prefix ?? 'beian:rl:';
  const redis = new Redis(url, {
    lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1000,
    connectTimeout: options.connectTimeoutMs ?? 5000,
  });
  redis.on('error', () => {}); // reconnects on its own; a failed hit is reported by the caller
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new RateLimitStoreUnavailableError(`cannot reach Redis at REDIS_URL for rate limits: ${(err as Error).message}`);
  }
  const store: RateLimitStore = {
    kind: 'redis',
    outage: { down: false, since: 0, allowed: 0 },
    async hit(key, windowMs) {
      const [count, ttl] = await redis.eval(HIT_SCRIPT, 1, prefix + key, windowMs) as [number, number];
      return { count, resetInMs: ttl };
    },
    async close() { sharedStores.delete(store); await redis.quit().catch(() => redis.disconnect()); },
  };
  sharedStores.add(store);
  return store;
}

/** Redis when configured, memory otherwise; closed with the app. Create one per plugin. */
export async function useRateLimitStore(app: FastifyInstance, config: { redisUrl: string | null }, options: { prefix?: string } = {}): Promise<RateLimitStore> {
  const store = config.redisUrl ? await redisRateLimitStore(config.redisUrl, options) : memoryRateLimitStore();
  app.addHook('onClose', async () => { await store.close(); });
  return store;
}

export class RateLimitedError extends NamedError {
  constructor(retryAfterSeconds: number, headers: Record<string, string>) {
    super('rate_limited', 'rate_limited', `too many requests; retry after ${retryAfterSeconds} s (quotas: docs/api-public.md; an organisation API key has a higher quota)`,
      [], { ...headers, 'retry-after': String(retryAfterSeconds) });
  }
}

/**
 * The client an address stands for: an IPv4 address itself; for IPv6 its /64, which one
 * subscriber holds whole — scrapers of the official portal rotate through IPv6 addresses
 * (DOMAIN.md §5.1), and a quota per address would give each of them 2^64 quotas.
 */
export function clientOf(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.toLowerCase().split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/**
 * Who a request counts against: its API key, else its client (behind a proxy, configure
 * trustProxy). A request whose client already hung up has no address any more (the socket is
 * gone): it counts as `unknown` — nobody reads its answer.
 */
export function rateLimitSubject(request: Pick<FastifyRequest, 'actor' | 'ip'>): { who: string; keyed: boolean } {
  const keyId = request.actor?.apiKeyId;
  if (keyId) return { who: `key:${keyId}`, keyed: true };
  const ip = request.ip as string | undefined;
  return { who: `ip:${ip ? clientOf(ip) : 'unknown'}`, keyed: false };
}

/**
 * A Fastify onRequest / preHandler hook enforcing `rule` with `store`, in callback style: with
 * the memory store it finishes without a promise (it runs on every verification).
 */
export function rateLimit(rule: RateLimitRule, store: RateLimitStore) {
  const windowMs = rule.windowMs ?? WINDOW_MS;
  // The two headers that depend on the limit only, rendered once per limit.
  const texts = new Map<number, { limit: string; policy: string }>();
  const textsOf = (limit: number) => {
    let t = texts.get(limit);
    if (!t) texts.set(limit, t = { limit: String(limit), policy: `${limit};w=${windowMs / 1000}` });
    return t;
  };
  const judge = (reply: FastifyReply, limit: number, hit: RateLimitHit): Error | undefined => {
    const reset = Math.max(1, Math.ceil(hit.resetInMs / 1000));
    const text = textsOf(limit);
    const headers = {
      'ratelimit-limit': text.limit,
      'ratelimit-remaining': String(Math.max(0, limit - hit.count)),
      'ratelimit-reset': String(reset),
      'ratelimit-policy': text.policy,
    };
    if (hit.count > limit) return new RateLimitedError(reset, headers);
    reply.headers(headers);
    return undefined;
  };
  // Fail open: a Redis outage must not take the public query down with it. Logged once when the
  // outage starts and once when it ends (with how many requests went through uncounted), not per
  // request: every request of an outage wrote a warning with ioredis's whole stack.
  const outage = store.outage;
  const unavailable = (request: FastifyRequest, err: unknown) => {
    if (!outage) { request.log.warn({ rule: rule.name, error: (err as Error)?.message }, 'rate limit store unavailable; request allowed'); return; }
    outage.allowed += 1;
    if (outage.down) return;
    outage.down = true;
    outage.since = Date.now();
    request.log.warn({ rule: rule.name, error: (err as Error)?.message }, 'rate limit store (REDIS_URL) unavailable: requests are allowed uncounted until it answers again');
  };
  const answered = (request: FastifyRequest) => {
    if (!outage?.down) return;
    request.log.warn({ seconds: Math.round((Date.now() - outage.since) / 1000), allowedUncounted: outage.allowed }, 'rate limit store (REDIS_URL) answers again');
    outage.down = false;
    outage.allowed = 0;
  };
  return function rateLimitHook(request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void {
    const { who, keyed } = rateLimitSubject(request);
    const limit = keyed ? rule.keyPerMinute : rule.anonymousPerMinute;
    let hit: RateLimitHit | Promise<RateLimitHit>;
    try {
      hit = store.hit(`${rule.name}:${who}`, windowMs);
    } catch (err) {
      unavailable(request, err);
      done();
      return;
    }
    if (hit instanceof Promise) {
      hit.then((h) => { answered(request); done(judge(reply, limit, h)); }, (err: unknown) => { unavailable(request, err); done(); });
      return;
    }
    done(judge(reply, limit, hit));
  };
}
