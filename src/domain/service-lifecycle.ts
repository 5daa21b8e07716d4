// The lifecycle of a filed service and of its subject (DOMAIN.md §4.2 FILED → CANCELLED |
// REVOKED, §4.3): the host cancels its own service or subject (注销APP / 注销主体), confirmed
// by the principal's SMS code; the provincial bureau — or the ministry — revokes a filing
// (Order 33 Art.22). A website or APP whose last access record is cancelled becomes a shell
// (空壳): still filed, number valid, until access is added again or the bureau cleans it up
// after a publicised notice. Cancelled and revoked are final: a cancelled number is never
// reused, re-adding the service is a new filing with a new number [S12]. House rule 3: every
// legal move of a service or subject lives in these tables, nowhere else.
import type { Actor, Role } from './actors.ts';
import { NamedError } from './errors.ts';

/** What services.status stores. */
export const SERVICE_STATUSES = ['filed', 'cancelled', 'revoked'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

/** The lifecycle state: a stored status, or `shell` — a filed service with shell_since set. */
export type ServiceState = ServiceStatus | 'shell';

export type ServiceAction = 'cancel' | 'revoke' | 'become_shell' | 'clear_shell' | 'clean_up';

export type ServiceEvent = 'filing.cancelled' | 'filing.revoked' | 'filing.shell' | 'filing.changed';

export interface ServiceMove {
  action: ServiceAction;
  from: readonly ServiceState[];
  to: ServiceState;
  roles: readonly Role[];
  /** The event relying parties are told of (webhooks). */
  event: ServiceEvent;
}

const LIVE = ['filed', 'shell'] as const;
const AUTHORITY = ['bureau_reviewer', 'ministry_admin'] as const;

export const SERVICE_LIFECYCLE: readonly ServiceMove[] = [
  // The host's own cancellation, confirmed by the principal's SMS code (issue 13 item 4).
  { action: 'cancel', from: LIVE, to: 'cancelled', roles: ['host'], event: 'filing.cancelled' },
  { action: 'revoke', from: LIVE, to: 'revoked', roles: AUTHORITY, event: 'filing.revoked' },
  // The last active access record was cancelled — by its provider, or by the host (item 5).
  { action: 'become_shell', from: ['filed'], to: 'shell', roles: ['provider_staff', 'platform_staff', 'host'], event: 'filing.shell' },
  // Access added again (the add_access approval, by the bureau; or found at cleanup time by the system).
  { action: 'clear_shell', from: ['shell'], to: 'filed', roles: [...AUTHORITY, 'system'], event: 'filing.changed' },
  // The bureau's cleanup after the notice's publicity period (item 6): a cancellation by the authority.
  { action: 'clean_up', from: ['shell'], to: 'cancelled', roles: AUTHORITY, event: 'filing.cancelled' },
];

export class ServiceStatusConflictError extends NamedError {
  constructor(action: ServiceAction, state: ServiceState) {
    super('service_status_conflict', 'conflict', `cannot ${action.replace(/_/g, ' ')} a service that is ${state}`);
  }
}

export class ServiceActionNotAllowedError extends NamedError {
  constructor(action: ServiceAction, role: Role) {
    super('action_not_allowed', 'forbidden', `a ${role.replace(/_/g, ' ')} may not ${action.replace(/_/g, ' ')} a filed service`);
  }
}

export interface ServiceTransition { action: ServiceAction; from: ServiceState; to: ServiceState; event: ServiceEvent }

/** The lifecycle state of a stored service. */
export function serviceState(status: ServiceStatus, shellSince: Date | string | null): ServiceState {
  return status === 'filed' && shellSince ? 'shell' : status;
}

/** How a state is stored: the status column and whether shell_since is set. */
export function storedState(state: ServiceState): { status: ServiceStatus; shell: boolean } {
  return state === 'shell' ? { status: 'filed', shell: true } : { status: state, shell: false };
}

/** The move an actor makes on a service in `state`, or a named error. Pure. */
export function serviceTransition(state: ServiceState, action: ServiceAction, actor: Pick<Actor, 'role'>): ServiceTransition {
  const move = SERVICE_LIFECYCLE.find((m) => m.action === action);
  if (!move) throw new Error(`unknown service action ${action}`);
  if (!move.roles.includes(actor.role)) throw new ServiceActionNotAllowedError(action, actor.role);
  if (!move.from.includes(state)) throw new ServiceStatusConflictError(action, state);
  return { action, from: state, to: move.to, event: move.event };
}

/** Actions open to a role in a state — what the UI offers. */
export function serviceActions(state: ServiceState, role: Role): ServiceAction[] {
  return SERVICE_LIFECYCLE.filter((m) => m.from.includes(state) && m.roles.includes(role)).map((m) => m.action);
}

/**
 * Whether a service type has an access section (DOMAIN.md §2.5): websites and APPs do; mini
 * programs and quick apps run on their platform and file no access record, so they never
 * become shells — their "access" is the platform, which leaves only with the service.
 */
export const hasAccessSection = (serviceType: string) => serviceType === 'website' || serviceType === 'app';

// --- Shells and their cleanup (issue 13 item 6) ---

/**
 * Days a shell has to add access before a bureau may put it on a cleanup notice: a registry
 * policy (not a rule of law) so that the date shown to the host is one it can rely on.
 */
export const SHELL_GRACE_DAYS = 30;
/** The publicity period of a cleanup notice by default (Ningxia practice, DOMAIN.md §4.3). */
export const DEFAULT_PUBLICITY_DAYS = 7;
const DAY_MS = 86_400_000;

/** The earliest moment a bureau may list a shell on a cleanup notice. */
export const shellListableFrom = (shellSince: Date) => new Date(shellSince.getTime() + SHELL_GRACE_DAYS * DAY_MS);

/**
 * The moment after which a shell may be cancelled: the end of the notice it is on, or — not yet
 * listed — the grace period plus a default publicity period (the earliest a notice could end).
 */
export function shellCancellableAfter(shellSince: Date, noticeEndsAt: Date | null, now: Date): Date {
  if (noticeEndsAt) return noticeEndsAt;
  const listable = Math.max(shellListableFrom(shellSince).getTime(), now.getTime());
  return new Date(listable + DEFAULT_PUBLICITY_DAYS * DAY_MS);
}

/**
 * Where a cleanup notice stands, as its readers see it: under publicity until its end (an instant,
 * shown as a China date and time), then over and awaiting the bureau's cleanup, until the bureau
 * carries it out. Computed from the clock, never stored: the stored status changes only when the
 * bureau acts, and the public must not read 公示中 after the period ended.
 */
export type NoticePhase = 'publicity' | 'publicity_ended' | 'executed';
export function noticePhase(status: 'publicised' | 'executed', endsAt: Date, now: Date): NoticePhase {
  if (status === 'executed') return 'executed';
  return now.getTime() < endsAt.getTime() ? 'publicity' : 'publicity_ended';
}

// --- Subjects ---

export type SubjectStatus = 'filed' | 'cancelled' | 'revoked';
export type SubjectAction = 'cancel' | 'clean_up';

export const SUBJECT_LIFECYCLE: readonly { action: SubjectAction; from: readonly SubjectStatus[]; to: SubjectStatus; roles: readonly Role[] }[] = [
  // Cancelling a subject cancels every live service under it, in one transaction (issue 13 item 4).
  { action: 'cancel', from: ['filed'], to: 'cancelled', roles: ['host'] },
  // The authority ended its last live service (a shell cleanup, a revocation): no empty subject is
  // kept (issue 13 item 6; DOMAIN.md §4.3).
  { action: 'clean_up', from: ['filed'], to: 'cancelled', roles: AUTHORITY },
];

export class SubjectStatusConflictError extends NamedError {
  constructor(action: SubjectAction, status: SubjectStatus) {
    super('subject_status_conflict', 'conflict', `cannot ${action} a subject that is ${status}`);
  }
}

export function subjectTransition(status: SubjectStatus, action: SubjectAction, actor: Pick<Actor, 'role'>): { from: SubjectStatus; to: SubjectStatus } {
  const move = SUBJECT_LIFECYCLE.find((m) => m.action === action)!;
  if (!move.roles.includes(actor.role)) throw new NamedError('action_not_allowed', 'forbidden', `a ${actor.role.replace(/_/g, ' ')} may not ${action.replace(/_/g, ' ')} a subject`);
  if (!move.from.includes(status)) throw new SubjectStatusConflictError(action, status);
  return { from: status, to: move.to };
}
