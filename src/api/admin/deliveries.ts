// GET /api/admin/deliveries: emails, SMS and webhooks that failed and are being retried, or were
// abandoned ('dead'), with the gateway's code and message (issue 12 §5). Ministry administrators
// only; recipients masked; never a body, a verification code or a template parameter.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listDeliveryFailures } from '../../notify/deliveries.ts';
import { FAILURE_KINDS, readFailure } from '../../notify/failure-kinds.ts';
import type { AppContext } from '../app.ts';
import { requirePerson } from '../auth/guards.ts';
import { problems } from '../auth/presenters.ts';

const failureSchema = z.object({
  id: z.number().int(),
  channel: z.enum(['email', 'sms', 'webhook']),
  kind: z.string().nullable().describe('SMS template kind: verification_code, cancellation_code, password_reset_code, filing_approved, filing_rejected, filing_returned, sms_check_failed'),
  event: z.string().nullable().describe('the event the message reports, e.g. application.approved'),
  state: z.enum(['retrying', 'dead']),
  attempts: z.number().int(),
  provider: z.string().nullable().describe('who last tried it: aliyun, tencent, development, smtp, none, webhook'),
  errorCode: z.string().nullable().describe('the gateway\'s code (isv.MOBILE_NUMBER_ILLEGAL, LimitExceeded.PhoneNumberDailyLimit) or ours (timeout, http_502, network_error, bad_response, no_template)'),
  error: z.string().nullable().describe('one line, with numbers, addresses and template parameters removed'),
  errorKind: z.enum(FAILURE_KINDS).nullable().describe('what kind of failure `error` is (connection_refused, timeout, dns, tls, http_status …), which the page explains in words; null when none is known (a gateway\'s or SMTP server\'s own refusal: errorCode and error say it)'),
  httpStatus: z.number().int().nullable().describe('the HTTP status the far end answered (errorKind http_status)'),
  recipient: z.string().describe('masked mobile (139****1111) or email (z***@example.cn); a webhook\'s host'),
  createdAt: z.string(),
  lastAttemptAt: z.string().nullable(),
  nextAttemptAt: z.string().nullable().describe('when the next attempt is due (retrying only)'),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const failureOf = (f: { error: string | null; responseStatus: number | null }) => {
  const r = readFailure(f.error, f.responseStatus);
  return { errorKind: r?.kind ?? null, httpStatus: r?.httpStatus ?? null };
};

export const adminDeliveryRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.get('/api/admin/deliveries', {
    onRequest: requirePerson('ministry_admin'),
    schema: {
      tags: ['admin'], summary: 'List failed and abandoned deliveries (email, SMS, webhooks)',
      description: 'Newest first. `retrying`: failed at least once and due again at nextAttemptAt; `dead`: abandoned — a permanent refusal '
        + '(bad number, template or signature not approved) or too many attempts. See docs/notifications.md for the codes and the retry policy.',
      querystring: z.object({
        state: z.enum(['retrying', 'dead']).optional(),
        channel: z.enum(['email', 'sms', 'webhook']).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      response: { 200: z.object({ items: z.array(failureSchema), total: z.number().int() }), ...problems(400, 401, 403) },
    },
  }, async (request, reply) => {
    const { items, total } = await listDeliveryFailures(ctx.db, ctx.sealer, request.query);
    reply.header('cache-control', 'no-store');
    return { items: items.map(({ responseStatus, ...f }) => ({ ...f, ...failureOf({ error: f.error, responseStatus }), createdAt: f.createdAt.toISOString(), lastAttemptAt: iso(f.lastAttemptAt), nextAttemptAt: iso(f.nextAttemptAt) })), total };
  });
};
