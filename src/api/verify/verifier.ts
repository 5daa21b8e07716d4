// The verification service behind the /api/verify routes: parse each item, look the packages up
// through the in-memory identity index (ADR 0022; the database only for keys changed a moment ago), judge, present, and
// record which filings the organisation checked (for its webhooks). Shared by the batch, stream
// and package-upload endpoints so they answer alike.
import type { Db } from '../../db/connection.ts';
import { type MemoryIdentities, startMemoryIdentities } from '../../db/memory-identities.ts';
import { createReadFence, type ReadSide } from '../../db/replicas.ts';
import { createWatchRecorder, type WatchRecorder } from '../../db/watches.ts';
import type { Actor } from '../../domain/actors.ts';
import { IdentityRead } from '../../db/identity-index.ts';
import { BufferPool, JsonBytes } from './json-bytes.ts';
import { type BatchWorkers, type SplitMemory, SplitMemoryPool, startBatchWorkers } from '../verify-workers.ts';
import { SPAN } from './spans.ts';
import type { BatchAnswer } from './batch-worker.ts';
import type { ScannedBatch } from './batch-scan.ts';
import {
  judge, judgeGist, type Judgement, type ParsedItem, parseItem, type PresentedCertificate, type RegisteredIdentity,
} from '../../domain/verification.ts';
import type { FingerprintAlgorithm } from '../../domain/validation/certificate.ts';
import { presentIdentityResult, presentInvalid, resultJson, type VerifyResultView, writeIdentityResult } from './presenters.ts';
import { HIT, MISS, NOT_HELD, OTHER_SHAPE, writeScannedItem } from './scanned-answer.ts';

export interface RawItem { platform: string; packageName: string; fingerprint: string; ref?: string }

/** A stream's line: an item to verify, or its answer already made (`json`: an object's JSON, without the line number). */
export type StreamLine = { n: number; item: RawItem } | { n: number; json: string };

/** How verifyItemsJson / verifyLinesJson frame each answer: before it, and after it (given where it began). */
interface Framing { before(w: JsonBytes, i: number): void; after(w: JsonBytes, i: number, start: number): void }

const IN_ARRAY: Framing = {
  before: (w, i) => { if (i > 0) w.ascii(','); },
  after: () => {},
};

/** `{"line":n` before an answer, whose own `{` becomes the comma: `{"line":n,"status":…}` — JSON.stringify({ line: n, ...result })'s bytes. */
const asLines = (lines: readonly StreamLine[]): Framing => ({
  before: (w, i) => { w.ascii('{"line":'); w.ascii(String(lines[i]!.n)); },
  after: (w, _i, start) => { w.buf[start] = 0x2c; w.ascii('\n'); },
});

export interface Verifier {
  /** One result per item, in order; malformed items answer `invalid` without stopping the others. */
  verifyItems(actor: Actor, items: readonly RawItem[]): Promise<VerifyResultView[]>;
  /**
   * verifyItems answered as the bytes of its JSON body, `{"results":[…]}` (the batch route's
   * answer): written straight from the identity index when memory holds every key, else
   * JSON.stringify of verifyItems' results — the same bytes either way.
   */
  verifyItemsJson(actor: Actor, items: readonly RawItem[]): Promise<Buffer>;
  /**
   * verifyItemsJson for a batch body read in place (batch-scan.ts): the same bytes, without an
   * object or string per item for the items of canonical shape (ADR 0022 addendum).
   */
  verifyScannedJson(actor: Actor, batch: ScannedBatch): Promise<Buffer>;
  /** verifyScannedJson of a one-item batch, without a promise when memory holds the answer (the common single check by POST). */
  verifyScannedOneJson(actor: Actor, batch: ScannedBatch): Buffer | Promise<Buffer>;
  /**
   * A batch answer of verifyItemsJson / verifyScannedJson has been sent (its response finished):
   * its buffer serves the next answer (BufferPool). Never call it for an answer still in use.
   */
  answerSent(answer: Buffer): void;
  /**
   * A verification stream's answer lines (POST /api/verify/v1/apps/stream) as NDJSON bytes: for each
   * entry, `{"line":n,…}` + a newline — the result of its item, or the answer already written for a
   * line that held no item (`json`, an object's JSON). The same bytes as JSON.stringify({ line: n,
   * ...result }) per line; written from the identity index as verifyItemsJson is.
   */
  verifyLinesJson(actor: Actor, lines: readonly StreamLine[]): Promise<Buffer>;
  /** One item, as verifyItems answers it; without a promise when memory holds the answer and no watch is due. */
  verifyOne(actor: Actor, item: RawItem): VerifyResultView | Promise<VerifyResultView>;
  /**
   * verifyOne's answer as the bytes of its JSON (resultJson's), between `before` and `after` (e.g.
   * `{"results":[` and `]}`): written from the index as the batch is when memory holds the answer.
   */
  verifyOneJson(actor: Actor, item: RawItem, before: string, after: string): Buffer | Promise<Buffer>;
  /** A certificate from an uploaded package, with all its fingerprints. */
  verifyCertificate(actor: Actor, platform: string, packageName: string, cert: PresentedCertificate): Promise<VerifyResultView>;
  /**
   * The registry's facts and judgement for items already parsed: the same cache and judge as
   * verifyItems, without presenting or recording watches (catalogue matching, issue 14).
   */
  judgeParsed(items: readonly ParsedItem[]): Promise<{ identity: RegisteredIdentity | null; judgement: Judgement }[]>;
  /** Records service ids an organisation looked up by number or USCC. */
  watch(actor: Actor, serviceIds: Iterable<string>): Promise<void>;
  /** The organisation's webhooks changed (in this process). */
  webhooksChanged(orgId: string): void;
  /** Every registered identity in memory (ADR 0022), kept current by the registry's notifications. */
  readonly cache: MemoryIdentities;
  close(): Promise<void>;
}

