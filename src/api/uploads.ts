// Package uploads (issue 4 item 7, issue 5): multipart/form-data with one file part, streamed to
// a private temporary file with a size limit (config.uploadLimitBytes) — never buffered whole
// in memory — handed to the caller, and deleted whatever happens. An upload over the limit is
// a 413 problem; a Content-Length already over it is refused before reading a byte. Short text
// parts (the values a host typed, to cross-check) may come before or after the file: the whole
// body is read before the caller runs.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NamedError } from '../domain/errors.ts';
import { sendProblem } from './problem.ts';

export class UploadTooLargeError extends NamedError {
  constructor(limitBytes: number) {
    super('upload_too_large', 'too_large', `the package is larger than the upload limit of ${Math.floor(limitBytes / 1048576)} MiB`);
  }
}

export class UploadFieldTooLongError extends NamedError {
  constructor(fields: string[]) {
    super('upload_field_too_long', 'invalid', `text parts longer than ${FIELD_MAX_BYTES} bytes: ${fields.join(', ')}`,
      fields.map((field) => ({ field, code: 'too_long', message: `at most ${FIELD_MAX_BYTES} bytes` })));
  }
}

export class UploadMissingError extends NamedError {
  constructor() {
    super('upload_missing', 'invalid', 'send the file as multipart/form-data with one file part (e.g. curl -F file=@app.apk)',
      [{ field: 'file', code: 'required', message: 'one file part is required' }]);
  }
}

/** More parts than an upload has: one file, a few text fields. */
export class UploadTooManyPartsError extends NamedError {
  constructor(what: 'files' | 'fields' | 'parts') {
    const message = what === 'files' ? 'send one file part only' : what === 'fields' ? 'at most 10 text parts' : 'at most 12 parts: one file and up to 10 text parts';
    super('upload_too_many_parts', 'invalid', `the upload has too many parts: ${message}`, [{ field: what === 'files' ? 'file' : 'body', code: `too_many_${what}`, message }]);
  }
}

/** A body that says multipart/form-data but is not (cut short, no boundary, a malformed part header). */
export class UploadMalformedError extends NamedError {
  constructor() {
    super('upload_malformed', 'invalid', 'the multipart/form-data body cannot be read: it ends early, or its boundary is missing or longer than 70 characters',
      [{ field: 'file', code: 'malformed', message: 'send the file as multipart/form-data with one file part' }]);
  }
}

/**
 * What busboy (under @fastify/multipart) says of a body that is not well-formed multipart: plain
 * Errors, no code. They are the client's to fix — a 400, not a 500 (found by tests/security/fuzz.test.ts).
 */
const MALFORMED_MULTIPART = /^(Unexpected end of multipart data|\w+ terminated early due to unexpected end of multipart data|Multipart: Boundary not found|Boundary required|The needle cannot (be an empty|have a length bigger))/;

/** A text part's limit: room for an RSA-16384 modulus typed with colons, or its PEM. */
const FIELD_MAX_BYTES = 16 * 1024;

/** Multipart parsing for the routes of this plugin scope; file parts are streamed, never buffered. */
export async function registerUploads(app: FastifyInstance, limitBytes: number): Promise<void> {
  if (app.hasRequestDecorator('file')) return;
  await app.register(fastifyMultipart, { limits: { fileSize: limitBytes, files: 1, fields: 10, fieldSize: FIELD_MAX_BYTES, parts: 12 } });
}

/**
 * An upload route's preParsing hook: a body of another media type (JSON, a form, text) is refused
 * with 415 naming the header before it is read, like any route's body of a type it does not take
 * (src/api/problem.ts); it was a 400 upload_missing, which told the caller to add a file part when
 * the mistake was the type. No body at all stays 400 upload_missing.
 */
export function multipartOnly(req: FastifyRequest, reply: FastifyReply, _payload: unknown, done: (err?: Error | null) => void): void {
  const type = req.headers['content-type'];
  if (type === undefined || /^\s*multipart\/form-data\s*(;|$)/i.test(type)) { done(); return; }
  sendProblem(reply, req, 415, 'unsupported_media_type', 'send the file as multipart/form-data with one file part (e.g. curl -F file=@app.apk)',
    [{ field: 'header.content-type', code: 'unsupported_media_type', message: 'expected multipart/form-data' }]);
}

export interface UploadedFile {
  path: string; filename: string; bytes: number;
  /** The text parts by name (the last one of a repeated name). */
  fields: Readonly<Record<string, string>>;
}

/** Multipart framing on top of the file itself. */
const FRAMING_ALLOWANCE = 64 * 1024;

/**
 * Receives the single file part into a temporary file and the text parts around it, runs fn on
 * them, and deletes the file always.
 */
export async function withUploadedFile<T>(req: FastifyRequest, limitBytes: number, fn: (file: UploadedFile) => Promise<T>): Promise<T> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes + FRAMING_ALLOWANCE) throw new UploadTooLargeError(limitBytes);
  if (!req.isMultipart()) throw new UploadMissingError();
  const dir = await mkdtemp(path.join(tmpdir(), 'beian-upload-'));
  try {
    const file = path.join(dir, 'package');
    const received = await receive(req, file, limitBytes).catch((err: unknown) => { throw mapMultipartError(err, limitBytes); });
    return await fn({ path: file, ...received });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Reads the whole body: a refusal half-way would leave the rest unread and the connection stuck. */
async function receive(req: FastifyRequest, file: string, limitBytes: number): Promise<Omit<UploadedFile, 'path'>> {
  let stored: { filename: string; bytes: number } | null = null;
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  const tooLong: string[] = [];
  for await (const part of req.parts({ limits: { fileSize: limitBytes } })) {
    if (part.type === 'field') {
      if (part.valueTruncated) tooLong.push(part.fieldname);
      else if (typeof part.value === 'string') fields[part.fieldname] = part.value;
      continue;
    }
    let bytes = 0;
    part.file.on('data', (c: Buffer) => { bytes += c.length; });
    await pipeline(part.file, createWriteStream(file, { mode: 0o600 }));
    if (part.file.truncated) throw new UploadTooLargeError(limitBytes);
    stored = { filename: path.basename(part.filename || 'package'), bytes };
  }
  if (tooLong.length) throw new UploadFieldTooLongError(tooLong);
  if (!stored) throw new UploadMissingError();
  return { ...stored, fields };
}

function mapMultipartError(err: unknown, limitBytes: number): unknown {
  const code = (err as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new UploadTooLargeError(limitBytes);
  if (code === 'FST_FILES_LIMIT') return new UploadTooManyPartsError('files');
  if (code === 'FST_FIELDS_LIMIT') return new UploadTooManyPartsError('fields');
  if (code === 'FST_PARTS_LIMIT') return new UploadTooManyPartsError('parts');
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return new UploadMissingError();
  if (code === undefined && err instanceof Error && MALFORMED_MULTIPART.test(err.message)) return new UploadMalformedError();
  return err;
}
