// /api/org/webhooks: the console's webhook page (src/web/pages/provider/Webhooks.tsx). The
// organisation's staff list its webhooks with how delivery is going, subscribe one (the secret shown
// once), read one's deliveries, send it a signed test delivery and delete it. The same flows as
// /api/verify/v1/webhooks (whose contract is unchanged), for signed-in staff only (CSRF as every
// console write); another organisation's webhook is 404 (house rule 7).
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findOrgWebhook, findWebhookDelivery, listOrgWebhooks, listWebhookDeliveries, type WebhookDeliveryRow } from '../../db/webhooks.ts';
import { createWebhookSubscription, WEBHOOKS_PER_ORGANISATION } from '../../flows/create-webhook-subscription.ts';
import { deleteWebhookSubscription, WebhookNotFoundError } from '../../flows/delete-webhook-subscription.ts';
import { sendWebhookTest, TEST_EVENT } from '../../flows/send-webhook-test.ts';
import { isUuid } from '../../domain/ids.ts';
import { FAILURE_KINDS, readFailure } from '../../notify/failure-kinds.ts';
import { createWebhookSender } from '../../notify/webhook.ts';
import { deliverNow } from '../../notify/worker.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requirePerson } from '../auth/guards.ts';
import { problems } from '../auth/presenters.ts';
import { CSRF_NOTE } from '../auth/routes.ts';
import { fieldsInBody } from '../problem.ts';

const KEY_HOLDERS = ['provider_staff', 'platform_staff', 'device_maker_staff'] as const;
const tags = ['organisation'];

const delivery = z.object({
  id: z.number().int(),
  event: z.string().nullable().describe('filing.cancelled, filing.revoked, filing.changed, filing.shell or webhook.test'),
  serviceNumber: z.string().nullable().describe('the filing the event is about (none for webhook.test)'),
  state: z.enum(['pending', 'sent', 'retrying', 'failed', 'dropped']).describe('`failed`: abandoned (10 attempts, 410 Gone, or a test delivery that failed); `dropped`: the webhook was deleted before it was due'),
  responseStatus: z.number().int().nullable().describe('the HTTP status the endpoint answered at the last attempt; null when none came (timeout, refused address, connection error)'),
  attempts: z.number().int(),
  error: z.string().nullable().describe('the failure as the sender recorded it (Node\'s code, the endpoint\'s status), in English'),
  errorKind: z.enum(FAILURE_KINDS).nullable().describe('what kind of failure `error` is (connection_refused, timeout, dns, tls, http_status …), which the console explains in words; null when none is known (docs/notifications.md "Failure kinds")'),
  createdAt: z.string(),
  lastAttemptAt: z.string().nullable(),
  nextAttemptAt: z.string().nullable().describe('when the next attempt is due (retrying only)'),
});

