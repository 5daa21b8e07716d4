// Password and API-key storage. Passwords: argon2id. API keys are long random secrets, so a
// SHA-256 digest is enough to store them and lets a lookup find the key in one index probe.
import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';

export const hashPassword = (password: string) => argon2.hash(password, { type: argon2.argon2id });

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try { return await argon2.verify(hash, password); } catch { return false; }
}

export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** A new API key: `bk_` + 32 random bytes base64url; shown once, stored as its digest. */
export function newApiKey(): { key: string; prefix: string; hash: string } {
  const key = `bk_${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, 10), hash: hashApiKey(key) };
}

/** Session tokens and SMS codes are stored as digests too. */
export const digest = (value: string) => createHash('sha256').update(value).digest('base64url');
