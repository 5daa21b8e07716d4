// The import line reader (docs/import.md): the fields it checks and how a CSV row maps to a line.
import { describe, expect, it } from 'vitest';
import { csvRowToObject, readImportRecord, unknownCsvColumns } from './import-record.ts';
import { idNumberCheckChar, usccCheckChar } from './validation/index.ts';

const USCC = (() => { const f = '91440300MA5DEM0X1'; return f + usccCheckChar(f); })();
const ID = (() => { const f = '11010519900101001'; return f + idNumberCheckChar(f); })();
const line = (o: Record<string, unknown> = {}) => ({
  serviceNumber: '粤ICP备2019000101号-1A', serviceName: '示例记账', approvedAt: '2019-06-01', hostName: '深圳市示例科技有限公司',
  hostType: 'unit', hostNature: 'enterprise',
  subject: { certificateType: 'uscc', certificateNumber: USCC.toLowerCase(), address: '南山区1号', cityCode: '440300', districtCode: '440305',
    principal: { name: '李四', certificateType: 'resident_id', certificateNumber: ID, mobile: '+86 138-0013-8000', email: 'li@example.com' } },
  platforms: [{ platform: 'android', packageName: 'com.example.ledger', certSha256: 'AB:'.repeat(31) + 'AB' }],
  ...o,
});
const issue = (o: Record<string, unknown>) => { const r = readImportRecord(line(o)); return r.ok ? null : [r.issue.field, r.issue.code]; };

