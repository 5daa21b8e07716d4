// HTTP caching and CORS for the public query API. Records change rarely and scrapers of the
// official portal ask for exactly this (PEERS.md Part B: "cache locally, data changes rarely"):
// a weak ETag over the body, Last-Modified from the records, 304 on a match, one minute of
// shared caching; and any web page may call the API (no cookies are needed or honoured).
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const CACHE_CONTROL = 'public, max-age=60';

/**
 * A badge is fetched by every visitor of every page that embeds it, so caches keep it a little
 * longer than a record: five minutes (revalidation after that is a cheap 304). Still short: a
 * cancellation or revocation shows on embedded badges within five minutes, and the record page
 * the badge links to shows it at once.
 */
export const BADGE_CACHE_CONTROL = 'public, max-age=300';

const EXPOSED = ['ETag', 'Last-Modified', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'RateLimit-Policy', 'Retry-After', 'X-Request-Id'];

/** Any web page may read the public API's answers, errors included (also set before authentication: src/api/auth/plugin.ts). */
export function setCorsHeaders(reply: FastifyReply): void {
  reply.header('access-control-allow-origin', '*');
  reply.header('access-control-expose-headers', EXPOSED.join(', '));
}

export async function corsHeaders(_request: FastifyRequest, reply: FastifyReply): Promise<void> {
  setCorsHeaders(reply);
}

/** The answer to a CORS preflight (OPTIONS) for any public path. */
export function preflight(_request: FastifyRequest, reply: FastifyReply) {
  return reply
    .code(204)
    .header('access-control-allow-methods', 'GET, HEAD, OPTIONS')
    .header('access-control-allow-headers', 'Authorization, If-None-Match, If-Modified-Since, X-Request-Id')
    .header('access-control-max-age', '86400')
    .send();
}

export function weakEtag(text: string): string {
  return `W/"${createHash('sha256').update(text).digest('base64url').slice(0, 32)}"`;
}

const opaque = (tag: string) => tag.trim().replace(/^W\//, '');

/** RFC 9110 §13.1: If-None-Match (weak comparison) wins over If-Modified-Since. */
function notModified(request: FastifyRequest, etag: string, lastModified: Date | null): boolean {
  const inm = request.headers['if-none-match'];
  if (inm !== undefined) return inm.split(',').some((t) => t.trim() === '*' || opaque(t) === opaque(etag));
  const ims = request.headers['if-modified-since'];
  if (ims === undefined || !lastModified) return false;
  const since = Date.parse(ims);
  return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}

/**
 * Sets the validators and answers 304 with no body when the client's copy is current. An
 * object is serialised once, here, for its ETag and as the answer (application/json; the
 * route's response schema documents it and the presenters' allowlists build it); a string is
 * sent as it is, with the type the route set.
 */
export function sendCacheable(
  request: FastifyRequest, reply: FastifyReply, body: object | string, lastModified: Date | null, cacheControl = CACHE_CONTROL,
): FastifyReply {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const etag = weakEtag(text);
  reply.header('etag', etag).header('cache-control', cacheControl);
  if (lastModified) reply.header('last-modified', lastModified.toUTCString());
  if (notModified(request, etag, lastModified)) return reply.code(304).send();
  if (typeof body !== 'string') reply.type('application/json; charset=utf-8');
  return reply.send(text);
}

export function newest(dates: Date[]): Date | null {
  return dates.reduce<Date | null>((a, d) => (!a || d > a ? d : a), null);
}
