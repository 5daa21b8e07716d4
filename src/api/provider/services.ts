// Provider / platform routes for filed services (issue 13 items 5, 9): the services my
// organisation gives access to, and cancelling my own access record of one (取消接入). A
// service left without any access becomes a shell (空壳). Another organisation's access
// record, or a service it does not serve, is a 404 (house rule 7). Access providers only: a
// distribution platform has no access records (403 not_an_access_provider).
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { NamedError } from '../../domain/errors.ts';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ACCESS_REASON_MAX, cancelAccessByProvider } from '../../flows/cancel-access.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requireActor } from '../auth/index.ts';
import { problems } from '../auth/presenters.ts';
import { hostName } from '../public/presenter.ts';
import { shellSinceFields, shellSinceSchema } from '../schemas/dates.ts';
import { paging } from '../supervision/schemas.ts';

const tags = ['provider'];

/**
 * Access records belong to access providers (网络接入服务提供者: DOMAIN.md §2.5, §4 "取消接入: provider or host"):
 * a distribution platform submits APP filings but gives no access, so it has none to list or cancel. It is
 * told so (403), not answered an empty list that reads as "none yet"; what a platform needs of filed APPs —
 * whether what it distributes is filed — is the verification API and the catalogue check.
 */
const notAccessProvider = new NamedError('not_an_access_provider', 'forbidden',
  'only an access provider gives access (接入) and has access records; a distribution platform checks the APPs it distributes with the verification API (/api/verify/v1) or the catalogue check');
const providerOnly = requireActor('provider_staff');
const staff = {
  onRequest: async (req: FastifyRequest) => {
    if (req.actor?.role === 'platform_staff') throw notAccessProvider;
    await providerOnly(req);
  },
};

const item = z.object({
  serviceId: z.string(), serviceNumber: z.string(), serviceName: z.string(), serviceType: z.string(), hostName: z.string(),
  accessRecordId: z.string(), accessMethod: z.string(), serverLocation: z.string(), ips: z.array(z.string()), domains: z.array(z.string()),
  since: z.string(), otherActiveAccess: z.number().int().describe('active access records of other providers: 0 means cancelling yours leaves a shell'),
});

interface Row {
  service_id: string; service_number: string; name: string; service_type: string; host_name: string; subject_type: string;
  access_id: string; access_method: string; server_location: string; ips: string[]; domains: string[]; created_at: Date; others: number;
}

export const providerServiceRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get('/api/provider/services', {
    ...staff,
    schema: {
      tags, summary: 'Filed services my organisation gives access to (its active access records), by service number, a page at a time',
      description: 'Access providers only: a distribution platform gives no access and is answered 403 `not_an_access_provider`. '
        + '`page` (from 1) and `pageSize` (default 50, at most 500); `total` counts them all.',
      querystring: z.object(paging),
      response: { 200: z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() }), ...problems(400, 401, 403) },
    },
  }, async (req) => {
    const { page, pageSize } = req.query;
    const orgId = actorOf(req).orgId;
    const from = `from access_records ar join services s on s.id = ar.service_id join subjects sub on sub.id = s.subject_id
        where ar.provider_org_id = $1 and ar.active and s.status = 'filed'`;
    const [count] = await ctx.db.query<{ total: number }>(`select count(*)::int as total ${from}`, [orgId]);
    const rows = await ctx.db.query<Row>(
      `select s.id as service_id, s.service_number, s.name, s.service_type, sub.name as host_name, sub.subject_type,
              ar.id as access_id, ar.access_method, ar.server_location, ar.ips, ar.domains, ar.created_at,
              (select count(*)::int from access_records o where o.service_id = s.id and o.active and o.id <> ar.id) as others
         ${from}
        order by s.service_number, ar.id limit $2 offset $3`, [orgId, pageSize, (page - 1) * pageSize]);
    return {
      items: rows.map((r) => ({
        serviceId: r.service_id, serviceNumber: r.service_number, serviceName: r.name, serviceType: r.service_type, hostName: hostName(r.subject_type, r.host_name),
        accessRecordId: r.access_id, accessMethod: r.access_method, serverLocation: r.server_location, ips: r.ips, domains: r.domains,
        since: r.created_at.toISOString(), otherActiveAccess: r.others,
      })),
      total: count!.total, page, pageSize,
    };
  });

  app.post('/api/provider/services/:id/access/cancel', {
    ...staff,
    schema: {
      tags, summary: 'Cancel my organisation\'s access record of a service (reason required)',
      description: '`{id}` is the service\'s id or URL-encoded service number. When no other access remains the service becomes a shell (`shell: true`): its host and the bureau are told.',
      params: z.object({ id: z.string().max(64) }),
      body: z.strictObject({ reason: z.string().trim().min(1, 'a reason is required').max(ACCESS_REASON_MAX) }),
      response: {
        200: z.object({ serviceNumber: z.string(), accessRecordId: z.string(), shell: z.boolean(), ...shellSinceSchema, cancellableAfter: z.string().nullable() }),
        ...problems(400, 401, 403, 404, 409),
      },
    },
  }, async (req) => {
    const r = await cancelAccessByProvider(ctx, actorOf(req), req.params.id, req.body);
    return { serviceNumber: r.serviceNumber, accessRecordId: r.accessRecordId, shell: r.shell, ...shellSinceFields(r.shellSince), cancellableAfter: r.cancellableAfter?.toISOString() ?? null };
  });
};
