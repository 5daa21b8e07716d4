#!/usr/bin/env node
// A relying party's check of beian's transparency log, from the public endpoints only (plain
// Node ≥ 18, no dependency, nothing of beian imported): RFC 9162 §2.1.3.2 inclusion and
// §2.1.4.2 consistency verification, Ed25519 tree-head signatures. Contract:
// docs/api-public.md "Transparency log".
//
//   node scripts/log-check.mjs head <baseUrl> [--key-id HEX]              verify and print the latest tree head (save it)
//   node scripts/log-check.mjs record <baseUrl> <serviceNumber> [--key-id HEX]
//                                                   every event of a record is its leaf (type, number, date) and is included
//                                                   in the latest head
//   node scripts/log-check.mjs consistency <baseUrl> <saved-head.json> [--key-id HEX]
//                                                   the latest head extends a head saved earlier
//   node scripts/log-check.mjs statement <baseUrl> <serviceNumber> [--at TIME] [--save FILE] [--key-id HEX]
//                                                   fetch a record statement (as of TIME) and verify it
//   node scripts/log-check.mjs statement-file <FILE> [--key-id HEX]
//                                                   verify a saved statement offline (pin the key you trust)
// Every command that reads the server takes [--api-key KEY] (or BEIAN_API_KEY): an organisation API key, for its
// higher public quota; over the quota the checker waits as Retry-After says (up to 2 minutes, 3 times) and goes on.
// Exit 0: verified; 1: verification failed (the log is not what it claims); 2: usage or network error;
// 3: verified but incomplete (a record's or a statement's events not yet in a signed head: check again).
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

class Failed extends Error {}
class Usage extends Error {}
class Incomplete extends Error {}

const sha256 = (...parts) => { const h = createHash('sha256'); for (const p of parts) h.update(p); return h.digest(); };
const leafHash = (entry) => sha256(Buffer.of(0), Buffer.from(entry, 'utf8'));
const nodeHash = (l, r) => sha256(Buffer.of(1), l, r);
const hex = (s) => Buffer.from(s, 'hex');

