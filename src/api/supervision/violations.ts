// Read side of violation reports and the blacklist (issue 14, contracts 6–7). The reporter sees
// every step; the bureau also sees a public reporter's contact (to follow up): masked in lists,
// in full on one report, which is recorded in the personal-data access log (ADR 0025); nobody
// else sees it. Blacklist certificate entries show the subject's name to the bureau, never the number.
import { z } from 'zod';
import type { Queryable } from '../../db/connection.ts';
import { mask, type Sealer } from '../../db/personal-data.ts';
import type { Actor } from '../../domain/actors.ts';
import { chinaDate } from '../../domain/china-time.ts';
import { BLACKLIST_KINDS, isActive, REVOCATION_CATEGORIES } from '../../domain/supervision/blacklist.ts';
import { VIOLATION_CATEGORIES, VIOLATION_STATUSES } from '../../domain/supervision/violations.ts';
import { isUuid, NotFoundError } from '../../flows/supervision/scope.ts';
import { revealPersonalData } from '../../flows/reveal-personal-data.ts';
import { violationVisible } from '../../flows/supervision/triage-violation.ts';

interface ViolationRow {
  id: string; service_number: string; service_name: string; service_status: string; category: typeof VIOLATION_CATEGORIES[number]; description: string; evidence: string | null;
  measures_taken: string | null; stopped_at: Date | null; status: typeof VIOLATION_STATUSES[number]; reporter_kind: 'organisation' | 'public'; reporter_org_name: string | null; reporter_name: string | null;
  reporter_contact_enc: string | null; province_code: string; created_at: Date; updated_at: Date;
}

const COLUMNS = `v.id, s.service_number, s.name as service_name, s.status as service_status, v.category, v.description, v.evidence, v.measures_taken, v.stopped_at,
  v.status, v.reporter_kind, o.name as reporter_org_name, v.reporter_name, v.reporter_contact_enc, v.province_code, v.created_at, v.updated_at`;
const FROM = 'from violation_reports v join services s on s.id = v.service_id left join organisations o on o.id = v.reporter_org_id';

const maskContact = (c: string) => (c.includes('@') ? mask.email(c) : mask.phone(c));

/** `full`: the reporter's contact opened (one report, through the access log); else masked. */
function present(r: ViolationRow, actor: Actor, sealer: Sealer, full = false) {
  const supervisor = actor.role === 'bureau_reviewer' || actor.role === 'ministry_admin';
  const contact = r.reporter_contact_enc ? sealer.open(r.reporter_contact_enc) : null;
  return {
    id: r.id, serviceNumber: r.service_number, serviceName: r.service_name, serviceStatus: r.service_status, category: r.category, description: r.description,
    evidence: r.evidence, measuresTaken: r.measures_taken, stoppedAt: r.stopped_at?.toISOString() ?? null, status: r.status, provinceCode: r.province_code,
    reporterKind: r.reporter_kind, reporterOrganisation: r.reporter_org_name,
    ...(supervisor && r.reporter_kind === 'public' ? { reporterName: r.reporter_name, reporterContact: contact && (full ? contact : maskContact(contact)) } : {}),
    createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
  };
}

/**
 * What present() answers, as the response schemas declare it (OpenAPI; the serializer keeps only these fields,
 * so a field added to present() must be added here too — src/api/response-schemas.test.ts compares them).
 */
