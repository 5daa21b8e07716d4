// POST /api/host/packages (issue 4 item 7): while filing, a host uploads its APK / IPA / HAP and
// gets the platform's feature info (APP特征信息, DOMAIN.md §2.4) read from it — package name,
// public key and all three certificate fingerprints — instead of typing them from JadxGUI or
// keytool output. Nothing is stored; the upload is deleted after analysis.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../app.ts';
import { requireActor } from '../auth/index.ts';
import { problems } from '../auth/presenters.ts';
import { registerUploads } from '../uploads.ts';
import { analyzeUpload } from '../verify/packages.ts';

const materialsView = z.object({
  platform: z.enum(['android', 'ios', 'harmonyos']), packageName: z.string(), publicKey: z.string().nullable(),
  certMd5: z.string().nullable(), certSha1: z.string().nullable(), certSha256: z.string().nullable(),
});

export const hostPackageRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  await registerUploads(base, ctx.config.uploadLimitBytes);
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.post('/api/host/packages', {
    onRequest: requireActor('host'),
    schema: {
      tags: ['host'], consumes: ['multipart/form-data'],
      summary: "Read a package's filing facts (package name, public key, fingerprints) for the filing form",
      description: `multipart/form-data with one file part, at most ${Math.floor(ctx.config.uploadLimitBytes / 1048576)} MiB. The materials are those of the filing certificate (the first signer); the analysis lists every signer and warnings (debug certificate, expired, development profile…). A file the analyzer cannot read is a 422 problem with the analyzer's code.`,
      response: { 200: z.object({ analysis: z.record(z.string(), z.unknown()), materials: materialsView }), ...problems(400, 401, 403) },
    },
  }, async (req, reply) => analyzeUpload(req, reply, ctx.config.uploadLimitBytes, ctx.now(), async (analysis) => {
    const cert = analysis.signers[0]?.certificate ?? null;
    return {
      analysis: analysis as unknown as Record<string, unknown>,
      materials: {
        platform: analysis.platform, packageName: analysis.packageName, publicKey: analysis.filing.publicKey,
        certMd5: cert?.md5 ?? null, certSha1: cert?.sha1 ?? null, certSha256: cert?.sha256 ?? null,
      },
    };
  }));
};
