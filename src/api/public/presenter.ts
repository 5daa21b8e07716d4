// What the public sees of a filed service (house rule 10): an explicit allowlist, the same
// shape for every service type (PEERS.md Part B: "same schema for all service types", "one call
// returns the complete record"). Never ID numbers, phones or emails — the rows these read do not
// even select them — and an individual host's name is masked.
import { mask } from '../../db/personal-data.ts';
import { chinaDate } from '../../domain/china-time.ts';
import { BADGE_HEIGHT, xmlEscape } from './badge.ts';
import type { PublicServiceRow, PublicSubjectRow } from './queries.ts';

export interface PublicRecord {
  serviceNumber: string;
  mainNumber: string;
  serviceName: string;
  serviceType: PublicServiceRow['service_type'];
  status: PublicServiceRow['status'];
  statusChangedAt: string;
  revocationCategory?: 'false_materials' | 'shell_cleanup' | 'illegal' | 'other';
  hostName: string;
  hostType: 'unit' | 'individual';
  hostNature: string;
  approvedAt: string;
  lastApprovedAt: string;
  preApprovals: { type: string; number: string }[];
  domains: string[];
  homeUrl: string | null;
  platforms: { platform: string; packageName: string }[];
  links: { self: string; page: string; subject: string; badge: string };
  snippets: { text: string; badge: string } | null;
  shellSince: string | null;
  events: PublicEvent[];
}

export const EVENT_TYPES = ['filed', 'changed', 'access_added', 'access_cancelled', 'shell', 'cancelled', 'revoked', 'imported', 'subject_cancelled', 'subject_revoked'] as const;
/**
 * `logIndex`: the 0-based leaf of the event's history row in the transparency log (issue 15 §1),
 * so anyone can fetch that leaf and its inclusion proof. Null while the row waits for the
 * sequencer (a few seconds after the change), and for a final status the history does not hold.
 */
export interface PublicEvent { type: (typeof EVENT_TYPES)[number]; on: string; logIndex: number | null }

const EVENT_OF: Record<string, PublicEvent['type']> = {
  filed: 'filed', changed: 'changed', access_added: 'access_added', access_cancelled: 'access_cancelled', become_shell: 'shell',
  cancel: 'cancelled', clean_up: 'cancelled', revoke: 'revoked', imported: 'imported',
  // The subject's end (migration 0053), kept under the subject: its services' own `cancelled` / `revoked` stay theirs.
  subject_cancelled: 'subject_cancelled', subject_revoked: 'subject_revoked',
};

/**
 * The record's timeline: dates only (China date), types only — no reason, actor or person
 * (house rule 10). Filed is the approval (the application's `bureau_approve` row, or the
 * service's `filed` row for records loaded without an application); a filing or final status
 * the history does not hold (records loaded in bulk) is dated by the record itself, unlogged, in
 * its place by date. A record loaded by `beian import` has an `imported` event (the service's, and
 * its subject's: the leaves its statements list, migration 0051), dated by the import: its log entry
 * is typed by the status the record was loaded with. The subject's cancellation or revocation is every one of
 * its services' `subject_cancelled` / `subject_revoked` event (its leaf names the main number alone).
 */
export function publicEvents(row: Pick<PublicServiceRow, 'filed_at' | 'status' | 'status_changed_at' | 'events'>): PublicEvent[] {
  const out: PublicEvent[] = [];
  for (const e of row.events) {
    const type = EVENT_OF[e.action];
    if (!type || (type === 'filed' && out.some((x) => x.type === 'filed'))) continue;
    out.push({ type, on: chinaDate(new Date(e.at)), logIndex: e.logIndex ?? null });
  }
  if (!out.some((e) => e.type === 'filed')) out.unshift({ type: 'filed', on: chinaDate(row.filed_at), logIndex: null });
  const final = row.status === 'cancelled' || row.status === 'revoked' ? row.status : null;
  if (final && !out.some((e) => e.type === final)) {
    const on = chinaDate(row.status_changed_at);
    const later = out.findIndex((e) => e.on > on);
    out.splice(later < 0 ? out.length : later, 0, { type: final, on, logIndex: null });
  }
  return out;
}

/** History actions that are a bureau's approval on the record. */
const APPROVALS = new Set(['filed', 'bureau_approve', 'changed', 'access_added']);

/**
 * 审核通过日期 as the ministry's query shows it (updateRecordTime, DOMAIN.md §5.2): the latest
 * approval on the record — its filing, an approved change, an approved access filing.
 */
export function lastApproval(row: Pick<PublicServiceRow, 'filed_at' | 'events'>): string {
  let t = row.filed_at.getTime();
  for (const e of row.events) if (APPROVALS.has(e.action)) t = Math.max(t, new Date(e.at).getTime());
  return new Date(t).toISOString();
}

