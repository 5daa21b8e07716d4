// Re-encoding DER with chosen BER liberties, to build the certificates some old signing tools
// wrote: a definite length in more bytes than needed (`82 00 81` for 129), the long form for a
// short length (`81 05`), an indefinite length (`80` … `00 00`), or a string split into a
// constructed encoding. Everything not named keeps its minimal DER encoding, so the result
// differs from the input exactly where asked.
import { ZipPackage } from '../zip.ts';
import { fixture } from './paths.ts';
import { buildZip } from './zip-writer.ts';

export interface Tlv {
  /** Identifier octets as read (one byte for every tag these tests meet). */
  tag: number;
  /** Content octets of a primitive element. */
  content: Buffer | null;
  /** Children of a constructed element. */
  children: Tlv[] | null;
  /** How to write the length: DER (default), long form in `n` bytes, or indefinite. */
  length?: { longForm: number } | 'indefinite';
  /** Write a primitive string as a constructed one holding these many segments. */
  split?: number;
}

/** Parses DER (definite lengths only) into a tree. */
export function parseDer(bytes: Buffer): Tlv {
  const { node, end } = parseAt(bytes, 0);
  if (end !== bytes.length) throw new Error(`${bytes.length - end} bytes after the element`);
  return node;
}

function parseAt(b: Buffer, pos: number): { node: Tlv; end: number } {
  const tag = b[pos] as number;
  if ((tag & 0x1f) === 0x1f) throw new Error('high tag numbers are not needed here');
  let p = pos + 1;
  const first = b[p++] as number;
  let length = first;
  if (first & 0x80) {
    length = 0;
    for (let i = 0; i < (first & 0x7f); i++) length = length * 256 + (b[p++] as number);
  }
  const end = p + length;
  if (!(tag & 0x20)) return { node: { tag, content: b.subarray(p, end), children: null }, end };
  const children: Tlv[] = [];
  for (let c = p; c < end;) {
    const child = parseAt(b, c);
    children.push(child.node);
    c = child.end;
  }
  return { node: { tag, content: null, children }, end };
}

export function encode(node: Tlv): Buffer {
  if (node.split && node.content) {
    const size = Math.ceil(node.content.length / node.split);
    const segments: Tlv[] = [];
    for (let i = 0; i < node.content.length; i += size) segments.push({ tag: node.tag, content: node.content.subarray(i, i + size), children: null });
    return encode({ tag: node.tag | 0x20, content: null, children: segments, length: node.length });
  }
  const body = node.children ? Buffer.concat(node.children.map(encode)) : (node.content as Buffer);
  if (node.length === 'indefinite') return Buffer.concat([Buffer.from([node.tag, 0x80]), body, Buffer.from([0, 0])]);
  return Buffer.concat([Buffer.from([node.tag]), lengthOctets(body.length, node.length?.longForm), body]);
}

function lengthOctets(n: number, longForm?: number): Buffer {
  if (longForm === undefined) {
    if (n < 0x80) return Buffer.from([n]);
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    return Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  const out = Buffer.alloc(1 + longForm);
  out[0] = 0x80 | longForm;
  for (let i = longForm, v = n; i >= 1; i--, v = Math.floor(v / 256)) out[i] = v & 0xff;
  return out;
}

/** The element at an index path (`[0, 2]` = third child of the first child). */
export function at(root: Tlv, path: readonly number[]): Tlv {
  let node = root;
  for (const i of path) {
    const next = node.children?.[i];
    if (!next) throw new Error(`no element at ${path.join('.')}`);
    node = next;
  }
  return node;
}

/** Inside a ContentInfo(SignedData): contentInfo → [0] → SignedData → [0] certificates → first. */
export const PKCS7_FIRST_CERTIFICATE = [1, 0, 3, 0];
/** Inside a Certificate. */
export const CERT = {
  tbs: [0],
  signatureValue: [2],
  serial: [0, 1],
  issuer: [0, 3],
  subject: [0, 5],
  spki: [0, 6],
} as const;

/**
 * The APK again (entries in order, all deflated), with the first certificate of its v1 signature
 * block re-encoded by `edit`. The signature over the .SF file does not cover the certificate, so
 * the package still verifies wherever the new encoding is accepted.
 */
export async function withV1Certificate(apk: string, edit: (certificate: Tlv) => void): Promise<Buffer> {
  const zip = await ZipPackage.open(apk);
  try {
    const names = [...zip.names()];
    const block = names.find((n) => /^META-INF\/[^/]+\.(RSA|DSA|EC)$/i.test(n));
    if (!block) throw new Error(`${apk} has no v1 signature block`);
    const entries = [];
    for (const name of names) {
      let data = await zip.read(name, 64 << 20);
      if (name === block) {
        const tree = parseDer(data);
        edit(at(tree, PKCS7_FIRST_CERTIFICATE));
        data = encode(tree);
      }
      entries.push({ name, data });
    }
    return buildZip(entries);
  } finally {
    await zip.close();
  }
}

/** The first certificate of a v1 signature block file, as stored. */
export function firstCertificate(pkcs7: Buffer): Buffer {
  return encode(at(parseDer(pkcs7), PKCS7_FIRST_CERTIFICATE));
}

/**
 * The real v1-only a2dp.Vol_137.apk with its certificate as some old signing tools wrote it: the
 * signature value's length in 3 bytes (`83 00 01 01`) instead of 2, as apksig's own test APK
 * v1-only-with-rsa-1024-cert-not-der.apk. `certificate`: the bytes now stored.
 */
export async function oldToolA2dp(): Promise<{ apk: Buffer; certificate: Buffer }> {
  let certificate: Buffer = Buffer.alloc(0);
  const apk = await withV1Certificate(fixture('a2dp.Vol_137.apk'), (c) => {
    at(c, CERT.signatureValue).length = { longForm: 3 };
    certificate = encode(c);
  });
  return { apk, certificate };
}
