// Rate limits (issue 5, item 2): the memory store alone; the public API's quotas per address
// and per API key with 429 + Retry-After; and two server instances sharing one Redis, which is
// what several processes do (redis-server on 127.0.0.1:6379, as on the project's machines).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT } from '../../tests/auth.ts';
import { loadConfig } from '../config.ts';
import { DEMO_API_KEY } from '../db/seed/demo.ts';
import { buildApp } from './app.ts';
import { DEMO, enc, nextAddress, publicGet } from './public/test-support.ts';
import { freePort } from '../../tests/server-process.ts';
import { sharedMetrics } from './metrics.ts';
import { clientOf, memoryRateLimitStore, RATE_LIMITS, rateLimit, rateLimitStoreState, rateLimitSubject, redisRateLimitStore } from './rate-limit.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const REDIS_HINT = `Redis must run on 127.0.0.1:6379 for these tests (start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no)`;
const PUBLIC = RATE_LIMITS.public;

describe('memory rate-limit store', () => {
  it('counts per key within a window, and starts again when the window ends', async () => {
    let t = 1_000_000;
    const store = memoryRateLimitStore(() => t);
    expect(await store.hit('a', 60_000)).toEqual({ count: 1, resetInMs: 60_000 });
    t += 59_000;
    expect(await store.hit('a', 60_000)).toEqual({ count: 2, resetInMs: 1_000 });
    expect(await store.hit('b', 60_000)).toEqual({ count: 1, resetInMs: 60_000 });
    t += 1_000;
    expect(await store.hit('a', 60_000)).toEqual({ count: 1, resetInMs: 60_000 });
  });

  it('forgets ended windows (memory stays bounded under many addresses)', async () => {
    let t = 0;
    const store = memoryRateLimitStore(() => t);
    for (let i = 0; i < 999; i++) await store.hit(`ip:${i}`, 1000);
    t = 5000;
    await store.hit('last', 1000); // the 1000th hit prunes
    t = 5001;
    expect(await store.hit('ip:1', 1000)).toEqual({ count: 1, resetInMs: 1000 });
  });

  it('keeps at most 200,000 live windows under a flood of addresses, forgetting the oldest', async () => {
    const store = memoryRateLimitStore(() => 0);
    await store.hit('first', 60_000);
    for (let i = 1; i < 201_000; i++) await store.hit(`ip:${i}`, 60_000); // the 201,000th hit prunes
    expect((await store.hit('first', 60_000)).count).toBe(1);
    expect((await store.hit('ip:200999', 60_000)).count).toBe(2);
  });
});

describe('clients of addresses', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::99', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('%s counts as %s (IPv6: one /64, which one subscriber holds)', (ip, client) => {
    expect(clientOf(ip)).toBe(client);
  });

  it('counts a request whose client hung up (no address left) as unknown, and a keyed one by its key', () => {
    expect(rateLimitSubject({ actor: null, ip: undefined as unknown as string })).toEqual({ who: 'ip:unknown', keyed: false });
    expect(rateLimitSubject({ actor: null, ip: '::ffff:203.0.113.7' })).toEqual({ who: 'ip:203.0.113.7', keyed: false });
    expect(rateLimitSubject({ actor: { apiKeyId: 'k1' } as never, ip: undefined as unknown as string })).toEqual({ who: 'key:k1', keyed: true });
  });
});

