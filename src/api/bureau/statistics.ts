// GET /api/bureau/statistics: the supervision dashboard's figures for the reviewer's own
// province (issue 6 item 5): applications received and decided per day, filings per day,
// the same by service type, review time in working days against the 20-working-day limit
// (Order 33 Art. 12, DOMAIN.md §4.1 step 5), and the age of the current queue. Read-only
// queries; working days use each application's province's calendar with its overrides.
// The ministry reads the same figures for all provinces (provinceCode null) or one (`province`).
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Queryable } from '../../db/connection.ts';
import { loadCalendarOverrides } from '../../db/calendar.ts';
import { createCalendar, decidedLate, type WorkingDayCalendar } from '../../domain/calendar.ts';
import { chinaDate } from '../../domain/china-time.ts';
import { addDays, daysBetween, type IsoDate } from '../../domain/dates.ts';
import { NamedError } from '../../domain/errors.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requireActor } from '../auth/index.ts';
import { sendCsv } from '../supervision/csv.ts';
import { isoDay } from '../schemas/dates.ts';
import { provinceParam, readScope } from './scope.ts';

export const REVIEW_LIMIT_WORKING_DAYS = 20;
const MAX_RANGE_DAYS = 366;
const SERVICE_TYPES = ['app', 'mini_program', 'quick_app', 'website'] as const;
/** Queue age buckets, in working days since receipt. */
const AGE_BUCKETS = [[0, 5], [6, 10], [11, 15], [16, 20], [21, null]] as const;

const day = isoDay;
const counts = { received: z.number(), approved: z.number(), rejected: z.number(), filed: z.number() };
export const statisticsView = z.object({
  provinceCode: z.string().nullable().describe('null: all provinces (the ministry without a filter)'), from: z.string(), to: z.string(), today: z.string(), limitWorkingDays: z.number(),
  perDay: z.array(z.object({ day: z.string(), ...counts })),
  byServiceType: z.array(z.object({ serviceType: z.string(), ...counts })),
  reviewTime: z.object({
    decisions: z.number(), withinLimit: z.number(), overLimit: z.number(), medianWorkingDays: z.number().nullable(), maxWorkingDays: z.number().nullable(),
    histogram: z.array(z.object({ workingDays: z.number(), count: z.number() })).describe('decisions by working days from receipt to decision'),
  }),
  queue: z.object({
    total: z.number(), overdue: z.number(), dueWithin5: z.number(),
    ages: z.array(z.object({ label: z.string(), minWorkingDays: z.number(), maxWorkingDays: z.number().nullable(), count: z.number() })),
  }),
  // supervision (issue 14): violation reports of the province by status, and its disposal order items
  supervision: z.object({
    violations: z.record(z.string(), z.number()).describe('reports of hosts in the province, by status'),
    disposals: z.object({ items: z.number(), open: z.number(), objected: z.number(), done: z.number(), accepted: z.number(), withdrawn: z.number(), overdue: z.number() }),
    perDay: z.array(z.object({ day: z.string(), violationsReported: z.number(), violationsDecided: z.number(), disposalsOrdered: z.number(), disposalsDone: z.number() }))
      .describe('per day of the range: violation reports received and decided (disposal ordered, revoked, closed), disposal order items issued and confirmed done'),
  }),
  byProvince: z.array(z.object({
    provinceCode: z.string(), queue: z.number(), overdue: z.number(), dueWithin5: z.number(), decisions: z.number(), overLimit: z.number(),
    violationsOpen: z.number(), disposalsOverdue: z.number(),
  })).nullable().describe('the national figures only (provinceCode null): each province with something to show — its queue, overdue and due within 5 working days now; '
    + 'decisions in the range and those past the limit; violation reports waiting (received, more requested); disposal order items open past their date. Most overdue first'),
});
type Statistics = z.infer<typeof statisticsView>;

/** The dashboard's day-by-day table as CSV: the filing figures and the supervision figures of each day. */
export const STATISTICS_CSV_COLUMNS = ['day', 'received', 'approved', 'rejected', 'filed', 'violationsReported', 'violationsDecided', 'disposalsOrdered', 'disposalsDone'] as const;
export function statisticsRows(s: Statistics) {
  const sup = new Map(s.supervision.perDay.map((d) => [d.day, d]));
  return s.perDay.map((d) => ({ ...d, ...sup.get(d.day) }));
}
type Counts = { received: number; approved: number; rejected: number; filed: number };
const zero = (): Counts => ({ received: 0, approved: 0, rejected: 0, filed: 0 });

