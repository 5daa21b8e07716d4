// /api/verify/v1/webhooks: an organisation subscribes HTTPS endpoints to be told when a filing
// it has checked is cancelled, revoked or changed. The signing secret is in the creation
// answer only. Deliveries: src/notify/webhook.ts; events: src/notify/filing-webhooks.ts.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createWebhookSubscription } from '../../flows/create-webhook-subscription.ts';
import { deleteWebhookSubscription } from '../../flows/delete-webhook-subscription.ts';
import { actorOf } from '../auth/index.ts';
import { problems } from '../auth/presenters.ts';
import type { VerifyRouteOptions } from './index.ts';
import { webhookView } from './schemas.ts';
import { fieldsInBody } from '../problem.ts';

export const verifyWebhookRoutes = ({ ctx, verifier, guard }: VerifyRouteOptions): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const tags = ['verify'];
  const security: Record<string, string[]>[] = [{ apiKey: [] }, { session: [] }];

  app.post('/api/verify/v1/webhooks', {
    onRequest: guard,
    schema: {
      tags, security, summary: 'Subscribe a webhook; the signing secret is in this answer only',
      description: 'https URLs to public addresses (private, link-local, loopback … addresses are refused: 400 webhook_url_address naming body.url; loopback, over plain http too, only where the server sets WEBHOOKS_ALLOW_LOOPBACK). Deliveries are POSTs of JSON signed with `X-Beian-Signature: sha256=<hex HMAC-SHA-256 of the body>`; events filing.cancelled, filing.revoked, filing.changed, filing.shell (the filing lost its last access record) for filings your organisation has verified; filing.changed names in filing.removedIdentities the (platform, packageName, certificate) identities the change stopped answering filed.',
      body: z.strictObject({ url: z.string().min(1).max(2048) }),
      response: { 201: webhookView.extend({ secret: z.string() }), ...problems(400, 401, 403, 409, 429) },
    },
  }, async (req, reply) => {
    const w = await fieldsInBody(createWebhookSubscription(ctx, actorOf(req), req.body, { allowLoopback: ctx.config.webhooks.allowLoopback }));
    verifier.webhooksChanged(actorOf(req).orgId!);
    // The signing secret is in this answer only: no cache (a proxy's or the browser's) may keep it.
    return reply.code(201).header('cache-control', 'no-store').send({ id: w.id, url: w.url, secret: w.secret, createdAt: w.createdAt.toISOString() });
  });

  app.get('/api/verify/v1/webhooks', {
    onRequest: guard,
    schema: { tags, security, summary: "My organisation's webhooks (never the secrets)", response: { 200: z.object({ items: z.array(webhookView) }), ...problems(401, 403, 429) } },
  }, async (req) => {
    const rows = await ctx.db.query<{ id: string; url: string; created_at: Date }>(
      'select id, url, created_at from webhook_subscriptions where organisation_id = $1 and deleted_at is null order by created_at, id', [actorOf(req).orgId]);
    return { items: rows.map((r) => ({ id: r.id, url: r.url, createdAt: r.created_at.toISOString() })) };
  });

  app.delete('/api/verify/v1/webhooks/:id', {
    onRequest: guard,
    schema: { tags, security, summary: 'Delete a webhook', params: z.object({ id: z.string() }), response: { 204: z.null(), ...problems(401, 403, 404, 429) } },
  }, async (req, reply) => {
    await deleteWebhookSubscription(ctx, actorOf(req), req.params.id);
    verifier.webhooksChanged(actorOf(req).orgId!);
    return reply.code(204).send(null);
  });
};
