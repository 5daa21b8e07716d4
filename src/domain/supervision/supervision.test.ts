import { describe, expect, it } from 'vitest';
import { createCalendar } from '../calendar.ts';
import { NamedError } from '../errors.ts';
import { blacklistHits, normaliseBlacklistValue } from './blacklist.ts';
import { CAMPAIGN_MAX_DAYS, campaignCovers, catalogueState, provinceOfUscc, validateCampaign } from './campaigns.ts';
import { addDays } from '../dates.ts';
import { parseCsvHeader, parseCsvLine, parseNdjsonLine, splitCsvLine } from './catalogue.ts';
import { lineOutcome } from './findings.ts';
import { checkMeasureFits, isOverdue, itemTransition, MEASURES, MEASURES_FOR, orderDueOn } from './orders.ts';
import { violationTransition } from './violations.ts';

const ministry = { role: 'ministry_admin' as const, provinceCode: null };
const zj = { role: 'bureau_reviewer' as const, provinceCode: '330000' };
const base = { name: '2024 专项检查', kind: 'inspection' as const, orgKinds: ['platform' as const], startsOn: '2024-04-01', catalogueDueOn: '2024-04-30', endsOn: '2024-06-30' };
const TODAY = '2024-03-01';
const fields = (f: () => unknown) => { try { f(); } catch (e) { return (e as NamedError).errors.map((p) => `${p.field}:${p.code}`); } return []; };

describe('campaigns', () => {
  it('checks dates in order and fixes a bureau to its province', () => {
    expect(validateCampaign(base, ministry, TODAY)).toEqual({ provinceCodes: null, orgKinds: ['platform'] });
    expect(validateCampaign({ ...base, provinceCodes: ['440000', '440000'] }, ministry, TODAY).provinceCodes).toEqual(['440000']);
    expect(validateCampaign(base, zj, TODAY).provinceCodes).toEqual(['330000']);
    expect(fields(() => validateCampaign({ ...base, provinceCodes: ['440000'] }, zj, TODAY))).toEqual(['provinceCodes:outside_province']);
    expect(fields(() => validateCampaign({ ...base, catalogueDueOn: '2024-03-01' }, ministry, TODAY))).toEqual(['catalogueDueOn:before_start']);
    expect(fields(() => validateCampaign({ ...base, endsOn: '2024-04-29' }, ministry, TODAY))).toEqual(['endsOn:before_catalogue_due']);
    expect(fields(() => validateCampaign({ ...base, startsOn: '2024-02-30', orgKinds: [], provinceCodes: ['990000'] }, ministry, TODAY)))
      .toEqual(['startsOn:date_invalid', 'orgKinds:required', 'provinceCodes.0:province_unknown']);
  });
  it('refuses a campaign that has already ended', () => {
    const past = { ...base, startsOn: '2020-01-01', catalogueDueOn: '2020-01-15', endsOn: '2020-02-01' };
    expect(fields(() => validateCampaign(past, ministry, TODAY))).toEqual(['endsOn:in_the_past', 'startsOn:too_far_back']);
    // Ending today is still open for a day; starting in the past is allowed (a campaign entered late), up to a year back.
    const late = { ...base, startsOn: addDays(TODAY, -60), catalogueDueOn: addDays(TODAY, -30) };
    expect(fields(() => validateCampaign({ ...late, endsOn: TODAY }, ministry, TODAY))).toEqual([]);
  });
  it('refuses a campaign starting over a year back or lasting over a year (a year typed 0026 or 9999)', () => {
    expect(fields(() => validateCampaign({ ...base, startsOn: '0026-03-01' }, ministry, TODAY))).toEqual(['startsOn:too_far_back', 'endsOn:range_too_long']);
    expect(fields(() => validateCampaign({ ...base, endsOn: '9999-12-31' }, ministry, TODAY))).toEqual(['endsOn:range_too_long']);
    expect(fields(() => validateCampaign({ ...base, endsOn: addDays(base.startsOn, CAMPAIGN_MAX_DAYS) }, ministry, TODAY))).toEqual([]);
  });
  it('covers organisations by kind and USCC province', () => {
    expect(provinceOfUscc('91330106MA2DEM01CX')).toBe('330000');
    expect(provinceOfUscc('91990106MA2DEM01CX')).toBeNull();
    expect(provinceOfUscc(null)).toBeNull();
    const scope = { provinceCodes: ['330000'], orgKinds: ['provider' as const] };
    expect(campaignCovers(scope, { kind: 'access_provider', provinceCode: '330000' })).toBe(true);
    expect(campaignCovers(scope, { kind: 'access_provider', provinceCode: '110000' })).toBe(false);
    expect(campaignCovers(scope, { kind: 'distribution_platform', provinceCode: '330000' })).toBe(false);
    expect(campaignCovers({ provinceCodes: null, orgKinds: ['provider'] }, { kind: 'access_provider', provinceCode: null })).toBe(true);
    expect(campaignCovers({ provinceCodes: null, orgKinds: ['provider'] }, { kind: 'bureau', provinceCode: '330000' })).toBe(false);
    expect(catalogueState('2024-04-30', '2024-05-01', false)).toBe('overdue');
    expect(catalogueState('2024-04-30', '2024-04-30', false)).toBe('due');
  });
});

