// What the campaign and order routes answer (issue 14), as their response schemas declare it: the
// OpenAPI document describes them, and the serializer keeps only these fields — a field added to a
// presenter in queries.ts must be added here too (src/api/response-schemas.test.ts compares them).
import { z } from 'zod';
import { ITEM_STATUSES } from '../../domain/supervision/orders.ts';
import { problemSchema } from '../auth/presenters.ts';

const int = () => z.number().int();

export const problem415 = { 415: problemSchema.describe('unsupported_media_type: the body is not what the route reads') };

/** What a JSON list answers unless `?format=csv` (text/csv, every row), which no schema describes. */
export const orCsv = <T extends z.ZodType>(view: T) => view.describe('JSON; with `?format=csv`, text/csv (every row) instead');

export const campaignView = z.object({
  id: z.string(), name: z.string(), kind: z.string().describe('transition | inspection | routine'),
  provinceCodes: z.array(z.string()).nullable().describe('the provinces covered; null: national'), orgKinds: z.array(z.string()).describe('platform | provider | device_maker'),
  startsOn: z.string(), catalogueDueOn: z.string(), endsOn: z.string(), createdAt: z.string(),
  status: z.enum(['upcoming', 'open', 'ended']), endedOn: z.string().nullable().describe('set when ended early'), endReason: z.string().nullable(),
  ownerProvinceCode: z.string().nullable().describe('the bureau that runs it; null: the ministry'),
});

export const outcomeCounts = z.object({ filed: int(), not_filed: int(), fingerprint_mismatch: int(), cancelled: int(), revoked: int(), shell: int() });

export const roundView = z.object({ id: z.string(), number: int(), respondBy: z.string(), createdAt: z.string(), findings: int(), notified: int(), notYet: int() });

export const progressView = z.object({
  campaign: campaignView,
  catalogues: z.object({ inScope: int(), received: int(), overdue: int() }),
  findings: outcomeCounts, notified: int(), notYetNotified: int(), resolved: int(),
  orders: z.object({ items: int(), open: int(), objected: int(), done: int(), accepted: int(), withdrawn: int(), overdue: int() }),
  byOrganisation: z.array(z.object({
    organisationId: z.string(), organisationName: z.string(), catalogue: z.enum(['submitted', 'due', 'overdue']), submittedAt: z.string().nullable(), received: int(),
    findings: outcomeCounts, notified: int(), open: int(), resolved: int(),
  })),
  rounds: z.array(roundView),
  timeline: z.array(z.object({ day: z.string(), received: int(), findings: int(), notified: int(), ordered: int(), disposed: int(), overdue: int() }))
    .describe('day by day from the start, each figure cumulative at the end of the day'),
});

export const findingView = z.object({
  id: z.string(), campaignId: z.string(), organisationId: z.string(), organisationName: z.string(), organisationKind: z.string(), line: int().describe('the catalogue line'),
  platform: z.string(), packageName: z.string(), fingerprint: z.string(), fingerprintAlgorithm: z.string(),
  appName: z.string().nullable(), storeId: z.string().nullable(), url: z.string().nullable(), downloads: z.number().nullable(),
  outcome: z.string().describe('not_filed | fingerprint_mismatch | cancelled | revoked | shell'), serviceNumber: z.string().nullable(),
  resolvedOn: z.string().nullable(), notifiedAt: z.string().nullable(), rounds: z.array(int()).describe('the rounds of notice that named it'),
});
export const findingPage = z.object({ items: z.array(findingView), total: int(), page: int(), pageSize: int() });

export const submissionView = z.object({
  id: z.string(), status: z.string(), format: z.string(), digest: z.string().nullable(), received: int(), accepted: int(), rejected: int(),
  findings: outcomeCounts, startedAt: z.string(), completedAt: z.string().nullable(),
});
export const lineError = z.object({ line: int(), field: z.string(), code: z.string(), message: z.string() });

export const attachmentView = z.object({ id: z.string(), name: z.string(), contentType: z.string(), bytes: int(), sha256: z.string(), uploadedAt: z.string(), url: z.string().describe('where to download it') });

export const orderItemView = z.object({
  files: z.array(attachmentView).describe('evidence files uploaded to the item'),
  id: z.string(), findingId: z.string().nullable(), serviceNumber: z.string().nullable(), platform: z.string().nullable(), packageName: z.string().nullable(),
  status: z.enum(ITEM_STATUSES), overdue: z.boolean(), evidence: z.string().nullable(),
  attachments: z.array(z.looseObject({ name: z.string(), url: z.string().optional(), sha256: z.string().optional() })).describe('evidence described by reference at confirmation'),
  doneAt: z.string().nullable(), decidedAt: z.string().nullable(), reopenReason: z.string().nullable(),
  objection: z.object({ ground: z.string(), note: z.string().nullable(), requestedDueOn: z.string().nullable(), at: z.string() }).nullable().describe("the organisation's last objection"),
  answerNote: z.string().nullable().describe("the bureau's words on upholding or withdrawing"),
});
export const orderView = z.object({
  id: z.string(), organisationId: z.string(), organisationName: z.string(), campaignId: z.string().nullable(), violationId: z.string().nullable(),
  measure: z.string(), reason: z.string(), orderedOn: z.string(), dueOn: z.string(), dueProvisional: z.boolean().describe('counted into a year without an official holiday schedule'),
  dueInWorkingDays: int(), createdAt: z.string(), overdue: z.boolean(), items: z.array(orderItemView),
});
export const orderPage = z.object({ total: int(), page: int(), pageSize: int(), items: z.array(orderView) });

export const orderHistoryView = z.object({
  items: z.array(z.object({
    at: z.string(), action: z.string(), itemId: z.string().nullable(), item: z.string().nullable().describe('the item\'s package name or service number'),
    from: z.string().nullable(), to: z.string().nullable(), actorRole: z.string(), note: z.string().nullable(), ground: z.string().nullable(),
    dueOn: z.string().nullable(), previousDueOn: z.string().nullable(), file: z.string().nullable(),
  })),
});

export const itemMoved = z.object({ id: z.string(), status: z.string() });
