// POST /api/verify/v1/apps: up to 10,000 (platform, package name, fingerprint) items in one
// call, answered in order; GET /api/verify/v1/apps?platform=&packageName=&fingerprint= for one
// (a device at install time, a shell script). Thin glue: auth → shape (Zod) → verifier.
import type { FastifyPluginAsync } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { findUnfitText } from '../../domain/text.ts';
import { actorOf } from '../auth/index.ts';
import { unfitTextError } from '../problem.ts';
import { ScannedBatch, scanVerifyBody } from './batch-scan.ts';
import { problems } from '../auth/presenters.ts';
import { BODY_LIMITS } from '../body-limits.ts';
import { isVerifyBody, isVerifyItem, MAX_BATCH_ITEMS, verifyBody, verifyItemSchema, verifyResponse, verifyResultSchema } from './schemas.ts';
import type { VerifyRouteOptions } from './index.ts';
import { jsonTextSerializer, type VerifyResultView } from './presenters.ts';

/** Zod for what the fast check cannot vouch for (it never accepts what Zod would refuse; a body read in place is one it accepts). */
const fastOr = (fast: (v: unknown) => boolean, part: string) => (route: { httpPart?: string }) => {
  const zod = validatorCompiler(route as unknown as Parameters<typeof validatorCompiler>[0]);
  return (data: unknown) => (route.httpPart === part && (data instanceof ScannedBatch || fast(data)) ? { value: data } : zod(data));
};

// Answers leave as the bytes of their JSON, written from the identity index (verifyOneJson for one
// item, verifyItemsJson / verifyScannedJson for a batch; ADR 0022 addenda: no result objects, no
// JSON.stringify, no UTF-8 encoding of the text); Fastify sends a Buffer as it is. Typed as the
// objects they serialise, which the response schemas describe.
const JSON_TYPE = 'application/json; charset=utf-8';

export const verifyAppsRoutes = ({ verifier, guard }: VerifyRouteOptions): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  // A batch body of the plain shape is read in place (batch-scan.ts: spans, no objects); any other
  // body goes to JSON.parse and the schema exactly as the application's parser takes it (src/api/app.ts).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    const b = body as Buffer;
    if (b.length === 0) return done(null, undefined);
    const scanned = scanVerifyBody(b);
    if (scanned) return done(null, scanned); // printable ASCII without escapes: no unfit text possible
    // The application's text rule for JSON bodies (src/api/app.ts): a lone surrogate or a control
    // character is 400 invalid_text naming the field (`body.items.3.packageName`), not an item's
    // package-name or fingerprint code.
    return parseJson(req, b.toString('utf8'), (err: Error | null, value?: unknown) => {
      if (err) return done(err);
      const bad = findUnfitText(value, 'body');
      return bad ? done(unfitTextError(bad)) : done(null, value);
    });
  });
  app.get('/api/verify/v1/apps', {
    onRequest: guard,
    serializerCompiler: jsonTextSerializer,
    validatorCompiler: fastOr(isVerifyItem, 'querystring'),
    schema: {
      tags: ['verify'], security: [{ apiKey: [] }, { session: [] }],
      summary: 'Verify one APP identity (platform, package name, certificate fingerprint) in the query string',
      description: 'The single-item form of POST /api/verify/v1/apps: answers the result object itself. A malformed item answers `status: "invalid"` with an error; an unknown or missing parameter is a 400 naming it.',
      querystring: verifyItemSchema,
      response: { 200: verifyResultSchema, ...problems(400, 401, 403, 429) },
    },
  }, (req, reply) => {
    reply.type(JSON_TYPE);
    return verifier.verifyOneJson(actorOf(req), req.query, '', '') as unknown as VerifyResultView;
  });
  app.post('/api/verify/v1/apps', {
    onRequest: guard,
    bodyLimit: BODY_LIMITS.verifyBatch, // 10,000 items; the guard (key and quota) runs before a byte is read
    config: { readOnly: true }, // no read-your-writes position (ADR 0020): a check changes nothing a caller reads back
    // The response schema documents the answer; the presenters build it, so it is not re-validated
    // on the way out (re-encoding 10,000 results through Zod would double the batch's time).
    serializerCompiler: jsonTextSerializer,
    // A body that certainly matches is taken as it is; Zod judges the rest (and names the fields).
    validatorCompiler: fastOr(isVerifyBody, 'body'),
    schema: {
      tags: ['verify'], security: [{ apiKey: [] }, { session: [] }],
      summary: `Verify up to ${MAX_BATCH_ITEMS.toLocaleString('en')} APP identities (platform, package name, certificate fingerprint)`,
      description: 'Results come in the order of the items. A malformed item answers `status: "invalid"` with an error; a malformed body is a 400 naming the field (e.g. `body.items.3.fingerprint`).',
      body: verifyBody,
      response: { 200: verifyResponse, ...problems(400, 401, 403, 429) },
    },
  }, (req, reply) => {
    const body = req.body as unknown;
    // A batch's answer buffer serves the next batch once this response has finished (never on a broken connection).
    const sent = (answer: Buffer) => { reply.raw.once('finish', () => verifier.answerSent(answer)); return answer as unknown as { results: VerifyResultView[] }; };
    if (body instanceof ScannedBatch) {
      reply.type(JSON_TYPE);
      // One item (the common call): from its bytes, without a promise when memory holds the answer.
      if (body.count === 1) return verifier.verifyScannedOneJson(actorOf(req), body) as unknown as { results: VerifyResultView[] };
      return verifier.verifyScannedJson(actorOf(req), body).then(sent);
    }
    const items = req.body.items;
    // One item (the common call): verifyOne answers as verifyItems does, without a promise when memory holds the answer.
    if (items.length === 1) {
      reply.type(JSON_TYPE);
      return verifier.verifyOneJson(actorOf(req), items[0]!, '{"results":[', ']}') as unknown as { results: VerifyResultView[] };
    }
    // A batch: its JSON's bytes, written straight from the identity index (sent as they are: no serializer).
    reply.type(JSON_TYPE);
    return verifier.verifyItemsJson(actorOf(req), items).then(sent);
  });
};
