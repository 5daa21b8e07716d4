// IPv4 and IPv6 addresses for the access section's IP list (DOMAIN.md §2.5: every address
// the service's domains resolve to; both families accepted). Own parsers, strict: no
// octal/hex/short IPv4 forms (inet_aton's "0x7f.1" means 127.0.0.1 to some tools and a typo
// to a person), no zone ids, no brackets.
import { type Validation, type ValidationIssue, valid } from './result.ts';

export interface IpAddress {
  version: 4 | 6;
  /** IPv4 dotted quad, or IPv6 in RFC 5952 canonical form. */
  address: string;
}

/** Codes: `ipv4_format`, `ipv4_leading_zero`, `ipv4_octet_range`. Warning `ip_not_public`. */
export function validateIpv4(input: string): Validation<string> {
  const octets = parseIpv4(input.trim());
  if (!Array.isArray(octets)) return octets;
  return valid(octets.join('.'), publicWarning(isSpecialIpv4(octets)));
}

/**
 * Codes: `ipv6_format`, `ipv6_zone_id`, `ipv6_double_colon`, `ipv6_group`, `ipv6_group_count`,
 * `ipv6_embedded_ipv4`. Warning `ip_not_public`. Normalised to RFC 5952: lowercase, no leading
 * zeros, the longest run (first on a tie) of two or more zero groups as "::", and IPv4-mapped
 * addresses (::ffff:0:0/96) in mixed notation (RFC 5952 §5).
 */
export function validateIpv6(input: string): Validation<string> {
  const groups = parseIpv6(input.trim());
  if (!Array.isArray(groups)) return groups;
  return valid(formatIpv6(groups), publicWarning(isSpecialIpv6(groups)));
}

/** Either family: a colon means IPv6. Errors are those of the family chosen. */
export function validateIpAddress(input: string): Validation<IpAddress> {
  const s = input.trim();
  const r = s.includes(':') ? validateIpv6(s) : validateIpv4(s);
  return r.ok ? valid({ version: s.includes(':') ? 6 : 4, address: r.value }, r.warnings) : r;
}

type Fail = Extract<Validation<never>, { ok: false }>;
const fail = (code: string, message: string): Fail => ({ ok: false, error: { code, message } });

function parseIpv4(s: string): number[] | Fail {
  const parts = s.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p))) {
    return fail('ipv4_format', 'an IPv4 address is four decimal numbers separated by dots');
  }
  if (parts.some((p) => p.length > 1 && p.startsWith('0'))) {
    return fail('ipv4_leading_zero', 'leading zeros are ambiguous (octal to some tools); write 10.0.0.1, not 010.000.000.001');
  }
  const octets = parts.map(Number);
  if (octets.some((o) => o > 255)) return fail('ipv4_octet_range', 'each IPv4 number is 0–255');
  return octets;
}

function parseIpv6(s: string): number[] | Fail {
  if (s.includes('%')) return fail('ipv6_zone_id', 'a zone id (%eth0) is local to one host; enter the address alone');
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return fail('ipv6_format', 'an IPv6 address uses hex digits and colons');
  const halves = s.split('::');
  if (halves.length > 2) return fail('ipv6_double_colon', '"::" may appear only once');
  const head = parseGroups(halves[0] as string, halves.length === 1);
  if (!Array.isArray(head)) return head;
  const tail = halves.length === 2 ? parseGroups(halves[1] as string, true) : [];
  if (!Array.isArray(tail)) return tail;
  const total = head.length + tail.length;
  if (halves.length === 1 ? total !== 8 : total > 7) {
    return fail('ipv6_group_count', 'an IPv6 address has 8 groups of 16 bits ("::" stands for at least one)');
  }
  return [...head, ...new Array<number>(8 - total).fill(0), ...tail];
}

/** Groups of one side of "::"; an embedded IPv4 address may end the last side. */
function parseGroups(side: string, last: boolean): number[] | Fail {
  if (side === '') return [];
  const parts = side.split(':');
  const groups: number[] = [];
  for (const [i, part] of parts.entries()) {
    if (part.includes('.')) {
      const v4 = last && i === parts.length - 1 ? parseIpv4(part) : undefined;
      if (!Array.isArray(v4)) return fail('ipv6_embedded_ipv4', 'an embedded IPv4 address must be valid and come last');
      groups.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return fail(part === '' ? 'ipv6_format' : 'ipv6_group', `bad group ${JSON.stringify(part)}: 1–4 hex digits`);
    }
  }
  return groups;
}

