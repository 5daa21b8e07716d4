// Bureau routes for shells and expiring certificates (issue 13 items 6–7): the shells of my
// province, oldest first (the ministry reads all provinces' or one's, read-only); cleanup notices (publish, list, carry out after the publicity
// period); filings whose certificates ended or end within 30 days. Every list pages (page, pageSize; total).
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { chinaDate } from '../../domain/china-time.ts';
import { addDays } from '../../domain/dates.ts';
import { DEFAULT_PUBLICITY_DAYS, noticePhase, shellListableFrom } from '../../domain/service-lifecycle.ts';
import { EXPIRY_WARNING_DAYS, expiringSql } from '../../flows/certificate-expiry.ts';
import { executeCleanupNotice, publishCleanupNotice } from '../../flows/clean-up-shells.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requireActor } from '../auth/index.ts';
import { problems } from '../auth/presenters.ts';
import { hostName } from '../public/presenter.ts';
import { shellSinceSchema } from '../schemas/dates.ts';
import { paging } from '../supervision/schemas.ts';
import { provinceParam, readScope } from './scope.ts';

const tags = ['bureau'];
const bureau = { onRequest: requireActor('bureau_reviewer') };
const readers = { onRequest: requireActor('bureau_reviewer', 'ministry_admin') };

/** The public notices' phase (src/api/public/schemas.ts), by the clock: the bureau reads what the public reads. */
const noticePhaseSchema = z.enum(['publicity', 'publicity_ended', 'executed'])
  .describe('By the clock: publicity until endsAt (公示中), then publicity_ended until the bureau carries it out (公示期满，待清理), then executed (已清理)');

const shell = z.object({
  provinceCode: z.string().describe("the subject's province (the ministry reads several)"), serviceId: z.string(), serviceNumber: z.string(), serviceName: z.string(), serviceType: z.string(), hostName: z.string(),
  shellSince: shellSinceSchema.shellSince.unwrap(), shellSinceAt: z.string().describe('the moment (ISO 8601) it became a shell'), listableFrom: z.string().describe('from when it may be listed on a notice (30 days to add access)'),
  listable: z.boolean().describe("whether it may be listed on a notice now (by the server's clock): past listableFrom and on no notice"),
  notice: z.object({ id: z.string(), title: z.string(), endsAt: z.string(), phase: noticePhaseSchema }).nullable(),
});

const noticeView = z.object({
  id: z.string(), title: z.string(), publicityDays: z.number().int(), publishedAt: z.string(), endsAt: z.string(), status: z.enum(['publicised', 'executed']), phase: noticePhaseSchema,
  executedAt: z.string().nullable(),
  services: z.array(z.object({ serviceId: z.string(), serviceNumber: z.string(), serviceName: z.string(), outcome: z.enum(['listed', 'rescued', 'cleaned', 'dropped']) })),
});

interface ShellRow { id: string; province_code: string; service_number: string; name: string; service_type: string; host_name: string; subject_type: string; shell_since: Date; notice_id: string | null; notice_title: string | null; notice_ends_at: Date | null; notice_status: 'publicised' | 'executed' | null }
interface NoticeRow {
  id: string; title: string; publicity_days: number; published_at: Date; ends_at: Date; status: 'publicised' | 'executed'; executed_at: Date | null;
  services: { serviceId: string; serviceNumber: string; serviceName: string; outcome: 'listed' | 'rescued' | 'cleaned' | 'dropped' }[];
}

export const NOTICE_COLUMNS = `n.id, n.title, n.publicity_days, n.published_at, n.ends_at, n.status, n.executed_at,
  coalesce((select json_agg(json_build_object('serviceId', s.id, 'serviceNumber', s.service_number, 'serviceName', s.name, 'outcome', ns.outcome) order by s.service_number)
              from cleanup_notice_services ns join services s on s.id = ns.service_id where ns.notice_id = n.id), '[]'::json) as services`;

