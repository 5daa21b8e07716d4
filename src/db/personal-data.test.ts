// Personal data at rest (issue 2, item 3): sealing, key rotation, tamper detection, keyed
// hashes, masks — and a scan of every table after the demo seed and a filing run through
// HTTP, proving no cleartext ID number, mobile or email of a person is stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, registerWithCode, SETUP_TIMEOUT, signIn } from '../../tests/auth.ts';
import { appMaterials, call, CLOUD, deliver, orgId, throughSms } from '../../tests/filing.ts';
import type { Queryable } from './connection.ts';
import { createSealer, mask, PersonalDataError, type PersonalKind, type Secrets } from './personal-data.ts';
import { DEMO_PEOPLE } from './seed/demo.ts';
import { usccCheckChar } from '../domain/validation/index.ts';

const K1 = { id: 'k1', key: Buffer.alloc(32, 0x11) };
const K2 = { id: 'k2', key: Buffer.alloc(32, 0x22) };
const HASH_A = Buffer.alloc(32, 0xa1);
const HASH_B = Buffer.alloc(32, 0xb2);
const secrets = (...dataKeys: Secrets['dataKeys']): Secrets => ({ dataKeys, hashKey: HASH_A });

/** Replaces one base64url character of part `i` of an envelope with another. */
function tamper(envelope: string, i: number): string {
  const parts = envelope.split('.');
  const p = parts[i]!;
  parts[i] = (p[0] === 'A' ? 'B' : 'A') + p.slice(1);
  return parts.join('.');
}

describe('createSealer', () => {
  const sealer = createSealer(secrets(K1));

  it('opens what it sealed: ASCII, Chinese, the empty string', () => {
    for (const v of ['110105199201010015', '13800138003', 'wang@demo.beian.test', '王小二 北京市西城区', '']) {
      expect(sealer.open(sealer.seal(v))).toBe(v);
    }
  });

  it('writes v1.<key id>.<iv>.<ciphertext>.<tag>, without the plaintext, with a fresh IV each time', () => {
    const a = sealer.seal('13800138003');
    const b = sealer.seal('13800138003');
    const parts = a.split('.');
    expect(parts).toHaveLength(5);
    expect(parts.slice(0, 2)).toEqual(['v1', 'k1']);
    for (const p of parts.slice(2)) expect(p).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(parts[2]!, 'base64url')).toHaveLength(12); // GCM IV
    expect(Buffer.from(parts[4]!, 'base64url')).toHaveLength(16); // GCM tag
    expect(a).not.toContain('13800138003');
    expect(a).not.toBe(b);
  });

  it('never repeats an IV, across the refills of its pool of random IVs (1,024 per refill)', () => {
    const ivs = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const sealed = sealer.seal('13800138003');
      ivs.add(sealed.split('.')[2]!);
      if (i % 997 === 0) expect(sealer.open(sealed)).toBe('13800138003');
    }
    expect(ivs.size).toBe(3000);
  });

  it('refuses to be created without a key', () => {
    expect(() => createSealer(secrets())).toThrow(PersonalDataError);
  });

  describe('key rotation', () => {
    const old = createSealer(secrets(K1));
    const rotated = createSealer(secrets(K2, K1));
    const sealedOld = old.seal('440305198503120036');

    it('opens values sealed under an older key after a new key is prepended', () => {
      expect(rotated.open(sealedOld)).toBe('440305198503120036');
    });

    it('seals new values under the first (new) key', () => {
      expect(rotated.seal('x').split('.')[1]).toBe('k2');
    });

    it('reseal moves a value to the new key; a value already under it is returned unchanged', () => {
      const moved = rotated.reseal(sealedOld);
      expect(moved.split('.')[1]).toBe('k2');
      expect(rotated.open(moved)).toBe('440305198503120036');
      expect(rotated.reseal(moved)).toBe(moved);
      // Once resealed, the old key can be dropped.
      expect(createSealer(secrets(K2)).open(moved)).toBe('440305198503120036');
    });

    it('cannot open a value whose key was dropped, and says which key', () => {
      expect(() => createSealer(secrets(K2)).open(sealedOld)).toThrow(PersonalDataError);
      expect(() => createSealer(secrets(K2)).open(sealedOld)).toThrow(/"k1"/);
    });

    it('hashes do not change when data keys rotate (lookups keep working)', () => {
      expect(rotated.hash('phone', '13800138001')).toBe(old.hash('phone', '13800138001'));
    });
  });

  describe('tampering', () => {
    const sealed = sealer.seal('13800138001');
    const other = createSealer(secrets(K1, { id: 'k9', key: Buffer.alloc(32, 0x99) }));

    it.each([
      ['the ciphertext', 3], ['the tag', 4], ['the IV', 2],
    ])('changing %s is detected', (_part, i) => {
      const bad = tamper(sealed, i);
      expect(bad).not.toBe(sealed);
      expect(() => sealer.open(bad)).toThrow(PersonalDataError);
    });

    it('relabelling an envelope with another known key id is detected (the key id is authenticated)', () => {
      const relabelled = sealed.replace('v1.k1.', 'v1.k9.');
      expect(() => other.open(relabelled)).toThrow(PersonalDataError);
    });

    it.each([
      ['not an envelope', 'plaintext'], ['an unknown version', sealed.replace(/^v1/, 'v2')], ['a missing part', sealed.split('.').slice(0, 4).join('.')],
      ['a truncated tag', sealed.slice(0, -4)],
    ])('%s is refused with PersonalDataError', (_what, bad) => {
      expect(() => sealer.open(bad)).toThrow(PersonalDataError);
    });

    it('names the error personal_data_unreadable and never echoes the value', () => {
      try {
        sealer.open(tamper(sealed, 3));
        expect.unreachable();
      } catch (e) {
        expect((e as PersonalDataError).code).toBe('personal_data_unreadable');
        expect((e as Error).message).not.toContain('13800138001');
      }
    });
  });

  describe('keyed hash', () => {
    const a = createSealer({ dataKeys: [K1], hashKey: HASH_A });
    const b = createSealer({ dataKeys: [K1], hashKey: HASH_B });

    it('is deterministic for a kind and value', () => {
      expect(a.hash('phone', '13800138001')).toBe(a.hash('phone', '13800138001'));
      expect(createSealer({ dataKeys: [K2], hashKey: HASH_A }).hash('email', 'a@b.cn')).toBe(a.hash('email', 'a@b.cn'));
    });

    it('differs across values, kinds and hash keys, and does not contain the value', () => {
      const kinds: PersonalKind[] = ['phone', 'email', 'id_number', 'sms_code'];
      const byKind = kinds.map((k) => a.hash(k, '13800138001'));
      expect(new Set(byKind).size).toBe(kinds.length);
      expect(a.hash('phone', '13800138001')).not.toBe(a.hash('phone', '13800138002'));
      expect(a.hash('phone', '13800138001')).not.toBe(b.hash('phone', '13800138001'));
      for (const h of byKind) {
        expect(h).toMatch(/^[A-Za-z0-9_-]{43}$/); // HMAC-SHA-256, base64url
        expect(h).not.toContain('13800138001');
      }
    });

    it('keeps kind and value apart (no ambiguity where one ends and the other begins)', () => {
      expect(a.hash('phone', 'x')).not.toBe(a.hash('phone' as PersonalKind, '\0x'));
      expect(a.hash('email', 'phone')).not.toBe(a.hash('phone', 'email'));
    });
  });
});

