// Read queries of supervision (issue 14): campaigns with their progress, findings with filters
// and paging, rounds, orders. Every query takes the caller's visibility predicate from
// src/flows/supervision/scope.ts, so lists and single loads agree on who sees what.
import { loadCalendarOverrides } from '../../db/calendar.ts';
import type { Queryable } from '../../db/connection.ts';
import { createCalendar, type WorkingDayCalendar } from '../../domain/calendar.ts';
import type { Actor } from '../../domain/actors.ts';
import { chinaDate } from '../../domain/china-time.ts';
import { CAMPAIGN_MAX_DAYS, campaignCovers, campaignLastDay, campaignStatus, provinceOfUscc, type CampaignOrgKind } from '../../domain/supervision/campaigns.ts';
import { addDays, type IsoDate } from '../../domain/dates.ts';
import { emptyCounts, type OutcomeCounts } from '../../domain/supervision/findings.ts';
import { isOverdue, type ItemStatus } from '../../domain/supervision/orders.ts';
import type { OrganisationKind } from '../../domain/actors.ts';
import { attachmentsOf } from '../../flows/supervision/attachments.ts';
import { CAMPAIGN_COLUMNS, type CampaignRow, campaignVisible, findingVisible, isOrgStaff, isUuid, type OrgFacts, orderVisible } from '../../flows/supervision/scope.ts';

export function presentCampaign(c: CampaignRow, today: string) {
  return {
    id: c.id, name: c.name, kind: c.kind, provinceCodes: c.province_codes, orgKinds: c.org_kinds,
    startsOn: c.starts_on, catalogueDueOn: c.catalogue_due_on, endsOn: c.ends_on, createdAt: c.created_at.toISOString(),
    status: campaignStatus({ startsOn: c.starts_on, endsOn: c.ends_on, endedOn: c.ended_on }, today),
    // Ended early by the bureau (ADR 0018 addendum "Campaigns extended or ended early"): the day and why.
    endedOn: c.ended_on, endReason: c.end_reason,
    // The bureau that runs it (null: the ministry's), which may extend or end it.
    ownerProvinceCode: c.owner_province_code,
  };
}

/** The campaigns the actor sees, latest start first: one page (`total` counts them all), or every one without `page` (CSV). */
export async function listCampaigns(db: Queryable, actor: Actor, org: OrgFacts | null, page?: { page: number; pageSize: number }): Promise<{ rows: CampaignRow[]; total: number }> {
  const v = campaignVisible(actor, org, 1);
  const limit = page ? ` limit ${page.pageSize} offset ${(page.page - 1) * page.pageSize}` : '';
  const rows = await db.query<CampaignRow>(
    `select ${CAMPAIGN_COLUMNS} from campaigns c where ${v.sql} order by c.starts_on desc, c.created_at desc, c.id desc${limit}`, v.params);
  if (!page) return { rows, total: rows.length };
  const [count] = await db.query<{ total: number }>(`select count(*)::int as total from campaigns c where ${v.sql}`, v.params);
  return { rows, total: count!.total };
}

export interface SubmissionView { id: string; status: string; format: string; digest: string | null; received: number; accepted: number; rejected: number; findings: OutcomeCounts; startedAt: string; completedAt: string | null }

export async function currentSubmission(db: Queryable, campaignId: string, orgId: string): Promise<SubmissionView | null> {
  const [s] = await db.query<{ id: string; status: string; format: string; digest_sha256: string | null; received: number; accepted: number; rejected: number; counts: OutcomeCounts; started_at: Date; completed_at: Date | null }>(
    `select id, status, format, digest_sha256, received, accepted, rejected, counts, started_at, completed_at from catalogue_submissions
      where campaign_id = $1 and organisation_id = $2 and status = 'current'`, [campaignId, orgId]);
  if (!s) return null;
  return { id: s.id, status: s.status, format: s.format, digest: s.digest_sha256, received: s.received, accepted: s.accepted, rejected: s.rejected,
    findings: { ...emptyCounts(), ...s.counts }, startedAt: s.started_at.toISOString(), completedAt: s.completed_at?.toISOString() ?? null };
}

