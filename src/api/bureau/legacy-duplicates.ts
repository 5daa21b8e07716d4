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
import { legacyIosPairs, legacyOrderItems } from '../queries/legacy-duplicates.ts';
import { fieldsInBody } from '../problem.ts';

const idParam = z.object({ id: z.string().max(64) });
const reason = z.string().trim().min(1).max(500);

export const bureauLegacyDuplicateRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const guard = requireActor(...SUPERVISOR_ROLES);

  app.get('/api/bureau/legacy-duplicates', {
    onRequest: guard,
    schema: { tags: ['bureau'], summary: 'Duplicates written before the rules (migrations 0040, 0044) left for the bureau to settle: order items for one finding, iOS bundle IDs differing only in case' },
  }, async (req) => {
    const actor = actorOf(req);
    return { orderItems: await legacyOrderItems(ctx.db, actor), iosFilings: await legacyIosPairs(ctx.db, actor) };
  });

  app.post('/api/bureau/legacy-duplicates/order-items/:id/keep', {
    onRequest: guard,
    schema: { tags: ['bureau'], summary: "Settle a finding's duplicate order items: this item stands, the others holding the finding are withdrawn (reason required)", params: idParam, body: z.strictObject({ reason }) },
  }, async (req) => fieldsInBody(keepLegacyOrderItem(ctx, actorOf(req), req.params.id, req.body)));

  app.post('/api/bureau/legacy-duplicates/ios-filings/:id/keep', {
    onRequest: guard,
    schema: {
      tags: ['bureau'], summary: 'Settle an iOS case pair: this filing (app platform id) is the legitimate one; the other active filings of the bundle ID are revoked (reason required; category defaults to other)',
      params: idParam, body: z.strictObject({ reason, category: z.enum(REVOCATION_CATEGORIES).optional() }),
    },
  }, async (req) => fieldsInBody(keepLegacyIosFiling(ctx, actorOf(req), req.params.id, req.body)));
};
