// Package uploads (issue 4 item 7, issue 5): multipart/form-data with one file part, streamed to
// a private temporary file with a size limit (config.uploadLimitBytes) — never buffered whole
// in memory — handed to the caller, and deleted whatever happens. An upload over the limit is
// a 413 problem; a Content-Length already over it is refused before reading a byte.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NamedError } from '../domain/errors.ts';

export class UploadTooLargeError extends NamedError {
  constructor(limitBytes: number) {
    super('upload_too_large', 'too_large', `the package is larger than the upload limit of ${Math.floor(limitBytes / 1048576)} MiB`);
  }
}

export class UploadMissingError extends NamedError {
  constructor() {
    super('upload_missing', 'invalid', 'send the package as multipart/form-data with one file part (e.g. curl -F file=@app.apk)',
      [{ field: 'file', code: 'required', message: 'one file part is required' }]);
  }
}

/** Multipart parsing for the routes of this plugin scope; file parts are streamed, never buffered. */
export async function registerUploads(app: FastifyInstance, limitBytes: number): Promise<void> {
  if (app.hasRequestDecorator('file')) return;
  await app.register(fastifyMultipart, { limits: { fileSize: limitBytes, files: 1, fields: 10, fieldSize: 1024, parts: 12 } });
}

export interface UploadedFile { path: string; filename: string; bytes: number }

/** Multipart framing on top of the file itself. */
const FRAMING_ALLOWANCE = 64 * 1024;

/** Receives the single file part into a temporary file, runs fn on it, and deletes the file always. */
export async function withUploadedFile<T>(req: FastifyRequest, limitBytes: number, fn: (file: UploadedFile) => Promise<T>): Promise<T> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes + FRAMING_ALLOWANCE) throw new UploadTooLargeError(limitBytes);
  if (!req.isMultipart()) throw new UploadMissingError();
  const dir = await mkdtemp(path.join(tmpdir(), 'beian-upload-'));
  try {
    const part = await req.file({ limits: { fileSize: limitBytes } }).catch((err: unknown) => { throw mapMultipartError(err, limitBytes); });
    if (!part) throw new UploadMissingError();
    const file = path.join(dir, 'package');
    let bytes = 0;
    part.file.on('data', (c: Buffer) => { bytes += c.length; });
    await pipeline(part.file, createWriteStream(file, { mode: 0o600 })).catch((err: unknown) => { throw mapMultipartError(err, limitBytes); });
    if (part.file.truncated) throw new UploadTooLargeError(limitBytes);
    return await fn({ path: file, filename: path.basename(part.filename || 'package'), bytes });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function mapMultipartError(err: unknown, limitBytes: number): unknown {
  const code = (err as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') return new UploadTooLargeError(limitBytes);
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return new UploadMissingError();
  return err;
}
