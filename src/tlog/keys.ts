// The log's two keys (docs/decisions/0017-transparency-log.md):
// - the digest key (HMAC-SHA-256 over private history rows) is derived from BEIAN_HASH_KEY
//   with HKDF (own label, so a log digest can never be matched against the personal-data
//   lookup hashes made with the same secret);
// - the Ed25519 tree-head signing key is BEIAN_LOG_KEY (PKCS#8, PEM or base64 DER) when set;
//   otherwise it is derived from BEIAN_HASH_KEY the same way — for the embedded default that
//   secret is generated into the data folder on first start, so the log key is too.
import { createHash, createPrivateKey, createPublicKey, hkdfSync, type KeyObject, sign, verify } from 'node:crypto';

export interface LogSigner {
  /** Lowercase hex SHA-256 of the SubjectPublicKeyInfo (DER): names the key in every head. */
  keyId: string;
  publicKeyPem: string;
  sign(message: string): Buffer;
}

export interface LogKeys { digestKey: Buffer; signer: LogSigner }

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows (RFC 8410 §7). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const derive = (hashKey: Buffer, label: string) => Buffer.from(hkdfSync('sha256', hashKey, Buffer.alloc(0), label, 32));

/** Reads BEIAN_LOG_KEY: a PEM `PRIVATE KEY` or the base64 of its DER. Throws when it is not Ed25519. */
export function parseLogSigningKey(text: string): KeyObject {
  const trimmed = text.trim();
  const key = trimmed.startsWith('-----BEGIN')
    ? createPrivateKey({ key: trimmed, format: 'pem' })
    : createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`must be an Ed25519 private key, not ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}

export function signerOf(privateKey: KeyObject): LogSigner {
  const pub = createPublicKey(privateKey);
  const der = pub.export({ format: 'der', type: 'spki' });
  return {
    keyId: createHash('sha256').update(der).digest('hex'),
    publicKeyPem: pub.export({ format: 'pem', type: 'spki' }).toString(),
    sign: (message) => sign(null, Buffer.from(message, 'utf8'), privateKey),
  };
}

export function createLogKeys(hashKey: Buffer, signingKey: string | null): LogKeys {
  const privateKey = signingKey
    ? parseLogSigningKey(signingKey)
    : createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, derive(hashKey, 'beian-log-signing-key:v1')]), format: 'der', type: 'pkcs8' });
  return { digestKey: derive(hashKey, 'beian-log-digest:v1'), signer: signerOf(privateKey) };
}

/** The exact text a tree head's signature covers (issue 15 contract). */
export const treeHeadText = (treeSize: number, rootHashHex: string, timestampMs: number): string =>
  `beian-tree-head:v1\n${treeSize}\n${rootHashHex}\n${timestampMs}`;

export function verifyTreeHead(publicKeyPem: string, treeSize: number, rootHashHex: string, timestampMs: number, signature: Buffer): boolean {
  try {
    return verify(null, Buffer.from(treeHeadText(treeSize, rootHashHex, timestampMs), 'utf8'), createPublicKey(publicKeyPem), signature);
  } catch { return false; }
}
