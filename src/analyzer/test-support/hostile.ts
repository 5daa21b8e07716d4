// Builders for broken and hostile inputs: DER/BER by hand, PKCS#7 around any certificate bytes,
// an APK Signing Block around any v2 value, cyclic binary plists, and the pieces of a real APK.
import { fixture } from './paths.ts';
import { ZipPackage } from '../zip.ts';

/** A DER TLV with a definite length. */
export function tlv(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

/** The same certificate with its outer SEQUENCE re-encoded with an indefinite length (BER). */
export function indefiniteLength(der: Buffer): Buffer {
  const lenBytes = der[1] as number;
  const headerLength = lenBytes < 0x80 ? 2 : 2 + (lenBytes & 0x7f);
  return Buffer.concat([Buffer.from([0x30, 0x80]), der.subarray(headerLength), Buffer.from([0, 0])]);
}

const OID_SIGNED_DATA = Buffer.from('06092a864886f70d010702', 'hex');
const OID_DATA = Buffer.from('06092a864886f70d010701', 'hex');

/** ContentInfo(SignedData) carrying `certificates` as stored, with no SignerInfo. */
export function pkcs7With(...certificates: Buffer[]): Buffer {
  const signedData = tlv(0x30, tlv(0x02, Buffer.from([1])), tlv(0x31), tlv(0x30, OID_DATA), tlv(0xa0, ...certificates), tlv(0x31));
  return tlv(0x30, OID_SIGNED_DATA, tlv(0xa0, signedData));
}

const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
const u64 = (n: number) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); return b; };
const lp = (...parts: Buffer[]) => { const body = Buffer.concat(parts); return Buffer.concat([u32(body.length), body]); };

/** A v2 block value with one signer whose certificate list is `certs` (digests, signatures empty). */
export function v2Value(...certs: Buffer[]): Buffer {
  const signedData = lp(lp(), lp(...certs.map((c) => lp(c))), lp());
  return lp(lp(signedData, lp(), lp()));
}

/** An APK Signing Block holding the given (id, value) pairs. */
export function signingBlock(pairs: [number, Buffer][], sizeOverride?: number): Buffer {
  const body = Buffer.concat(pairs.map(([id, value]) => Buffer.concat([u64(value.length + 4), u32(id), value])));
  const size = sizeOverride ?? body.length + 8 + 16;
  return Buffer.concat([u64(size), body, u64(size), Buffer.from('APK Sig Block 42', 'latin1')]);
}

/** bplist00 with one array that contains itself. */
export function cyclicBinaryPlist(): Buffer {
  const header = Buffer.from('bplist00', 'latin1');
  const array = Buffer.from([0xa1, 0x00]); // array of 1, ref → object 0 (itself)
  const table = Buffer.from([8]);
  const trailer = Buffer.alloc(32);
  trailer[6] = 1; // offset int size
  trailer[7] = 1; // object ref size
  trailer.writeBigUInt64BE(1n, 8); // objects
  trailer.writeBigUInt64BE(0n, 16); // top
  trailer.writeBigUInt64BE(10n, 24); // offset table at byte 10
  return Buffer.concat([header, array, table, trailer]);
}

/** AndroidManifest.xml, resources.arsc and the v1 signature of a real APK, to build variants from. */
export async function realApkParts(): Promise<{ manifest: Buffer; arsc: Buffer; rsa: Buffer; sf: Buffer }> {
  const zip = await ZipPackage.open(fixture('TestActivity_signed_both.apk'));
  try {
    return {
      manifest: await zip.read('AndroidManifest.xml', 1 << 20),
      arsc: await zip.read('resources.arsc', 1 << 20),
      rsa: await zip.read('META-INF/ANDROGUA.RSA', 1 << 20),
      sf: await zip.read('META-INF/ANDROGUA.SF', 1 << 20),
    };
  } finally {
    await zip.close();
  }
}

/** The chunks of a binary XML document after its 8-byte header: [offset, size, type]. */
export function axmlChunks(xml: Buffer): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let off = 8; off + 8 <= xml.length;) {
    const size = xml.readUInt32LE(off + 4);
    out.push([off, size, xml.readUInt16LE(off)]);
    off += size;
  }
  return out;
}
