// Serves the web app (src/web, built by Vite into src/web/dist) from the API server, so one
// `npm start` serves everything. Hashed assets are cached for a year; index.html is served for
// every client route and never cached, so a new build is picked up on the next page load.
// /api paths are not touched: unknown ones still answer 404 problem+json. Any other unknown path a
// browser asks for (Accept: text/html) gets the app with a 404 status: it shows its own not-found page.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from './problem.ts';

const DIST = fileURLToPath(new URL('../web/dist/', import.meta.url));

/**
 * Paths the React router answers (src/web/main.tsx): they answer 200 with the app whatever the
 * Accept header. web.test.ts parses main.tsx and fails when one of its routes is not covered here.
 */
/** Fastify's default maxParamLength: a longer path segment matches no route with a parameter. */
const MAX_PARAM_LENGTH = 100;

export const CLIENT_ROUTES = ['/', '/search', '/login', '/register', '/password', '/reset-password', '/record/*', '/subject/*', '/notices',
  '/host', '/host/*', '/provider', '/provider/*', '/bureau', '/bureau/*', '/admin', '/admin/*', '/org/supervision'];

/** A browser navigating (not a script asking for JSON): it gets the app's not-found page rather than problem+json. */
const wantsPage = (req: FastifyRequest) => /\btext\/html\b/.test(req.headers.accept ?? '');
const isApi = (url: string) => url === '/api' || url.startsWith('/api/') || url.startsWith('/assets/');

/**
 * The web app's Content-Security-Policy. The Vite build emits no inline script (index.html loads
 * /assets/*.js as modules), so scripts come only from this origin. Styles allow 'unsafe-inline'
 * because React `style={…}` props and ECharts tooltips write style attributes; a style cannot run
 * script. The favicon is a data: URI. No framing anywhere (also X-Frame-Options: DENY, app.ts).
 */
export const WEB_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
  "font-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Every other answer (JSON, /api/docs): nothing may frame it. */
export const DEFAULT_CSP = "frame-ancestors 'none'";

/** HSTS for a registry served over https (one year, subdomains); nothing over plain http. */
export const HSTS = 'max-age=31536000; includeSubDomains';

const NOT_BUILT = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>beian 备案系统</title>
<body style="font-family:sans-serif;padding:2rem"><h1>网页尚未构建 · The web app is not built</h1>
<p>运行 <code>npm run build:web</code>（<code>npm start</code> 会自动构建）。 Run <code>npm run build:web</code> (<code>npm start</code> does it for you). The API is at <a href="/api/docs">/api/docs</a>.</p></body></html>`;

export const webApp = (dist: string = DIST): FastifyPluginAsync => async (app) => {
  const built = existsSync(`${dist}index.html`);
  if (built) {
    // Only the hashed assets are files on disk; read at request time, so a rebuild needs no restart.
    await app.register(fastifyStatic, {
      root: `${dist}assets`,
      prefix: '/assets/',
      index: false,
      cacheControl: false,
      // index.html goes through the same sender (reply.sendFile): only hashed assets are immutable.
      setHeaders: (res, file) => { res.header('cache-control', /[\\/]assets[\\/]/.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache'); },
    });
  }
  const page = async (reply: FastifyReply, status = 200) => {
    reply.header('cache-control', 'no-cache');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('content-security-policy', WEB_CSP);
    if (!built) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    // sendFile answers 200 whatever the code set: the not-found page reads the (small) file itself.
    return status === 200 ? reply.sendFile('index.html', dist) : reply.code(status).type('text/html; charset=utf-8').send(await readFile(`${dist}index.html`));
  };
  for (const url of CLIENT_ROUTES) app.get(url, { schema: { hide: true } }, (_req, reply) => page(reply));
  // Every other GET: a browser gets the app (404, its not-found page); an API path or a script the problem+json.
  app.get('/*', { schema: { hide: true } }, async (req, reply) => {
    const path = req.url.split('?')[0]!;
    // An API path whose segment is longer than a route parameter may be (Fastify's maxParamLength, 100)
    // was not routed to its route but here: answer what Fastify answered before this catch-all existed.
    if (isApi(path) && path.split('/').some((segment) => segment.length > MAX_PARAM_LENGTH)) {
      return sendProblem(reply, req, 414, 'max_param_length', `a path segment is longer than ${MAX_PARAM_LENGTH} characters`);
    }
    if (isApi(path) || !wantsPage(req)) return sendProblem(reply, req, 404, 'not_found', `no route for ${req.method} ${path}`);
    return page(reply, 404);
  });
};
