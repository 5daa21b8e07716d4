// POST /api/verify/v1/apps/stream: a whole catalogue as NDJSON, one {platform, packageName,
// fingerprint} per line, answered as NDJSON in the same order while the upload goes on. The
// request body is read chunk by chunk and the answer is a pull stream, so a client that stops
// reading stops the reading of its upload (backpressure): memory stays constant however many
// lines come. A bad line answers {line, status: "invalid", error} and the rest go on.
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../domain/actors.ts';
import { findUnfitText } from '../../domain/text.ts';
import { actorOf } from '../auth/index.ts';
import { sendProblem } from '../problem.ts';
import type { VerifyRouteOptions } from './index.ts';
import { verifyItemSchema } from './schemas.ts';
import type { RawItem, StreamLine, Verifier } from './verifier.ts';

/** Lines per lookup query. */
export const STREAM_BATCH_LINES = 1_000;
/** A partial batch is answered when no more input has come for this long (interactive use). */
export const STREAM_IDLE_FLUSH_MS = 100;
export const MAX_LINE_BYTES = 4_096;

export const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson'];

type Line = { n: number; text: string } | { n: number; tooLong: true };

/**
 * Splits a byte stream into numbered lines, bounding each line; blank lines are skipped (but
 * counted). Yields the lines of each chunk together (one await per chunk, not per line: the stream
 * endpoint reads a million lines).
 */
export async function* ndjsonLineBatches(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<Line[]> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let n = 0;
  let overflow = false;
  const emit = (text: string, out: Line[]) => {
    n += 1;
    if (overflow) { overflow = false; out.push({ n, tooLong: true }); return; }
    // A byte-order mark opens files saved by Windows tools and spreadsheet exports: not part of line 1.
    const unmarked = n === 1 && text.startsWith('\uFEFF') ? text.slice(1) : text;
    const t = unmarked.endsWith('\r') ? unmarked.slice(0, -1) : unmarked;
    // Every line is bounded, whether it arrived whole in one chunk or across several.
    if (t.length > MAX_LINE_BYTES) out.push({ n, tooLong: true });
    else if (t.trim()) out.push({ n, text: t });
  };
  for await (const chunk of chunks) {
    const s = carry + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    const out: Line[] = [];
    let start = 0;
    for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', start)) {
      emit(s.slice(start, i), out);
      start = i + 1;
    }
    carry = s.slice(start);
    if (carry.length > MAX_LINE_BYTES) { overflow = true; carry = ''; }
    if (out.length) yield out;
  }
  carry += decoder.end();
  if (carry || overflow) {
    const out: Line[] = [];
    emit(carry, out);
    if (out.length) yield out;
  }
}

/** ndjsonLineBatches, one line at a time. */
export async function* ndjsonLines(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<Line> {
  for await (const lines of ndjsonLineBatches(chunks)) yield* lines;
}

/** The fields of a line: those of an item of POST /api/verify/v1/apps. */
const LINE_FIELDS = new Set(Object.keys(verifyItemSchema.shape));

/** A line's item, or the JSON of its `invalid` answer (without the line number). */
function toLine(line: Line): StreamLine {
  const invalid = (code: string, message: string): StreamLine => ({ n: line.n, json: JSON.stringify({ status: 'invalid', error: { field: 'line', code, message } }) });
  if ('tooLong' in line) return invalid('line_too_long', `a line has at most ${MAX_LINE_BYTES} characters`);
  let v: unknown;
  try { v = JSON.parse(line.text); } catch { return invalid('line_not_json', 'the line is not a JSON object'); }
  const o = v as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || Array.isArray(o)) return invalid('line_not_object', 'each line is one JSON object');
  // A line that is an object keeps its `ref` in its answer, even when another field is wrong: the caller matches answers by it.
  const keptRef = typeof o.ref === 'string' && o.ref.length <= 128 && !findUnfitText({ ref: o.ref }, 'line') ? o.ref : undefined;
  const refused = (code: string, message: string, field = 'line'): StreamLine => ({
    n: line.n, json: JSON.stringify({ ...(keptRef !== undefined ? { ref: keptRef } : {}), status: 'invalid', error: { field, code, message } }),
  });
  // The same text rule as every JSON body (src/api/app.ts): a lone surrogate or a control character
  // is `invalid_text` naming the field (`packageName`; POST names `body.items.3.packageName`).
  const unfit = findUnfitText(o, 'line');
  if (unfit) return refused('invalid_text', `${unfit.message} (${unfit.code})`, unfit.field.slice(5) || 'line');
  // The fields POST's items take (verifyItemSchema, a strict object): an unknown one is this line's
  // error naming it, as POST refuses `body.items.3.<field>` — a typo (`fingerPrint`) is never ignored.
  for (const k of Object.keys(o)) if (!LINE_FIELDS.has(k)) return refused('unrecognized_keys', `unknown field "${k}"`, k);
  for (const f of ['platform', 'packageName', 'fingerprint'] as const) {
    if (typeof o[f] !== 'string' || (o[f] as string).length > 300) return refused('line_field', `${f} must be a string of at most 300 characters`);
  }
  // `ref` is optional, and when present a string (docs/api-verify.md; POST's item schema refuses null as it refuses a number):
  // `"ref": null` is this line's line_field like any other ill-typed field, never read as "no ref".
  if (o.ref !== undefined && (typeof o.ref !== 'string' || o.ref.length > 128)) return invalid('line_field', 'ref must be a string of at most 128 characters');
  const ref = typeof o.ref === 'string' ? o.ref : undefined;
  const item: RawItem = { platform: o.platform as string, packageName: o.packageName as string, fingerprint: o.fingerprint as string };
  if (ref !== undefined) item.ref = ref;
  return { n: line.n, item };
}