describe('catalogue lines', () => {
  const fp = 'AA:'.repeat(15) + 'AA';
  it('parses NDJSON lines with optional fields, naming the bad field', () => {
    const ok = parseNdjsonLine(JSON.stringify({ platform: 'Android', packageName: 'com.example.a', fingerprint: fp, appName: '示例', downloads: '12', url: 'https://s.example/a' }));
    expect(ok).toMatchObject({ ok: true, line: { item: { platform: 'android', packageName: 'com.example.a', algorithm: 'md5', hex: 'aa'.repeat(16) }, appName: '示例', downloads: 12, storeId: null } });
    expect(parseNdjsonLine('{')).toMatchObject({ ok: false, problem: { code: 'line_not_json' } });
    expect(parseNdjsonLine('[1]')).toMatchObject({ ok: false, problem: { code: 'line_not_object' } });
    expect(parseNdjsonLine('{"platform":"android","fingerprint":"x"}')).toMatchObject({ ok: false, problem: { field: 'packageName', code: 'required' } });
    expect(parseNdjsonLine(JSON.stringify({ platform: 'symbian', packageName: 'a.b', fingerprint: fp }))).toMatchObject({ ok: false, problem: { field: 'platform' } });
    expect(parseNdjsonLine(JSON.stringify({ platform: 'android', packageName: 'a.b', fingerprint: 'zz' }))).toMatchObject({ ok: false, problem: { field: 'fingerprint' } });
    expect(parseNdjsonLine(JSON.stringify({ platform: 'android', packageName: 'a.b', fingerprint: fp, downloads: -1 }))).toMatchObject({ ok: false, problem: { field: 'downloads' } });
    expect(parseNdjsonLine(JSON.stringify({ platform: 'android', packageName: 'a.b', fingerprint: fp, url: 'ftp://x' }))).toMatchObject({ ok: false, problem: { field: 'url' } });
  });
  it('parses CSV with a header row and RFC 4180 quotes', () => {
    expect(splitCsvLine('a,"b,c","d""e",')).toEqual(['a', 'b,c', 'd"e', '']);
    expect(splitCsvLine('a,"b')).toBeNull();
    const h = parseCsvHeader('\uFEFFPlatform,package_name,fingerprint,appName,extra');
    expect(h.ok).toBe(true);
    if (!h.ok) return;
    expect(parseCsvLine(h.header, `android,com.example.b,${fp},"示例,应用",x`)).toMatchObject({ ok: true, line: { appName: '示例,应用' } });
    expect(parseCsvLine(h.header, 'android,"com.x')).toMatchObject({ ok: false, problem: { code: 'csv_malformed' } });
    expect(parseCsvHeader('platform,packageName')).toMatchObject({ ok: false, problem: { code: 'csv_header_missing' } });
  });
  it('judges a shell filing a shell finding whatever its certificate', () => {
    expect(lineOutcome('filed', 'shell')).toBe('shell');
    expect(lineOutcome('filed', 'filed')).toBe('filed');
    expect(lineOutcome('revoked', 'revoked')).toBe('revoked');
  });
});

