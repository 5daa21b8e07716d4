-- The bureau's record search (GET /api/bureau/records) finds filed platforms by signing-certificate
-- fingerprint: a reviewer checking a copycat package has its MD5, SHA-1 or SHA-256 in hand. Nothing
-- indexed these columns (verification answers from its own read model), so each search read every
-- platform of the country. Inactive rows are indexed too: a revoked copycat is what is looked for.
create index if not exists app_platforms_cert_md5 on app_platforms (cert_md5) where cert_md5 is not null;
create index if not exists app_platforms_cert_sha1 on app_platforms (cert_sha1) where cert_sha1 is not null;
create index if not exists app_platforms_cert_sha256 on app_platforms (cert_sha256) where cert_sha256 is not null;