export async function submissionErrors(db: Queryable, submissionId: string, limit = 1000) {
  return db.query<{ line: number; field: string; code: string; message: string }>(
    'select line, field, code, message from catalogue_line_errors where submission_id = $1 order by line limit $2', [submissionId, limit]);
}

export interface FindingFilter { outcome?: string; organisationId?: string; notified?: boolean; resolved?: boolean; roundId?: string; q?: string }

const FINDING_COLUMNS = `f.id, f.campaign_id, f.organisation_id, o.name as organisation_name, o.kind as organisation_kind, f.line, f.platform, f.package_name, f.fp_algorithm, f.fingerprint,
  f.app_name, f.store_id, f.url, f.downloads, f.outcome, s.service_number, f.resolved_on::text, f.notified_at,
  (select coalesce(array_agg(r.number order by r.number), '{}') from round_findings rf join campaign_rounds r on r.id = rf.round_id where rf.finding_id = f.id) as rounds`;

interface FindingRow {
  id: string; campaign_id: string; organisation_id: string; organisation_name: string; organisation_kind: string; line: number; platform: string; package_name: string;
  fp_algorithm: string; fingerprint: string; app_name: string | null; store_id: string | null; url: string | null; downloads: string | null;
  outcome: string; service_number: string | null; resolved_on: string | null; notified_at: Date | null; rounds: number[];
}

export const presentFinding = (f: FindingRow) => ({
  id: f.id, campaignId: f.campaign_id, organisationId: f.organisation_id, organisationName: f.organisation_name, organisationKind: f.organisation_kind, line: f.line,
  platform: f.platform, packageName: f.package_name, fingerprint: f.fingerprint, fingerprintAlgorithm: f.fp_algorithm,
  appName: f.app_name, storeId: f.store_id, url: f.url, downloads: f.downloads === null ? null : Number(f.downloads),
  outcome: f.outcome, serviceNumber: f.service_number, resolvedOn: f.resolved_on, notifiedAt: f.notified_at?.toISOString() ?? null,
  rounds: f.rounds,
});
export const FINDING_CSV_COLUMNS = ['id', 'organisationName', 'line', 'platform', 'packageName', 'fingerprint', 'appName', 'storeId', 'url', 'downloads', 'outcome', 'serviceNumber', 'resolvedOn', 'notifiedAt', 'rounds'] as const;

function findingWhere(actor: Actor, campaignId: string, filter: FindingFilter) {
  const v = findingVisible(actor, 2);
  const params: unknown[] = [campaignId, ...v.params];
  const where = ['f.campaign_id = $1', v.sql, `sub.status = 'current'`];
  const add = (sql: (n: number) => string, value: unknown) => { params.push(value); where.push(sql(params.length)); };
  if (filter.outcome) add((n) => `f.outcome = $${n}`, filter.outcome);
  if (filter.organisationId) add((n) => `f.organisation_id = $${n}::uuid`, filter.organisationId);
  if (filter.roundId) add((n) => `exists (select 1 from round_findings rf where rf.finding_id = f.id and rf.round_id = $${n}::uuid)`, filter.roundId);
  if (filter.q) add((n) => `(f.package_name ilike $${n} or f.app_name ilike $${n})`, `%${filter.q.replace(/[\\%_]/g, '\\$&')}%`);
  if (filter.notified !== undefined) where.push(filter.notified ? 'f.notified_at is not null' : 'f.notified_at is null');
  if (filter.resolved !== undefined) where.push(filter.resolved ? 'f.resolved_on is not null' : 'f.resolved_on is null');
  return { where: where.join(' and '), params };
}

export async function listFindings(db: Queryable, actor: Actor, campaignId: string, filter: FindingFilter, page: { page: number; pageSize: number }) {
  const w = findingWhere(actor, campaignId, filter);
  const from = `from findings f join catalogue_submissions sub on sub.id = f.submission_id join organisations o on o.id = f.organisation_id left join services s on s.id = f.service_id`;
  const [{ total }] = await db.query<{ total: number }>(`select count(*)::int as total ${from} where ${w.where}`, w.params) as [{ total: number }];
  const rows = await db.query<FindingRow>(
    `select ${FINDING_COLUMNS} ${from} where ${w.where} order by o.name, f.line limit ${page.pageSize} offset ${(page.page - 1) * page.pageSize}`, w.params);
  return { items: rows.map(presentFinding), total, page: page.page, pageSize: page.pageSize };
}

