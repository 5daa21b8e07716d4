// Shapes shared by the supervision routes (issue 14): paging, finding filters, order bodies.
import { z } from 'zod';
import { isoDay } from '../schemas/dates.ts';
import { FINDING_OUTCOMES } from '../../domain/supervision/findings.ts';
import { ITEM_STATUSES, MAX_DUE_WORKING_DAYS, MEASURES, OBJECTION_GROUNDS } from '../../domain/supervision/orders.ts';

export const paging = { page: z.coerce.number().int().min(1).max(100_000).default(1), pageSize: z.coerce.number().int().min(1).max(500).default(50) };
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
export const findingQuery = z.object({
  ...paging,
  outcome: z.enum(FINDING_OUTCOMES).optional(),
  organisationId: z.uuid().optional(),
  roundId: z.uuid().optional(),
  notified: bool.optional(),
  resolved: bool.optional(),
  q: z.string().trim().min(1).max(100).optional(),
  format: z.enum(['json', 'csv']).optional(),
});
export const uuidParam = z.object({ id: z.string().max(64) });
export const orderQuery = z.object({
  ...paging,
  overdue: bool.optional(),
  status: z.enum(ITEM_STATUSES).optional(),
  campaignId: z.uuid().optional(),
  organisationId: z.uuid().optional(),
  violationId: z.uuid().optional().describe('The orders issued on this violation report'),
  format: z.enum(['json', 'csv']).optional(),
});
export const orderBody = z.strictObject({
  findingIds: z.array(z.string().max(64)).min(1).max(10_000).optional(),
  serviceNumbers: z.array(z.string().trim().min(1).max(64)).min(1).max(1000).optional(),
  measure: z.enum(MEASURES),
  dueInWorkingDays: z.number().int().min(1).max(MAX_DUE_WORKING_DAYS),
  reason: z.string().trim().min(1).max(1000),
  violationId: z.uuid().optional(),
});
export const ORDER_CSV_COLUMNS = ['orderId', 'organisationName', 'measure', 'orderedOn', 'dueOn', 'itemId', 'serviceNumber', 'platform', 'packageName', 'status', 'overdue', 'doneAt', 'evidence', 'objectionGround', 'objectionNote', 'answerNote'] as const;

/** Orders as CSV rows: one per item. */
export function orderRows(orders: { id: string; organisationName: string; measure: string; orderedOn: string; dueOn: string; items: { id: string; serviceNumber: string | null; platform: string | null; packageName: string | null; status: string; overdue: boolean; doneAt: string | null; evidence: string | null;
  objection: { ground: string; note: string | null } | null; answerNote: string | null }[] }[]) {
  return orders.flatMap((o) => o.items.map((i) => ({ orderId: o.id, organisationName: o.organisationName, measure: o.measure, orderedOn: o.orderedOn, dueOn: o.dueOn, itemId: i.id,
    serviceNumber: i.serviceNumber, platform: i.platform, packageName: i.packageName, status: i.status, overdue: i.overdue, doneAt: i.doneAt, evidence: i.evidence,
    objectionGround: i.objection?.ground ?? null, objectionNote: i.objection?.note ?? null, answerNote: i.answerNote })));
}

/** An organisation's objection to an order item (ADR 0018 addendum "Objections, withdrawals and re-dated orders"). */
export const objectionBody = z.strictObject({
  ground: z.enum(OBJECTION_GROUNDS),
  note: z.string().trim().min(1).max(2000),
  requestedDueOn: isoDay.optional(),
});
/** The bureau upholds an objected item; `dueInWorkingDays` (from today) moves the order's date too. */
export const upholdBody = z.strictObject({ reason: z.string().trim().min(1).max(1000), dueInWorkingDays: z.number().int().min(1).max(MAX_DUE_WORKING_DAYS).optional() });
export const withdrawBody = z.strictObject({ reason: z.string().trim().min(1).max(1000) });
export const redateBody = z.strictObject({ dueInWorkingDays: z.number().int().min(1).max(MAX_DUE_WORKING_DAYS), reason: z.string().trim().min(1).max(1000) });