export const bureauStatisticsRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.get('/api/bureau/statistics', {
    onRequest: requireActor('bureau_reviewer', 'ministry_admin'),
    schema: {
      tags: ['bureau'], summary: "Supervision figures for my province (default: the last 30 days); the ministry: all provinces' or one's",
      querystring: z.object({ from: day.optional(), to: day.optional(), province: provinceParam }),
      response: { 200: statisticsView },
    },
  }, async (req) => statisticsFor(req.reads, req.query, readScope(actorOf(req), req.query.province)));
  // The same range as a table (every table of the dashboards exports CSV, issue 14 item 8).
  app.get('/api/bureau/statistics.csv', {
    onRequest: requireActor('bureau_reviewer', 'ministry_admin'),
    schema: { tags: ['bureau'], summary: 'The supervision figures of my province per day, as CSV (the ministry: all provinces or `province`)', querystring: z.object({ from: day.optional(), to: day.optional(), province: provinceParam }) },
  }, async (req, reply) => {
    const s = await statisticsFor(req.reads, req.query, readScope(actorOf(req), req.query.province));
    return sendCsv(reply, `statistics-${s.provinceCode ?? 'national'}-${s.from}-${s.to}`, STATISTICS_CSV_COLUMNS, statisticsRows(s));
  });

  async function statisticsFor(reads: Queryable, query: { from?: string; to?: string }, province: string | null) {
    const today = chinaDate(ctx.now());
    const to = (query.to ?? today) as IsoDate;
    const from = (query.from ?? addDays(to, -29)) as IsoDate;
    if (from > to) throw new NamedError('invalid_range', 'invalid', 'from is after to', [{ field: 'querystring.from', code: 'invalid_range', message: 'from must not be after to' }]);
    if (daysBetween(from, to) >= MAX_RANGE_DAYS) throw new NamedError('invalid_range', 'invalid', `at most ${MAX_RANGE_DAYS} days`, [{ field: 'querystring.from', code: 'range_too_long', message: `at most ${MAX_RANGE_DAYS} days` }]);
    return statistics(reads, await calendars(reads), province, from, to, today);
  }
};

/** Each province's working-day calendar (its own overrides honoured), built once per request. */
type Calendars = (province: string | null) => WorkingDayCalendar;
async function calendars(db: Queryable): Promise<Calendars> {
  const overrides = await loadCalendarOverrides(db);
  const cache = new Map<string, WorkingDayCalendar>();
  return (province) => {
    const key = province ?? '';
    if (!cache.has(key)) cache.set(key, createCalendar({ overrides, ...(province ? { provinceCode: province } : {}) }));
    return cache.get(key)!;
  };
}

async function statistics(db: Queryable, cal: Calendars, province: string | null, from: IsoDate, to: IsoDate, today: IsoDate) {
  const perDay = new Map<string, Counts>();
  for (let d = from; d <= to; d = addDays(d, 1)) perDay.set(d, zero());
  const byType = new Map<string, Counts>(SERVICE_TYPES.map((t) => [t, zero()]));
  const bump = (d: string, type: string, k: keyof Counts, n = 1) => {
    const row = perDay.get(d);
    if (row) row[k] += n;
    const t = byType.get(type) ?? byType.set(type, zero()).get(type)!;
    t[k] += n;
  };
  const events = await db.query<{ d: string; service_type: string; kind: 'received' | 'approved' | 'rejected'; n: number }>(
    `select to_char(h.at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as d, a.service_type,
            case when h.action = 'bureau_approve' then 'approved' when h.action = 'bureau_reject' then 'rejected' else 'received' end as kind,
            count(*)::int as n
     from history h join applications a on a.id = h.application_id
     where ($1::char(6) is null or a.province_code = $1::char(6)) and h.entity_type = 'application'
       and (h.action in ('bureau_approve', 'bureau_reject') or (h.to_status = 'bureau_review' and h.from_status is distinct from 'bureau_review'))
       and (h.at at time zone 'Asia/Shanghai')::date between $2::date and $3::date
     group by 1, 2, 3`, [province, from, to]);
  for (const e of events) bump(e.d, e.service_type, e.kind, e.n);
  const filed = await db.query<{ d: string; service_type: string; n: number }>(
    `select to_char(s.filed_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as d, s.service_type, count(*)::int as n
     from services s join subjects j on j.id = s.subject_id
     where ($1::char(6) is null or j.province_code = $1::char(6)) and (s.filed_at at time zone 'Asia/Shanghai')::date between $2::date and $3::date
     group by 1, 2`, [province, from, to]);
  for (const f of filed) bump(f.d, f.service_type, 'filed', f.n);
  const { perProvince: decidedBy, ...reviewTimes } = await reviewTime(db, cal, province, from, to);
  const { perProvince: queuedBy, ...queue } = await queueAge(db, cal, province, today);
  return {
    provinceCode: province, from, to, today, limitWorkingDays: REVIEW_LIMIT_WORKING_DAYS,
    perDay: [...perDay].map(([d, c]) => ({ day: d, ...c })),
    byServiceType: [...byType].map(([serviceType, c]) => ({ serviceType, ...c })),
    reviewTime: reviewTimes,
    queue,
    supervision: await supervisionFigures(db, province, from, to, today),
    // The ministry's national view: which bureau is behind, without opening 31 provinces one by one.
    byProvince: province === null ? await provinceBreakdown(db, queuedBy, decidedBy, today) : null,
  };
}