/** Progress of a campaign as the caller may see it: catalogues, findings, notices, orders, by organisation. */
export async function campaignProgress(db: Queryable, actor: Actor, c: CampaignRow, now: Date) {
  const today = chinaDate(now);
  const orgs = await db.query<{ id: string; name: string; kind: OrganisationKind; uscc: string | null }>(
    `select id, name, kind, uscc from organisations where kind in ('access_provider', 'distribution_platform', 'device_maker') order by name`);
  const scope = { provinceCodes: c.province_codes, orgKinds: c.org_kinds as CampaignOrgKind[] };
  const inScope = orgs.filter((o) => {
    const p = provinceOfUscc(o.uscc);
    return campaignCovers(scope, { kind: o.kind, provinceCode: p }) && (actor.role !== 'bureau_reviewer' || p === actor.provinceCode);
  });
  const w = findingWhere(actor, c.id, {});
  const stats = await db.query<{ organisation_id: string; outcome: string; n: number; notified: number; resolved: number }>(
    `select f.organisation_id, f.outcome, count(*)::int as n, count(f.notified_at)::int as notified, count(f.resolved_on)::int as resolved
       from findings f join catalogue_submissions sub on sub.id = f.submission_id where ${w.where} group by 1, 2`, w.params);
  const subs = await db.query<{ organisation_id: string; received: number; accepted: number; rejected: number; counts: OutcomeCounts; completed_at: Date }>(
    `select organisation_id, received, accepted, rejected, counts, completed_at from catalogue_submissions where campaign_id = $1 and status = 'current'`, [c.id]);
  const subOf = new Map(subs.map((s) => [s.organisation_id, s]));
  const items = await orderItemStats(db, actor, c.id, today);
  const byOrganisation = inScope.map((o) => {
    const s = subOf.get(o.id);
    const mine = stats.filter((x) => x.organisation_id === o.id);
    const findings = emptyCounts();
    for (const m of mine) findings[m.outcome as keyof OutcomeCounts] += m.n;
    if (s) findings.filed = s.counts.filed ?? 0;
    return {
      organisationId: o.id, organisationName: o.name, catalogue: (s ? 'submitted' : today > c.catalogue_due_on ? 'overdue' : 'due') as 'submitted' | 'overdue' | 'due',
      submittedAt: s?.completed_at.toISOString() ?? null, received: s?.received ?? 0, findings,
      notified: mine.reduce((a, m) => a + m.notified, 0), open: mine.reduce((a, m) => a + m.n - m.notified, 0), resolved: mine.reduce((a, m) => a + m.resolved, 0),
    };
  });
  const totals = emptyCounts();
  for (const o of byOrganisation) for (const k of Object.keys(totals) as (keyof OutcomeCounts)[]) totals[k] += o.findings[k];
  const rounds = await db.query<{ id: string; number: number; respond_by: string; created_at: Date; findings: number; notified: number }>(
    `select r.id, r.number, r.respond_by::text, r.created_at, count(f.id)::int as findings, count(f.notified_at)::int as notified
       from campaign_rounds r join round_findings rf on rf.round_id = r.id join findings f on f.id = rf.finding_id
      where r.campaign_id = $1 and ${findingVisible(actor, 2).sql} group by r.id order by r.number`, [c.id, ...findingVisible(actor, 2).params]);
  const timeline = await campaignTimeline(db, actor, c, today, inScope.map((o) => o.id));
  return {
    campaign: presentCampaign(c, today),
    catalogues: { inScope: inScope.length, received: byOrganisation.filter((o) => o.catalogue === 'submitted').length, overdue: byOrganisation.filter((o) => o.catalogue === 'overdue').length },
    findings: totals,
    notified: byOrganisation.reduce((a, o) => a + o.notified, 0),
    notYetNotified: byOrganisation.reduce((a, o) => a + o.open, 0),
    resolved: byOrganisation.reduce((a, o) => a + o.resolved, 0),
    orders: items,
    byOrganisation,
    rounds: rounds.map((r) => ({ id: r.id, number: r.number, respondBy: r.respond_by, createdAt: r.created_at.toISOString(), findings: r.findings, notified: r.notified, notYet: r.findings - r.notified })),
    timeline,
  };
}

