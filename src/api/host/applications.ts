// Host routes (/api/host): the filing application from draft to number. Thin glue:
// auth → parse → flow → present (house rule 2).
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NamedError } from '../../domain/errors.ts';
import { loadApplication } from '../../flows/applications.ts';
import { createApplication } from '../../flows/create-application.ts';
import { personalFieldsIn, recordPersonalDataAccess } from '../../flows/reveal-personal-data.ts';
import { holdsRecord, SUBMITTER_KINDS } from '../../flows/materials-check.ts';
import { verifySmsCode, resendSmsCode } from '../../flows/sms-check.ts';
import { submitApplication } from '../../flows/submit-application.ts';
import { updateApplication } from '../../flows/update-application.ts';
import { verifyIdentity } from '../../flows/verify-identity.ts';
import { withdrawApplication } from '../../flows/withdraw-application.ts';
import type { Db } from '../../db/connection.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requireActor } from '../auth/index.ts';
import { idempotent } from '../idempotency.ts';
import { presentApplication, presentHistory } from '../presenters/application.ts';
import { listApplications } from '../queries/applications.ts';
import { applicationView, createApplicationBody, historyView, idParams, listQuery, listView, updateApplicationBody } from '../schemas/applications.ts';
import { fieldsAt } from '../problem.ts';
import { problems } from '../auth/presenters.ts';

const tags = ['host'];
/**
 * Where a refusal of a new application is in its body: the top-level choices (`body.serviceType`,
 * `body.subjectId`, `body.serviceId` …), and a rule on the posted materials at `body.materials.…`
 * (a certificate already filed). Later steps (save, submit) name the application's own materials paths,
 * as its `problems` do: what they refuse is the stored draft, not a field of that request.
 */
const CREATE_FIELDS = new Set(['applicationType', 'serviceType', 'subjectId', 'serviceId', 'submitterOrgId']);
const inCreateBody = (field: string) => (CREATE_FIELDS.has(field) ? `body.${field}` : `body.materials.${field}`);
const host = { onRequest: requireActor('host') };

