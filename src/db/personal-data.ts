// Personal data at rest (issue 2, item 3): ID numbers, mobiles and emails of persons are
// sealed with AES-256-GCM under a key id (so keys can rotate) and paired with a keyed
// HMAC-SHA-256 for equality lookups and uniqueness rules. Envelope: `v1.<keyid>.<iv>.<ct>.<tag>`
// (base64url parts). Values never reach logs: callers hold them only in memory.
import { createCipheriv, createDecipheriv, createHmac, randomFillSync } from 'node:crypto';

export interface Secrets { dataKeys: { id: string; key: Buffer }[]; hashKey: Buffer }

/** Hash domains: a phone is one kind whether it is a mobile or an emergency number. */
/** `client_address`: a requester's address (IPv4, or an IPv6 /64), kept only as this keyed hash (registration codes). */
export type PersonalKind = 'phone' | 'email' | 'id_number' | 'sms_code' | 'client_address';

export class PersonalDataError extends Error {
  readonly code = 'personal_data_unreadable';
}

export interface Sealer {
  seal(plaintext: string): string;
  open(envelope: string): string;
  hash(kind: PersonalKind, normalised: string): string;
  /** Re-seals an envelope under the current key (rotation). */
  reseal(envelope: string): string;
}

export function createSealer(secrets: Secrets): Sealer {
  const [current] = secrets.dataKeys;
  if (!current) throw new PersonalDataError('no data key configured');
  const byId = new Map(secrets.dataKeys.map((k) => [k.id, k.key]));

  // Random 96-bit IVs, drawn from the CSPRNG 1,024 at a time: one randomBytes call per seal was
  // a third of sealing's cost in a bulk import (ADR 0032). Each IV is used once, as before.
  const ivs = Buffer.alloc(12 * 1024);
  let ivAt = ivs.length;
  const aad = Buffer.from(current.id);
  const seal = (plaintext: string) => {
    if (ivAt === ivs.length) { randomFillSync(ivs); ivAt = 0; }
    const iv = ivs.subarray(ivAt, ivAt + 12); // used within this call only
    ivAt += 12;
    const cipher = createCipheriv('aes-256-gcm', current.key, iv);
    cipher.setAAD(aad);
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', current.id, iv.toString('base64url'), ct.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  };

  const open = (envelope: string) => {
    const [v, id, iv, ct, tag] = envelope.split('.');
    const key = id === undefined ? undefined : byId.get(id);
    if (v !== 'v1' || !key || iv === undefined || ct === undefined || tag === undefined) {
      throw new PersonalDataError(`cannot open sealed value (key "${id ?? '?'}" unknown or envelope malformed)`);
    }
    try {
      // Without authTagLength GCM accepts a truncated tag (down to 4 bytes): insist on all 16.
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
      decipher.setAAD(Buffer.from(id!));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new PersonalDataError(`sealed value failed authentication under key "${id}"`);
    }
  };

  return {
    seal,
    open,
    hash: (kind, normalised) => createHmac('sha256', secrets.hashKey).update(`${kind}\0${normalised}`).digest('base64url'),
    reseal: (envelope) => (envelope.split('.')[1] === current.id ? envelope : seal(open(envelope))),
  };
}

/** Masks for audiences that may know a value exists but not read it (house rule 10). */
export const mask = {
  phone: (s: string) => (s.length >= 7 ? `${s.slice(0, 3)}****${s.slice(-4)}` : '****'),
  email: (s: string) => {
    const at = s.indexOf('@');
    return at > 0 ? `${s[0]}***${s.slice(at)}` : '***';
  },
  idNumber: (s: string) => (s.length > 8 ? `${s.slice(0, 3)}${'*'.repeat(s.length - 7)}${s.slice(-4)}` : '****'),
  /** An individual host's name in public records: 张三 → 张*, 欧阳娜娜 → 欧***. */
  personName: (s: string) => { const chars = [...s]; return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`; },
};
