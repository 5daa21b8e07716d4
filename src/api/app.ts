// The Fastify application: problem+json errors, request ids, redacted logging, Zod
// schemas with OpenAPI at /api/openapi.json and a browsable UI at /api/docs.
import { randomUUID } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config.ts';
import type { FlowContext } from '../flows/context.ts';
import { primaryOnly, type ReadSide } from '../db/replicas.ts';
import { readsPlugin } from './reads.ts';
import { adminDeliveryRoutes } from './admin/deliveries.ts';
import { adminDevSmsRoutes } from './admin/dev-sms.ts';
import { adminPersonalDataAccessRoutes } from './admin/personal-data-access.ts';
import { adminOrganisationRoutes } from './admin/organisations.ts';
import { adminUserRoutes } from './admin/users.ts';
import { authPlugin } from './auth/plugin.ts';
import { authRoutes } from './auth/routes.ts';
import { calendarRoutes } from './admin/calendar.ts';
import { calendarImportRoutes } from './admin/calendar-imports.ts';
import { bureauApplicationRoutes } from './bureau/applications.ts';
import { bureauCampaignRoutes } from './bureau/campaigns.ts';
import { bureauLegacyDuplicateRoutes } from './bureau/legacy-duplicates.ts';
import { violationRoutes } from './bureau/violations.ts';
import { bureauServiceRoutes } from './bureau/services.ts';
import { bureauRecordRoutes } from './bureau/records.ts';
import { bureauShellRoutes } from './bureau/shells.ts';
import { bureauStatisticsRoutes } from './bureau/statistics.ts';
import { healthRoutes } from './health.ts';
import { rateLimitStoreState } from './rate-limit.ts';
import { hostApplicationRoutes } from './host/applications.ts';
import { hostPackageRoutes } from './host/packages.ts';
import { hostServiceRoutes } from './host/services.ts';
import { hostChangeRoutes } from './host/changes.ts';
import { hostRecordRoutes } from './host/records.ts';
import { providerApplicationRoutes } from './provider/applications.ts';
import { providerServiceRoutes } from './provider/services.ts';
import { apiKeyRoutes } from './org/api-keys.ts';
import { orgCampaignRoutes } from './org/campaigns.ts';
import { notificationRoutes } from './org/notifications.ts';
import { orgWebhookRoutes } from './org/webhooks.ts';
import type { WebhookSender } from '../notify/worker.ts';
import { installProblemHandlers, sendProblem, unfitTextError } from './problem.ts';
import { findUndecodableQuery, findUnfitText } from '../domain/text.ts';
import { verifyRoutes } from './verify/index.ts';
import { createVerifier, type Verifier } from './verify/verifier.ts';
import { installMetrics } from './metrics.ts';
import { BODY_LIMITS } from './body-limits.ts';
import { publicRoutes } from './public/index.ts';
import type { LogSigner } from '../tlog/keys.ts';
import { DEFAULT_CSP, HSTS, webApp } from './web.ts';

/**
 * What routes receive: the flows' context plus the configuration. `reads`: where reads that may
 * come from a standby go (ADR 0020); routes use `request.reads` (the session's read-your-writes
 * fence applied), caches a fence of their own (createReadFence).
 */
export interface AppContext extends FlowContext {
  config: Config;
  reads: ReadSide;
  /**
   * The transparency log's signing key (the one that signs tree heads): record statements are
   * signed with it (docs/api-public.md "Record statements"). Without it, statements answer 503.
   */
  logSigner?: LogSigner;
  /**
   * What sends a test delivery in the request that asks for it (POST /api/org/webhooks/{id}/test);
   * default: the HTTPS sender the outbox worker uses, with the configuration's WEBHOOKS_ALLOW_LOOPBACK.
   */
  webhook?: WebhookSender;
}

/** What a caller supplies; the public URL comes from the configuration; no `reads`: every read on the primary. */
export type AppInput = Omit<AppContext, 'publicUrl' | 'reads'> & { reads?: ReadSide };

/** Personal data and credentials never reach the logs (house rule 14). */
export const LOG_REDACT = [
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]',
  '*.password', '*.currentPassword', '*.newPassword', '*.mobile', '*.email', '*.idNumber', '*.certificateNumber', '*.emergencyPhone', '*.code',
  // A failed statement's parameters (PGlite's errors carry them): materials, names, addresses.
  'err.params', 'err.queryOptions',
];

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;


/** What a framework error says, without echoing the request. */
const FRAMEWORK_DETAIL: Record<string, string> = {
  FST_ERR_BAD_URL: 'the path holds a malformed %-escape (not UTF-8)',
  FST_ERR_MAX_PARAM_LENGTH: 'a path segment is longer than 100 characters',
  FST_ERR_ASYNC_CONSTRAINT: 'the request could not be routed',
};

