// The server under test for bench/verify.ts: the real application over PostgreSQL (identity
// cache, auth, quota counting, watches), plus a bare route returning constant JSON (the
// baseline) and a bare body sink (bench/catalogue.ts) in the same process. Prints "ready <port>".
//   npx tsx bench/verify-server.ts <database-url> <port> <sealer-key-base64>
import { buildApp } from '../src/api/app.ts';
import { RATE_LIMITS } from '../src/api/rate-limit.ts';
import { loadConfig } from '../src/config.ts';
import { openPostgres } from '../src/db/connection.ts';
import { createSealer } from '../src/db/personal-data.ts';

const [url, port, key] = process.argv.slice(2);
if (!url || !port || !key) throw new Error('usage: verify-server.ts <database-url> <port> <sealer-key-base64>');

// One load generator with one key would meet the per-key quota at once; the limiter still counts
// every request (memory store), only the quota is out of reach.
Object.assign(RATE_LIMITS.verify, { anonymousPerMinute: 1e12, keyPerMinute: 1e12 });

// VERIFY_WORKERS from the environment when set (bench/verify.ts --verify-workers); else the default.
const config = loadConfig({
  DATABASE_URL: url, BEIAN_DATA_KEYS: `b1:${key}`, BEIAN_HASH_KEY: key, LOG_LEVEL: 'silent', PORT: port, VERIFY_WORKERS: process.env.VERIFY_WORKERS,
});
const db = await openPostgres(url, { max: 10 });
const sealer = createSealer({ dataKeys: [{ id: 'b1', key: Buffer.from(key, 'base64') }], hashKey: Buffer.from(key, 'base64') });
const app = await buildApp({ db, sealer, now: () => new Date(), config }, { logger: false });
const constant = { results: [{ status: 'filed', platform: 'android', packageName: 'a2dp.Vol', matchedBy: 'md5' }] };
app.get('/bench/bare', async () => constant);
// The same, for a POSTed JSON body (parsed by Fastify, then ignored): the client's and the body
// parser's share of a verification, without the verification.
app.post('/bench/bare', async () => constant);
// A streamed body read to its end and discarded (bench/catalogue.ts's baseline): the transport's
// share of a catalogue upload, without parsing or matching.
app.addContentTypeParser('application/x-bench-lines', (_req, payload, done) => done(null, payload));
app.post('/bench/sink', async (req) => {
  let bytes = 0;
  let lines = 0;
  for await (const chunk of req.body as AsyncIterable<Buffer>) { bytes += chunk.length; for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1; }
  return `${lines.toLocaleString('en')} lines read (${Math.round(bytes / 1048576)} MiB)`;
});
await app.listen({ host: '127.0.0.1', port: Number(port) });
// After start-up (the identity index is loaded by buildApp): what the process holds.
const mem = process.memoryUsage();
const mib = (b: number) => `${Math.round(b / 1048576)} MiB`;
process.stdout.write(`ready ${port} rss ${mib(mem.rss)}, V8 heap used ${mib(mem.heapUsed)}, array buffers ${mib(mem.arrayBuffers)} (the index's typed arrays and arena are most of it)\n`);
const stop = async () => { await app.close(); await db.close(); process.exit(0); };
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
