// Shapes of the public query API (contract of issue 5; docs/api-public.md). Field names are
// stable: add fields, never rename or remove them within v1 (PEERS.md Part B).
import { z } from 'zod';
import { BADGE_LANGS } from './badge.ts';
import { KEYWORD_MAX } from './keyword.ts';
import { EVENT_TYPES } from './presenter.ts';

export const SERVICE_TYPES = ['app', 'mini_program', 'quick_app', 'website'] as const;
export const PAGE_SIZE_MAX = 100;

export const searchQuery = z.object({
  q: z.string().trim().min(1, 'a keyword is required').max(KEYWORD_MAX, `at most ${KEYWORD_MAX} characters`)
    .describe('Host name, service name, filing number (subject or service), domain or package name'),
  type: z.enum(SERVICE_TYPES).optional().describe('Only services of this type'),
  page: z.coerce.number().int().min(1).max(1000).default(1).describe('1-based page number'),
  pageSize: z.coerce.number().int().min(1).max(PAGE_SIZE_MAX, `at most ${PAGE_SIZE_MAX}`).default(20),
});

export const recordView = z.object({
  serviceNumber: z.string().describe('服务备案号, e.g. 粤ICP备2024000001号-2A'),
  mainNumber: z.string().describe('主体备案号'),
  serviceName: z.string(),
  serviceType: z.enum(SERVICE_TYPES),
  status: z.enum(['filed', 'cancelled', 'revoked']),
  statusChangedAt: z.string().describe('When the status was last set (the approval time while filed)'),
  revocationCategory: z.enum(['false_materials', 'shell_cleanup', 'illegal', 'other']).optional()
    .describe('Revoked filings: the public reason category (提供虚假材料, 空壳清理, 违法违规, 其他); the text stays private'),
  hostName: z.string().describe("主办单位名称; an individual host's name is masked (王**)"),
  hostType: z.enum(['unit', 'individual']),
  hostNature: z.string().describe('主办单位性质 code: government, public_institution, enterprise, social_organisation, private_non_enterprise, foundation, law_firm, individual'),
  approvedAt: z.string().describe('审核通过日期 of the filing (the first approval)'),
  lastApprovedAt: z.string().describe('审核通过日期 as the ministry shows it after changes (updateRecordTime): the latest approval — the filing, an approved change or access filing'),
  preApprovals: z.array(z.object({ type: z.string(), number: z.string() })).describe('前置审批项'),
  domains: z.array(z.string()).describe('Websites: the filed domains (empty for other types)'),
  homeUrl: z.string().nullable().describe('Websites: 首页网址'),
  platforms: z.array(z.object({ platform: z.string(), packageName: z.string() })).describe('APPs: platform and package name / bundle ID'),
  links: z.object({
    self: z.string().describe('This record in the API'),
    page: z.string().describe('The public record page: where a displayed filing number links to'),
    subject: z.string().describe('The subject in the API'),
    badge: z.string().describe('The SVG display badge (number and status); ?lang=en for English labels'),
  }),
  snippets: z.object({
    text: z.string().describe('HTML: the number as text, linked to the record page (the plainest compliant display)'),
    badge: z.string().describe('HTML: the SVG badge, linked to the record page, the number as its alt text'),
  }).nullable().describe('HTML to embed for displaying the number (105号 notice); null once cancelled or revoked'),
  shellSince: z.string().nullable().describe('YYYY-MM-DD: since when the filing has had no access record (a shell, 空壳, due for cleanup); null otherwise'),
  events: z.array(z.object({
    type: z.enum(EVENT_TYPES).describe('filed | changed | access_added | access_cancelled | shell | cancelled | revoked | imported (the record was loaded into this registry by a bulk import; its log entry is typed by the status it was loaded with) | subject_cancelled | subject_revoked (the subject of the service was cancelled or revoked; its log entry is a cancelled / revoked entry naming the main number alone)'),
    on: z.string().describe('YYYY-MM-DD (China date)'),
    logIndex: z.number().int().nullable().describe('0-based leaf index of this event in the transparency log (GET /api/public/v1/log/entries, proof/inclusion); null until the log sequencer has appended it (seconds), or for an event the history does not hold'),
  })).describe('The record\'s life, oldest first: dates only, no personal data'),
});

