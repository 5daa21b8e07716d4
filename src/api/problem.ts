// RFC 9457 problem+json for every error (house rule 6): a stable `code`, the HTTP status,
// and for bad input the list of offending fields. Unknown errors are 500 with no detail.
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { DomainError, type ErrorKind, type FieldProblem, NamedError } from '../domain/errors.ts';
import type { TextProblem } from '../domain/text.ts';

export type { ErrorKind, FieldProblem } from '../domain/errors.ts';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400, unauthenticated: 401, forbidden: 403, not_found: 404, conflict: 409, too_large: 413, rate_limited: 429, unavailable: 503,
};

/** 400 invalid_text naming the field of text no field takes (a lone surrogate, a control character, %-escapes not UTF-8). */
export const unfitTextError = (p: TextProblem) => (p.code === 'too_deep'
  ? new NamedError('json_too_deep', 'invalid', `the ${p.field === 'body' ? 'body' : p.field} is ${p.message} (JSON of this API nests a few levels)`, [{ field: p.field, code: 'json_too_deep', message: p.message }])
  : new NamedError('invalid_text', 'invalid', `${p.field} ${p.message}`, [{ field: p.field, code: p.code, message: p.message }]));

/** Where a problem's field lives: the API names every field with it (`body.…`, `querystring.…`, `params.…`, `header.…`). */
const LOCATED = /^(body|querystring|params|header)(\.|$)/;

/**
 * A flow names the input it refuses by its path in the flow's input (`serviceNumbers.0`, `fingerprint`);
 * a route answers those names where they are in the request, as the schema's refusals name the same
 * fields — `body.serviceNumbers.0` — so a client reads one name whether a value is malformed or refused
 * by a rule. `locate` turns a flow's name into the request's (`findingIds.0` → `params.id`); names
 * already located (`body.…`, `querystring.…`) pass as they are.
 */
export async function fieldsAt<T>(work: Promise<T>, locate: (field: string, problem: FieldProblem) => string): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (!(err instanceof NamedError) || !err.errors.length) throw err;
    const errors = err.errors.map((e) => (LOCATED.test(e.field) ? e : { ...e, field: locate(e.field, e) }));
    throw new NamedError(err.code, err.kind, err.message, errors, err.headers, err.extensions);
  }
}

/**
 * A route whose flow input is its JSON body: every name the flow refuses is `body.<name>`.
 * `notFound` names the field a field-less 404 is about (the service a number did not find).
 */
export async function fieldsInBody<T>(work: Promise<T>, notFound?: string): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (!(err instanceof NamedError)) throw err;
    const errors = err.errors.length || !notFound || err.kind !== 'not_found'
      ? err.errors.map((e) => (LOCATED.test(e.field) ? e : { ...e, field: `body.${e.field}` }))
      : [{ field: `body.${notFound}`, code: 'not_found', message: err.message }];
    throw new NamedError(err.code, err.kind, err.message, errors, err.headers, err.extensions);
  }
}

/** Routes throw named errors as well; one class everywhere (src/domain/errors.ts). */
export { NamedError as ProblemError } from '../domain/errors.ts';

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict',
  413: 'Content Too Large', 414: 'URI Too Long', 415: 'Unsupported Media Type', 422: 'Unprocessable Content', 429: 'Too Many Requests',
  500: 'Internal Server Error', 503: 'Service Unavailable',
};

export function sendProblem(reply: FastifyReply, request: FastifyRequest, status: number, code: string, detail: string, errors?: FieldProblem[], extensions: Record<string, unknown> = {}) {
  return reply
    .code(status)
    .type('application/problem+json; charset=utf-8')
    .send({
      ...extensions,
      type: `about:blank`,
      // RFC 9457 §3.1.3: the title is the status's reason phrase when the type is about:blank.
      title: TITLES[status] ?? STATUS_CODES[status] ?? 'Error',
      status,
      code,
      detail,
      instance: request.url.split('?')[0]!.slice(0, 300),
      requestId: request.id,
      ...(errors && errors.length ? { errors } : {}),
    });
}

/** What fastify-type-provider-zod makes of a Zod issue: its code as `keyword`, the rest of it in `params`. */
interface ZodIssueLike { keyword?: string; instancePath?: string; message?: string; params?: { keys?: unknown } }

function zodFields(err: FastifyError): FieldProblem[] {
  const where = (err as { validationContext?: string }).validationContext ?? 'body';
  return ((err.validation ?? []) as ZodIssueLike[]).flatMap((v) => {
    const path = (v.instancePath ?? '').split('/').filter(Boolean);
    const code = v.keyword ?? 'invalid';
    // Keys a strict object does not know: one problem naming each.
    const keys = code === 'unrecognized_keys' && Array.isArray(v.params?.keys) ? v.params.keys.map(String) : [];
    if (keys.length) return keys.map((k) => ({ field: [where, ...path, k].join('.'), code, message: `unknown field "${k}"` }));
    return [{ field: [where, ...path].join('.'), code, message: v.message ?? 'invalid value' }];
  });
}

