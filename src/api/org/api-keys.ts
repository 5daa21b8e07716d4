// /api/org/api-keys: an organisation's staff manage the API keys of its systems. Keys act
// for the organisation with its staff role; only signed-in people (not keys) manage them.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findApiKey, listApiKeys } from '../../db/accounts.ts';
import { API_KEY_SCOPES } from '../../db/sessions.ts';
import { createApiKey } from '../../flows/create-api-key.ts';
import { revokeApiKey } from '../../flows/revoke-api-key.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requirePerson } from '../auth/guards.ts';
import { apiKeySchema, presentApiKey, problems } from '../auth/presenters.ts';
import { CSRF_NOTE } from '../auth/routes.ts';
import { fieldsInBody } from '../problem.ts';

const KEY_HOLDERS = ['provider_staff', 'platform_staff', 'device_maker_staff'] as const;

export const apiKeyRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const guard = requirePerson(...KEY_HOLDERS);

  app.get('/api/org/api-keys', {
    onRequest: guard,
    schema: {
      tags: ['organisation'], summary: "My organisation's API keys (never the secrets)",
      response: { 200: z.object({ items: z.array(apiKeySchema) }), ...problems(401, 403) },
    },
  }, async (request) => ({ items: (await listApiKeys(ctx.db, actorOf(request).orgId!)).map(presentApiKey) }));

  app.post('/api/org/api-keys', {
    onRequest: guard,
    schema: {
      tags: ['organisation'], summary: 'Create an API key; the secret is in this answer only',
      description: 'Use it as `Authorization: Bearer <secret>`. A `verify` key (the default) may call the verification API (/api/verify/v1/…), the public API '
        + `and GET /api/auth/session; anything else answers 403 \`api_key_scope\`. A name another active key of the organisation has answers `
        + `409 \`api_key_name_taken\` naming \`body.name\` (a revoked key's name is free). ${CSRF_NOTE}`,
      body: z.object({
        name: z.string().trim().min(1).max(64),
        scope: z.enum(API_KEY_SCOPES).default('verify').describe('`verify` (default): the verification API only; `full`: everything the organisation\'s staff role may do through the API'),
      }),
      response: { 201: apiKeySchema.extend({ secret: z.string() }), ...problems(400, 401, 403, 409) },
    },
  }, async (request, reply) => {
    const { id, secret } = await fieldsInBody(createApiKey(ctx, actorOf(request), request.body));
    // The secret is in this answer only: no cache (a proxy's or the browser's) may keep it.
    return reply.code(201).header('cache-control', 'no-store').send({ ...presentApiKey((await findApiKey(ctx.db, id))!), secret });
  });

  app.delete('/api/org/api-keys/:id', {
    onRequest: guard,
    schema: {
      tags: ['organisation'], summary: 'Revoke an API key (effective on its next request)',
      description: `Another organisation's key is 404. Revoking a revoked key is a no-op. ${CSRF_NOTE}`,
      params: z.object({ id: z.uuid() }),
      response: { 204: z.null(), ...problems(400, 401, 403, 404) },
    },
  }, async (request, reply) => {
    await revokeApiKey(ctx, actorOf(request), request.params.id);
    return reply.code(204).send(null);
  });
};
