// The server for bench/metrics.ts: a bare Fastify route returning constant JSON, with or without
// the request metrics of src/api/metrics.ts (the onSend hook every route of the app has).
//   npx tsx bench/metrics-server.ts <port> with|hook|without      prints "ready <port>"
// (hook: an empty onSend hook, to tell Fastify's cost of running one from the metrics' own)
import Fastify from 'fastify';
import { installMetrics } from '../src/api/metrics.ts';
import type { Db } from '../src/db/connection.ts';

const [port, mode] = process.argv.slice(2);
if (!port || !['with', 'hook', 'without'].includes(mode ?? '')) throw new Error('usage: metrics-server.ts <port> with|hook|without');
const app = Fastify({ logger: false });
// Nobody scrapes during the run: a database the metrics would read from is never asked.
const notScraped = () => Promise.reject(new Error('not scraped in this benchmark'));
const unused: Db = { kind: 'pglite', query: notScraped, exec: notScraped, transaction: notScraped, listen: notScraped, close: async () => {} };
if (mode === 'with') installMetrics(app, () => ({ db: unused, metricsToken: null }));
if (mode === 'hook') app.addHook('onSend', (_request, _reply, payload, done) => { done(null, payload); });
const constant = { results: [{ status: 'filed', platform: 'android', packageName: 'a2dp.Vol', matchedBy: 'md5' }] };
app.get('/bench/bare/:id', async () => constant);
await app.listen({ host: '127.0.0.1', port: Number(port) });
process.stdout.write(`ready ${port}\n`);
process.once('SIGTERM', () => { void app.close().then(() => process.exit(0)); });