/** `reads`: the identity index re-reads from a standby behind its invalidation fence (ADR 0020); the primary without. */
/** Room for one result's JSON in the common case (JsonBytes grows when it is not enough). */
const ONE_ANSWER_BYTES = 400;

/** A stand-in where a stream's line held no item (never parsed: its answer is already made). */
const NO_ITEM: RawItem = { platform: '', packageName: '', fingerprint: '' };

/** Items from which a batch is split between this thread and the workers (below, one thread answers in a few milliseconds). */
export const SPLIT_AT = 2_000;

/** Room for a worker's answer per item (~300 bytes a filed answer; more spills into the worker's own memory). */
const ANSWER_ROOM = 400;

/**
 * `workers`: threads that answer part of a large batch (VERIFY_WORKERS; 0: none); the identity
 * index is then held in shared memory. `batchWorkers`: those threads given (tests).
 */
export async function createVerifier(
  db: Db, now: () => Date, options: { reads?: ReadSide; workers?: number; batchWorkers?: BatchWorkers } = {},
): Promise<Verifier> {
  const fence = options.reads?.replicated ? createReadFence(options.reads) : undefined;
  // batchWorkers: tests give their own (e.g. one that answers after a change); else a pool of `workers` threads.
  const workers = options.batchWorkers ?? (options.workers ? startBatchWorkers(options.workers) : null);
  const cache = await startMemoryIdentities(db, { ...(fence ? { fence } : {}), shared: workers !== null });
  const watches: WatchRecorder = createWatchRecorder(db, { now });
  const watch = async (actor: Actor, ids: Iterable<string>) => { if (actor.orgId) await watches.record(actor.orgId, ids); };

  /** The batch answers' buffers, reused once sent (answerSent). */
  const answers = new BufferPool();
  /** The shared memory of split batches (their bodies, spans and workers' answers), reused. */
  const splitMemory = new SplitMemoryPool();
  /** The lean read of single checks (used synchronously, then overwritten by the next). */
  const one = new IdentityRead();
  const watchDue = (actor: Actor, identity: RegisteredIdentity | null) => identity !== null && !!actor.orgId && !watches.ignores(actor.orgId);

  /**
   * Each item's result JSON into `w` in order, framed by `frame` (entries of `made` — answers already
   * written — in their places, items left aside): straight from the identity index, without result
   * objects (ADR 0022 addendum). False, with `w` unusable, when memory did not hold every key.
   */
  const writeResults = async (actor: Actor, items: readonly RawItem[], made: Map<number, string>, w: JsonBytes, frame: Framing): Promise<boolean> => {
    const valid: ParsedItem[] = [];
    const at: number[] = [];
    for (let i = 0; i < items.length; i++) {
      if (made.has(i)) continue;
      const p = parseItem(items[i]!);
      if (p.ok) { valid.push(p.value); at.push(i); } else made.set(i, resultJson(presentInvalid(items[i]!, p.problem, items[i]!.ref)));
    }
    let next = 0; // the next item to write
    const text = (i: number, json: string) => { frame.before(w, i); const start = w.pos; w.text(json); frame.after(w, i, start); };
    const madeUpTo = (end: number) => { for (; next < end; next++) text(next, made.get(next)!); };
    const watching = !!actor.orgId && !watches.ignores(actor.orgId);
    const seen = watching ? new Set<string>() : undefined;
    const read = new IdentityRead();
    const lean = cache.readEach(valid, read, (j, hit) => {
      const v = valid[j]!;
      const i = at[j]!;
      madeUpTo(i);
      next = i + 1;
      const judgement = judgeGist(hit ? read : null, v.algorithm);
      if (hit) {
        seen?.add(read.serviceId);
        if (judgement.status !== 'not_filed') cache.readSpans(read);
      }
      frame.before(w, i);
      const start = w.pos;
      writeIdentityResult(w, v.platform, v.packageName, hit ? read : null, judgement, items[i]!.ref);
      frame.after(w, i, start);
    }, watching);
    if (!lean) return false;
    madeUpTo(items.length);
    if (seen?.size) await watch(actor, seen);
    return true;
  };

  /** An identity read (`hit`: found, in `read`) judged and written as its result. */
  const writeRead = (w: JsonBytes, platform: string, packageName: string, algorithm: FingerprintAlgorithm, hit: boolean, read: IdentityRead, ref: string | undefined) => {
    const judgement = judgeGist(hit ? read : null, algorithm);
    if (hit && judgement.status !== 'not_filed') cache.readSpans(read);
    writeIdentityResult(w, platform, packageName, hit ? read : null, judgement, ref);
  };

  const verifier: Verifier = {
    cache,
    watch,
    webhooksChanged: (orgId) => watches.forget(orgId),
    async verifyItems(actor, items) {
      const results = new Array<VerifyResultView>(items.length);
      const valid: ParsedItem[] = [];
      const at: number[] = [];
      for (let i = 0; i < items.length; i++) {
        const p = parseItem(items[i]!);
        if (p.ok) { valid.push(p.value); at.push(i); } else results[i] = presentInvalid(items[i]!, p.problem, items[i]!.ref);
      }
      // Answered from memory without waiting when it holds every key (the common case under load),
      // by the index's lean read: no RegisteredIdentity built, fingerprints compared as bytes.
      const watching = !!actor.orgId && !watches.ignores(actor.orgId);
      const seen = watching ? new Set<string>() : undefined;
      const read = new IdentityRead();
      const lean = cache.readEach(valid, read, (j, hit) => {
        const v = valid[j]!;
        const judgement = judgeGist(hit ? read : null, v.algorithm);
        if (hit) {
          seen?.add(read.serviceId);
          if (judgement.status !== 'not_filed') cache.readFacts(read);
        }
        results[at[j]!] = presentIdentityResult(v.platform, v.packageName, hit ? read : null, judgement, items[at[j]!]!.ref);
      }, watching);
      if (lean) {
        if (seen?.size) await watch(actor, seen);
        return results;
      }
      const found = cache.peek(valid) ?? await cache.get(valid);
      let watched: Promise<void> | undefined;
      if (actor.orgId && !watches.ignores(actor.orgId)) {
        const seen = new Set<string>();
        for (const identity of found) if (identity) seen.add(identity.serviceId);
        // The watches are written while the answers are built; both finish before the reply.
        if (seen.size) watched = watch(actor, seen);
      }
      for (let j = 0; j < valid.length; j++) {
        const v = valid[j]!;
        const identity = found[j] ?? null;
        const presented: PresentedCertificate = { [v.algorithm]: v.hex };
        results[at[j]!] = presentIdentityResult(v.platform, v.packageName, identity, judge(identity, presented), items[at[j]!]!.ref);
      }
      if (watched) await watched;
      return results;
    },
    async verifyItemsJson(actor, items) {
      const w = new JsonBytes(330 * items.length + 64, answers); // ~300 bytes a filed answer: one buffer in the common case
      w.ascii('{"results":[');
      if (!await writeResults(actor, items, new Map(), w, IN_ARRAY)) {
        answers.giveBack(w.buf); // unused
        return Buffer.from(JSON.stringify({ results: await verifier.verifyItems(actor, items) }));
      }
      w.ascii(']}');
      return w.bytes();
    },
    async verifyScannedJson(actor, batch) {
      const w = new JsonBytes(330 * batch.count + 64, answers);
      w.ascii('{"results":[');
      const watching = !!actor.orgId && !watches.ignores(actor.orgId);
      const seen = watching ? new Set<string>() : undefined;
      const read = new IdentityRead();
      /** Items [from, to) into w; false when memory may not answer one of them now. */
      const writeRange = (from: number, to: number): boolean => {
        for (let i = from; i < to; i++) {
          if (i > 0) w.ascii(',');
          let found = writeScannedItem(w, batch.buf, batch.spans, i, read, watching, cache);
          if (found === OTHER_SHAPE) {
            // Another shape (an uppercase platform, a fingerprint with colons, a malformed item): as verifyItemsJson answers it.
            const item = batch.item(i);
            const p = parseItem(item);
            if (!p.ok) { w.text(resultJson(presentInvalid(item, p.problem, item.ref))); continue; }
            const hit = cache.readOne(p.value, read, watching);
            found = hit === undefined ? NOT_HELD : hit ? HIT : MISS;
            if (hit !== undefined) writeRead(w, p.value.platform, p.value.packageName, p.value.algorithm, hit, read, item.ref);
          }
          if (found === NOT_HELD) return false;
          if (found === HIT) seen?.add(read.serviceId);
        }
        return true;
      };
      // A large batch is split (ADR 0022 addendum "a large batch on two threads"): the workers answer
      // the items from `cut` on, from the same shared index, while this thread writes those before.
      const shared = workers && batch.count >= SPLIT_AT ? cache.sharedRead() : null;
      const n = shared ? workers!.count : 0;
      // This thread's share: it also reads the body and sends the answer (weights 0.9 here, 1.1 a worker).
      const cut = shared ? Math.round(batch.count * (0.9 / (0.9 + 1.1 * n))) : batch.count;
      const parts: { from: number; to: number; out: Buffer; answer: Promise<BatchAnswer> }[] = [];
      let memory: SplitMemory | null = null;
      if (shared) {
        const ranges = Array.from({ length: n }, (_, k) => [
          cut + Math.round(((batch.count - cut) * k) / n), cut + Math.round(((batch.count - cut) * (k + 1)) / n),
        ] as const).filter(([from, to]) => to > from);
        memory = splitMemory.take(batch.buf.length, batch.count * SPAN, ranges.map(([from, to]) => ANSWER_ROOM * (to - from)));
        batch.buf.copy(memory.body);
        memory.spans.set(batch.spans.subarray(0, batch.count * SPAN));
        const buf = memory.body.subarray(0, batch.buf.length);
        ranges.forEach(([from, to], k) => {
          const out = memory!.outs[k]!;
          parts.push({ from, to, out, answer: workers!.answer({ layout: shared.layout, buf, spans: memory!.spans, from, to, out, serviceIds: watching }) });
        });
      }
      let held = writeRange(0, cut);
      for (const part of parts) {
        const r = await part.answer; // each part is awaited (even after a failure here): its memory is then free again
        if (!held) continue;
        // Used only when the index did not change while the worker read it; else written here.
        const used = r.ok && cache.version() === shared!.version;
        cache.countShared(part.to - part.from, used);
        if (r.ok && used) {
          w.ascii(',').json(r.json ?? part.out.subarray(0, r.length));
          for (const id of r.serviceIds) seen?.add(id);
        } else held = writeRange(part.from, part.to);
      }
      if (memory) splitMemory.giveBack(memory);
      if (!held) { answers.giveBack(w.buf); return verifier.verifyItemsJson(actor, batch.items()); } // memory may not answer now
      w.ascii(']}');
      if (seen?.size) await watch(actor, seen);
      return w.bytes();
    },
    verifyScannedOneJson(actor, batch) {
      const watching = !!actor.orgId && !watches.ignores(actor.orgId);
      const w = new JsonBytes(ONE_ANSWER_BYTES);
      w.ascii('{"results":[');
      const found = writeScannedItem(w, batch.buf, batch.spans, 0, one, watching, cache);
      if (found === OTHER_SHAPE || found === NOT_HELD) return verifier.verifyOneJson(actor, batch.item(0), '{"results":[', ']}');
      w.ascii(']}');
      const answer = w.bytes();
      return found === HIT && watching && !watches.settled(actor.orgId!, one.serviceId) ? watch(actor, [one.serviceId]).then(() => answer) : answer;
    },
    answerSent: (answer) => answers.giveBack(answer),
    async verifyLinesJson(actor, lines) {
      const items: RawItem[] = [];
      const made = new Map<number, string>();
      for (let i = 0; i < lines.length; i++) {
        const l = lines[i]!;
        if ('json' in l) made.set(i, l.json);
        items.push('item' in l ? l.item : NO_ITEM);
      }
      const w = new JsonBytes(350 * lines.length + 64);
      if (await writeResults(actor, items, made, w, asLines(lines))) return w.bytes();
      // Memory did not hold every key: the results as objects (verifyItems), one JSON.stringify a line.
      const results = await verifier.verifyItems(actor, items.filter((_, i) => !made.has(i)));
      let k = 0;
      return Buffer.from(lines.map((l, i) => `${made.has(i) ? `{"line":${l.n},${made.get(i)!.slice(1)}` : JSON.stringify({ line: l.n, ...results[k++] })}\n`).join(''));
    },
    async judgeParsed(items) {
      const found = cache.peek(items) ?? await cache.get(items);
      return items.map((v, j) => ({ identity: found[j] ?? null, judgement: judge(found[j] ?? null, { [v.algorithm]: v.hex }) }));
    },
    verifyOne(actor, item) {
      const p = parseItem(item);
      if (!p.ok) return presentInvalid(item, p.problem, item.ref);
      const v = p.value;
      // The lean read first (as a batch): no RegisteredIdentity, no closures made per call — this
      // runs on every single check. The answer is built before any await (`one` is reused).
      const watching = !!actor.orgId && !watches.ignores(actor.orgId);
      const hit = cache.readOne(v, one, watching);
      if (hit !== undefined) {
        const judgement = judgeGist(hit ? one : null, v.algorithm);
        if (hit && judgement.status !== 'not_filed') cache.readFacts(one);
        const view = presentIdentityResult(v.platform, v.packageName, hit ? one : null, judgement, item.ref);
        return hit && watching && !watches.settled(actor.orgId!, one.serviceId) ? watch(actor, [one.serviceId]).then(() => view) : view;
      }
      const held = cache.peek1(v);
      if (held !== undefined && !watchDue(actor, held)) return answerOne(v, held, item.ref);
      return (async () => {
        const identity = held !== undefined ? held : (await cache.get([v]))[0] ?? null;
        if (watchDue(actor, identity)) await watch(actor, [identity!.serviceId]);
        return answerOne(v, identity, item.ref);
      })();
    },
    verifyOneJson(actor, item, before, after) {
      const p = parseItem(item);
      const v = p.ok ? p.value : null;
      const watching = v !== null && !!actor.orgId && !watches.ignores(actor.orgId);
      const hit = v === null ? undefined : cache.readOne(v, one, watching);
      if (v === null || hit === undefined) {
        const text = (view: VerifyResultView) => Buffer.from(`${before}${resultJson(view)}${after}`);
        const view = verifier.verifyOne(actor, item);
        return view instanceof Promise ? view.then(text) : text(view);
      }
      const w = new JsonBytes(before.length + after.length + ONE_ANSWER_BYTES);
      w.ascii(before);
      writeRead(w, v.platform, v.packageName, v.algorithm, hit, one, item.ref);
      w.ascii(after);
      const answer = w.bytes();
      return hit && watching && !watches.settled(actor.orgId!, one.serviceId) ? watch(actor, [one.serviceId]).then(() => answer) : answer;
    },
    async verifyCertificate(actor, platform, packageName, cert) {
      const identity: RegisteredIdentity | null = (await cache.get([{ platform, packageName }]))[0] ?? null;
      if (identity) await watch(actor, [identity.serviceId]);
      return presentIdentityResult(platform, packageName, identity, judge(identity, cert));
    },
    close: async () => { await workers?.close(); await cache.close(); },
  };
  return verifier;
}

function answerOne(v: ParsedItem, identity: RegisteredIdentity | null, ref: string | undefined): VerifyResultView {
  const presented: PresentedCertificate = {};
  presented[v.algorithm] = v.hex;
  return presentIdentityResult(v.platform, v.packageName, identity, judge(identity, presented), ref);
}
