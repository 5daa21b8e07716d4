// The bureau moves a disposal order's date (ADR 0018, addendum "Objections, withdrawals and
// re-dated orders"): it grants the time an organisation asked for, or corrects a date set too
// short or too long. The new date is n working days after today on the issuing bureau's calendar,
// as an order's first date is after the day it was issued; a later calendar change counts from
// the day of the move (disposal_orders.due_from). Only an order with items still pending (open or
// objected) moves; the organisation is told.
import { loadCalendar } from '../../db/calendar.ts';
import type { Queryable } from '../../db/connection.ts';
import type { Actor } from '../../domain/actors.ts';
import { chinaDate } from '../../domain/china-time.ts';
import type { IsoDate } from '../../domain/dates.ts';
import { NamedError } from '../../domain/errors.ts';
import { type Measure, orderDueOn, PENDING_ITEM_STATUSES } from '../../domain/supervision/orders.ts';
import { noticeOrganisation } from '../../notify/record-notices.ts';
import { orderRedatedNotice } from '../../notify/supervision-notices.ts';
import type { FlowContext } from '../context.ts';
import { recordHistory } from '../history.ts';
import { isSupervisor, isUuid, NotFoundError, orderVisible } from './scope.ts';

export interface RedateInput { dueInWorkingDays: number; reason: string }
export interface Redated { id: string; dueOn: string; previousDueOn: string; dueProvisional: boolean }

interface OrderRow { id: string; organisation_id: string; province_code: string | null; measure: Measure; ordered_on: string; due_on: string }

/**
 * Moves the order (locked by the caller) to n working days after today, in the caller's
 * transaction: the date, a `redated` history row, the organisation's notice. Refused when nothing
 * of the order is pending, or when the date would not change.
 */
export async function moveOrderDue(ctx: Pick<FlowContext, 'sealer' | 'publicUrl'>, tx: Queryable, actor: Actor, order: OrderRow, input: RedateInput, now: Date): Promise<Redated> {
  const [pending] = await tx.query<{ n: number }>('select count(*)::int as n from disposal_order_items where order_id = $1 and status = any($2::text[])',
    [order.id, PENDING_ITEM_STATUSES]);
  if (!pending!.n) throw new NamedError('order_settled', 'conflict', 'every item of the order is done, accepted or withdrawn: there is no date to move');
  // From today — or from the day of the order, for one dated ahead of the clock (never counted from before it).
  const today = chinaDate(now);
  const from = today < order.ordered_on ? order.ordered_on as IsoDate : today;
  const calendar = await loadCalendar(tx, order.province_code ?? undefined);
  const dueOn = orderDueOn(calendar, from, input.dueInWorkingDays);
  if (dueOn === order.due_on) {
    throw new NamedError('due_unchanged', 'invalid', `the order is due ${dueOn} already`, [{ field: 'dueInWorkingDays', code: 'unchanged', message: `${input.dueInWorkingDays} working days from today is ${dueOn}, the date the order has` }]);
  }
  await tx.query('update disposal_orders set due_on = $2, due_from = $3, due_in_working_days = $4 where id = $1', [order.id, dueOn, from, input.dueInWorkingDays]);
  const reason = input.reason.trim();
  await recordHistory(tx, actor, { entityType: 'disposal_order', entityId: order.id, action: 'redated', reason: { old: order.due_on, new: dueOn, dueInWorkingDays: input.dueInWorkingDays, reason } }, now);
  await noticeOrganisation(tx, ctx.sealer, order.organisation_id, orderRedatedNotice({ measure: order.measure, old: order.due_on, new: dueOn, reason }, ctx.publicUrl, now));
  return { id: order.id, dueOn, previousDueOn: order.due_on, dueProvisional: calendar.provisionalYears(from, dueOn).length > 0 };
}

/** Loads an order the supervisor may act on, locked (404 otherwise, house rule 7). */
export async function loadOrderForUpdate(tx: Queryable, actor: Actor, orderId: string): Promise<OrderRow> {
  if (!isUuid(orderId)) throw new NotFoundError('order', orderId);
  const v = orderVisible(actor, 2);
  const [o] = await tx.query<OrderRow>(
    `select o.id, o.organisation_id, o.province_code, o.measure, o.ordered_on::text, o.due_on::text from disposal_orders o where o.id = $1 and ${v.sql} for update of o`,
    [orderId, ...v.params]);
  if (!o) throw new NotFoundError('order', orderId);
  return o;
}

/** The bureau that issued the order (or the ministry) moves its date. */
export async function redateOrder(ctx: FlowContext, actor: Actor, orderId: string, input: RedateInput): Promise<Redated> {
  if (!isSupervisor(actor)) throw new NamedError('action_not_allowed', 'forbidden', 'the bureau that issued an order moves its date');
  if (!input.reason.trim()) throw new NamedError('reason_required', 'invalid', 'say why the date moves', [{ field: 'reason', code: 'required', message: 'a reason is required' }]);
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => moveOrderDue(ctx, tx, actor, await loadOrderForUpdate(tx, actor, orderId), input, now));
}
