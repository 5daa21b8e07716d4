// POST /api/verify/v1/packages: upload an APK / IPA / HAP; the analyzer reads its package name
// and signing certificates and each signer is verified against the registry — what Xiaomi's
// appeal service does by hand (PEERS.md A3). A bare signing certificate (DER/PEM, PKCS#7) is
// answered with its facts and `verification: null`: the registry is keyed by package, and a
// certificate names none. The upload is streamed to a temporary file under the size limit and
// deleted afterwards (src/api/uploads.ts).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type AnalysisResult, analyzeFile, type CertificateAnalysis, isAnalyzerError } from '../../analyzer/index.ts';
import type { VerificationStatus } from '../../domain/verification.ts';
import { actorOf } from '../auth/index.ts';
import { problems, problemSchema } from '../auth/presenters.ts';
import { sendProblem } from '../problem.ts';
import { multipartOnly, registerUploads, withUploadedFile } from '../uploads.ts';
import type { VerifyRouteOptions } from './index.ts';
import { verifyResultSchema } from './schemas.ts';
import type { VerifyResultView } from './presenters.ts';

/** The two problems an upload adds to a route's own (docs/api-verify.md). */
export const uploadProblems = {
  413: problemSchema.describe('upload_too_large: the file is over the upload limit (refused before reading when Content-Length already says so)'),
  415: problemSchema.describe('unsupported_media_type: the body is not multipart/form-data (naming header.content-type)'),
  422: problemSchema.describe("the analyzer cannot read the file; `code` is the analyzer's: not_a_zip, truncated, malformed_zip, zip_bomb, entry_too_large, unsupported_package, malformed_manifest, malformed_plist, malformed_macho, malformed_signing_block, malformed_asn1, non_der_certificate, file_unreadable"),
};

/**
 * Analyzes an uploaded package or certificate file, or answers the analyzer's refusal as a 422
 * problem with its code. `read` takes the text parts sent with the file first, and may refuse
 * them by throwing.
 */
export async function analyzeUpload<T, F>(
  req: FastifyRequest, reply: FastifyReply, limitBytes: number, now: Date,
  read: (fields: Readonly<Record<string, string>>) => F, then: (a: AnalysisResult | CertificateAnalysis, fields: F) => Promise<T>,
): Promise<T | FastifyReply> {
  return withUploadedFile(req, limitBytes, async (file) => {
    const fields = read(file.fields);
    let analysis: AnalysisResult | CertificateAnalysis;
    try {
      analysis = await analyzeFile(file.path, { now });
    } catch (err) {
      if (isAnalyzerError(err)) return sendProblem(reply, req, 422, err.code, err.message);
      throw err;
    }
    return then(analysis, fields);
  });
}

// Best first: a package is as good as its best-filed signer.
const RANK: readonly VerificationStatus[] = ['filed', 'shell', 'revoked', 'cancelled', 'fingerprint_mismatch', 'not_filed'];

export const verifyPackageRoutes = ({ ctx, verifier, guard }: VerifyRouteOptions): FastifyPluginAsync => async (base) => {
  await registerUploads(base, ctx.config.uploadLimitBytes);
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.post('/api/verify/v1/packages', {
    onRequest: guard,
    preParsing: multipartOnly,
    config: { readOnly: true },
    schema: {
      tags: ['verify'], security: [{ apiKey: [] }, { session: [] }], consumes: ['multipart/form-data'],
      summary: 'Upload a package (APK / IPA / HAP): analysis plus verification of every signer; or a signing certificate: its facts',
      description: `multipart/form-data with one file part, at most ${Math.floor(ctx.config.uploadLimitBytes / 1048576)} MiB (413 beyond). A package is analyzed (\`analysis.kind\` "package", with \`profile\` for IPAs and HAPs) and each signer verified. A signing certificate file — DER or PEM X.509 (.cer/.crt/.pem) or PKCS#7 (.p7b, a v1 .RSA/.DSA/.EC) — answers \`analysis: {kind: "certificate", format, certificate, warnings}\` and \`verification: null\` (a certificate names no package; verify its fingerprints with the package name through GET /api/verify/v1/apps). A file the analyzer cannot read is a 422 problem whose code is the analyzer's (not_a_zip, truncated, zip_bomb, …).`,
      response: {
        200: z.object({
          analysis: z.record(z.string(), z.unknown()).describe('the analyzer\'s result (see `beian analyze --json`): a package\'s, or `{kind: "certificate", …}`'),
          verification: z.object({ status: verifyResultSchema.shape.status, signers: z.array(verifyResultSchema.extend({ certificateSha256: z.string() })) }).nullable()
            .describe('null when the file is a certificate, not a package'),
        }),
        ...problems(400, 401, 403, 429),
        ...uploadProblems,
      },
    },
  }, async (req, reply) => analyzeUpload(req, reply, ctx.config.uploadLimitBytes, ctx.now(), () => null, async (analysis) => {
    if (analysis.kind === 'certificate') return { analysis: analysis as unknown as Record<string, unknown>, verification: null };
    const actor = actorOf(req);
    const signers: (VerifyResultView & { certificateSha256: string })[] = [];
    for (const s of analysis.signers) {
      const { md5, sha1, sha256 } = s.certificate;
      const r = await verifier.verifyCertificate(actor, analysis.platform, analysis.packageName, { md5, sha1, sha256 });
      signers.push({ ...r, certificateSha256: sha256 });
    }
    const unsigned = signers.length === 0
      ? await verifier.verifyCertificate(actor, analysis.platform, analysis.packageName, {})
      : null;
    const status = unsigned?.status ?? RANK.find((st) => signers.some((x) => x.status === st)) ?? 'not_filed';
    return { analysis: analysis as unknown as Record<string, unknown>, verification: { status, signers } };
  }));
};
