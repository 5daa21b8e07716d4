// /api/bureau/campaigns and /api/bureau/orders (issue 14, contracts 1, 3, 4, 5): a bureau
// reviewer runs campaigns in its province, the ministry administrator nationally — create,
// progress, findings (filters, paging, CSV), rounds of notice, disposal orders, accept/reopen.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { chinaDate } from '../../domain/china-time.ts';
import { CAMPAIGN_KINDS, CAMPAIGN_ORG_KINDS } from '../../domain/supervision/campaigns.ts';
import { FINDING_OUTCOMES } from '../../domain/supervision/findings.ts';
import { createCampaign } from '../../flows/supervision/create-campaign.ts';
import { endCampaign } from '../../flows/supervision/end-campaign.ts';
import { extendCampaign } from '../../flows/supervision/extend-campaign.ts';
import { loadOrderItemAttachment } from '../../flows/supervision/attachments.ts';
import { issueOrders } from '../../flows/supervision/issue-orders.ts';
import { upholdOrderItem } from '../../flows/supervision/answer-objection.ts';
import { decideOrderItem } from '../../flows/supervision/order-items.ts';
import { redateOrder } from '../../flows/supervision/redate-order.ts';
import { withdrawOrderItem } from '../../flows/supervision/withdraw-order-item.ts';
import { loadCampaign, NotFoundError, SUPERVISOR_ROLES } from '../../flows/supervision/scope.ts';
import { sendRound } from '../../flows/supervision/send-round.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requireActor } from '../auth/index.ts';
import { attachmentParams, sendAttachment } from '../supervision/attachments.ts';
import { sendCsv } from '../supervision/csv.ts';
import { campaignHistory, historyView } from '../supervision/history.ts';
import { problems } from '../auth/presenters.ts';
import { campaignView, findingPage, itemMoved, orCsv, orderHistoryView, orderPage, problem415, progressView, roundView } from '../supervision/views.ts';
import { campaignProgress, FINDING_CSV_COLUMNS, listCampaigns, listFindings, listOrders, orderHistory, presentCampaign, TIMELINE_CSV_COLUMNS } from '../supervision/queries.ts';
import { findingQuery, ORDER_CSV_COLUMNS, orderBody, orderQuery, orderRows, paging, redateBody, upholdBody, uuidParam, withdrawBody } from '../supervision/schemas.ts';
import { isoDay } from '../schemas/dates.ts';
import { numberParam } from '../public/numbers.ts';
import { fieldsInBody } from '../problem.ts';

const day = isoDay;
const itemParams = z.object({ id: z.string().max(64), itemId: z.string().max(64) });
const read = <T extends z.ZodType>(view: T) => ({ 200: view, ...problems(400, 401, 403, 404) });
const wrote = <T extends z.ZodType>(view: T) => ({ 200: view, ...problems(400, 401, 403, 404, 409), ...problem415 });
const created = <T extends z.ZodType>(view: T) => ({ 201: view, ...problems(400, 401, 403, 404, 409), ...problem415 });
const moved = z.object({ id: z.string(), catalogueDueOn: z.string(), endsOn: z.string(), endedOn: z.string().nullable(), notified: z.number().int().describe('the organisations told') });

