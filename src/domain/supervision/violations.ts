// Violation reports (issue 14, contract 6): providers, platforms and device makers that find a
// filed service violating must stop it, keep records and report to the bureau, then dispose as
// it directs (the notice); the public may report too. The bureau of the host's province
// triages: asks for more, orders a disposal, revokes the filing, or closes it. Pure.
import type { Actor } from '../actors.ts';
import { NamedError } from '../errors.ts';

export const VIOLATION_CATEGORIES = ['fraud', 'illegal_content', 'beyond_filing', 'false_materials', 'privacy', 'other'] as const;
export type ViolationCategory = (typeof VIOLATION_CATEGORIES)[number];

export const VIOLATION_STATUSES = ['received', 'more_requested', 'disposal_ordered', 'revoked', 'closed'] as const;
export type ViolationStatus = (typeof VIOLATION_STATUSES)[number];

export type ViolationAction = 'request_more' | 'provide_more' | 'order_disposal' | 'revoke' | 'close';

const SUPERVISORS = ['bureau_reviewer', 'ministry_admin'] as const;
const ORGS = ['provider_staff', 'platform_staff', 'device_maker_staff'] as const;

/** Every legal move of a report (house rule 3). */
export const VIOLATION_LIFECYCLE: readonly { action: ViolationAction; from: readonly ViolationStatus[]; to: ViolationStatus; roles: readonly string[] }[] = [
  { action: 'request_more', from: ['received', 'more_requested'], to: 'more_requested', roles: SUPERVISORS },
  { action: 'provide_more', from: ['more_requested'], to: 'received', roles: ORGS },
  { action: 'order_disposal', from: ['received', 'more_requested', 'disposal_ordered'], to: 'disposal_ordered', roles: SUPERVISORS },
  { action: 'revoke', from: ['received', 'more_requested', 'disposal_ordered'], to: 'revoked', roles: SUPERVISORS },
  { action: 'close', from: ['received', 'more_requested', 'disposal_ordered'], to: 'closed', roles: SUPERVISORS },
];

export function violationTransition(status: ViolationStatus, action: ViolationAction, actor: Pick<Actor, 'role'>): ViolationStatus {
  const m = VIOLATION_LIFECYCLE.find((x) => x.action === action)!;
  if (!m.roles.includes(actor.role)) throw new NamedError('action_not_allowed', 'forbidden', `a ${actor.role.replace(/_/g, ' ')} may not ${action.replace(/_/g, ' ')}`);
  if (!m.from.includes(status)) throw new NamedError('violation_status_conflict', 'conflict', `cannot ${action.replace(/_/g, ' ')} a report that is ${status.replace(/_/g, ' ')}`);
  return m.to;
}

/**
 * A request for more is answered by the reporting organisation (its console or API). A public
 * reporter has no way to answer — no route of theirs, no message that reaches them — so asking
 * one would leave the report waiting for nobody; the bureau decides on what it has.
 */
export function assertCanRequestMore(reporterKind: 'organisation' | 'public'): void {
  if (reporterKind === 'public') {
    throw new NamedError('reporter_cannot_answer', 'invalid', 'a public reporter cannot answer a request for more: order, revoke or close', [
      { field: 'action', code: 'public_reporter', message: 'request_more is for reports by an organisation' }]);
  }
}
