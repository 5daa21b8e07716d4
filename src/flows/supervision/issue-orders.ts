// The bureau orders disposal (issue 14, contract 5): for findings, each finding's organisation;
// for filed services, their active access providers. One order per organisation concerned,
// due a number of working days after today on the issuing bureau's calendar (DOMAIN.md §8).
import { loadCalendar } from '../../db/calendar.ts';
import type { Queryable } from '../../db/connection.ts';
import type { Actor } from '../../domain/actors.ts';
import { chinaDate } from '../../domain/china-time.ts';
import { NamedError } from '../../domain/errors.ts';
import { parseFilingNumber } from '../../domain/filing-number.ts';
import { checkMeasureFits, type Measure, orderDueOn } from '../../domain/supervision/orders.ts';
import { noticeOrganisation } from '../../notify/record-notices.ts';
import { orderIssuedNotice } from '../../notify/supervision-notices.ts';
import type { FlowContext } from '../context.ts';
import { recordHistory } from '../history.ts';
import { findingVisible, isSupervisor, isUuid, refuseEnded } from './scope.ts';

export interface OrderInput {
  findingIds?: string[]; serviceNumbers?: string[]; measure: Measure; dueInWorkingDays: number; reason: string; violationId?: string;
  /** With serviceNumbers: the organisation ordered (a violation's reporter), instead of the services' access providers. */
  organisationId?: string;
}
export interface OrdersIssued { orders: { id: string; organisationId: string; dueOn: string; dueProvisional: boolean; items: number }[] }

interface ItemDraft { organisationId: string; findingId: string | null; serviceId: string | null; serviceNumber: string | null; platform: string | null; packageName: string | null; campaignId: string | null }

const fieldError = (field: string, code: string, message: string) => new NamedError(code === 'not_found' ? 'order_target_not_found' : 'order_invalid', code === 'not_found' ? 'not_found' : 'invalid', message, [{ field, code, message }]);

async function findingItems(tx: Queryable, actor: Actor, ids: string[]): Promise<ItemDraft[]> {
  const bad = ids.findIndex((x) => !isUuid(x));
  if (bad >= 0) throw fieldError(`findingIds.${bad}`, 'not_found', `no finding ${ids[bad]} that you can see`);
  if (!ids.length) return [];
  const v = findingVisible(actor, 2);
  // The findings' campaigns first (the lock order: campaign, then what hangs under it, as the campaign's end
  // takes it): a campaign ended early orders nothing new for its findings (ADR 0018, addendum "Campaigns
  // extended or ended early"); the items ordered before it ended stand.
  const ended = await tx.query<{ id: string; ended_on: string | null }>(
    `select c.id, c.ended_on::text from campaigns c where c.id in (select f.campaign_id from findings f where f.id = any($1::uuid[]))
      order by c.id for share of c`, [ids]);
  const endedOn = new Map(ended.filter((c) => c.ended_on !== null).map((c) => [c.id, c.ended_on]));
  const rows = await tx.query<{ id: string; organisation_id: string; campaign_id: string; service_id: string | null; service_number: string | null; platform: string; package_name: string }>(
    `select f.id, f.organisation_id, f.campaign_id, f.service_id, s.service_number, f.platform, f.package_name
       from findings f left join services s on s.id = f.service_id where f.id = any($1::uuid[]) and ${v.sql}
      order by f.id for update of f`, [ids, ...v.params]); // locked in one order: concurrent orders of a finding queue here
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id, i) => {
    const r = byId.get(id);
    if (!r) throw fieldError(`findingIds.${i}`, 'not_found', `no finding ${id} that you can see`);
    refuseEnded({ id: r.campaign_id, ended_on: endedOn.get(r.campaign_id) ?? null }, `findingIds.${i}`);
    return { organisationId: r.organisation_id, findingId: r.id, serviceId: r.service_id, serviceNumber: r.service_number, platform: r.platform, packageName: r.package_name, campaignId: r.campaign_id };
  });
}

async function serviceItems(tx: Queryable, actor: Actor, numbers: string[], organisationId?: string): Promise<ItemDraft[]> {
  const out: ItemDraft[] = [];
  for (const [i, n] of numbers.entries()) {
    const p = parseFilingNumber(n);
    if (!p.ok || p.value.kind !== 'service') throw fieldError(`serviceNumbers.${i}`, 'not_found', `no filed service ${n} that you can act on`);
    const rows = await tx.query<{ id: string; provider_org_id: string | null }>(
      `select s.id, a.provider_org_id from services s join subjects sub on sub.id = s.subject_id
         left join access_records a on a.service_id = s.id and a.active
        where s.service_number = $1 and ($2::char(6) is null or sub.province_code = $2)`,
      [p.value.number, actor.role === 'ministry_admin' ? null : actor.provinceCode]);
    if (!rows.length) throw fieldError(`serviceNumbers.${i}`, 'not_found', `no filed service ${n} that you can act on`);
    if (organisationId) {
      out.push({ organisationId, findingId: null, serviceId: rows[0]!.id, serviceNumber: p.value.number, platform: null, packageName: null, campaignId: null });
      continue;
    }
    const orgs = rows.filter((r) => r.provider_org_id);
    if (!orgs.length) throw fieldError(`serviceNumbers.${i}`, 'no_organisation', `no access provider serves ${n}: order through its findings`);
    for (const r of orgs) out.push({ organisationId: r.provider_org_id!, findingId: null, serviceId: r.id, serviceNumber: p.value.number, platform: null, packageName: null, campaignId: null });
  }
  return out;
}

