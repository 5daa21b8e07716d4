// A local webhook receiver for the tests: answers the queued status codes in turn (then 204) and records
// every request (path, headers, raw body). It listens on 127.0.0.1 (WEBHOOKS_ALLOW_LOOPBACK in the app).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received { path: string | undefined; headers: http.IncomingHttpHeaders; body: string }

export async function startReceiver() {
  const received: Received[] = [];
  const answers: number[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
    req.on('end', () => {
      received.push({ path: req.url, headers: req.headers, body });
      res.statusCode = answers.shift() ?? 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { received, answers, url: (p: string) => `http://127.0.0.1:${port}${p}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}
