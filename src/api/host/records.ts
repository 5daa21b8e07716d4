// The host's filed records and what each allows (issue 13 items 4, 5, 9): "我的备案" lists
// subjects and services with their actions; cancelling a service or a subject, or an access
// record, answers 202 with a confirmation; the principal's SMS code makes it take effect.
// Thin glue: auth → parse → flow → present.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NamedError } from '../../domain/errors.ts';
import { hasAccessSection, noticePhase, serviceActions, serviceState, shellCancellableAfter } from '../../domain/service-lifecycle.ts';
import { requestAccessCancellation } from '../../flows/cancel-access.ts';
import { type CancellationRequested, requestServiceCancellation } from '../../flows/cancel-service.ts';
import { requestSubjectCancellation } from '../../flows/cancel-subject.ts';
import { confirmByCode } from '../../flows/confirm.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requireActor } from '../auth/index.ts';
import { problems } from '../auth/presenters.ts';
import { shellSinceFields, shellSinceSchema } from '../schemas/dates.ts';
import { fieldsInBody } from '../problem.ts';

const tags = ['host'];
const host = { onRequest: requireActor('host') };
const reasonBody = z.strictObject({ reason: z.string().trim().max(500).optional() }).default({});

const requested = z.object({
  confirmationId: z.string(), sentTo: z.string().describe('the masked mobile the code went to (138****8000)'), expiresAt: z.string(),
  cancels: z.enum(['service', 'subject']).describe('`subject` when the service is the subject\'s last live service: the code cancels the subject with it (no empty subject is kept)'),
  subject: z.object({ id: z.string(), mainNumber: z.string() }),
  service: z.object({ id: z.string(), serviceNumber: z.string() }).nullable(),
  message: z.string(),
});

function presentRequested(r: CancellationRequested) {
  const message = r.cancels === 'subject' && r.service
    ? `${r.service.serviceNumber} is the last live service of ${r.subject.mainNumber}: the code cancels the subject with it (a subject without services is not kept). Enter the code sent to ${r.sentTo} at POST /api/host/confirmations/${r.confirmationId}.`
    : `Enter the code sent to ${r.sentTo} at POST /api/host/confirmations/${r.confirmationId} within 24 hours.`;
  return { confirmationId: r.confirmationId, sentTo: r.sentTo, expiresAt: r.expiresAt.toISOString(), cancels: r.cancels, subject: r.subject, service: r.service, message };
}

const accessView = z.object({ id: z.string(), providerOrgId: z.string(), providerName: z.string(), accessMethod: z.string(), serverLocation: z.string(), createdAt: z.string() });
const serviceView = z.object({
  id: z.string(), serviceNumber: z.string(), serviceName: z.string(), serviceType: z.string(),
  state: z.enum(['filed', 'shell', 'cancelled', 'revoked']), filedAt: z.string(), statusChangedAt: z.string(),
  ...shellSinceSchema, cancellableAfter: z.string().nullable().describe('a shell: the moment after which the bureau may cancel it'),
  notice: z.object({
    id: z.string(), title: z.string(), endsAt: z.string(),
    phase: z.enum(['publicity', 'publicity_ended', 'executed']).describe("By the server's clock, as the public notices read it: publicity until endsAt, then publicity_ended (the bureau may clean the shell up at any time), then executed"),
  }).nullable(),
  access: z.array(accessView), hasAccessSection: z.boolean(),
  actions: z.array(z.enum(['change', 'add_access', 'cancel', 'cancel_access'])),
  links: z.object({ change: z.string().nullable(), addAccess: z.string().nullable(), record: z.string() }),
});
const subjectView = z.object({
  id: z.string(), mainNumber: z.string(), name: z.string(), subjectType: z.string(), provinceCode: z.string(), status: z.string(),
  actions: z.array(z.enum(['change', 'cancel'])), links: z.object({ change: z.string().nullable() }), services: z.array(serviceView),
});

interface Row {
  id: string; subject_id: string; service_number: string; name: string; service_type: string; status: 'filed' | 'cancelled' | 'revoked';
  filed_at: Date; status_changed_at: Date; shell_since: Date | null; notice_id: string | null; notice_title: string | null; notice_ends_at: Date | null; notice_status: 'publicised' | 'executed' | null;
  access: { id: string; providerOrgId: string; providerName: string; accessMethod: string; serverLocation: string; createdAt: string }[];
}