const alreadyOrdered = (field: string, findingId: string) => new NamedError('finding_already_ordered', 'conflict',
  `finding ${findingId} is in an order item not yet accepted: accept or reopen that item instead of ordering it again`,
  [{ field, code: 'already_ordered', message: 'an order item for this finding is open or awaiting acceptance' }]);

/**
 * One order item per finding until the bureau accepts it (the rule is also the partial unique
 * index disposal_order_items_finding_open, migration 0040): ordering the same finding again would
 * count it twice and leave the organisation two deadlines for one APP.
 */
async function refuseOrderedFindings(tx: Queryable, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const rows = await tx.query<{ finding_id: string }>(
    `select finding_id from disposal_order_items where finding_id = any($1::uuid[]) and status in ('open', 'objected', 'done')`, [ids]);
  const taken = new Set(rows.map((r) => r.finding_id));
  const i = ids.findIndex((id) => taken.has(id));
  if (i >= 0) throw alreadyOrdered(`findingIds.${i}`, ids[i]!);
}

/** The organisations' kinds: each order's measure must be one that organisation can carry out. */
async function checkMeasures(tx: Queryable, measure: Measure, orgIds: string[]): Promise<void> {
  const rows = await tx.query<{ kind: string }>('select kind from organisations where id = any($1::uuid[])', [orgIds]);
  for (const r of rows) checkMeasureFits(measure, r.kind);
}

export async function issueOrders(ctx: FlowContext, actor: Actor, input: OrderInput): Promise<OrdersIssued> {
  return ctx.db.transaction((tx) => issueOrdersIn(ctx, tx, actor, input));
}

/** issueOrders inside the caller's transaction (a violation report's decision uses it too). */
export async function issueOrdersIn(ctx: FlowContext, tx: Queryable, actor: Actor, input: OrderInput): Promise<OrdersIssued> {
  if (!isSupervisor(actor)) throw new NamedError('forbidden', 'forbidden', 'only a bureau or the ministry orders disposal');
  if (!input.findingIds?.length && !input.serviceNumbers?.length) throw fieldError('findingIds', 'required', 'findingIds or serviceNumbers');
  const now = ctx.now();
  const today = chinaDate(now);
  const calendar = await loadCalendar(tx, actor.role === 'bureau_reviewer' ? actor.provinceCode ?? undefined : undefined);
  const dueOn = orderDueOn(calendar, today, input.dueInWorkingDays);
  // Counted into a year without the official holiday schedule: said so (recounted when it is imported).
  const dueProvisional = calendar.provisionalYears(today, dueOn).length > 0;
  {
    const drafts = [...await findingItems(tx, actor, input.findingIds ?? []), ...await serviceItems(tx, actor, input.serviceNumbers ?? [], input.organisationId)];
    await refuseOrderedFindings(tx, input.findingIds ?? []);
    const byOrg = new Map<string, ItemDraft[]>();
    for (const d of drafts) byOrg.set(d.organisationId, [...(byOrg.get(d.organisationId) ?? []), d]);
    await checkMeasures(tx, input.measure, [...byOrg.keys()]);
    const orders: OrdersIssued['orders'] = [];
    for (const [orgId, items] of byOrg) {
      const campaigns = new Set(items.map((x) => x.campaignId));
      const [o] = await tx.query<{ id: string }>(
        `insert into disposal_orders (organisation_id, campaign_id, violation_id, measure, reason, ordered_on, due_in_working_days, due_on, province_code, created_by, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning id`,
        [orgId, campaigns.size === 1 ? [...campaigns][0] : null, input.violationId ?? null, input.measure, input.reason.trim(), today, input.dueInWorkingDays, dueOn,
          actor.role === 'bureau_reviewer' ? actor.provinceCode : null, actor.userId, now]);
      const seen = new Set<string>();
      let count = 0;
      const listed: string[] = []; // what the notice names: platform and package, or the filing number
      for (const it of items) {
        const key = it.findingId ?? `s:${it.serviceId}`;
        if (seen.has(key)) continue;
        seen.add(key);
        count += 1;
        listed.push(it.packageName ? `${it.platform} ${it.packageName}${it.serviceNumber ? `（${it.serviceNumber}）` : ''}` : it.serviceNumber ?? '');
        await tx.query(
          `insert into disposal_order_items (order_id, finding_id, service_id, service_number, platform, package_name) values ($1, $2, $3, $4, $5, $6)`,
          [o!.id, it.findingId, it.serviceId, it.serviceNumber, it.platform, it.packageName])
          .catch((e: unknown) => { // the database's word on the rule, should a writer get past the lock
            if ((e as { constraint?: string }).constraint === 'disposal_order_items_finding_open') throw alreadyOrdered(`findingIds.${(input.findingIds ?? []).indexOf(it.findingId!)}`, it.findingId!);
            throw e;
          });
      }
      await noticeOrganisation(tx, ctx.sealer, orgId, orderIssuedNotice({ measure: input.measure, dueOn, dueProvisional, reason: input.reason.trim(), items: listed }, ctx.publicUrl, now));
      await recordHistory(tx, actor, { entityType: 'disposal_order', entityId: o!.id, action: 'issue', to: 'open', reason: { measure: input.measure, dueOn, dueInWorkingDays: input.dueInWorkingDays, items: count, reason: input.reason.trim(), violationId: input.violationId ?? null } }, now);
      orders.push({ id: o!.id, organisationId: orgId, dueOn, dueProvisional, items: count });
    }
    return { orders };
  }
}
