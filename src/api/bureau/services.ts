// Revocation of a filed service by the bureau of the subject's province, or by the ministry
// (DOMAIN.md §4.3). Another province's service is a 404. The verification caches of every
// server process hear of it on commit; relying parties that checked it get a webhook.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { REVOCATION_CATEGORIES } from '../../domain/supervision/blacklist.ts';
import { REVOCATION_REASON_MAX, revokeService } from '../../flows/revoke-service.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requireActor } from '../auth/index.ts';
import { problems } from '../auth/presenters.ts';
import { fieldsInBody } from '../problem.ts';

export const bureauServiceRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.post('/api/bureau/services/:id/revoke', {
    onRequest: requireActor('bureau_reviewer', 'ministry_admin'),
    schema: {
      tags: ['bureau'], summary: 'Revoke a filed service (reason required; a public category: false_materials 提供虚假材料, shell_cleanup 空壳清理, illegal 违法违规, other)',
      description: '`{id}` is the service\'s id or its URL-encoded service number (…号-1A). Another province\'s service is 404.',
      params: z.object({ id: z.string().max(64) }),
      body: z.strictObject({ reason: z.string().trim().min(1).max(REVOCATION_REASON_MAX), category: z.enum(REVOCATION_CATEGORIES).optional() }),
      response: { 200: z.object({ serviceNumber: z.string(), status: z.literal('revoked'), category: z.enum(REVOCATION_CATEGORIES), statusChangedAt: z.string(), webhooks: z.number() }), ...problems(400, 401, 403, 404, 409) },
    },
  }, async (req) => {
    const r = await fieldsInBody(revokeService(ctx, actorOf(req), req.params.id, req.body));
    return { serviceNumber: r.service.service_number, status: 'revoked' as const, category: req.body.category ?? 'other', statusChangedAt: r.service.status_changed_at.toISOString(), webhooks: r.webhooks };
  });
};