function verifyInclusion(index, size, leaf, path, root) {
  if (index >= size) return false;
  let fn = index, sn = size - 1, r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else r = nodeHash(r, p);
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

function verifyConsistency(first, second, firstRoot, secondRoot, path) {
  if (first > second) return false;
  if (first === second) return path.length === 0 && firstRoot.equals(secondRoot);
  if (first === 0) return path.length === 0;
  if (path.length === 0) return false;
  const proof = (first & (first - 1)) === 0 ? [firstRoot, ...path] : path;
  let fn = first - 1, sn = second - 1;
  while (fn % 2 === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
  let fr = proof[0], sr = proof[0];
  for (const c of proof.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr); sr = nodeHash(c, sr);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else sr = nodeHash(sr, c);
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}

/** `--api-key` or BEIAN_API_KEY: an organisation API key, sent for the key's higher public quota (1,200 a minute, not 60). */
let apiKey = process.env.BEIAN_API_KEY || undefined;
/** The longest Retry-After waited for, and how many times: a 429 beyond them is an error (exit 2). */
const RETRY_WAIT_MAX_S = 120;
const RETRIES = 3;

async function get(base, path) {
  for (let attempt = 0; ; attempt++) {
    let res;
    try { res = await fetch(`${base}${path}`, apiKey ? { headers: { authorization: `Bearer ${apiKey}` } } : undefined); } catch (e) { throw new Usage(`cannot reach ${base}: ${e.message}`); }
    const body = await res.json().catch(() => null);
    // Over the quota (a record check makes two requests per event): wait as told and ask again, rather than stop half-way.
    const wait = Number(res.headers.get('retry-after'));
    if (res.status === 429 && attempt < RETRIES && Number.isInteger(wait) && wait >= 0 && wait <= RETRY_WAIT_MAX_S) {
      process.stderr.write(`log-check: rate limited; retrying in ${wait} s${apiKey ? '' : ' (an organisation API key has a higher quota: --api-key KEY or BEIAN_API_KEY)'}\n`);
      await new Promise((done) => setTimeout(done, wait * 1000));
      continue;
    }
    if (!res.ok) {
      const hint = res.status === 429 ? (apiKey ? '' : '; an organisation API key has a higher quota: --api-key KEY or BEIAN_API_KEY') : '';
      throw new Usage(`GET ${path}: ${res.status} ${body?.detail ?? body?.title ?? ''}`.trim() + hint);
    }
    return body;
  }
}

/** The latest tree head, its signature checked with the log's key (pinned by --key-id when given). */
async function verifiedHead(base, pinnedKeyId, head) {
  head ??= await get(base, '/api/public/v1/log/tree-head');
  if (pinnedKeyId && head.keyId !== pinnedKeyId) throw new Failed(`tree head ${head.treeSize} is signed by key ${head.keyId}, not the pinned ${pinnedKeyId}`);
  const key = await get(base, `/api/public/v1/log/key?keyId=${head.keyId}`);
  const spki = createPublicKey(key.publicKeyPem).export({ format: 'der', type: 'spki' });
  if (sha256(spki).toString('hex') !== head.keyId) throw new Failed(`the key served for ${head.keyId} does not hash to its id`);
  const text = `beian-tree-head:v1\n${head.treeSize}\n${head.rootHash}\n${head.timestamp}`;
  if (!verify(null, Buffer.from(text, 'utf8'), createPublicKey(key.publicKeyPem), Buffer.from(head.signature, 'base64'))) {
    throw new Failed(`tree head ${head.treeSize}: the signature does not verify`);
  }
  return head;
}

/** The China date (UTC+8, no daylight saving) of an ISO time: what a record's `events[].on` says. */
const chinaDay = (iso) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);

/** A record's leaves found by scanning the log (a record without `events`): [{index, event: null}]. */
async function scannedLeaves(base, record, size) {
  const found = [];
  for (let start = 0; start < size;) {
    const { items } = await get(base, `/api/public/v1/log/entries?start=${start}&end=${size - 1}`);
    for (const it of items) if (JSON.parse(it.entry).serviceNumber === record.serviceNumber) found.push({ index: it.leafIndex, event: null });
    if (!items.length) break;
    start = items[items.length - 1].leafIndex + 1;
  }
  return found;
}

/**
 * Why the log entry at an event's logIndex is not that event, or null when it is: the same type, the
 * record's service number (or, for a subject's event, its main number alone), the same China date.
 * The server (or whatever stands between) chooses the indexes: a leaf of another record, a private
 * entry or another event of this one would otherwise pass as "included".
 */
const LOADED_AS = new Set(['filed', 'cancelled', 'revoked']);
const SUBJECT_END = { subject_cancelled: 'cancelled', subject_revoked: 'revoked' };

function notTheEvent(entry, event, record) {
  const ofService = entry.serviceNumber === record.serviceNumber && (entry.mainNumber === undefined || entry.mainNumber === record.mainNumber);
  const ofSubject = entry.serviceNumber === undefined && entry.mainNumber !== undefined && entry.mainNumber === record.mainNumber;
  if (!ofService && !ofSubject) return `names ${entry.serviceNumber ?? entry.mainNumber ?? 'no record'} (${entry.type}), not ${record.serviceNumber}`;
  // The subject's end (`subject_cancelled` / `subject_revoked`) is the subject's `cancelled` / `revoked` entry: its main number alone.
  const ofSubjectEnd = event && Object.hasOwn(SUBJECT_END, event.type) ? SUBJECT_END[event.type] : undefined;
  if (ofSubjectEnd && !ofSubject) return `names ${entry.serviceNumber} (${entry.type}), not the subject ${record.mainNumber} alone as the record's ${event.type} event`;
  // An `imported` event (a record loaded by a bulk import) is logged typed by the status it was loaded with.
  const typed = event?.type === 'imported' ? LOADED_AS.has(entry.type) : entry.type === (ofSubjectEnd ?? event?.type);
  if (event && !typed) return `is a ${entry.type} entry, not the record's ${event.type} event`;
  if (event && (!entry.at || chinaDay(entry.at) !== event.on)) return `is dated ${entry.at}, not ${event.on} as the record's ${event.type} event`;
  return null;
}

async function checkRecord(base, number, pinned) {
  const head = await verifiedHead(base, pinned);
  const record = await get(base, `/api/public/v1/services/${encodeURIComponent(number)}`);
  const events = Array.isArray(record.events) ? record.events : [];
  const leaves = events.length ? events.map((e) => ({ index: e.logIndex, event: e })) : await scannedLeaves(base, record, head.treeSize);
  if (!leaves.length) throw new Failed(`record ${number}: no entry in the log of ${head.treeSize} leaves`);
  const pending = [];
  const seen = new Map();
  // A record loaded by a bulk import: what happened to it before, dated by the record, is not in the log
  // (it came from another registry); its `imported` event is. Events without a leaf up to that day are not pending.
  const loadedOn = events.filter((e) => e.type === 'imported' && Number.isInteger(e.logIndex)).map((e) => e.on).sort()[0];
  for (const { index: i, event } of leaves) {
    if (i === null && event && loadedOn && event.on <= loadedOn && event.type !== 'imported') {
      process.stdout.write(`before the log: ${event.type} on ${event.on} — the record was loaded into the registry on ${loadedOn}\n`);
      continue;
    }
    if (!Number.isInteger(i) || i < 0 || i >= head.treeSize) {
      const where = Number.isInteger(i) ? `leaf ${i} is beyond tree head ${head.treeSize}` : 'no leaf yet (logIndex null)';
      process.stdout.write(`not yet in the log: ${event.type} on ${event.on} — ${where}\n`);
      pending.push(event);
      continue;
    }
    if (seen.has(i)) throw new Failed(`leaf ${i} is given for two events of ${number} (${seen.get(i)} and ${event?.type})`);
    seen.set(i, event?.type);
    const { items: [item] } = await get(base, `/api/public/v1/log/entries?start=${i}&end=${i}`);
    if (!item || item.leafIndex !== i) throw new Failed(`leaf ${i}: the log answered another leaf`);
    const computed = leafHash(item.entry);
    if (computed.toString('hex') !== item.leafHash) throw new Failed(`leaf ${i}: leafHash is not SHA-256(0x00 ‖ entry)`);
    const entry = JSON.parse(item.entry);
    const wrong = notTheEvent(entry, event, record);
    if (wrong) throw new Failed(`leaf ${i} ${wrong}`);
    const proof = await get(base, `/api/public/v1/log/proof/inclusion?leafIndex=${i}&treeSize=${head.treeSize}`);
    if (!verifyInclusion(i, head.treeSize, computed, proof.auditPath.map(hex), hex(head.rootHash))) {
      throw new Failed(`leaf ${i} (${entry.type} ${number}): not included in tree head ${head.treeSize}`);
    }
    process.stdout.write(`inclusion ok: leaf ${i} (${entry.type} ${entry.serviceNumber ?? entry.mainNumber} at ${entry.at}) in tree head ${head.treeSize} root ${head.rootHash}\n`);
  }
  if (pending.length) throw new Incomplete(`${pending.length} event(s) of ${number} (${pending.map((e) => `${e.type} on ${e.on}`).join(', ')}) are not in the signed log yet: check again in a minute`);
}

async function checkConsistency(base, file, pinned) {
  let saved;
  try { saved = JSON.parse(readFileSync(file, 'utf8')); } catch (e) { throw new Usage(`${file}: ${e.message}`); }
  const old = await verifiedHead(base, pinned, saved);
  const now = await verifiedHead(base, pinned);
  if (now.treeSize < old.treeSize) throw new Failed(`the log shrank: ${old.treeSize} → ${now.treeSize}`);
  const first = old.treeSize;
  const path = first === 0 ? [] : (await get(base, `/api/public/v1/log/proof/consistency?first=${first}&second=${now.treeSize}`)).consistencyPath;
  if (!verifyConsistency(first, now.treeSize, hex(old.rootHash), hex(now.rootHash), path.map(hex))) {
    throw new Failed(`tree heads ${first} → ${now.treeSize}: not consistent (the log was rewritten)`);
  }
  process.stdout.write(`consistency ok: tree head ${first} (${old.rootHash}) → ${now.treeSize} (${now.rootHash})\n`);
}

/** What each public event type makes of a service's status (docs/api-public.md "Record statements"). */
const STATUS_AFTER = { filed: 'filed', access_added: 'filed', shell: 'shell', cancelled: 'cancelled', revoked: 'revoked' };

/**
 * The exact text a statement's signature covers (docs/api-public.md "Record statements"): line-feed
 * separated, no trailing newline; entries as `{leafIndex} {leafHash}` in the order listed.
 */
const statementText = (st) => [
  'beian-record-statement:v1', st.serviceNumber, st.mainNumber, st.asOf, st.status, st.statusSince ?? '', String(st.pending),
  String(st.treeHead.treeSize), st.treeHead.rootHash, String(st.treeHead.timestamp), st.treeHead.keyId, String(st.entries.length),
  ...st.entries.map((e) => `${e.leafIndex} ${leafHash(e.entry).toString('hex')}`),
].join('\n');

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * A record statement, checked with nothing but its own contents (and the pinned key id, if given):
 * the key, the head's signature, every entry's inclusion and that it is the record's, the status
 * recomputed from the entries, and the statement's own signature over all of it.
 */
function checkStatement(st, pinned) {
  if (st?.v !== 1) throw new Usage('not a version 1 record statement');
  if (typeof st.signature !== 'string' || !st.signature) {
    throw new Failed('the statement carries no signature of its own, so its asOf, status, pending and choice of entries are not bound '
      + '(statements fetched before 2026-12-07 were not signed): fetch it again as of the same moment — '
      + `node scripts/log-check.mjs statement <baseUrl> ${st.serviceNumber ?? '<serviceNumber>'} --at ${st.asOf ?? '<asOf>'} --save <file> --key-id <pinned>`);
  }
  const spki = createPublicKey(st.key.publicKeyPem).export({ format: 'der', type: 'spki' });
  if (sha256(spki).toString('hex') !== st.key.keyId || st.key.keyId !== st.treeHead.keyId) throw new Failed('the statement\'s key does not hash to the key id that signed its tree head');
  if (pinned && st.key.keyId !== pinned) throw new Failed(`the statement is signed by key ${st.key.keyId}, not the pinned ${pinned}`);
  const h = st.treeHead;
  if (!verify(null, Buffer.from(`beian-tree-head:v1\n${h.treeSize}\n${h.rootHash}\n${h.timestamp}`, 'utf8'), createPublicKey(st.key.publicKeyPem), Buffer.from(h.signature, 'base64'))) {
    throw new Failed(`tree head ${h.treeSize}: the signature does not verify`);
  }
  if (typeof st.asOf !== 'string' || !ISO.test(st.asOf) || Number.isNaN(Date.parse(st.asOf))) throw new Failed(`asOf ${st.asOf}: not an ISO 8601 UTC time`);
  if (!Number.isInteger(st.pending) || st.pending < 0) throw new Failed(`pending ${st.pending}: not a count`);
  const asOf = new Date(st.asOf);
  let status = 'unknown', since = null, last = -1;
  const events = [];
  for (const e of st.entries) {
    if (!Number.isInteger(e.leafIndex) || e.leafIndex <= last) throw new Failed(`leaf ${e.leafIndex}: entries must be listed once each, in leaf order`);
    last = e.leafIndex;
    if (!verifyInclusion(e.leafIndex, h.treeSize, leafHash(e.entry), e.auditPath.map(hex), hex(h.rootHash))) {
      throw new Failed(`leaf ${e.leafIndex}: not included in tree head ${h.treeSize}`);
    }
    const entry = JSON.parse(e.entry);
    const ofService = entry.serviceNumber === st.serviceNumber && (entry.mainNumber === undefined || entry.mainNumber === st.mainNumber);
    const ofSubject = entry.serviceNumber === undefined && entry.mainNumber === st.mainNumber;
    if (entry.type === 'private' || (!ofService && !ofSubject)) throw new Failed(`leaf ${e.leafIndex} is not an entry of ${st.serviceNumber} or its subject ${st.mainNumber}`);
    if (!entry.at || !(new Date(entry.at) <= asOf)) throw new Failed(`leaf ${e.leafIndex} (${entry.type} at ${entry.at}) is later than the statement's moment ${st.asOf}`);
    if (ofService) events.push(entry);
  }
  for (const e of events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))) {
    const next = STATUS_AFTER[e.type];
    if (next && next !== status) { status = next; since = e.at; }
  }
  if (status !== st.status || since !== st.statusSince) throw new Failed(`the entries give ${status} (since ${since}), the statement says ${st.status} (since ${st.statusSince})`);
  if (!verify(null, Buffer.from(statementText(st), 'utf8'), createPublicKey(st.key.publicKeyPem), Buffer.from(st.signature, 'base64'))) {
    throw new Failed('the statement\'s signature does not verify: its number, moment, status, pending count or entries are not what the registry signed');
  }
  process.stdout.write(`statement ok: ${st.serviceNumber} ${status}${since ? ` since ${since}` : ''} as of ${st.asOf}; ${st.entries.length} entries in tree head ${h.treeSize} root ${h.rootHash} (key ${h.keyId})\n`);
  if (st.pending > 0) throw new Incomplete(`${st.pending} event(s) at or before ${st.asOf} are not in a signed tree head yet: fetch the statement again in a minute`);
}

