-- The analyzer's findings on a package (or signing certificate) a host uploads while filing
-- (DOMAIN.md §0.1: refuse debug / ad-hoc / development certificates). The package itself is still
-- not kept (deleted after analysis); its facts are, per application, so the provider and the bureau
-- see the warnings and submission refuses a platform whose package is debug-signed, signed with a
-- development profile or whose certificate has expired. A platform of the materials is matched to
-- the newest analysis of the same platform, package name and certificate fingerprint.
create table package_analyses (
  id                     bigint generated always as identity primary key,
  application_id         uuid not null references applications (id) on delete cascade,
  kind                   text not null check (kind in ('package', 'certificate')),
  platform               text check (platform in ('android', 'ios', 'harmonyos')),
  package_name           text,
  cert_md5               text,
  cert_sha1              text,
  cert_sha256            text,
  certificate_not_after  timestamptz,
  profile_type           text,
  profile_not_after      timestamptz,
  warnings               jsonb not null default '[]',
  analyzed_at            timestamptz not null
);
create index package_analyses_application on package_analyses (application_id, id desc);
