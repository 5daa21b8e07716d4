// What a history row becomes in the transparency log: the canonical `entry` text whose
// UTF-8 bytes are the leaf (leafHash = SHA-256(0x00 ‖ entry)). Pure: no I/O, no clock.
//
// Version 1 (docs/decisions/0017-transparency-log.md, docs/api-public.md "Transparency log"):
// - every entry carries `digest`, HMAC-SHA-256 under the log digest key over the canonical
//   JSON of the whole history row (`rowDigestInput`), so the log commits to everything;
// - a public event (a filing, change, access change, shell, cancellation or revocation) adds,
//   in clear, what the public record shows anyway: its type, the number(s) and the time;
// - any other event (materials, reviews, accounts, personal data) is `type: "private"` and
//   nothing else: the log reveals no more than the public record.
// Version 2 (2026-12-06): a record loaded by `beian import` (history action `imported`, and
// `logged_imported` for one loaded before version 2, migration 0039) is a public event too, its
// type its status as loaded (filed, cancelled or revoked): under version 1 those rows were private
// and imported records never reached the public log. Entries keep the version they were written
// with; the audit recomputes each with its own version's rules.
// Version 3 (2026-12-06, session 13): the bureau's approval of a change or an access filing (an
// application row `bureau_approve` whose reason lists the changed `fields`) is private. Under
// versions 1–2 every approval was a public `filed` event, so an approved change appeared in the
// log as a second filing of a number filed long before, beside the service's own `changed` /
// `access_added` row (which stays the public event, as the public record shows it).
// Version 4 (2026-12-07): the row digest commits to `actorApiKeyId` too (history.actor_api_key_id, the API key
// that acted, added by migration 0047 after version 1 fixed the digest's input). Under versions 1–3 the column
// was outside every leaf, so whoever runs the database could change or erase which key acted unnoticed by the
// audit. Nothing public changes: the key's id is inside the HMAC's input only (a keyed digest), never in clear.
// Canonical JSON is RFC 8785 (JCS) for the values used here: object keys sorted by UTF-16
// code units, no whitespace, strings and numbers as ECMAScript's JSON.stringify writes them.
import { createHmac } from 'node:crypto';

export const ENTRY_VERSION = 4;

/** RFC 8785 canonical JSON of plain data (objects, arrays, strings, finite numbers, booleans, null). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no NaN or Infinity');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON cannot encode ${typeof value}`);
}

/** A history row as the log reads it (joined with the numbers of the record it concerns). */
export interface HistoryRow {
  id: number;
  entity_type: string;
  entity_id: string;
  application_id: string | null;
  action: string;
  from_status: string | null;
  to_status: string | null;
  actor_user_id: string | null;
  actor_role: string;
  actor_org_id: string | null;
  reason: unknown;
  request_id: string | null;
  at: Date;
  /** The API key that acted (migration 0047), or null; committed by the digest from entry version 4. */
  actor_api_key_id: string | null;
  /** The service's number when entity_type is 'service' (numbers never change). */
  service_number: string | null;
  /** The subject's main number when entity_type is 'subject', or the service's subject. */
  main_number: string | null;
}

export type PublicEventType = 'filed' | 'changed' | 'access_added' | 'access_cancelled' | 'shell' | 'cancelled' | 'revoked';

interface PublicEventRule {
  entityType: 'application' | 'service' | 'subject';
  /** History actions (as flows write them) that are this public event. */
  actions: readonly string[];
  /** The event's type; `status`: the row's `to_status` (filed, cancelled or revoked). */
  type: PublicEventType | 'status';
  /** The entry version from which the rule holds (1 when absent). */
  since?: number;
  /** From entry version `since`, rows whose reason holds the key `reasonKey` are not this event (private). */
  except?: { since: number; reasonKey: string };
}

/**
 * Which history rows are public events — the one table to extend when a flow adds one. The
 * rest is private. An approval is recorded on the application (`bureau_approve`, with the
 * allocated numbers in its reason); later events on the service or subject they concern.
 */
