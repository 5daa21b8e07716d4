// How a certificate is encoded, judged the way Android reads it (docs/decisions/0013). X.509 wants
// DER (RFC 5280 §4.1), but some old signing tools wrote definite lengths in more bytes than needed
// (`82 00 81` for 129, `81 05` for 5), and Android installs such apps: the BoringSSL behind its
// certificate factory keeps accepting non-minimal definite lengths for them (b/18228011; anywhere
// in the releases Android shipped for years, in the signature field in the newest), PackageManager
// keeps the certificate bytes as stored (VerbatimX509Certificate) and compares those, and apksigner
// prints their digests. So they are read — never re-encoded — and fingerprinted as stored; the
// caller reports `certificate_not_der`.
//
// Refused with `non_der_certificate`, as Android refuses them: indefinite lengths and constructed
// (segmented) strings, which BoringSSL never parses in a certificate, and length fields longer
// than 4 bytes, which apksigner rejects too ("Length too large").
import { AnalyzerError } from '../errors.ts';
import { LIMITS } from '../limits.ts';

/** Longest length field Android's parsers (apksig's BER reader, BoringSSL on 32-bit lengths) read. */
const MAX_LENGTH_BYTES = 4;

/**
 * Null when the certificate is strict DER; otherwise where it first departs from DER in a way
 * Android accepts (e.g. `non-minimal length 82 00 81 at byte 512`). Throws for what Android refuses.
 */
export function certificateEncoding(bytes: Uint8Array, what: string): string | null {
  if (bytes[0] !== 0x30) throw new AnalyzerError('malformed_asn1', `${what}: not an X.509 certificate (no SEQUENCE)`);
  const state: Walk = { what, liberty: null };
  const end = walk(bytes, 0, bytes.length, 0, state);
  if (end !== bytes.length) throw refused(what, `${bytes.length - end} bytes after the certificate`);
  return state.liberty;
}

interface Walk { what: string; liberty: string | null }

function refused(what: string, detail: string): AnalyzerError {
  return new AnalyzerError('non_der_certificate',
    `${what} is encoded in a way Android refuses (${detail}); only non-minimal definite lengths are accepted besides DER`);
}

/** Checks the TLV at `pos` (and, if constructed, its children); returns where it ends. */
function walk(b: Uint8Array, pos: number, limit: number, depth: number, state: Walk): number {
  const { what } = state;
  if (depth > LIMITS.maxDepth) throw new AnalyzerError('malformed_asn1', `${what}: nesting deeper than ${LIMITS.maxDepth}`);
  const tag = at(b, pos, limit, what);
  let p = pos + 1;
  if ((tag & 0x1f) === 0x1f) {
    // High tag numbers: base-128 continuation bytes. Bounded: a tag number never needs 5 bytes here.
    let n = 0;
    while (at(b, p, limit, what) & 0x80) { p++; if (++n > 4) throw new AnalyzerError('malformed_asn1', `${what}: tag too long`); }
    p++;
  }
  const { length, next } = readLength(b, p, limit, state);
  const end = next + length;
  if (end > limit) throw new AnalyzerError('malformed_asn1', `${what}: element at byte ${pos} overruns its container`);
  const constructed = (tag & 0x20) !== 0;
  if (constructed && (tag & 0xc0) === 0 && tag !== 0x30 && tag !== 0x31) {
    throw refused(what, `constructed string encoding (tag 0x${tag.toString(16)}) at byte ${pos}`);
  }
  if (constructed) {
    let c = next;
    while (c < end) c = walk(b, c, end, depth + 1, state);
  }
  return end;
}

function readLength(b: Uint8Array, p: number, limit: number, state: Walk): { length: number; next: number } {
  const { what } = state;
  const first = at(b, p, limit, what);
  if (first < 0x80) return { length: first, next: p + 1 };
  if (first === 0x80) throw refused(what, `indefinite length at byte ${p}`);
  const n = first & 0x7f;
  if (n > MAX_LENGTH_BYTES) throw refused(what, `length field of ${n} bytes at byte ${p}; Android and apksigner read at most ${MAX_LENGTH_BYTES}`);
  let length = 0;
  for (let i = 1; i <= n; i++) length = length * 256 + at(b, p + i, limit, what);
  if (state.liberty === null && (at(b, p + 1, limit, what) === 0 || length < 0x80)) {
    const octets = Array.from(b.subarray(p, p + 1 + n), (x) => x.toString(16).padStart(2, '0')).join(' ');
    state.liberty = `non-minimal length ${octets} at byte ${p}`;
  }
  return { length, next: p + 1 + n };
}

function at(b: Uint8Array, i: number, limit: number, what: string): number {
  if (i >= limit) throw new AnalyzerError('malformed_asn1', `${what}: truncated ASN.1 element`);
  return b[i] as number;
}
