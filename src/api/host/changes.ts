// Host routes for changes of a filed record (issue 13, operation 1): the filed materials,
// decrypted for their own host, in exactly the shape POST /api/host/applications accepts — a
// change is fetch → edit → post. Another host's record, or one no longer filed, is a 404. Each
// answer is recorded in the personal-data access log (src/flows/reveal-personal-data.ts).
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loadChangeTarget } from '../../flows/create-change.ts';
import { revealPersonalData } from '../../flows/reveal-personal-data.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requireActor } from '../auth/index.ts';
import { problems } from '../auth/presenters.ts';
import { materialsDraftSchema } from '../schemas/materials.ts';

const tags = ['host'];
const host = { onRequest: requireActor('host') };

const serviceBody = z.object({
  applicationType: z.literal('change_service').describe('post it as is for a service change; set add_access and append the new provider\'s access record for an access filing'),
  serviceId: z.string(), serviceType: z.enum(['website', 'app', 'mini_program', 'quick_app']), materials: materialsDraftSchema,
});
const subjectBody = z.object({ applicationType: z.literal('change_subject'), subjectId: z.string(), materials: materialsDraftSchema });

export const hostChangeRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get('/api/host/services/:id/materials', {
    ...host,
    schema: { tags, summary: 'The filed materials of my service, as the body of a change_service application', params: z.object({ id: z.uuid() }), response: { 200: serviceBody, ...problems(401, 403, 404) } },
  }, async (req) => {
    const a = actorOf(req);
    const t = await revealPersonalData(ctx.db, a, { recordType: 'service', recordId: req.params.id, purpose: 'own_filed_record' }, ctx.now(),
      () => ctx.db.transaction((tx) => loadChangeTarget(tx, ctx, a, 'change_service', req.params.id)));
    return { applicationType: 'change_service' as const, serviceId: t.serviceId!, serviceType: t.serviceType, materials: t.base };
  });

  app.get('/api/host/subjects/:id/materials', {
    ...host,
    schema: { tags, summary: 'The filed materials of my subject, as the body of a change_subject application', params: z.object({ id: z.uuid() }), response: { 200: subjectBody, ...problems(401, 403, 404) } },
  }, async (req) => {
    const a = actorOf(req);
    const t = await revealPersonalData(ctx.db, a, { recordType: 'subject', recordId: req.params.id, purpose: 'own_filed_record' }, ctx.now(),
      () => ctx.db.transaction((tx) => loadChangeTarget(tx, ctx, a, 'change_subject', req.params.id)));
    return { applicationType: 'change_subject' as const, subjectId: t.subjectId, materials: t.base };
  });
};
