// The analyzer's facts of a package a host uploads for one of its applications are kept with the
// application (migration 0045), so the provider and the bureau see its warnings and submission
// refuses a debug-signed, development-profile or expired-certificate package (DOMAIN.md §0.1).
// The package bytes are not kept.
import type { AnalysisResult, CertificateAnalysis } from '../analyzer/index.ts';
import type { Queryable } from '../db/connection.ts';
import type { PackageAnalysisFacts } from '../domain/package-findings.ts';

/** Records an upload's findings for the host's own application (nothing for someone else's id). */
export async function recordPackageAnalysis(db: Queryable, hostUserId: string, applicationId: string, analysis: AnalysisResult | CertificateAnalysis, now: Date): Promise<void> {
  const cert = analysis.kind === 'certificate' ? analysis.certificate : analysis.signers[0]?.certificate ?? null;
  const pkg = analysis.kind === 'package' ? analysis : null;
  await db.query(
    `insert into package_analyses (application_id, kind, platform, package_name, cert_md5, cert_sha1, cert_sha256, certificate_not_after,
                                   profile_type, profile_not_after, warnings, analyzed_at)
     select id, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13 from applications where id = $1 and host_user_id = $2`,
    [applicationId, hostUserId, analysis.kind, pkg?.platform ?? null, pkg?.packageName ?? null, cert?.md5 ?? null, cert?.sha1 ?? null, cert?.sha256 ?? null,
      cert?.notAfter ?? null, pkg?.profile?.type ?? null, pkg?.profile?.notAfter ?? null,
      JSON.stringify(analysis.warnings.map((w) => ({ code: w.code, message: w.message, ...(w.params ? { params: w.params } : {}) }))), now]);
}

/** An application's analyses, newest first. */
export async function packageAnalysesOf(db: Queryable, applicationId: string): Promise<PackageAnalysisFacts[]> {
  const rows = await db.query<{
    kind: 'package' | 'certificate'; platform: PackageAnalysisFacts['platform']; package_name: string | null; cert_md5: string | null; cert_sha1: string | null;
    cert_sha256: string | null; certificate_not_after: Date | null; profile_type: string | null; warnings: PackageAnalysisFacts['warnings']; analyzed_at: Date;
  }>('select * from package_analyses where application_id = $1 order by id desc limit 200', [applicationId]);
  return rows.map((r) => ({
    kind: r.kind, platform: r.platform, packageName: r.package_name, certMd5: r.cert_md5, certSha1: r.cert_sha1, certSha256: r.cert_sha256,
    certificateNotAfter: r.certificate_not_after, profileType: r.profile_type, warnings: r.warnings, analyzedAt: r.analyzed_at,
  }));
}
