// Who is calling (issue 3, item 1). Every /api request gets `request.actor`: from an
// organisation's API key (`Authorization: Bearer <key>`), from a person's session cookie
// (`beian_session`), or null. An Authorization header that is not a live key is refused with
// 401 at once (a revoked key stops working on its next request). Cookie-authenticated unsafe
// requests must carry `x-csrf-token` equal to the session's token (returned by sign-in and
// GET /api/auth/session); API-key requests are exempt (a browser never adds that header on
// its own). SameSite=Lax is the second line of defence. Live keys are cached per process
// (src/db/api-key-cache.ts, ADR 0009): other processes forget them on NOTIFY when a key is
// revoked or an organisation suspended, and this process forgets them before it answers any
// change a signed-in person makes — the only way to revoke a key or suspend an organisation —
// so a revoked key still fails on its very next request.
import { timingSafeEqual } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { digest, hashApiKey } from '../../db/credentials.ts';
import { type ApiKeyCache, startApiKeyCache } from '../../db/api-key-cache.ts';
import { type ApiKeyRow, findLiveSession, touchApiKey, touchSession } from '../../db/sessions.ts';
import { API_KEY_TOUCH_SECONDS, accountActor } from '../../domain/accounts.ts';
import { type Actor, STAFF_ROLE } from '../../domain/actors.ts';
import { NamedError } from '../../domain/errors.ts';
import type { AppContext } from '../app.ts';
import { setCorsHeaders } from '../public/http.ts';
import { RATE_LIMITS, rateLimit, RateLimitedError, rateLimitSubject, useRateLimitStore } from '../rate-limit.ts';
import { evictOldest } from '../../db/bounded-map.ts';
import { CSRF_HEADER, SESSION_COOKIE } from './cookie.ts';

export interface AuthSession { token: string; csrfToken: string; expiresAt: Date }

declare module 'fastify' {
  interface FastifyRequest {
    /** Null when the caller is anonymous; set for every /api request before any handler. */
    actor: Actor | null;
    /** The person's session when the actor came from the cookie. */
    authSession: AuthSession | null;
  }
  interface FastifyContextConfig {
    /** false: this unsafe route does not check the CSRF token (sign-in and registration only). */
    csrf?: boolean;
    /** true: a session that must change its password may call this route (ADR 0012). */
    beforePasswordChange?: boolean;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export class ApiKeyInvalidError extends NamedError {
  constructor() {
    super('api_key_invalid', 'unauthenticated', 'the API key is unknown, revoked, or its organisation is suspended', [],
      { 'www-authenticate': 'Bearer error="invalid_token"' });
  }
}

export class CsrfTokenInvalidError extends NamedError {
  constructor() { super('csrf_token_invalid', 'forbidden', `a signed-in browser request that changes something must send the ${CSRF_HEADER} header of its session`); }
}

/** A `verify` key called something other than the verification API (migration 0047, ADR 0005 addendum). */
export class ApiKeyScopeError extends NamedError {
  constructor(scope: string) {
    super('api_key_scope', 'forbidden', `this API key's scope is "${scope}": it may call the verification API (/api/verify/v1/…), the public API, /api/health and `
      + 'GET /api/auth/session only; an organisation administrator can create a key of scope "full" in the console (API 密钥)', [], {});
  }
}

/** What a `verify` key may call: route patterns (not the raw URL), so no path trick reaches another route. */
const verifyScopeAllows = (request: FastifyRequest): boolean => {
  const url = request.routeOptions.url;
  if (url === undefined) return true; // no route: the 404 tells nothing
  return url.startsWith('/api/verify/') || url.startsWith('/api/public/') || url === '/api/health' || (url === '/api/auth/session' && request.method === 'GET');
};

/** A session whose password someone else chose may only change it, see who it is, or sign out. */
export class PasswordChangeRequiredError extends NamedError {
  constructor() { super('password_change_required', 'forbidden', 'set a new password first: POST /api/auth/password with the current (one-time) password and a new one'); }
}

const sameToken = (given: unknown, expected: string) =>
  typeof given === 'string' && given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));

const bearerDigest = (header: string): string | null => {
  const m = /^Bearer\s+(\S{1,512})$/i.exec(header.trim());
  return m ? hashApiKey(m[1]!) : null;
};

/**
 * A connection's last Authorization header and its digest: a relying party sends the same key on
 * every request of a keep-alive connection, so it is hashed once per connection and key (verification
 * runs this on every check). Kept with the connection only: gone when the socket is.
 */
const lastBearer = new WeakMap<object, { header: string; digest: string | null }>();
const bearerDigestOn = (socket: object | null | undefined, header: string): string | null => {
  if (!socket) return bearerDigest(header);
  const last = lastBearer.get(socket);
  if (last !== undefined && last.header === header) return last.digest;
  const digest = bearerDigest(header);
  lastBearer.set(socket, { header, digest });
  return digest;
};