export const bureauCampaignRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const guard = requireActor(...SUPERVISOR_ROLES);

  app.post('/api/bureau/campaigns', {
    onRequest: guard,
    schema: {
      tags: ['bureau'], summary: 'Open an inspection campaign (a bureau: its province; the ministry: national or named provinces)',
      body: z.strictObject({
        name: z.string().trim().min(1).max(100), kind: z.enum(CAMPAIGN_KINDS),
        provinceCodes: z.array(z.string().regex(/^\d{6}$/)).max(31).nullable().optional(),
        orgKinds: z.array(z.enum(CAMPAIGN_ORG_KINDS)).min(1).max(3),
        startsOn: day, catalogueDueOn: day, endsOn: day,
      }),
      response: created(campaignView.extend({ notified: z.number().int().describe('the organisations told of it') })),
    },
  }, async (req, reply) => {
    const r = await fieldsInBody(createCampaign(ctx, actorOf(req), req.body));
    const c = await loadCampaign(ctx.db, actorOf(req), r.id, null);
    return reply.code(201).send({ ...presentCampaign(c, chinaDate(ctx.now())), notified: r.notified });
  });

  app.get('/api/bureau/campaigns', {
    onRequest: guard,
    schema: {
      tags: ['bureau'], summary: 'Campaigns I supervise, latest start first, a page at a time (`?format=csv`: all)',
      description: '`page` (from 1) and `pageSize` (default 50, at most 500); `total` counts them all. The CSV export holds every campaign.',
      querystring: z.object({ ...paging, format: z.enum(['json', 'csv']).optional() }),
      response: { 200: orCsv(z.object({ items: z.array(campaignView), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() })), ...problems(400, 401, 403) },
    },
  }, async (req, reply) => {
    const today = chinaDate(ctx.now());
    const { page, pageSize, format } = req.query;
    const { rows, total } = await listCampaigns(ctx.db, actorOf(req), null, format === 'csv' ? undefined : { page, pageSize });
    const items = rows.map((c) => presentCampaign(c, today));
    return format === 'csv' ? sendCsv(reply, 'campaigns', ['id', 'name', 'kind', 'status', 'startsOn', 'catalogueDueOn', 'endsOn', 'provinceCodes', 'orgKinds'], items) : { items, total, page, pageSize };
  });

  app.get('/api/bureau/campaigns/:id', {
    onRequest: guard,
    schema: {
      tags: ['bureau'], summary: 'A campaign with its progress: catalogues received vs due, findings, notices, orders, by organisation, day by day',
      description: '`?format=csv` exports one of its tables: `table=organisations` (the default), `timeline` (day by day, cumulative) or `rounds`.',
      params: uuidParam, querystring: z.object({ format: z.enum(['json', 'csv']).optional(), table: z.enum(['organisations', 'timeline', 'rounds']).optional() }),
      response: read(orCsv(progressView)),
    },
  }, async (req, reply) => {
    const actor = actorOf(req);
    const c = await loadCampaign(ctx.db, actor, req.params.id, null);
    const p = await campaignProgress(ctx.db, actor, c, ctx.now());
    if (req.query.format === 'csv' && req.query.table === 'timeline') return sendCsv(reply, `campaign-${c.id}-timeline`, TIMELINE_CSV_COLUMNS, p.timeline);
    if (req.query.format === 'csv' && req.query.table === 'rounds') return sendCsv(reply, `campaign-${c.id}-rounds`, ['number', 'createdAt', 'respondBy', 'findings', 'notified', 'notYet'], p.rounds);
    if (req.query.format === 'csv') {
      const rows = p.byOrganisation.map((o) => ({ ...o, ...Object.fromEntries(FINDING_OUTCOMES.map((k) => [k, o.findings[k]])), filed: o.findings.filed }));
      return sendCsv(reply, `campaign-${c.id}`, ['organisationName', 'catalogue', 'submittedAt', 'received', 'filed', ...FINDING_OUTCOMES, 'notified', 'open', 'resolved'], rows);
    }
    return p;
  });

  app.get('/api/bureau/campaigns/:id/findings', {
    onRequest: guard, schema: { tags: ['bureau'], summary: 'Findings of a campaign (filters, paging, `?format=csv`)', params: uuidParam, querystring: findingQuery,
      response: read(orCsv(findingPage)) },
  }, async (req, reply) => {
    const actor = actorOf(req);
    const c = await loadCampaign(ctx.db, actor, req.params.id, null);
    const { page, pageSize, format, ...filter } = req.query;
    if (format === 'csv') return sendCsv(reply, `findings-${c.id}`, FINDING_CSV_COLUMNS, (await listFindings(ctx.db, actor, c.id, filter, { page: 1, pageSize: 1_000_000 })).items);
    return listFindings(ctx.db, actor, c.id, filter, { page, pageSize });
  });

  app.post('/api/bureau/campaigns/:id/rounds', {
    onRequest: guard,
    schema: {
      tags: ['bureau'], summary: 'Send a round of notice for chosen findings (ids, or a filter over open findings)',
      params: uuidParam,
      body: z.strictObject({
        findingIds: z.array(z.string().max(64)).min(1).max(10_000).optional(),
        filter: z.strictObject({ outcome: z.enum(FINDING_OUTCOMES).optional(), organisationId: z.uuid().optional(), notified: z.boolean().optional() }).optional(),
        respondBy: day,
      }),
      response: created(z.object({ id: z.string(), number: z.number().int(), findings: z.number().int(), organisations: z.number().int() })),
    },
  }, async (req, reply) => reply.code(201).send(await fieldsInBody(sendRound(ctx, actorOf(req), req.params.id, req.body))));

  app.get('/api/bureau/campaigns/:id/rounds', {
    onRequest: guard, schema: { tags: ['bureau'], summary: 'Rounds of a campaign with notified / not yet', params: uuidParam,
      response: read(z.object({ items: z.array(roundView) })) },
  }, async (req) => {
    const actor = actorOf(req);
    const c = await loadCampaign(ctx.db, actor, req.params.id, null);
    return { items: (await campaignProgress(ctx.db, actor, c, ctx.now())).rounds };
  });

  // Extended or ended early, and the campaign's history (ADR 0018 addendum "Campaigns extended or ended early").
  app.post('/api/bureau/campaigns/:id/extend', {
    onRequest: guard,
    schema: {
      tags: ['bureau'], summary: 'Extend a campaign: a later catalogue due date and/or end, with a reason (the organisations with something open are told)',
      params: uuidParam, body: z.strictObject({ catalogueDueOn: day.optional(), endsOn: day.optional(), reason: z.string().trim().min(1).max(1000) }),
      response: wrote(moved),
    },
  }, async (req) => fieldsInBody(extendCampaign(ctx, actorOf(req), req.params.id, req.body)));

  app.post('/api/bureau/campaigns/:id/end', {
    onRequest: guard,
    schema: { tags: ['bureau'], summary: 'End a campaign early, today, with a reason (no more catalogues; orders already issued stand)', params: uuidParam, body: z.strictObject({ reason: z.string().trim().min(1).max(1000) }),
      response: wrote(moved) },
  }, async (req) => fieldsInBody(endCampaign(ctx, actorOf(req), req.params.id, req.body)));

  app.get('/api/bureau/campaigns/:id/history', {
    onRequest: guard, schema: { tags: ['bureau'], summary: "A campaign's history: opened, extended, ended early, its rounds of notice", params: uuidParam, response: read(historyView) },
  }, async (req) => ({ items: await campaignHistory(ctx.db, actorOf(req), req.params.id) }));

  app.post('/api/bureau/orders', {
    onRequest: guard, schema: { tags: ['bureau'], summary: 'Order disposal: one order per organisation concerned, due in working days', body: orderBody,
      response: created(z.object({ orders: z.array(z.object({ id: z.string(), organisationId: z.string(), dueOn: z.string(), dueProvisional: z.boolean(), items: z.number().int() })) })) },
  }, async (req, reply) => {
    // A malformed number is bad input (400 naming the entry, as the public record's path), not a service never filed (404).
    const serviceNumbers = req.body.serviceNumbers?.map((n, i) => numberParam(n, `body.serviceNumbers.${i}`, 'service'));
    return reply.code(201).send(await fieldsInBody(issueOrders(ctx, actorOf(req), { ...req.body, ...(serviceNumbers ? { serviceNumbers } : {}) })));
  });

  app.get('/api/bureau/orders', {
    onRequest: guard, schema: { tags: ['bureau'], summary: 'Disposal orders I issued (my province; all for the ministry); `?overdue=true`, `?format=csv`', querystring: orderQuery,
      response: { 200: orCsv(orderPage), ...problems(400, 401, 403) } },
  }, async (req, reply) => {
    const { page, pageSize, format, ...filter } = req.query;
    const r = await listOrders(ctx.db, actorOf(req), filter, ctx.now(), format === 'csv' ? { page: 1, pageSize: 100_000 } : { page, pageSize });
    return format === 'csv' ? sendCsv(reply, 'orders', ORDER_CSV_COLUMNS, orderRows(r.items)) : r;
  });

  app.get('/api/bureau/orders/:id/items/:itemId/attachments/:attachmentId', {
    onRequest: guard, schema: { tags: ['bureau'], summary: 'Download an evidence file of an order item (my province; all for the ministry)', params: attachmentParams },
  }, async (req, reply) => sendAttachment(reply, await loadOrderItemAttachment(ctx.db, actorOf(req), req.params.id, req.params.itemId, req.params.attachmentId)));

  app.post('/api/bureau/orders/:id/items/:itemId/accept', {
    onRequest: guard, schema: { tags: ['bureau'], summary: 'Accept a confirmed order item', params: itemParams, response: wrote(itemMoved) },
  }, async (req) => decideOrderItem(ctx, actorOf(req), req.params.id, req.params.itemId, 'accept'));

  app.post('/api/bureau/orders/:id/items/:itemId/reopen', {
    onRequest: guard, schema: { tags: ['bureau'], summary: 'Reopen an order item (reason required)', params: itemParams, body: z.strictObject({ reason: z.string().trim().min(1).max(1000) }),
      response: wrote(itemMoved) },
  }, async (req) => fieldsInBody(decideOrderItem(ctx, actorOf(req), req.params.id, req.params.itemId, 'reopen', req.body.reason)));

  app.get('/api/bureau/orders/:id/history', {
    onRequest: guard, schema: { tags: ['bureau'], summary: "An order's history: issue, new dates, follow-ups, each item's confirmations, objections and answers", params: uuidParam, response: read(orderHistoryView) },
  }, async (req) => {
    const steps = await orderHistory(ctx.db, actorOf(req), req.params.id);
    if (!steps) throw new NotFoundError('order', req.params.id);
    return { items: steps };
  });

  // Objections, withdrawals and re-dated orders (ADR 0018 addendum).
  app.post('/api/bureau/orders/:id/items/:itemId/uphold', {
    onRequest: guard,
    schema: { tags: ['bureau'], summary: "Uphold an objected order item (the order stands); `dueInWorkingDays` from today moves the order's date too", params: itemParams, body: upholdBody,
      response: wrote(itemMoved.extend({ dueOn: z.string() })) },
  }, async (req) => fieldsInBody(upholdOrderItem(ctx, actorOf(req), req.params.id, req.params.itemId, req.body)));

  app.post('/api/bureau/orders/:id/items/:itemId/withdraw', {
    onRequest: guard, schema: { tags: ['bureau'], summary: 'Withdraw an order item (before it is accepted; frees its finding)', params: itemParams, body: withdrawBody, response: wrote(itemMoved) },
  }, async (req) => fieldsInBody(withdrawOrderItem(ctx, actorOf(req), req.params.id, req.params.itemId, req.body)));

  app.post('/api/bureau/orders/:id/due', {
    onRequest: guard, schema: { tags: ['bureau'], summary: "Move an order's date: n working days from today (items pending only)", params: uuidParam, body: redateBody,
      response: wrote(z.object({ id: z.string(), dueOn: z.string(), previousDueOn: z.string(), dueProvisional: z.boolean() })) },
  }, async (req) => fieldsInBody(redateOrder(ctx, actorOf(req), req.params.id, req.body)));
};
