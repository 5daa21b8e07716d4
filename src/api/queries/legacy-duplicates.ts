// What migrations 0040 and 0044 kept for the bureau to settle (ADR 0018, addendum "Campaigns extended
// or ended early; legacy duplicates settled"), as the bureau sees it: order items marked
// `legacy_duplicate` that still hold their finding, with every item holding it (orders issued in its
// province; all for the ministry); and iOS filings marked `legacy_case_duplicate` still active, with
// every active filing of the bundle ID folded (services of its province; all for the ministry).
// Settled pairs leave the lists by themselves: the kept item or filing is unmarked, the others are
// withdrawn or revoked.
import type { Queryable } from '../../db/connection.ts';
import type { Actor } from '../../domain/actors.ts';
import { HOLDING_STATUSES } from '../../flows/supervision/keep-legacy-order-item.ts';
import { orderVisible } from '../../flows/supervision/scope.ts';

export interface LegacyOrderItem {
  id: string; orderId: string; legacyDuplicate: boolean; status: string; measure: string; orderedOn: string; dueOn: string; orderReason: string;
  organisationName: string; campaignName: string | null;
  /** `o.province_code = $bureau`: null for a ministry order (no province) when a bureau asks. */
  mine: boolean | null;
}
export interface LegacyFinding { findingId: string; platform: string | null; packageName: string | null; items: LegacyOrderItem[] }
export interface LegacyIosFiling { platformId: string; packageName: string; legacyCaseDuplicate: boolean; serviceId: string; serviceNumber: string; serviceName: string; subjectName: string; provinceCode: string; filedAt: string; mine: boolean }
export interface LegacyIosPair { bundleId: string; filings: LegacyIosFiling[] }

export async function legacyOrderItems(db: Queryable, actor: Actor): Promise<LegacyFinding[]> {
  const v = orderVisible(actor, 2);
  const rows = await db.query<{ id: string; order_id: string; finding_id: string; platform: string | null; package_name: string | null; legacy_duplicate: boolean; status: string;
    measure: string; ordered_on: string; due_on: string; reason: string; organisation_name: string; campaign_name: string | null; mine: boolean | null }>(
    `select i.id, i.order_id, i.finding_id, i.platform, i.package_name, i.legacy_duplicate, i.status, o.measure, o.ordered_on::text, o.due_on::text, o.reason,
            org.name as organisation_name, c.name as campaign_name, (${v.sql}) as mine
       from disposal_order_items i join disposal_orders o on o.id = i.order_id join organisations org on org.id = o.organisation_id
       left join campaigns c on c.id = o.campaign_id
      where i.status = any($1::text[]) and i.finding_id in (
              select i2.finding_id from disposal_order_items i2 join disposal_orders o on o.id = i2.order_id
               where i2.legacy_duplicate and i2.status = any($1::text[]) and ${v.sql})
      order by i.finding_id, i.legacy_duplicate, o.created_at desc, i.id`, [HOLDING_STATUSES, ...v.params]);
  const out = new Map<string, LegacyFinding>();
  for (const r of rows) {
    const f = out.get(r.finding_id) ?? { findingId: r.finding_id, platform: r.platform, packageName: r.package_name, items: [] };
    f.items.push({ id: r.id, orderId: r.order_id, legacyDuplicate: r.legacy_duplicate, status: r.status, measure: r.measure, orderedOn: r.ordered_on, dueOn: r.due_on,
      orderReason: r.reason, organisationName: r.organisation_name, campaignName: r.campaign_name, mine: r.mine });
    out.set(r.finding_id, f);
  }
  return [...out.values()];
}

export async function legacyIosPairs(db: Queryable, actor: Actor): Promise<LegacyIosPair[]> {
  const province = actor.role === 'ministry_admin' ? null : actor.provinceCode;
  const rows = await db.query<{ id: string; package_name: string; folded: string; legacy_case_duplicate: boolean; service_id: string; service_number: string; service_name: string;
    subject_name: string; province_code: string; created_at: Date }>(
    `select p.id, p.package_name, lower(p.package_name) as folded, p.legacy_case_duplicate, s.id as service_id, s.service_number, s.name as service_name,
            sub.name as subject_name, sub.province_code, p.created_at
       from app_platforms p join services s on s.id = p.service_id join subjects sub on sub.id = s.subject_id
      where p.platform = 'ios' and p.active and lower(p.package_name) in (
              select lower(p2.package_name) from app_platforms p2 join services s2 on s2.id = p2.service_id join subjects sub2 on sub2.id = s2.subject_id
               where p2.platform = 'ios' and p2.active and p2.legacy_case_duplicate
                 and ($1::char(6) is null or exists (
                       select 1 from app_platforms p3 join services s3 on s3.id = p3.service_id join subjects sub3 on sub3.id = s3.subject_id
                        where p3.platform = 'ios' and p3.active and lower(p3.package_name) = lower(p2.package_name) and sub3.province_code = $1)))
      order by lower(p.package_name), p.legacy_case_duplicate, p.created_at, p.id`, [province]);
  const out = new Map<string, LegacyIosPair>();
  for (const r of rows) {
    const g = out.get(r.folded) ?? { bundleId: r.folded, filings: [] };
    g.filings.push({ platformId: r.id, packageName: r.package_name, legacyCaseDuplicate: r.legacy_case_duplicate, serviceId: r.service_id, serviceNumber: r.service_number,
      serviceName: r.service_name, subjectName: r.subject_name, provinceCode: r.province_code, filedAt: r.created_at.toISOString(), mine: province === null || r.province_code === province });
    out.set(r.folded, g);
  }
  return [...out.values()];
}
