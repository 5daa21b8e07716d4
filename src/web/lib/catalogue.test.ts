import { describe, expect, it } from 'vitest';
import { catalogueCounts, MUST_NOT_SERVE, parseCatalogue, splitCsvLine, toCsv } from './catalogue.ts';
import { VERIFICATION_STATUSES } from '../../domain/verification.ts';

describe('catalogue files', () => {
  it('reads CSV with a header in any order, quoted cells and Chinese headers', () => {
    const r = parseCatalogue('包名,平台,指纹\r\n"a2dp.Vol",android,C1:CA:BE:8A\r\n\r\ncom.x,ios,\r\n');
    expect(r.items).toEqual([{ line: 2, platform: 'android', packageName: 'a2dp.Vol', fingerprint: 'C1:CA:BE:8A' }]);
    expect(r.errors).toEqual([{ line: 4, code: 'catalogue_fields_missing', message: expect.stringContaining('required') }]);
  });

  it('reads CSV without a header as platform,packageName,fingerprint', () => {
    expect(parseCatalogue('android,a2dp.Vol,abc').items).toHaveLength(1);
  });

  it('reads NDJSON and reports bad lines by number', () => {
    const r = parseCatalogue('{"platform":"android","packageName":"a","fingerprint":"f"}\n{bad\n', 'x.ndjson');
    expect(r.items).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ line: 2, code: 'catalogue_line_not_json' });
  });

  it('splits quoted cells and writes safe CSV', () => {
    expect(splitCsvLine('"a,b","c""d",e')).toEqual(['a,b', 'c"d', 'e']);
    expect(toCsv(['x'], [['=1+1'], ['a,b']])).toBe('\uFEFFx\r\n\'=1+1\r\n"a,b"\r\n');
  });
});

describe('catalogue check totals', () => {
  it('counts what a store must act on by status, as each row says, and nothing under "other"', () => {
    const statuses = ['filed', 'shell', 'not_filed', 'revoked', 'revoked', 'cancelled', 'fingerprint_mismatch', 'invalid'];
    expect(catalogueCounts(statuses)).toEqual({
      total: 8, filed: 2, shell: 1, mustNotServe: 5, notFiled: 1, revoked: 2, cancelled: 1, fingerprintMismatch: 1, invalid: 1,
    });
  });

  it('puts every status a verification answers in a named total (a new status without one fails here)', () => {
    for (const s of VERIFICATION_STATUSES) {
      const c = catalogueCounts([s]);
      expect(c.total, s).toBe(1);
      expect(c.invalid, s).toBe(0); // invalid holds malformed items only
      expect(c.filed + c.mustNotServe, s).toBe(1);
      expect(MUST_NOT_SERVE.includes(s as never) ? c.mustNotServe : c.filed, s).toBe(1);
    }
  });
});
