// Provisional deadlines that no longer need to be (issue 12 part 1; ADR 0011): after an upgrade
// of chinese-days that covers a year, or a `year_published` row entered by hand, a deadline
// stored as provisional may now be counted officially. This recomputes every running deadline
// that is provisional (or missing) with the current calendar and, where it changes, writes it
// with `deadline_recomputed` history and tells the bureau — as an import does; and disposal
// orders' due dates (src/flows/supervision/order-due-dates.ts). Run at start.
import { loadCalendarOverrides, loadRunningDeadlines } from '../db/calendar.ts';
import { SYSTEM_ACTOR } from '../domain/actors.ts';
import { countWorkingDays, createCalendar, type WorkingDayCalendar } from '../domain/calendar.ts';
import { type MovedDeadline, noticeDeadlinesMoved } from '../notify/calendar-notices.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';
import { BUREAU_REVIEW_WORKING_DAYS } from './sms-check.ts';
import { applyOrderDueMoves, orderDueMoves } from './supervision/order-due-dates.ts';

export async function refreshProvisionalDeadlines(ctx: FlowContext): Promise<MovedDeadline[]> {
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const overrides = await loadCalendarOverrides(tx);
    const calendars = new Map<string, WorkingDayCalendar>();
    const cal = (p: string) => calendars.get(p) ?? calendars.set(p, createCalendar({ overrides, provinceCode: p })).get(p)!;
    const moves: MovedDeadline[] = [];
    for (const a of await loadRunningDeadlines(tx, { forUpdate: true })) {
      if (a.deadline_on && !a.deadline_provisional) continue;
      const counted = countWorkingDays(cal(a.province_code), a.received_on, BUREAU_REVIEW_WORKING_DAYS);
      if (counted.date === a.deadline_on && counted.provisional === a.deadline_provisional) continue;
      const move = { applicationId: a.id, serviceName: a.service_name, provinceCode: a.province_code,
        old: { deadlineOn: a.deadline_on, provisional: a.deadline_provisional }, new: { deadlineOn: counted.date, provisional: counted.provisional } };
      await tx.query('update applications set deadline_on = $2, deadline_provisional = $3 where id = $1', [a.id, counted.date, counted.provisional]);
      await recordHistory(tx, SYSTEM_ACTOR, {
        entityType: 'application', entityId: a.id, action: 'deadline_recomputed', from: 'bureau_review', to: 'bureau_review',
        reason: { cause: 'calendar_now_official', old: move.old, new: move.new },
      }, now);
      moves.push(move);
    }
    // Disposal orders' due dates too, with the same calendars.
    const national = createCalendar({ overrides });
    await applyOrderDueMoves(ctx, tx, SYSTEM_ACTOR, await orderDueMoves(tx, (p) => (p ? cal(p) : national), null, { forUpdate: true }), { cause: 'calendar_changed' }, now);
    const years = [...new Set(moves.map((m) => Number(m.new.deadlineOn.slice(0, 4))))];
    for (const year of years) {
      await noticeDeadlinesMoved(tx, ctx.sealer, { year, moves: moves.filter((m) => m.new.deadlineOn.startsWith(`${year}-`)), publicUrl: ctx.publicUrl, at: now, cause: 'official' });
    }
    return moves;
  });
}