const unfitText = unfitTextError;

/** A query string may carry personal data (`/api/admin/dev-sms?mobile=…`): log parameter names only. */
export function urlForLog(url: string): string {
  const i = url.indexOf('?');
  if (i < 0) return url;
  const names = url.slice(i + 1).split('&').filter(Boolean).map((pair) => `${pair.split('=')[0]}=[redacted]`);
  return `${url.slice(0, i)}?${names.join('&')}`;
}

/** Fastify's request serializer, with the query values left out; other `req` objects pass to redaction. */
const requestForLog = (req: FastifyRequest): Record<string, unknown> => (typeof req?.url === 'string' && typeof req.method === 'string'
  ? { method: req.method, url: urlForLog(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort }
  : { ...(req as object) });

export interface BuildOptions {
  logger?: boolean;
  /** Where log lines go instead of stdout (tests capture them). */
  logStream?: { write(line: string): void };
}

export async function buildApp(input: AppInput, options: BuildOptions = {}): Promise<FastifyInstance> {
  const ctx: AppContext = { ...input, reads: input.reads ?? primaryOnly(input.db), publicUrl: input.config.publicUrl };
  const app = Fastify({
    logger: options.logger === false || ctx.config.logLevel === 'silent'
      ? false
      : {
        level: ctx.config.logLevel, redact: { paths: LOG_REDACT, censor: '[redacted]' }, serializers: { req: requestForLog },
        ...(options.logStream ? { stream: options.logStream } : {}),
      },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Small by default: every JSON body is read and parsed on the event loop before any validation,
    // so 20 parallel 12 MB bodies to an unauthenticated route stalled every request for seconds
    // (the 20 MiB limit this replaced). Routes that need more say so (BODY_LIMITS); uploads and
    // NDJSON/CSV streams have parsers and limits of their own.
    bodyLimit: BODY_LIMITS.default,
    // Errors before a route is found (a malformed %-escape, a path segment too long) are problems too.
    frameworkErrors: (err, request, reply) => {
      const status = err.statusCode ?? 400;
      const code = (err.code ?? 'bad_request').replace(/^FST_(ERR_)?/, '').toLowerCase();
      const detail = FRAMEWORK_DETAIL[err.code ?? ''] ?? 'the request could not be read';
      sendProblem(reply, request, status, code, detail);
    },
    // And what Node's HTTP parser refuses before Fastify sees a request (headers or a query too large).
    clientErrorHandler: (err: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return;
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      const title = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
      const body = JSON.stringify({
        type: 'about:blank', title, status, code: status === 431 ? 'headers_too_large' : status === 408 ? 'request_timeout' : 'bad_request',
        detail: status === 431 ? 'the request line and headers are larger than the server reads (16 KiB): send long queries as a POST body' : 'the request could not be read as HTTP',
      });
      socket.end(`HTTP/1.1 ${status} ${title}\r\ncontent-type: application/problem+json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    },
    // Only the proxies named in TRUST_PROXY may say who the client is (X-Forwarded-For); unset: nobody.
    trustProxy: input.config.trustProxy.length ? input.config.trustProxy : false,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installProblemHandlers(app);
  // An empty JSON body is an empty request (`curl -X POST -H 'content-type: application/json'`), not an error.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  // Text no field takes (a lone surrogate, a control character) is refused here, naming the field,
  // before any route sees it: it would otherwise fail deep in a query (jsonb refuses a lone
  // surrogate) or be stored as garbage.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '') return done(null, undefined);
    parseJson(req, body as string, (err: Error | null, value?: unknown) => {
      if (err) return done(err);
      const bad = findUnfitText(value, 'body');
      return bad ? done(unfitText(bad)) : done(null, value);
    });
  });
  // Bodies are JSON (or what a route documents: NDJSON, CSV, multipart), never plain text — Fastify's
  // default text/plain parser handed a string to routes expecting an object (a 400 about the shape,
  // where the caller's mistake is the type) — and never compressed: no route inflates a body.
  app.removeContentTypeParser('text/plain');
  app.addHook('onRequest', (request, reply, done) => {
    const encoding = request.headers['content-encoding'];
    if (encoding === undefined || encoding.trim().toLowerCase() === 'identity') return done();
    sendProblem(reply, request, 415, 'unsupported_media_type', `bodies are not accepted compressed (Content-Encoding: ${encoding.slice(0, 40)}): send them as they are`,
      [{ field: 'header.content-encoding', code: 'encoding_not_accepted', message: 'send the body uncompressed' }]);
  });
  // And in the query and path: a %00 in ?q= or an id, or %-escapes that are no UTF-8 (left raw by the query parser).
  app.addHook('preValidation', (request, _reply, done) => {
    const bad = findUnfitText(request.query, 'querystring') ?? findUndecodableQuery(request.url) ?? findUnfitText(request.params, 'params');
    done(bad ? unfitText(bad) : undefined);
  });
  // Callback hooks, not async ones, on every answer: a promise per request costs measurably (bench/verify.ts).
  // Security headers on every answer: no framing, no sniffing, HSTS when the public URL is https
  // (the only signal the app has that TLS terminates in front of it). The web app's pages set their
  // own stricter CSP (web.ts).
  const https = ctx.config.publicUrl.startsWith('https:');
  // Read-your-writes for verification from memory (ADR 0022): after a request that may have changed
  // the registry (anything but a read, or a verification), this process's next verification first
  // waits until its index has heard every change committed so far. Set once the verifier exists.
  const local: { wrote?: () => void } = {};
  app.addHook('onSend', (request, reply, payload, done) => {
    if (local.wrote && request.method !== 'GET' && request.method !== 'HEAD' && !request.url.startsWith('/api/verify/')) local.wrote();
    reply.header('x-request-id', request.id);
    reply.header('x-frame-options', 'DENY');
    reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', DEFAULT_CSP);
    if (https) reply.header('strict-transport-security', HSTS);
    done(null, payload);
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'beian 备案系统 API', version: '1.0.0', description: 'APP / mini program / quick app / website filing registry' },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'Organisation API key' },
          session: { type: 'apiKey', in: 'cookie', name: 'beian_session' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  await app.register(authPlugin(ctx)); // request.actor and CSRF for every route below
  await app.register(readsPlugin(ctx.reads, https)); // request.reads: standby or primary, read-your-writes

  // Before every route, so its onResponse hook counts them all (issue 16 §9).
  let identityCache: Verifier['cache'] | null = null;
  installMetrics(app, () => ({
    db: ctx.db, metricsToken: ctx.config.metricsToken, ...(identityCache ? { identityCache: () => identityCache!.stats() } : {}),
    ...(ctx.reads.replicated ? { readStandbys: () => ctx.reads.standbys() } : {}),
  }));

  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await api.register(healthRoutes(ctx, () => (ctx.config.redisUrl ? (rateLimitStoreState() === 'down' ? 'down' : 'up') : 'memory')));
  await api.register(authRoutes(ctx));
  await api.register(apiKeyRoutes(ctx));
  await api.register(adminOrganisationRoutes(ctx));
  await api.register(adminUserRoutes(ctx));
  await api.register(adminDevSmsRoutes(ctx));
  await api.register(adminDeliveryRoutes(ctx));
  await api.register(adminPersonalDataAccessRoutes(ctx));
  await api.register(calendarRoutes(ctx));
  await api.register(calendarImportRoutes(ctx));
  await api.register(hostApplicationRoutes(ctx));
  await api.register(providerApplicationRoutes(ctx));
  await api.register(bureauApplicationRoutes(ctx));
  await api.register(hostServiceRoutes(ctx));
  await api.register(hostChangeRoutes(ctx)); // issue 13: changes of a filed record
  await api.register(hostPackageRoutes(ctx));
  await api.register(bureauServiceRoutes(ctx));
  await api.register(bureauRecordRoutes(ctx));
  // One verifier (identity cache) for the verification API and catalogue matching (issue 14: the same matcher).
  const verifier = await createVerifier(ctx.db, ctx.now, { reads: ctx.reads, workers: ctx.config.verifyWorkers });
  identityCache = verifier.cache;
  local.wrote = () => verifier.cache.wroteLocally();
  app.addHook('onClose', async () => { await verifier.close(); });
  await api.register(verifyRoutes(ctx, verifier));
  await api.register(orgWebhookRoutes(ctx, (orgId) => verifier.webhooksChanged(orgId))); // the console's webhook page
  // supervision (issue 14)
  await api.register(bureauCampaignRoutes(ctx));
  await api.register(bureauLegacyDuplicateRoutes(ctx));
  await api.register(orgCampaignRoutes(ctx, (items) => verifier.judgeParsed(items)));
  await api.register(violationRoutes(ctx));
  await api.register(notificationRoutes(ctx)); // the organisations' and bureaus' console notices
  await api.register(publicRoutes(ctx));
  await api.register(bureauStatisticsRoutes(ctx));
  // issue 13: a filed record's life (cancellation, access, shells, cleanup, expiring certificates)
  await api.register(hostRecordRoutes(ctx));
  await api.register(providerServiceRoutes(ctx));
  await api.register(bureauShellRoutes(ctx));
  await app.register(webApp()); // the React app and its client routes (src/web)
  return app;
}
