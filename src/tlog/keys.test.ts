// The log's keys: derived deterministically from the hash key unless BEIAN_LOG_KEY is set;
// the digest key is not the hash key itself; a head's signature covers exactly the contract text.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLogKeys, treeHeadText, verifyTreeHead } from './keys.ts';

describe('log keys', () => {
  const hashKey = Buffer.alloc(32, 3);

  it('derives the same signing and digest keys from the same hash key (every process of one deployment agrees)', () => {
    const a = createLogKeys(hashKey, null);
    const b = createLogKeys(Buffer.from(hashKey), null);
    expect(a.signer.keyId).toBe(b.signer.keyId);
    expect(a.signer.keyId).toMatch(/^[0-9a-f]{64}$/);
    expect(a.digestKey.equals(b.digestKey)).toBe(true);
    expect(a.digestKey.equals(hashKey)).toBe(false);
    expect(createLogKeys(Buffer.alloc(32, 4), null).signer.keyId).not.toBe(a.signer.keyId);
  });

  it('signs with BEIAN_LOG_KEY when configured, keeping the derived digest key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const k = createLogKeys(hashKey, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    expect(k.signer.publicKeyPem).toBe(publicKey.export({ format: 'pem', type: 'spki' }).toString());
    expect(k.digestKey.equals(createLogKeys(hashKey, null).digestKey)).toBe(true);
  });

  it('signs exactly "beian-tree-head:v1\\n{treeSize}\\n{rootHash}\\n{timestamp}"', () => {
    const { signer } = createLogKeys(hashKey, null);
    const root = 'ab'.repeat(32);
    expect(treeHeadText(12, root, 1764842400000)).toBe(`beian-tree-head:v1\n12\n${root}\n1764842400000`);
    const sig = signer.sign(treeHeadText(12, root, 1764842400000));
    expect(sig).toHaveLength(64);
    expect(verifyTreeHead(signer.publicKeyPem, 12, root, 1764842400000, sig)).toBe(true);
    expect(verifyTreeHead(signer.publicKeyPem, 12, root, 1764842400001, sig)).toBe(false);
    expect(verifyTreeHead('not a key', 12, root, 1764842400000, sig)).toBe(false);
  });
});
