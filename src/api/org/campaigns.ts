// /api/org/campaigns, /api/org/findings, /api/org/orders (issue 14, contracts 1–5): an
// organisation answers an inspection from its own scripts (API key) or its console (session):
// it sees the campaigns it is in scope of, streams its catalogue, lists its findings, marks
// hosts notified and confirms disposal orders. Another organisation's records are 404s.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { chinaDate } from '../../domain/china-time.ts';
import { catalogueState } from '../../domain/supervision/campaigns.ts';
import { FINDING_OUTCOMES } from '../../domain/supervision/findings.ts';
import { markNotified } from '../../flows/supervision/mark-notified.ts';
import { addOrderItemAttachment, assertAttachable, ATTACHMENT_MAX_BYTES, ATTACHMENTS_PER_ITEM, attachmentTooLarge, loadOrderItemAttachment } from '../../flows/supervision/attachments.ts';
import { confirmOrderItem } from '../../flows/supervision/order-items.ts';
import { objectToOrderItem } from '../../flows/supervision/object-order-item.ts';
import { loadCampaign, NotFoundError, ORG_ROLES, orgFacts } from '../../flows/supervision/scope.ts';
import { type CatalogueUpload, type Matcher, submitCatalogue } from '../../flows/supervision/submit-catalogue.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requireActor } from '../auth/index.ts';
import { FINDING_CSV_COLUMNS, currentSubmission, listCampaigns, listFindings, listOrders, orderHistory, presentCampaign, submissionErrors } from '../supervision/queries.ts';
import { findingQuery, objectionBody, ORDER_CSV_COLUMNS, orderQuery, orderRows, paging, uuidParam } from '../supervision/schemas.ts';
import { attachmentParams, sendAttachment } from '../supervision/attachments.ts';
import { sendCsv } from '../supervision/csv.ts';
import { registerUploads, UploadTooLargeError, withUploadedFile } from '../uploads.ts';
import { fieldsAt, fieldsInBody } from '../problem.ts';
import { problems, problemSchema } from '../auth/presenters.ts';
import { attachmentView, campaignView, findingPage, lineError, orCsv, orderHistoryView, orderPage, problem415, submissionView } from '../supervision/views.ts';
import { ndjsonLines, NDJSON_TYPES } from '../verify/stream.ts';

export const CSV_TYPES = ['text/csv'];
const SECURITY: Record<string, string[]>[] = [{ apiKey: [] }, { session: [] }];
const read = <T extends z.ZodType>(view: T) => ({ 200: view, ...problems(400, 401, 403, 404) });
const wrote = <T extends z.ZodType>(view: T) => ({ 200: view, ...problems(400, 401, 403, 404, 409), ...problem415 });
const notifiedView = z.object({ notified: z.number().int().describe('marked now'), already: z.number().int().describe('marked before (the first time is kept)') });
const myCampaign = campaignView.extend({
  catalogue: submissionView.nullable().describe('my current catalogue; null before one'), catalogueState: z.enum(['submitted', 'due', 'overdue']),
});

/** Reads a request body as numbered lines while hashing every byte (the submission's digest). */
export function catalogueUpload(body: AsyncIterable<Buffer | string>, format: 'ndjson' | 'csv'): CatalogueUpload {
  const hash = createHash('sha256');
  let bytes = 0;
  async function* hashed() {
    for await (const chunk of body) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      hash.update(b);
      bytes += b.length;
      yield b;
    }
  }
  let digest: string | undefined;
  return { format, lines: ndjsonLines(hashed()), digest: () => ({ sha256: digest ??= hash.digest('hex'), bytes }) };
}

