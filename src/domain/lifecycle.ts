// The lifecycle of a filing application: every legal move, from which statuses, to which,
// and who may make it (house rule 3 — no status checks anywhere else). DOMAIN.md §4.1–4.2:
// host draft → first review by the chosen provider/platform → MIIT SMS check of the
// principals → provincial bureau review (≤ 20 working days) → filed, or back to the host.
import type { Actor, Role } from './actors.ts';
import { DomainError } from './errors.ts';

export const APPLICATION_STATUSES = [
  'draft',           // the host is filling in materials
  'provider_review', // 初审: the chosen access provider / distribution platform reviews
  'returned',        // back to the host: returned by the provider, or the SMS check failed
  'sms_pending',     // submitted to the bureau; waiting for the principals' SMS codes (24 h, 5 attempts)
  'bureau_review',   // 管局审核: the bureau reviews within 20 working days
  'bureau_rejected', // 管局退回 with field-level reasons; the host edits and resubmits
  'approved',        // filed: numbers allocated
  'withdrawn',       // the host withdrew before the bureau had it, or it closed with the filing it acts on
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export type ApplicationAction =
  | 'edit' | 'verify_identity' | 'submit' | 'withdraw'
  | 'provider_approve' | 'provider_return'
  | 'sms_verify' | 'sms_resend' | 'sms_fail'
  | 'bureau_approve' | 'bureau_reject'
  | 'close';

export interface Move {
  action: ApplicationAction;
  from: readonly ApplicationStatus[];
  /** `null`: the status stays (the action works inside a status). */
  to: ApplicationStatus | null;
  roles: readonly Role[];
  /** The event name of the notice sent for this move, if any (it may depend on the status left). */
  event: string | null | ((from: ApplicationStatus) => string);
}

const EDITABLE = ['draft', 'returned', 'bureau_rejected'] as const;
const REVIEWERS = ['provider_staff', 'platform_staff'] as const;

export const LIFECYCLE: readonly Move[] = [
  { action: 'edit', from: EDITABLE, to: null, roles: ['host'], event: null },
  { action: 'verify_identity', from: EDITABLE, to: null, roles: ['host'], event: null },
  // Resubmission after a return or a rejection re-runs first review and the SMS check (DOMAIN.md §4.1 6b).
  { action: 'submit', from: EDITABLE, to: 'provider_review', roles: ['host'], event: (from) => (from === 'draft' ? 'application.submitted_to_provider' : 'application.resubmitted') },
  // "Withdrawal by the host before the bureau has it" (issue 3, item 4).
  { action: 'withdraw', from: ['draft', 'provider_review', 'returned', 'bureau_rejected'], to: 'withdrawn', roles: ['host'], event: 'application.withdrawn' },
  { action: 'provider_approve', from: ['provider_review'], to: 'sms_pending', roles: REVIEWERS, event: 'application.sent_to_bureau' },
  { action: 'provider_return', from: ['provider_review'], to: 'returned', roles: REVIEWERS, event: 'application.returned_by_provider' },
  // The last outstanding code moves the application on; earlier ones keep it in sms_pending.
  { action: 'sms_verify', from: ['sms_pending'], to: 'bureau_review', roles: ['host'], event: 'application.sms_verified' },
  { action: 'sms_resend', from: ['sms_pending'], to: null, roles: ['host'], event: null },
  // 5 wrong codes or 24 h without an answer returns the order (DOMAIN.md §4.1 step 4).
  { action: 'sms_fail', from: ['sms_pending'], to: 'returned', roles: ['host', 'system'], event: 'application.sms_failed' },
  { action: 'bureau_approve', from: ['bureau_review'], to: 'approved', roles: ['bureau_reviewer'], event: 'application.approved' },
  { action: 'bureau_reject', from: ['bureau_review'], to: 'bureau_rejected', roles: ['bureau_reviewer'], event: 'application.rejected_by_bureau' },
  // The filing it acts on ended (cancelled, revoked, cleaned up): nothing is left to change, add
  // access to or file under, at whatever stage it was — the bureau's included [S12][S14].
  { action: 'close', from: ['draft', 'provider_review', 'returned', 'sms_pending', 'bureau_review', 'bureau_rejected'], to: 'withdrawn', roles: ['system'], event: 'application.withdrawn' },
];

export class ApplicationStatusConflictError extends DomainError {
  readonly code = 'application_status_conflict';
  readonly kind = 'conflict';
  constructor(readonly action: ApplicationAction, readonly status: ApplicationStatus) {
    super(`cannot ${action.replace(/_/g, ' ')} an application that is ${status.replace(/_/g, ' ')}`);
  }
}

export class ActionNotAllowedError extends DomainError {
  readonly code = 'action_not_allowed';
  readonly kind = 'forbidden';
  constructor(readonly action: ApplicationAction, readonly role: Role) {
    super(`a ${role.replace(/_/g, ' ')} may not ${action.replace(/_/g, ' ')} an application`);
  }
}

export interface Transition { action: ApplicationAction; from: ApplicationStatus; to: ApplicationStatus; event: string | null }

/** The move an actor makes on an application in `status`, or a named error. Pure. */
export function transition(status: ApplicationStatus, action: ApplicationAction, actor: Pick<Actor, 'role'>): Transition {
  const move = LIFECYCLE.find((m) => m.action === action);
  if (!move) throw new Error(`unknown action ${action}`);
  if (!move.roles.includes(actor.role)) throw new ActionNotAllowedError(action, actor.role);
  if (!move.from.includes(status)) throw new ApplicationStatusConflictError(action, status);
  const event = typeof move.event === 'function' ? move.event(status) : move.event;
  return { action, from: status, to: move.to ?? status, event };
}

/** Actions open to a role in a status — what the UI offers. */
export function availableActions(status: ApplicationStatus, role: Role): ApplicationAction[] {
  return LIFECYCLE.filter((m) => m.from.includes(status) && m.roles.includes(role)).map((m) => m.action);
}

export const isEditable = (status: ApplicationStatus) => (EDITABLE as readonly string[]).includes(status);

// ── Application kinds (issue 13; DOMAIN.md §4.1, §4.3) ─────────────────────────────────────
// Every kind moves through the one table above; what differs is what it acts on, which material
// groups it carries, what the host may edit, who confirms by SMS and what approval writes on the
// filed record. Flows read these rows; none of them asks `application_type === …` for a rule.
export const APPLICATION_TYPES = ['first_filing', 'new_service', 'change_service', 'change_subject', 'add_access'] as const;
export type ApplicationType = (typeof APPLICATION_TYPES)[number];
export type MaterialGroup = 'subject' | 'service' | 'platforms' | 'access';
export type PrincipalRole = 'subject_principal' | 'service_principal';

export interface ApplicationKind {
  /** What it acts on: a new subject, a filed subject (new service, subject change) or a filed service. */
  target: 'new_subject' | 'subject' | 'service';
  /** Statuses the filed target may be in (a shell service may add access, for one). */
  targetStatuses: readonly string[];
  /** The material groups it carries; the others are dropped from its drafts. */
  groups: readonly MaterialGroup[];
  /** A change of a filed record: starts from the filed materials, reviewers see a diff, numbers stay. */
  change: boolean;
  /** Dotted fields (and their children) that must stay as filed. */
  fixed: readonly string[];
  /** Access records: any; the filed providers only (records editable); or the filed ones untouched plus new providers. */
  access: 'any' | 'same_providers' | 'add_only';
  /**
   * Who confirms by SMS (DOMAIN.md §4.1 "who gets the SMS", Volcengine table): first filing — both
   * principals; new service, new access — the service principal; change — the principal whose
   * record changes (the subject's for a subject change, the service's for a service change).
   */
  sms: readonly PrincipalRole[];
  /** Identity verification: every principal, or only principals who are new to the record. */
  verify: 'all' | 'new_principals';
  /** The first review is by the new access provider (新增接入), not one the host picks freely. */
  reviewerIsNewProvider: boolean;
  /**
   * The first review is by an organisation that holds the record: an active access provider (or
   * the distribution platform that filed it) of at least one of the subject's live services —
   * subject information is changed only at a provider that holds it (DOMAIN.md §4.3).
   */
  reviewerHoldsSubject?: boolean;
  /**
   * The first review is by an organisation that holds the service itself (an active access provider of
   * it, or the provider/platform that filed it and has not left it): an APP's information is changed
   * via its current provider (DOMAIN.md §4.3).
   */
  reviewerHoldsService?: boolean;
  /** The history action written on the filed record at approval (the public events[] read these names). */
  recordAction: 'filed' | 'changed' | 'access_added';
  /**
   * A change of kind the kind allows although it touches fixed fields: when the filed record has
   * `from` and the change makes it `to`, the `unlocks` fields may change (an individual becoming an
   * enterprise keeps its main number, DOMAIN.md §2.2 [S14]; the way back is refused).
   */
  conversion?: { from: Readonly<Record<string, string>>; to: Readonly<Record<string, string>>; unlocks: readonly string[] };
}

export const APPLICATION_KINDS: Readonly<Record<ApplicationType, ApplicationKind>> = {
  first_filing: { target: 'new_subject', targetStatuses: [], groups: ['subject', 'service', 'platforms', 'access'], change: false, fixed: [], access: 'any', sms: ['subject_principal', 'service_principal'], verify: 'all', reviewerIsNewProvider: false, recordAction: 'filed' },
  new_service: { target: 'subject', targetStatuses: ['filed'], groups: ['service', 'platforms', 'access'], change: false, fixed: [], access: 'any', sms: ['service_principal'], verify: 'all', reviewerIsNewProvider: false, recordAction: 'filed' },
  // 变更APP: basic info, platforms (a new signing certificate), domains, the service principal.
  change_service: { target: 'service', targetStatuses: ['filed'], groups: ['service', 'platforms', 'access'], change: true, fixed: ['service.serviceType'], access: 'same_providers', sms: ['service_principal'], verify: 'new_principals', reviewerIsNewProvider: false, reviewerHoldsService: true, recordAction: 'changed' },
  // 变更主体: address, principal, certificate validity, the name after a registered rename. The
  // certificate is the subject (one subject per certificate); no cross-province transfer (cancel
  // and refile, DOMAIN.md §2.2 [S14]).
  // An individual may become an enterprise (个人转企业, DOMAIN.md §2.2 [S14]): type, nature and
  // certificate change, the main number stays; an enterprise never becomes an individual.
  change_subject: {
    target: 'subject', targetStatuses: ['filed'], groups: ['subject'], change: true, fixed: ['subject.subjectType', 'subject.nature', 'subject.certificateType', 'subject.certificateNumber', 'subject.provinceCode'], access: 'any', sms: ['subject_principal'], verify: 'new_principals', reviewerIsNewProvider: false, reviewerHoldsSubject: true, recordAction: 'changed',
    conversion: { from: { 'subject.subjectType': 'individual' }, to: { 'subject.subjectType': 'unit', 'subject.nature': 'enterprise' }, unlocks: ['subject.subjectType', 'subject.nature', 'subject.certificateType', 'subject.certificateNumber'] },
  },
  // 新增接入: a new provider's access record only; nothing else editable while it is open [S12][S14].
  add_access: { target: 'service', targetStatuses: ['filed'], groups: ['service', 'platforms', 'access'], change: true, fixed: ['service', 'platforms'], access: 'add_only', sms: ['service_principal'], verify: 'new_principals', reviewerIsNewProvider: true, recordAction: 'access_added' },
};

export const kindOf = (type: ApplicationType): ApplicationKind => APPLICATION_KINDS[type];

/**
 * Whether the host can act on a reviewer's reason naming `field` in an application of `type`: the
 * field is in a material group the application carries and not one it must keep as filed (unless
 * a conversion the kind allows unlocks it). A reason about anything else — the service's description
 * in a subject change, the APP's name in an access filing — names a field the host's wizard does not
 * offer: a dead end (the host can only withdraw). `field` is a dotted path (`access.1.ips`, `service`).
 */
export interface ReasonContext {
  /** An access filing's filed access records, by their place in the materials (keptAccessRecords). */
  keptAccess?: ReadonlySet<number>;
  /** Whether the filed record is the kind's conversion `from` (convertible); unknown: assumed so. */
  convertible?: boolean;
}

export function reasonFieldEditable(type: ApplicationType, field: string, context: ReasonContext = {}): boolean {
  const kind = kindOf(type);
  const group = field.split('.')[0] as MaterialGroup;
  if (!kind.groups.includes(group)) return false;
  // An access filing's filed access records stay as they are (changeProblems refuses any edit of them; the
  // wizard shows them read-only): a reason about one would send the host back to a field it cannot change.
  const record = /^access\.(\d+)(?:\.|$)/.exec(field);
  if (record && context.keptAccess?.has(Number(record[1]))) return false;
  // The conversion unlocks its fields only for a record it can convert (an individual becoming an enterprise):
  // a unit's certificate stays as filed, so a reason about it is a dead end too.
  const unlocked = context.convertible === false ? [] : kind.conversion?.unlocks ?? [];
  return !kind.fixed.some((f) => (field === f || field.startsWith(`${f}.`)) && !unlocked.includes(f));
}

/** Whether the filed record (materials shape) is what the kind's conversion starts from; false for a kind without one. */
export function convertibleFrom(type: ApplicationType, filed: unknown): boolean {
  const from = kindOf(type).conversion?.from;
  const at = (path: string) => path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), filed);
  return !!from && Object.entries(from).every(([f, v]) => at(f) === v);
}

/**
 * The places in `materials.access` of the access records an application keeps as filed: for an access
 * filing (access `add_only`), those of the providers the filed record already has (`filedProviders`, the
 * filed access records' providerOrgIds); none for any other kind.
 */
export function keptAccessRecords(type: ApplicationType, filedProviders: readonly unknown[], materials: unknown): Set<number> {
  if (kindOf(type).access !== 'add_only') return new Set();
  const access = (materials as { access?: unknown } | null)?.access;
  const filed = new Set(filedProviders);
  const kept = new Set<number>();
  (Array.isArray(access) ? access : []).forEach((a, i) => {
    const provider = (a as { providerOrgId?: unknown } | null)?.providerOrgId;
    if (typeof provider === 'string' && filed.has(provider)) kept.add(i);
  });
  return kept;
}