export type TimelineDay = { day: string; received: number; findings: number; notified: number; ordered: number; disposed: number; overdue: number };
export const TIMELINE_CSV_COLUMNS = ['day', 'received', 'findings', 'notified', 'ordered', 'disposed', 'overdue'] as const;

/**
 * The campaign day by day (China dates), from its start to today or its end, as the caller may see
 * it (the organisations in scope that it sees) — each figure cumulative at the end of the day: catalogues received (organisations with a
 * catalogue), findings of current catalogues, findings notified, order items issued, disposed
 * (confirmed done or accepted) and overdue (open past their due date that day).
 */
async function campaignTimeline(db: Queryable, actor: Actor, c: CampaignRow, today: string, organisationIds: string[]): Promise<TimelineDay[]> {
  const end = campaignLastDay({ endsOn: c.ends_on, endedOn: c.ended_on });
  const last = today < end ? today : end;
  if (last < c.starts_on) return [];
  // At most the last CAMPAIGN_MAX_DAYS days (campaigns are refused longer; one stored before that check stays readable).
  const first = addDays(last as IsoDate, -CAMPAIGN_MAX_DAYS) > c.starts_on ? addDays(last as IsoDate, -CAMPAIGN_MAX_DAYS) : c.starts_on;
  const fv = findingVisible(actor, 5);
  const ov = orderVisible(actor, 5 + fv.params.length);
  const day = (col: string) => `(${col} at time zone 'Asia/Shanghai')::date`;
  return db.query<TimelineDay>(
    `with days as (select d::date as day from generate_series($2::date, $3::date, interval '1 day') d),
          subs as (select s.organisation_id, min(${day('s.completed_at')}) as first_on from catalogue_submissions s
                    where s.campaign_id = $1 and s.status in ('current', 'replaced') and s.organisation_id = any($4::uuid[]) group by 1),
          fs as (select ${day('sub.completed_at')} as found_on, ${day('f.notified_at')} as notified_on from findings f join catalogue_submissions sub on sub.id = f.submission_id
                  where f.campaign_id = $1 and sub.status = 'current' and ${fv.sql}),
          items as (select ${day('o.created_at')} as ordered_on, ${day('i.done_at')} as done_on, o.due_on,
                           -- withdrawn items leave the figures from their withdrawal; an objection waiting for the bureau is not overdue
                           case when i.status = 'withdrawn' then ${day('i.decided_at')} when i.status = 'objected' then ${day('i.objected_at')} end as gone_on
                      from disposal_order_items i join disposal_orders o on o.id = i.order_id
                     where o.campaign_id = $1 and ${ov.sql})
     select d.day::text as day,
            (select count(*)::int from subs where first_on <= d.day) as received,
            (select count(*)::int from fs where found_on <= d.day) as findings,
            (select count(*)::int from fs where notified_on <= d.day) as notified,
            (select count(*)::int from items where ordered_on <= d.day) as ordered,
            (select count(*)::int from items where done_on <= d.day) as disposed,
            (select count(*)::int from items where ordered_on <= d.day and due_on < d.day and (done_on is null or done_on > d.day)
                and (gone_on is null or gone_on > d.day)) as overdue
       from days d order by d.day`,
    [c.id, first, last, organisationIds, ...fv.params, ...ov.params]);
}

