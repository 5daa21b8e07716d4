-- The pg_trgm indexes on service and subject names that came with 0001 (issue 16 item 8;
-- docs/decisions/0007-public-search-indexes.md, addendum of 2026-12-06). No query reads them: the
-- public search matches names by their character bigrams (0004, beian_bigrams) and by the
-- lower-case prefix B-trees, and no other audience searches names with LIKE, ILIKE or a trigram
-- operator (the supervision lists search findings' own columns). ADR 0007 kept them "to revisit
-- once nothing uses them": they cost every filing's write, 76 MB at a million services, and in a
-- first load (0035) two of its largest index builds (~9.5 s of ~29 s at a million services).
-- The trigram indexes that queries use stay: package names (app_platforms_package_trgm) and
-- website domains (services_domains_trgm).
drop index if exists services_name_trgm;
drop index if exists subjects_name_trgm;
-- A first load interrupted with its indexes set aside would otherwise build them back.
delete from deferred_indexes where kind = 'index' and name in ('services_name_trgm', 'subjects_name_trgm');