export const hostApplicationRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const present = async (actor: ReturnType<typeof actorOf>, id: string, db: Db = ctx.db) =>
    presentApplication(db, ctx.sealer, actor, await loadApplication(db, id, actor), ctx.now());

  app.post('/api/host/applications', {
    ...host,
    schema: { tags, summary: 'Create a filing application (draft); accepts Idempotency-Key', body: createApplicationBody, headers: z.object({ 'idempotency-key': z.string().optional() }).passthrough(), response: { 201: applicationView, 200: applicationView } },
  }, async (req, reply) => {
    const actor = actorOf(req);
    const out = await idempotent(ctx.db, ctx.sealer, `host:${actor.userId}`, req.headers['idempotency-key'] as string | undefined, req.body, async (db) => {
      // Everything through `db`: with a key it is the key's transaction (src/api/idempotency.ts).
      const row = await fieldsAt(createApplication({ ...ctx, db }, actor, req.body), inCreateBody);
      return { status: 201, body: await present(actor, row.id, db) };
    });
    if (out.replayed) {
      reply.header('idempotent-replayed', 'true');
      // The stored answer is opened again for its host: an access like the first (ADR 0025).
      const body = out.body as { id?: string; materials?: unknown };
      const fields = personalFieldsIn(body.materials);
      if (body.id && fields.length) await recordPersonalDataAccess(ctx.db, actor, { recordType: 'application', recordId: body.id, purpose: 'own_application' }, fields, ctx.now());
    }
    return reply.code(out.status as 201).send(out.body as never);
  });

  app.get('/api/host/applications', { ...host, schema: { tags, summary: 'My applications', querystring: listQuery, response: { 200: listView } } },
    async (req) => listApplications(ctx.db, actorOf(req), { ...req.query, order: 'updated' }, ctx.now()));

  app.get('/api/host/applications/:id', { ...host, schema: { tags, summary: 'One application with its problems, SMS checks and identity tasks', params: idParams, response: { 200: applicationView } } },
    async (req) => present(actorOf(req), req.params.id));

  app.put('/api/host/applications/:id', { ...host, schema: { tags, summary: 'Save the whole draft (partial data allowed); returns every problem', params: idParams, body: updateApplicationBody, response: { 200: applicationView } } },
    async (req) => { const a = actorOf(req); await updateApplication(ctx, a, req.params.id, req.body); return present(a, req.params.id); });

  app.post('/api/host/applications/:id/identity-verification', {
    ...host,
    schema: {
      tags, summary: 'Start identity (face) verification of the principals', params: idParams,
      response: {
        200: z.object({ tasks: z.array(z.object({ id: z.string(), personRole: z.string(), status: z.string(), expiresAt: z.string(), url: z.string().optional().describe('where the person verifies, when the verifier gives one') })) }),
        ...problems(400, 401, 403, 404, 409),
      },
    },
  }, async (req) => ({ tasks: (await verifyIdentity(ctx, actorOf(req), req.params.id)).map((t) => ({ ...t, expiresAt: t.expiresAt.toISOString() })) }));

  app.post('/api/host/applications/:id/submit', { ...host, schema: { tags, summary: 'Submit (or resubmit) to the chosen provider/platform; 400 lists every problem', params: idParams, body: z.strictObject({ submitterOrgId: z.uuid().optional() }).default({}), response: { 200: applicationView } } },
    async (req) => { const a = actorOf(req); await submitApplication(ctx, a, req.params.id, req.body); return present(a, req.params.id); });

  app.post('/api/host/applications/:id/withdraw', { ...host, schema: { tags, summary: 'Withdraw before the bureau has it', params: idParams, response: { 200: applicationView } } },
    async (req) => { const a = actorOf(req); await withdrawApplication(ctx, a, req.params.id); return present(a, req.params.id); });

  app.post('/api/host/applications/:id/sms/verify', {
    ...host,
    schema: { tags, summary: 'Enter an SMS code (24 h, 5 attempts)', params: idParams, body: z.strictObject({ challengeId: z.uuid(), code: z.string().trim().regex(/^\d{6}$/, 'six digits') }), response: { 200: applicationView } },
  }, async (req) => {
    const a = actorOf(req);
    const r = await verifySmsCode(ctx, a, req.params.id, req.body);
    if (r.outcome === 'wrong_code') {
      throw new NamedError('sms_code_incorrect', 'invalid', `wrong code; ${r.remainingAttempts} attempt(s) left`, [{ field: 'body.code', code: 'sms_code_incorrect', message: `${r.remainingAttempts} attempt(s) left` }], {}, { remainingAttempts: r.remainingAttempts });
    }
    return present(a, req.params.id);
  });

  app.post('/api/host/applications/:id/sms/resend', {
    ...host,
    schema: {
      tags, summary: 'Send a new SMS code (at most 2 resends, 60 s apart)', params: idParams, body: z.strictObject({ challengeId: z.uuid() }),
      response: {
        200: z.object({ challengeId: z.string(), sends: z.number().int(), resendsLeft: z.number().int(), expiresAt: z.string() }),
        ...problems(400, 401, 403, 404, 409, 429),
      },
    },
  }, async (req) => {
    const r = await resendSmsCode(ctx, actorOf(req), req.params.id, req.body);
    return { ...r, expiresAt: r.expiresAt.toISOString() };
  });

  app.get('/api/host/applications/:id/history', { ...host, schema: { tags, summary: 'Every step of the application', params: idParams, response: { 200: historyView } } },
    async (req) => { await loadApplication(ctx.db, req.params.id, actorOf(req)); return { items: await presentHistory(ctx.db, req.params.id) }; });

  app.get('/api/host/subjects', {
    ...host,
    schema: {
      tags, summary: 'My filed subjects (to add a service without re-entering them)',
      response: { 200: z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), subjectType: z.string(), mainNumber: z.string(), provinceCode: z.string(), status: z.string() })) }), ...problems(401, 403) },
    },
  }, async (req) => {
    const rows = await ctx.db.query<{ id: string; name: string; subject_type: string; main_number: string; province_code: string; status: string }>(
      `select id, name, subject_type, main_number, province_code, status from subjects where host_user_id = $1 order by created_at`, [actorOf(req).userId]);
    return { items: rows.map((s) => ({ id: s.id, name: s.name, subjectType: s.subject_type, mainNumber: s.main_number, provinceCode: s.province_code, status: s.status })) };
  });

  app.get('/api/host/submitters', {
    ...host,
    schema: {
      tags, summary: 'Access providers and distribution platforms that can submit',
      querystring: z.object({
        serviceType: z.enum(['website', 'app', 'mini_program', 'quick_app']).optional(),
        subjectId: z.uuid().optional().describe('a subject change: only organisations that hold this filed subject of yours (they review it, DOMAIN.md §4.3)'),
        serviceId: z.uuid().optional().describe('a service change: only organisations that hold this filed service of yours'),
      }),
      response: { 200: z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), kind: z.string().describe('access_provider | distribution_platform') })) }), ...problems(400, 401, 403) },
    },
  }, async (req) => {
    const rows = await ctx.db.query<{ id: string; name: string; kind: string }>(
      `select id, name, kind from organisations where status = 'active' and kind in ('access_provider', 'distribution_platform') order by kind, name`);
    const kinds = req.query.serviceType ? SUBMITTER_KINDS[req.query.serviceType] : ['access_provider', 'distribution_platform'];
    const items = rows.filter((r) => kinds.includes(r.kind));
    const { subjectId, serviceId } = req.query;
    if (!subjectId && !serviceId) return { items };
    // A change is reviewed by an organisation that holds the record: offer those only (others are refused at submit).
    const own = subjectId
      ? await ctx.db.query('select 1 from subjects where id = $1 and host_user_id = $2', [subjectId, actorOf(req).userId])
      : await ctx.db.query('select 1 from services s join subjects sub on sub.id = s.subject_id where s.id = $1 and sub.host_user_id = $2', [serviceId, actorOf(req).userId]);
    if (!own.length) return { items: [] };
    const of = subjectId ? { subjectId } : { serviceId: serviceId! };
    const holders = await Promise.all(items.map((r) => holdsRecord(ctx.db, of, r.id)));
    return { items: items.filter((_, i) => holders[i]) };
  });
};
