import { describe, expect, it } from 'vitest';
import { validateDomainName } from './domain-name.ts';
import { validateEmail } from './email.ts';

describe('validateEmail', () => {
  it.each([
    ['service@miit.gov.cn', 'service@miit.gov.cn'],
    ['Zhang.San+beian@Example.COM', 'Zhang.San+beian@example.com'], // domain lowercased, local kept
    ['admin@例子.中国', 'admin@xn--fsqu00a.xn--fiqs8s'],
    ['user＠example.com', 'user@example.com'], // full-width @ from a Chinese IME
    [' x@a.cn ', 'x@a.cn'],
    ["o'brien!#$%&*/=?^_`{|}~-@example.org", "o'brien!#$%&*/=?^_`{|}~-@example.org"],
    [`${'a'.repeat(64)}@example.com`, `${'a'.repeat(64)}@example.com`],
  ])('accepts %j as %s', (input, value) => {
    expect(validateEmail(input)).toEqual({ ok: true, value, warnings: [] });
  });

  it.each([
    ['', 'email_format'],
    ['example.com', 'email_format'],
    ['a@b@example.com', 'email_format'],
    ['zhang san@example.com', 'email_format'],
    ['@example.com', 'email_local_part'],
    ['.zhang@example.com', 'email_local_part'],
    ['zhang.@example.com', 'email_local_part'],
    ['zhang..san@example.com', 'email_local_part'],
    ['"zhangsan"@example.com', 'email_local_part'],
    ['张三@example.com', 'email_local_part'],
    ['(comment)x@example.com', 'email_local_part'],
    [`${'a'.repeat(65)}@example.com`, 'email_local_part_too_long'],
    ['x@', 'email_domain'],
    ['x@localhost', 'email_domain'],
    ['x@[127.0.0.1]', 'email_domain'],
    ['x@exa_mple.com', 'email_domain'],
    ['x@example..com', 'email_domain'],
    // local part 64 and domain 195 are each fine; together 260 > 254
    [`${'x'.repeat(64)}@${'a'.repeat(47)}.${'b'.repeat(47)}.${'c'.repeat(47)}.${'d'.repeat(47)}.com`, 'email_too_long'],
  ])('%j → %s', (input, code) => {
    expect(validateEmail(input)).toMatchObject({ ok: false, error: { code } });
  });

  it('names the domain rule that failed in the message', () => {
    const r = validateEmail('x@example.123');
    expect(r.ok || r.error.message).toContain('domain_tld_numeric');
  });

  it('answers a domain seen before as the first time, valid or not, past the bound of its memo', () => {
    const domains = Array.from({ length: 1_500 }, (_, i) => (i % 3 === 0 ? `bad_${i}.cn` : i % 3 === 1 ? `Mail${i}.Example.COM` : `x.${i}`));
    for (let round = 0; round < 2; round++) {
      for (const d of domains) {
        const domain = validateDomainName(d);
        const r = validateEmail(`user@${d}`);
        if (domain.ok) expect(r, d).toEqual({ ok: true, value: `user@${domain.value}`, warnings: [] });
        else expect(r.ok || r.error.message, d).toContain(domain.error.code);
      }
    }
    expect(validateEmail('a@qq.com')).toEqual(validateEmail('a@qq.com'));
    expect(validateEmail('b@QQ.com')).toEqual({ ok: true, value: 'b@qq.com', warnings: [] });
  });
});
