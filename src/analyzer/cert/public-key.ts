// The public key "as filing consoles want it" (DOMAIN.md §2.4 公钥): RSA → the modulus in uppercase
// hex, exactly what `openssl x509 -noout -modulus` prints; EC → the point as stored (uncompressed
// 04‖X‖Y in every real certificate); DSA → y; EdDSA → the raw key. Sizes as apksigner reports them.
// Beside it, the whole SubjectPublicKeyInfo as stored (what `openssl x509 -pubkey` prints as PEM),
// for hosts who paste that instead of the modulus.
import { createHash } from 'node:crypto';
import { hex, stripLeadingZeros } from '../bytes.ts';
import type { PublicKeyInfo } from '../types.ts';
import { bitString, children, decode, integer, oid, raw, sequence, type Node } from './asn1.ts';

const RSA = '1.2.840.113549.1.1.1';
const RSA_PSS = '1.2.840.113549.1.1.10';
const EC = '1.2.840.10045.2.1';
const DSA = '1.2.840.10040.4.1';
const ED25519 = '1.3.101.112';
const ED448 = '1.3.101.113';

/** Named curves: the name NIST / SEC 2 / GM/T / RFC 5639 give them, and their size. */
const CURVES: Record<string, [string, number]> = {
  '1.2.840.10045.3.1.1': ['P-192', 192],
  '1.3.132.0.33': ['P-224', 224],
  '1.2.840.10045.3.1.7': ['P-256', 256],
  '1.3.132.0.34': ['P-384', 384],
  '1.3.132.0.35': ['P-521', 521],
  '1.3.132.0.10': ['secp256k1', 256],
  '1.2.156.10197.1.301': ['SM2', 256], // GM/T 0003, used by some Chinese CAs
  '1.3.36.3.3.2.8.1.1.7': ['brainpoolP256r1', 256],
  '1.3.36.3.3.2.8.1.1.11': ['brainpoolP384r1', 384],
  '1.3.36.3.3.2.8.1.1.13': ['brainpoolP512r1', 512],
};

/** SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING } */
export function publicKeyInfo(spki: Node, what: string): PublicKeyInfo {
  const [algorithm, keyBits] = sequence(spki, what);
  const [algOid, params] = sequence(algorithm, what);
  const stored = raw(spki);
  const { algorithm: name, bits, curve, hex: key } = keyFields(oid(algOid, what), params, bitString(keyBits, what), what);
  return {
    algorithm: name, bits, curve: curve ?? null, hex: key,
    spki: hex(stored, true),
    spkiSha256: createHash('sha256').update(stored).digest('hex'),
  };
}

type KeyFields = Omit<PublicKeyInfo, 'spki' | 'spkiSha256' | 'curve'> & { curve?: string | null };

function keyFields(alg: string, params: Node | undefined, key: Uint8Array, what: string): KeyFields {
  switch (alg) {
    case RSA:
    case RSA_PSS: {
      const [modulus] = sequence(decode(key, `${what} RSA key`), `${what} RSA key`);
      const n = stripLeadingZeros(integer(modulus, `${what} RSA modulus`));
      return { algorithm: 'RSA', bits: bitLength(n), hex: hex(n, true) };
    }
    case EC: {
      const curve = params ? safeOid(params) : null;
      const named = curve ? CURVES[curve] : undefined;
      const bits = named?.[1] ?? (key[0] === 4 ? ((key.length - 1) / 2) * 8 : null);
      return { algorithm: 'EC', bits, hex: hex(key, true), curve: named?.[0] ?? curve };
    }
    case DSA: {
      const p = params ? children(params, `${what} DSA parameters`)[0] : undefined;
      const y = stripLeadingZeros(integer(decode(key, `${what} DSA key`), `${what} DSA key`));
      return { algorithm: 'DSA', bits: p ? bitLength(stripLeadingZeros(integer(p, what))) : null, hex: hex(y, true) };
    }
    case ED25519: return { algorithm: 'Ed25519', bits: 256, hex: hex(key, true) };
    case ED448: return { algorithm: 'Ed448', bits: 456, hex: hex(key, true) };
    default: return { algorithm: alg, bits: null, hex: hex(key, true) };
  }
}

function safeOid(node: Node): string | null {
  try {
    return oid(node, 'curve');
  } catch {
    return null; // explicit curve parameters: size then comes from the point length
  }
}

function bitLength(n: Uint8Array): number {
  const top = n[0] ?? 0;
  return top === 0 ? 0 : (n.length - 1) * 8 + (32 - Math.clz32(top));
}