export const PUBLIC_EVENTS: readonly PublicEventRule[] = [
  // An approval that allocated numbers; an approved change or access filing (its reason lists `fields`) is private
  // from version 3: the service's `changed` / `access_added` row is that event.
  { entityType: 'application', actions: ['bureau_approve'], type: 'filed', except: { since: 3, reasonKey: 'fields' } },
  { entityType: 'service', actions: ['filed'], type: 'filed' }, // filings loaded without an application (demo seed)
  { entityType: 'service', actions: ['change', 'changed'], type: 'changed' },
  { entityType: 'service', actions: ['access_added', 'add_access'], type: 'access_added' },
  { entityType: 'service', actions: ['access_cancelled', 'cancel_access'], type: 'access_cancelled' },
  { entityType: 'service', actions: ['shell', 'mark_shell', 'become_shell'], type: 'shell' },
  { entityType: 'service', actions: ['cancel', 'cancelled', 'clean_up'], type: 'cancelled' },
  { entityType: 'service', actions: ['revoke', 'revoked'], type: 'revoked' },
  { entityType: 'subject', actions: ['change', 'changed'], type: 'changed' },
  { entityType: 'subject', actions: ['cancel', 'cancelled', 'clean_up'], type: 'cancelled' },
  { entityType: 'subject', actions: ['revoke', 'revoked'], type: 'revoked' },
  // Records loaded by `beian import`, as loaded; and those loaded before version 2, published by migration 0039.
  { entityType: 'service', actions: ['imported', 'logged_imported'], type: 'status', since: 2 },
  { entityType: 'subject', actions: ['imported', 'logged_imported'], type: 'status', since: 2 },
];

const STATUS_EVENT: Readonly<Record<string, PublicEventType>> = { filed: 'filed', cancelled: 'cancelled', revoked: 'revoked' };

// "entityType\0action" → the rule: the table above as one lookup (the sequencer classifies every row).
const RULE_BY_KEY = new Map<string, PublicEventRule>(PUBLIC_EVENTS.flatMap((r) => r.actions.map((a) => [`${r.entityType}\0${a}`, r] as const)).reverse());

/**
 * The public event a history row is under entry version `version` (the current one by default), or null (private).
 * `reason`: the row's reason, for the rules with an exception (an approved change is not a filing).
 */
export function publicEventOf(entityType: string, action: string, toStatus: string | null = null, version = ENTRY_VERSION, reason: unknown = null): PublicEventType | null {
  const rule = RULE_BY_KEY.get(`${entityType}\0${action}`);
  if (!rule || (rule.since ?? 1) > version) return null;
  if (rule.except && version >= rule.except.since && reason !== null && typeof reason === 'object' && rule.except.reasonKey in reason) return null;
  return rule.type === 'status' ? STATUS_EVENT[toStatus ?? ''] ?? null : rule.type;
}

/**
 * canonicalJson of an object whose keys are known in advance, given in canonical order: the
 * same text without listing and sorting the keys per call (the sequencer writes one or two
 * such objects per history row). Undefined values are left out, as canonicalJson does.
 */
