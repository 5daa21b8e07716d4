// Host routes for filed services: my services (with their numbers and status). Cancelling
// and the rest of a record's life: src/api/host/records.ts. Thin glue: auth → parse → flow → present.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../app.ts';
import { actorOf, requireActor } from '../auth/index.ts';
import { problems } from '../auth/presenters.ts';
import { shellSinceFields, shellSinceSchema } from '../schemas/dates.ts';

const tags = ['host'];
const host = { onRequest: requireActor('host') };

const filedServiceView = z.object({
  id: z.string(), serviceNumber: z.string(), mainNumber: z.string(), serviceName: z.string(), serviceType: z.string(),
  status: z.enum(['filed', 'cancelled', 'revoked']), filedAt: z.string(), statusChangedAt: z.string(), subjectName: z.string(),
  ...shellSinceSchema,
  platforms: z.array(z.object({ platform: z.string(), packageName: z.string(), active: z.boolean() })),
});

interface Row {
  id: string; service_number: string; main_number: string; name: string; service_type: string; status: 'filed' | 'cancelled' | 'revoked';
  filed_at: Date; status_changed_at: Date; shell_since: Date | null; subject_name: string; platforms: { platform: string; packageName: string; active: boolean }[];
}

export const hostServiceRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get('/api/host/services', {
    ...host,
    schema: { tags, summary: 'My filed services (every status), newest first', response: { 200: z.object({ items: z.array(filedServiceView) }), ...problems(401, 403) } },
  }, async (req) => {
    const rows = await ctx.db.query<Row>(
      `select s.id, s.service_number, sub.main_number, s.name, s.service_type, s.status, s.filed_at, s.status_changed_at, s.shell_since, sub.name as subject_name,
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
        filedAt: r.filed_at.toISOString(), statusChangedAt: r.status_changed_at.toISOString(), subjectName: r.subject_name, ...shellSinceFields(r.shell_since), platforms: r.platforms,
      })),
    };
  });
};
