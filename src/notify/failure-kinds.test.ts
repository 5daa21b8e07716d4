// The kinds of delivery failure, read from the very text the worker stores: real failures of the real
// webhook sender (a closed port, an endpoint answering 500, a name that does not resolve, an endpoint
// that never answers, TLS spoken to a plain-HTTP server), described as describeError records them.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError } from './errors.ts';
import { readFailure } from './failure-kinds.ts';
import { createWebhookSender } from './webhook.ts';

async function recorded(url: string, timeoutMs = 2_000): Promise<string> {
  const sender = createWebhookSender({ allowLoopback: true, timeoutMs });
  try {
    await sender.send({ url, secret: 's', body: { event: 'webhook.test' } });
  } catch (err) {
    return describeError(err);
  }
  throw new Error(`${url} did not fail`);
}

describe('readFailure', () => {
  let answering: http.Server; let silent: http.Server; let closedPort = 0;
  const port = (s: http.Server) => (s.address() as AddressInfo).port;
  beforeAll(async () => {
    answering = http.createServer((_req, res) => { res.statusCode = 500; res.end(); });
    silent = http.createServer(() => { /* never answers */ });
    await Promise.all([answering, silent].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
    const gone = http.createServer();
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
    closedPort = port(gone);
    await new Promise((r) => gone.close(r));
  });
  afterAll(async () => {
    silent.closeAllConnections();
    await Promise.all([answering, silent].map((s) => new Promise((r) => s.close(r))));
  });

  it('reads a refused connection, an HTTP status, a timeout and TLS from what the sender records', async () => {
    const refused = await recorded(`http://127.0.0.1:${closedPort}/hook`);
    expect(refused).toMatch(/ECONNREFUSED/);
    expect(readFailure(refused)).toEqual({ kind: 'connection_refused', httpStatus: null });

    const answered = await recorded(`http://127.0.0.1:${port(answering)}/hook`);
    expect(readFailure(answered)).toEqual({ kind: 'http_status', httpStatus: 500 });

    const slow = await recorded(`http://127.0.0.1:${port(silent)}/hook`, 300);
    expect(readFailure(slow)).toEqual({ kind: 'timeout', httpStatus: null });

    const tls = await recorded(`https://127.0.0.1:${port(answering)}/hook`);
    expect(readFailure(tls), tls).toEqual({ kind: 'tls', httpStatus: null });
  });

  it('reads a name that does not resolve (.invalid never does, RFC 6761) as DNS', async () => {
    const dns = await recorded('https://no-such-host.invalid/hook');
    expect(readFailure(dns), dns).toEqual({ kind: 'dns', httpStatus: null });
  });

  it('reads a refused private address, the stored status, other senders\' words; leaves the rest alone', () => {
    expect(readFailure('delivery_failed webhook host hooks.example.cn leads to 10.0.0.5, not a public address: not connected')?.kind).toBe('address_refused');
    expect(readFailure('delivery_failed webhook endpoint answered 503', 503)).toEqual({ kind: 'http_status', httpStatus: 503 });
    expect(readFailure(null, 410)).toEqual({ kind: 'http_status', httpStatus: 410 });
    expect(readFailure('http_502 aliyun answered HTTP 502')).toEqual({ kind: 'http_status', httpStatus: 502 });
    expect(readFailure('ESOCKET connect ECONNREFUSED 127.0.0.1:25')?.kind).toBe('connection_refused');
    expect(readFailure('ETIMEDOUT Connection timeout')?.kind).toBe('timeout');
    expect(readFailure('delivery_failed webhook POST failed: ECONNRESET')?.kind).toBe('connection_reset');
    expect(readFailure('delivery_failed webhook POST failed: EHOSTUNREACH')?.kind).toBe('unreachable');
    expect(readFailure('delivery_failed webhook POST failed: CERT_HAS_EXPIRED')?.kind).toBe('tls');
    expect(readFailure('isv.MOBILE_NUMBER_ILLEGAL aliyun refused: 非法手机号')).toBeNull();
    expect(readFailure(null)).toBeNull();
    expect(readFailure(null, 204)).toBeNull();
  });
});
