// Orders past their date are followed up (ADR 0018, addendum "Objections, withdrawals and
// re-dated orders"): once a day (timed work, src/flows/timed-work.ts), every order whose date has
// passed with items still open tells the organisation and the bureau that issued it — once per
// date: an order moved to a later date is followed up again if that one passes too. Objected items
// wait for the bureau and are not counted (isOverdue).
import type { Queryable } from '../../db/connection.ts';
import { SYSTEM_ACTOR } from '../../domain/actors.ts';
import { chinaDate } from '../../domain/china-time.ts';
import type { Measure } from '../../domain/supervision/orders.ts';
import { noticeIssuer, noticeOrganisation } from '../../notify/record-notices.ts';
import { orderOverdueNotice } from '../../notify/supervision-notices.ts';
import type { FlowContext } from '../context.ts';
import { recordHistory } from '../history.ts';

/** Follows up every order that became overdue and was not followed up for its date; returns how many. */
export async function followUpOverdueOrders(ctx: FlowContext, tx: Queryable): Promise<number> {
  const now = ctx.now();
  const today = chinaDate(now);
  // The orders locked first (a re-dating or an item's move waits, or is waited for), then their open items counted.
  const due = await tx.query<{ id: string }>(
    `select o.id from disposal_orders o
      where o.due_on < $1::date and o.overdue_noticed_for is distinct from o.due_on
        and exists (select 1 from disposal_order_items i where i.order_id = o.id and i.status = 'open')
      order by o.due_on, o.id for update of o`, [today]);
  if (!due.length) return 0;
  const orders = await tx.query<{ id: string; organisation_id: string; organisation_name: string; province_code: string | null; measure: Measure; due_on: string; open: string[] }>(
    `select o.id, o.organisation_id, org.name as organisation_name, o.province_code, o.measure, o.due_on::text,
            array_agg(coalesce(i.package_name, i.service_number, i.id::text) order by i.id) as open
       from disposal_orders o join organisations org on org.id = o.organisation_id
       join disposal_order_items i on i.order_id = o.id and i.status = 'open'
      where o.id = any($1::uuid[]) group by o.id, org.name order by o.due_on, o.id`, [due.map((d) => d.id)]);
  for (const o of orders) {
    await tx.query('update disposal_orders set overdue_noticed_for = due_on where id = $1', [o.id]);
    await recordHistory(tx, SYSTEM_ACTOR, { entityType: 'disposal_order', entityId: o.id, action: 'overdue_noticed', reason: { dueOn: o.due_on, open: o.open.length } }, now);
    const facts = { measure: o.measure, dueOn: o.due_on, open: o.open, organisationName: o.organisation_name };
    await noticeOrganisation(tx, ctx.sealer, o.organisation_id, orderOverdueNotice(facts, ctx.publicUrl, false, now));
    await noticeIssuer(tx, ctx.sealer, o.province_code, orderOverdueNotice(facts, ctx.publicUrl, true, now));
  }
  return orders.length;
}
