-- The public search finds APPs by their domains too (DOMAIN.md §2.1 gives an APP a 域名列表, §5 lists
-- the domain as a search key; docs/decisions/0007-public-search-indexes.md, addendum of 2026-12-07).
-- 0004 built the trigram index over domains for websites only, so a fragment of an APP's domain had
-- no index path. The index now covers every service type that lists domains (website and app; mini
-- programs and quick apps fill none, SERVICE_GROUPS in src/domain/application-rules/tables.ts), under
-- the same name so benchmarks and first loads (0035) keep finding it. The exact path already uses the
-- 0001 GIN on domains, which is not partial.
drop index if exists services_domains_trgm;
-- A first load interrupted with its indexes set aside would otherwise build the websites-only one back.
delete from deferred_indexes where kind = 'index' and name = 'services_domains_trgm';
create index services_domains_trgm on services using gin (beian_domains_text(domains) gin_trgm_ops)
  where service_type in ('app', 'website');
