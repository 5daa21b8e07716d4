// A stand-in SMS gateway for tests (house rule 13: mock only what crosses the network, with a
// local server speaking its protocol). It listens on 127.0.0.1 on a free port, records every
// request the official SDKs send, answers in the gateway's real response shape (or with an HTTP
// error page, or not at all), and recomputes each request's signature from the test secret:
// Alibaba Cloud V3 (ACS3-HMAC-SHA256) and Tencent Cloud TC3-HMAC-SHA256, both from the
// providers' published algorithms rather than the SDKs' code.
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { LOG_REDACT } from '../src/api/app.ts';

export interface GatewayRequest { method: string; url: string; headers: IncomingHttpHeaders; body: string }

/** What the stand-in does with the next request: answer JSON (status 200 unless given), send an HTML error page, or hang. */
export type GatewayAnswer = { status?: number; json: unknown } | { status: number; html: string } | { hang: true };

export interface StandInGateway {
  /** `http://127.0.0.1:<port>`: the endpoint override (ALIYUN_SMS_ENDPOINT / TENCENT_SMS_ENDPOINT). */
  url: string;
  requests: GatewayRequest[];
  /** Answers for the next requests, in order; when empty, `fallback` answers. */
  queue(...answers: GatewayAnswer[]): void;
  close(): Promise<void>;
}

export async function startStandInGateway(fallback: GatewayAnswer): Promise<StandInGateway> {
  const requests: GatewayRequest[] = [];
  const answers: GatewayAnswer[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const a = answers.shift() ?? fallback;
      if ('hang' in a) return;
      if ('html' in a) {
        res.writeHead(a.status, { 'content-type': 'text/html' }).end(a.html);
        return;
      }
      res.writeHead(a.status ?? 200, { 'content-type': 'application/json;charset=utf-8' }).end(JSON.stringify(a.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    queue: (...a) => { answers.push(...a); },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const sha256hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
const header = (h: IncomingHttpHeaders, name: string) => String(h[name] ?? '').trim();

/** RFC 3986 percent-encoding, as the V3 canonical query string requires. */
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Alibaba Cloud V3 signature (https://help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature):
 * canonical request = method, path, sorted encoded query, signed headers `name:value\n`, their names, payload hash;
 * signature = hex HMAC-SHA256(secret, "ACS3-HMAC-SHA256\n" + hex SHA-256(canonical request)).
 * Returns the access key id the request claims when the signature is valid; throws otherwise.
 */
export function verifyAcs3(r: GatewayRequest, secret: string): { accessKeyId: string; signedHeaders: string[] } {
  const m = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/.exec(header(r.headers, 'authorization'));
  if (!m) throw new Error(`not an ACS3-HMAC-SHA256 Authorization header: ${header(r.headers, 'authorization')}`);
  const [, accessKeyId, signed, signature] = m;
  const url = new URL(r.url, 'http://stand-in');
  const query = [...url.searchParams.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join('&');
  const names = signed!.split(';');
  const payloadHash = sha256hex(r.body);
  if (header(r.headers, 'x-acs-content-sha256') !== payloadHash) throw new Error('x-acs-content-sha256 is not the hash of the body');
  const canonical = [r.method, url.pathname, query, names.map((n) => `${n}:${header(r.headers, n)}\n`).join(''), signed, payloadHash].join('\n');
  const expected = hmac(secret, `ACS3-HMAC-SHA256\n${sha256hex(canonical)}`).toString('hex');
  if (expected !== signature) throw new Error('ACS3 signature does not verify with the test secret');
  return { accessKeyId: accessKeyId!, signedHeaders: names };
}

/**
 * Tencent Cloud TC3-HMAC-SHA256 (https://cloud.tencent.com/document/api/382/52072): canonical request of
 * method, path, query, `content-type` and `host` (the host name, no port) and the payload hash; the key
 * is derived HMAC(HMAC(HMAC("TC3" + secret, date), service), "tc3_request"). Returns the claimed
 * secret id and credential scope when the signature is valid; throws otherwise.
 */
export function verifyTc3(r: GatewayRequest, secret: string): { secretId: string; date: string; service: string } {
  const m = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(header(r.headers, 'authorization'));
  if (!m) throw new Error(`not a TC3-HMAC-SHA256 Authorization header: ${header(r.headers, 'authorization')}`);
  const [, secretId, date, service, signed, signature] = m;
  const timestamp = header(r.headers, 'x-tc-timestamp');
  if (new Date(Number(timestamp) * 1000).toISOString().slice(0, 10) !== date) throw new Error('credential date is not the UTC date of X-TC-Timestamp');
  const url = new URL(r.url, 'http://stand-in');
  const value = (n: string) => (n === 'host' ? header(r.headers, 'host').replace(/:\d+$/, '') : header(r.headers, n).toLowerCase());
  const names = signed!.split(';');
  const canonical = [r.method, url.pathname, url.search.slice(1), names.map((n) => `${n}:${value(n)}\n`).join(''), signed, sha256hex(r.body)].join('\n');
  const scope = `${date}/${service}/tc3_request`;
  const toSign = `TC3-HMAC-SHA256\n${timestamp}\n${scope}\n${sha256hex(canonical)}`;
  const key = hmac(hmac(hmac(`TC3${secret}`, date!), service!), 'tc3_request');
  if (hmac(key, toSign).toString('hex') !== signature) throw new Error('TC3 signature does not verify with the test secret');
  return { secretId: secretId!, date: date!, service: service! };
}

/** Alibaba Cloud SendSms answers (HTTP 200 with `Code`). */
export const aliyunAnswer = {
  ok: { json: { Code: 'OK', Message: 'OK', BizId: '900619746936498440^0', RequestId: 'F655A8D5-B967-440B-8683-DAD6FF8DE990' } },
  refusal: (Code: string, Message: string) => ({ json: { Code, Message, RequestId: 'A7E3F6C2-1B2A-4C5D-9E8F-0A1B2C3D4E5F' } }),
} satisfies Record<string, GatewayAnswer | ((...a: string[]) => GatewayAnswer)>;

/** Tencent Cloud SendSms answers (`Response.SendStatusSet[]`, or `Response.Error`). */
export const tencentAnswer = {
  status: (PhoneNumber: string, Code: string, Message: string): GatewayAnswer => ({
    json: { Response: { SendStatusSet: [{ SerialNo: Code === 'Ok' ? '5000:1045710669157053657849499619' : '', PhoneNumber, Fee: Code === 'Ok' ? 1 : 0, SessionContext: '', Code, Message, IsoCode: 'CN' }], RequestId: 'a0aabda6-cf91-4f3e-a81f-9198114a2279' } },
  }),
  error: (Code: string, Message: string): GatewayAnswer => ({ json: { Response: { Error: { Code, Message }, RequestId: 'b1bbcde7-0000-4f3e-a81f-9198114a2279' } } }),
};

/** An outbox row as the gateway tests read it. */
export interface OutboxRow { id: number; status: string; attempts: number; last_error: string | null; last_error_code: string | null; provider: string | null; next_attempt_at: Date }

/** The server's own logger and redaction list (what `beian serve` would write), into `lines`. */
export function capturedServerLog(): { log: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const log = pino({ redact: { paths: LOG_REDACT, censor: '[redacted]' } }, new Writable({ write(c, _e, cb) { lines.push(String(c)); cb(); } }));
  return { log, lines };
}
