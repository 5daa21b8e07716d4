// Request and response shapes shared by the host, provider and bureau routes.
import { z } from 'zod';
import { APPLICATION_TYPES } from '../../domain/lifecycle.ts';
import { materialsDraftSchema } from './materials.ts';

export const idParams = z.object({ id: z.uuid() });

export const reasonSchema = z.strictObject({
  field: z.string().trim().min(1).max(200).describe('dotted path of the field, e.g. subject.principal.mobile'),
  error: z.string().trim().min(1).max(500),
  suggestion: z.string().trim().max(500).optional(),
});
export const reasonsBody = z.strictObject({ reasons: z.array(reasonSchema).min(1).max(50) });

export const createApplicationBody = z.strictObject({
  applicationType: z.enum(APPLICATION_TYPES).default('first_filing')
    .describe('first_filing | new_service (+subjectId) | change_service (+serviceId) | change_subject (+subjectId) | add_access (+serviceId)'),
  serviceType: z.enum(['website', 'app', 'mini_program', 'quick_app']).optional().describe('required for first_filing and new_service; a change takes it from the filed record'),
  subjectId: z.uuid().optional().describe('new_service: the host\'s filed subject to add the service to; change_subject: the subject to change'),
  serviceId: z.uuid().optional().describe('change_service, add_access: the host\'s filed service'),
  submitterOrgId: z.uuid().optional().describe('the access provider or distribution platform that will submit'),
  materials: materialsDraftSchema.default({}),
});

export const updateApplicationBody = z.strictObject({
  materials: materialsDraftSchema,
  submitterOrgId: z.uuid().nullable().optional(),
  version: z.number().int().positive().optional(),
});

const problem = z.object({ field: z.string(), code: z.string(), message: z.string(), suggestion: z.string().optional() });

const recordStatus = z.enum(['filed', 'shell', 'cancelled', 'revoked']).nullable()
  .describe('the current status of the filed record the application made or changes (its service; its subject for change_subject): filed, shell (filed, no access left), cancelled or revoked; null while it names no filed record (a first filing or new service before approval)');