type Tally = Map<string, Record<string, number>>;
const tally = (m: Tally, province: string | null, key: string, n = 1) => {
  if (!province) return;
  const row = m.get(province) ?? m.set(province, {}).get(province)!;
  row[key] = (row[key] ?? 0) + n;
};

/** Each province's queue and decisions (tallied by queueAge and reviewTime) with its waiting reports and overdue disposals. */
async function provinceBreakdown(db: Queryable, queued: Tally, decided: Tally, today: IsoDate) {
  const rows: Tally = new Map();
  for (const m of [queued, decided]) for (const [p, r] of m) for (const [k, n] of Object.entries(r)) tally(rows, p, k, n);
  const v = await db.query<{ province_code: string; n: number }>(
    `select province_code, count(*)::int as n from violation_reports where status in ('received', 'more_requested') group by 1`);
  for (const r of v) tally(rows, r.province_code, 'violationsOpen', r.n);
  const d = await db.query<{ province_code: string; n: number }>(
    `select o.province_code, count(*)::int as n from disposal_order_items i join disposal_orders o on o.id = i.order_id
      where i.status = 'open' and o.due_on < $1::date and o.province_code is not null group by 1`, [today]);
  for (const r of d) tally(rows, r.province_code, 'disposalsOverdue', r.n);
  return [...rows].map(([provinceCode, r]) => ({
    provinceCode, queue: r.queue ?? 0, overdue: r.overdue ?? 0, dueWithin5: r.dueWithin5 ?? 0, decisions: r.decisions ?? 0, overLimit: r.overLimit ?? 0,
    violationsOpen: r.violationsOpen ?? 0, disposalsOverdue: r.disposalsOverdue ?? 0,
  })).sort((a, b) => b.overdue - a.overdue || b.disposalsOverdue - a.disposalsOverdue || b.queue - a.queue || a.provinceCode.localeCompare(b.provinceCode));
}

/** Violation reports by status and disposal order items (open past the due date = overdue) of the province (issue 14). */
async function supervisionFigures(db: Queryable, province: string | null, from: IsoDate, to: IsoDate, today: IsoDate) {
  const v = await db.query<{ status: string; n: number }>('select status, count(*)::int as n from violation_reports where ($1::char(6) is null or province_code = $1::char(6)) group by 1', [province]);
  const violations: Record<string, number> = { received: 0, more_requested: 0, disposal_ordered: 0, revoked: 0, closed: 0 };
  for (const r of v) violations[r.status] = r.n;
  const [d] = await db.query<{ items: number; open: number; objected: number; done: number; accepted: number; withdrawn: number; overdue: number }>(
    `select count(*)::int as items, count(*) filter (where i.status = 'open')::int as open, count(*) filter (where i.status = 'objected')::int as objected,
            count(*) filter (where i.status = 'done')::int as done, count(*) filter (where i.status = 'accepted')::int as accepted,
            count(*) filter (where i.status = 'withdrawn')::int as withdrawn, count(*) filter (where i.status = 'open' and o.due_on < $2::date)::int as overdue
       from disposal_order_items i join disposal_orders o on o.id = i.order_id where ($1::char(6) is null or o.province_code = $1::char(6))`, [province, today]);
  const chinaDay = (col: string) => `(${col} at time zone 'Asia/Shanghai')::date`;
  const perDay = await db.query<{ day: string; violationsReported: number; violationsDecided: number; disposalsOrdered: number; disposalsDone: number }>(
    `select d::date::text as day,
            (select count(*)::int from violation_reports r where ($1::char(6) is null or r.province_code = $1::char(6)) and ${chinaDay('r.created_at')} = d::date) as "violationsReported",
            (select count(*)::int from violation_steps st join violation_reports r on r.id = st.violation_id
              where ($1::char(6) is null or r.province_code = $1::char(6)) and st.action in ('order_disposal', 'revoke', 'close') and ${chinaDay('st.at')} = d::date) as "violationsDecided",
            (select count(*)::int from disposal_order_items i join disposal_orders o on o.id = i.order_id
              where ($1::char(6) is null or o.province_code = $1::char(6)) and ${chinaDay('o.created_at')} = d::date) as "disposalsOrdered",
            (select count(*)::int from disposal_order_items i join disposal_orders o on o.id = i.order_id
              where ($1::char(6) is null or o.province_code = $1::char(6)) and ${chinaDay('i.done_at')} = d::date) as "disposalsDone"
       from generate_series($2::date, $3::date, interval '1 day') d order by 1`, [province, from, to]);
  return { violations, disposals: d!, perDay };
}

