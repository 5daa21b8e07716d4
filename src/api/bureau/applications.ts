// Bureau routes (/api/bureau): the province's queue ordered by deadline (20 working days
// from receipt); approve (numbers allocated) or reject with field-level reasons. Another
// province's application is a 404.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loadApplication } from '../../flows/applications.ts';
import { bureauApprove, bureauReject } from '../../flows/bureau-review.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requireActor } from '../auth/index.ts';
import { presentApplication, presentHistory } from '../presenters/application.ts';
import { listApplications } from '../queries/applications.ts';
import { applicationView, historyView, idParams, listQuery, listView, reasonsBody } from '../schemas/applications.ts';

const tags = ['bureau'];
const reviewer = { onRequest: requireActor('bureau_reviewer') };

export const bureauApplicationRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const present = async (actor: ReturnType<typeof actorOf>, id: string) =>
    presentApplication(ctx.db, ctx.sealer, actor, await loadApplication(ctx.db, id, actor), ctx.now());

  app.get('/api/bureau/applications', { ...reviewer, schema: { tags, summary: "My province's queue, earliest deadline first (default: under review)", querystring: listQuery, response: { 200: listView } } },
    async (req) => listApplications(ctx.db, actorOf(req), { ...req.query, status: req.query.status ?? 'bureau_review', order: 'deadline' }, ctx.now()));

  app.get('/api/bureau/applications/:id', { ...reviewer, schema: { tags, params: idParams, response: { 200: applicationView } } },
    async (req) => present(actorOf(req), req.params.id));

  app.post('/api/bureau/applications/:id/approve', {
    ...reviewer,
    schema: { tags, summary: 'Approve: allocates the main number (if new) and the service number; a change keeps them and updates the filed record', params: idParams, response: { 200: z.object({ mainNumber: z.string(), serviceNumber: z.string().nullable().describe('null for a subject change'), application: applicationView }) } },
  }, async (req) => {
    const a = actorOf(req);
    const r = await bureauApprove(ctx, a, req.params.id);
    return { mainNumber: r.mainNumber, serviceNumber: r.serviceNumber, application: await present(a, req.params.id) };
  });

  app.post('/api/bureau/applications/:id/reject', { ...reviewer, schema: { tags, summary: 'Reject with field-level reasons', params: idParams, body: reasonsBody, response: { 200: applicationView } } },
    async (req) => { const a = actorOf(req); await bureauReject(ctx, a, req.params.id, req.body); return present(a, req.params.id); });

  app.get('/api/bureau/applications/:id/history', { ...reviewer, schema: { tags, params: idParams, response: { 200: historyView } } },
    async (req) => { await loadApplication(ctx.db, req.params.id, actorOf(req)); return { items: await presentHistory(ctx.db, req.params.id) }; });
};
