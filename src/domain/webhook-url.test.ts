import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipScope } from './validation/ip.ts';
import { validateWebhookUrl } from './webhook-url.ts';

const LOCAL = { allowLoopback: true };
const code = (url: string, options = {}) => {
  const r = validateWebhookUrl(url, options);
  return r.ok ? 'ok' : r.error.code;
};

describe('webhook URLs', () => {
  it('accept https to public hosts; loopback, plain http included, only where local webhooks are allowed', () => {
    expect(validateWebhookUrl(' https://hooks.example.cn/beian#x ')).toEqual({ ok: true, value: 'https://hooks.example.cn/beian', warnings: [] });
    expect(code('https://8.8.8.8/h')).toBe('ok');
    expect(code('https://[2400:3200::1]/h')).toBe('ok');
    for (const url of ['http://127.0.0.1:8080/h', 'http://localhost/h', 'http://[::1]:3202/x', 'https://127.0.0.2/h', 'http://api.localhost/h']) {
      expect(code(url, LOCAL)).toBe('ok');
      expect(code(url)).toBe('webhook_url_address');
    }
  });

  it('refuse plain http elsewhere, other schemes, credentials and garbage', () => {
    expect(code('http://hooks.example.cn/')).toBe('webhook_url_scheme');
    expect(code('http://hooks.example.cn/', LOCAL)).toBe('webhook_url_scheme');
    expect(code('ftp://127.0.0.1/', LOCAL)).toBe('webhook_url_scheme');
    expect(code('https://u:p@example.cn/')).toBe('webhook_url_credentials');
    expect(code('not a url')).toBe('webhook_url_invalid');
    expect(code(`https://example.cn/${'a'.repeat(2100)}`)).toBe('webhook_url_too_long');
  });

  it('refuse a host name no DNS can hold (a label over 63 characters, a name over 253, an underscore): it was subscribed and every delivery failed', () => {
    expect(code(`https://${'a'.repeat(64)}.cn/`)).toBe('webhook_url_invalid');
    expect(code(`https://${Array.from({ length: 5 }, () => 'b'.repeat(60)).join('.')}.cn/`)).toBe('webhook_url_invalid');
    expect(code('https://hooks_beian.example.cn/')).toBe('webhook_url_invalid');
    expect(code('https://-hooks.example.cn/')).toBe('webhook_url_invalid');
    // What DNS holds stays accepted: 63-character labels, hyphens inside, an internationalised name (punycode), a final dot.
    for (const url of [`https://${'a'.repeat(63)}.cn/`, 'https://web-hooks.example.cn./h', 'https://例子.中国/h', 'https://HOOKS.Example.CN:8443/h']) expect(code(url), url).toBe('ok');
  });

  it('refuse private, link-local, unique-local, multicast and unspecified addresses in every spelling the URL parser normalises, allowance or not', () => {
    const refused = [
      'https://169.254.169.254/latest/meta-data', 'https://10.1.2.3/x', 'https://172.16.0.1/', 'https://192.168.1.1/', 'https://100.64.0.1/',
      'https://0.0.0.0/', 'https://224.0.0.1/', 'https://255.255.255.255/', 'https://198.18.0.1/',
      'https://2852039166/', 'https://0xA9FEA9FE/', 'https://0251.0376.0251.0376/', 'https://169.254.43518/', 'https://0/', 'https://10.1/',
      'https://[::ffff:169.254.169.254]/', 'https://[::ffff:a9fe:a9fe]/', 'https://[::ffff:10.0.0.1]/', 'https://[fe80::1]/', 'https://[fd00::1]/',
      'https://[fc00::1]/', 'https://[ff02::1]/', 'https://[::]/', 'https://[fec0::1]/', 'https://[64:ff9b::a9fe:a9fe]/', 'https://[2002:a9fe:a9fe::1]/',
      'https://[::169.254.169.254]/',
    ];
    for (const url of refused) {
      expect([url, code(url)]).toEqual([url, 'webhook_url_address']);
      expect([url, code(url, LOCAL)]).toEqual([url, 'webhook_url_address']);
    }
    // IPv4-mapped and other spellings of the loopback are loopback.
    for (const url of ['https://2130706433/', 'https://0x7f.1/', 'https://[::ffff:127.0.0.1]/', 'http://localhost./']) {
      expect([url, code(url)]).toEqual([url, 'webhook_url_address']);
      expect([url, code(url, LOCAL)]).toEqual([url, 'ok']);
    }
  });

  it('ipScope: every address of 10/8, 127/8 and 169.254/16 is not public, and IPv4-mapped forms agree with the IPv4 address', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(fc.property(fc.constantFrom(10, 127, 169), octet, octet, octet, (a, b, c, d) => {
      const v4 = `${a}.${a === 169 ? 254 : b}.${c}.${d}`;
      const scope = ipScope(v4);
      expect(scope).toBe(a === 127 ? 'loopback' : 'special');
      const hex = (x: number, y: number) => ((x << 8) | y).toString(16);
      expect(ipScope(`::ffff:${hex(a, a === 169 ? 254 : b)}:${hex(c, d)}`)).toBe(scope);
      expect(code(`https://${v4}/`)).toBe('webhook_url_address');
    }));
    fc.assert(fc.property(octet, octet, octet, octet, (a, b, c, d) => {
      const v4 = `${a}.${b}.${c}.${d}`;
      const hex = (x: number, y: number) => ((x << 8) | y).toString(16);
      expect(ipScope(`::ffff:${hex(a, b)}:${hex(c, d)}`)).toBe(ipScope(v4));
    }));
    expect(ipScope('hooks.example.cn')).toBeNull();
  });
});