const presentNotice = (n: NoticeRow, now: Date) => ({
  id: n.id, title: n.title, publicityDays: n.publicity_days, publishedAt: n.published_at.toISOString(), endsAt: n.ends_at.toISOString(),
  status: n.status, phase: noticePhase(n.status, n.ends_at, now), executedAt: n.executed_at?.toISOString() ?? null, services: n.services,
});

export const bureauShellRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get('/api/bureau/shells', {
    ...readers,
    schema: {
      tags, summary: "Shells (filings without any access) of my province, oldest first, a page at a time; the ministry: all provinces' or one's (read-only: notices stay the bureau's)",
      description: '`page` (from 1) and `pageSize` (default 50, at most 500); `total` counts them all. Oldest shell first (the first listable), ties by service number.',
      querystring: z.object({ province: provinceParam, ...paging }),
      response: { 200: z.object({ items: z.array(shell), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() }), ...problems(400, 401, 403) },
    },
  }, async (req) => {
    const { page, pageSize } = req.query;
    const province = readScope(actorOf(req), req.query.province);
    const now = ctx.now();
    const from = `from services s join subjects sub on sub.id = s.subject_id
         left join cleanup_notice_services ns on ns.service_id = s.id and ns.outcome = 'listed'
         left join cleanup_notices n on n.id = ns.notice_id
        where s.shell_since is not null and s.status = 'filed' and ($1::char(6) is null or sub.province_code = $1::char(6))`;
    const [count] = await ctx.db.query<{ total: number }>(`select count(*)::int as total ${from}`, [province]);
    const rows = await ctx.db.query<ShellRow>(
      `select s.id, sub.province_code, s.service_number, s.name, s.service_type, sub.name as host_name, sub.subject_type, s.shell_since,
              n.id as notice_id, n.title as notice_title, n.ends_at as notice_ends_at, n.status as notice_status
         ${from}
        order by s.shell_since, s.service_number, s.id, n.id limit $2 offset $3`, [province, pageSize, (page - 1) * pageSize]);
    return {
      items: rows.map((r) => ({
        provinceCode: r.province_code, serviceId: r.id, serviceNumber: r.service_number, serviceName: r.name, serviceType: r.service_type, hostName: hostName(r.subject_type, r.host_name),
        shellSince: chinaDate(r.shell_since), shellSinceAt: r.shell_since.toISOString(), listableFrom: shellListableFrom(r.shell_since).toISOString(),
        listable: !r.notice_id && shellListableFrom(r.shell_since).getTime() <= now.getTime(),
        notice: r.notice_id ? { id: r.notice_id, title: r.notice_title!, endsAt: r.notice_ends_at!.toISOString(), phase: noticePhase(r.notice_status!, r.notice_ends_at!, now) } : null,
      })),
      total: count!.total, page, pageSize,
    };
  });

  app.get('/api/bureau/notices', {
    ...bureau,
    schema: {
      tags, summary: 'Cleanup notices of my province, newest first, a page at a time',
      description: '`page` (from 1) and `pageSize` (default 50, at most 500); `total` counts them all.',
      querystring: z.object(paging),
      response: { 200: z.object({ items: z.array(noticeView), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() }), ...problems(400, 401, 403) },
    },
  }, async (req) => {
    const { page, pageSize } = req.query;
    const province = actorOf(req).provinceCode;
    const [count] = await ctx.db.query<{ total: number }>('select count(*)::int as total from cleanup_notices where province_code = $1', [province]);
    const rows = await ctx.db.query<NoticeRow>(`select ${NOTICE_COLUMNS} from cleanup_notices n where n.province_code = $1 order by n.published_at desc, n.id desc limit $2 offset $3`,
      [province, pageSize, (page - 1) * pageSize]);
    const now = ctx.now();
    return { items: rows.map((n) => presentNotice(n, now)), total: count!.total, page, pageSize };
  });

  app.post('/api/bureau/notices', {
    ...bureau,
    schema: {
      tags, summary: 'Publish a cleanup notice for chosen shells of my province (publicity period, default 7 days)',
      description: 'Each shell must have been one for 30 days (its `listableFrom`) and not be on another open notice; problems name `body.serviceIds.<i>`.',
      body: z.strictObject({
        serviceIds: z.array(z.string().max(64)).min(1, 'choose at least one shell').max(500),
        publicityDays: z.number().int().min(1).max(90).default(DEFAULT_PUBLICITY_DAYS),
        title: z.string().trim().max(200).optional(),
      }),
      response: { 201: z.object({ id: z.string(), endsAt: z.string(), services: z.array(z.string()) }), ...problems(400, 401, 403, 409) },
    },
  }, async (req, reply) => {
    const r = await publishCleanupNotice(ctx, actorOf(req), req.body);
    return reply.code(201).send({ id: r.id, endsAt: r.endsAt.toISOString(), services: r.services });
  });

  app.post('/api/bureau/notices/:id/execute', {
    ...bureau,
    schema: {
      tags, summary: 'After the publicity period: cancel the listed shells still without access (one batch)',
      params: z.object({ id: z.string().max(64) }),
      response: { 200: z.object({ noticeId: z.string(), cleaned: z.array(z.string()), rescued: z.array(z.string()), dropped: z.array(z.string()) }), ...problems(401, 403, 404, 409) },
    },
  }, async (req) => executeCleanupNotice(ctx, actorOf(req), req.params.id));

  app.get('/api/bureau/expiring', {
    ...bureau,
    schema: {
      tags, summary: `Filings of my province whose principal's ID or the subject's certificate ended or ends within ${EXPIRY_WARNING_DAYS} days, soonest first, a page at a time`,
      description: '`page` (from 1) and `pageSize` (default 50, at most 500); `total` counts them all. By `validTo` (ended first), then main number, the subject\'s before its services\'.',
      querystring: z.object(paging),
      response: {
        200: z.object({
          items: z.array(z.object({
            kind: z.enum(['subject_certificate', 'subject_principal', 'service_principal']), validTo: z.string(), expired: z.boolean(),
            mainNumber: z.string(), subjectName: z.string(), serviceNumber: z.string().nullable(), serviceName: z.string().nullable(), notifiedOn: z.string().nullable(),
          })),
          total: z.number().int(), page: z.number().int(), pageSize: z.number().int(),
        }),
        ...problems(400, 401, 403),
      },
    },
  }, async (req) => {
    const { page, pageSize } = req.query;
    const today = chinaDate(ctx.now());
    const params = [addDays(today, EXPIRY_WARNING_DAYS), actorOf(req).provinceCode];
    const [count] = await ctx.db.query<{ total: number }>(`select count(*)::int as total from (${expiringSql('province')}) e`, params);
    // One row per record and kind: (validTo, main number, service number — none for the subject's —, kind) orders them all.
    const rows = await ctx.db.query<{ kind: 'subject_certificate' | 'subject_principal' | 'service_principal'; valid_to: string; main_number: string; subject_name: string; subject_type: string; service_number: string | null; service_name: string | null; notified_on: string | null }>(
      `select e.kind, to_char(e.valid_to, 'YYYY-MM-DD') as valid_to, sub.main_number, sub.name as subject_name, sub.subject_type, s.service_number, s.name as service_name,
              (select to_char(min(x.found_on), 'YYYY-MM-DD') from certificate_expiries x
                where x.subject_id = e.subject_id and x.service_id is not distinct from e.service_id and x.kind = e.kind and x.valid_to = e.valid_to) as notified_on
         from (${expiringSql('province')}) e join subjects sub on sub.id = e.subject_id left join services s on s.id = e.service_id
        order by e.valid_to, sub.main_number, s.service_number nulls first, e.kind limit $3 offset $4`, [...params, pageSize, (page - 1) * pageSize]);
    return {
      items: rows.map((r) => ({
        kind: r.kind, validTo: r.valid_to, expired: r.valid_to < today, mainNumber: r.main_number, subjectName: hostName(r.subject_type, r.subject_name),
        serviceNumber: r.service_number, serviceName: r.service_name, notifiedOn: r.notified_on,
      })),
      total: count!.total, page, pageSize,
    };
  });
};