const webhook = z.object({
  id: z.string(), url: z.string(), createdAt: z.string(),
  createdBy: z.object({ kind: z.enum(['user', 'api_key']), name: z.string() }).nullable().describe('the person, or the API key, that subscribed it'),
  lastDelivery: delivery.nullable().describe('the latest delivery attempted, a test delivery (webhook.test) included'),
  failuresInRow: z.number().int().describe('event deliveries that failed since the last event delivery that succeeded; test deliveries (webhook.test) count neither way'),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const presentDelivery = (d: WebhookDeliveryRow): z.infer<typeof delivery> => ({
  ...d, errorKind: d.state === 'sent' ? null : readFailure(d.error, d.responseStatus)?.kind ?? null, createdAt: d.createdAt.toISOString(), lastAttemptAt: iso(d.lastAttemptAt), nextAttemptAt: iso(d.nextAttemptAt),
});

/** `webhooksChanged`: the verifier starts (or stops) recording the organisation's checks (docs/api-verify.md "Webhooks"). */
export const orgWebhookRoutes = (ctx: AppContext, webhooksChanged: (orgId: string) => void): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const guard = requirePerson(...KEY_HOLDERS);
  const sender = ctx.webhook ?? createWebhookSender({ allowLoopback: ctx.config.webhooks.allowLoopback });
  const id = z.object({ id: z.string().max(100) });

  app.get('/api/org/webhooks', {
    onRequest: guard,
    schema: { tags, summary: "My organisation's webhooks, with their latest delivery (never the secrets)", response: { 200: z.object({ items: z.array(webhook), limit: z.number().int() }), ...problems(401, 403) } },
  }, async (req) => ({
    items: (await listOrgWebhooks(ctx.db, actorOf(req).orgId!)).map((w) => ({ ...w, createdAt: w.createdAt.toISOString(), lastDelivery: w.lastDelivery ? presentDelivery(w.lastDelivery) : null })),
    limit: WEBHOOKS_PER_ORGANISATION,
  }));

  app.post('/api/org/webhooks', {
    onRequest: guard,
    schema: {
      tags, summary: 'Subscribe a webhook; the signing secret is in this answer only',
      description: `As POST /api/verify/v1/webhooks (the same rules and problems: webhook_url_* naming body.url, 409 webhook_url_taken, 409 webhook_limit_reached). ${CSRF_NOTE}`,
      body: z.strictObject({ url: z.string().min(1).max(2048) }),
      response: { 201: z.object({ id: z.string(), url: z.string(), createdAt: z.string(), secret: z.string() }), ...problems(400, 401, 403, 409) },
    },
  }, async (req, reply) => {
    const w = await fieldsInBody(createWebhookSubscription(ctx, actorOf(req), req.body, { allowLoopback: ctx.config.webhooks.allowLoopback }));
    webhooksChanged(actorOf(req).orgId!);
    // The signing secret is in this answer only: no cache (a proxy's or the browser's) may keep it.
    return reply.code(201).header('cache-control', 'no-store').send({ id: w.id, url: w.url, secret: w.secret, createdAt: w.createdAt.toISOString() });
  });

  app.get('/api/org/webhooks/:id/deliveries', {
    onRequest: guard,
    schema: {
      tags, summary: "A webhook's deliveries, newest first", description: "Another organisation's webhook is 404.",
      params: id,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20), offset: z.coerce.number().int().min(0).max(1_000_000).default(0) }),
      response: { 200: z.object({ items: z.array(delivery), total: z.number().int() }), ...problems(400, 401, 403, 404) },
    },
  }, async (req) => {
    const w = isUuid(req.params.id) ? await findOrgWebhook(ctx.db, actorOf(req).orgId!, req.params.id) : null;
    if (!w) throw new WebhookNotFoundError();
    const page = await listWebhookDeliveries(ctx.db, w.id, req.query);
    return { items: page.items.map(presentDelivery), total: page.total };
  });

  app.post('/api/org/webhooks/:id/test', {
    onRequest: guard,
    schema: {
      tags, summary: `Send the webhook a signed test delivery (${TEST_EVENT}) now and answer its result`,
      description: `Signed like every delivery; tried once (no retries), within the request (10 s at most). Another organisation's webhook is 404. ${CSRF_NOTE}`,
      params: id,
      response: { 200: delivery, ...problems(401, 403, 404) },
    },
  }, async (req) => {
    const outboxId = await sendWebhookTest(ctx, actorOf(req), req.params.id);
    await deliverNow({ db: ctx.db, sealer: ctx.sealer, now: ctx.now, webhook: sender, log: req.log }, outboxId);
    return presentDelivery((await findWebhookDelivery(ctx.db, outboxId))!);
  });

  app.delete('/api/org/webhooks/:id', {
    onRequest: guard,
    schema: {
      tags, summary: 'Delete a webhook (its queued deliveries are dropped)', description: `Another organisation's webhook is 404. ${CSRF_NOTE}`,
      params: id, response: { 204: z.null(), ...problems(401, 403, 404) },
    },
  }, async (req, reply) => {
    await deleteWebhookSubscription(ctx, actorOf(req), req.params.id);
    webhooksChanged(actorOf(req).orgId!);
    return reply.code(204).send(null);
  });
};