function canonicalFixed(sortedKeys: readonly string[], quoted: readonly string[], values: readonly unknown[]): string {
  let out = '{';
  for (let i = 0; i < sortedKeys.length; i++) {
    const v = values[i];
    if (v === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${quoted[i]}:${typeof v === 'string' ? JSON.stringify(v) : canonicalJson(v)}`;
  }
  return `${out}}`;
}

/** The key order of canonical JSON (UTF-16 code units) for a fixed list of keys, and each key as JSON text. */
function fixedKeys(keys: readonly string[]): { order: number[]; quoted: string[]; sorted: string[] } {
  const sorted = [...keys].sort();
  return { order: sorted.map((k) => keys.indexOf(k)), quoted: sorted.map((k) => JSON.stringify(k)), sorted };
}

const DIGEST_KEYS = fixedKeys(['id', 'entityType', 'entityId', 'applicationId', 'action', 'from', 'to', 'actorUserId', 'actorRole',
  'actorOrgId', 'reason', 'requestId', 'at', 'actorApiKeyId']);

/** The entry version from which the digest commits to the acting API key. */
export const API_KEY_SINCE = 4;

/** The whole row, as the digest of entry version `version` commits to it (every column but the transaction id): canonicalJson of
 * `{ id, entityType, entityId, applicationId, action, from, to, actorUserId, actorRole, actorOrgId, reason, requestId, at }`, and
 * from version 4 `actorApiKeyId` (null when no key acted: the digest commits to its absence too). */
export function rowDigestInput(r: HistoryRow, version = ENTRY_VERSION): string {
  let apiKey: string | null | undefined;
  if (version >= API_KEY_SINCE) {
    // A reader that did not select the column would commit to "no key" for every row: refuse rather than log that.
    if (r.actor_api_key_id === undefined) throw new TypeError(`history ${r.id}: actor_api_key_id not read (entry version ${version} commits to it)`);
    apiKey = r.actor_api_key_id;
  }
  const values = [r.id, r.entity_type, r.entity_id, r.application_id, r.action, r.from_status, r.to_status, r.actor_user_id,
    r.actor_role, r.actor_org_id, r.reason ?? null, r.request_id, r.at.toISOString(), apiKey];
  return canonicalFixed(DIGEST_KEYS.sorted, DIGEST_KEYS.quoted, DIGEST_KEYS.order.map((i) => values[i]));
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** The public numbers of an event, or null when the row does not name them (then it stays private). */
function numbersOf(r: HistoryRow): { serviceNumber?: string; mainNumber?: string } | null {
  if (r.entity_type === 'application') {
    const reason = (r.reason ?? {}) as Record<string, unknown>;
    const serviceNumber = text(reason.serviceNumber);
    const mainNumber = text(reason.mainNumber);
    return serviceNumber && mainNumber ? { serviceNumber, mainNumber } : null;
  }
  if (r.entity_type === 'service') {
    return r.service_number ? { serviceNumber: r.service_number, ...(r.main_number ? { mainNumber: r.main_number } : {}) } : null;
  }
  return r.main_number ? { mainNumber: r.main_number } : null;
}

/** The log entry of a history row: canonical JSON text, of `version` (the current one by default). */
export function entryOf(r: HistoryRow, digestKey: Buffer, version = ENTRY_VERSION): string {
  const digest = createHmac('sha256', digestKey).update(rowDigestInput(r, version), 'utf8').digest('hex');
  const type = publicEventOf(r.entity_type, r.action, r.to_status, version, r.reason);
  const numbers = type ? numbersOf(r) : null;
  // canonicalJson({ v, type: 'private', digest }) and canonicalJson({ v, type, ...numbers, at, digest }),
  // written out in their canonical key order (entry.test.ts checks them against canonicalJson).
  if (!type || !numbers) return `{"digest":"${digest}","type":"private","v":${version}}`;
  return canonicalFixed(PUBLIC_KEYS, PUBLIC_QUOTED, [r.at.toISOString(), digest, numbers.mainNumber, numbers.serviceNumber, type, version]);
}

/** The version a stored entry was written with (its trailing `"v":n`; canonical JSON puts `v` last). */
export function entryVersion(entry: string): number {
  const m = /"v":(\d+)}$/.exec(entry);
  return m ? Number(m[1]) : ENTRY_VERSION;
}

const PUBLIC_KEYS = ['at', 'digest', 'mainNumber', 'serviceNumber', 'type', 'v'] as const;
const PUBLIC_QUOTED = PUBLIC_KEYS.map((k) => JSON.stringify(k));
if (PUBLIC_KEYS.join() !== [...PUBLIC_KEYS].sort().join()) throw new Error('PUBLIC_KEYS must be in canonical order');

/** A parsed public entry (what a relying party or the audit reads back). */
export interface PublicEntry { v: number; type: PublicEventType; serviceNumber?: string; mainNumber?: string; at: string; digest: string }

export function parsePublicEntry(entry: string): PublicEntry | null {
  try {
    const e = JSON.parse(entry) as { type?: unknown };
    return e && typeof e.type === 'string' && e.type !== 'private' ? (e as PublicEntry) : null;
  } catch { return null; }
}
