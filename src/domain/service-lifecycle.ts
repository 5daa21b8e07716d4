// The lifecycle of a filed service (DOMAIN.md §4.2 FILED → CANCELLED | REVOKED, §4.3): the host
// cancels its own service (注销APP), the provincial bureau — or the ministry — revokes a filing
// (Order 33 Art.22; shell-record cleanup). Both are final: a cancelled number is never reused,
// re-adding the service is a new filing with a new number [S12]. House rule 3: every legal
// move of a service lives in this table.
import type { Actor, Role } from './actors.ts';
import { NamedError } from './errors.ts';

export const SERVICE_STATUSES = ['filed', 'cancelled', 'revoked'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

export type ServiceAction = 'cancel' | 'revoke';

export interface ServiceMove {
  action: ServiceAction;
  from: readonly ServiceStatus[];
  to: ServiceStatus;
  roles: readonly Role[];
  /** The event relying parties are told of (webhooks). */
  event: 'filing.cancelled' | 'filing.revoked';
}

export const SERVICE_LIFECYCLE: readonly ServiceMove[] = [
  { action: 'cancel', from: ['filed'], to: 'cancelled', roles: ['host'], event: 'filing.cancelled' },
  { action: 'revoke', from: ['filed'], to: 'revoked', roles: ['bureau_reviewer', 'ministry_admin'], event: 'filing.revoked' },
];

export class ServiceStatusConflictError extends NamedError {
  constructor(action: ServiceAction, status: ServiceStatus) {
    super('service_status_conflict', 'conflict', `cannot ${action} a service that is ${status}`);
  }
}

export class ServiceActionNotAllowedError extends NamedError {
  constructor(action: ServiceAction, role: Role) {
    super('action_not_allowed', 'forbidden', `a ${role.replace(/_/g, ' ')} may not ${action} a filed service`);
  }
}

export interface ServiceTransition { action: ServiceAction; from: ServiceStatus; to: ServiceStatus; event: ServiceMove['event'] }

/** The move an actor makes on a service in `status`, or a named error. Pure. */
export function serviceTransition(status: ServiceStatus, action: ServiceAction, actor: Pick<Actor, 'role'>): ServiceTransition {
  const move = SERVICE_LIFECYCLE.find((m) => m.action === action);
  if (!move) throw new Error(`unknown service action ${action}`);
  if (!move.roles.includes(actor.role)) throw new ServiceActionNotAllowedError(action, actor.role);
  if (!move.from.includes(status)) throw new ServiceStatusConflictError(action, status);
  return { action, from: status, to: move.to, event: move.event };
}