/** Fastify's content-type parser errors → problem code, status and (for a body that is not JSON) the field's code. */
const BODY_PARSER_ERRORS: Record<string, { status: number; code: string; message: string; field?: string; at?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_request', message: 'the body is not valid JSON', field: 'json_syntax' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_request', message: 'the body is empty but says it is JSON', field: 'required' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'send the body as application/json (or the type the route documents)', field: 'unsupported_media_type', at: 'header.content-type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_request', message: 'the body is shorter or longer than its Content-Length', field: 'content_length' },
};

/** Seconds a client is told to wait when the database is unavailable: a restart or a failover takes about this. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * The database server (not the statement) failed: it is down, restarting, shutting down, or the
 * server DATABASE_URL names accepts no writes (a standby, or a primary demoted by a failover).
 * Such a request is the server's fault but temporary: 503 with Retry-After, never 500 — a 500 says
 * "a bug", and the proxy and clients treat a 503 as "try again". SQLSTATE class 08 (connection
 * exception), 57P01/57P02/57P03 (admin/crash shutdown, cannot connect now), 53300 (too many
 * connections), 25006 (read-only transaction: a write reached a standby); node-postgres's own
 * errors carry no SQLSTATE ("Connection terminated unexpectedly", "… due to connection timeout",
 * "timeout exceeded when trying to connect") and socket errors carry an errno code.
 */
export function databaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  if (CONNECTION_ERRNOS.has(code)) return true;
  if (/^08[0-9A-Z]{3}$/.test(code) || ['57P01', '57P02', '57P03', '53300', '25006'].includes(code)) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return code === '' && /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/.test(message);
}

export function installProblemHandlers(app: FastifyInstance) {
  app.setNotFoundHandler((request, reply) => sendProblem(reply, request, 404, 'not_found', `no route for ${request.method} ${request.url.split('?')[0]}`));
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof NamedError) {
      reply.headers(err.headers);
      return sendProblem(reply, request, STATUS[err.kind], err.code, err.message, err.errors, err.extensions);
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      return sendProblem(reply, request, 400, 'invalid_request', 'the request does not match the schema', zodFields(err));
    }
    if (err instanceof DomainError) {
      // A domain rule refused the input (e.g. a date past the published calendar): the caller's to fix.
      const kind = 'kind' in err && typeof err.kind === 'string' && err.kind in STATUS ? err.kind as ErrorKind : 'invalid';
      return sendProblem(reply, request, STATUS[kind], err.code, err.message);
    }
    const status = err.statusCode ?? 500;
    // The body parsers' refusals in the API's own words (their Fastify codes are not stable codes of ours).
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const limit = request.routeOptions.bodyLimit ?? 0;
      return sendProblem(reply, request, 413, 'body_too_large', `the body is larger than this route reads (${limit.toLocaleString('en')} bytes)`,
        [{ field: 'body', code: 'body_too_large', message: `at most ${limit} bytes` }], { limitBytes: limit });
    }
    const parser = BODY_PARSER_ERRORS[err.code ?? ''];
    if (parser) return sendProblem(reply, request, parser.status, parser.code, parser.message, parser.field ? [{ field: parser.at ?? 'body', code: parser.field, message: err.message }] : []);
    if (status >= 400 && status < 500 && !isResponseSerializationError(err)) {
      const code = (err.code ?? 'bad_request').replace(/^FST_(ERR_)?/, '').toLowerCase();
      return sendProblem(reply, request, status, code, err.message);
    }
    // Text PostgreSQL cannot store (U+0000) that reached a query: always the caller's input (the
    // statement failed, its transaction rolled back). Routes name their fields first; this is the net.
    if ((err as { code?: unknown }).code === '22021' || (err as { code?: unknown }).code === '22P05') {
      return sendProblem(reply, request, 400, 'invalid_text', 'a value holds a character that cannot be stored (U+0000)');
    }
    // A deadlock (40P01) or serialization failure (40001) that still escapes the one lock order
    // (ADR 0033): the transaction was rolled back whole and nothing happened — the caller may
    // simply send it again; it is no fault of the server's worth a 500.
    if ((err as { code?: unknown }).code === '40P01' || (err as { code?: unknown }).code === '40001') {
      request.log.warn({ err }, 'transaction rolled back by the database (lock conflict)');
      reply.header('retry-after', '1');
      return sendProblem(reply, request, 503, 'transaction_conflict', 'a concurrent change to the same records made the database roll this request back; nothing was changed — send it again');
    }
    if (databaseUnavailable(err)) {
      // Logged once here, at warn: the operator's signal is /api/health (`primary`), not one line per request.
      request.log.warn({ method: request.method, url: request.url.split('?')[0], code: (err as { code?: unknown }).code, error: err.message }, 'database unavailable');
      reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
      return sendProblem(reply, request, 503, 'database_unavailable', 'the database does not answer (or accepts no writes) right now; retry later');
    }
    request.log.error({ err, method: request.method, url: request.url.split('?')[0] }, 'unhandled error');
    return sendProblem(reply, request, 500, 'internal_error', 'an unexpected error occurred; quote the request id when reporting it');
  });
}
