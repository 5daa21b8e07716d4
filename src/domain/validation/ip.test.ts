import { describe, expect, it } from 'vitest';
import { validateIpAddress, validateIpv4, validateIpv6 } from './ip.ts';

const codes = (r: { ok: boolean; warnings?: { code: string }[] }) => (r.ok ? (r.warnings ?? []).map((w) => w.code) : null);

describe('validateIpv4', () => {
  it.each(['1.2.3.4', '114.114.114.114', '223.5.5.5', '0.0.0.0', '255.255.255.255', ' 8.8.8.8 '])('accepts %j', (ip) => {
    expect(validateIpv4(ip)).toMatchObject({ ok: true, value: ip.trim() });
  });

  it('warns ip_not_public on private, loopback, CGN, link-local, documentation, multicast', () => {
    for (const ip of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '127.0.0.1', '100.64.0.1', '169.254.1.1', '192.0.2.1', '224.0.0.1', '255.255.255.255', '0.0.0.0']) {
      expect(codes(validateIpv4(ip)), ip).toEqual(['ip_not_public']);
    }
    for (const ip of ['172.32.0.1', '100.128.0.1', '11.0.0.1', '223.5.5.5']) expect(codes(validateIpv4(ip)), ip).toEqual([]);
  });

  it.each([
    ['', 'ipv4_format'],
    ['1.2.3', 'ipv4_format'],
    ['1.2.3.4.5', 'ipv4_format'],
    ['1.2.3.', 'ipv4_format'],
    ['0x7f.0.0.1', 'ipv4_format'],
    ['1.2.3.4/24', 'ipv4_format'],
    ['1.2.3.4:80', 'ipv4_format'],
    ['1 .2.3.4', 'ipv4_format'],
    ['1.2.3.1234', 'ipv4_format'],
    ['01.2.3.4', 'ipv4_leading_zero'],
    ['10.0.0.010', 'ipv4_leading_zero'],
    ['00.0.0.0', 'ipv4_leading_zero'],
    ['256.1.1.1', 'ipv4_octet_range'],
    ['1.2.3.999', 'ipv4_octet_range'],
  ])('%j → %s', (input, code) => {
    expect(validateIpv4(input)).toMatchObject({ ok: false, error: { code } });
  });
});

describe('validateIpv6', () => {
  it.each([
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'], // RFC 5952 §4.2.1, §4.3
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // §4.2.3: first of equal runs
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // §4.2.2: a single 0 stays
    ['2001:db8::0:1', '2001:db8::1'],
    ['2001:db8:0000:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // longest run wins
    ['240e:0:0:0:0:0:0:1', '240e::1'], // China Telecom space
    ['2408:8000::1', '2408:8000::1'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'], // "::" for one group is legal input
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'], // IPv4-mapped: mixed notation (§5)
    ['::FFFF:0102:0304', '::ffff:1.2.3.4'],
    ['64:ff9b::1.2.3.4', '64:ff9b::102:304'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
  ])('normalises %s → %s', (input, value) => {
    expect(validateIpv6(input)).toMatchObject({ ok: true, value });
  });

  it('agrees with the WHATWG URL serialiser on compression (an independent oracle)', () => {
    for (const ip of ['2001:db8:0:0:1:0:0:1', 'fe80:0:0:0:0:0:0:1', '0:0:0:0:1:0:0:0', '1:0:0:2:0:0:0:3', 'abcd:ef01:2345:6789:abcd:ef01:2345:6789']) {
      const r = validateIpv6(ip);
      expect(r.ok && `[${r.value}]`).toBe(new URL(`http://[${ip}]/`).hostname);
    }
  });

  it('warns ip_not_public on ::, ::1, link-local, unique-local, multicast, documentation, mapped', () => {
    for (const ip of ['::', '::1', 'fe80::1', 'fd00::1', 'fc12::1', 'ff02::1', '2001:db8::1', '::ffff:8.8.8.8']) {
      expect(codes(validateIpv6(ip)), ip).toEqual(['ip_not_public']);
    }
    expect(codes(validateIpv6('240e::1'))).toEqual([]);
  });

  it.each([
    ['', 'ipv6_format'],
    ['1:2:3:4:5:6:7', 'ipv6_group_count'],
    ['1:2:3:4:5:6:7:8:9', 'ipv6_group_count'],
    ['1:2:3:4::5:6:7:8', 'ipv6_group_count'],
    ['1::2::3', 'ipv6_double_colon'],
    [':::1', 'ipv6_format'],
    [':1::2', 'ipv6_format'],
    ['1::2:', 'ipv6_format'],
    ['1:2:3:4:5:6:7:', 'ipv6_format'],
    ['12345::1', 'ipv6_group'],
    ['g::1', 'ipv6_format'],
    ['fe80::1%eth0', 'ipv6_zone_id'],
    ['[::1]', 'ipv6_format'],
    ['::1.2.3', 'ipv6_embedded_ipv4'],
    ['::01.2.3.4', 'ipv6_embedded_ipv4'],
    ['1.2.3.4::', 'ipv6_embedded_ipv4'],
    ['::1.2.3.4:5', 'ipv6_embedded_ipv4'],
    ['1:2:3:4:5:6:7:1.2.3.4', 'ipv6_group_count'],
  ])('%j → %s', (input, code) => {
    expect(validateIpv6(input)).toMatchObject({ ok: false, error: { code } });
  });
});

describe('validateIpAddress', () => {
  it('picks the family and passes codes through', () => {
    expect(validateIpAddress('1.2.3.4')).toEqual({ ok: true, value: { version: 4, address: '1.2.3.4' }, warnings: [] });
    expect(validateIpAddress('2001:DB8::1')).toMatchObject({ ok: true, value: { version: 6, address: '2001:db8::1' } });
    expect(validateIpAddress('example.com')).toMatchObject({ ok: false, error: { code: 'ipv4_format' } });
    expect(validateIpAddress('1::2::3')).toMatchObject({ ok: false, error: { code: 'ipv6_double_colon' } });
  });
});