describe('readImportRecord', () => {
  it('reads a line, normalising what the registry normalises', () => {
    const r = readImportRecord(line());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.number).toMatchObject({ mainNumber: '粤ICP备2019000101号', sequence: 1, serviceType: 'app', provinceCode: '440000', year: 2019 });
    expect(r.value.subject.certificateNumber).toBe(USCC);
    expect(r.value.subject.principal.mobile).toBe('13800138000');
    expect(r.value.platforms[0]!.certSha256).toBe('ab'.repeat(32));
    expect(r.value.approvedAt.toISOString()).toBe('2019-05-31T16:00:00.000Z'); // a bare date is midnight China time
    expect(r.value.status).toBe('filed');
  });

  it('keeps a district abolished since the record was filed: imports check structure, not the current table (ADR 0036)', () => {
    // 增城市 440183 became 增城区 440118 in 2014; a record filed in 2009 carries the old code.
    const old = readImportRecord(line({ subject: { ...line().subject, cityCode: '440100', districtCode: '440183' } }));
    expect(old.ok).toBe(true);
    if (old.ok) expect(old.value.subject).toMatchObject({ cityCode: '440100', districtCode: '440183' });
  });

  it('names the first offending field with a stable code', () => {
    expect(issue({ serviceNumber: '粤ICP备2019000101号' })).toEqual(['serviceNumber', 'filing_number_not_service']);
    expect(issue({ serviceNumber: '粤ICP备2019000101号-1X', serviceType: 'app' })).toEqual(['serviceType', 'filing_number_wrong_service_type']);
    expect(issue({ mainNumber: '粤ICP备2019000102号' })).toEqual(['mainNumber', 'main_number_mismatch']);
    expect(issue({ status: 'suspended' })).toEqual(['status', 'not_allowed']);
    expect(issue({ approvedAt: '2019-06-01T10:00:00' })).toEqual(['approvedAt', 'date_format']);
    expect(issue({ statusChangedAt: '2018-01-01' })).toEqual(['statusChangedAt', 'date_order']);
    expect(issue({ platforms: [] })).toEqual(['platforms', 'required']);
    expect(issue({ platforms: [{ platform: 'android', packageName: 'ledger', certMd5: 'a'.repeat(32) }] })).toEqual(['platforms.0.packageName', 'android_package_segments']);
    expect(issue({ platforms: [{ platform: 'android', packageName: 'com.a.b' }] })).toEqual(['platforms.0.certSha256', 'required']);
    expect(issue({ hostType: 'individual' })).toEqual(['hostNature', 'mismatch']);
    expect(issue({ subject: { ...line().subject, districtCode: '110105' } })).toEqual(['subject.districtCode', 'region_district_mismatch']);
    expect(issue({ subject: { ...line().subject, certificateNumber: USCC.slice(0, 17) } })).toEqual(['subject.certificateNumber', 'uscc_length']);
    // A check-character mismatch is only a warning (pilot-era codes have it): the line is loaded.
    expect(issue({ subject: { ...line().subject, certificateNumber: USCC.slice(0, 17) + (USCC.endsWith('0') ? '1' : '0') } })).toBeNull();
    expect(readImportRecord('x')).toMatchObject({ ok: false, issue: { field: 'line', code: 'not_an_object' } });
  });

  it('reads a code or number of digits given as a JSON number, while JSON kept its digits; else says what to do', () => {
    const subject = (o: Record<string, unknown>) => ({ subject: { ...line().subject, ...o } });
    const r = readImportRecord(line({ ...subject({ cityCode: 440300, districtCode: 440305, certificateType: 'organization_code', certificateNumber: 123456789 }) }));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.subject).toMatchObject({ cityCode: '440300', districtCode: '440305', certificateNumber: '123456789' });
    const mobile = readImportRecord(line(subject({ principal: { ...line().subject.principal, mobile: 13800138000 } })));
    expect(mobile.ok && mobile.value.subject.principal.mobile).toBe('13800138000');
    // An 18-digit ID number is past 2^53: JSON.parse has rounded it already, so it is refused, never loaded rounded.
    const id = JSON.parse(`{"n": ${ID.slice(0, 17)}1}`).n as number;
    expect(Number.isSafeInteger(id)).toBe(false);
    const lost = readImportRecord(line(subject({ principal: { ...line().subject.principal, certificateNumber: id } })));
    expect(lost).toMatchObject({ ok: false, issue: { field: 'subject.principal.certificateNumber', code: 'number_digits_lost', message: expect.stringContaining('in quotes') } });
    expect(issue(subject({ cityCode: 4403.5 }))).toEqual(['subject.cityCode', 'type']);
    expect(issue(subject({ cityCode: -440300 }))).toEqual(['subject.cityCode', 'type']);
    // Text fields that are not digits stay text only, saying how to write them.
    expect(readImportRecord(line({ serviceName: 2024 }))).toMatchObject({ ok: false, issue: { field: 'serviceName', code: 'type', message: expect.stringContaining('in quotes') } });
  });

  it('wants domains for a website and no platforms', () => {
    const web = { serviceNumber: '粤ICP备2019000101号-2', platforms: undefined };
    expect(issue(web)).toEqual(['domains', 'required']);
    expect(issue({ ...web, domains: ['example.cn'], platforms: [{ platform: 'android' }] })).toEqual(['platforms', 'not_applicable']);
    expect(issue({ ...web, domains: ['example.cn'] })).toBeNull();
  });
});

describe('CSV rows', () => {
  it('map dotted headers to nesting, platform column groups to platforms, ; to domain lists, empty cells to nothing', () => {
    expect(csvRowToObject({
      serviceNumber: '粤ICP备2019000101号-1A', 'subject.principal.mobile': '13800138000', domains: 'a.cn; b.cn', homeUrl: '',
      'android.packageName': 'com.a.b', 'android.certMd5': '', 'ios.packageName': '', 'harmonyos.packageName': 'com.a.h',
    })).toEqual({
      serviceNumber: '粤ICP备2019000101号-1A', subject: { principal: { mobile: '13800138000' } }, domains: ['a.cn', 'b.cn'],
      platforms: [{ platform: 'android', packageName: 'com.a.b' }, { platform: 'harmonyos', packageName: 'com.a.h' }],
    });
  });

  it('names unknown header columns', () => {
    expect(unknownCsvColumns(['serviceNumber', 'subject.principal.mobil', 'android.certSha256', 'hostname'])).toEqual(['subject.principal.mobil', 'hostname']);
  });
});
