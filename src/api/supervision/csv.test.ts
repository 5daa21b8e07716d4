import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';

describe('supervision CSV export', () => {
  it('quotes, keeps Chinese with a BOM, joins arrays and defuses formulas', () => {
    const csv = toCsv(['a', 'b', 'c', 'd'], [{ a: '未备案商城, 旗舰版', b: '=HYPERLINK("x")', c: [1, 2], d: null }, { a: 'say "hi"', b: -3, c: new Date('2026-03-02T02:00:00Z'), d: 0 }]);
    expect(csv).toBe('\uFEFFa,b,c,d\r\n"未备案商城, 旗舰版","\'=HYPERLINK(""x"")",1;2,\r\n"say ""hi""",\'-3,2026-03-02T02:00:00.000Z,0\r\n');
  });
});
