// GET /api/admin/personal-data-access: the personal-data access log (issue 15 §2; ADR 0025) —
// who saw which record's personal data in full, when and why. Ministry administrators only
// (a person's session, not an API key). The log names kinds of data, never values.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ACCESS_PURPOSES, ACCESS_RECORD_TYPES, PERSONAL_FIELDS } from '../../flows/reveal-personal-data.ts';
import type { AppContext } from '../app.ts';
import { requirePerson } from '../auth/guards.ts';
import { problems } from '../auth/presenters.ts';

const ROLES = ['host', 'provider_staff', 'platform_staff', 'device_maker_staff', 'bureau_reviewer', 'ministry_admin', 'system'] as const;

const accessSchema = z.object({
  id: z.string(),
  at: z.string().describe('ISO 8601 instant'),
  actor: z.object({
    userId: z.string().nullable(), role: z.string(), name: z.string().nullable(),
    organisationId: z.string().nullable(), organisation: z.string().nullable(), apiKeyId: z.string().nullable(),
  }),
  recordType: z.enum(ACCESS_RECORD_TYPES),
  recordId: z.string().describe('the application, service, subject or violation report id; for dev_sms the mobile\'s keyed hash'),
  recordLabel: z.string().nullable().describe('the service or main number, or the application\'s service name, when it has one'),
  purpose: z.enum(ACCESS_PURPOSES).describe('own_application | own_filed_record (the host) · first_review (provider/platform) · bureau_review · administration · supervision (a public reporter\'s contact)'),
  fields: z.array(z.enum(PERSONAL_FIELDS)).describe('kinds of personal data shown in full'),
  requestId: z.string().nullable(),
});

const query = z.object({
  userId: z.uuid().optional().describe('only accesses by this user'),
  role: z.enum(ROLES).optional(),
  recordType: z.enum(ACCESS_RECORD_TYPES).optional(),
  recordId: z.string().min(1).max(100).optional().describe('only accesses to this record (with recordType, or any type)'),
  purpose: z.enum(ACCESS_PURPOSES).optional(),
  from: z.iso.datetime({ offset: true }).optional().describe('at or after this instant'),
  to: z.iso.datetime({ offset: true }).optional().describe('before this instant'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

interface Row {
  id: string; at: Date; actor_user_id: string | null; actor_role: string; actor_name: string | null; actor_org_id: string | null; org_name: string | null;
  api_key_id: string | null; record_type: (typeof ACCESS_RECORD_TYPES)[number]; record_id: string; record_label: string | null;
  purpose: (typeof ACCESS_PURPOSES)[number]; fields: (typeof PERSONAL_FIELDS)[number][]; request_id: string | null;
}

export const adminPersonalDataAccessRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.get('/api/admin/personal-data-access', {
    onRequest: requirePerson('ministry_admin'),
    schema: {
      tags: ['admin'], summary: 'Query the personal-data access log',
      description: 'Each time personal data (ID numbers, mobiles, emergency phones, emails) was shown in full to a person: who, which record, '
        + 'when, why and which kinds of data. Newest first. Every entry is also a history row, committed to by the transparency log as a private digest.',
      querystring: query,
      response: { 200: z.object({ items: z.array(accessSchema), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() }), ...problems(400, 401, 403) },
    },
  }, async (request, reply) => {
    const q = request.query;
    const where: string[] = []; const params: unknown[] = [];
    const add = (sql: string, v: unknown) => { params.push(v); where.push(sql.replace('?', `$${params.length}`)); };
    if (q.userId) add('p.actor_user_id = ?', q.userId);
    if (q.role) add('p.actor_role = ?', q.role);
    if (q.recordType) add('p.record_type = ?', q.recordType);
    if (q.recordId) add('p.record_id = ?', q.recordId);
    if (q.purpose) add('p.purpose = ?', q.purpose);
    if (q.from) add('p.at >= ?', new Date(q.from));
    if (q.to) add('p.at < ?', new Date(q.to));
    const w = where.length ? `where ${where.join(' and ')}` : '';
    const [{ total }] = await ctx.db.query<{ total: number }>(`select count(*)::int as total from personal_data_access p ${w}`, params) as [{ total: number }];
    const rows = await ctx.db.query<Row>(
      `select p.id, p.at, p.actor_user_id, p.actor_role, u.display_name as actor_name, p.actor_org_id, o.name as org_name, p.api_key_id,
              p.record_type, p.record_id, p.purpose, p.fields, p.request_id,
              case p.record_type
                when 'service' then (select service_number from services where id = p.record_id::uuid)
                when 'subject' then (select main_number from subjects where id = p.record_id::uuid)
                when 'application' then (select service_name from applications where id = p.record_id::uuid)
                when 'violation_report' then (select s.service_number from violation_reports v join services s on s.id = v.service_id where v.id = p.record_id::uuid)
              end as record_label
         from personal_data_access p left join users u on u.id = p.actor_user_id left join organisations o on o.id = p.actor_org_id
         ${w} order by p.at desc, p.id limit $${params.length + 1} offset $${params.length + 2}`,
      [...params, q.pageSize, (q.page - 1) * q.pageSize],
    );
    reply.header('cache-control', 'no-store');
    return {
      items: rows.map((r) => ({
        id: r.id, at: r.at.toISOString(),
        actor: { userId: r.actor_user_id, role: r.actor_role, name: r.actor_name, organisationId: r.actor_org_id, organisation: r.org_name, apiKeyId: r.api_key_id },
        recordType: r.record_type, recordId: r.record_id, recordLabel: r.record_label, purpose: r.purpose, fields: r.fields, requestId: r.request_id,
      })),
      total, page: q.page, pageSize: q.pageSize,
    };
  });
};