/** A batch's answer lines, as bytes written from the identity index (verifyLinesJson). */
const answerBatch = (verifier: Verifier, actor: Actor, batch: Line[]): Promise<Buffer> => verifier.verifyLinesJson(actor, batch.map(toLine));

const IDLE = Symbol('idle');

/** Pulls lines, answering a batch when it is full, when input pauses, and at the end. */
export async function* answerStream(
  verifier: Verifier, actor: Actor, body: AsyncIterable<Buffer | string>, onError: (err: unknown) => void, batchLines = STREAM_BATCH_LINES,
): AsyncGenerator<Buffer | string> {
  const chunks = ndjsonLineBatches(body)[Symbol.asyncIterator]();
  let batch: Line[] = [];
  let next = chunks.next();
  try {
    for (;;) {
      // One idle timer per wait for input with lines held back (a chunk holds hundreds of lines).
      let timer: NodeJS.Timeout | undefined;
      const r = batch.length
        ? await Promise.race([next, new Promise<typeof IDLE>((res) => { timer = setTimeout(res, STREAM_IDLE_FLUSH_MS, IDLE); timer.unref(); })])
        : await next;
      clearTimeout(timer);
      if (r === IDLE) { yield await answerBatch(verifier, actor, batch); batch = []; continue; }
      if (r.done) break;
      next = chunks.next();
      for (const line of r.value) {
        batch.push(line);
        if (batch.length >= batchLines) { yield await answerBatch(verifier, actor, batch); batch = []; }
      }
    }
    if (batch.length) yield await answerBatch(verifier, actor, batch);
  } catch (err) {
    // The status line is sent: the failure is the last line (the client sees which lines were answered).
    onError(err);
    yield `${JSON.stringify({ status: 'error', error: { code: 'stream_failed', message: 'the stream could not be completed; resume after the last answered line' } })}\n`;
  }
}

/** 415 naming the stream's media type. */
const notNdjson = (reply: FastifyReply, req: FastifyRequest) => sendProblem(reply, req, 415, 'unsupported_media_type',
  `send the lines as ${NDJSON_TYPES[0]} (one JSON object per line; curl: -H 'content-type: ${NDJSON_TYPES[0]}' --data-binary @file)`,
  [{ field: 'header.content-type', code: 'unsupported_media_type', message: `expected ${NDJSON_TYPES.join(' or ')}` }]);

export const verifyStreamRoutes = ({ verifier, guard }: VerifyRouteOptions): FastifyPluginAsync => async (app) => {
  // The body stays a stream: Fastify's body limit does not apply, constant memory does.
  app.addContentTypeParser(NDJSON_TYPES, (_req, payload, done) => done(null, payload));
  app.post('/api/verify/v1/apps/stream', {
    onRequest: guard,
    // Any other media type is refused before it is read, naming this route's type: Fastify's own 415 for a
    // type no parser takes (curl --data-binary's default form type, text/csv) said "send the body as application/json".
    preParsing: (req, reply, _payload, done) => {
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (NDJSON_TYPES.includes(type)) { done(); return; }
      notNdjson(reply, req);
    },
    config: { readOnly: true },
    schema: {
      tags: ['verify'], security: [{ apiKey: [] }, { session: [] }],
      summary: 'Verify a whole catalogue: NDJSON in, NDJSON out, streamed',
      description: `Content-Type: application/x-ndjson. One JSON object {platform, packageName, fingerprint, ref?} per line; the answer is one result per non-blank line, in order, each with its line number. Lines are looked up ${STREAM_BATCH_LINES} at a time. A bad line answers {line, status: "invalid", error}.`,
    },
  }, async (req, reply) => {
    // Another content type (JSON, text, none) was read by another parser: not a stream of lines.
    if (!(req.body instanceof Readable)) return notNdjson(reply, req);
    const body = req.body;
    const onError = (err: unknown) => req.log.error({ err }, 'verification stream failed');
    const out = Readable.from(answerStream(verifier, actorOf(req), body, onError), { objectMode: false, highWaterMark: 1 });
    return reply.type('application/x-ndjson; charset=utf-8').header('cache-control', 'no-store').send(out);
  });
};