/** Working days from the latest receipt to each decision taken in the range. */
async function reviewTime(db: Queryable, calOf: Calendars, province: string | null, from: IsoDate, to: IsoDate) {
  const rows = await db.query<{ decided: string; received: string | null; province_code: string | null }>(
    `select to_char(h.at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as decided, a.province_code,
            (select to_char(max(r.at) at time zone 'Asia/Shanghai', 'YYYY-MM-DD') from history r
              where r.application_id = h.application_id and r.to_status = 'bureau_review' and r.from_status is distinct from 'bureau_review' and r.at <= h.at) as received
     from history h join applications a on a.id = h.application_id
     where ($1::char(6) is null or a.province_code = $1::char(6)) and h.action in ('bureau_approve', 'bureau_reject')
       and (h.at at time zone 'Asia/Shanghai')::date between $2::date and $3::date`, [province, from, to]);
  // Late: decided after the deadline's day — also on the weekend after a Friday deadline, when no
  // working day has passed yet (as the queue's `overdue`).
  const perProvince: Tally = new Map();
  const decided = rows.flatMap((r) => {
    if (!r.received) return [];
    const cal = calOf(r.province_code);
    const n = safeBetween(cal, r.received as IsoDate, r.decided as IsoDate);
    if (n === null) return [];
    const late = n > REVIEW_LIMIT_WORKING_DAYS || decidedLate(cal, r.received as IsoDate, r.decided as IsoDate, REVIEW_LIMIT_WORKING_DAYS);
    tally(perProvince, r.province_code, 'decisions');
    if (late) tally(perProvince, r.province_code, 'overLimit');
    return [{ n, late }];
  });
  const days = decided.map((d) => d.n).sort((a, b) => a - b);
  const histogram = new Map<number, number>();
  for (const n of days) histogram.set(n, (histogram.get(n) ?? 0) + 1);
  return {
    decisions: days.length,
    withinLimit: decided.filter((d) => !d.late).length,
    overLimit: decided.filter((d) => d.late).length,
    medianWorkingDays: days.length ? days[Math.floor((days.length - 1) / 2)]! : null,
    maxWorkingDays: days.length ? days[days.length - 1]! : null,
    histogram: [...histogram].map(([workingDays, count]) => ({ workingDays, count })),
    perProvince,
  };
}

/** The applications under review now, by working days since receipt. */
async function queueAge(db: Queryable, calOf: Calendars, province: string | null, today: IsoDate) {
  const rows = await db.query<{ received_on: string | null; deadline_on: string | null; province_code: string | null }>(
    `select province_code, to_char(received_on, 'YYYY-MM-DD') as received_on, to_char(deadline_on, 'YYYY-MM-DD') as deadline_on
     from applications where ($1::char(6) is null or province_code = $1::char(6)) and status = 'bureau_review'`, [province]);
  const ages = AGE_BUCKETS.map(([min, max]) => ({ label: max === null ? `>${min - 1}` : `${min}–${max}`, minWorkingDays: min, maxWorkingDays: max, count: 0 }));
  let overdue = 0, dueWithin5 = 0;
  const perProvince: Tally = new Map();
  for (const r of rows) {
    const cal = calOf(r.province_code);
    const age = r.received_on ? safeBetween(cal, r.received_on as IsoDate, today) ?? 0 : 0;
    ages.find((b) => age >= b.minWorkingDays && (b.maxWorkingDays === null || age <= b.maxWorkingDays))!.count += 1;
    const left = r.deadline_on ? safeBetween(cal, today, r.deadline_on as IsoDate) : null;
    tally(perProvince, r.province_code, 'queue');
    if (r.deadline_on !== null && r.deadline_on < today) { overdue += 1; tally(perProvince, r.province_code, 'overdue'); } // past the day, working or not
    else if (left !== null && left <= 5) { dueWithin5 += 1; tally(perProvince, r.province_code, 'dueWithin5'); }
  }
  return { total: rows.length, overdue, dueWithin5, ages, perProvince };
}

/** Before 2004 or after 2099 there is no answer; later unpublished years count provisionally (ADR 0011). */
function safeBetween(cal: WorkingDayCalendar, a: IsoDate, b: IsoDate): number | null {
  try { return cal.workingDaysBetween(a, b); } catch { return null; }
}
