// The public blacklist query (违法违规名单): the package names and domains a bureau barred from filing
// after a revocation (issue 14, contract 7), while the bar lasts — what the MIIT portal's
// "违法违规" domain and APP searches answer (PEERS.md A1.2), here as a stable JSON API: a store
// checks a package before listing it, a registrar a domain. Exact values, matched as an application
// is refused (src/domain/supervision/blacklist.ts): a domain ignores case and a trailing dot, a
// package name is exact. Certificate entries are never listed (they are keyed hashes of a subject's
// certificate number, and would name whose entry it is); nor are the subject, the service, the
// reason or who decided — the category and the period are the public facts.
import type { FastifyInstance, FastifyPluginOptions, RouteShorthandOptions } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { chinaDate } from '../../domain/china-time.ts';
import { NamedError } from '../../domain/errors.ts';
import { normaliseBlacklistValue, type RevocationCategory } from '../../domain/supervision/blacklist.ts';
import { validateDomainName } from '../../domain/validation/domain-name.ts';
import { interpretKeyword } from './keyword.ts';
import { sendCacheable } from './http.ts';
import { blacklistQuery, blacklistView } from './schemas.ts';

/**
 * The domain a `domain=` value asks about: a pasted URL or host read as the public search reads it
 * (https://MiniGame-Download.cn/x → minigame-download.cn; www. is kept — a bar is not its subdomains),
 * an internationalised name in punycode as filed; anything else is a 400 naming the field rather than
 * a silent "not barred".
 */
export function blacklistDomain(raw: string): string {
  const host = interpretKeyword(raw)?.domains[0];
  if (host) return normaliseBlacklistValue('domain', host);
  const name = validateDomainName(normaliseBlacklistValue('domain', raw));
  if (name.ok) return name.value;
  throw new NamedError('invalid_request', 'invalid', 'domain: a domain name or a URL (example.cn, https://www.example.cn/page)',
    [{ field: 'querystring.domain', code: name.error.code, message: name.error.message }]);
}

export function blacklistRoutes(base: FastifyInstance, limited: RouteShorthandOptions & FastifyPluginOptions, now: () => Date): void {
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.get('/api/public/v1/blacklist', {
    ...limited,
    schema: {
      tags: ['public'], summary: 'Package names and domains barred from filing (违法违规名单), newest first; `domain` or `packageName` checks one',
      description: 'Active entries only (not lifted, `untilOn` today or later, China time). Without a filter, every active entry, paged.',
      querystring: blacklistQuery, response: { 200: blacklistView },
    },
  }, async (req, reply) => {
    const { domain, packageName, page, pageSize } = req.query;
    const today = chinaDate(now());
    const where = `kind in ('package', 'domain') and lifted_at is null and until_on >= $1::date
      and ($2::text is null or (kind = 'domain' and value = $2)) and ($3::text is null or (kind = 'package' and value = $3))`;
    const params = [today, domain === undefined ? null : blacklistDomain(domain), packageName ?? null];
    const [{ total }] = await req.reads.query<{ total: number }>(`select count(*)::int as total from blacklist_entries where ${where}`, params) as [{ total: number }];
    const rows = await req.reads.query<{ kind: 'package' | 'domain'; value: string; category: RevocationCategory; created_at: Date; until_on: string }>(
      `select kind, value, category, created_at, until_on::text from blacklist_entries where ${where}
        order by created_at desc, id limit $4 offset $5`, [...params, pageSize, (page - 1) * pageSize]);
    const body = {
      items: rows.map((r) => ({ kind: r.kind, value: r.value, category: r.category, since: chinaDate(r.created_at), untilOn: r.until_on })),
      total, page, pageSize,
    };
    return sendCacheable(req, reply, body, null);
  });
}
