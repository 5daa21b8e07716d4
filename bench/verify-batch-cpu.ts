// Server CPU of the 10,000-item verification batch without HTTP (issue 16 item 6): loads the
// identity index from a (read-only) database, then times verifier.verifyItems + the batch's
// JSON.stringify for batches of filed identities (before/after the lean read), then the answer's
// body as objects + JSON.stringify against the bytes verifyItemsJson writes (checked equal), and
// reports the median and the total CPU.
//   npx tsx bench/verify-batch-cpu.ts --database-url postgres://…/beian_bench_1m [--batches 20]
import { benchArgs } from './args.ts';
import { openPostgres } from '../src/db/connection.ts';
import { createVerifier } from '../src/api/verify/verifier.ts';
import { SYSTEM_ACTOR } from '../src/domain/actors.ts';
import { judge, type ParsedItem, parseItem } from '../src/domain/verification.ts';
import { presentIdentityResult, presentInvalid, type VerifyResultView } from '../src/api/verify/presenters.ts';
import type { RawItem } from '../src/api/verify/verifier.ts';
import { scanVerifyBody } from '../src/api/verify/batch-scan.ts';

const { values } = benchArgs(import.meta.url, { options: { 'database-url': { type: 'string' }, batches: { type: 'string', default: '20' }, rounds: { type: 'string', default: '3' } } });
const db = await openPostgres(values['database-url']!);
const batches = Number(values.batches);
const rows = await db.query<{ platform: string; package_name: string; cert_sha256: string }>(
  `select platform, package_name, cert_sha256 from verify_identities where active and service_status = 'filed' and cert_sha256 is not null limit ${batches * 10_000}`);
