import { describe, expect, it } from 'vitest';
import { domainForDisplay, validateDomainName } from './domain-name.ts';

describe('validateDomainName — valid', () => {
  it.each([
    ['miit.gov.cn', 'miit.gov.cn'],
    ['WWW.Example.COM', 'www.example.com'],
    ['beian.miit.gov.cn.', 'beian.miit.gov.cn'], // one trailing dot (FQDN) dropped
    ['例子.中国', 'xn--fsqu00a.xn--fiqs8s'], // IDN → punycode
    ['xn--fsqu00a.xn--fiqs8s', 'xn--fsqu00a.xn--fiqs8s'],
    ['中国互联网络信息中心.中国', 'xn--fiqa61au8b7zsevnm8ak20mc4a87e.xn--fiqs8s'],
    ['münchen.de', 'xn--mnchen-3ya.de'],
    ['例子。中国', 'xn--fsqu00a.xn--fiqs8s'], // ideographic full stop
    ['ｅｘａｍｐｌｅ．ｃｏｍ', 'example.com'], // full-width
    ['  a-b.example.com ', 'a-b.example.com'],
    ['1e100.net', '1e100.net'],
    ['123.com', '123.com'],
    [`${'a'.repeat(63)}.com`, `${'a'.repeat(63)}.com`],
  ])('accepts %j as %s', (input, value) => {
    expect(validateDomainName(input)).toEqual({ ok: true, value, warnings: [] });
  });

  it('accepts a 253-character name and refuses 254', () => {
    const label = 'a'.repeat(49);
    const name253 = `${[label, label, label, label, label].join('.')}.com`.slice(-253).replace(/^\./, 'b');
    expect(name253.length).toBe(253);
    expect(validateDomainName(name253).ok).toBe(true);
    expect(validateDomainName(`a${name253}`)).toMatchObject({ ok: false, error: { code: 'domain_too_long' } });
  });

  it('shows punycode back in Unicode for display', () => {
    expect(domainForDisplay('xn--fsqu00a.xn--fiqs8s')).toBe('例子.中国');
    expect(domainForDisplay('example.com')).toBe('example.com');
  });
});

describe('validateDomainName — bad input', () => {
  it.each([
    ['', 'domain_empty'],
    ['   ', 'domain_empty'],
    ['https://example.com', 'domain_is_url'],
    ['http://例子.中国/', 'domain_is_url'],
    ['example.com/path', 'domain_is_url'],
    ['example.com?q=1', 'domain_is_url'],
    ['example.com#top', 'domain_is_url'],
    ['example.com:8080', 'domain_has_port'],
    ['1.2.3.4', 'domain_is_ip'],
    ['2001:db8::1', 'domain_is_ip'],
    ['[2001:db8::1]', 'domain_is_ip'],
    ['999.1.1.1', 'domain_is_ip'],
    ['a_b.example.com', 'domain_charset'],
    ['*.example.com', 'domain_charset'],
    ['exa mple.com', 'domain_charset'],
    ['user@example.com', 'domain_charset'],
    ['ex%41mple.com', 'domain_charset'],
    ['😀.com', 'domain_charset'],
    ['xn--zz.com', 'domain_idn'],
    ['xn--.com', 'domain_idn'],
    ['example..com', 'domain_empty_label'],
    ['.example.com', 'domain_empty_label'],
    ['example.com..', 'domain_empty_label'],
    ['localhost', 'domain_single_label'],
    ['中国', 'domain_single_label'],
    [`${'a'.repeat(64)}.com`, 'domain_label_too_long'],
    ['-example.com', 'domain_label_hyphen'],
    ['example-.com', 'domain_label_hyphen'],
    ['ab--cd.com', 'domain_label_hyphen'],
    ['example.123', 'domain_tld_numeric'],
  ])('%j → %s', (input, code) => {
    expect(validateDomainName(input)).toMatchObject({ ok: false, error: { code } });
  });
});