async function orderItemStats(db: Queryable, actor: Actor, campaignId: string | null, today: string) {
  const v = orderVisible(actor, 2);
  const rows = await db.query<{ status: ItemStatus; due_on: string; n: number }>(
    `select i.status, o.due_on::text, count(*)::int as n from disposal_order_items i join disposal_orders o on o.id = i.order_id
      where ($1::uuid is null or o.campaign_id = $1) and ${v.sql} group by 1, 2`, [campaignId, ...v.params]);
  const out = { items: 0, open: 0, objected: 0, done: 0, accepted: 0, withdrawn: 0, overdue: 0 };
  for (const r of rows) {
    out.items += r.n;
    out[r.status] += r.n;
    if (isOverdue(r.status, r.due_on, today)) out.overdue += r.n;
  }
  return out;
}

export interface OrderFilter { overdue?: boolean; status?: ItemStatus; campaignId?: string; organisationId?: string; violationId?: string }

/** Orders the caller may see, each with its items; an item is `overdue` when open past its due date. */
export async function listOrders(db: Queryable, actor: Actor, filter: OrderFilter, now: Date, page: { page: number; pageSize: number }) {
  const today = chinaDate(now);
  const v = orderVisible(actor, 1);
  const params: unknown[] = [...v.params];
  const where = [v.sql];
  const add = (sql: (n: number) => string, value: unknown) => { params.push(value); where.push(sql(params.length)); };
  if (filter.campaignId) add((n) => `o.campaign_id = $${n}::uuid`, filter.campaignId);
  if (filter.organisationId) add((n) => `o.organisation_id = $${n}::uuid`, filter.organisationId);
  if (filter.violationId) add((n) => `o.violation_id = $${n}::uuid`, filter.violationId);
  if (filter.status) add((n) => `exists (select 1 from disposal_order_items i where i.order_id = o.id and i.status = $${n})`, filter.status);
  if (filter.overdue) add((n) => `o.due_on < $${n}::date and exists (select 1 from disposal_order_items i where i.order_id = o.id and i.status = 'open')`, today);
  const [{ total }] = await db.query<{ total: number }>(`select count(*)::int as total from disposal_orders o where ${where.join(' and ')}`, params) as [{ total: number }];
  const orders = await db.query<{ id: string; organisation_id: string; organisation_name: string; campaign_id: string | null; violation_id: string | null; measure: string; reason: string; ordered_on: string; due_on: string; due_in_working_days: number; province_code: string | null; created_at: Date }>(
    `select o.id, o.organisation_id, org.name as organisation_name, o.campaign_id, o.violation_id, o.measure, o.reason, o.ordered_on::text, o.due_on::text, o.due_in_working_days,
            o.province_code, o.created_at
       from disposal_orders o join organisations org on org.id = o.organisation_id where ${where.join(' and ')}
      order by o.created_at desc, o.id desc limit ${page.pageSize} offset ${(page.page - 1) * page.pageSize}`, params);
  const items = orders.length ? await db.query<{
    id: string; order_id: string; finding_id: string | null; service_number: string | null; platform: string | null; package_name: string | null; status: ItemStatus;
    evidence: string | null; attachments: unknown; done_at: Date | null; decided_at: Date | null; reopen_reason: string | null;
    objection_ground: string | null; objection_note: string | null; objection_due_requested: string | null; objected_at: Date | null; answer_note: string | null;
  }>(
    `select id, order_id, finding_id, service_number, platform, package_name, status, evidence, attachments, done_at, decided_at, reopen_reason,
            objection_ground, objection_note, objection_due_requested::text, objected_at, answer_note
       from disposal_order_items where order_id = any($1::uuid[]) order by order_id, id`, [orders.map((o) => o.id)]) : [];
  const files = await attachmentsOf(db, items.map((i) => i.id));
  // A due date counted into a year without an official holiday schedule is provisional (ADR 0011).
  const overrides = await loadCalendarOverrides(db);
  const calendars = new Map<string, WorkingDayCalendar>();
  const cal = (p: string | null) => calendars.get(p ?? '') ?? calendars.set(p ?? '', createCalendar({ overrides, ...(p ? { provinceCode: p } : {}) })).get(p ?? '')!;
  const provisional = (o: { province_code: string | null; ordered_on: string; due_on: string }) => {
    try { return cal(o.province_code).provisionalYears(o.ordered_on, o.due_on).length > 0; } catch { return true; }
  };
  const filesBase = isOrgStaff(actor) ? '/api/org/orders' : '/api/bureau/orders';
  return {
    total, page: page.page, pageSize: page.pageSize,
    items: orders.map((o) => {
      const mine = items.filter((i) => i.order_id === o.id).map((i) => ({
        files: (files.get(i.id) ?? []).map((f) => ({ ...f, url: `${filesBase}/${o.id}/items/${i.id}/attachments/${f.id}` })),
        id: i.id, findingId: i.finding_id, serviceNumber: i.service_number, platform: i.platform, packageName: i.package_name, status: i.status,
        overdue: isOverdue(i.status, o.due_on, today), evidence: i.evidence, attachments: i.attachments as { name: string; url?: string; sha256?: string }[], doneAt: i.done_at?.toISOString() ?? null,
        decidedAt: i.decided_at?.toISOString() ?? null, reopenReason: i.reopen_reason,
        // The organisation's last objection (kept after the bureau's answer) and the bureau's words on upholding or withdrawing.
        objection: i.objection_ground ? { ground: i.objection_ground, note: i.objection_note, requestedDueOn: i.objection_due_requested, at: i.objected_at!.toISOString() } : null,
        answerNote: i.answer_note,
      }));
      return {
        id: o.id, organisationId: o.organisation_id, organisationName: o.organisation_name, campaignId: o.campaign_id, violationId: o.violation_id,
        measure: o.measure, reason: o.reason, orderedOn: o.ordered_on, dueOn: o.due_on, dueProvisional: provisional(o), dueInWorkingDays: o.due_in_working_days, createdAt: o.created_at.toISOString(),
        overdue: mine.some((i) => i.overdue), items: mine,
      };
    }),
  };
}

