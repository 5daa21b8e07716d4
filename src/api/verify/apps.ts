// POST /api/verify/v1/apps: up to 10,000 (platform, package name, fingerprint) items in one
// call, answered in order. Thin glue: auth → shape (Zod) → verifier.
import type { FastifyPluginAsync } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../auth/index.ts';
import { problems } from '../auth/presenters.ts';
import { isVerifyBody, MAX_BATCH_ITEMS, verifyBody, verifyResponse } from './schemas.ts';
import type { VerifyRouteOptions } from './index.ts';

export const verifyAppsRoutes = ({ verifier, guard }: VerifyRouteOptions): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.post('/api/verify/v1/apps', {
    onRequest: guard,
    // The response schema documents the answer; the presenters build it, so it is not re-validated
    // on the way out (re-encoding 10,000 results through Zod would double the batch's time).
    serializerCompiler: () => (data) => JSON.stringify(data),
    // A body that certainly matches is taken as it is; Zod judges the rest (and names the fields).
    validatorCompiler: (route) => {
      const zod = validatorCompiler(route as unknown as Parameters<typeof validatorCompiler>[0]);
      return (data) => (route.httpPart === 'body' && isVerifyBody(data) ? { value: data } : zod(data));
    },
    schema: {
      tags: ['verify'], security: [{ apiKey: [] }, { session: [] }],
      summary: `Verify up to ${MAX_BATCH_ITEMS.toLocaleString('en')} APP identities (platform, package name, certificate fingerprint)`,
      description: 'Results come in the order of the items. A malformed item answers `status: "invalid"` with an error; a malformed body is a 400 naming the field (e.g. `body.items.3.fingerprint`).',
      body: verifyBody,
      response: { 200: verifyResponse, ...problems(400, 401, 403, 429) },
    },
  }, async (req) => ({ results: await verifier.verifyItems(actorOf(req), req.body.items) }));
};