describe('mask', () => {
  it('shows the first 3 and last 4 digits of a phone', () => {
    expect(mask.phone('13800138001')).toBe('138****8001');
    expect(mask.phone('+8613800138001')).toBe('+86****8001');
    expect(mask.phone('123456')).toBe('****');
  });

  it('shows the first letter and the domain of an email', () => {
    expect(mask.email('liming@demo.beian.test')).toBe('l***@demo.beian.test');
    expect(mask.email('@nobody')).toBe('***');
    expect(mask.email('no-at-sign')).toBe('***');
  });

  it('keeps the length of an ID number, hiding all but the first 3 and last 4 characters', () => {
    expect(mask.idNumber('440305198503120036')).toBe('440***********0036');
    expect(mask.idNumber('440305198503120036')).toHaveLength(18);
    expect(mask.idNumber('11010519491231002X')).toBe('110***********002X');
    expect(mask.idNumber('12345678')).toBe('****');
  });

  it('keeps the first character of a person name, counting characters not UTF-16 units', () => {
    expect(mask.personName('张三')).toBe('张*');
    expect(mask.personName('欧阳娜娜')).toBe('欧***');
    expect(mask.personName('王')).toBe('*');
    expect(mask.personName('𠮷田优')).toBe('𠮷**');
  });
});

// ---------------------------------------------------------------------------------------

interface Hit { table: string; column: string; needle: string }

/** Every column of every table (cast to JSON text) holding any needle, case-insensitively. */
async function scanAllTables(db: Queryable, needles: string[]): Promise<Hit[]> {
  const tables = await db.query<{ table_name: string }>(
    `select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`);
  const hits: Hit[] = [];
  for (const { table_name: table } of tables) {
    const rows = await db.query<{ r: Record<string, unknown> }>(`select to_jsonb(t) as r from "${table}" t`);
    for (const { r } of rows) {
      for (const [column, value] of Object.entries(r)) {
        const text = (typeof value === 'string' ? value : JSON.stringify(value) ?? '').toLowerCase();
        for (const needle of needles) if (text.includes(needle.toLowerCase())) hits.push({ table, column, needle });
      }
    }
  }
  return hits;
}