describe('public API quotas (memory store)', () => {
  let a: AuthTestApp;
  beforeAll(async () => { a = await authTestApp(); }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it(`allows ${PUBLIC.anonymousPerMinute} requests a minute per address, then 429 rate_limited with Retry-After`, async () => {
    const ip = nextAddress();
    const url = `/api/public/v1/services/${enc(DEMO.a2dp)}`;
    for (let i = 1; i <= PUBLIC.anonymousPerMinute; i++) {
      const res = await publicGet(a.app, url, {}, ip);
      expect(res.statusCode).toBe(200);
      expect(res.headers['ratelimit-limit']).toBe(String(PUBLIC.anonymousPerMinute));
      expect(res.headers['ratelimit-remaining']).toBe(String(PUBLIC.anonymousPerMinute - i));
      expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThan(0);
    }
    const refused = await publicGet(a.app, url, {}, ip);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(refused.headers['access-control-allow-origin']).toBe('*');
    // Searches count against the same quota; another address is not affected.
    expect((await publicGet(a.app, '/api/public/v1/services?q=A2DP', {}, ip)).statusCode).toBe(429);
    expect((await publicGet(a.app, url)).statusCode).toBe(200);
  });

  it('counts the addresses of one IPv6 /64 as one client', async () => {
    const url = `/api/public/v1/services/${enc(DEMO.a2dp)}`;
    for (let i = 1; i <= PUBLIC.anonymousPerMinute; i++) {
      expect((await publicGet(a.app, url, {}, `2001:db8:77:1::${i.toString(16)}`)).statusCode).toBe(200);
    }
    expect((await publicGet(a.app, url, {}, '2001:db8:77:1:ffff::1')).statusCode).toBe(429);
    expect((await publicGet(a.app, url, {}, '2001:db8:77:2::1')).statusCode).toBe(200);
  });

  it('an unknown API key is a readable 401 (CORS, quota headers) and look-ups of keys are counted per address', async () => {
    const ip = nextAddress();
    const LOOKUP = RATE_LIMITS.keyLookup;
    const url = '/api/public/v1/services?q=A2DP';
    expect((await publicGet(a.app, url, { authorization: `Bearer ${DEMO_API_KEY}` })).statusCode).toBe(200); // now held by this process
    for (let i = 1; i <= LOOKUP.anonymousPerMinute; i++) {
      const res = await publicGet(a.app, url, { authorization: `Bearer bk_guess${i}` }, ip);
      expect(res.statusCode).toBe(401);
      if (i === 1) {
        expect(res.json()).toMatchObject({ code: 'api_key_invalid' });
        expect(res.headers['access-control-allow-origin']).toBe('*');
        expect(res.headers['ratelimit-limit']).toBe(String(LOOKUP.anonymousPerMinute));
      }
    }
    // Guessing on is refused before any look-up; the address's own anonymous quota and other addresses are untouched.
    const refused = await publicGet(a.app, url, { authorization: 'Bearer bk_guess_more' }, ip);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'rate_limited' });
    expect(refused.headers['access-control-allow-origin']).toBe('*');
    expect((await publicGet(a.app, url, {}, ip)).statusCode).toBe(200);
    expect((await publicGet(a.app, url, { authorization: 'Bearer bk_guess_more' })).statusCode).toBe(401);
    // A live key this process holds costs no look-up: it is served from the blocked address too.
    expect((await publicGet(a.app, url, { authorization: `Bearer ${DEMO_API_KEY}` }, ip)).statusCode).toBe(200);
    // Live keys looked up again and again (a process's key cache is emptied by any credential change, e.g. every
    // signed-in write) never count: tests/cluster/smoke.test.ts reads with a key under such writes.
  });

  it('gives an organisation API key its own, higher quota', async () => {
    const res = await publicGet(a.app, `/api/public/v1/services?q=A2DP`, { authorization: `Bearer ${DEMO_API_KEY}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['ratelimit-limit']).toBe(String(PUBLIC.keyPerMinute));
    expect(PUBLIC.keyPerMinute).toBeGreaterThan(PUBLIC.anonymousPerMinute);
  });
});

describe('rate limits shared through Redis', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    redis.on('error', () => {});
    await redis.connect().catch((err: Error) => { throw new Error(`${REDIS_HINT}: ${err.message}`); });
  });
  afterAll(async () => { await redis?.quit(); });

  it('two stores (two processes) with one prefix share one count and one window', async () => {
    const prefix = `beian:test:${randomBytes(6).toString('hex')}:`;
    const one = await redisRateLimitStore(REDIS_URL, { prefix });
    const two = await redisRateLimitStore(REDIS_URL, { prefix });
    try {
      expect((await one.hit('public:ip:1', 60_000)).count).toBe(1);
      expect((await two.hit('public:ip:1', 60_000)).count).toBe(2);
      const third = await one.hit('public:ip:1', 60_000);
      expect(third.count).toBe(3);
      expect(third.resetInMs).toBeGreaterThan(55_000);
      expect(third.resetInMs).toBeLessThanOrEqual(60_000);
      expect((await two.hit('public:ip:2', 60_000)).count).toBe(1);
      expect(await redis.pttl(`${prefix}public:ip:1`)).toBeGreaterThan(0);
    } finally {
      await one.close();
      await two.close();
      await redis.del(`${prefix}public:ip:1`, `${prefix}public:ip:2`);
    }
  });

  it('refuses to start when REDIS_URL points nowhere, naming it', async () => {
    await expect(redisRateLimitStore('redis://127.0.0.1:1', { connectTimeoutMs: 500 })).rejects.toThrow(/REDIS_URL/);
  });

  describe('two server instances with REDIS_URL', () => {
    let a: AuthTestApp;
    let first: Awaited<ReturnType<typeof buildApp>>;
    let second: Awaited<ReturnType<typeof buildApp>>;
    beforeAll(async () => {
      a = await authTestApp();
      await a.app.close(); // the database stays; two instances over it, as two processes would be
      const config = loadConfig({ LOG_LEVEL: 'silent', REDIS_URL });
      first = await buildApp({ db: a.t.db, sealer: a.t.sealer, now: a.clock.now, config });
      second = await buildApp({ db: a.t.db, sealer: a.t.sealer, now: a.clock.now, config });
    }, SETUP_TIMEOUT);
    afterAll(async () => { await first?.close(); await second?.close(); await a?.t.close(); });

    it('hold one quota for an address across both instances', async () => {
      // A random address keeps this run's counter apart from any other run's (the key prefix is the default one).
      const ip = `10.250.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
      const key = `beian:rl:public:ip:${ip}`;
      await redis.del(key);
      const url = `/api/public/v1/services/${enc(DEMO.a2dp)}`;
      try {
        for (let i = 1; i <= PUBLIC.anonymousPerMinute; i++) {
          const res = await publicGet(i % 2 ? first : second, url, {}, ip);
          expect(res.statusCode).toBe(200);
          expect(res.headers['ratelimit-remaining']).toBe(String(PUBLIC.anonymousPerMinute - i));
        }
        for (const app of [first, second]) {
          const refused = await publicGet(app, url, {}, ip);
          expect(refused.statusCode).toBe(429);
          expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
        }
        expect(Number(await redis.get(key))).toBe(PUBLIC.anonymousPerMinute + 2);
      } finally {
        await redis.del(key);
      }
    });
  });
});

