// /api/bureau/legacy-duplicates (ADR 0018, addendum "Campaigns extended or ended early; legacy
// duplicates settled"): what migrations 0040 and 0044 kept for the bureau to settle — duplicate order
// items for one finding, iOS filings whose bundle IDs differ only in case — listed in the bureau's
// province (all for the ministry), and settled by naming the one that stands.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { REVOCATION_CATEGORIES } from '../../domain/supervision/blacklist.ts';
import { keepLegacyIosFiling } from '../../flows/keep-legacy-ios-filing.ts';
import { keepLegacyOrderItem } from '../../flows/supervision/keep-legacy-order-item.ts';
import { SUPERVISOR_ROLES } from '../../flows/supervision/scope.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requireActor } from '../auth/index.ts';
import { problems } from '../auth/presenters.ts';
import { legacyIosPairs, legacyOrderItems } from '../queries/legacy-duplicates.ts';
import { fieldsInBody } from '../problem.ts';

const idParam = z.object({ id: z.string().max(64) });
const reason = z.string().trim().min(1).max(500);
const legacyItem = z.object({
  id: z.string(), orderId: z.string(), legacyDuplicate: z.boolean(), status: z.string(), measure: z.string(), orderedOn: z.string(), dueOn: z.string(), orderReason: z.string(),
  organisationName: z.string(), campaignName: z.string().nullable(),
  mine: z.boolean().nullable().describe("the order is this bureau's (its province; all for the ministry); null: an order without a province (the ministry's), asked by a bureau"),
});
const legacyIosFiling = z.object({
  platformId: z.string(), packageName: z.string(), legacyCaseDuplicate: z.boolean(), serviceId: z.string(), serviceNumber: z.string(), serviceName: z.string(),
  subjectName: z.string(), provinceCode: z.string(), filedAt: z.string(), mine: z.boolean().describe('a filing of this bureau\'s province (all for the ministry)'),
});
const legacyView = z.object({
  orderItems: z.array(z.object({ findingId: z.string(), platform: z.string().nullable(), packageName: z.string().nullable(), items: z.array(legacyItem) })),
  iosFilings: z.array(z.object({ bundleId: z.string().describe('lower-cased'), filings: z.array(legacyIosFiling) })),
});

export const bureauLegacyDuplicateRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const guard = requireActor(...SUPERVISOR_ROLES);

  app.get('/api/bureau/legacy-duplicates', {
    onRequest: guard,
    schema: { tags: ['bureau'], summary: 'Duplicates written before the rules (migrations 0040, 0044) left for the bureau to settle: order items for one finding, iOS bundle IDs differing only in case',
      response: { 200: legacyView, ...problems(401, 403) } },
  }, async (req) => {
    const actor = actorOf(req);
    return { orderItems: await legacyOrderItems(ctx.db, actor), iosFilings: await legacyIosPairs(ctx.db, actor) };
  });

  app.post('/api/bureau/legacy-duplicates/order-items/:id/keep', {
    onRequest: guard,
    schema: { tags: ['bureau'], summary: "Settle a finding's duplicate order items: this item stands, the others holding the finding are withdrawn (reason required)", params: idParam, body: z.strictObject({ reason }),
      response: { 200: z.object({ id: z.string(), findingId: z.string(), withdrawn: z.array(z.string()).describe('the other items of the finding, withdrawn') }), ...problems(400, 401, 403, 404, 409) } },
  }, async (req) => fieldsInBody(keepLegacyOrderItem(ctx, actorOf(req), req.params.id, req.body)));

  app.post('/api/bureau/legacy-duplicates/ios-filings/:id/keep', {
    onRequest: guard,
    schema: {
      tags: ['bureau'], summary: 'Settle an iOS case pair: this filing (app platform id) is the legitimate one; the other active filings of the bundle ID are revoked (reason required; category defaults to other)',
      params: idParam, body: z.strictObject({ reason, category: z.enum(REVOCATION_CATEGORIES).optional() }),
      response: { 200: z.object({ platformId: z.string(), serviceNumber: z.string(), revoked: z.array(z.string()).describe('the service numbers revoked') }), ...problems(400, 401, 403, 404, 409) },
    },
  }, async (req) => fieldsInBody(keepLegacyIosFiling(ctx, actorOf(req), req.params.id, req.body)));
};