function formatIpv6(groups: number[]): string {
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [a, b] = [groups[6] as number, groups[7] as number];
    return `::ffff:${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
  }
  const [start, len] = longestZeroRun(groups);
  const hex = groups.map((g) => g.toString(16));
  if (len < 2) return hex.join(':');
  return `${hex.slice(0, start).join(':')}::${hex.slice(start + len).join(':')}`;
}

function longestZeroRun(groups: number[]): [start: number, len: number] {
  let best: [number, number] = [0, 0];
  for (let i = 0; i < groups.length; i += 1) {
    let j = i;
    while (j < groups.length && groups[j] === 0) j += 1;
    if (j - i > best[1]) best = [i, j - i];
    i = j;
  }
  return best;
}

/** Special-purpose IPv4 blocks (RFC 6890 and friends) that cannot be a public server's. */
const SPECIAL_V4: readonly (readonly [number, number, number, number, number])[] = [
  [0, 0, 0, 0, 8], [10, 0, 0, 0, 8], [100, 64, 0, 0, 10], [127, 0, 0, 0, 8], [169, 254, 0, 0, 16],
  [172, 16, 0, 0, 12], [192, 0, 0, 0, 24], [192, 0, 2, 0, 24], [192, 168, 0, 0, 16], [198, 18, 0, 0, 15],
  [198, 51, 100, 0, 24], [203, 0, 113, 0, 24], [224, 0, 0, 0, 4], [240, 0, 0, 0, 4],
];

function isSpecialIpv4(o: number[]): boolean {
  const n = (((o[0] as number) << 24) | ((o[1] as number) << 16) | ((o[2] as number) << 8) | (o[3] as number)) >>> 0;
  return SPECIAL_V4.some(([a, b, c, d, bits]) => {
    const net = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return ((n & mask) >>> 0) === net;
  });
}

/** Unspecified, loopback, IPv4-mapped, link-local fe80::/10, unique-local fc00::/7,
 *  multicast ff00::/8, documentation 2001:db8::/32. */
function isSpecialIpv6(g: number[]): boolean {
  const first = g[0] as number;
  const zerosTo5 = g.slice(0, 5).every((x) => x === 0);
  if (zerosTo5 && g[5] === 0 && g[6] === 0 && (g[7] === 0 || g[7] === 1)) return true;
  if (zerosTo5 && g[5] === 0xffff) return true;
  return (first & 0xffc0) === 0xfe80 || (first & 0xfe00) === 0xfc00 || (first & 0xff00) === 0xff00
    || (first === 0x2001 && g[1] === 0x0db8);
}

/**
 * Where an address leads, for deciding whether the registry may connect to it (webhooks,
 * docs/decisions/0006 addendum): `loopback` (127.0.0.0/8, ::1, and their IPv4-mapped forms),
 * `special` (every other block of isSpecialIpv4/isSpecialIpv6 — private, link-local,
 * unique-local, multicast, unspecified, documentation, benchmarking — plus site-local fec0::/10,
 * IPv4-compatible ::/96 and NAT64 / 6to4 prefixes embedding a special IPv4 address), or `public`.
 * Null when `input` is no address in canonical text (dotted decimal, or IPv6 without brackets):
 * callers give the forms a URL parser or a resolver produces.
 */
export type IpScope = 'public' | 'loopback' | 'special';

export function ipScope(input: string): IpScope | null {
  if (input.includes(':')) {
    const g = parseIpv6(input);
    return Array.isArray(g) ? ipv6Scope(g) : null;
  }
  const o = parseIpv4(input);
  return Array.isArray(o) ? ipv4Scope(o) : null;
}

function ipv4Scope(o: number[]): IpScope {
  if (o[0] === 127) return 'loopback';
  return isSpecialIpv4(o) || (o[0] === 255 && o[1] === 255 && o[2] === 255 && o[3] === 255) ? 'special' : 'public';
}

const embeddedV4 = (hi: number, lo: number) => [hi >> 8, hi & 255, lo >> 8, lo & 255];

function ipv6Scope(g: number[]): IpScope {
  const zerosTo5 = g.slice(0, 5).every((x) => x === 0);
  if (zerosTo5 && g[5] === 0 && g[6] === 0 && g[7] === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d) reaches the IPv4 address itself: judged as that address.
  if (zerosTo5 && g[5] === 0xffff) return ipv4Scope(embeddedV4(g[6] as number, g[7] as number));
  if (zerosTo5 && g[5] === 0) return 'special'; // unspecified, IPv4-compatible (deprecated, RFC 4291 §2.5.5.1)
  const first = g[0] as number;
  if ((first & 0xffc0) === 0xfec0) return 'special'; // site-local (deprecated, RFC 3879)
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) lead to the IPv4 address they embed.
  if (first === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) {
    return ipv4Scope(embeddedV4(g[6] as number, g[7] as number)) === 'public' ? 'public' : 'special';
  }
  if (first === 0x2002 && ipv4Scope(embeddedV4(g[1] as number, g[2] as number)) !== 'public') return 'special';
  return isSpecialIpv6(g) ? 'special' : 'public';
}

function publicWarning(special: boolean): ValidationIssue[] {
  return special ? [{ code: 'ip_not_public', message: 'a private, loopback, link-local, documentation or multicast address is not a server the public reaches' }] : [];
}