export const orgCampaignRoutes = (ctx: AppContext, match: Matcher): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const guard = requireActor(...ORG_ROLES);
  // The body stays a stream (constant memory; Fastify's body limit does not apply).
  app.addContentTypeParser([...NDJSON_TYPES, ...CSV_TYPES], (_req, payload, done) => done(null, payload));

  app.get('/api/org/campaigns', {
    onRequest: guard,
    schema: {
      tags: ['organisation'], security: SECURITY, summary: 'Campaigns my organisation is in scope of, with my catalogue, latest start first, a page at a time (`?format=csv`: all)',
      description: '`page` (from 1) and `pageSize` (default 50, at most 500); `total` counts them all. The CSV export holds every campaign.',
      querystring: z.object({ ...paging, format: z.enum(['json', 'csv']).optional() }),
      response: { 200: orCsv(z.object({ items: z.array(myCampaign), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() })), ...problems(400, 401, 403) },
    },
  }, async (req, reply) => {
    const actor = actorOf(req);
    const org = await orgFacts(ctx.db, actor);
    const today = chinaDate(ctx.now());
    const { page, pageSize, format } = req.query;
    const { rows, total } = await listCampaigns(ctx.db, actor, org, format === 'csv' ? undefined : { page, pageSize });
    const items = await Promise.all(rows.map(async (c) => {
      const catalogue = await currentSubmission(ctx.db, c.id, actor.orgId!);
      return { ...presentCampaign(c, today), catalogue, catalogueState: catalogueState(c.catalogue_due_on, today, catalogue !== null) };
    }));
    if (format === 'csv') {
      return sendCsv(reply, 'campaigns', ['id', 'name', 'kind', 'status', 'startsOn', 'catalogueDueOn', 'endsOn', 'catalogueState', 'received', 'accepted', 'rejected', 'digest', ...FINDING_OUTCOMES],
        items.map((c) => ({ ...c, received: c.catalogue?.received, accepted: c.catalogue?.accepted, rejected: c.catalogue?.rejected, digest: c.catalogue?.digest,
          ...Object.fromEntries(FINDING_OUTCOMES.map((k) => [k, c.catalogue?.findings[k]])) })));
    }
    return { items, total, page, pageSize };
  });

  app.get('/api/org/campaigns/:id', {
    onRequest: guard, schema: { tags: ['organisation'], security: SECURITY, summary: 'One campaign, my current catalogue and its rejected lines', params: uuidParam,
      response: read(myCampaign.extend({ errors: z.array(lineError).describe('the current catalogue\'s rejected lines (first 1000)') })) },
  }, async (req) => {
    const actor = actorOf(req);
    const c = await loadCampaign(ctx.db, actor, req.params.id);
    const today = chinaDate(ctx.now());
    const catalogue = await currentSubmission(ctx.db, c.id, actor.orgId!);
    return { ...presentCampaign(c, today), catalogue, catalogueState: catalogueState(c.catalogue_due_on, today, catalogue !== null), errors: catalogue ? await submissionErrors(ctx.db, catalogue.id) : [] };
  });

  app.post('/api/org/campaigns/:id/catalogue', {
    onRequest: guard,
    schema: {
      tags: ['organisation'], security: SECURITY, summary: 'Submit (or replace) my catalogue: NDJSON or CSV, streamed',
      description: 'Content-Type `application/x-ndjson` (one JSON object a line) or `text/csv` (a header row naming the columns). Fields: `platform, packageName, fingerprint` and optional `appName, storeId, url, downloads`. Answer: `{received, accepted, rejected, findings: {filed, not_filed, fingerprint_mismatch, cancelled, revoked, shell}, errors: [{line, field, code, message}]}` (first 100 rejected lines). A resubmission replaces the previous catalogue.',
      params: uuidParam,
      response: {
        201: z.object({ submissionId: z.string(), digest: z.string().describe('SHA-256 of the body'), received: z.number().int(), accepted: z.number().int(), rejected: z.number().int(),
          findings: submissionView.shape.findings, errors: z.array(lineError).describe('the first 100 rejected lines') }),
        ...problems(400, 401, 403, 404, 409), ...problem415,
      },
    },
  }, async (req, reply) => {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const format = CSV_TYPES.includes(type) ? 'csv' : 'ndjson';
    const body = req.body as Readable | undefined;
    if (!body || typeof (body as Readable)[Symbol.asyncIterator] !== 'function') {
      return reply.code(415).type('application/problem+json').send({ type: 'about:blank', title: 'Unsupported Media Type', status: 415, code: 'unsupported_media_type', detail: 'send application/x-ndjson or text/csv', instance: req.url, requestId: req.id });
    }
    const r = await submitCatalogue(ctx, actorOf(req), match, req.params.id, catalogueUpload(body, format));
    return reply.code(201).send(r);
  });

  app.get('/api/org/campaigns/:id/findings', {
    onRequest: guard, schema: { tags: ['organisation'], security: SECURITY, summary: 'My findings in a campaign (filters, paging, `?format=csv`)', params: uuidParam, querystring: findingQuery,
      response: read(orCsv(findingPage)) },
  }, async (req, reply) => {
    const actor = actorOf(req);
    const c = await loadCampaign(ctx.db, actor, req.params.id);
    const { page, pageSize, format, ...filter } = req.query;
    if (format === 'csv') {
      const all = await listFindings(ctx.db, actor, c.id, filter, { page: 1, pageSize: 1_000_000 });
      return sendCsv(reply, `findings-${c.id}`, FINDING_CSV_COLUMNS, all.items);
    }
    return listFindings(ctx.db, actor, c.id, filter, { page, pageSize });
  });

  app.post('/api/org/findings/:id/notified', {
    onRequest: guard, schema: { tags: ['organisation'], security: SECURITY, summary: "Mark a finding's host notified", params: uuidParam, response: wrote(notifiedView) },
  }, async (req) => fieldsAt(markNotified(ctx, actorOf(req), [req.params.id]), (f) => (f === 'findingIds.0' ? 'params.id' : `body.${f}`)));

  app.post('/api/org/findings/notified', {
    onRequest: guard,
    schema: { tags: ['organisation'], security: SECURITY, summary: 'Mark many findings notified', body: z.strictObject({ findingIds: z.array(z.string().max(64)).min(1).max(5000) }), response: wrote(notifiedView) },
  }, async (req) => fieldsInBody(markNotified(ctx, actorOf(req), req.body.findingIds)));

  app.get('/api/org/orders', {
    onRequest: guard, schema: { tags: ['organisation'], security: SECURITY, summary: 'Disposal orders to my organisation (`?overdue=true`, `?format=csv`)', querystring: orderQuery,
      response: { 200: orCsv(orderPage), ...problems(400, 401, 403) } },
  }, async (req, reply) => {
    const { page, pageSize, format, ...filter } = req.query;
    const r = await listOrders(ctx.db, actorOf(req), filter, ctx.now(), format === 'csv' ? { page: 1, pageSize: 100_000 } : { page, pageSize });
    return format === 'csv' ? sendCsv(reply, 'orders', ORDER_CSV_COLUMNS, orderRows(r.items)) : r;
  });

  // Evidence files (multipart, one file part): PDF, PNG or JPEG, at most 5 MiB, 10 an item.
  await registerUploads(base, ATTACHMENT_MAX_BYTES);
  app.post('/api/org/orders/:id/items/:itemId/attachments', {
    onRequest: guard,
    schema: {
      tags: ['organisation'], security: SECURITY, summary: 'Add an evidence file to an open order item (multipart/form-data, one file part)',
      description: `PDF, PNG or JPEG (read from the file's first bytes), at most ${ATTACHMENT_MAX_BYTES / 1048576} MiB, ${ATTACHMENTS_PER_ITEM} an item. Upload before confirming the item done; the confirmation lists every file's SHA-256 in history.`,
      params: z.object({ id: z.string().max(64), itemId: z.string().max(64) }),
      response: {
        201: attachmentView, ...problems(400, 401, 403, 404, 409),
        413: problemSchema.describe('attachment_too_large: over the size limit'), 415: problemSchema.describe('unsupported_media_type: not multipart/form-data'),
      },
    },
  }, async (req, reply) => {
    await assertAttachable(ctx.db, actorOf(req), req.params.id, req.params.itemId);
    const added = await withUploadedFile(req, ATTACHMENT_MAX_BYTES, async (file) =>
      addOrderItemAttachment(ctx, actorOf(req), req.params.id, req.params.itemId, { name: file.filename, content: await readFile(file.path) }))
      .catch((err: unknown) => { throw err instanceof UploadTooLargeError ? attachmentTooLarge() : err; });
    return reply.code(201).send({ ...added, url: `/api/org/orders/${req.params.id}/items/${req.params.itemId}/attachments/${added.id}` });
  });
  app.get('/api/org/orders/:id/items/:itemId/attachments/:attachmentId', {
    onRequest: guard, schema: { tags: ['organisation'], security: SECURITY, summary: 'Download an evidence file of my order', params: attachmentParams },
  }, async (req, reply) => sendAttachment(reply, await loadOrderItemAttachment(ctx.db, actorOf(req), req.params.id, req.params.itemId, req.params.attachmentId)));

  app.post('/api/org/orders/:id/items/:itemId/done', {
    onRequest: guard,
    schema: {
      tags: ['organisation'], security: SECURITY, summary: 'Confirm an order item done, with evidence',
      params: z.object({ id: z.string().max(64), itemId: z.string().max(64) }),
      body: z.strictObject({
        evidence: z.string().trim().min(1).max(4000),
        attachments: z.array(z.strictObject({ name: z.string().trim().min(1).max(200), url: z.url().max(1000).optional(), sha256: z.string().regex(/^[0-9a-f]{64}$/).optional() })).max(20).optional(),
      }),
      response: wrote(z.object({ id: z.string(), status: z.string(), doneAt: z.string() })),
    },
  }, async (req) => {
    const r = await fieldsInBody(confirmOrderItem(ctx, actorOf(req), req.params.id, req.params.itemId, req.body));
    return { id: r.id, status: r.status, doneAt: r.doneAt.toISOString() };
  });

  app.get('/api/org/orders/:id/history', {
    onRequest: guard, schema: { tags: ['organisation'], security: SECURITY, summary: "An order's history: issue, new dates, follow-ups, each item's confirmations, objections and answers", params: uuidParam, response: read(orderHistoryView) },
  }, async (req) => {
    const steps = await orderHistory(ctx.db, actorOf(req), req.params.id);
    if (!steps) throw new NotFoundError('order', req.params.id);
    return { items: steps };
  });

  app.post('/api/org/orders/:id/items/:itemId/objection', {
    onRequest: guard,
    schema: {
      tags: ['organisation'], security: SECURITY, summary: 'Object to an open order item (not ours, filed now, more time, other)',
      description: 'The item waits for the bureau (`objected`, not overdue meanwhile), which upholds the order or withdraws the item. `requestedDueOn` goes with the ground `more_time` only. Evidence files may be added to an objected item; it may still be confirmed done.',
      params: z.object({ id: z.string().max(64), itemId: z.string().max(64) }), body: objectionBody,
      response: wrote(z.object({ id: z.string(), status: z.string(), objectedAt: z.string() })),
    },
  }, async (req) => fieldsInBody(objectToOrderItem(ctx, actorOf(req), req.params.id, req.params.itemId, req.body)));
};
