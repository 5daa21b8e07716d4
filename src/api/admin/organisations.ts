// /api/admin/organisations: the ministry administrator registers, lists, suspends and
// reactivates organisations (issue 6, item 6 builds its screens on these).
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findOrganisation, listOrganisations } from '../../db/accounts.ts';
import { createOrganisation } from '../../flows/create-organisation.ts';
import { setOrganisationStatus } from '../../flows/set-organisation-status.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requirePerson } from '../auth/guards.ts';
import { ORG_KINDS, organisationSchema, presentOrganisation, problems } from '../auth/presenters.ts';
import { CSRF_NOTE } from '../auth/routes.ts';
import { fieldsInBody } from '../problem.ts';

const status = z.enum(['active', 'suspended']);
const page = { limit: z.coerce.number().int().min(1).max(500).default(100), offset: z.coerce.number().int().min(0).default(0) };

export const adminOrganisationRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const guard = requirePerson('ministry_admin');

  app.get('/api/admin/organisations', {
    onRequest: guard,
    schema: {
      tags: ['admin'], summary: 'List organisations',
      querystring: z.object({ kind: z.enum(ORG_KINDS).optional(), status: status.optional(), ...page }),
      response: { 200: z.object({ items: z.array(organisationSchema), total: z.number().int() }), ...problems(400, 401, 403) },
    },
  }, async (request) => {
    const { rows, total } = await listOrganisations(ctx.db, request.query);
    return { items: rows.map((r) => presentOrganisation(r, ctx.sealer)), total };
  });

  app.post('/api/admin/organisations', {
    onRequest: guard,
    schema: {
      tags: ['admin'], summary: 'Register an organisation',
      description: 'A bureau needs its provinceCode (one bureau per province); other kinds have none. A USCC failing its checksum is '
        + `accepted with a warning (pilot-era codes do, DOMAIN.md §0.2). The contact email is stored encrypted. ${CSRF_NOTE}`,
      body: z.object({
        kind: z.enum(ORG_KINDS), name: z.string().max(256), uscc: z.string().max(64).nullish(),
        provinceCode: z.string().max(6).nullish(), contactEmail: z.string().max(320).nullish(),
      }),
      response: {
        201: z.object({ organisation: organisationSchema, warnings: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })) }),
        ...problems(400, 401, 403, 409),
      },
    },
  }, async (request, reply) => {
    const { id, warnings } = await fieldsInBody(createOrganisation(ctx, actorOf(request), request.body));
    return reply.code(201).send({ organisation: presentOrganisation((await findOrganisation(ctx.db, id))!, ctx.sealer), warnings });
  });

  app.patch('/api/admin/organisations/:id', {
    onRequest: guard,
    schema: {
      tags: ['admin'], summary: 'Suspend or reactivate an organisation',
      description: 'Suspension stops its staff signing in, ends their sessions (a reactivation does not bring them back: they sign in again) '
        + 'and refuses its API keys (401 `api_key_invalid`) at once; reactivation makes its keys work again (revoke a key no longer trusted). '
        + `An administrator cannot suspend their own organisation. ${CSRF_NOTE}`,
      params: z.object({ id: z.uuid() }),
      body: z.object({ status }),
      response: { 200: organisationSchema, ...problems(400, 401, 403, 404, 409) },
    },
  }, async (request) => {
    await setOrganisationStatus(ctx, actorOf(request), request.params.id, request.body.status);
    return presentOrganisation((await findOrganisation(ctx.db, request.params.id))!, ctx.sealer);
  });
};
