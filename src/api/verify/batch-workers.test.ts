// A large verification batch answered on two threads (ADR 0022 addendum "a large batch on two
// threads"): the worker threads read the same shared identity index and write their share of the
// items; the answer is byte for byte the one thread's, watches included, and a change that lands
// in the index while a worker reads is never answered from the state before it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, signIn } from '../../../tests/auth.ts';
import { KEY } from '../../../tests/verify.ts';
import type { Actor } from '../../domain/actors.ts';
import { startBatchWorkers, type BatchWorkers } from '../verify-workers.ts';
import answerItems, { type BatchAnswer, type BatchTask } from './batch-worker.ts';
import { scanVerifyBody } from './batch-scan.ts';
import { createVerifier, SPLIT_AT, type Verifier } from './verifier.ts';

const RELYING: Actor = { userId: null, role: 'platform_staff', orgId: null, orgKind: 'distribution_platform', provinceCode: null, requestId: null };

interface Row { platform: string; package_name: string; cert_md5: string | null; cert_sha1: string | null; cert_sha256: string | null; service_id: string }

describe('a large batch on two threads', () => {
  let a: AuthTestApp;
  let rows: Row[];
  const verifiers: Verifier[] = [];
  beforeAll(async () => {
    a = await authTestApp();
    rows = await a.t.db.query<Row>(
      `select platform, package_name, cert_md5, cert_sha1, cert_sha256, service_id from app_platforms order by platform, package_name`);
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    for (const v of verifiers) await v.close();
    await a?.close();
  });
  const verifier = async (options: Parameters<typeof createVerifier>[2]) => {
    const v = await createVerifier(a.t.db, a.clock.now, options);
    verifiers.push(v);
    return v;
  };
  const item = (r: Row, i: number) => ({ platform: r.platform, packageName: r.package_name, fingerprint: r.cert_md5 ?? r.cert_sha1 ?? r.cert_sha256 ?? '', ref: `r${i}` });

  /** Every kind of item, in turn: filed (each fingerprint kind), another certificate, never filed, other shapes, malformed. */
  const mixed = (n: number) => Array.from({ length: n }, (_, i) => {
    const r = rows[i % rows.length]!;
    switch (i % 9) {
      case 0: return item(r, i);
      case 1: return { ...item(r, i), fingerprint: r.cert_sha256 ?? r.cert_sha1 ?? r.cert_md5 ?? '' };
      case 2: return { ...item(r, i), fingerprint: 'ab'.repeat(16) };
      case 3: return { platform: 'android', packageName: `com.never.filed.p${i}`, fingerprint: 'cd'.repeat(20), ref: `r${i}` };
      case 4: return { ...item(r, i), platform: r.platform.toUpperCase() }; // another shape: answered on the request's thread
      case 5: return { ...item(r, i), fingerprint: (r.cert_md5 ?? 'ab'.repeat(16)).toUpperCase().replace(/(..)(?!$)/g, '$1:') };
      case 6: return { platform: 'symbian', packageName: 'x', fingerprint: 'ab'.repeat(16), ref: `r${i}` }; // invalid
      case 7: { const { ref: _ref, ...noRef } = item(r, i); return noRef; }
      default: return { ...item(r, i), ref: `ref with spaces ${i}` };
    }
  });
  /** Items of the common shape only (every one a worker can answer). */
  const plain = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? item(rows[i % rows.length]!, i) : { platform: 'ios', packageName: `com.never.p${i}`, fingerprint: 'ef'.repeat(32), ref: `n${i}` }));
  const answer = async (v: Verifier, items: object[], actor = RELYING) => {
    const batch = scanVerifyBody(Buffer.from(JSON.stringify({ items })));
    expect(batch).not.toBeNull();
    return (await v.verifyScannedJson(actor, batch!)).toString();
  };
  /** Real worker threads, counting the parts they answered. */
  const counted = (count: number) => {
    const real = startBatchWorkers(count);
    const seen = { parts: 0, ok: 0 };
    const w: BatchWorkers = {
      count,
      answer: async (task) => { seen.parts += 1; const r = await real.answer(task); if (r.ok) seen.ok += 1; return r; },
      close: () => real.close(),
    };
    return { w, seen };
  };

  it('answers byte for byte what one thread answers, on one worker or three', async () => {
    const one = await verifier({});
    const items = mixed(SPLIT_AT + 1_234);
    const want = await answer(one, items);
    expect(JSON.parse(want).results).toHaveLength(items.length);
    for (const n of [1, 3]) {
      const { w, seen } = counted(n);
      const split = await verifier({ batchWorkers: w });
      expect(await answer(split, items)).toBe(want);
      // Each worker's range holds items of another shape: it gives them back, this thread writes them.
      expect(seen).toEqual({ parts: n, ok: 0 });
      const common = plain(SPLIT_AT * 2);
      expect(await answer(split, common)).toBe(await answer(one, common));
      expect(seen).toEqual({ parts: 2 * n, ok: n }); // the common shape: the workers' answers are used
      // Below SPLIT_AT items: one thread.
      await answer(split, common.slice(0, SPLIT_AT - 1));
      expect(seen.parts).toBe(2 * n);
    }
  }, SETUP_TIMEOUT);

  it('answers batches sent at once, each in its own shared memory (reused afterwards)', async () => {
    const one = await verifier({});
    const { w, seen } = counted(1);
    const split = await verifier({ batchWorkers: w });
    const batches = [0, 1, 2, 3, 4].map((k) => plain(SPLIT_AT + 500 * k).map((x, i) => ({ ...x, ref: `b${k}-${i}` })));
    const want = await Promise.all(batches.map((b) => answer(one, b)));
    for (let round = 0; round < 2; round++) expect(await Promise.all(batches.map((b) => answer(split, b)))).toEqual(want);
    expect(seen).toEqual({ parts: 10, ok: 10 });
  }, SETUP_TIMEOUT);

  it('writes a part here when its worker fails, and counts it', async () => {
    const failing: BatchWorkers = { count: 2, answer: async () => ({ ok: false }), close: async () => {} };
    const split = await verifier({ batchWorkers: failing });
    const items = plain(SPLIT_AT + 10);
    expect(await answer(split, items)).toBe(await answer(await verifier({}), items));
    expect(split.cache.stats()).toMatchObject({ sharedParts: 0, sharedRewritten: 2 });
  }, SETUP_TIMEOUT);

  it('records the watches of what the workers found as this thread does', async () => {
    // Two organisations with a webhook (watches are recorded only then): one answered on one thread, the other split.
    const provider = await signIn(a.app, 'provider.demo');
    const key = await a.app.inject({ method: 'POST', url: '/api/org/api-keys', headers: provider.headers, payload: { name: '核验' } });
    expect(key.statusCode, key.body).toBe(201);
    for (const authorization of [KEY.authorization, `Bearer ${key.json().secret as string}`]) {
      const hook = await a.app.inject({ method: 'POST', url: '/api/verify/v1/webhooks', headers: { authorization }, payload: { url: 'https://hooks.example.cn/beian' } });
      expect(hook.statusCode, hook.body).toBe(201);
    }
    const orgId = async (name: string) => (await a.t.db.query<{ id: string }>('select id from organisations where name = $1', [name]))[0]!.id;
    const [market, cloud] = [await orgId('示例应用市场'), await orgId('示例云计算有限公司')];
    const { w, seen } = counted(1);
    const split = await verifier({ batchWorkers: w });
    // This thread's share (the first 45 %) holds packages never filed: whatever is watched, a worker found.
    const items = [...plain(SPLIT_AT * 2).filter((_, i) => i % 2 === 0), ...plain(SPLIT_AT * 2).filter((_, i) => i % 2 === 1)];
    await answer(await verifier({}), items, { ...RELYING, orgId: market });
    await answer(split, items, { ...RELYING, orgId: cloud });
    expect(seen.ok).toBe(1);
    const watched = async (org: string) => (await a.t.db.query<{ service_id: string }>(
      'select service_id from verification_watches where organisation_id = $1 order by service_id', [org])).map((r) => r.service_id);
    expect((await watched(market)).length).toBeGreaterThan(0);
    expect(await watched(cloud)).toEqual(await watched(market));
  }, SETUP_TIMEOUT);

  it('never answers from the state before a change that landed while a worker read', async () => {
    // A worker that reads at once (before the change) and hands its answer back only after it.
    let release!: () => void;
    const released = new Promise<void>((r) => { release = r; });
    const read: { task?: BatchTask; answer?: BatchAnswer } = {};
    const slow: BatchWorkers = {
      count: 1,
      answer: async (task) => { read.task = task; read.answer = answerItems(task); await released; return read.answer; },
      close: async () => {},
    };
    const split = await verifier({ batchWorkers: slow });
    const one = await verifier({});
    const ledger = rows.find((r) => r.package_name === 'com.example.ledger' && r.platform === 'android')!;
    // Never filed, then the ledger, in the worker's range: this thread's share is written before the change, as it may be.
    const items = [...plain(SPLIT_AT * 2).filter((_, i) => i % 2 === 0), item(ledger, 99_999)];
    const before = await answer(one, items);
    expect(JSON.parse(before).results.at(-1).status).toBe('filed');

    const versionWhenRead = split.cache.version();
    const pending = answer(split, items);
    await new Promise((r) => setTimeout(r, 50));
    expect(read.answer?.ok).toBe(true); // the worker has read the index: the ledger filed
    const zj = await signIn(a.app, 'zj.reviewer');
    const revoked = await a.app.inject({ method: 'POST', url: `/api/bureau/services/${ledger.service_id}/revoke`, headers: zj.headers, payload: { reason: '超范围经营' } });
    expect(revoked.statusCode, revoked.body).toBe(200);
    const probe = { platform: ledger.platform, packageName: ledger.package_name, fingerprint: item(ledger, 0).fingerprint };
    // Until the re-read has landed in each index (a key heard as changed is answered from the database meanwhile:
    // on PostgreSQL the notification comes first and the re-read a moment later).
    for (const v of [split, one]) {
      for (const t0 = Date.now(); v.cache.stats().pending > 0 || (await v.verifyOne(RELYING, probe)).status !== 'revoked';) {
        if (Date.now() - t0 > 5_000) throw new Error('the revocation never reached the index');
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    expect(split.cache.version()).not.toBe(versionWhenRead);
    release();
    const after = await pending;
    expect(JSON.parse(after).results.at(-1).status).toBe('revoked');
    expect(after).toBe(await answer(one, items)); // the worker's share written again here, from the index as it is now
  }, SETUP_TIMEOUT);
});