export const violationView = z.object({
  id: z.string(), serviceNumber: z.string(), serviceName: z.string(), serviceStatus: z.string().describe('the service\'s status now (filed, cancelled, revoked …)'),
  category: z.enum(VIOLATION_CATEGORIES), description: z.string(), evidence: z.string().nullable(), measuresTaken: z.string().nullable(),
  stoppedAt: z.string().nullable(), status: z.enum(VIOLATION_STATUSES), provinceCode: z.string().describe('the host\'s province: its bureau triages the report'),
  reporterKind: z.enum(['organisation', 'public']), reporterOrganisation: z.string().nullable().describe('the reporting organisation\'s name; null for a public report'),
  reporterName: z.string().nullable().optional().describe('a public reporter\'s name, as given; only to the bureau, only on public reports'),
  reporterContact: z.string().nullable().optional().describe('a public reporter\'s contact: masked in lists and with `?contact=masked`, in full on one report (logged); only to the bureau, only on public reports'),
  createdAt: z.string(), updatedAt: z.string(),
});
export const violationListView = z.object({ items: z.array(violationView), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
export const violationDetailView = violationView.extend({
  steps: z.array(z.object({
    action: z.enum(['reported', 'request_more', 'provide_more', 'order_disposal', 'revoke', 'close']), status: z.string().describe('the report\'s status after the step'),
    note: z.string().nullable(), orderId: z.string().nullable(), actorRole: z.string(), at: z.string(),
  })),
});
export const blacklistEntryView = z.object({
  id: z.string(), kind: z.enum(BLACKLIST_KINDS), value: z.string().nullable().describe('the package name or domain; null for a certificate entry (the bureau sees the subject\'s name, never the number)'),
  subjectName: z.string().nullable(), serviceNumber: z.string().nullable().describe('the service the decision was about; null for entries not from a service'),
  untilOn: z.string().describe('the last day (China time) the entry holds, YYYY-MM-DD'), category: z.enum(REVOCATION_CATEGORIES), reason: z.string(),
  provinceCode: z.string().nullable(), createdAt: z.string(), liftedAt: z.string().nullable(), liftReason: z.string().nullable(),
  active: z.boolean().describe('not lifted and `untilOn` today or later (China time)'),
});
export const blacklistPageView = z.object({ items: z.array(blacklistEntryView), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

export const VIOLATION_CSV_COLUMNS = ['id', 'serviceNumber', 'serviceName', 'category', 'status', 'reporterKind', 'reporterOrganisation', 'createdAt', 'updatedAt', 'description'] as const;

export async function listViolations(db: Queryable, sealer: Sealer, actor: Actor, filter: { status?: string }, page: { page: number; pageSize: number }) {
  const w = violationVisible(actor, 1);
  const params = [...w.params];
  const where = [w.sql];
  if (filter.status) { params.push(filter.status); where.push(`v.status = $${params.length}`); }
  const [{ total }] = await db.query<{ total: number }>(`select count(*)::int as total ${FROM} where ${where.join(' and ')}`, params) as [{ total: number }];
  const rows = await db.query<ViolationRow>(`select ${COLUMNS} ${FROM} where ${where.join(' and ')} order by v.created_at desc, v.id desc limit ${page.pageSize} offset ${(page.page - 1) * page.pageSize}`, params);
  return { items: rows.map((r) => present(r, actor, sealer)), total, page: page.page, pageSize: page.pageSize };
}

type Db = Queryable & Parameters<typeof revealPersonalData>[0];

/**
 * One report with its steps. `reveal: false` (the bureau's report detail, `?contact=masked`) keeps a public
 * reporter's contact masked and records nothing; the full contact is read on its own (the default), logged.
 */
export async function getViolation(db: Db, sealer: Sealer, actor: Actor, id: string, now: Date, o: { reveal: boolean } = { reveal: true }) {
  if (!isUuid(id)) throw new NotFoundError('violation_report', id);
  const w = violationVisible(actor, 2);
  const [r] = await db.query<ViolationRow>(`select ${COLUMNS} ${FROM} where v.id = $1 and ${w.sql}`, [id, ...w.params]);
  if (!r) throw new NotFoundError('violation_report', id);
  const steps = await db.query<{ action: z.infer<typeof violationDetailView>['steps'][number]['action']; status: string; note: string | null; order_id: string | null; actor_role: string; at: Date }>(
    'select action, status, note, order_id, actor_role, at from violation_steps where violation_id = $1 order by id', [id]);
  const shown = o.reveal
    ? await revealPersonalData(db, actor, { recordType: 'violation_report', recordId: id, purpose: 'supervision' }, now, () => present(r, actor, sealer, true))
    : present(r, actor, sealer, false);
  return { ...shown, steps: steps.map((s) => ({ action: s.action, status: s.status, note: s.note, orderId: s.order_id, actorRole: s.actor_role, at: s.at.toISOString() })) };
}

/**
 * The blacklist entries the actor sees (its province; all for the ministry), newest first (ties by id): one page
 * (`total` counts them all), or every one without `page` (the CSV). `active` as isActive judges it (not lifted,
 * `untilOn` today or later, China time), in the query so that pages count only what they show.
 */
export async function listBlacklist(db: Queryable, actor: Actor, now: Date, filter: { active?: boolean }, page?: { page: number; pageSize: number }) {
  const today = chinaDate(now);
  const where = `($1::char(6) is null or b.province_code = $1) and ($2::boolean is null or (b.lifted_at is null and b.until_on >= $3::date) = $2)`;
  const params = [actor.role === 'ministry_admin' ? null : actor.provinceCode, filter.active ?? null, today];
  const limit = page ? ` limit ${page.pageSize} offset ${(page.page - 1) * page.pageSize}` : '';
  const rows = await db.query<{ id: string; kind: 'certificate' | 'package' | 'domain'; value: string; until_on: string; category: typeof REVOCATION_CATEGORIES[number]; reason: string; subject_name: string | null; service_number: string | null;
    province_code: string | null; created_at: Date; lifted_at: Date | null; lift_reason: string | null }>(
    `select b.id, b.kind, b.value, b.until_on::text, b.category, b.reason, sub.name as subject_name, s.service_number, b.province_code, b.created_at, b.lifted_at, b.lift_reason
       from blacklist_entries b left join services s on s.id = b.source_service_id left join subjects sub on sub.id = s.subject_id
      where ${where} order by b.created_at desc, b.id desc${limit}`, params);
  const items = rows.map((b) => ({
    id: b.id, kind: b.kind, value: b.kind === 'certificate' ? null : b.value, subjectName: b.subject_name, serviceNumber: b.service_number,
    untilOn: b.until_on, category: b.category, reason: b.reason, provinceCode: b.province_code, createdAt: b.created_at.toISOString(),
    liftedAt: b.lifted_at?.toISOString() ?? null, liftReason: b.lift_reason, active: isActive({ untilOn: b.until_on, liftedAt: b.lifted_at }, today),
  }));
  if (!page) return { items, total: items.length };
  const [count] = await db.query<{ total: number }>(`select count(*)::int as total from blacklist_entries b where ${where}`, params);
  return { items, total: count!.total, page: page.page, pageSize: page.pageSize };
}
