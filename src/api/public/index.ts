// The public query API (/api/public/v1, issue 5): keyword search, the full record of a service
// or subject and a service's display badge, for anyone, without sign-in. Rate-limited per address (per key with an
// organisation API key), cacheable (ETag / Last-Modified / 304) and open to any web page (CORS).
// Contract and examples: docs/api-public.md.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { NamedError } from '../../domain/errors.ts';
import { chinaDate } from '../../domain/china-time.ts';
import { noticePhase } from '../../domain/service-lifecycle.ts';
import type { Queryable } from '../../db/connection.ts';
import type { AppContext } from '../app.ts';
import { RATE_LIMITS, rateLimit, useRateLimitStore } from '../rate-limit.ts';
import { renderBadge } from './badge.ts';
import { blacklistRoutes } from './blacklist.ts';
import { statementRoutes } from './statement.ts';
import { BADGE_CACHE_CONTROL, corsHeaders, newest, preflight, sendCacheable } from './http.ts';
import { gramStats } from './gram-stats.ts';
import { interpretKeyword } from './keyword.ts';
import { logRoutes } from './log.ts';
import { presentRecord, presentSubject } from './presenter.ts';
import { type PublicServiceRow, SEARCH_WINDOW, searchServices, serviceByNumber, subjectByNumber } from './queries.ts';
import { startSearchCache } from './search-cache.ts';
import { createReadFence } from '../../db/replicas.ts';
import { badgeQuery, mainNumberParams, noticesQuery, noticesView, recordView, searchQuery, searchView, serviceNumberParams, subjectView } from './schemas.ts';
import { hostName } from './presenter.ts';
import { badInput, numberParam } from './numbers.ts';

const tags = ['public'];

export class ServiceNotFoundError extends NamedError {
  constructor(n: string) { super('service_not_found', 'not_found', `no service was ever filed under ${n}`); }
}

export class SubjectNotFoundError extends NamedError {
  constructor(n: string) { super('subject_not_found', 'not_found', `no subject was ever filed under ${n}`); }
}

