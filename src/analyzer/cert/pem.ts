// PEM (RFC 7468): the first BEGIN/END block's base64 body. Certificates a host uploads, and the
// HAP profile's development/distribution certificate, come in this form.
import { AnalyzerError } from '../errors.ts';

export function isPem(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 64)).toString('latin1').includes('-----BEGIN');
}

export function fromPem(bytes: Uint8Array | string, what = 'PEM input'): Buffer {
  const pem = typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('latin1');
  const m = /-----BEGIN ([A-Z0-9 #]+)-----([\s\S]*?)-----END \1-----/.exec(pem);
  if (!m || !m[2]) throw new AnalyzerError('malformed_asn1', `${what} without a complete BEGIN/END block`);
  return Buffer.from(m[2].replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
}
