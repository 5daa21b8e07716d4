// multipart/form-data bodies for upload tests: text and file parts in the order given (the
// server must accept text parts before and after the file).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';
export const BOUNDARY = '----beian-test-boundary';

export type Part = { name: string; value: string } | { name: string; filename: string; content: Buffer };

export function multipartParts(parts: Part[]): { payload: Buffer; headers: Record<string, string> } {
  const chunks = parts.flatMap((p) => ('value' in p
    ? [Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`)]
    : [Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`), p.content, Buffer.from('\r\n')]));
  return {
    payload: Buffer.concat([...chunks, Buffer.from(`--${BOUNDARY}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
  };
}

/** One file part named `file`, after any text fields. */
export function multipart(filename: string, content: Buffer, fields: Record<string, string> = {}): { payload: Buffer; headers: Record<string, string> } {
  return multipartParts([...Object.entries(fields).map(([name, value]) => ({ name, value })), { name: 'file', filename, content }]);
}

/**
 * Sends this test file's uploads to a temporary folder of its own (os.tmpdir() follows TMPDIR),
 * so the count of what they leave behind is exact while other test files upload at the same time.
 * Call at the top of the file; `remove` in afterAll.
 */
export async function ownUploadFolder(name: string): Promise<{ left(): Promise<number>; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `beian-${name}-`));
  vi.stubEnv('TMPDIR', dir);
  return {
    left: async () => (await readdir(dir)).filter((f) => f.startsWith('beian-upload-')).length,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
