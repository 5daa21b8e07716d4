// Importing a year's official holiday schedule (issue 12 part 1; ADR 0011): the ministry
// loads the State Council's schedule (as chinese-days publishes it, or a small JSON) before the
// package has it. The year becomes official: its national day overrides are replaced by the
// file's days and a `year_published` row is set; every running bureau deadline whose count
// touches the year is recomputed (history per application), and each bureau whose deadlines
// moved is told by email through the outbox. `planCalendarImport` is the preview: the same
// computation, nothing written.
import type { Queryable } from '../db/connection.ts';
import { loadCalendarOverrides } from '../db/calendar.ts';
import type { Actor } from '../domain/actors.ts';
import { type CalendarOverride, createCalendar } from '../domain/calendar.ts';
import { type DayChange, dayChanges, parseScheduleFile, scheduleOverrides, type YearSchedule } from '../domain/calendar-import.ts';
import { yearOf } from '../domain/dates.ts';
import { NamedError } from '../domain/errors.ts';
import { noticeDeadlinesMoved } from '../notify/calendar-notices.ts';
import type { FlowContext } from './context.ts';
import { applyDeadlineMoves, calendarsFor, type DeadlineMove, deadlineMoves } from './deadline-moves.ts';
import { recordHistory } from './history.ts';
import { applyOrderDueMoves, type OrderDueMove, orderDueMoves } from './supervision/order-due-dates.ts';

export type { DeadlineMove } from './deadline-moves.ts';

export interface CalendarImportInput { content: string; source: string; year?: number }

export interface CalendarImportPlan {
  year: number; format: YearSchedule['format']; holidays: string[]; workdays: string[];
  /** Days whose national working status changes with the import. */
  days: DayChange[];
  /** National overrides of the year that the file replaces (entered by hand before). */
  replacedOverrides: number;
  deadlines: DeadlineMove[];
  /** Disposal orders with an item still open whose due date the schedule moves. */
  orders: OrderDueMove[];
}

const inYear = (o: CalendarOverride, year: number) =>
  o.kind === 'year_published' ? o.year === year : o.provinceCode === undefined && yearOf(o.date) === year;

async function plan(db: Queryable, schedule: YearSchedule, forUpdate: boolean): Promise<CalendarImportPlan & { next: CalendarOverride[] }> {
  const { year } = schedule;
  const current = await loadCalendarOverrides(db);
  const next: CalendarOverride[] = [...current.filter((o) => !inYear(o, year)), ...scheduleOverrides(schedule), { kind: 'year_published', year }];
  const days = dayChanges(createCalendar({ overrides: current }), createCalendar({ overrides: next }), year);
  const after = calendarsFor(next);
  const deadlines: DeadlineMove[] = await deadlineMoves(db, after, year, { forUpdate });
  const orders = await orderDueMoves(db, after, year, { forUpdate });
  const replacedOverrides = current.filter((o) => o.kind !== 'year_published' && inYear(o, year)).length;
  return { year, format: schedule.format, holidays: schedule.holidays, workdays: schedule.workdays, days, replacedOverrides, deadlines, orders, next };
}

function authorise(actor: Actor) {
  if (actor.role !== 'ministry_admin' && actor.role !== 'system') {
    throw new NamedError('action_not_allowed', 'forbidden', 'only the ministry imports the national holiday schedule');
  }
}

/** What an import would change; writes nothing. */
export async function planCalendarImport(ctx: FlowContext, actor: Actor, input: CalendarImportInput): Promise<CalendarImportPlan> {
  authorise(actor);
  const { next: _next, ...preview } = await plan(ctx.db, parseScheduleFile(input.content, input.year), false);
  return preview;
}

export async function importCalendar(ctx: FlowContext, actor: Actor, input: CalendarImportInput): Promise<CalendarImportPlan & { importId: string }> {
  authorise(actor);
  const schedule = parseScheduleFile(input.content, input.year);
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    // One import at a time: the plan reads the overrides it then replaces.
    await tx.query('lock table calendar_imports in exclusive mode');
    const { next: _next, ...p } = await plan(tx, schedule, true);
    const note = `imported ${input.source}`.slice(0, 200);
    await tx.query(
      `delete from calendar_overrides where province_code is null and kind in ('holiday', 'workday') and extract(year from day) = $1`, [p.year]);
    for (const o of scheduleOverrides(schedule)) {
      await tx.query(`insert into calendar_overrides (day, kind, note, created_by, created_at) values ($1, $2, $3, $4, $5)`, [o.date, o.kind, note, actor.userId, now]);
    }
    await tx.query(
      `insert into calendar_overrides (day, kind, note, created_by, created_at) values ($1, 'year_published', $2, $3, $4) on conflict do nothing`,
      [`${p.year}-01-01`, note, actor.userId, now]);
    const [row] = await tx.query<{ id: string }>(
      `insert into calendar_imports (year, source, format, holidays, workdays, deadlines_moved, imported_by, imported_at)
       values ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8) returning id`,
      [p.year, input.source.slice(0, 200) || 'upload', p.format, JSON.stringify(p.holidays), JSON.stringify(p.workdays), p.deadlines.length, actor.userId, now]);
    const importId = row!.id;
    await recordHistory(tx, actor, {
      entityType: 'calendar', entityId: importId, action: 'import_schedule',
      reason: { year: p.year, source: input.source, format: p.format, holidays: p.holidays.length, workdays: p.workdays.length, days: p.days, replacedOverrides: p.replacedOverrides, deadlinesMoved: p.deadlines.length },
    }, now);
    await applyDeadlineMoves(tx, actor, p.deadlines, { year: p.year, importId }, now);
    await noticeDeadlinesMoved(tx, ctx.sealer, { year: p.year, moves: p.deadlines, publicUrl: ctx.publicUrl, at: now });
    await applyOrderDueMoves(ctx, tx, actor, p.orders, { year: p.year, importId }, now);
    return { ...p, importId };
  });
}
