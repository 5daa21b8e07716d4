// /api/org/notifications, /api/bureau/notifications and /api/host/notifications (docs/notifications.md
// "The console's notices"): the notices an organisation receives — a campaign, a round, a disposal
// order, an application's steps; a bureau's shells, certificates, calendar — and those a host
// receives (its applications' steps, its filings' changes, shells, cleanups, revocations,
// certificate expiry), newest first, paged, with the unread count; and marking them read. Each
// sees its own (its organisation's; a host, its own account's) only.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Queryable } from '../../db/connection.ts';
import { markNotificationsRead } from '../../flows/read-notifications.ts';
import { ORG_ROLES, SUPERVISOR_ROLES } from '../../flows/supervision/scope.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requireActor } from '../auth/index.ts';
import { problems } from '../auth/presenters.ts';
import { paging } from '../supervision/schemas.ts';
import { fieldsInBody } from '../problem.ts';

const listQuery = z.object({ ...paging, unread: z.enum(['true', 'false']).transform((v) => v === 'true').optional() });
const readBody = z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(500) });
const noticeText = z.object({ title: z.string(), body: z.string() });
const noticeView = z.object({
  id: z.number().int(), event: z.string().describe('what happened, e.g. service.shell, record.certificates_expiring'), title: z.string(), body: z.string(),
  texts: z.object({ 'zh-CN': noticeText, en: noticeText }).nullable().describe('each language apart; null on notices written before migration 0057'),
  applicationId: z.string().nullable().describe('the application the notice is about, if any'), createdAt: z.string(), readAt: z.string().nullable(),
});
const noticesView = z.object({
  items: z.array(noticeView), total: z.number().int().describe('with `?unread=true`, the unread ones'), unread: z.number().int().describe('unread notices, whatever the filter'),
  page: z.number().int(), pageSize: z.number().int(),
});
const readView = z.object({ read: z.number().int().describe('marked read now'), already: z.number().int().describe('read before (the first time is kept)') });

interface Text { title: string; body: string }
interface Row { id: string; event: string; title: string; body: string; texts: { zh: Text; en: Text } | null; application_id: string | null; created_at: Date; read_at: Date | null }

/** Whose notices: an organisation's, or a host's own account's. */
type Owner = { column: 'organisation_id' | 'user_id'; id: string };

async function listNotifications(db: Queryable, owner: Owner, q: { page: number; pageSize: number; unread?: boolean | undefined }) {
  const rows = await db.query<Row>(
    `select n.id::text, n.event, n.title, n.body, n.texts, n.application_id, n.created_at, n.read_at
       from notifications n where n.${owner.column} = $1 and ($2::boolean is not true or n.read_at is null)
      order by n.id desc limit $3 offset $4`,
    [owner.id, q.unread ?? null, q.pageSize, (q.page - 1) * q.pageSize]);
  const [c] = await db.query<{ total: number; unread: number }>(
    `select count(*) filter (where $2::boolean is not true or read_at is null)::int as total, count(*) filter (where read_at is null)::int as unread
       from notifications where ${owner.column} = $1`, [owner.id, q.unread ?? null]);
  return {
    // `title`/`body`: both languages, as the email (every row has them); `texts`: each apart, null on rows written before migration 0057.
    items: rows.map((r) => ({ id: Number(r.id), event: r.event, title: r.title, body: r.body, texts: r.texts ? { 'zh-CN': r.texts.zh, en: r.texts.en } : null, applicationId: r.application_id, createdAt: r.created_at.toISOString(), readAt: r.read_at?.toISOString() ?? null })),
    total: c!.total, unread: c!.unread, page: q.page, pageSize: q.pageSize,
  };
}

export const notificationRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  for (const [audience, roles, security] of [
    ['org', ORG_ROLES, [{ apiKey: [] }, { session: [] }]],
    ['bureau', SUPERVISOR_ROLES, [{ session: [] }]],
    ['host', ['host'], [{ session: [] }]],
  ] as const) {
    const guard = requireActor(...roles);
    const tags = [audience === 'org' ? 'organisation' : audience];
    app.get(`/api/${audience}/notifications`, {
      onRequest: guard,
      schema: { tags, security, summary: `${audience === 'host' ? 'My' : "My organisation's"} notices, newest first (\`?unread=true\`), with the unread count`,
        description: '`title` and `body` carry both languages (zh-CN first, then English), as the email does; `texts` has each language apart (`zh-CN`, `en`: `{title, body}`), '
          + 'null for notices written before it existed: show `texts[lang]` where there is one, else `title` and `body`.',
        querystring: listQuery, response: { 200: noticesView, ...problems(400, 401, 403) } },
    }, async (req) => {
      const actor = actorOf(req);
      return listNotifications(ctx.db, audience === 'host' ? { column: 'user_id', id: actor.userId! } : { column: 'organisation_id', id: actor.orgId! }, req.query);
    });
    app.post(`/api/${audience}/notifications/read`, {
      onRequest: guard,
      schema: { tags, security, summary: 'Mark notices read (the first time is kept)', body: readBody,
        response: { 200: readView, ...problems(400, 401, 403, 404) } },
    }, async (req) => fieldsInBody(markNotificationsRead(ctx, actorOf(req), req.body.ids)));
  }
};
