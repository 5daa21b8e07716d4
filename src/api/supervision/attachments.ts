// Serving an evidence file of a disposal order item (issue 14, contract 5): always as a download
// (Content-Disposition: attachment, the stored name RFC 5987-encoded), under the type its first
// bytes showed at upload, never sniffed again by the browser, never cached by a shared cache.
import type { FastifyReply } from 'fastify';
import { z } from 'zod';

export const attachmentParams = z.object({ id: z.string().max(64), itemId: z.string().max(64), attachmentId: z.string().max(64) });

export function sendAttachment(reply: FastifyReply, file: { name: string; contentType: string; sha256: string; content: Buffer }) {
  const ascii = file.name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return reply
    .type(file.contentType)
    .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('digest', `sha-256=${Buffer.from(file.sha256, 'hex').toString('base64')}`)
    .send(file.content);
}
