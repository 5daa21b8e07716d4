// Certificates must be DER (X.509 / RFC 5280 §4.1): one encoding per value, so "the SHA-256 of the
// certificate" means one thing. A BER certificate (indefinite lengths, constructed strings,
// non-minimal lengths) would hash differently in every tool that re-encodes it (keytool does), so
// we refuse it with `non_der_certificate` rather than publish a fingerprint nobody can reproduce.
import { AnalyzerError } from '../errors.ts';
import { LIMITS } from '../limits.ts';

export function assertDer(bytes: Uint8Array, what: string): void {
  if (bytes[0] !== 0x30) throw new AnalyzerError('malformed_asn1', `${what}: not an X.509 certificate (no SEQUENCE)`);
  const end = walk(bytes, 0, bytes.length, 0, what);
  if (end !== bytes.length) throw nonDer(what, `${bytes.length - end} bytes after the certificate`);
}

function nonDer(what: string, detail: string): AnalyzerError {
  return new AnalyzerError('non_der_certificate', `${what} is not DER-encoded (${detail}); its fingerprints would be ambiguous`);
}

/** Checks the TLV at `pos` (and, if constructed, its children); returns where it ends. */
function walk(b: Uint8Array, pos: number, limit: number, depth: number, what: string): number {
  if (depth > LIMITS.maxDepth) throw new AnalyzerError('malformed_asn1', `${what}: nesting deeper than ${LIMITS.maxDepth}`);
  const tag = at(b, pos, limit, what);
  let p = pos + 1;
  if ((tag & 0x1f) === 0x1f) {
    // High tag numbers: base-128 continuation bytes. Bounded: a tag number never needs 5 bytes here.
    let n = 0;
    while (at(b, p, limit, what) & 0x80) { p++; if (++n > 4) throw new AnalyzerError('malformed_asn1', `${what}: tag too long`); }
    p++;
  }
  const { length, next } = readLength(b, p, limit, what);
  const end = next + length;
  if (end > limit) throw new AnalyzerError('malformed_asn1', `${what}: element at byte ${pos} overruns its container`);
  const constructed = (tag & 0x20) !== 0;
  if (constructed && (tag & 0xc0) === 0 && tag !== 0x30 && tag !== 0x31) {
    throw nonDer(what, `constructed string encoding (tag 0x${tag.toString(16)}) at byte ${pos}`);
  }
  if (constructed) {
    let c = next;
    while (c < end) c = walk(b, c, end, depth + 1, what);
  }
  return end;
}

function readLength(b: Uint8Array, p: number, limit: number, what: string): { length: number; next: number } {
  const first = at(b, p, limit, what);
  if (first < 0x80) return { length: first, next: p + 1 };
  if (first === 0x80) throw nonDer(what, `indefinite length at byte ${p}`);
  const n = first & 0x7f;
  if (n > 4) throw new AnalyzerError('malformed_asn1', `${what}: length field of ${n} bytes`);
  let length = 0;
  for (let i = 1; i <= n; i++) length = length * 256 + at(b, p + i, limit, what);
  if (at(b, p + 1, limit, what) === 0 || length < 0x80) throw nonDer(what, `non-minimal length at byte ${p}`);
  return { length, next: p + 1 + n };
}

function at(b: Uint8Array, i: number, limit: number, what: string): number {
  if (i >= limit) throw new AnalyzerError('malformed_asn1', `${what}: truncated ASN.1 element`);
  return b[i] as number;
}
