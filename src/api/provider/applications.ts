// Provider / platform routes (/api/provider): the first-review queue of the organisation
// the host chose — only applications addressed to it — approve and submit, or return.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loadApplication } from '../../flows/applications.ts';
import { providerApprove, providerReturn } from '../../flows/provider-review.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requireActor } from '../auth/index.ts';
import { presentApplication, presentHistory } from '../presenters/application.ts';
import { listApplications } from '../queries/applications.ts';
import { applicationView, historyView, idParams, listQuery, listView, reasonsBody } from '../schemas/applications.ts';
import { fieldsInBody } from '../problem.ts';

const tags = ['provider'];
const staff = { onRequest: requireActor('provider_staff', 'platform_staff') };

export const providerApplicationRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const present = async (actor: ReturnType<typeof actorOf>, id: string) =>
    presentApplication(ctx.db, ctx.sealer, actor, await loadApplication(ctx.db, id, actor), ctx.now());

  app.get('/api/provider/applications', { ...staff, schema: { tags, summary: 'Applications addressed to my organisation (default: waiting for first review)', querystring: listQuery, response: { 200: listView } } },
    async (req) => listApplications(ctx.db, actorOf(req), { ...req.query, status: req.query.status ?? 'provider_review', order: 'updated' }, ctx.now()));

  app.get('/api/provider/applications/:id', { ...staff, schema: { tags, summary: 'An application with all its materials', params: idParams, response: { 200: applicationView } } },
    async (req) => present(actorOf(req), req.params.id));

  app.post('/api/provider/applications/:id/approve', { ...staff, schema: { tags, summary: 'Approve and submit to the bureau; SMS codes go to the principals', params: idParams, body: z.strictObject({ note: z.string().max(500).optional() }).default({}), response: { 200: applicationView } } },
    async (req) => { const a = actorOf(req); await providerApprove(ctx, a, req.params.id, req.body); return present(a, req.params.id); });

  app.post('/api/provider/applications/:id/return', { ...staff, schema: { tags, summary: 'Return to the host with field-level reasons', params: idParams, body: reasonsBody, response: { 200: applicationView } } },
    async (req) => { const a = actorOf(req); await fieldsInBody(providerReturn(ctx, a, req.params.id, req.body)); return present(a, req.params.id); });

  app.get('/api/provider/applications/:id/history', { ...staff, schema: { tags, params: idParams, response: { 200: historyView } } },
    async (req) => { await loadApplication(ctx.db, req.params.id, actorOf(req)); return { items: await presentHistory(ctx.db, req.params.id) }; });
};