export const publicRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const store = await useRateLimitStore(base, ctx.config);
  const limited = { onRequest: rateLimit(RATE_LIMITS.public, store) };
  const url = ctx.config.publicUrl;
  app.addHook('onRequest', corsHeaders);
  app.options('/api/public/*', { schema: { hide: true } }, preflight);

  const present = (rows: PublicServiceRow[]) => rows.map((r) => presentRecord(url, r));
  // While an event waits for the log's sequencer (logIndex null), its record's time says nothing of the change to come:
  // no Last-Modified then, so caches revalidate by ETag (a date-only revalidation kept logIndex null for good).
  // Waiting means a history row (the rows read: public_events, a subject's own rows) without its leaf yet. An event
  // dated by the record itself — an imported record's filing or final status from before its import — has no row and
  // never gets a leaf: it waits for nothing (before, every imported record went without Last-Modified for good).
  const settledAt = (rows: { events: { logIndex: number | null }[] }[], at: Date | null) =>
    (rows.some((r) => r.events.some((e) => e.logIndex === null)) ? null : at);
  // The bigram statistics (ADR 0023) are cached per Queryable: one reader for them, not each
  // request's (with standbys, request.reads is a new one per request, which re-read them every time).
  // A stable object (the cache's key) that picks a server per call: ctx.reads.at(null) itself keeps
  // the server it chose first, and after one failure of a standby it kept the primary for good — and
  // with the primary down, every search failed on these statistics.
  const statsReads: Queryable = ctx.reads.replicated
    ? { query: (text, params, options) => ctx.reads.at(null).query(text, params, options), exec: (script) => ctx.reads.at(null).exec(script) }
    : ctx.reads.at(null);
  // The answers of common words (capped windows), kept until a write is heard (ADR 0029 addendum).
  const searches = await startSearchCache(ctx.db, { fence: ctx.reads.replicated ? createReadFence(ctx.reads) : undefined });
  base.addHook('onClose', async () => { await searches.close(); });
  /** The service a path's number names: 400 naming params.serviceNumber when malformed, 404 when never filed. */
  const serviceOf = async (reads: Queryable, raw: string) => {
    const number = numberParam(raw, 'params.serviceNumber', 'service');
    const row = await serviceByNumber(reads, number);
    if (!row) throw new ServiceNotFoundError(number);
    return row;
  };

  app.get('/api/public/v1/services', {
    ...limited,
    schema: { tags, summary: 'Search filed services by host name, a unit\'s unified social credit code, service name, number, domain or package name', querystring: searchQuery, response: { 200: searchView } },
  }, async (req, reply) => {
    const { q, type, page, pageSize } = req.query;
    const k = interpretKeyword(q);
    if (!k) throw badInput('querystring.q', 'keyword_empty', 'the keyword has nothing searchable once spaces are removed');
    if ((page - 1) * pageSize >= SEARCH_WINDOW) throw badInput('querystring.page', 'search_window_exceeded', `search pages through the first ${SEARCH_WINDOW} matches; narrow the keyword or filter by type`);
    const stats = await gramStats(statsReads);
    // A unit's USCC is looked up by the keyed hash its sealed certificate number is kept under (ADR 0004).
    const options = { type: type ?? null, page, pageSize, stats, usccHash: k.uscc ? ctx.sealer.hash('id_number', k.uscc) : null };
    // A session that has just written reads past its write (request.reads, ADR 0020), not from memory.
    const found = req.readFence
      ? await searchServices(req.reads, k, options)
      : await searches.get(JSON.stringify([k.text, options.type, page, pageSize]), (reads) => searchServices(reads, k, options));
    const body = { items: present(found.rows), total: found.total, page, pageSize, totalCapped: found.capped };
    return sendCacheable(req, reply, body, settledAt(found.rows, found.lastModified));
  });

  app.get('/api/public/v1/services/:serviceNumber', {
    ...limited,
    schema: { tags, summary: 'The full public record of a service number (URL-encoded); cancelled and revoked numbers answer with their status', params: serviceNumberParams, response: { 200: recordView } },
  }, async (req, reply) => {
    const row = await serviceOf(req.reads, req.params.serviceNumber);
    const [record] = present([row]);
    return sendCacheable(req, reply, record!, settledAt([row], row.last_modified));
  });

  // The display badge (issue 5 item 4): an image for other sites' pages, so no script and no
  // external reference, and readable from any origin (CORP cross-origin; CSP for when it is
  // opened as a document). Errors stay problem+json, as for the record.
  app.get('/api/public/v1/services/:serviceNumber/badge.svg', {
    onRequest: rateLimit(RATE_LIMITS.badge, store),
    schema: {
      tags, summary: 'The SVG display badge of a service number (URL-encoded): the number and its status, to embed linked to the record page',
      description: 'Answers `image/svg+xml` (no script, no external reference). `Cache-Control: public, max-age=300`; ETag / Last-Modified / 304 like the record. Embed it through `snippets.badge` of the record.',
      params: serviceNumberParams, querystring: badgeQuery,
    },
  }, async (req, reply) => {
    const row = await serviceOf(req.reads, req.params.serviceNumber);
    reply.type('image/svg+xml; charset=utf-8')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'")
      .header('cross-origin-resource-policy', 'cross-origin');
    return sendCacheable(req, reply, renderBadge(row.service_number, row.status, req.query.lang).svg, row.last_modified, BADGE_CACHE_CONTROL);
  });

  app.get('/api/public/v1/subjects/:mainNumber', {
    ...limited,
    schema: { tags, summary: 'A subject (host) by its main number, with all its services', params: mainNumberParams, response: { 200: subjectView } },
  }, async (req, reply) => {
    const number = numberParam(req.params.mainNumber, 'params.mainNumber', 'subject');
    const found = await subjectByNumber(req.reads, number);
    if (!found) throw new SubjectNotFoundError(number);
    const services = present(found.services);
    const body = presentSubject(url, found.subject, services);
    return sendCacheable(req, reply, body, settledAt([...found.services, found.subject], newest([found.subject.updated_at, ...found.services.map((s) => s.last_modified)])));
  });

  logRoutes(base, ctx.db, limited); // the transparency log (issue 15 §1)
  blacklistRoutes(base, limited, ctx.now); // 违法违规名单 (issue 14 contract 7)
  statementRoutes(base, ctx.db, limited, serviceOf, ctx.now, ctx.logSigner); // record statements over the log
  // Shell cleanup notices (issue 13 item 6): what a bureau publicised, and what it cleaned up.
  app.get('/api/public/v1/notices', {
    ...limited,
    schema: { tags, summary: 'Shell cleanup notices (空壳备案清理公告), newest first: the listed shells and, once carried out, the cancelled ones', querystring: noticesQuery, response: { 200: noticesView } },
  }, async (req, reply) => {
    const { province, page, pageSize } = req.query;
    const now = ctx.now();
    const rows = await req.reads.query<{
      id: string; province_code: string; bureau_name: string; title: string; publicity_days: number; published_at: Date; ends_at: Date; status: 'publicised' | 'executed';
      services: { serviceNumber: string; serviceName: string; serviceType: string; hostName: string; hostType: string; outcome: 'listed' | 'cleaned' }[];
    }>(
      `select n.id, n.province_code, p.bureau_name, n.title, n.publicity_days, n.published_at, n.ends_at, n.status,
              coalesce((select json_agg(json_build_object('serviceNumber', s.service_number, 'serviceName', s.name, 'serviceType', s.service_type,
                          'hostName', sub.name, 'hostType', sub.subject_type, 'outcome', ns.outcome) order by s.service_number)
                          from cleanup_notice_services ns join services s on s.id = ns.service_id join subjects sub on sub.id = s.subject_id
                         where ns.notice_id = n.id and ns.outcome in ('listed', 'cleaned')), '[]'::json) as services
         from cleanup_notices n join provinces p on p.code = n.province_code
        where ($1::text is null or n.province_code = $1)
        order by n.published_at desc, n.id limit $2 offset $3`, [province ?? null, pageSize, (page - 1) * pageSize]);
    const body = {
      items: rows.map((n) => ({
        id: n.id, provinceCode: n.province_code, bureauName: n.bureau_name, title: n.title, publicityDays: n.publicity_days,
        publishedOn: chinaDate(n.published_at), endsAt: n.ends_at.toISOString(), status: n.status, phase: noticePhase(n.status, n.ends_at, now),
        services: n.services.map((s) => ({ serviceNumber: s.serviceNumber, serviceName: s.serviceName, serviceType: s.serviceType, hostName: hostName(s.hostType, s.hostName), outcome: s.outcome })),
      })),
      page, pageSize,
    };
    return sendCacheable(req, reply, body, null);
  });
};