const uniqueHits = (hits: Hit[]) => [...new Map(hits.map((h) => [`${h.table}.${h.column}:${h.needle}`, h])).values()];

describe('personal data at rest', () => {
  let h: AuthTestApp;
  const needles: string[] = [];

  beforeAll(async () => {
    h = await authTestApp(); // migrated, demo-seeded
    for (const p of Object.values(DEMO_PEOPLE)) needles.push(p.certificateNumber, p.mobile, p.emergencyPhone ?? '', p.email);
    needles.push('13800138000'); // the demo host's own mobile

    // One APP filing through HTTP, so applications, sms_challenges, the outbox, the SMS inbox,
    // notifications, history and idempotency_keys hold rows too.
    h.clock.set('2026-03-02T02:00:00Z');
    const [host, provider] = await Promise.all([signIn(h.app, 'host@demo.beian.test'), signIn(h.app, 'provider.demo')]);
    const cloud = await orgId(h.t.db, CLOUD);
    const materials = appMaterials(cloud);
    for (const p of [materials.subject.principal, materials.service.principal]) needles.push(p.certificateNumber, p.mobile, p.emergencyPhone, p.email);
    const created = await h.app.inject({
      method: 'POST', url: '/api/host/applications', headers: { ...host.headers, 'idempotency-key': 'at-rest-scan-0001' },
      payload: { serviceType: 'app', submitterOrgId: cloud, materials },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    await call(h.app, host, 'POST', `/api/host/applications/${id}/identity-verification`);
    await call(h.app, host, 'POST', `/api/host/applications/${id}/submit`, {});
    await throughSms(h, host, provider, id);
    await deliver(h);

    // A host registering, and sign-ins failing for an unknown email and mobile (login_throttle).
    const newcomer = { displayName: '新用户', mobile: '13912398765', email: 'newcomer.scan@example.test', password: 'Scan-Test-Passw0rd' };
    needles.push(newcomer.mobile, newcomer.email, 'nobody.scan@example.test', '13712398765');
    const registered = await registerWithCode(h.app, h.t, newcomer);
    expect(registered.statusCode, registered.body).toBe(201);
    for (const login of ['nobody.scan@example.test', '13712398765']) {
      const failed = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login, password: 'wrong-password-1' } });
      expect(failed.statusCode).toBe(401);
    }
  }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); });

  it('the scan finds cleartext where it is stored (names and a unit USCC are public)', async () => {
    const demoUscc = '91440300MA5DEM0X1' + usccCheckChar('91440300MA5DEM0X1'); // 深圳市示例网络科技有限公司
    const found = uniqueHits(await scanAllTables(h.t.db, [DEMO_PEOPLE.chenJing.name, demoUscc]));
    expect(found).toEqual(expect.arrayContaining([
      { table: 'persons', column: 'name', needle: DEMO_PEOPLE.chenJing.name },
      { table: 'subjects', column: 'certificate_number', needle: demoUscc },
    ]));
  });

  it('rows exist in the tables that could leak (the scan is not of empty tables)', async () => {
    for (const table of ['persons', 'users', 'subjects', 'applications', 'outbox', 'sms_challenges', 'dev_sms_messages', 'notifications', 'idempotency_keys', 'login_throttle', 'history']) {
      const [row] = await h.t.db.query<{ n: number }>(`select count(*)::int as n from ${table}`);
      expect(row!.n, table).toBeGreaterThan(0);
    }
  });

  it('no ID number, mobile or email of a person is stored in clear in any table', async () => {
    expect(needles.filter(Boolean).length).toBeGreaterThanOrEqual(4 * 4 + 1 + 2 * 4 + 4);
    const hits = uniqueHits(await scanAllTables(h.t.db, needles.filter(Boolean)));
    expect(hits).toEqual([]);
  });

  it('hosts have no login in clear: they sign in by email or mobile, found by keyed hash', async () => {
    const rows = await h.t.db.query<{ n: number }>(`select count(*)::int as n from users where role = 'host' and login is not null`);
    expect(rows[0]!.n).toBe(0);
    const [hosts] = await h.t.db.query<{ n: number }>(`select count(*)::int as n from users where role = 'host' and email_hash is not null`);
    expect(hosts!.n).toBeGreaterThanOrEqual(3); // two demo hosts and the newcomer
  });
});