const enc = encodeURIComponent;

export function hostName(subjectType: string, name: string): string {
  return subjectType === 'individual' ? mask.personName(name) : name;
}

function preApprovals(v: unknown): PublicRecord['preApprovals'] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((x: unknown) => {
    const o = x as { type?: unknown; number?: unknown } | null;
    return o && typeof o.type === 'string' ? [{ type: o.type, number: typeof o.number === 'string' ? o.number : '' }] : [];
  });
}

export function recordLinks(publicUrl: string, serviceNumber: string, mainNumber: string): PublicRecord['links'] {
  return {
    self: `${publicUrl}/api/public/v1/services/${enc(serviceNumber)}`,
    page: `${publicUrl}/record/${enc(serviceNumber)}`,
    subject: `${publicUrl}/api/public/v1/subjects/${enc(mainNumber)}`,
    badge: `${publicUrl}/api/public/v1/services/${enc(serviceNumber)}/badge.svg`,
  };
}

/**
 * The HTML a service embeds to display its number, linked to its record page (105号 notice:
 * the number shown in a prominent place and linked to the filing system). The text link is the
 * plainest compliant form; the badge carries the number as its alt text. Only while filed: a
 * cancelled or revoked number may no longer be displayed as a filing.
 */
export function displaySnippets(links: PublicRecord['links'], serviceNumber: string): NonNullable<PublicRecord['snippets']> {
  const a = `<a href="${xmlEscape(links.page)}" target="_blank" rel="noopener">`;
  return {
    text: `${a}${xmlEscape(serviceNumber)}</a>`,
    badge: `${a}<img src="${xmlEscape(links.badge)}" alt="${xmlEscape(serviceNumber)}" height="${BADGE_HEIGHT}"></a>`,
  };
}

export function presentRecord(publicUrl: string, row: PublicServiceRow): PublicRecord {
  const website = row.service_type === 'website';
  const links = recordLinks(publicUrl, row.service_number, row.main_number);
  return {
    serviceNumber: row.service_number,
    mainNumber: row.main_number,
    serviceName: row.service_name,
    serviceType: row.service_type,
    status: row.status,
    statusChangedAt: row.status_changed_at.toISOString(),
    ...(row.status === 'revoked' && row.revocation_category ? { revocationCategory: row.revocation_category as NonNullable<PublicRecord['revocationCategory']> } : {}),
    hostName: hostName(row.subject_type, row.host_name),
    hostType: row.subject_type,
    hostNature: row.nature,
    approvedAt: row.filed_at.toISOString(),
    lastApprovedAt: lastApproval(row),
    preApprovals: preApprovals(row.pre_approvals),
    // Websites publish their domains and home page (DOMAIN.md §5.2); an APP's network
    // resources are filed but not published by the portal, so they are not published here.
    domains: website ? row.domains : [],
    homeUrl: website ? row.home_url : null,
    platforms: row.platforms.map((p) => ({ platform: p.platform, packageName: p.package_name })),
    links,
    snippets: row.status === 'filed' ? displaySnippets(links, row.service_number) : null,
    shellSince: row.shell_since ? chinaDate(row.shell_since) : null,
    events: publicEvents(row),
  };
}

const SUBJECT_EVENT_OF: Record<string, 'changed' | 'cancelled' | 'revoked' | 'imported'> = {
  change: 'changed', changed: 'changed', cancel: 'cancelled', cancelled: 'cancelled', clean_up: 'cancelled', revoke: 'revoked', revoked: 'revoked',
  imported: 'imported', logged_imported: 'imported',
};

export function presentSubject(publicUrl: string, s: PublicSubjectRow, services: PublicRecord[]) {
  const events = s.events.map((e) => ({ type: SUBJECT_EVENT_OF[e.action]!, on: chinaDate(new Date(e.at)), logIndex: e.logIndex }));
  // When the subject's status was set: its final event's time; while filed, the filing.
  const ended = s.status !== 'filed' ? s.events.filter((e) => SUBJECT_EVENT_OF[e.action] === s.status).at(-1) : undefined;
  return {
    mainNumber: s.main_number,
    hostName: hostName(s.subject_type, s.host_name),
    hostType: s.subject_type,
    hostNature: s.nature,
    provinceCode: s.province_code,
    status: s.status,
    statusChangedAt: ended ? new Date(ended.at).toISOString() : s.filed_at ? s.filed_at.toISOString() : null,
    approvedAt: s.filed_at ? s.filed_at.toISOString() : null,
    events,
    services,
    links: { self: `${publicUrl}/api/public/v1/subjects/${enc(s.main_number)}` },
  };
}
