// /api/verify/v1 — the machine interface for relying parties (issue 5; DOMAIN.md §0.7, §6):
// app stores, access providers and device makers verify APP identities one at a time, in
// batches, as NDJSON streams or by uploading a package; look up numbers and USCCs; and
// subscribe webhooks. Callers: an organisation's API key, or its staff's session (console).
// One verifier (identity cache + watch recorder) per application instance, closed with it.
// Quotas: RATE_LIMITS.verify of src/api/rate-limit.ts (per key; per address for sessions),
// checked after authentication so an anonymous caller gets 401, not a quota.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app.ts';
import { checkActor } from '../auth/index.ts';
import { RATE_LIMITS, rateLimit, useRateLimitStore } from '../rate-limit.ts';
import { verifyAppsRoutes } from './apps.ts';
import { verifyLookupRoutes } from './lookups.ts';
import { verifyPackageRoutes } from './packages.ts';
import { verifyStreamRoutes } from './stream.ts';
import { createVerifier, type Verifier } from './verifier.ts';
import { verifyWebhookRoutes } from './webhooks.ts';

export const RELYING_PARTY_ROLES = ['provider_staff', 'platform_staff', 'device_maker_staff'] as const;

export interface VerifyRouteOptions {
  ctx: AppContext;
  verifier: Verifier;
  /** Authentication and role, then the quota: use as `onRequest: guard`. */
  guard: (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => void;
}

/** With `shared`, the application's one verifier (also matching catalogues); its owner closes it. */
export const verifyRoutes = (ctx: AppContext, shared?: Verifier): FastifyPluginAsync => async (app) => {
  const verifier = shared ?? await createVerifier(ctx.db, ctx.now, { reads: ctx.reads, workers: ctx.config.verifyWorkers });
  if (!shared) app.addHook('onClose', async () => { await verifier.close(); });
  const quota = rateLimit(RATE_LIMITS.verify, await useRateLimitStore(app, ctx.config));
  // One hook, not two, in callback style: this runs on every check.
  const guard = (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    try { checkActor(req, RELYING_PARTY_ROLES); } catch (err) {
      // Every answer carries the RateLimit headers (docs/api-verify.md, Quotas), a 401 without
      // credentials and a 403 too: counted per client address like a session, so refusals are not free either.
      quota(req, reply, (over) => done(over ?? (err as Error)));
      return;
    }
    quota(req, reply, done);
  };
  const options: VerifyRouteOptions = { ctx, verifier, guard };
  await app.register(verifyAppsRoutes(options));
  await app.register(verifyStreamRoutes(options));
  await app.register(verifyLookupRoutes(options));
  await app.register(verifyPackageRoutes(options));
  await app.register(verifyWebhookRoutes(options));
};
