import { describe, expect, it } from 'vitest';
import { at, getPath, prune, setPath, under } from './paths.ts';

describe('draft paths', () => {
  it('reads and writes nested values without touching the original', () => {
    const a = { service: { name: 'x' }, platforms: [{ platform: 'android' }] };
    const b = setPath(a, 'platforms.0.packageName', 'com.example.app');
    expect(getPath(b, 'platforms.0.packageName')).toBe('com.example.app');
    expect(getPath(a, 'platforms.0.packageName')).toBeUndefined();
    expect(setPath({}, 'access.1.ips', ['1.2.3.4'])).toEqual({ access: [undefined, { ips: ['1.2.3.4'] }] });
    expect(setPath({ a: { b: 1, c: 2 } }, 'a.b', undefined)).toEqual({ a: { c: 2 } });
  });

  it('selects problems at and under a field', () => {
    const ps = [{ field: 'service.domains' }, { field: 'service.domains.1' }, { field: 'service.name' }, { field: 'service.domainsX' }];
    expect(at(ps, 'service.domains')).toHaveLength(1);
    expect(at(ps, 'service.domains', true)).toHaveLength(2);
    expect(under(ps, 'service')).toHaveLength(4);
    expect(under(ps, 'service.domains')).toHaveLength(2);
  });

  it('prunes empty strings so untouched fields stay absent', () => {
    expect(prune({ a: '', b: 'x', c: { d: '' }, e: ['', 'y'] })).toEqual({ b: 'x', c: {}, e: ['y'] });
  });
});
