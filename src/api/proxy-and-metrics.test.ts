// Behind a proxy (issue 16 §3, §9): TRUST_PROXY decides whose X-Forwarded-For is believed — the
// client address the rate limits count and the logs show — and GET /metrics answers Prometheus text
// to this machine or a METRICS_TOKEN holder only. Real sockets on 127.0.0.1 (not inject), since
// trustProxy judges the socket's peer address.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_TIMEOUT } from '../../tests/auth.ts';
import { type TestDb, testDatabase } from '../../tests/db.ts';
import { loadConfig } from '../config.ts';
import { DEMO_API_KEY, seedDemo } from '../db/seed/demo.ts';
import { buildApp } from './app.ts';
import { DEMO, enc } from './public/test-support.ts';
import { isLoopback, mayReadMetrics } from './metrics.ts';
import { RATE_LIMITS } from './rate-limit.ts';

const now = () => new Date('2026-03-02T02:00:00Z');
const LIMIT = RATE_LIMITS.public.anonymousPerMinute;
const RECORD = `/api/public/v1/services/${enc(DEMO.a2dp)}`;
const TOKEN = 'metrics-token-0123456789abcdef';

let t: TestDb;
const servers: { app: FastifyInstance; base: string; logs: Record<string, unknown>[] }[] = [];

/** An app listening on 127.0.0.1 with the given environment; its log lines parsed. */
async function serve(env: Record<string, string>) {
  const logs: Record<string, unknown>[] = [];
  const app = await buildApp({ db: t.db, sealer: t.sealer, now, config: loadConfig({ LOG_LEVEL: 'info', ...env }) },
    { logStream: { write: (line) => { logs.push(JSON.parse(line) as Record<string, unknown>); } } });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const s = { app, base: address, logs };
  servers.push(s);
  return s;
}

beforeAll(async () => {
  t = await testDatabase();
  await seedDemo(t.db, t.sealer);
}, SETUP_TIMEOUT);
afterAll(async () => {
  for (const s of servers) await s.app.close();
  await t?.close();
});

const get = (base: string, path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });

