// GET /api/admin/dev-sms: the development SMS provider's inbox (src/notify/sms.ts), so a
// demo can read the MIIT verification code (DOMAIN.md §4.1 step 4) that a gateway would
// have delivered. Ministry administrators only. Mobiles are masked unless the query named
// one (the reader already knows it); bodies are shown because reading them is the point.
// Only with the development provider (SMS_PROVIDER=dev, what the demo runs): with a real gateway
// the route does not exist (404), and sessions say `devSmsInbox: false` so no page offers it.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { revealPersonalData } from '../../flows/reveal-personal-data.ts';
import { listDevSms, normaliseMobile } from '../../notify/sms.ts';
import type { Config } from '../../config.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requireActor } from '../auth/guards.ts';
import { problems } from '../auth/presenters.ts';

const devSmsSchema = z.object({
  id: z.number().int(),
  mobile: z.string().describe('masked (139****1111) unless the query named this mobile'),
  body: z.string(),
  createdAt: z.string().describe('ISO 8601 instant'),
});

/** The development inbox exists: no SMS gateway is configured, messages land in dev_sms_messages. */
export const devSmsInbox = (config: Pick<Config, 'sms'>) => config.sms.provider === 'dev';

export const adminDevSmsRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  if (!devSmsInbox(ctx.config)) return;
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.get('/api/admin/dev-sms', {
    onRequest: requireActor('ministry_admin'),
    schema: {
      tags: ['admin'], summary: 'Read the development SMS inbox',
      description: 'Messages the development SMS provider "sent" (verification codes, outcome notices), newest first. '
        + 'With `mobile`, only that number\'s messages with the number in full; without, every number masked.',
      querystring: z.object({
        mobile: z.string().min(1).max(32).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(50),
      }),
      response: { 200: z.object({ items: z.array(devSmsSchema) }), ...problems(400, 401, 403) },
    },
  }, async (request, reply) => {
    // A named mobile is answered in full: an administrator's access to personal data, logged
    // under the number's keyed hash (the log never holds the number itself).
    const list = () => listDevSms(ctx.db, ctx.sealer, request.query);
    const items = request.query.mobile
      ? await revealPersonalData(ctx.db, actorOf(request), { recordType: 'dev_sms', recordId: ctx.sealer.hash('phone', normaliseMobile(request.query.mobile)), purpose: 'administration' }, ctx.now(), list)
      : await list();
    reply.header('cache-control', 'no-store');
    return { items: items.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })) };
  });
};
