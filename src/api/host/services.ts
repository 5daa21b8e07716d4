// Host routes for filed services: my services (with their numbers and status), and 注销APP —
// cancelling one of them (DOMAIN.md §4.3). Thin glue: auth → parse → flow → present.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { cancelService } from '../../flows/cancel-service.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requireActor } from '../auth/index.ts';
import { problems } from '../auth/presenters.ts';

const tags = ['host'];
const host = { onRequest: requireActor('host') };

const filedServiceView = z.object({
  id: z.string(), serviceNumber: z.string(), mainNumber: z.string(), serviceName: z.string(), serviceType: z.string(),
  status: z.enum(['filed', 'cancelled', 'revoked']), filedAt: z.string(), statusChangedAt: z.string(), subjectName: z.string(),
  platforms: z.array(z.object({ platform: z.string(), packageName: z.string(), active: z.boolean() })),
});

interface Row {
  id: string; service_number: string; main_number: string; name: string; service_type: string; status: 'filed' | 'cancelled' | 'revoked';
  filed_at: Date; status_changed_at: Date; subject_name: string; platforms: { platform: string; packageName: string; active: boolean }[];
}

export const hostServiceRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get('/api/host/services', {
    ...host,
    schema: { tags, summary: 'My filed services (every status), newest first', response: { 200: z.object({ items: z.array(filedServiceView) }), ...problems(401, 403) } },
  }, async (req) => {
    const rows = await ctx.db.query<Row>(
      `select s.id, s.service_number, sub.main_number, s.name, s.service_type, s.status, s.filed_at, s.status_changed_at, sub.name as subject_name,
              coalesce((select json_agg(json_build_object('platform', p.platform, 'packageName', p.package_name, 'active', p.active) order by p.platform)
                          from app_platforms p where p.service_id = s.id), '[]'::json) as platforms
         from services s join subjects sub on sub.id = s.subject_id
        where sub.host_user_id = $1
        order by s.filed_at desc, s.service_number`,
      [actorOf(req).userId],
    );
    return {
      items: rows.map((r) => ({
        id: r.id, serviceNumber: r.service_number, mainNumber: r.main_number, serviceName: r.name, serviceType: r.service_type, status: r.status,
        filedAt: r.filed_at.toISOString(), statusChangedAt: r.status_changed_at.toISOString(), subjectName: r.subject_name, platforms: r.platforms,
      })),
    };
  });

  app.post('/api/host/services/:id/cancel', {
    ...host,
    schema: {
      tags, summary: 'Cancel a filed service (注销APP); the number is withdrawn for good',
      description: '`{id}` is the service\'s id or its URL-encoded service number. Cancelling the last filed service of a subject cancels the subject too (a subject without services is an empty shell).',
      params: z.object({ id: z.string().max(64) }),
      body: z.strictObject({ reason: z.string().max(500).optional() }).default({}),
      response: { 200: z.object({ serviceNumber: z.string(), status: z.literal('cancelled'), statusChangedAt: z.string(), subjectCancelled: z.boolean() }), ...problems(401, 403, 404, 409) },
    },
  }, async (req) => {
    const r = await cancelService(ctx, actorOf(req), req.params.id, req.body);
    return { serviceNumber: r.service.service_number, status: 'cancelled' as const, statusChangedAt: r.service.status_changed_at.toISOString(), subjectCancelled: r.subjectCancelled };
  });
};
