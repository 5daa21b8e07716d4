-- Public keyword search at national size (issue 5; DOMAIN.md §10: 3–5 million services).
-- Decision and measurements: docs/decisions/0007-public-search-indexes.md.
--
-- Names are Chinese and keywords are often 2 characters (记账, 科技): pg_trgm extracts no
-- trigram from a 2-character fragment inside a word, so its GIN index cannot answer them
-- (it falls back to scanning the whole index). Names are therefore indexed by their
-- character bigrams (CJK bigram indexing, as Lucene's CJKAnalyzer does); a 1-character
-- keyword matches names that begin with it through a B-tree prefix index. Domains and package
-- names are ASCII and keep pg_trgm. Numbers are matched exactly, or by prefix.

-- The distinct lower-case 2-character substrings of a text ('示例记账' → {示例, 例记, 记账}).
create function beian_bigrams(s text) returns text[] language sql immutable strict parallel safe as $$
  select coalesce(array_agg(distinct substr(t.v, i, 2)), '{}'::text[])
    from (select lower(s) as v) t, generate_series(1, char_length(t.v) - 1) as i
$$;

-- array_to_string is only STABLE (it depends on the element type's output function); for
-- text[] it is immutable in fact, which an index expression needs.
create function beian_domains_text(domains text[]) returns text language sql immutable strict parallel safe as $$
  select array_to_string(domains, ' ')
$$;

-- Service and host names: contains (2+ characters) and begins-with (1 character).
create index services_name_bigrams on services using gin (beian_bigrams(name));
create index services_name_prefix on services (lower(name) text_pattern_ops);
-- Individual hosts are not searchable by name: their names are masked in public records, and
-- a search that answered to a person's full name would unmask them.
create index subjects_name_bigrams on subjects using gin (beian_bigrams(name)) where subject_type = 'unit';
create index subjects_name_prefix on subjects (lower(name) text_pattern_ops) where subject_type = 'unit';

-- Filing numbers typed in part (粤ICP备2024 → every number that begins so). The unique
-- indexes of 0001 use the database collation, which LIKE prefixes cannot use unless it is C.
create index services_number_prefix on services (service_number text_pattern_ops);
create index subjects_number_prefix on subjects (main_number text_pattern_ops);

-- Website domains in part (demo-tech → demo-tech.cn); exact domains use services_domains (0001).
create index services_domains_trgm on services using gin (beian_domains_text(domains) gin_trgm_ops) where service_type = 'website';

-- Package names typed in any case (a2dp.vol → a2dp.Vol); fragments use app_platforms_package_trgm (0001).
create index app_platforms_package_lower on app_platforms (lower(package_name));