export { orderItemStats };

/** One step of an order's history as its parties read it (the order's and its items' history rows, allowlisted). */
export interface OrderStep {
  at: string; action: string; itemId: string | null; item: string | null; from: string | null; to: string | null; actorRole: string;
  note: string | null; ground: string | null; dueOn: string | null; previousDueOn: string | null; file: string | null;
}

/**
 * The history of an order the caller may see (null otherwise): its issue, new dates, follow-ups, and each
 * item's confirmations, objections and the bureau's answers — the words each party wrote and the dates,
 * never who by name, no attachment digests or ids beyond the item's.
 */
export async function orderHistory(db: Queryable, actor: Actor, orderId: string): Promise<OrderStep[] | null> {
  if (!isUuid(orderId)) return null;
  const v = orderVisible(actor, 2);
  const [o] = await db.query<{ id: string }>(`select o.id from disposal_orders o where o.id = $1 and ${v.sql}`, [orderId, ...v.params]);
  if (!o) return null;
  const rows = await db.query<{ entity_type: string; entity_id: string; action: string; from_status: string | null; to_status: string | null; actor_role: string; at: Date; reason: Record<string, unknown> | null; label: string | null }>(
    `select h.entity_type, h.entity_id, h.action, h.from_status, h.to_status, h.actor_role, h.at, h.reason,
            coalesce(i.package_name, i.service_number) as label
       from history h left join disposal_order_items i on h.entity_type = 'disposal_order_item' and i.id = h.entity_id
      where (h.entity_type = 'disposal_order' and h.entity_id = $1) or (h.entity_type = 'disposal_order_item' and i.order_id = $1)
      order by h.at, h.id`, [orderId]);
  const text = (v: unknown) => (typeof v === 'string' && v ? v : null);
  return rows.map((r) => {
    const x = r.reason ?? {};
    return {
      at: r.at.toISOString(), action: r.action, itemId: r.entity_type === 'disposal_order_item' ? r.entity_id : null, item: r.label,
      from: r.from_status, to: r.to_status, actorRole: r.actor_role,
      note: text(x.reason) ?? text(x.evidence) ?? text(x.note), ground: text(x.ground),
      dueOn: text(x.new) ?? text(x.dueOn) ?? text(x.requestedDueOn), previousDueOn: text(x.old), file: r.action === 'attach' ? text(x.name) : null,
    };
  });
}