export const noticesQuery = z.object({
  province: z.string().regex(/^[1-6][0-9]0000$/, 'a 6-digit province code such as 440000').optional().describe('Only this province\'s notices'),
  page: z.coerce.number().int().min(1).max(1000).default(1),
  pageSize: z.coerce.number().int().min(1).max(PAGE_SIZE_MAX, `at most ${PAGE_SIZE_MAX}`).default(20),
});

export const noticesView = z.object({
  items: z.array(z.object({
    id: z.string(), provinceCode: z.string(), bureauName: z.string(), title: z.string(), publicityDays: z.number().int(),
    publishedOn: z.string(), endsAt: z.string(),
    status: z.enum(['publicised', 'executed']).describe('The stored state: executed once the bureau carried the cleanup out. Read `phase` for what to show'),
    phase: z.enum(['publicity', 'publicity_ended', 'executed']).describe('By the clock: publicity until endsAt (公示中), then publicity_ended until the bureau carries it out (公示期满，待清理), then executed (已清理)'),
    services: z.array(z.object({
      serviceNumber: z.string(), serviceName: z.string(), serviceType: z.string(), hostName: z.string(),
      outcome: z.enum(['listed', 'cleaned']).describe('listed: under publicity; cleaned: cancelled after it. A shell that added access in time drops out'),
    })),
  })),
  page: z.number().int(), pageSize: z.number().int(),
});

export const searchView = z.object({
  items: z.array(recordView),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  totalCapped: z.boolean().describe('True when a match path hit the search window: total counts the first matches only; narrow the keyword'),
});

export const serviceNumberParams = z.object({ serviceNumber: z.string().min(1).max(64) });
export const badgeQuery = z.object({
  lang: z.enum(BADGE_LANGS).default('zh').describe('Label language: zh (default) or en'),
});
export const mainNumberParams = z.object({ mainNumber: z.string().min(1).max(64) });

export const subjectView = z.object({
  mainNumber: z.string(),
  hostName: z.string(),
  hostType: z.enum(['unit', 'individual']),
  hostNature: z.string(),
  provinceCode: z.string(),
  status: z.string(),
  statusChangedAt: z.string().nullable().describe('when the status was set: the cancellation or revocation; while filed, the filing'),
  approvedAt: z.string().nullable(),
  events: z.array(z.object({ type: z.enum(['changed', 'cancelled', 'revoked', 'imported']), on: z.string(), logIndex: z.number().int().nullable() }))
    .describe("the subject's own events, oldest first (its services' events are theirs): a change of the subject, its cancellation or revocation, its loading by a bulk import, each with its leaf in the transparency log"),
  services: z.array(recordView),
  links: z.object({ self: z.string() }),
});

/** The public blacklist query (违法违规名单; src/api/public/blacklist.ts). */
export const blacklistQuery = z.object({
  domain: z.string().trim().min(1).max(253).optional().describe('A domain, as filed (case and a trailing dot do not matter), or a URL (read to its host); exact, not its subdomains; 400 when it is not a domain'),
  packageName: z.string().trim().min(1).max(255).optional().describe('A package name or bundle ID, exactly (case-sensitive, as filed)'),
  page: z.coerce.number().int().min(1).max(1000).default(1),
  pageSize: z.coerce.number().int().min(1).max(PAGE_SIZE_MAX, `at most ${PAGE_SIZE_MAX}`).default(20),
});

export const blacklistView = z.object({
  items: z.array(z.object({
    kind: z.enum(['package', 'domain']),
    value: z.string(),
    category: z.enum(['false_materials', 'shell_cleanup', 'illegal', 'other']).describe('Why it was blacklisted, as the revocation categories'),
    since: z.string().describe('YYYY-MM-DD, China date'),
    untilOn: z.string().describe('YYYY-MM-DD: the last day it bars a filing'),
  })),
  total: z.number().int(), page: z.number().int(), pageSize: z.number().int(),
});