async function main(argv) {
  const k = argv.indexOf('--key-id');
  const pinned = k >= 0 ? argv[k + 1] : undefined;
  const args = k >= 0 ? [...argv.slice(0, k), ...argv.slice(k + 2)] : argv;
  const option = (name) => { const i = args.indexOf(name); if (i < 0) return undefined; const v = args[i + 1]; args.splice(i, 2); return v; };
  const at = option('--at');
  const save = option('--save');
  apiKey = option('--api-key') ?? apiKey;
  const [cmd, base, arg] = args;
  if (cmd === 'statement-file' && base && args.length === 2) {
    let st;
    try { st = JSON.parse(readFileSync(base, 'utf8')); } catch (e) { throw new Usage(`${base}: ${e.message}`); }
    return checkStatement(st, pinned);
  }
  if (!base || !/^https?:\/\//.test(base)) throw new Usage('usage: log-check.mjs head|record|consistency|statement <baseUrl> [serviceNumber|saved-head.json] [--key-id HEX]; statement-file <file>');
  const url = base.replace(/\/$/, '');
  if (cmd === 'head' && args.length === 2) process.stdout.write(`${JSON.stringify(await verifiedHead(url, pinned))}\n`);
  else if (cmd === 'record' && arg) await checkRecord(url, arg, pinned);
  else if (cmd === 'consistency' && arg) await checkConsistency(url, arg, pinned);
  else if (cmd === 'statement' && arg) {
    const st = await get(url, `/api/public/v1/services/${encodeURIComponent(arg)}/statement${at ? `?at=${encodeURIComponent(at)}` : ''}`);
    if (save) writeFileSync(save, `${JSON.stringify(st, null, 2)}\n`);
    checkStatement(st, pinned);
  }
  else throw new Usage('usage: log-check.mjs head|record|consistency <baseUrl> [serviceNumber|saved-head.json] [--key-id HEX]');
}

main(process.argv.slice(2)).then(() => { process.exitCode = 0; }, (e) => {
  process.stderr.write(`log-check: ${e instanceof Failed ? 'FAILED: ' : e instanceof Incomplete ? 'INCOMPLETE: ' : ''}${e.message}\n`);
  process.exitCode = e instanceof Failed ? 1 : e instanceof Incomplete ? 3 : 2;
});