describe('TRUST_PROXY', () => {
  it('from a trusted proxy (here 127.0.0.1): each X-Forwarded-For client has its own quota, and the log names the client', async () => {
    const s = await serve({ TRUST_PROXY: '127.0.0.1' });
    for (let i = 0; i < LIMIT; i++) expect((await get(s.base, RECORD, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(200);
    expect((await get(s.base, RECORD, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(429);
    // Another client behind the same proxy is not affected; the proxy's own requests neither.
    expect((await get(s.base, RECORD, { 'x-forwarded-for': '198.51.100.2' })).status).toBe(200);
    expect((await get(s.base, RECORD)).status).toBe(200);
    const seen = s.logs.filter((l) => l.msg === 'incoming request').map((l) => (l.req as { remoteAddress: string }).remoteAddress);
    expect(seen).toContain('198.51.100.1');
    expect(seen).toContain('198.51.100.2');
  });

  it('believes only the last hop it trusts: a client prepending its own X-Forwarded-For cannot pick its address', async () => {
    const s = await serve({ TRUST_PROXY: '127.0.0.1' });
    // The proxy appends the real client (198.51.100.7) after whatever the client sent.
    for (let i = 0; i < LIMIT; i++) expect((await get(s.base, RECORD, { 'x-forwarded-for': `203.0.113.${i}, 198.51.100.7` })).status).toBe(200);
    expect((await get(s.base, RECORD, { 'x-forwarded-for': '203.0.113.250, 198.51.100.7' })).status).toBe(429);
  });

  it('unset (trust none), or naming another address: a spoofed X-Forwarded-For is ignored, the socket\'s address counts', async () => {
    for (const env of [{}, { TRUST_PROXY: '10.9.9.9,192.0.2.0/24' }] as Record<string, string>[]) {
      const s = await serve(env);
      for (let i = 0; i < LIMIT; i++) expect((await get(s.base, RECORD, { 'x-forwarded-for': `198.51.100.${i + 1}` })).status).toBe(200);
      const refused = await get(s.base, RECORD, { 'x-forwarded-for': '198.51.100.200' });
      expect(refused.status).toBe(429);
      const seen = new Set(s.logs.filter((l) => l.msg === 'incoming request').map((l) => (l.req as { remoteAddress: string }).remoteAddress));
      expect([...seen]).toEqual(['127.0.0.1']);
    }
  });
});

describe('GET /metrics', () => {
  it('answers Prometheus text with request counts by route pattern and status, the identity cache, the outbox and process figures', async () => {
    const s = await serve({});
    await get(s.base, RECORD);
    await get(s.base, '/api/no/such/thing');
    const check = await fetch(`${s.base}/api/verify/v1/apps?platform=android&packageName=a2dp.Vol&fingerprint=${'00'.repeat(32)}`, { headers: { authorization: `Bearer ${DEMO_API_KEY}` } });
    expect(check.status).toBeLessThan(500);
    const res = await get(s.base, '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^beian_http_requests_total\{method="GET",route="\/api\/public\/v1\/services\/:serviceNumber",status="200"\} 1$/m);
    expect(text).toMatch(/^beian_http_requests_total\{method="GET",route="unmatched",status="404"\} 1$/m);
    expect(text).toMatch(/^beian_http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/api\/public\/v1\/services\/:serviceNumber",status="200"\} 1$/m);
    expect(text).not.toContain('/api/public/v1/services/%'); // URLs never become labels
    expect(text).toMatch(/^beian_identity_cache_entries \d+$/m);
    expect(text).toMatch(/^beian_identity_cache_listening 1$/m);
    expect(text).toMatch(/^beian_identity_cache_misses_total \d+$/m);
    expect(text).toMatch(/^beian_outbox_oldest_pending_seconds [\d.e+-]+$/m);
    expect(text).toMatch(/^beian_process_resident_memory_bytes \d+$/m);
    expect(text).toMatch(/^beian_nodejs_eventloop_lag_seconds /m);
    if (t.db.kind === 'postgresql') expect(text).toMatch(/^beian_replication_standbys \d+$/m);
  });

  it('counts the outbox backlog, the messages being retried and the dead ones by channel', async () => {
    const s = await serve({});
    // Every channel has a series from the first scrape, 0 when empty (an alert on an increase sees the first one).
    await t.db.query(`delete from outbox where status = 'dead' and channel = 'webhook'`);
    const before = await (await get(s.base, '/metrics')).text();
    expect(before).toMatch(/^beian_outbox_dead\{channel="webhook"\} 0$/m);
    await new Promise((done) => setTimeout(done, 1_100)); // the figures are read at most once a second
    await t.db.query(`insert into outbox (channel, payload, status, last_error_code) values ('email', '{}', 'pending', null), ('email', '{}', 'pending', 'timeout'), ('sms', '{}', 'dead', 'refused')`);
    const text = await (await get(s.base, '/metrics')).text();
    expect(Number(/^beian_outbox_pending\{channel="email"\} (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(2);
    expect(Number(/^beian_outbox_retrying\{channel="email"\} (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(/^beian_outbox_dead\{channel="sms"\} (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
  });

  it('refuses a client beyond this machine (through a trusted proxy) with 403 problem+json, unless it brings METRICS_TOKEN', async () => {
    const s = await serve({ TRUST_PROXY: '127.0.0.1', METRICS_TOKEN: TOKEN });
    const far = { 'x-forwarded-for': '198.51.100.9' };
    const refused = await get(s.base, '/metrics', far);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await refused.json()).toMatchObject({ status: 403, code: 'metrics_forbidden' });
    expect((await get(s.base, '/metrics', { ...far, authorization: `Bearer ${TOKEN}x` })).status).toBe(403);
    expect((await get(s.base, '/metrics', { ...far, authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    // The proxy's host itself (no forwarded client) is this machine.
    expect((await get(s.base, '/metrics')).status).toBe(200);
  });

  it('judges addresses: loopback v4, v6 and mapped; a token only when configured', () => {
    expect(['127.0.0.1', '127.3.2.1', '::1', '::ffff:127.0.0.1'].every((ip) => isLoopback(ip))).toBe(true);
    expect(['10.0.0.1', '::ffff:10.0.0.1', '2001:db8::1', '', undefined].some((ip) => isLoopback(ip))).toBe(false);
    expect(mayReadMetrics({ ip: '10.0.0.1', headers: { authorization: `Bearer ${TOKEN}` } }, null)).toBe(false);
    expect(mayReadMetrics({ ip: '10.0.0.1', headers: { authorization: `bearer ${TOKEN}` } }, TOKEN)).toBe(true);
  });
});
