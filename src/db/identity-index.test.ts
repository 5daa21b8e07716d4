// The compact identity index (ADR 0022) against a plain Map model: insert, replace, delete,
// growth and rehash, collisions of the 32-bit hash, interning of service parts, compaction.
import { describe, expect, it } from 'vitest';
import { RECORDED_MD5, RECORDED_SHA1, RECORDED_SHA256, type RegisteredIdentity } from '../domain/verification.ts';
import { hashString, IdentityIndex, IdentityRead, LINE_FIELDS, NOT_TAKEN, platformCodeOf, spanString, UnindexableIdentity } from './identity-index.ts';
import { lineSpans, splitLine } from './verification.ts';

const hex = (n: number, seed: number) => Array.from({ length: n }, (_, i) => ((seed * 31 + i * 7) % 16).toString(16)).join('');
/** The lean read's output, as fields. */
const leanOf = (r: IdentityRead) => ({ active: r.active, serviceStatus: r.serviceStatus, shell: r.shell, recorded: r.recorded, match: r.match, hostType: r.hostType, serviceId: r.serviceId, svc: r.svc });
/** IdentityIndex.readBytes over a body-like buffer holding the package name and the hex (in `upper` case) among other bytes. */
function readViaBytes(ix: IdentityIndex, platform: string, pkg: string, algorithm: 'md5' | 'sha1' | 'sha256', asked: string, out: IdentityRead, serviceId: boolean, upper: boolean): boolean {
  const src = Buffer.from(`{"platform":"${platform}","packageName":"${pkg}","fingerprint":"${upper ? asked.toUpperCase() : asked}"}`, 'latin1');
  const code = platformCodeOf(src, 13, 13 + platform.length);
  if (code < 0) return false;
  const pkgAt = 13 + platform.length + 17;
  return ix.readBytes(code, src, pkgAt, pkgAt + pkg.length, algorithm, pkgAt + pkg.length + 17, out, serviceId);
}

const uuid = (n: number) => `${n.toString(16).padStart(8, '0')}-0000-4000-8000-${(n * 7).toString(16).padStart(12, '0')}`;

function identity(n: number, over: Partial<RegisteredIdentity> = {}): RegisteredIdentity {
  const main = `京ICP备${String(2020000000 + (n >> 1)).padStart(10, '0')}号`;
  return {
    serviceId: uuid(n >> 1), active: true, serviceStatus: 'filed',
    certMd5: hex(32, n), certSha1: null, certSha256: hex(64, n + 1),
    serviceNumber: `${main}-${1 + (n % 3)}A`, mainNumber: main, serviceName: `星辰记账${n >> 1}`,
    hostName: n % 5 === 0 ? '王小明' : `北京市星辰网络科技有限公司${n >> 2}`, hostType: n % 5 === 0 ? 'individual' : 'unit',
    filedAt: '2024-03-01T08:00:00.000Z', statusChangedAt: '2024-03-01T08:00:00.000Z', shellSince: null,
    ...over,
  };
}

