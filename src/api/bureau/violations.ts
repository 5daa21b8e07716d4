// Violation reports and the blacklist (issue 14, contracts 6–7): organisations report and
// follow (/api/org/violations, key or session), the public reports from the record page
// (rate-limited, no account), the bureau of the host's province triages (/api/bureau/violations)
// and keeps the blacklist (/api/bureau/blacklist).
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SYSTEM_ACTOR } from '../../domain/actors.ts';
import { BLACKLIST_KINDS, REVOCATION_CATEGORIES } from '../../domain/supervision/blacklist.ts';
import { MAX_DUE_WORKING_DAYS, MEASURES, MEASURES_FOR } from '../../domain/supervision/orders.ts';
import { VIOLATION_CATEGORIES, VIOLATION_STATUSES } from '../../domain/supervision/violations.ts';
import { addToBlacklist, liftBlacklistEntry } from '../../flows/supervision/blacklist.ts';
import { reportViolation, reportViolationPublicly } from '../../flows/supervision/report-violation.ts';
import { ORG_ROLES, SUPERVISOR_ROLES } from '../../flows/supervision/scope.ts';
import { triageViolation } from '../../flows/supervision/triage-violation.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requireActor } from '../auth/index.ts';
import { RATE_LIMITS, rateLimit, useRateLimitStore } from '../rate-limit.ts';
import { blacklistHistory, historyView } from '../supervision/history.ts';
import { sendCsv } from '../supervision/csv.ts';
import { paging, uuidParam } from '../supervision/schemas.ts';
import { blacklistPageView, getViolation, listBlacklist, listViolations, VIOLATION_CSV_COLUMNS, violationDetailView, violationListView } from '../supervision/violations.ts';
import { isoDay } from '../schemas/dates.ts';
import { orCsv } from '../supervision/views.ts';
import { problems, problemSchema } from '../auth/presenters.ts';
import { numberParam } from '../public/numbers.ts';
import { fieldsAt, fieldsInBody, type FieldProblem } from '../problem.ts';

/**
 * Where a triage step's refusal is in the request: the order's own rules (measure, working days) are
 * `body.order.…`; the report's service that no organisation serves is the report (`params.id`) unless
 * choosing the organisation (`body.order.organisationId`) is the way out; the rest is `body.…`.
 */
const triageField = (field: string, p: FieldProblem) => {
  if (field === 'measure' || field === 'dueInWorkingDays') return `body.order.${field}`;
  if (field.startsWith('serviceNumbers.')) return p.code === 'no_organisation' ? 'body.order.organisationId' : 'params.id';
  return field === 'reason' ? 'body.note' : `body.${field}`;
};

const SECURITY: Record<string, string[]>[] = [{ apiKey: [] }, { session: [] }];
const listQuery = z.object({ ...paging, status: z.enum(VIOLATION_STATUSES).optional(), format: z.enum(['json', 'csv']).optional() });
const day = isoDay;
const problem415 = { 415: problemSchema.describe('unsupported_media_type: the body is not application/json') };
const triaged = z.object({ id: z.string(), status: z.enum(VIOLATION_STATUSES).describe('the report\'s status after the step'), orderIds: z.array(z.string()).describe('the disposal orders the step issued') });