export const hostRecordRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get('/api/host/records', {
    ...host,
    schema: { tags, summary: '我的备案: my filed subjects and their services, with the actions each allows', response: { 200: z.object({ items: z.array(subjectView) }), ...problems(401, 403) } },
  }, async (req) => {
    const me = actorOf(req).userId;
    const subjects = await ctx.db.query<{ id: string; main_number: string; name: string; subject_type: string; province_code: string; status: string }>(
      `select id, main_number, name, subject_type, province_code, status from subjects where host_user_id = $1 and main_number is not null order by filed_at, main_number`, [me]);
    const rows = await ctx.db.query<Row>(
      `select s.id, s.subject_id, s.service_number, s.name, s.service_type, s.status, s.filed_at, s.status_changed_at, s.shell_since,
              n.id as notice_id, n.title as notice_title, n.ends_at as notice_ends_at, n.status as notice_status,
              coalesce((select json_agg(json_build_object('id', ar.id, 'providerOrgId', ar.provider_org_id, 'providerName', o.name, 'accessMethod', ar.access_method,
                          'serverLocation', ar.server_location, 'createdAt', ar.created_at) order by ar.created_at)
                          from access_records ar join organisations o on o.id = ar.provider_org_id where ar.service_id = s.id and ar.active), '[]'::json) as access
         from services s join subjects sub on sub.id = s.subject_id
         left join cleanup_notice_services ns on ns.service_id = s.id and ns.outcome = 'listed'
         left join cleanup_notices n on n.id = ns.notice_id
        where sub.host_user_id = $1 order by s.sequence`, [me]);
    const now = ctx.now();
    return {
      items: subjects.map((sub) => {
        const services = rows.filter((r) => r.subject_id === sub.id).map((r) => {
          const state = serviceState(r.status, r.shell_since);
          const live = state === 'filed' || state === 'shell';
          const accessible = hasAccessSection(r.service_type);
          const actions: ('change' | 'add_access' | 'cancel' | 'cancel_access')[] = [];
          if (live) actions.push('change');
          if (live && accessible) actions.push('add_access');
          if (serviceActions(state, 'host').includes('cancel')) actions.push('cancel');
          if (live && r.access.length > 0) actions.push('cancel_access');
          return {
            id: r.id, serviceNumber: r.service_number, serviceName: r.name, serviceType: r.service_type, state,
            filedAt: r.filed_at.toISOString(), statusChangedAt: r.status_changed_at.toISOString(),
            ...shellSinceFields(r.shell_since),
            cancellableAfter: r.shell_since ? shellCancellableAfter(r.shell_since, r.notice_ends_at, now).toISOString() : null,
            notice: r.notice_id ? { id: r.notice_id, title: r.notice_title!, endsAt: r.notice_ends_at!.toISOString(), phase: noticePhase(r.notice_status!, r.notice_ends_at!, now) } : null,
            access: r.access.map((a) => ({ ...a, createdAt: new Date(a.createdAt).toISOString() })), hasAccessSection: accessible, actions,
            links: {
              change: live ? `/host/services/${r.id}/change` : null, addAccess: live && accessible ? `/host/services/${r.id}/add-access` : null,
              record: `/record/${encodeURIComponent(r.service_number)}`,
            },
          };
        });
        const filed = sub.status === 'filed';
        return {
          id: sub.id, mainNumber: sub.main_number, name: sub.name, subjectType: sub.subject_type, provinceCode: sub.province_code, status: sub.status,
          actions: filed ? (['change', 'cancel'] as const).slice() : [], links: { change: filed ? `/host/subjects/${sub.id}/change` : null }, services,
        };
      }),
    };
  });

  app.post('/api/host/services/:id/cancel', {
    ...host,
    schema: {
      tags, summary: 'Ask to cancel a filed service (注销APP); the service principal confirms by SMS code',
      description: '`{id}` is the service\'s id or its URL-encoded service number. Answers 202: the code sent to the service principal, entered at `POST /api/host/confirmations/{confirmationId}` within 24 h (5 attempts), makes it take effect. When it is the subject\'s last live service, the answer says `cancels: "subject"`: the code (sent to the subject principal) cancels the subject with it.',
      params: z.object({ id: z.string().max(64) }), body: reasonBody,
      response: { 202: requested, ...problems(400, 401, 403, 404, 409) },
    },
  }, async (req, reply) => reply.code(202).send(presentRequested(await requestServiceCancellation(ctx, actorOf(req), req.params.id, req.body))));

  app.post('/api/host/subjects/:id/cancel', {
    ...host,
    schema: {
      tags, summary: 'Ask to cancel a filed subject and every service under it (注销主体); the subject principal confirms by SMS code',
      description: '`{id}` is the subject\'s id or its URL-encoded main number. Answers 202 with the confirmation.',
      params: z.object({ id: z.string().max(64) }), body: reasonBody,
      response: { 202: requested, ...problems(400, 401, 403, 404, 409) },
    },
  }, async (req, reply) => reply.code(202).send(presentRequested(await requestSubjectCancellation(ctx, actorOf(req), req.params.id, req.body))));

  app.post('/api/host/services/:id/access/:accessId/cancel', {
    ...host,
    schema: {
      tags, summary: 'Ask to cancel an access record of my service; the service principal confirms by SMS code',
      description: 'Answers 202 with the confirmation. `lastAccess: true` warns that the service will be left without access: a shell (空壳), to be fixed by adding access or cleaned up by the bureau.',
      params: z.object({ id: z.string().max(64), accessId: z.string().max(64) }), body: reasonBody,
      response: { 202: z.object({ confirmationId: z.string(), sentTo: z.string(), expiresAt: z.string(), accessRecordId: z.string(), lastAccess: z.boolean() }), ...problems(400, 401, 403, 404, 409) },
    },
  }, async (req, reply) => {
    const r = await requestAccessCancellation(ctx, actorOf(req), req.params.id, req.params.accessId, req.body);
    return reply.code(202).send({ confirmationId: r.confirmationId, sentTo: r.sentTo, expiresAt: r.expiresAt.toISOString(), accessRecordId: r.accessRecordId, lastAccess: r.lastAccess });
  });

  app.post('/api/host/confirmations/:confirmationId', {
    ...host,
    schema: {
      tags, summary: 'Enter the SMS code of a cancellation: it takes effect (24 h, 5 attempts)',
      params: z.object({ confirmationId: z.string().max(64) }),
      body: z.strictObject({ code: z.string().trim().regex(/^\d{6}$/, 'six digits') }),
      response: {
        200: z.object({
          status: z.literal('confirmed'), action: z.enum(['cancel_service', 'cancel_subject', 'cancel_access']),
          servicesCancelled: z.array(z.string()), subjectCancelled: z.string().nullable(),
          access: z.object({ accessRecordId: z.string(), shell: z.boolean(), ...shellSinceSchema, cancellableAfter: z.string().nullable() }).nullable(),
        }),
        ...problems(400, 401, 403, 404, 409),
      },
    },
  }, async (req) => {
    const r = await fieldsInBody(confirmByCode(ctx, actorOf(req), req.params.confirmationId, req.body));
    if (r.outcome === 'wrong_code') {
      throw new NamedError('sms_code_incorrect', 'invalid', `wrong code; ${r.remainingAttempts} attempt(s) left`, [{ field: 'body.code', code: 'sms_code_incorrect', message: `${r.remainingAttempts} attempt(s) left` }], {}, { remainingAttempts: r.remainingAttempts });
    }
    if (r.outcome !== 'confirmed') {
      throw r.outcome === 'exhausted'
        ? new NamedError('confirmation_exhausted', 'conflict', '5 wrong codes: this request is void; ask again for a new code')
        :  new NamedError('confirmation_expired', 'conflict', 'the 24-hour window passed: this request is void; ask again for a new code');
    }
    const a = r.access;
    return {
      status: 'confirmed' as const, action: r.action, servicesCancelled: r.servicesCancelled, subjectCancelled: r.subjectCancelled,
      access: a ? { accessRecordId: a.accessRecordId, shell: a.shell, ...shellSinceFields(a.shellSince), cancellableAfter: a.cancellableAfter?.toISOString() ?? null } : null,
    };
  });
};
