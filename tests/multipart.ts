// multipart/form-data bodies for upload tests: text and file parts in the order given (the
// server must accept text parts before and after the file).
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
