// Bureau routes (/api/bureau): the province's queue ordered by deadline (20 working days
// from receipt); approve (numbers allocated) or reject with field-level reasons. Another
// province's application is a 404. The ministry reads the national queue (any province, or one
// by `province`) and an application sent to a bureau, read-only (masked materials, no actions).
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApplicationNotFoundError, loadApplication } from '../../flows/applications.ts';
import { bureauApprove, bureauReject } from '../../flows/bureau-review.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requireActor } from '../auth/index.ts';
import { presentApplication, presentHistory } from '../presenters/application.ts';
import { listApplications } from '../queries/applications.ts';
import { provinceParam, readScope } from './scope.ts';
import { applicationView, historyView, idParams, listQuery, listView, reasonsBody } from '../schemas/applications.ts';
import { fieldsInBody } from '../problem.ts';

const tags = ['bureau'];
const reviewer = { onRequest: requireActor('bureau_reviewer') };
const readers = { onRequest: requireActor('bureau_reviewer', 'ministry_admin') };

export const bureauApplicationRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const present = async (actor: ReturnType<typeof actorOf>, id: string) =>
    presentApplication(ctx.db, ctx.sealer, actor, await loadSent(actor, id), ctx.now());
  // The ministry sees every application (visibleTo), but here only those sent to a bureau:
  // a draft or one still with its provider is not the bureaus' business.
  const loadSent = async (actor: ReturnType<typeof actorOf>, id: string) => {
    const a = await loadApplication(ctx.db, id, actor);
    if (a.sent_to_bureau_at === null) throw new ApplicationNotFoundError(id);
    return a;
  };

  app.get('/api/bureau/applications', {
    ...readers,
    schema: {
      tags, summary: "My province's queue, earliest deadline first (default: under review; decided ones — approved, bureau_rejected — latest decision first); the ministry: all provinces' or one's",
      querystring: listQuery.extend({ province: provinceParam }), response: { 200: listView },
    },
  }, async (req) => {
    const actor = actorOf(req);
    const province = readScope(actor, req.query.province);
    const status = req.query.status ?? 'bureau_review';
    // Decisions (approved, rejected) are a record, read newest first; the queue by deadline (the 20-working-day clock).
    const order = status === 'approved' || status === 'bureau_rejected' ? 'decided' as const : 'deadline' as const;
    return listApplications(ctx.db, actor, { ...req.query, status, order, sentToBureau: true, ...(province ? { province } : {}) }, ctx.now());
  });

  app.get('/api/bureau/applications/:id', { ...readers, schema: { tags, summary: 'An application sent to the bureau (the ministry: read-only, personal data masked)', params: idParams, response: { 200: applicationView } } },
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
    async (req) => { const a = actorOf(req); await fieldsInBody(bureauReject(ctx, a, req.params.id, req.body)); return present(a, req.params.id); });

  app.get('/api/bureau/applications/:id/history', { ...readers, schema: { tags, params: idParams, response: { 200: historyView } } },
    async (req) => { await loadSent(actorOf(req), req.params.id); return { items: await presentHistory(ctx.db, req.params.id) }; });
};
