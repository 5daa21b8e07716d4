// The browser runs the server's rules: a few field-level answers, and the IDN shim's parity
// with node:url on the domain validator.
import { describe, expect, it } from 'vitest';
import { validateDomainName } from '../../domain/validation/domain-name.ts';
import { checkDraft } from './check.ts';
import { decodePunycode, domainToASCII, domainToUnicode } from './node-url-shim.ts';

describe('checkDraft', () => {
  it('reports problems at field paths as the user types', () => {
    const r = checkDraft({ subject: { principal: { mobile: '12345' } }, service: { serviceType: 'app', name: '' } }, { applicationType: 'first_filing' });
    const fields = r.problems.map((p) => p.field);
    expect(fields).toContain('subject.principal.mobile');
    expect(fields).toContain('service.name');
    expect(r.problems.find((p) => p.field === 'subject.principal.mobile')?.code).toBe('mobile_format');
  });

  it('treats empty strings as absent (untouched inputs)', () => {
    const r = checkDraft({ service: { serviceType: 'app', homeUrl: '' } }, { applicationType: 'first_filing' });
    expect(r.problems.find((p) => p.field === 'service.homeUrl')).toBeUndefined();
  });
});

describe('node:url shim', () => {
  it('converts like node:url', async () => {
    const node = await import('node:url');
    for (const d of ['例子.中国', 'Example.COM', 'xn--fsqu00a.xn--fiqs8s', 'bücher.de']) {
      expect(domainToASCII(d)).toBe(node.domainToASCII(d));
    }
    expect(domainToUnicode('xn--fsqu00a.xn--fiqs8s')).toBe('例子.中国');
    expect(decodePunycode('bcher-kva')).toBe('bücher');
    expect(validateDomainName('例子.中国')).toMatchObject({ ok: true, value: 'xn--fsqu00a.xn--fiqs8s' });
  });
});
