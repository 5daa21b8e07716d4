// Read queries for the application lists: the host's own, a provider's queue, a bureau's
// queue ordered by deadline (provisional ones included) with the working days left (overrides honoured).
import type { Queryable } from '../../db/connection.ts';
import { loadCalendarOverrides } from '../../db/calendar.ts';
import type { Actor } from '../../domain/actors.ts';
import { type CalendarOverride, createCalendar, type WorkingDayCalendar } from '../../domain/calendar.ts';
import { chinaDate } from '../../domain/china-time.ts';
import { type ApplicationRow, visibleTo } from '../../flows/applications.ts';
import { deadlineFields } from '../presenters/deadline.ts';
import { recordStatuses } from './record-status.ts';

interface Decided { subject_name: string | null; record_number: string | null; decided_by: string | null }

export interface ListOptions {
  status?: string; page: number; pageSize: number;
  /** `deadline`: the bureau's queue, earliest deadline first; `decided`: its decisions, latest first. */
  order: 'updated' | 'deadline' | 'decided';
  applicationType?: string;
  /** Only this province's (the ministry's filter of the national queue). */
  province?: string;
  /** Only those sent to a bureau (the bureau queue; the ministry otherwise sees drafts too). */
  sentToBureau?: boolean;
}

export async function listApplications(db: Queryable, actor: Actor, o: ListOptions, now: Date) {
  const v = visibleTo(actor, 1);
  const params: unknown[] = [...v.params];
  let where = v.sql;
  if (o.status) { params.push(o.status); where += ` and a.status = $${params.length}`; }
  if (o.province) { params.push(o.province); where += ` and a.province_code = $${params.length}`; }
  if (o.applicationType) { params.push(o.applicationType); where += ` and a.application_type = $${params.length}`; }
  if (o.sentToBureau) where += ' and a.sent_to_bureau_at is not null';
  const order = o.order === 'deadline' ? 'a.deadline_on asc nulls last, a.sent_to_bureau_at asc'
    : o.order === 'decided' ? 'a.decided_at desc nulls last' : 'a.updated_at desc';
  const [{ total }] = await db.query<{ total: number }>(`select count(*)::int as total from applications a where ${where}`, params) as [{ total: number }];
  const rows = await db.query<ApplicationRow & Decided>(
    `select a.*, coalesce(sub.name, a.materials->'subject'->>'name') as subject_name,
            case when a.application_type = 'change_subject' then sub.main_number else s.service_number end as record_number,
            d.actor_name as decided_by
       from applications a left join subjects sub on sub.id = a.subject_id left join services s on s.id = a.service_id
       left join lateral (select u.display_name as actor_name from history h left join users u on u.id = h.actor_user_id
                          where h.application_id = a.id and h.action in ('bureau_approve', 'bureau_reject') order by h.id desc limit 1) d on true
      where ${where} order by ${order}, a.id limit ${o.pageSize} offset ${(o.page - 1) * o.pageSize}`, params);
  const calendars = await calendarsFor(db);
  const records = await recordStatuses(db, rows.map((a) => a.id));
  const today = chinaDate(now);
  return {
    items: rows.map((a) => {
      const left = remaining(calendars(a.province_code), today, a.deadline_on);
      return {
        id: a.id, applicationType: a.application_type, serviceType: a.service_type, serviceName: a.service_name, status: a.status,
        provinceCode: a.province_code, submitterOrgId: a.submitter_org_id, submittedAt: a.submitted_at?.toISOString() ?? null,
        receivedOn: a.received_on, deadlineOn: a.deadline_on, ...deadlineFields(a, calendars(a.province_code)),
        remainingWorkingDays: a.status === 'bureau_review' ? left : null,
        // Past the deadline's day, working or not: a Friday deadline is missed on Saturday, when no
        // working day has passed yet (remainingWorkingDays 0, overdue true).
        overdue: a.status === 'bureau_review' && a.deadline_on !== null && a.deadline_on < today,
        updatedAt: a.updated_at.toISOString(),
        recordStatus: records.get(a.id) ?? null,
        // Which row is which (issue: two rows of one service looked identical): the subject, and once
        // decided by the bureau, when, by whom and the number (a rejected one has none).
        subjectName: a.subject_name ?? null,
        decidedAt: a.decided_at?.toISOString() ?? null,
        decidedBy: a.decided_by ?? null,
        number: a.status === 'approved' ? a.record_number ?? null : null,
      };
    }),
    total, page: o.page, pageSize: o.pageSize,
  };
}

async function calendarsFor(db: Queryable) {
  const overrides: CalendarOverride[] = await loadCalendarOverrides(db);
  const cache = new Map<string, WorkingDayCalendar>();
  return (province: string | null) => {
    const key = province ?? '';
    if (!cache.has(key)) cache.set(key, createCalendar({ overrides, ...(province ? { provinceCode: province } : {}) }));
    return cache.get(key)!;
  };
}

/** Working days from today to the deadline: 0 on the day itself, negative when overdue. */
function remaining(cal: WorkingDayCalendar, today: string, deadline: string | null): number | null {
  if (!deadline) return null;
  try { return cal.workingDaysBetween(today, deadline); } catch { return null; }
}