// Defect: during a Redis outage every request logged a warning with ioredis's whole stack, and
// nothing but the logs said the counters were gone.
describe('a Redis outage', () => {
  it('is logged once when it starts and once when it ends, and shows in beian_rate_limit_store_up', async () => {
    const port = await freePort();
    const start = () => spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    let server = start();
    const answers = () => new Promise<boolean>((done) => { const c = connect(port, '127.0.0.1'); c.once('connect', () => { c.destroy(); done(true); }); c.once('error', () => done(false)); });
    const up = async () => { for (let i = 0; i < 100 && !(await answers()); i++) await new Promise((r) => setTimeout(r, 50)); };
    await up();
    const store = await redisRateLimitStore(`redis://127.0.0.1:${port}`, { prefix: `test:${Date.now()}:` });
    const lines: { level: number; msg: string }[] = [];
    const app = Fastify({ logger: { level: 'info', stream: { write: (l: string) => { lines.push(JSON.parse(l)); } } } });
    app.get('/x', { onRequest: rateLimit(RATE_LIMITS.public, store) }, async () => ({ ok: true }));
    await app.ready();
    const gauge = async () => /^beian_rate_limit_store_up (\d)$/m.exec(await sharedMetrics.metrics())?.[1];
    try {
      expect((await app.inject({ url: '/x' })).statusCode).toBe(200);
      expect(rateLimitStoreState()).toBe('up');
      expect(await gauge()).toBe('1');
      server.kill('SIGKILL');
      await new Promise((r) => server.once('exit', r));
      for (let i = 0; i < 5; i++) expect((await app.inject({ url: '/x' })).statusCode).toBe(200); // fail open
      const warned = () => lines.filter((l) => l.level === 40).map((l) => l.msg);
      expect(warned()).toEqual(['rate limit store (REDIS_URL) unavailable: requests are allowed uncounted until it answers again']);
      expect(rateLimitStoreState()).toBe('down');
      expect(await gauge()).toBe('0');
      server = start();
      await up();
      let back = false;
      for (let i = 0; i < 100 && !back; i++) {
        await app.inject({ url: '/x' });
        back = rateLimitStoreState() === 'up';
        if (!back) await new Promise((r) => setTimeout(r, 100));
      }
      expect(back).toBe(true);
      expect(warned()).toHaveLength(2);
      expect(lines.find((l) => l.msg === 'rate limit store (REDIS_URL) answers again')).toMatchObject({ allowedUncounted: expect.any(Number) });
      expect(JSON.stringify(lines)).not.toContain('    at '); // no stacks
    } finally {
      await app.close();
      await store.close();
      server.kill('SIGKILL');
    }
  }, 30_000);
});
