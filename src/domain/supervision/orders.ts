// Disposal orders (issue 14, contract 5): the bureau orders an organisation to take apps down
// (下架), shut them (关停), restrict their updates (限制更新), stop access or remove a preinstall,
// within a number of working days (DOMAIN.md §8: the working-day calendar). Each item is
// confirmed with evidence, then accepted or reopened by the bureau. Pure.
import type { Actor } from '../actors.ts';
import type { WorkingDayCalendar } from '../calendar.ts';
import type { IsoDate } from '../dates.ts';
import { NamedError } from '../errors.ts';

export const MEASURES = ['take_down', 'shut_down', 'restrict_updates', 'stop_access', 'remove_preinstall'] as const;
export type Measure = (typeof MEASURES)[number];

/** The measures' names in the notices (the console's words, src/web/i18n/vocabulary.ts). */
export const MEASURE_ZH: Record<Measure, string> = {
  take_down: '下架', shut_down: '关停', restrict_updates: '限制更新', stop_access: '停止接入', remove_preinstall: '取消预置',
};

/** The organisations an order goes to. */
export type OrderedKind = 'access_provider' | 'distribution_platform' | 'device_maker';

/**
 * What each kind of organisation can be ordered to do — what it controls. The notice (DOMAIN.md §1
 * "Enforcement", §6) gives each its own duty: providers must not give access, platforms must not
 * distribute, device makers must not preinstall unfiled APPs; the enforcement measures for
 * unfiled APPs are 下架 / 关停 / 限制更新.
 * - An access provider hosts the service's servers and domains: it stops access (停止接入). It has
 *   no store to take an APP down from and no install base to restrict.
 * - A distribution platform takes an APP down (下架), restricts its updates (限制更新) and shuts down
 *   (关停) what runs inside it — mini programs and quick apps have no existence outside the platform.
 * - A device maker removes a preinstall (不得预置) and restricts updates through its system installer
 *   and store (as Xiaomi's installer restricts APPs whose filing it cannot identify, §6).
 */
export const MEASURES_FOR: Record<OrderedKind, readonly Measure[]> = {
  access_provider: ['stop_access'],
  distribution_platform: ['take_down', 'restrict_updates', 'shut_down'],
  device_maker: ['remove_preinstall', 'restrict_updates'],
};

/** Refuses a measure the organisation cannot carry out (a bureau or the ministry is never ordered). */
export function checkMeasureFits(measure: Measure, kind: string): void {
  const fits = (MEASURES_FOR as Record<string, readonly Measure[] | undefined>)[kind];
  if (!fits?.includes(measure)) {
    const message = fits ? `a ${kind.replace(/_/g, ' ')} is ordered to ${fits.join(' or ')}, not ${measure}` : `a ${kind} is not ordered to dispose`;
    throw new NamedError('measure_not_for_organisation', 'invalid', message, [{ field: 'measure', code: 'not_for_organisation_kind', message }]);
  }
}

export const MAX_DUE_WORKING_DAYS = 60;

/** The due date: `n` working days after the day of the order (that day not counted). */
export function orderDueOn(calendar: WorkingDayCalendar, orderedOn: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n) || n < 1 || n > MAX_DUE_WORKING_DAYS) {
    throw new NamedError('due_invalid', 'invalid', `between 1 and ${MAX_DUE_WORKING_DAYS} working days`, [
      { field: 'dueInWorkingDays', code: 'out_of_range', message: `between 1 and ${MAX_DUE_WORKING_DAYS} working days` }]);
  }
  return calendar.addWorkingDays(orderedOn, n);
}

export const ITEM_STATUSES = ['open', 'objected', 'done', 'accepted', 'withdrawn'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];
export type ItemAction = 'confirm' | 'object' | 'uphold' | 'withdraw' | 'accept' | 'reopen';

/**
 * Why an organisation objects to an item (ADR 0018 addendum "Objections, withdrawals and re-dated
 * orders"): the APP is not one it distributes, gives access to or preinstalls (a catalogue line
 * matched by mistake, an APP it took down before the order); the APP is filed now (the finding is
 * stale); it needs more time (a date it asks for); or another reason, in its words.
 */
export const OBJECTION_GROUNDS = ['not_ours', 'already_filed', 'more_time', 'other'] as const;
export type ObjectionGround = (typeof OBJECTION_GROUNDS)[number];

const SUPERVISORS = ['bureau_reviewer', 'ministry_admin'] as const;
const ORGS = ['provider_staff', 'platform_staff', 'device_maker_staff'] as const;

/**
 * Every legal move of an order item (house rule 3). The organisation confirms an item done or
 * objects to it; an objection waits for the bureau, which upholds the order (the item is open
 * again, its date possibly moved) or withdraws the item; the organisation may still carry the
 * order out while its objection waits. The bureau may withdraw an item it ordered by mistake at
 * any time before accepting it. A withdrawn item is final and frees its finding.
 */
export const ITEM_LIFECYCLE: readonly { action: ItemAction; from: readonly ItemStatus[]; to: ItemStatus; roles: readonly string[] }[] = [
  { action: 'confirm', from: ['open', 'objected'], to: 'done', roles: ORGS },
  { action: 'object', from: ['open'], to: 'objected', roles: ORGS },
  { action: 'uphold', from: ['objected'], to: 'open', roles: SUPERVISORS },
  { action: 'withdraw', from: ['open', 'objected', 'done'], to: 'withdrawn', roles: SUPERVISORS },
  { action: 'accept', from: ['done'], to: 'accepted', roles: SUPERVISORS },
  { action: 'reopen', from: ['done', 'accepted'], to: 'open', roles: SUPERVISORS },
];

export function itemTransition(status: ItemStatus, action: ItemAction, actor: Pick<Actor, 'role'>): ItemStatus {
  const m = ITEM_LIFECYCLE.find((x) => x.action === action)!;
  if (!m.roles.includes(actor.role)) throw new NamedError('action_not_allowed', 'forbidden', `a ${actor.role.replace(/_/g, ' ')} may not ${action} an order item`);
  if (!m.from.includes(status)) throw new NamedError('order_item_status_conflict', 'conflict', `cannot ${action} an item that is ${status}`);
  return m.to;
}

/** Items that still ask something of the organisation: the order's date can move while one is left. */
export const PENDING_ITEM_STATUSES: readonly ItemStatus[] = ['open', 'objected'];

/**
 * An open item past its due date (China's calendar day) is overdue. An objected one is not: it
 * waits for the bureau's answer, and an upheld objection makes it open — overdue at once if its
 * date has passed and the bureau did not move it.
 */
export const isOverdue = (status: ItemStatus, dueOn: IsoDate, today: IsoDate) => status === 'open' && today > dueOn;

/** How far ahead an organisation may ask for a new date (the campaign rule: within a year). */
export const MAX_REQUESTED_DAYS = 366;
