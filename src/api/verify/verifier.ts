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
import { JsonBytes } from './json-bytes.ts';
import { judge, judgeGist, type Judgement, type ParsedItem, parseItem, type PresentedCertificate, type RegisteredIdentity } from '../../domain/verification.ts';
import { presentIdentityResult, presentInvalid, resultJson, type VerifyResultView, writeIdentityResult } from './presenters.ts';

export interface RawItem { platform: string; packageName: string; fingerprint: string; ref?: string }

export interface Verifier {
  /** One result per item, in order; malformed items answer `invalid` without stopping the others. */
  verifyItems(actor: Actor, items: readonly RawItem[]): Promise<VerifyResultView[]>;
  /**
   * verifyItems answered as the bytes of its JSON body, `{"results":[…]}` (the batch route's
   * answer): written straight from the identity index when memory holds every key, else
   * JSON.stringify of verifyItems' results — the same bytes either way.
   */
  verifyItemsJson(actor: Actor, items: readonly RawItem[]): Promise<Buffer>;
  /** One item, as verifyItems answers it; without a promise when memory holds the answer and no watch is due. */
  verifyOne(actor: Actor, item: RawItem): VerifyResultView | Promise<VerifyResultView>;
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
export async function createVerifier(db: Db, now: () => Date, options: { reads?: ReadSide } = {}): Promise<Verifier> {
  const fence = options.reads?.replicated ? createReadFence(options.reads) : undefined;
  const cache = await startMemoryIdentities(db, fence ? { fence } : {});
  const watches: WatchRecorder = createWatchRecorder(db, { now });
  const watch = async (actor: Actor, ids: Iterable<string>) => { if (actor.orgId) await watches.record(actor.orgId, ids); };

  /** The lean read of single checks (used synchronously, then overwritten by the next). */
  const one = new IdentityRead();
  const watchDue = (actor: Actor, identity: RegisteredIdentity | null) => identity !== null && !!actor.orgId && !watches.ignores(actor.orgId);

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
      const valid: ParsedItem[] = [];
      const at: number[] = [];
      const invalid = new Map<number, string>();
      for (let i = 0; i < items.length; i++) {
        const p = parseItem(items[i]!);
        if (p.ok) { valid.push(p.value); at.push(i); } else invalid.set(i, resultJson(presentInvalid(items[i]!, p.problem, items[i]!.ref)));
      }
      const w = new JsonBytes(330 * items.length + 64); // ~300 bytes a filed answer: one allocation in the common case
      w.ascii('{"results":[');
      let next = 0; // the next item to write
      const invalidUpTo = (end: number) => {
        for (; next < end; next++) { if (next > 0) w.ascii(','); w.text(invalid.get(next)!); }
      };
      const watching = !!actor.orgId && !watches.ignores(actor.orgId);
      const seen = watching ? new Set<string>() : undefined;
      const read = new IdentityRead();
      const lean = cache.readEach(valid, read, (j, hit) => {
        const v = valid[j]!;
        const i = at[j]!;
        invalidUpTo(i);
        if (i > 0) w.ascii(',');
        next = i + 1;
        const judgement = judgeGist(hit ? read : null, v.algorithm);
        if (hit) {
          seen?.add(read.serviceId);
          if (judgement.status !== 'not_filed') cache.readSpans(read);
        }
        writeIdentityResult(w, v.platform, v.packageName, hit ? read : null, judgement, items[i]!.ref);
      }, watching);
      if (!lean) return Buffer.from(JSON.stringify({ results: await verifier.verifyItems(actor, items) }));
      invalidUpTo(items.length);
      w.ascii(']}');
      if (seen?.size) await watch(actor, seen);
      return w.bytes();
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
        return hit && watching ? watch(actor, [one.serviceId]).then(() => view) : view;
      }
      const held = cache.peek1(v);
      if (held !== undefined && !watchDue(actor, held)) return answerOne(v, held, item.ref);
      return (async () => {
        const identity = held !== undefined ? held : (await cache.get([v]))[0] ?? null;
        if (watchDue(actor, identity)) await watch(actor, [identity!.serviceId]);
        return answerOne(v, identity, item.ref);
      })();
    },
    async verifyCertificate(actor, platform, packageName, cert) {
      const identity: RegisteredIdentity | null = (await cache.get([{ platform, packageName }]))[0] ?? null;
      if (identity) await watch(actor, [identity.serviceId]);
      return presentIdentityResult(platform, packageName, identity, judge(identity, cert));
    },
    close: () => cache.close(),
  };
  return verifier;
}

function answerOne(v: ParsedItem, identity: RegisteredIdentity | null, ref: string | undefined): VerifyResultView {
  const presented: PresentedCertificate = {};
  presented[v.algorithm] = v.hex;
  return presentIdentityResult(v.platform, v.packageName, identity, judge(identity, presented), ref);
}
