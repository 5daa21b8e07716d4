// Thin, defensive access to asn1js trees. asn1js decodes BER (CMS blobs from Apple's codesign use
// indefinite lengths) with depth/node limits; these helpers turn every shape surprise into a
// `malformed_asn1` error instead of a TypeError deep in a parser.
import * as asn1js from 'asn1js';
import { AnalyzerError } from '../errors.ts';
import { LIMITS } from '../limits.ts';

export type Node = asn1js.AsnType;

// asn1js numbers the tag classes 1 (universal) .. 4 (private).
const CLASS_UNIVERSAL = 1;
const CLASS_CONTEXT = 3;

export function malformed(what: string, detail: string): AnalyzerError {
  return new AnalyzerError('malformed_asn1', `${what}: ${detail}`);
}

export function decode(bytes: Uint8Array, what: string): Node {
  let parsed: asn1js.FromBerResult;
  try {
    parsed = asn1js.fromBER(bytes, {
      maxDepth: LIMITS.maxDepth, maxNodes: 200_000, maxContentLength: LIMITS.signingValueBytes, parseEmbedded: false,
    });
  } catch (err) {
    throw new AnalyzerError('malformed_asn1', `${what}: undecodable ASN.1 (${(err as Error).message})`, { cause: err });
  }
  const err = parsed.offset === -1 ? parsed.result.error || 'invalid encoding' : '';
  if (err) throw malformed(what, `undecodable ASN.1 (${err})`);
  return parsed.result;
}

export function isUniversal(node: Node, tagNumber: number): boolean {
  return node.idBlock.tagClass === CLASS_UNIVERSAL && node.idBlock.tagNumber === tagNumber;
}

export function isContext(node: Node, tagNumber: number): boolean {
  return node.idBlock.tagClass === CLASS_CONTEXT && node.idBlock.tagNumber === tagNumber;
}

export function children(node: Node | undefined, what: string): Node[] {
  if (!node || !node.idBlock.isConstructed) throw malformed(what, 'expected a constructed value');
  const value = (node.valueBlock as { value?: unknown }).value;
  if (!Array.isArray(value)) throw malformed(what, 'expected a constructed value');
  // Indefinite-length encodings end with an end-of-contents marker that asn1js keeps as a child.
  return (value as Node[]).filter((c) => !(c instanceof asn1js.EndOfContent));
}

export function child(nodes: Node[], index: number, what: string): Node {
  const node = nodes[index];
  if (!node) throw malformed(what, `missing element ${index + 1}`);
  return node;
}

export function sequence(node: Node | undefined, what: string): Node[] {
  if (!node || !isUniversal(node, 16)) throw malformed(what, 'expected a SEQUENCE');
  return children(node, what);
}

/** The exact bytes this element occupied in the input (never a re-encoding). */
export function raw(node: Node): Uint8Array {
  return node.valueBeforeDecodeView;
}

export function oid(node: Node | undefined, what: string): string {
  if (!(node instanceof asn1js.ObjectIdentifier)) throw malformed(what, 'expected an OBJECT IDENTIFIER');
  return node.valueBlock.toString();
}

export function integer(node: Node | undefined, what: string): Uint8Array {
  if (!(node instanceof asn1js.Integer)) throw malformed(what, 'expected an INTEGER');
  return node.valueBlock.valueHexView;
}

/** Content of an OCTET STRING, concatenating BER constructed segments. */
export function octets(node: Node | undefined, what: string, depth = 0): Uint8Array {
  if (!node || !isUniversal(node, 4) || depth > LIMITS.maxDepth) throw malformed(what, 'expected an OCTET STRING');
  if (!node.idBlock.isConstructed) return (node as asn1js.OctetString).valueBlock.valueHexView;
  const parts = children(node, what).map((c) => octets(c, what, depth + 1));
  return Buffer.concat(parts);
}

export function bitString(node: Node | undefined, what: string): Uint8Array {
  if (!(node instanceof asn1js.BitString) || node.idBlock.isConstructed) throw malformed(what, 'expected a BIT STRING');
  return node.valueBlock.valueHexView;
}

export function time(node: Node | undefined, what: string): Date {
  if (node instanceof asn1js.UTCTime || node instanceof asn1js.GeneralizedTime) {
    const date = node.toDate();
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw malformed(what, 'expected a UTCTime or GeneralizedTime');
}