const items = rows.map((r) => ({ platform: r.platform, packageName: r.package_name, fingerprint: r.cert_sha256 }));
let texts: string[] = [];
const t0 = performance.now();
const verifier = await createVerifier(db, () => new Date());
process.stdout.write(`index loaded: ${verifier.cache.stats().size} identities in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
/** The batch as verifyItems answered it before the lean read: a RegisteredIdentity per item (IdentityIndex.get) and judge. */
function before(items: RawItem[]): VerifyResultView[] {
  const results = new Array<VerifyResultView>(items.length);
  const valid: ParsedItem[] = [];
  const at: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const p = parseItem(items[i]!);
    if (p.ok) { valid.push(p.value); at.push(i); } else results[i] = presentInvalid(items[i]!, p.problem, items[i]!.ref);
  }
  const found = verifier.cache.peek(valid)!;
  for (let j = 0; j < valid.length; j++) {
    const v = valid[j]!;
    results[at[j]!] = presentIdentityResult(v.platform, v.packageName, found[j] ?? null, judge(found[j] ?? null, { [v.algorithm]: v.hex }), items[at[j]!]!.ref);
  }
  return results;
}
for (let r = 0; r < 2 * Number(values.rounds); r++) {
  const round = r >> 1;
  const old = r % 2 === 0;
  const times: number[] = [];
  const results0: string[] = [];
  let bytes = 0;
  let filed = 0;
  const cpu0 = process.cpuUsage();
  for (let b = 0; b < batches; b++) {
    const t = performance.now();
    const batch = items.slice(b * 10_000, (b + 1) * 10_000);
    const results = old ? before(batch) : await verifier.verifyItems(SYSTEM_ACTOR, batch);
    const text = JSON.stringify({ results });
    times.push(performance.now() - t);
    bytes += text.length;
    results0[b] = text;
    for (const r of results) if (r.status === 'filed') filed += 1;
  }
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  if (old) texts = results0; else for (let i = 0; i < texts.length; i++) if (texts[i] !== results0[i]) throw new Error(`batch ${i} differs`);
  process.stdout.write(`round ${round + 1}, ${old ? 'before (get + judge)' : 'after (lean read)  '}: ${batches} batches of 10,000 (${filed} filed, ${(bytes / batches / 1e6).toFixed(2)} MB each): p50 ${times[Math.floor(batches / 2)]!.toFixed(1)} ms, `
    + `min ${times[0]!.toFixed(1)} ms, CPU ${((cpu.user + cpu.system) / 1000 / batches).toFixed(1)} ms per batch\n`);
}
// The batch's answer: results as objects + JSON.stringify + UTF-8 (before) against the bytes
// written straight from the index (verifyItemsJson, what the route sends); the bytes must agree.
for (let r = 0; r < 2 * Number(values.rounds); r++) {
  const old = r % 2 === 0;
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let b = 0; b < batches; b++) {
    const batch = items.slice(b * 10_000, (b + 1) * 10_000);
    const t = performance.now();
    const body = old ? Buffer.from(JSON.stringify({ results: await verifier.verifyItems(SYSTEM_ACTOR, batch) })) : await verifier.verifyItemsJson(SYSTEM_ACTOR, batch);
    times.push(performance.now() - t);
    if (!old && !body.equals(Buffer.from(texts[b]!, 'utf8'))) throw new Error(`batch ${b}: the bytes differ from JSON.stringify's`);
  }
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  process.stdout.write(`round ${(r >> 1) + 1}, answer body, ${old ? 'before (objects + JSON.stringify + UTF-8)' : 'after (bytes from the index)          '}: p50 ${times[Math.floor(batches / 2)]!.toFixed(1)} ms, `
    + `min ${times[0]!.toFixed(1)} ms, CPU ${((cpu.user + cpu.system) / 1000 / batches).toFixed(1)} ms per batch\n`);
}
// The batch from its request body: JSON.parse + verifyItemsJson (before) against the body read in place
// (scanVerifyBody) + verifyScannedJson (after); the answers must agree byte for byte.
for (let r = 0; r < 2 * Number(values.rounds); r++) {
  const old = r % 2 === 0;
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let b = 0; b < batches; b++) {
    const body = Buffer.from(JSON.stringify({ items: items.slice(b * 10_000, (b + 1) * 10_000) }));
    const t = performance.now();
    const answer = old
      ? await verifier.verifyItemsJson(SYSTEM_ACTOR, (JSON.parse(body.toString('utf8')) as { items: RawItem[] }).items)
      : await verifier.verifyScannedJson(SYSTEM_ACTOR, scanVerifyBody(body)!);
    times.push(performance.now() - t);
    if (!old && !answer.equals(Buffer.from(texts[b]!, 'utf8'))) throw new Error(`batch ${b}: the answer read in place differs`);
  }
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  process.stdout.write(`round ${(r >> 1) + 1}, from the request body, ${old ? 'before (JSON.parse + verifyItemsJson)' : 'after (scanned in place)            '}: p50 ${times[Math.floor(batches / 2)]!.toFixed(1)} ms, `
    + `min ${times[0]!.toFixed(1)} ms, CPU ${((cpu.user + cpu.system) / 1000 / batches).toFixed(1)} ms per batch\n`);
}
// A stream's answer, 1,000 lines at a time (POST /api/verify/v1/apps/stream): one JSON.stringify({ line, ...result })
// per line over verifyItems' objects (before) against the bytes verifyLinesJson writes (checked equal).
for (let r = 0; r < 2 * Number(values.rounds); r++) {
  const old = r % 2 === 0;
  const cpu0 = process.cpuUsage();
  const t = performance.now();
  let lines = 0;
  for (let b = 0; b < items.length / 1_000; b++) {
    const batch = items.slice(b * 1_000, (b + 1) * 1_000);
    const numbered = batch.map((item, k) => ({ n: b * 1_000 + k + 1, item }));
    let body: Buffer;
    if (old) {
      const results = await verifier.verifyItems(SYSTEM_ACTOR, batch);
      let out = '';
      for (let k = 0; k < batch.length; k++) out += `${JSON.stringify({ line: numbered[k]!.n, ...results[k] })}\n`;
      body = Buffer.from(out);
    } else body = await verifier.verifyLinesJson(SYSTEM_ACTOR, numbered);
    if (b === 0 && !old) {
      const results = await verifier.verifyItems(SYSTEM_ACTOR, batch);
      if (!body.equals(Buffer.from(results.map((x, k) => `${JSON.stringify({ line: k + 1, ...x })}\n`).join('')))) throw new Error('stream lines: the bytes differ');
    }
    lines += batch.length;
  }
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(`round ${(r >> 1) + 1}, stream answer lines, ${old ? 'before (objects + JSON.stringify a line)' : 'after (verifyLinesJson bytes)          '}: `
    + `${((performance.now() - t) * 1000 / lines).toFixed(2)} µs per line, CPU ${((cpu.user + cpu.system) / lines).toFixed(2)} µs per line\n`);
}
// Single checks (GET / one-item POST): verifyOne against get + judge, 200,000 each, interleaved.
for (let round = 0; round < Number(values.rounds); round++) {
  for (const old of [true, false]) {
    const t = performance.now();
    let filed = 0;
    for (const item of items) {
      let v: VerifyResultView;
      if (old) {
        const p = parseItem(item);
        if (!p.ok) throw new Error('invalid');
        const held = verifier.cache.peek1(p.value) ?? null;
        v = presentIdentityResult(p.value.platform, p.value.packageName, held, judge(held, { [p.value.algorithm]: p.value.hex }));
      } else v = verifier.verifyOne(SYSTEM_ACTOR, item) as VerifyResultView;
      if (v.status === 'filed') filed += 1;
    }
    const us = ((performance.now() - t) * 1000) / items.length;
    process.stdout.write(`round ${round + 1}, single checks, ${old ? 'before (get + judge)' : 'after (lean read)  '}: ${us.toFixed(2)} µs per check (${filed} filed)\n`);
  }
}
await verifier.close();
await db.close();