describe('orders', () => {
  const cal = createCalendar();
  it('counts the due date in working days (National Day week skipped)', () => {
    expect(orderDueOn(cal, '2024-09-30', 1)).toBe('2024-10-08');
    expect(orderDueOn(cal, '2024-06-03', 5)).toBe('2024-06-11'); // 端午 2024-06-10
    expect(fields(() => orderDueOn(cal, '2024-06-03', 0))).toEqual(['dueInWorkingDays:out_of_range']);
  });
  it('moves items only as the table says', () => {
    const org = { role: 'platform_staff' as const };
    expect(itemTransition('open', 'confirm', org)).toBe('done');
    expect(itemTransition('done', 'accept', ministry)).toBe('accepted');
    expect(itemTransition('done', 'reopen', zj)).toBe('open');
    expect(() => itemTransition('open', 'accept', zj)).toThrow(/cannot accept/);
    expect(() => itemTransition('done', 'accept', org)).toThrow(/may not/);
    expect(isOverdue('open', '2024-06-11', '2024-06-12')).toBe(true);
    expect(isOverdue('done', '2024-06-11', '2024-06-12')).toBe(false);
    expect(isOverdue('open', '2024-06-11', '2024-06-11')).toBe(false);
  });
});

describe('violations and blacklist', () => {
  it('moves reports only as the table says', () => {
    expect(violationTransition('received', 'request_more', zj)).toBe('more_requested');
    expect(violationTransition('more_requested', 'provide_more', { role: 'provider_staff' })).toBe('received');
    expect(() => violationTransition('closed', 'revoke', zj)).toThrow(/cannot revoke/);
    expect(() => violationTransition('received', 'close', { role: 'host' })).toThrow(/may not/);
  });
  it('matches active entries only and names kind and date, not the party', () => {
    const entries = [
      { id: '1', kind: 'certificate' as const, value: 'H1', untilOn: '2026-12-31', liftedAt: null },
      { id: '2', kind: 'package' as const, value: 'com.bad.app', untilOn: '2025-01-01', liftedAt: null },
      { id: '3', kind: 'domain' as const, value: 'bad.example', untilOn: '2027-01-01', liftedAt: null },
      { id: '4', kind: 'domain' as const, value: 'lifted.example', untilOn: '2027-01-01', liftedAt: new Date() },
    ];
    const hits = blacklistHits({
      certificateHash: 'H1',
      packages: [{ value: 'com.bad.app', field: 'platforms.0.packageName' }],
      domains: [{ value: 'BAD.example.', field: 'service.domains.0' }, { value: 'lifted.example', field: 'service.domains.1' }],
    }, entries, '2026-03-02');
    expect(hits.map((h) => h.field)).toEqual(['subject.certificateNumber', 'service.domains.0']);
    // English only: the English UI shows the message as it is (a Chinese half once showed there).
    expect(hits[0]!.message).toBe('an active blacklist entry (certificate) bars this until 2026-12-31');
    expect(normaliseBlacklistValue('package', ' Com.A ')).toBe('Com.A');
  });
  it('bars an iOS bundle ID in any letter case, an Android package only as written', () => {
    const entries = [{ id: '1', kind: 'package' as const, value: 'com.Bad.App', untilOn: '2027-01-01', liftedAt: null }];
    const hits = blacklistHits({
      certificateHash: null,
      packages: [
        { value: 'com.bad.app', field: 'platforms.0.packageName' },
        { value: 'COM.BAD.APP', field: 'platforms.1.packageName', ios: true },
        { value: 'com.Bad.App', field: 'platforms.2.packageName' },
      ],
      domains: [],
    }, entries, '2026-03-02');
    expect(hits.map((h) => h.field)).toEqual(['platforms.1.packageName', 'platforms.2.packageName']);
  });
});

describe('order measures', () => {
  it('fit the kind of organisation ordered', () => {
    const fails = (m: (typeof MEASURES)[number], kind: string) => fields(() => checkMeasureFits(m, kind));
    expect(fails('stop_access', 'access_provider')).toEqual([]);
    expect(fails('take_down', 'access_provider')).toEqual(['measure:not_for_organisation_kind']);
    expect(fails('take_down', 'distribution_platform')).toEqual([]);
    expect(fails('shut_down', 'distribution_platform')).toEqual([]);
    expect(fails('stop_access', 'distribution_platform')).toEqual(['measure:not_for_organisation_kind']);
    expect(fails('remove_preinstall', 'device_maker')).toEqual([]);
    expect(fails('take_down', 'device_maker')).toEqual(['measure:not_for_organisation_kind']);
    expect(fails('take_down', 'bureau')).toEqual(['measure:not_for_organisation_kind']);
    // Every measure fits somebody.
    expect(MEASURES.filter((m) => !Object.values(MEASURES_FOR).some((l) => l.includes(m)))).toEqual([]);
  });
});