export const applicationView = z.object({
  id: z.string(),
  applicationType: z.string(),
  serviceType: z.string(),
  serviceName: z.string().nullable(),
  status: z.string(),
  version: z.number(),
  subjectId: z.string().nullable(),
  serviceId: z.string().nullable(),
  provinceCode: z.string().nullable(),
  submitter: z.object({ id: z.string(), name: z.string().nullable(), kind: z.string().nullable() }).nullable(),
  organisations: z.record(z.string(), z.string()).describe('names of the organisations the application names (its submitter, access providers before and after a change): id → name'),
  materials: z.record(z.string(), z.unknown()),
  problems: z.array(problem),
  warnings: z.array(problem),
  reviewReasons: z.array(z.unknown()),
  packageChecks: z.array(z.object({
    field: z.string().describe('platforms.N: the platform of the materials'),
    platform: z.string(), packageName: z.string().nullable(), kind: z.enum(['package', 'certificate']),
    analyzedAt: z.string(), certificateNotAfter: z.string().nullable(), profileType: z.string().nullable(),
    findings: z.array(z.object({
      code: z.string(), message: z.string().describe('English'),
      params: z.record(z.string(), z.union([z.string(), z.number()])).optional()
        .describe('the values the message names (notAfter ISO 8601 UTC, daysLeft, subject, profileName …), for a UI to word the finding in its own language'),
      refuses: z.boolean().describe('true: submission is refused while it stands'),
    })),
  })).describe('DOMAIN.md §0.1: the analyzer\'s findings on the package the host uploaded for each platform (matched by platform, package name and '
    + 'certificate fingerprint; certificate_expired, and certificate_expiring within 30 days, judged now). debug_certificate / debug_profile / debuggable, development_profile and '
    + 'certificate_expired refuse submission (package_debug_signed, package_development_profile, package_certificate_expired); the others are warnings. '
    + 'A platform whose package was never uploaded is not listed'),
  diff: z.array(z.object({ field: z.string(), old: z.unknown(), new: z.unknown() })).nullable()
    .describe('changes: the filed value and the new one of every field that differs (personal data masked except for the host); null for a first filing'),
  target: z.object({ mainNumber: z.string().nullable(), serviceNumber: z.string().nullable() }).nullable().describe('changes: the numbers of the filed record (they stay)'),
  filed: z.object({
    accessProviders: z.array(z.string()).describe('the filed access records\' providers, in the order the draft starts with (新增接入 keeps them as filed and appends)'),
    subjectType: z.string().nullable().describe('the filed subject type (an individual may become an enterprise, not the way back)'),
  }).nullable().describe('changes: what of the filed record the form keeps (the kind\'s fixed fields are in APPLICATION_KINDS); null for a first filing or new service'),
  availableActions: z.array(z.string()),
  recordStatus,
  smsChecks: z.array(z.object({
    id: z.string(), mobile: z.string(), personRoles: z.array(z.string()), status: z.string(),
    remainingAttempts: z.number(), resendsLeft: z.number(), lastSentAt: z.string(), expiresAt: z.string(),
  })),
  identityTasks: z.array(z.object({
    id: z.string(), personRole: z.string(), verifier: z.string(), status: z.string(), createdAt: z.string(), expiresAt: z.string(), completedAt: z.string().nullable(),
  })),
  receivedOn: z.string().nullable(),
  deadlineOn: z.string().nullable(),
  /** Counted into a year without an official holiday schedule; may move when it is imported. */
  deadlineProvisional: z.boolean(),
  deadlineProvisionalReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  submittedAt: z.string().nullable(),
  sentToBureauAt: z.string().nullable(),
  decidedAt: z.string().nullable(),
  subjectRecord: z.object({
    id: z.string(), name: z.string(), subjectType: z.string(), mainNumber: z.string().nullable(), status: z.string(),
    certificateType: z.string(), certificateNumber: z.string().describe('masked (the bureau record page reveals it, logged)'),
    recordServiceId: z.string().nullable().describe('the service whose bureau record page (/api/bureau/records/{id}) shows this subject: the application\'s own, else the subject\'s first; null for a subject change (变更主体 acts on the subject: see `services` and the subject\'s public page)'),
    services: z.array(z.object({ id: z.string(), serviceNumber: z.string(), name: z.string(), serviceType: z.string(), status: z.enum(['filed', 'shell', 'cancelled', 'revoked']) }))
      .describe('the subject\'s services, in filing order, each with its bureau record page (/api/bureau/records/{id})'),
    applications: z.array(z.object({ id: z.string(), applicationType: z.string(), serviceName: z.string().nullable(), status: z.string(), submittedAt: z.string().nullable(), decidedAt: z.string().nullable() }))
      .describe('the subject\'s other applications (drafts excluded), newest first'),
  }).nullable().optional().describe('bureau only: the filed subject a follow-up application (新增服务, 新增接入, 变更服务, 变更主体, 注销…) acts under; null for a first filing'),
});

export const historyView = z.object({
  items: z.array(z.object({
    id: z.number(), action: z.string(), from: z.string().nullable(), to: z.string().nullable(),
    actor: z.object({
      role: z.string(), userId: z.string().nullable(), name: z.string().nullable(), organisation: z.string().nullable(),
      apiKey: z.object({ id: z.string(), name: z.string() }).nullable().describe('the organisation API key the change was made with (no person then)'),
    }),
    reason: z.unknown(), requestId: z.string().nullable(), at: z.string(),
  })),
});

export const listQuery = z.object({
  status: z.enum(['draft', 'provider_review', 'returned', 'sms_pending', 'bureau_review', 'bureau_rejected', 'approved', 'withdrawn']).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  applicationType: z.enum(APPLICATION_TYPES).optional().describe('only applications of this kind (first_filing, new_service, change_service, change_subject, add_access)'),
});


export const summaryView = z.object({
  id: z.string(), applicationType: z.string(), serviceType: z.string(), serviceName: z.string().nullable(), status: z.string(),
  provinceCode: z.string().nullable(), submitterOrgId: z.string().nullable(), submittedAt: z.string().nullable(),
  receivedOn: z.string().nullable(), deadlineOn: z.string().nullable(),
  deadlineProvisional: z.boolean(), deadlineProvisionalReason: z.string().nullable(), remainingWorkingDays: z.number().nullable(), overdue: z.boolean(),
  updatedAt: z.string(),
  recordStatus,
  subjectName: z.string().nullable().optional().describe('the subject the application is filed under (or names, for a first filing)'),
  decidedAt: z.string().nullable().optional().describe('when the bureau approved or rejected it'),
  decidedBy: z.string().nullable().optional().describe('the bureau reviewer who decided it'),
  number: z.string().nullable().optional().describe('the number of the record it made or changed (service number; the main number for a subject change)'),
});
export const listView = z.object({ items: z.array(summaryView), total: z.number(), page: z.number(), pageSize: z.number() });
