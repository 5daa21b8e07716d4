// The bureau's search and record view (/api/bureau/records): a reviewer finds a filing of the
// province by signing-certificate fingerprint, USCC / ID number, number, package name, domain or
// name, and opens the record with what a check of a copycat package or a re-filing subject needs
// (src/api/queries/bureau-records.ts). Another province's record is a 404.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../app.ts';
import { actorOf, requireActor } from '../auth/index.ts';
import { problems } from '../auth/presenters.ts';
import { loadBureauService, presentBureauRecord, searchBureauRecords } from '../queries/bureau-records.ts';
import { loadBureauSubject, presentBureauSubject } from '../queries/bureau-subjects.ts';
import { provinceParam, readScope } from './scope.ts';

const tags = ['bureau'];
// Bureau reviewers in their province; the ministry nationally, read-only (ADR 0037 addendum: no revocation here).
const readers = { onRequest: requireActor('bureau_reviewer', 'ministry_admin') };
const status = z.enum(['filed', 'shell', 'cancelled', 'revoked']);

const hit = z.object({
  serviceId: z.string(), serviceNumber: z.string(), serviceName: z.string(), serviceType: z.string(), status,
  subjectId: z.string(), subjectName: z.string(), subjectType: z.string(), mainNumber: z.string().nullable(), provinceCode: z.string().describe("the subject's province (the ministry searches several)"),
  matchedBy: z.enum(['fingerprint', 'subject_certificate', 'principal_certificate', 'number', 'package', 'domain', 'name']),
  platform: z.string().nullable(), packageName: z.string().nullable(),
});

const historyItem = z.object({
  id: z.number(), action: z.string(), from: z.string().nullable(), to: z.string().nullable(),
  actor: z.object({ role: z.string(), userId: z.string().nullable(), name: z.string().nullable(), organisation: z.string().nullable() }),
  reason: z.unknown(), requestId: z.string().nullable(), at: z.string(),
});

const recordView = z.object({
  service: z.object({ id: z.string(), serviceNumber: z.string(), name: z.string(), serviceType: z.string(), status, filedAt: z.string(), statusChangedAt: z.string(), shellSince: z.string().nullable(), revocationCategory: z.string().nullable() }),
  subject: z.object({
    id: z.string(), name: z.string(), subjectType: z.string(), mainNumber: z.string().nullable(), status: z.string(), filedAt: z.string().nullable(),
    services: z.array(z.object({ id: z.string(), serviceNumber: z.string(), name: z.string(), serviceType: z.string(), status })),
  }),
  revealed: z.boolean().describe('true: personal values in full (the access was logged); false: masked'),
  materials: z.record(z.string(), z.unknown()).describe('subject, service, platforms[] and access[] (each with `active`) in the materials shape'),
  organisations: z.record(z.string(), z.string()),
  applications: z.array(z.object({ id: z.string(), applicationType: z.string(), serviceType: z.string(), serviceName: z.string().nullable(), status: z.string(), thisService: z.boolean(), submittedAt: z.string().nullable(), decidedAt: z.string().nullable() })),
  history: z.array(historyItem),
  availableActions: z.array(z.string()),
});

const subjectView = z.object({
  subject: z.object({
    id: z.string(), name: z.string(), subjectType: z.string(), nature: z.string(), mainNumber: z.string().nullable(), status: z.string(),
    provinceCode: z.string(), filedAt: z.string().nullable(), updatedAt: z.string(),
  }),
  revealed: z.boolean().describe('true: personal values in full (the access was logged); false: masked'),
  materials: z.record(z.string(), z.unknown()).describe('`subject` in the materials shape (certificate, addresses, principal, legal representative)'),
  services: z.array(z.object({ id: z.string(), serviceNumber: z.string(), name: z.string(), serviceType: z.string(), status, filedAt: z.string(), statusChangedAt: z.string(), activeAccess: z.number() })),
  applications: z.array(z.object({ id: z.string(), applicationType: z.string(), serviceType: z.string(), serviceName: z.string().nullable(), status: z.string(), serviceId: z.string().nullable(), submittedAt: z.string().nullable(), decidedAt: z.string().nullable(), deadlineOn: z.string().nullable() })),
  history: z.array(historyItem.extend({ serviceNumber: z.string().nullable().describe("a service's row: its number; the subject's own: null") })),
});

export const bureauRecordRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get('/api/bureau/records', {
    ...readers,
    schema: {
      tags, summary: "Search my province's filed services; the ministry: every province's, or one's (read-only)",
      description: '`q`: a signing-certificate fingerprint (MD5 / SHA-1 / SHA-256; colons, spaces, any case), a USCC or resident ID number '
        + '(matched by keyed hash against subjects and principals; a lookup touching a person is logged in the personal-data access log), '
        + 'a main or service number, a package name, a domain, or part of a service or subject name. At most 50 results.',
      querystring: z.object({ q: z.string().trim().min(1).max(200), province: provinceParam }),
      response: { 200: z.object({ query: z.enum(['fingerprint', 'certificate', 'number', 'text']).nullable(), items: z.array(hit), truncated: z.boolean() }), ...problems(400, 401, 403) },
    },
  }, async (req) => {
    const actor = actorOf(req);
    return searchBureauRecords(ctx.db, ctx.sealer, actor, req.query.q, readScope(actor, req.query.province), ctx.now());
  });

  app.get('/api/bureau/records/:id', {
    ...readers,
    schema: {
      tags, summary: 'A filed service of my province, as a reviewer checks it (the ministry: of any province, read-only)',
      description: '`{id}`: the service id or its URL-encoded service number. `reveal=true` opens ID numbers, mobiles, emergency phones and emails in full and records the access (ADR 0025; '
        + 'the ministry\'s with purpose `supervision`). The ministry gets no `availableActions`.',
      params: z.object({ id: z.string().max(64) }),
      querystring: z.object({ reveal: z.enum(['true', 'false']).optional() }),
      response: { 200: recordView, ...problems(401, 403, 404) },
    },
  }, async (req) => {
    const actor = actorOf(req);
    const s = await loadBureauService(ctx.db, actor, req.params.id);
    return presentBureauRecord(ctx.db, ctx.sealer, actor, s, req.query.reveal === 'true', ctx.now());
  });

  app.get('/api/bureau/subjects/:id', {
    ...readers,
    schema: {
      tags, summary: 'A filed subject of my province, as its bureau sees it (the ministry: of any province, read-only)',
      description: '`{id}`: the subject id or its URL-encoded main number. Identity with ID numbers, mobiles, emergency phones and emails masked; '
        + '`reveal=true` opens them and records the access (ADR 0025; the ministry\'s with purpose `supervision`). With its services, applications and history '
        + '(the subject\'s rows and its services\').',
      params: z.object({ id: z.string().max(64) }),
      querystring: z.object({ reveal: z.enum(['true', 'false']).optional() }),
      response: { 200: subjectView, ...problems(401, 403, 404) },
    },
  }, async (req) => {
    const actor = actorOf(req);
    const s = await loadBureauSubject(ctx.db, actor, req.params.id);
    return presentBureauSubject(ctx.db, ctx.sealer, actor, s, req.query.reveal === 'true', ctx.now());
  });
};
