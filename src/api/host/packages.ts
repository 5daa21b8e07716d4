// POST /api/host/packages (issue 4 item 7): while filing, a host uploads its APK / IPA / HAP and
// gets the platform's feature info (APP特征信息, DOMAIN.md §2.4) read from it — package name,
// public key and all three certificate fingerprints — instead of typing them from JadxGUI or
// keytool output; what the host had already typed for the platform is sent along and
// cross-checked (src/domain/package-cross-check.ts), so the form never overwrites it silently.
// The registry's answer comes along (`registry`: is the package name filed already, and under the same certificate?),
// leaving out the filing a change application (`applicationId`) is about. The upload is deleted after analysis; with
// `applicationId` its findings (fingerprints, certificate expiry, warnings) are kept with that application
// (src/flows/package-analyses.ts): reviewers see them, and submission refuses debug/development/expired signing.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AnalysisResult, CertificateAnalysis } from '../../analyzer/index.ts';
import type { Queryable } from '../../db/connection.ts';
import { NamedError } from '../../domain/errors.ts';
import { isUuid } from '../../domain/ids.ts';
import {
  CROSS_CHECK_CODES, CROSS_CHECK_FIELDS, CROSS_CHECK_WARNING_CODES, crossCheckPackage, type ParsedTypedFeatureInfo, parseTypedFeatureInfo,
} from '../../domain/package-cross-check.ts';
import { recordPackageAnalysis } from '../../flows/package-analyses.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requireActor } from '../auth/index.ts';
import { problems } from '../auth/presenters.ts';
import { multipartOnly, registerUploads } from '../uploads.ts';
import { analyzeUpload, uploadProblems } from '../verify/packages.ts';

const materialsView = z.object({
  platform: z.enum(['android', 'ios', 'harmonyos']).nullable().describe('null when a certificate file was uploaded'),
  packageName: z.string().nullable().describe('null when a certificate file was uploaded'),
  publicKey: z.string().nullable(),
  certMd5: z.string().nullable(), certSha1: z.string().nullable(), certSha256: z.string().nullable(),
});

const crossCheckView = z.object({
  checked: z.boolean().describe('true when any typed value was sent, so something was compared'),
  differences: z.array(z.object({
    field: z.enum(CROSS_CHECK_FIELDS),
    typed: z.string().describe('the typed value, normalised to the form of `package` (fingerprints lowercase hex, keys uppercase hex)'),
    package: z.string().nullable().describe("the package's filing value (first signer); null when the package is unsigned"),
    code: z.enum(CROSS_CHECK_CODES),
    signer: z.number().int().optional().describe('with the …_of_other_signer codes: the index in analysis.signers of the signer the typed value belongs to'),
  })).describe('empty when everything typed matches'),
  warnings: z.array(z.object({ code: z.enum(CROSS_CHECK_WARNING_CODES), message: z.string() }))
    .describe('certificate_not_der: a key or fingerprint was compared with a certificate that is not strict DER, whose fingerprints are of its bytes as stored (as Android records them); a tool that re-encodes it prints others'),
});

const DESCRIPTION = (limitMiB: number) => `multipart/form-data with one file part, at most ${limitMiB} MiB, and optionally what the host typed for the platform, as text parts before or after the file: \`platform\`, \`packageName\`, \`publicKey\` (RSA modulus or EC point hex as the filing uses, or the whole SubjectPublicKeyInfo as DER hex or PEM), \`certMd5\`, \`certSha1\`, \`certSha256\` (any case, with or without colons or spaces, keytool's "SHA1:" labels allowed). Empty parts are not compared; a text part \`applicationId\` (the host's application the form belongs to) keeps the analysis's findings with that application (the reviewers see them as \`packageChecks\`; submission refuses a platform whose package is debug-signed, development-profile signed or whose certificate has expired: \`package_debug_signed\`, \`package_development_profile\`, \`package_certificate_expired\`) and leaves the filing it changes out of \`registry\`, the registry's answer: is the package name filed already (\`packageFiled\`, \`serviceNumber\`) and under the same certificate (\`sameCertificate\`) — one package, one active filing, so a new filing of it is refused at submit. \`materials\` are the filing certificate's (the first signer); the analysis lists every signer and warnings (debug certificate, expired, development profile…); \`crossCheck\` lists each typed value that differs from the package, and \`warnings\` (\`certificate_not_der\`) when a key or fingerprint was compared with a certificate that is not strict DER (an old signing tool's non-minimal lengths: the fingerprints are of the bytes as stored, as Android records them). A typed value that cannot be compared (e.g. a fingerprint of the wrong length) is a 400 problem \`typed_values_invalid\` naming the field; a file the analyzer cannot read is a 422 problem with the analyzer's code. Instead of a package the file may be a signing certificate (DER or PEM X.509, PKCS#7 .p7b or a v1 .RSA/.DSA/.EC): \`analysis\` is then \`{kind: "certificate", format, certificate, warnings}\`, \`materials\` has \`platform\` and \`packageName\` null, and only the typed key and fingerprints are compared.`;

/** Typed values that cannot be compared with anything (house rule 6: a named error). */
export class TypedValuesInvalidError extends NamedError {
  constructor(errors: { field: string; code: string; message: string }[]) {
    super('typed_values_invalid', 'invalid', `typed values that cannot be compared: ${errors.map((e) => e.field).join(', ')}`, errors);
  }
}

