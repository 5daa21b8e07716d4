// Running bureau deadlines when the working-day calendar changes (ADR 0011): a whole year's
// schedule imported (import-calendar.ts) or one holiday / make-up day / published year entered or
// removed by hand (calendar-overrides.ts). Each running review's 20-working-day deadline is counted
// again from its received day under the new calendar; where it moves, the application takes the new
// date in the caller's transaction with a `deadline_recomputed` history row saying why.
import type { Queryable } from '../db/connection.ts';
import { loadRunningDeadlines } from '../db/calendar.ts';
import type { Actor } from '../domain/actors.ts';
import { type CalendarOverride, countWorkingDays, createCalendar, type WorkingDayCalendar } from '../domain/calendar.ts';
import { yearOf } from '../domain/dates.ts';
import { recordHistory } from './history.ts';
import { BUREAU_REVIEW_WORKING_DAYS } from './sms-check.ts';

export interface DeadlineMove {
  applicationId: string; serviceName: string | null; provinceCode: string; receivedOn: string;
  old: { deadlineOn: string | null; provisional: boolean };
  new: { deadlineOn: string; provisional: boolean };
}

/** A calendar per province (and the national one for null) over the same overrides, made once each. */
export function calendarsFor(overrides: readonly CalendarOverride[]): (province: string | null) => WorkingDayCalendar {
  const made = new Map<string, WorkingDayCalendar>();
  return (p) => made.get(p ?? '') ?? made.set(p ?? '', createCalendar({ overrides, ...(p ? { provinceCode: p } : {}) })).get(p ?? '')!;
}

/** The running deadlines `calendarFor` counts otherwise, limited to those whose count touches `year`. */
export async function deadlineMoves(
  db: Queryable, calendarFor: (province: string) => WorkingDayCalendar, year: number, o: { forUpdate: boolean },
): Promise<DeadlineMove[]> {
  const moves: DeadlineMove[] = [];
  for (const a of await loadRunningDeadlines(db, o)) {
    const counted = countWorkingDays(calendarFor(a.province_code), a.received_on, BUREAU_REVIEW_WORKING_DAYS);
    const touches = yearOf(a.received_on) <= year && year <= Math.max(yearOf(counted.date), a.deadline_on ? yearOf(a.deadline_on) : 0);
    if (!touches || (counted.date === a.deadline_on && counted.provisional === a.deadline_provisional)) continue;
    moves.push({
      applicationId: a.id, serviceName: a.service_name, provinceCode: a.province_code, receivedOn: a.received_on,
      old: { deadlineOn: a.deadline_on, provisional: a.deadline_provisional }, new: { deadlineOn: counted.date, provisional: counted.provisional },
    });
  }
  return moves;
}

/** Writes the moves: each application's deadline and a history row whose reason is `cause` with old → new. */
export async function applyDeadlineMoves(tx: Queryable, actor: Actor, moves: readonly DeadlineMove[], cause: Record<string, unknown>, now: Date): Promise<void> {
  for (const m of moves) {
    await tx.query('update applications set deadline_on = $2, deadline_provisional = $3 where id = $1', [m.applicationId, m.new.deadlineOn, m.new.provisional]);
    await recordHistory(tx, actor, {
      entityType: 'application', entityId: m.applicationId, action: 'deadline_recomputed', from: 'bureau_review', to: 'bureau_review',
      reason: { ...cause, old: m.old, new: m.new },
    }, now);
  }
}