export const violationRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const org = requireActor(...ORG_ROLES);
  const bureau = requireActor(...SUPERVISOR_ROLES);
  const list = (audience: 'org' | 'bureau') => async (req: { query: z.infer<typeof listQuery> } & Parameters<typeof actorOf>[0], reply: Parameters<typeof sendCsv>[0]) => {
    const { page, pageSize, format, ...filter } = req.query;
    const r = await listViolations(ctx.db, ctx.sealer, actorOf(req), filter, format === 'csv' ? { page: 1, pageSize: 100_000 } : { page, pageSize });
    return format === 'csv' ? sendCsv(reply, `violations-${audience}`, VIOLATION_CSV_COLUMNS, r.items) : r;
  };

  app.post('/api/org/violations', {
    onRequest: org,
    schema: {
      tags: ['organisation'], security: SECURITY, summary: 'Report a filed service found violating (by service number or APP identity)',
      body: z.strictObject({
        serviceNumber: z.string().trim().min(1).max(64).optional(),
        platform: z.string().max(20).optional(), packageName: z.string().max(255).optional(), fingerprint: z.string().max(200).optional(),
        category: z.enum(VIOLATION_CATEGORIES), description: z.string().trim().min(1).max(4000),
        evidence: z.string().trim().max(4000).optional(), measuresTaken: z.string().trim().max(2000).optional(), stoppedAt: z.iso.datetime({ offset: true }).optional(),
      }).refine((b) => b.serviceNumber || (b.platform && b.packageName), { message: 'serviceNumber, or platform and packageName', path: ['serviceNumber'] }),
      response: { 201: z.object({ id: z.string(), serviceNumber: z.string() }), ...problems(400, 401, 403, 404), ...problem415 },
    },
  }, async (req, reply) => {
    const b = req.body;
    // A malformed number is bad input (400 naming the field, as the public report's path), not a service never filed (404).
    const target = b.serviceNumber ? { serviceNumber: numberParam(b.serviceNumber, 'body.serviceNumber', 'service') } : { platform: b.platform!, packageName: b.packageName!, ...(b.fingerprint ? { fingerprint: b.fingerprint } : {}) };
    return reply.code(201).send(await fieldsInBody(reportViolation(ctx, actorOf(req), { target, category: b.category, description: b.description, evidence: b.evidence ?? null, measuresTaken: b.measuresTaken ?? null, stoppedAt: b.stoppedAt ?? null })));
  });
  app.get('/api/org/violations', { onRequest: org, schema: { tags: ['organisation'], security: SECURITY, summary: 'My organisation\'s reports; `?format=csv`', querystring: listQuery,
    response: { 200: orCsv(violationListView), ...problems(400, 401, 403) } } }, list('org'));
  app.get('/api/org/violations/:id', { onRequest: org, schema: { tags: ['organisation'], security: SECURITY, summary: 'One of my reports with every step', params: uuidParam,
    response: { 200: violationDetailView, ...problems(400, 401, 403, 404) } } },
    async (req) => getViolation(ctx.db, ctx.sealer, actorOf(req), req.params.id, ctx.now()));
  app.post('/api/org/violations/:id/more', {
    onRequest: org, schema: { tags: ['organisation'], security: SECURITY, summary: 'Answer the bureau\'s request for more', params: uuidParam, body: z.strictObject({ note: z.string().trim().min(1).max(4000) }),
    response: { 200: triaged, ...problems(400, 401, 403, 404, 409), ...problem415 } },
  }, async (req) => fieldsInBody(triageViolation(ctx, actorOf(req), req.params.id, { action: 'provide_more', note: req.body.note })));

  app.get('/api/bureau/violations', { onRequest: bureau, schema: { tags: ['bureau'], summary: 'Violation reports of my province (all for the ministry); `?format=csv`', querystring: listQuery,
    response: { 200: orCsv(violationListView), ...problems(400, 401, 403) } } }, list('bureau'));
  app.get('/api/bureau/violations/:id', {
    onRequest: bureau,
    schema: {
      tags: ['bureau'], params: uuidParam, querystring: z.object({ contact: z.enum(['full', 'masked']).default('full') }),
      summary: 'A report with every step; a public reporter\'s contact in full (recorded in the personal-data access log), or `?contact=masked` (nothing recorded)',
      response: { 200: violationDetailView, ...problems(400, 401, 403, 404) },
    },
  }, async (req) => getViolation(ctx.db, ctx.sealer, actorOf(req), req.params.id, ctx.now(), { reveal: req.query.contact === 'full' }));
  app.post('/api/bureau/violations/:id/steps', {
    onRequest: bureau,
    schema: {
      tags: ['bureau'], summary: 'Triage: request_more | order_disposal | revoke | close', params: uuidParam,
      body: z.strictObject({
        action: z.enum(['request_more', 'order_disposal', 'revoke', 'close']), note: z.string().trim().max(4000).optional(),
        order: z.strictObject({
          measure: z.enum(MEASURES), dueInWorkingDays: z.number().int().min(1).max(MAX_DUE_WORKING_DAYS),
          organisationId: z.string().max(64).optional().describe('The organisation ordered (GET /api/bureau/organisations); default: the reporting organisation, or the access providers'),
        }).optional(),
        category: z.enum(REVOCATION_CATEGORIES).optional(),
      }),
      response: { 200: triaged, ...problems(400, 401, 403, 404, 409), ...problem415 },
    },
  }, async (req) => fieldsAt(triageViolation(ctx, actorOf(req), req.params.id, req.body), triageField));

  // The organisations a bureau orders (an order from a report, the campaign's order form): active
  // providers, platforms and device makers, with their kind (which measures fit it, MEASURES_FOR).
  app.get('/api/bureau/organisations', {
    onRequest: bureau, schema: { tags: ['bureau'], summary: 'Organisations that can be ordered to dispose: active access providers, distribution platforms, device makers',
      response: {
        200: z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), kind: z.enum(['access_provider', 'distribution_platform', 'device_maker']), measures: z.array(z.enum(MEASURES)).describe('the measures an order to this kind of organisation may take') })) }),
        ...problems(401, 403),
      } },
  }, async () => ({
    items: (await ctx.db.query<{ id: string; name: string; kind: 'access_provider' | 'distribution_platform' | 'device_maker' }>(
      `select id, name, kind from organisations where status = 'active' and kind in ('access_provider', 'distribution_platform', 'device_maker') order by kind, name`))
      .map((o) => ({ ...o, measures: [...MEASURES_FOR[o.kind]] })),
  }));

  app.get('/api/bureau/blacklist', {
    onRequest: bureau,
    schema: {
      tags: ['bureau'], summary: 'Blacklist entries (my province; all for the ministry), newest first, a page at a time; `?active=true`, `?format=csv` (all)',
      description: '`page` (from 1) and `pageSize` (default 50, at most 500); `total` counts them all (with `active`, those it keeps). The CSV export holds every entry.',
      querystring: z.object({ ...paging, active: z.enum(['true', 'false']).optional(), format: z.enum(['json', 'csv']).optional() }),
      response: { 200: orCsv(blacklistPageView), ...problems(400, 401, 403) },
    },
  }, async (req, reply) => {
    const { page, pageSize, active, format } = req.query;
    const r = await listBlacklist(ctx.db, actorOf(req), ctx.now(), active ? { active: active === 'true' } : {}, format === 'csv' ? undefined : { page, pageSize });
    return format === 'csv' ? sendCsv(reply, 'blacklist', ['id', 'kind', 'value', 'subjectName', 'serviceNumber', 'untilOn', 'category', 'active', 'createdAt', 'liftedAt', 'liftReason'], r.items)
      : r as z.infer<typeof blacklistPageView>; // paged: listBlacklist answers page and pageSize when given them
  });
  app.post('/api/bureau/blacklist', {
    onRequest: bureau,
    schema: {
      tags: ['bureau'], summary: "Blacklist a service's subject certificate, package names and/or domains until a date",
      body: z.strictObject({ serviceNumber: z.string().trim().min(1).max(64), kinds: z.array(z.enum(BLACKLIST_KINDS)).min(1).max(3), untilOn: day, category: z.enum(REVOCATION_CATEGORIES), reason: z.string().trim().min(1).max(1000) }),
      response: { 201: z.object({ ids: z.array(z.string()).describe('the entries made, one a kind') }), ...problems(400, 401, 403, 404, 409), ...problem415 },
    },
  }, async (req, reply) => reply.code(201).send(await fieldsInBody(addToBlacklist(ctx, actorOf(req), { ...req.body, serviceNumber: numberParam(req.body.serviceNumber, 'body.serviceNumber', 'service') }), 'serviceNumber')));
  app.get('/api/bureau/blacklist/:id/history', {
    onRequest: bureau, schema: { tags: ['bureau'], summary: "A blacklist entry's history: added (and extended by a later decision), lifted", params: uuidParam,
      response: { 200: historyView, ...problems(400, 401, 403, 404) } },
  }, async (req) => ({ items: await blacklistHistory(ctx.db, actorOf(req), req.params.id) }));
  app.post('/api/bureau/blacklist/:id/lift', {
    onRequest: bureau, schema: { tags: ['bureau'], summary: 'Lift an entry early (reason required)', params: uuidParam, body: z.strictObject({ reason: z.string().trim().min(1).max(1000) }),
      response: { 200: z.object({ id: z.string(), liftedAt: z.string() }), ...problems(400, 401, 403, 404, 409), ...problem415 } },
  }, async (req) => {
    const r = await fieldsInBody(liftBlacklistEntry(ctx, actorOf(req), req.params.id, req.body.reason));
    return { id: r.id, liftedAt: r.liftedAt.toISOString() };
  });

  // The public: a rate-limited form on the record page, no account needed. The number is judged
  // like the public record's (400 naming params.serviceNumber when malformed; 404 when never filed).
  const quota = rateLimit(RATE_LIMITS.report, await useRateLimitStore(app, ctx.config, { prefix: 'beian:rl:report:' }));
  app.post('/api/public/v1/services/:serviceNumber/reports', {
    onRequest: quota,
    schema: {
      tags: ['public'], summary: 'Report a filed service (no account; your contact is sealed and seen only by the bureau)',
      params: z.object({ serviceNumber: z.string().max(64).describe('服务备案号, URL-encoded, e.g. 粤ICP备2024000001号-2A') }),
      body: z.strictObject({ category: z.enum(VIOLATION_CATEGORIES), description: z.string().trim().min(10).max(2000), name: z.string().trim().max(64).optional(), contact: z.string().trim().min(5).max(100) }),
      response: {
        201: z.object({ id: z.string() }),
        400: problemSchema.describe('bad input, naming the field: params.serviceNumber (filing_number_format, filing_number_not_service, …), body.* (invalid_request; body.contact: contact_invalid), invalid_text'),
        404: problemSchema.describe('service_not_found: a well-formed service number never filed'),
        415: problemSchema.describe('unsupported_media_type: the body is not application/json'),
        429: problemSchema.describe('rate_limited: over the report quota (Retry-After)'),
      },
    },
  }, async (req, reply) => {
    const number = numberParam(req.params.serviceNumber, 'params.serviceNumber', 'service');
    return reply.code(201).send(await fieldsInBody(reportViolationPublicly(ctx, { ...SYSTEM_ACTOR, requestId: req.id }, number, req.body)));
  });
};
