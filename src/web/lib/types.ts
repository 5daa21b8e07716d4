// The API's shapes as the web app reads them (OpenAPI at /api/openapi.json).
export interface Problem { field: string; code: string; message: string; suggestion?: string }
/** `platform`: the platform a `platforms.N.…` reason is about (it follows the platform, not the index). */
export interface ReviewReason { field: string; error: string; suggestion?: string; platform?: string }

export interface SmsCheck { id: string; mobile: string; personRoles: string[]; status: string; remainingAttempts: number; resendsLeft: number; lastSentAt: string; expiresAt: string }
export interface IdentityTask { id: string; personRole: string; verifier: string; status: string; createdAt: string; expiresAt: string; completedAt: string | null }

export interface ApplicationView {
  id: string; applicationType: 'first_filing' | 'new_service' | 'change_service' | 'change_subject' | 'add_access'; serviceType: string; serviceName: string | null; status: string; version: number;
  subjectId: string | null; serviceId: string | null; provinceCode: string | null;
  submitter: { id: string; name: string | null; kind: string | null } | null;
  /** Names of the organisations it names (submitter, access providers): id → name. */
  organisations: Record<string, string>;
  materials: Record<string, unknown>;
  problems: Problem[]; warnings: Problem[]; reviewReasons: ReviewReason[]; availableActions: string[];
  /** The filed record it made or changes, as it is now (its service; its subject for a subject change). */
  recordStatus?: RecordStatus | null;
  smsChecks: SmsCheck[]; identityTasks: IdentityTask[];
  /** DOMAIN.md §0.1: the analyzer's findings on each platform's uploaded package (none listed: never uploaded). */
  packageChecks?: PackageCheck[];
  /** Changes (issue 13): old and new value of every field that differs; the numbers that stay. */
  diff: FieldChange[] | null; target: { mainNumber: string | null; serviceNumber: string | null } | null;
  /** Changes: the filed access providers (in order) and subject type, for the fields kept as filed. */
  filed?: { accessProviders: string[]; subjectType: string | null } | null;
  receivedOn: string | null; deadlineOn: string | null;
  /** Issue 12: counted into a year without an official holiday schedule. */
  deadlineProvisional: boolean; deadlineProvisionalReason: string | null;
  createdAt: string; updatedAt: string; submittedAt: string | null; sentToBureauAt: string | null; decidedAt: string | null;
  /** Bureau only: the filed subject a follow-up application acts under. */
  subjectRecord?: SubjectRecord | null;
}
export interface SubjectRecord {
  id: string; name: string; subjectType: string; mainNumber: string | null; status: string; certificateType: string; certificateNumber: string;
  recordServiceId: string | null;
  services: { id: string; serviceNumber: string; name: string; serviceType: string; status: string }[];
  applications: { id: string; applicationType: string; serviceName: string | null; status: string; submittedAt: string | null; decidedAt: string | null }[];
}

export interface PackageCheck {
  field: string; platform: string; packageName: string | null; kind: 'package' | 'certificate'; analyzedAt: string;
  certificateNotAfter: string | null; profileType: string | null; findings: { code: string; message: string; params?: Record<string, string | number>; refuses: boolean }[];
}

export interface FieldChange { field: string; old: unknown; new: unknown }

export interface ApplicationSummary {
  id: string; applicationType: string; serviceType: string; serviceName: string | null; status: string; provinceCode: string | null;
  submitterOrgId: string | null; submittedAt: string | null; receivedOn: string | null; deadlineOn: string | null;
  deadlineProvisional: boolean; deadlineProvisionalReason: string | null;
  remainingWorkingDays: number | null; overdue: boolean; updatedAt: string;
  recordStatus?: RecordStatus | null;
  subjectName?: string | null; decidedAt?: string | null; decidedBy?: string | null; number?: string | null;
}
export type RecordStatus = 'filed' | 'shell' | 'cancelled' | 'revoked';
export interface ListView<T> { items: T[]; total: number; page: number; pageSize: number }

export interface HistoryItem {
  id: number; action: string; from: string | null; to: string | null;
  actor: { role: string; userId: string | null; name: string | null; organisation: string | null };
  reason: unknown; requestId: string | null; at: string;
  /** On a subject's page: a service's row names the service's number (the subject's own rows: null). */
  serviceNumber?: string | null;
}

export interface PublicRecord {
  serviceNumber: string; mainNumber: string; serviceName: string; serviceType: string; status: 'filed' | 'cancelled' | 'revoked';
  statusChangedAt?: string; revocationCategory?: 'false_materials' | 'shell_cleanup' | 'illegal' | 'other'; hostName: string; hostType?: string; hostNature: string; approvedAt: string; lastApprovedAt?: string;
  preApprovals: { type: string; number: string }[]; domains: string[]; homeUrl?: string | null;
  platforms: { platform: string; packageName: string }[];
  links: { self: string; page: string; subject: string; badge: string };
  /** HTML to embed (the number linked to its record page); null once cancelled or revoked. */
  snippets: { text: string; badge: string } | null;
  /** issue 13: since when the filing has had no access (a shell), and its life in dates. */
  shellSince?: string | null;
  events?: { type: 'filed' | 'changed' | 'access_added' | 'access_cancelled' | 'shell' | 'cancelled' | 'revoked' | 'imported' | 'subject_cancelled' | 'subject_revoked'; on: string; logIndex?: number | null }[];
}
export interface SearchView { items: PublicRecord[]; total: number; page: number; pageSize: number; totalCapped?: boolean }

export interface SessionView {
  role: string;
  user: { id: string; role: string; displayName: string; login: string; locale?: string } | null;
  organisation: { id: string; name: string; kind: string; provinceCode: string | null } | null;
  csrfToken: string | null; expiresAt: string | null;
  /** Signed in with a one-time password: set a new one before anything else (ADR 0012). */
  mustChangePassword?: boolean;
  /** The development SMS provider is configured (a demo): codes are read at /admin/dev-sms, not on a phone. */
  devSmsInbox?: boolean;
}

export interface Organisation { id: string; kind: string; name: string; uscc: string | null; provinceCode: string | null; status: string; createdAt?: string; contactEmail?: string | null }
export interface Account { id: string; role: string; displayName: string; login: string; organisation: { id: string; name: string; kind: string } | null; disabled?: boolean; disabledAt?: string | null; email?: string | null; mobile?: string | null }
export type ApiKeyScope = 'verify' | 'full';
export interface ApiKey { id: string; name: string; keyPrefix?: string; prefix?: string; scope: ApiKeyScope; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }
export interface CalendarOverride { id: string; day: string; kind: string; provinceCode: string | null; note: string | null; createdAt: string }