function keyActor(key: ApiKeyRow, request: FastifyRequest): Actor {
  if (!(key.org_kind in STAFF_ROLE)) throw new ApiKeyInvalidError();
  if (key.scope !== 'full' && !verifyScopeAllows(request)) throw new ApiKeyScopeError(key.scope);
  const requestId = request.id;
  const role = STAFF_ROLE[key.org_kind as keyof typeof STAFF_ROLE];
  return accountActor({ userId: null, role, orgId: key.organisation_id, orgKind: key.org_kind, orgProvinceCode: null, apiKeyId: key.id, requestId });
}

const touchDue = (key: ApiKeyRow, now: Date) => !key.last_used_at || now.getTime() - key.last_used_at.getTime() >= API_KEY_TOUCH_SECONDS * 1000;

async function fromApiKey(ctx: AppContext, keys: ApiKeyCache, digestOfKey: string | null, request: FastifyRequest): Promise<Actor> {
  const key = digestOfKey ? await keys.find(digestOfKey) : null;
  if (!key) throw new ApiKeyInvalidError();
  const actor = keyActor(key, request);
  const now = ctx.now();
  if (touchDue(key, now)) {
    key.last_used_at = now; // the cached row too, so the next request does not stamp again
    await touchApiKey(ctx.db, key.id, now);
  }
  return actor;
}

async function fromSession(ctx: AppContext, request: FastifyRequest, token: string): Promise<void> {
  const now = ctx.now();
  const s = await findLiveSession(ctx.db, digest(token), now);
  if (!s) return;
  const expiresAt = await touchSession(ctx.db, s, now);
  request.actor = accountActor({
    userId: s.user_id, role: s.role, orgId: s.organisation_id, orgKind: s.org_kind, orgProvinceCode: s.province_code, requestId: request.id,
  });
  request.authSession = { token, csrfToken: s.csrf_token, expiresAt };
  if (UNSAFE.has(request.method) && request.routeOptions.config?.csrf !== false && !sameToken(request.headers[CSRF_HEADER], s.csrf_token)) {
    throw new CsrfTokenInvalidError();
  }
  if (s.must_change_password && request.routeOptions.config?.beforePasswordChange !== true) throw new PasswordChangeRequiredError();
}

const plugin = (ctx: AppContext): FastifyPluginAsync => async (app) => {
  if (!app.hasRequestDecorator('cookies')) await app.register(fastifyCookie);
  app.decorateRequest('actor', null);
  app.decorateRequest('authSession', null);
  const keys = await startApiKeyCache(ctx.db);
  // Failed key look-ups, per client address (RATE_LIMITS.keyLookup): each unknown or revoked key costs a database query,
  // so over the quota an address is refused before looking up at all, until its window ends. Live keys never count:
  // a process's key cache is emptied by any credential change (below), and its relying parties then look up again.
  const failures = rateLimit(RATE_LIMITS.keyLookup, await useRateLimitStore(app, ctx.config, { prefix: 'beian:rl:keylookup:' }));
  const blocked = new Map<string, { until: number; headers: Record<string, string> }>();
  app.addHook('onClose', async () => { await keys.close(); });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.authSession && UNSAFE.has(request.method) && reply.statusCode < 400) keys.clear();
    done(null, payload);
  });
  // Callback style: a relying party's key found in memory costs no promise (every verification runs this).
  app.addHook('onRequest', (request, reply, done) => {
    request.actor = null;
    request.authSession = null;
    // Static files of the web UI need no identity: no database round trip for them.
    if (!request.url.startsWith('/api/')) { done(); return; }
    // The public API's CORS headers go on before anything can refuse the request (a 401 must be readable by a page).
    if (request.url.startsWith('/api/public/')) setCorsHeaders(reply);
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const d = bearerDigestOn(request.raw.socket, authorization);
      const known = d ? keys.peek(d) : undefined;
      if (known && !touchDue(known, ctx.now())) {
        let err: Error | undefined;
        try { request.actor = keyActor(known, request); } catch (e) { err = e as Error; }
        done(err);
        return;
      }
      const { who } = rateLimitSubject(request);
      const block = known ? undefined : blocked.get(who);
      if (block && block.until > Date.now()) {
        done(new RateLimitedError(Math.max(1, Math.ceil((block.until - Date.now()) / 1000)), block.headers));
        return;
      }
      fromApiKey(ctx, keys, d, request).then((actor) => { request.actor = actor; done(); }, (e: Error) => {
        if (!(e instanceof ApiKeyInvalidError)) { done(e); return; }
        failures(request, reply, (over) => {
          if (!over) { done(e); return; } // the 401, with the failures' quota headers
          const headers = (over as RateLimitedError).headers;
          blocked.set(who, { until: Date.now() + Number(headers['retry-after'] ?? 60) * 1000, headers });
          evictOldest(blocked, 10_000);
          done(over);
        });
      });
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (!token) { done(); return; }
    fromSession(ctx, request, token).then(() => done(), (e: Error) => done(e));
  });
};

/** Installs actor resolution and CSRF checking for the whole application (register it first). */
export function authPlugin(ctx: AppContext): FastifyPluginAsync {
  const p = plugin(ctx);
  // Not encapsulated (what fastify-plugin does): the hook must run for every route.
  (p as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return p;
}