function readTyped(fields: Readonly<Record<string, string>>): { typed: ParsedTypedFeatureInfo; applicationId: string | null } {
  const { value, problems: bad } = parseTypedFeatureInfo(Object.fromEntries(CROSS_CHECK_FIELDS.map((f) => [f, fields[f]])));
  if (bad.length) throw new TypedValuesInvalidError(bad);
  const applicationId = fields.applicationId?.trim() || null;
  if (applicationId !== null && !isUuid(applicationId)) {
    throw new NamedError('invalid_request', 'invalid', 'applicationId is the id of one of your applications', [{ field: 'applicationId', code: 'uuid_format', message: 'an application id' }]);
  }
  return { typed: value, applicationId };
}

const registryView = z.object({
  packageFiled: z.boolean().describe('the package name has an active filing (other than the one the application changes)'),
  serviceNumber: z.string().nullable().describe('that filing\'s service number (public)'),
  sameCertificate: z.boolean().nullable().describe('whether a signer of the package is the certificate filed for it; null when not filed'),
}).nullable().describe('null for a certificate file. One package name, one active filing: a new filing of a package filed here is refused at submit (package_already_filed)');

/**
 * The registry's word on the package while the host fills the form (it was only heard at submit): is its name filed
 * already, and under the same certificate? The filing the host's application changes (`applicationId`) is left out.
 */
async function registryOf(db: Queryable, hostUserId: string, analysis: AnalysisResult | CertificateAnalysis, applicationId: string | null) {
  if (analysis.kind === 'certificate') return null;
  const [own] = applicationId
    ? await db.query<{ service_id: string | null }>('select service_id from applications where id = $1 and host_user_id = $2', [applicationId, hostUserId])
    : [];
  const [row] = await db.query<{ service_number: string; cert_md5: string | null; cert_sha1: string | null; cert_sha256: string | null }>(
    `select s.service_number, p.cert_md5, p.cert_sha1, p.cert_sha256 from app_platforms p join services s on s.id = p.service_id
      where p.active and p.platform = $1 and p.service_id is distinct from $3
        and (p.package_name = $2 or ($1 = 'ios' and lower(p.package_name) = lower($2))) order by s.service_number limit 1`,
    [analysis.platform, analysis.packageName, own?.service_id ?? null]);
  if (!row) return { packageFiled: false, serviceNumber: null, sameCertificate: null };
  const same = analysis.signers.some(({ certificate: c }) =>
    (row.cert_sha256 !== null && row.cert_sha256 === c.sha256) || (row.cert_sha1 !== null && row.cert_sha1 === c.sha1) || (row.cert_md5 !== null && row.cert_md5 === c.md5));
  return { packageFiled: true, serviceNumber: row.service_number, sameCertificate: same };
}

function answer(analysis: AnalysisResult | CertificateAnalysis, typed: ParsedTypedFeatureInfo) {
  if (analysis.kind === 'certificate') {
    const cert = analysis.certificate;
    // A certificate names no package: only the typed key and fingerprints are compared with it.
    const { platform, packageName, ...certificateTyped } = typed;
    const crossCheck = crossCheckPackage(certificateTyped, {
      platform: platform ?? 'android', packageName: packageName ?? '', signers: [{ certificate: cert }], warnings: analysis.warnings,
    });
    return {
      analysis: analysis as unknown as Record<string, unknown>,
      materials: { platform: null, packageName: null, publicKey: cert.publicKey.hex, certMd5: cert.md5, certSha1: cert.sha1, certSha256: cert.sha256 },
      crossCheck,
    };
  }
  const cert = analysis.signers[0]?.certificate ?? null;
  return {
    analysis: analysis as unknown as Record<string, unknown>,
    materials: {
      platform: analysis.platform, packageName: analysis.packageName, publicKey: analysis.filing.publicKey,
      certMd5: cert?.md5 ?? null, certSha1: cert?.sha1 ?? null, certSha256: cert?.sha256 ?? null,
    },
    crossCheck: crossCheckPackage(typed, analysis),
  };
}

export const hostPackageRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  await registerUploads(base, ctx.config.uploadLimitBytes);
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.post('/api/host/packages', {
    onRequest: requireActor('host'),
    preParsing: multipartOnly,
    schema: {
      tags: ['host'], consumes: ['multipart/form-data'],
      summary: "Read a package's filing facts (package name, public key, fingerprints) for the filing form, and cross-check what was typed",
      description: DESCRIPTION(Math.floor(ctx.config.uploadLimitBytes / 1048576)),
      response: {
        200: z.object({ analysis: z.record(z.string(), z.unknown()), materials: materialsView, crossCheck: crossCheckView, registry: registryView }),
        ...problems(400, 401, 403),
        ...uploadProblems,
      },
    },
  }, async (req, reply) => analyzeUpload(req, reply, ctx.config.uploadLimitBytes, ctx.now(), readTyped, async (analysis, { typed, applicationId }) => {
    const host = actorOf(req).userId!;
    if (applicationId) await recordPackageAnalysis(ctx.db, host, applicationId, analysis, ctx.now());
    return { ...answer(analysis, typed), registry: await registryOf(ctx.db, host, analysis, applicationId) };
  }));
};