describe('identity index', () => {
  it('answers what was put, null for what was not, and rounds every field', () => {
    const ix = new IdentityIndex({ capacity: 4 });
    const a = identity(1, { certSha1: hex(40, 9), statusChangedAt: '2025-01-02T03:04:05.678Z', shellSince: '2025-02-03T00:00:00.001Z' });
    ix.put('android', 'com.example.a', a);
    ix.put('ios', 'com.example.a', identity(2, { active: false, serviceStatus: 'revoked', certMd5: null, mainNumber: '粤B2-20090059' }));
    expect(ix.get('android', 'com.example.a')).toEqual(a);
    expect(ix.get('ios', 'com.example.a')).toMatchObject({ active: false, serviceStatus: 'revoked', certMd5: null, mainNumber: '粤B2-20090059' });
    expect(ix.get('harmonyos', 'com.example.a')).toBeNull();
    expect(ix.get('android', 'com.example.b')).toBeNull();
    expect(ix.get('windows', 'com.example.a')).toBeNull();
    expect(ix.get('android', 'com.example.a')!.serviceStatus).toBe('filed');
    ix.check();
  });

  it('keeps non-ASCII, null main numbers, and refuses what it cannot hold before changing anything', () => {
    const ix = new IdentityIndex();
    const odd = identity(3, { mainNumber: null as unknown as string, serviceName: 'Café ünïcode ✓', hostName: '𠀀字' });
    ix.put('android', 'com.ünï', odd);
    expect(ix.get('android', 'com.ünï')).toEqual(odd);
    expect(ix.get('android', 'com.üni')).toBeNull();
    expect(() => ix.put('android', 'x', identity(4, { certMd5: 'ABC' }))).toThrow(UnindexableIdentity);
    expect(() => ix.put('android', 'x', identity(4, { serviceId: 'not-a-uuid' }))).toThrow(UnindexableIdentity);
    expect(() => ix.put('android', 'x', identity(4, { serviceName: '名'.repeat(10_000) }))).toThrow(UnindexableIdentity);
    expect(() => ix.put('plan9', 'x', identity(4))).toThrow(UnindexableIdentity);
    expect(ix.size).toBe(1);
    ix.check();
  });

  it('replaces and deletes (a revocation, a platform dropped), sharing one service part between platforms', () => {
    const ix = new IdentityIndex();
    const s = identity(10);
    ix.put('android', 'com.x', s);
    ix.put('ios', 'com.x', s);
    ix.put('harmonyos', 'com.x', s);
    expect(ix.stats()).toMatchObject({ size: 3, services: 1 });
    const revoked = { ...s, active: false, serviceStatus: 'revoked' as const, statusChangedAt: '2026-01-01T00:00:00.000Z' };
    ix.put('android', 'com.x', revoked);
    expect(ix.get('android', 'com.x')).toEqual(revoked);
    expect(ix.get('ios', 'com.x')).toEqual(s);
    expect(ix.stats()).toMatchObject({ size: 3, services: 2 });
    expect(ix.delete('ios', 'com.x')).toBe(true);
    expect(ix.delete('ios', 'com.x')).toBe(false);
    expect(ix.get('ios', 'com.x')).toBeNull();
    ix.put('ios', 'com.x', revoked);
    ix.put('harmonyos', 'com.x', revoked);
    expect(ix.stats()).toMatchObject({ size: 3, services: 1 });
    ix.check();
  });

  it('matches a Map model through growth, rehash, deletions and compaction', () => {
    const ix = new IdentityIndex({ capacity: 16, compactAbove: 64 * 1024 });
    const model = new Map<string, RegisteredIdentity>();
    let x = 12345;
    const rnd = () => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x / 2 ** 32; };
    const platforms = ['android', 'ios', 'harmonyos'];
    for (let step = 0; step < 30_000; step++) {
      const platform = platforms[Math.floor(rnd() * 3)]!;
      const pkg = `com.p${Math.floor(rnd() * 5_000)}.app`;
      const key = `${platform}|${pkg}`;
      if (rnd() < 0.3) {
        expect(ix.delete(platform, pkg)).toBe(model.delete(key));
      } else {
        const r = identity(Math.floor(rnd() * 4_000), { active: rnd() < 0.9 });
        ix.put(platform, pkg, r);
        model.set(key, r);
      }
    }
    // Churn: every key replaced three times over leaves more garbage than live bytes.
    for (let round = 0; round < 3; round++) {
      for (const key of model.keys()) {
        const [platform, pkg] = key.split('|') as [string, string];
        const r = identity(Math.floor(rnd() * 4_000) + 4_000 * (round + 1));
        ix.put(platform, pkg, r);
        model.set(key, r);
      }
    }
    expect(ix.size).toBe(model.size);
    ix.check();
    for (const [key, r] of model) {
      const [platform, pkg] = key.split('|') as [string, string];
      expect(ix.get(platform, pkg)).toEqual(r);
    }
    for (let i = 5_000; i < 5_200; i++) expect(ix.get('android', `com.p${i}.app`)).toBeNull();
    // Garbage was reclaimed along the way: the arena holds about what is live.
    expect(ix.stats().compactions).toBeGreaterThan(0);
    expect(ix.stats().garbage).toBeLessThan(ix.stats().bytes);
  });

  it('the lean read agrees with get for every stored identity, through deletions, replacements and compaction', () => {
    const ix = new IdentityIndex({ capacity: 16, compactAbove: 16 * 1024 });
    const model = new Map<string, RegisteredIdentity>();
    let x = 777;
    const rnd = () => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x / 2 ** 32; };
    const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
    const date = () => new Date(1.6e12 + Math.floor(rnd() * 1e11)).toISOString();
    const randomIdentity = (): RegisteredIdentity => {
      const n = Math.floor(rnd() * 3_000);
      const filedAt = date();
      return identity(n, {
        active: rnd() < 0.7, serviceStatus: pick(['filed', 'filed', 'cancelled', 'revoked'] as const),
        certMd5: rnd() < 0.6 ? hex(32, Math.floor(rnd() * 1e6)) : null,
        certSha1: rnd() < 0.3 ? hex(40, Math.floor(rnd() * 1e6)) : null,
        certSha256: rnd() < 0.7 ? hex(64, Math.floor(rnd() * 1e6)) : null,
        mainNumber: pick([null as unknown as string, `京ICP备${n}号`, `粤B2-${n}`]),
        serviceName: pick([`星辰记账${n}`, `Café ${n}`, `𠀀${n}`]),
        hostType: rnd() < 0.3 ? 'individual' : 'unit',
        filedAt, statusChangedAt: rnd() < 0.5 ? filedAt : date(), shellSince: rnd() < 0.2 ? date() : null,
      });
    };
    const read = new IdentityRead();
    const agree = () => {
      ix.check();
      for (const [key, r] of model) {
        const [platform, pkg] = key.split('|') as [string, string];
        const g = ix.get(platform, pkg)!;
        expect(g).toEqual(r);
        for (const algorithm of ['md5', 'sha1', 'sha256'] as const) {
          const stored = algorithm === 'md5' ? g.certMd5 : algorithm === 'sha1' ? g.certSha1 : g.certSha256;
          const other = hex(algorithm === 'md5' ? 32 : algorithm === 'sha1' ? 40 : 64, Math.floor(rnd() * 1e6));
          for (const asked of stored ? [stored, other, `${stored.slice(0, -1)}${stored.endsWith('0') ? '1' : '0'}`] : [other]) {
            expect(ix.read(platform, pkg, algorithm, asked, read, true)).toBe(true);
            expect(read.match).toBe(stored === null ? -1 : stored === asked ? 1 : 0);
            // The same read from the bytes of a request body (hex of either case): the same output.
            const bytesRead = new IdentityRead();
            expect(readViaBytes(ix, platform, pkg, algorithm, asked, bytesRead, true, rnd() < 0.5)).toBe(true);
            expect(leanOf(bytesRead)).toEqual(leanOf(read));
            expect(read.recorded).toBe((g.certMd5 ? RECORDED_MD5 : 0) | (g.certSha1 ? RECORDED_SHA1 : 0) | (g.certSha256 ? RECORDED_SHA256 : 0));
            expect({ serviceId: read.serviceId, active: read.active, serviceStatus: read.serviceStatus, shell: read.shell, hostType: read.hostType })
              .toEqual({ serviceId: g.serviceId, active: g.active, serviceStatus: g.serviceStatus, shell: g.shellSince !== null, hostType: g.hostType });
          }
        }
        ix.readFacts(read);
        const { serviceNumber, mainNumber, serviceName, hostName, filedAt, statusChangedAt } = read;
        expect({ serviceNumber, mainNumber, serviceName, hostName, filedAt, statusChangedAt })
          .toEqual({ serviceNumber: g.serviceNumber, mainNumber: g.mainNumber, serviceName: g.serviceName, hostName: g.hostName, filedAt: g.filedAt, statusChangedAt: g.statusChangedAt });
        expect(ix.read(platform, pkg, 'sha256', g.certSha256 ?? hex(64, 1), read)).toBe(true);
        expect(read.serviceId).toBe(''); // rendered only when asked for
      }
      for (let i = 0; i < 50; i++) {
        const key = `${pick(['android', 'ios', 'harmonyos'])}|com.q${Math.floor(rnd() * 4_000)}.app`;
        const [platform, pkg] = key.split('|') as [string, string];
        expect(ix.read(platform, pkg, 'sha256', hex(64, 3), read)).toBe(model.has(key));
        expect(readViaBytes(ix, platform, pkg, 'sha256', hex(64, 3), new IdentityRead(), false, false)).toBe(model.has(key));
      }
      expect(ix.read('windows', 'com.q1.app', 'md5', hex(32, 1), read)).toBe(false);
      expect(readViaBytes(ix, 'windows', 'com.q1.app', 'md5', hex(32, 1), read, false, false)).toBe(false);
    };
    for (let phase = 0; phase < 4; phase++) {
      for (let step = 0; step < 3_000; step++) {
        const key = `${pick(['android', 'ios', 'harmonyos'])}|com.q${Math.floor(rnd() * 1_500)}.app`;
        const [platform, pkg] = key.split('|') as [string, string];
        if (rnd() < 0.3) expect(ix.delete(platform, pkg)).toBe(model.delete(key));
        else { const r = randomIdentity(); ix.put(platform, pkg, r); model.set(key, r); }
      }
      agree();
    }
    expect(ix.stats().compactions).toBeGreaterThan(0);
  });

  it('a shared index is read the same through a view of its layout (as a worker thread reads it); every change moves its version', () => {
    expect(() => new IdentityIndex().layout()).toThrow(/not shared/);
    const ix = new IdentityIndex({ capacity: 16, compactAbove: 16 * 1024, shared: true });
    const model = new Map<string, RegisteredIdentity>();
    let x = 4242;
    const rnd = () => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x / 2 ** 32; };
    const spansOf = (index: IdentityIndex, r: IdentityRead) => {
      index.readSpans(r);
      const text = (at: number, end: number, enc: number) => (enc < 0 ? null : enc === 3 ? `prefix ${end}` : spanString(r.chunk, at, end, enc));
      return [r.filedMs, r.statusChangedMs, text(r.snAt, r.snEnd, r.snEnc), text(r.mnAt, r.mnEnd, r.mnEnc), text(r.nameAt, r.nameEnd, r.nameEnc), text(r.hostAt, r.hostEnd, r.hostEnc)];
    };
    let version = ix.version;
    const changed = () => { expect(ix.version).toBeGreaterThan(version); version = ix.version; };
    for (let phase = 0; phase < 3; phase++) {
      for (let step = 0; step < 2_000; step++) {
        const platform = ['android', 'ios', 'harmonyos'][Math.floor(rnd() * 3)]!;
        const pkg = `com.s${Math.floor(rnd() * 1_000)}.app`;
        if (rnd() < 0.3) { ix.delete(platform, pkg); model.delete(`${platform}|${pkg}`); } else {
          const r = identity(Math.floor(rnd() * 2_000), { certMd5: hex(32, step), certSha1: rnd() < 0.3 ? hex(40, step) : null });
          ix.put(platform, pkg, r);
          model.set(`${platform}|${pkg}`, r);
        }
        changed();
      }
      // What a worker thread gets: the layout through a message (shared memory, not copied), and a view over it.
      const view = IdentityIndex.view(structuredClone(ix.layout()));
      const [a, b] = [new IdentityRead(), new IdentityRead()];
      for (const [key, r] of model) {
        const [platform, pkg] = key.split('|') as [string, string];
        for (const asked of [r.certMd5!, hex(32, 9_999)]) {
          expect(readViaBytes(view, platform, pkg, 'md5', asked, b, true, false)).toBe(readViaBytes(ix, platform, pkg, 'md5', asked, a, true, false));
          expect(leanOf({ ...b, svc: 0 } as IdentityRead)).toEqual(leanOf({ ...a, svc: 0 } as IdentityRead));
          expect(spansOf(view, b)).toEqual(spansOf(ix, a));
        }
        if (r.certSha1) expect(readViaBytes(view, platform, pkg, 'sha1', r.certSha1, b, false, true) && b.match).toBe(1);
      }
      for (let i = 0; i < 200; i++) expect(readViaBytes(view, 'ios', `com.none${i}.app`, 'md5', hex(32, 1), b, false, false)).toBe(false);
      // The memory is shared: a change in place (a revocation) is seen through the view made before it.
      const [key, r] = [...model][0]!;
      const [platform, pkg] = key.split('|') as [string, string];
      ix.put(platform, pkg, { ...r, serviceStatus: 'revoked' });
      model.set(key, { ...r, serviceStatus: 'revoked' });
      changed();
      expect(readViaBytes(view, platform, pkg, 'md5', r.certMd5!, b, false, false) && b.serviceStatus).toBe('revoked');
    }
    expect(ix.stats().compactions).toBeGreaterThan(0);
    ix.reserve(100_000);
    changed();
    ix.clear();
    changed();
  });

  it('tells apart keys whose 32-bit hashes collide (the package bytes decide)', () => {
    // Find real collisions of the seeded hash within one home slot's reach.
    const seed = 7;
    const seen = new Map<number, string>();
    const pairs: [string, string][] = [];
    for (let i = 0; pairs.length < 3 && i < 2_000_000; i++) {
      const s = `c${i}`;
      const h = hashString(s, (seed + Math.imul(1, 0x9e3779b9)) >>> 0);
      const other = seen.get(h);
      if (other) pairs.push([other, s]); else seen.set(h, s);
    }
    expect(pairs.length).toBe(3);
    const ix = new IdentityIndex({ seed });
    for (const [a, b] of pairs) {
      ix.put('android', a, identity(1, { serviceName: a }));
      expect(ix.get('android', b)).toBeNull();
      ix.put('android', b, identity(2, { serviceName: b }));
    }
    for (const [a, b] of pairs) {
      expect(ix.get('android', a)!.serviceName).toBe(a);
      expect(ix.get('android', b)!.serviceName).toBe(b);
      // From bytes too: the hash of the bytes is the hash of the string, and the bytes decide.
      const ra = new IdentityRead();
      const rb = new IdentityRead();
      expect(readViaBytes(ix, 'android', a, 'md5', hex(32, 1), ra, false, false) && readViaBytes(ix, 'android', b, 'md5', hex(32, 1), rb, false, false)).toBe(true);
      ix.readFacts(ra);
      expect(ra.serviceName).toBe(a);
      ix.readFacts(rb);
      expect(rb.serviceName).toBe(b);
      expect(ix.delete('android', a)).toBe(true);
      expect(ix.get('android', a)).toBeNull();
      expect(ix.get('android', b)!.serviceName).toBe(b);
    }
    ix.check();
  });

  it('spreads the arena over 16 MiB chunks: entries near the ends of chunks, answers across chunks, compaction into new ones', () => {
    const ix = new IdentityIndex({ capacity: 16, compactAbove: 1 << 20 });
    const long = '长'.repeat(700); // 1,400 bytes a part: 50,000 distinct parts fill several chunks
    const n = 50_000;
    const at = (i: number) => identity(2 * i, { hostName: `${long}${i}` });
    for (let i = 0; i < n; i++) ix.put('android', `com.c${i}`, at(i));
    expect(ix.stats().bytes).toBeGreaterThan(4 * 16 * 1024 * 1024);
    ix.check();
    for (let i = 0; i < n; i += 97) expect(ix.get('android', `com.c${i}`)).toEqual(at(i));
    // Two thirds replaced twice: their old parts become garbage, the arena is compacted into fresh chunks.
    for (const round of [1, 2]) for (let i = 0; i < n; i++) if (i % 3 !== 0) ix.put('android', `com.c${i}`, at(i + round * n));
    expect(ix.stats().compactions).toBeGreaterThan(0);
    ix.check();
    for (let i = 0; i < n; i += 31) expect(ix.get('android', `com.c${i}`)).toEqual(i % 3 === 0 ? at(i) : at(i + 2 * n));
    expect(ix.get('android', `com.c${n}`)).toBeNull();
  });

  it('clear empties it and it fills again', () => {
    const ix = new IdentityIndex();
    for (let i = 0; i < 100; i++) ix.put('android', `p${i}`, identity(i));
    ix.clear();
    expect(ix.size).toBe(0);
    expect(ix.get('android', 'p1')).toBeNull();
    ix.put('android', 'p1', identity(1));
    expect(ix.get('android', 'p1')).toEqual(identity(1));
    ix.check();
  });

  it('takes a loaded line as bytes (putLine) into the same index as put of its fields decoded, refusals and replacements included', () => {
    let x = 4242;
    const rnd = () => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x / 2 ** 32; };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    // Characters of every width: ASCII, Latin-1, CJK (3 UTF-8 bytes), astral (a surrogate pair), and the separators' neighbours.
    const chars = ['a', 'Z', '0', '-', ' ', '\u00e9', '\u00ff', '\u00a0', '\u0100', '星', '辰', '记', '账', '𠀀', '😀', '\u007f'];
    const text = (n: number) => Array.from({ length: n }, () => pick(chars)).join('');
    const name = () => (rnd() < 0.05 ? '名'.repeat(9_000) : rnd() < 0.3 ? `Name ${Math.floor(rnd() * 50)}` : text(1 + Math.floor(rnd() * 12)));
    const services = Array.from({ length: 60 }, (_, i) => {
      const main = pick([`京ICP备${2020000000 + i}号`, `粤B2-2009${i}`, 'ICP-plain', '', text(3)]); // text(3): any width, astral included
      return {
        id: rnd() < 0.03 ? 'not-a-uuid' : uuid(i), status: rnd() < 0.03 ? 'pending' : pick(['filed', 'cancelled', 'revoked']),
        number: rnd() < 0.7 && main ? `${main}-${i % 4}A` : `${text(3)}${i}`, main: rnd() < 0.2 ? text(4) : main,
        name: name(), host: name(), hostType: pick(['unit', 'individual']),
        filed: pick([1709280000000, -86400000, 0, 1733456789123]), changed: pick([1709280000000, 1735689600001]),
        shell: pick(['', '1735689600000', '-1']),
      };
    });
    const fp = (digits: number) => (rnd() < 0.25 ? '' : rnd() < 0.03 ? hex(digits, 1).toUpperCase() : hex(digits, Math.floor(rnd() * 1e6)));
    const lines: string[] = [];
    for (let i = 0; i < 3_000; i++) {
      const svc = pick(services);
      const platform = rnd() < 0.02 ? 'windows' : pick(['android', 'ios', 'harmonyos']);
      const pkg = rnd() < 0.05 ? `com.ü${Math.floor(rnd() * 30)}` : `com.p${Math.floor(rnd() * 800)}.app`;
      const date = (v: number | string) => (rnd() < 0.02 ? '1.5e3' : String(v));
      lines.push([platform, pkg, svc.id, rnd() < 0.9 ? '1' : '0', svc.status, fp(32), fp(40), fp(64), svc.number, svc.main, svc.name, svc.host,
        svc.hostType, date(svc.filed), date(svc.changed), svc.shell].join('\x1f'));
    }
    const byStrings = new IdentityIndex({ capacity: 16, seed: 99, compactAbove: 64 * 1024 });
    const byBytes = new IdentityIndex({ capacity: 16, seed: 99, compactAbove: 64 * 1024 });
    const outcome = (f: () => boolean | number) => { try { return Number(f()); } catch (err) { if (err instanceof UnindexableIdentity) return 'refused'; throw err; } };
    const spans = new Int32Array(2 * LINE_FIELDS);
    let taken = 0;
    for (const l of lines) {
      const r = splitLine(l)!;
      const viaStrings = outcome(() => byStrings.put(r.platform, r.packageName, r));
      const src = Buffer.from(`{${l}}`); // the line among other bytes, as in a chunk
      expect(lineSpans(src, 1, src.length - 1, spans)).toBe(true);
      const viaBytes = outcome(() => {
        const held = byBytes.putLine(src, spans);
        if (held !== NOT_TAKEN) taken += 1;
        return held === NOT_TAKEN ? byBytes.put(r.platform, r.packageName, r) : held;
      });
      expect(viaBytes, l).toBe(viaStrings);
    }
    expect(taken).toBeGreaterThan(2_000); // the bytes path did the work, not put
    expect(byBytes.stats()).toEqual(byStrings.stats());
    byBytes.check();
    const a = new IdentityRead();
    const b = new IdentityRead();
    for (const l of lines) {
      const r = splitLine(l)!;
      expect(byBytes.get(r.platform, r.packageName), l).toEqual(byStrings.get(r.platform, r.packageName));
      const found = byStrings.read(r.platform, r.packageName, 'md5', hex(32, 3), a, true);
      expect(byBytes.read(r.platform, r.packageName, 'md5', hex(32, 3), b, true)).toBe(found);
      if (found) { byStrings.readFacts(a); byBytes.readFacts(b); expect({ ...b }).toEqual({ ...a }); }
    }
  });
});
