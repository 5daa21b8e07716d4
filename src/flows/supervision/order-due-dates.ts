// Disposal orders' due dates when the calendar changes (issue 14 contract 5, with issue 12 part 1;
// ADR 0011): an order is due n working days after it was issued; counted into a year whose
// official holiday schedule is not published yet, the date is provisional (make-up working days
// unknown). When a year's schedule is imported — or at start, after an upgrade of the calendar
// data — every order with an item still open (or objected) is counted again; where its date moves, the order
// takes the new one, its history says why and the organisation is told (console notice and email). Provisional dates are
// marked where the orders are read (src/api/supervision/queries.ts), from the calendar.
import type { Queryable } from '../../db/connection.ts';
import type { Actor } from '../../domain/actors.ts';
import type { WorkingDayCalendar } from '../../domain/calendar.ts';
import { type IsoDate, yearOf } from '../../domain/dates.ts';
import type { Measure } from '../../domain/supervision/orders.ts';
import { noticeOrganisation } from '../../notify/record-notices.ts';
import { orderDueMovedNotice } from '../../notify/supervision-notices.ts';
import type { FlowContext } from '../context.ts';
import { recordHistory } from '../history.ts';

export interface OrderDueMove { orderId: string; organisationId: string; measure: Measure; old: string; new: string }

/**
 * The open orders whose due date `calendarFor` (by the issuing bureau's province; null: the
 * ministry) counts otherwise; with `year`, only those whose count touches that year.
 */
export async function orderDueMoves(
  db: Queryable, calendarFor: (province: string | null) => WorkingDayCalendar, year: number | null, o: { forUpdate: boolean },
): Promise<OrderDueMove[]> {
  const rows = await db.query<{ id: string; organisation_id: string; measure: Measure; province_code: string | null; ordered_on: string; due_on: string; due_in_working_days: number }>(
    // Counted from the day the order was issued, or re-dated (redate-order.ts).
    `select o.id, o.organisation_id, o.measure, o.province_code, coalesce(o.due_from, o.ordered_on)::text as ordered_on, o.due_on::text, o.due_in_working_days
       from disposal_orders o
      where exists (select 1 from disposal_order_items i where i.order_id = o.id and i.status in ('open', 'objected')) order by o.created_at${o.forUpdate ? ' for update of o' : ''}`);
  const moves: OrderDueMove[] = [];
  for (const r of rows) {
    let counted: IsoDate;
    try { counted = calendarFor(r.province_code).addWorkingDays(r.ordered_on as IsoDate, r.due_in_working_days); } catch { continue; } // past the calendar's range
    if (counted === r.due_on) continue;
    if (year !== null && !(yearOf(r.ordered_on) <= year && year <= Math.max(yearOf(counted), yearOf(r.due_on)))) continue;
    moves.push({ orderId: r.id, organisationId: r.organisation_id, measure: r.measure, old: r.due_on, new: counted });
  }
  return moves;
}

/** Writes the moves in the caller's transaction: the date, a history row, a notice (and email) to the organisation. */
export async function applyOrderDueMoves(
  ctx: Pick<FlowContext, 'sealer' | 'publicUrl'>, tx: Queryable, actor: Actor, moves: OrderDueMove[], cause: Record<string, unknown>, now: Date,
): Promise<void> {
  for (const m of moves) {
    await tx.query('update disposal_orders set due_on = $2 where id = $1', [m.orderId, m.new]);
    await recordHistory(tx, actor, { entityType: 'disposal_order', entityId: m.orderId, action: 'due_recomputed', reason: { ...cause, old: m.old, new: m.new } }, now);
    await noticeOrganisation(tx, ctx.sealer, m.organisationId, orderDueMovedNotice(m, ctx.publicUrl, now));
  }
}
