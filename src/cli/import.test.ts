// Bulk import (issue 16 item 8): valid and rejected lines with their line numbers, CSV and
// NDJSON, resume after an interruption, a second run that adds nothing, database rules (one
// filed subject per certificate, numbers unique, packages), and the imported records answering
// in the public query and verification. PGlite by default, PostgreSQL with DATABASE_URL.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT } from '../../tests/auth.ts';
import { KEY, verify } from '../../tests/verify.ts';
import { stubEmbeddedEnv } from '../../tests/cli-env.ts';
import { childEnv } from '../../tests/server-process.ts';
import { main } from './main.ts';
import { fileSource, fingerprintFile } from './import.ts';
import { CSV_COLUMNS } from '../domain/import-record.ts';
import { hexOf, memorySource, residentIdOf, usccOf } from '../../tests/import-records.ts';
import { publicGet, enc } from '../api/public/test-support.ts';
import { importFilings } from '../flows/import-filings.ts';
import { openPglite } from '../db/connection.ts';
import { expectPublicEventsCurrent } from '../../tests/public-events.ts';


/** A filed APP of a unit in 广东 (粤), subject number 粤ICP备2019{serial}号. */
function appLine(serial: number, seq: number, o: Record<string, unknown> = {}) {
  const main = `粤ICP备2019${String(serial).padStart(6, '0')}号`;
  return {
    serviceNumber: `${main}-${seq}A`, serviceType: 'app', serviceName: `导入应用${serial}-${seq}`, status: 'filed',
    approvedAt: '2019-06-01T10:00:00+08:00', hostName: `深圳市导入测试${serial}科技有限公司`, hostType: 'unit', hostNature: 'enterprise',
    subject: {
      certificateType: 'uscc', certificateNumber: usccOf(serial), address: '深圳市南山区科技园1号', cityCode: '440300', districtCode: '440305',
      principal: { name: '李导入', certificateType: 'resident_id', certificateNumber: residentIdOf(serial % 900), mobile: '13800138000', email: `host${serial}@example.com` },
    },
    platforms: [{ platform: 'android', packageName: `com.imported.app${serial}.s${seq}`, certSha256: hexOf(serial * 100 + seq, 64) }],
    ...o,
  };
}


describe('beian import', () => {
  let a: AuthTestApp;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'beian-import-'));
  beforeAll(async () => { a = await authTestApp(); }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('loads valid lines and reports every rejected one by line number, the rest going on', async () => {
    const lines = [
      JSON.stringify(appLine(101, 1)),
      JSON.stringify(appLine(101, 2, { platforms: [{ platform: 'android', packageName: 'com.imported.second', certMd5: hexOf(7, 32) }] })),
      '{not json',
      JSON.stringify(appLine(102, 1, { subject: { ...appLine(102, 1).subject, principal: { ...appLine(102, 1).subject.principal, mobile: '12345' } } })),
      JSON.stringify(appLine(101, 1)), // the same number again, in a later batch: line 1's, not the registry's
      JSON.stringify({ ...appLine(103, 1), serviceNumber: '粤ICP备2019000103号-1X' }), // an APP with a mini-program number
      JSON.stringify(appLine(104, 1, { subject: { ...appLine(104, 1).subject, certificateNumber: usccOf(101) } })), // 101's certificate
      '',
      JSON.stringify({ ...appLine(105, 1), serviceNumber: '粤ICP备2024000001号-9A' }), // the demo subject's number, other certificate
      JSON.stringify(appLine(106, 1, { platforms: [{ platform: 'android', packageName: 'a2dp.Vol', certMd5: hexOf(1, 32) }] })), // filed demo package
      JSON.stringify(appLine(107, 1, { status: 'revoked', statusChangedAt: '2021-01-01T00:00:00Z' })),
    ];
    const file = path.join(dir, 'first.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const { sha256 } = await fingerprintFile(file);
    const s = await importFilings(a.t.db, a.t.sealer, fileSource(file, sha256), { batchSize: 4 });
    expect(s.rejections.map((r) => [r.line, r.field, r.code])).toEqual([
      [3, 'line', 'json_syntax'],
      [4, 'subject.principal.mobile', 'mobile_format'],
      [5, 'serviceNumber', 'duplicate_in_file'],
      [6, 'serviceType', 'filing_number_wrong_service_type'],
      [7, 'subject.certificateNumber', 'certificate_filed_under_other_number'],
      [9, 'subject.certificateNumber', 'subject_mismatch'],
      [10, 'platforms.0.packageName', 'package_already_filed'],
    ]);
    expect(s).toMatchObject({ services: 3, subjects: 2, rejected: 7, lastLine: 11, alreadyDone: false });
    // The earlier line is named (it was service_number_taken, "already in the registry", as if another filing had it).
    expect(s.rejections.find((r) => r.line === 5)!.message).toBe('line 1 of the file has this service number (loaded by an earlier batch of this import)');
    // The main number that holds the certificate is named (it said "another main number"), and the line of this import that filed it.
    // (Line 5 of the same batch, itself refused, claims nothing: the holder is line 1's subject, loaded by batch 1.)
    expect(s.rejections.find((r) => r.line === 7)).toMatchObject({
      message: 'line 1 of the file files this certificate under 粤ICP备2019000101号 (loaded by an earlier batch of this import)', heldBy: { line: 1 } });
    // A record the registry held before is named by its number.
    expect(s.rejections.find((r) => r.line === 9)!.heldBy).toEqual({ mainNumber: '粤ICP备2024000001号' });
    expect(s.rejections.find((r) => r.line === 10)!.heldBy).toEqual({ serviceNumber: expect.stringMatching(/^粤ICP备/) });
    const [sub] = await a.t.db.query<{ last_service_sequence: number; principal_person_id: string; certificate_number_enc: string }>(
      `select last_service_sequence, principal_person_id, certificate_number_enc from subjects where main_number = '粤ICP备2019000101号'`);
    expect(sub!.last_service_sequence).toBe(2);
    expect(a.t.sealer.open(sub!.certificate_number_enc)).toBe(usccOf(101));
    const [p] = await a.t.db.query<{ mobile_enc: string; mobile_hash: string }>('select mobile_enc, mobile_hash from persons where id = $1', [sub!.principal_person_id]);
    expect(p!.mobile_enc).not.toContain('138');
    expect(a.t.sealer.open(p!.mobile_enc)).toBe('13800138000');
    expect(p!.mobile_hash).toBe(a.t.sealer.hash('phone', '13800138000'));
    const history = await a.t.db.query<{ entity_type: string; action: string }>(
      `select h.entity_type, h.action from history h join services s on s.id = h.entity_id where s.service_number like '粤ICP备2019000101号-%'`);
    expect(history).toEqual([{ entity_type: 'service', action: 'imported' }, { entity_type: 'service', action: 'imported' }]);
    const [seq] = await a.t.db.query<{ last_serial: number }>(`select last_serial from number_sequences where province_code = '440000' and year = 2019`);
    expect(seq!.last_serial).toBeGreaterThanOrEqual(107);

    const again = await importFilings(a.t.db, a.t.sealer, fileSource(file, sha256));
    expect(again).toMatchObject({ alreadyDone: true, services: 3, rejected: 7 });
    const [{ n }] = await a.t.db.query<{ n: number }>(`select count(*)::int as n from services where service_number like '粤ICP备2019%'`) as [{ n: number }];
    expect(n).toBe(3);
    // Another import (an edited file) meeting a number the first one loaded: the registry's, not this file's.
    const edited = await importFilings(a.t.db, a.t.sealer, memorySource('test:edited', [appLine(108, 1), appLine(101, 1)]), { batchSize: 1 });
    expect(edited.rejections).toEqual([{ line: 2, field: 'serviceNumber', code: 'service_number_taken', message: 'this service number is already in the registry' }]);
  });

  it('imported records answer in the public query and in verification', async () => {
    const rec = await publicGet(a.app, `/api/public/v1/services/${enc('粤ICP备2019000101号-1A')}`);
    expect(rec.statusCode, rec.body).toBe(200);
    expect(rec.json()).toMatchObject({ serviceNumber: '粤ICP备2019000101号-1A', mainNumber: '粤ICP备2019000101号', status: 'filed',
      hostName: '深圳市导入测试101科技有限公司', platforms: [{ platform: 'android', packageName: 'com.imported.app101.s1' }] });
    expect(rec.body).not.toContain('13800138000');
    const found = await publicGet(a.app, `/api/public/v1/services?q=${enc('导入测试101')}`);
    expect(found.json().items.map((i: { serviceNumber: string }) => i.serviceNumber).sort()).toEqual(['粤ICP备2019000101号-1A', '粤ICP备2019000101号-2A']);
    const v = await verify(a.app, [{ platform: 'android', packageName: 'com.imported.app101.s1', fingerprint: hexOf(101 * 100 + 1, 64) },
      { platform: 'android', packageName: 'com.imported.app107.s1', fingerprint: hexOf(107 * 100 + 1, 64) }], KEY);
    expect(v.statusCode, v.body).toBe(200);
    expect(v.json().results.map((r: { status: string; serviceNumber: string | null }) => [r.status, r.serviceNumber])).toEqual([
      ['filed', '粤ICP备2019000101号-1A'], ['revoked', '粤ICP备2019000107号-1A'],
    ]);
  });

  it('resumes an interrupted import after its last committed batch, without duplicates', async () => {
    const records = Array.from({ length: 25 }, (_, i) => appLine(200 + Math.floor(i / 2), (i % 2) + 1));
    await expect(importFilings(a.t.db, a.t.sealer, memorySource('test:resume', records, 13), { batchSize: 5 })).rejects.toThrow('interrupted');
    const [mid] = await a.t.db.query<{ last_line: number; services: number; status: string }>(`select last_line, services, status from imports where source_key = 'test:resume'`);
    expect(mid).toEqual({ last_line: 10, services: 10, status: 'running' });
    // The progress of a resumed run starts at its resume line with the counts so far, and ends on the
    // summary's counts (it started at line 0 and counted this run's services only).
    const seen: { line: number; services: number }[] = [];
    const done = await importFilings(a.t.db, a.t.sealer, memorySource('test:resume', records), {
      batchSize: 5, onStart: (p) => seen.push({ line: p.line, services: p.services }), onProgress: (p) => seen.push({ line: p.line, services: p.services }),
    });
    expect(done).toMatchObject({ resumedFrom: 10, services: 25, subjects: 13, rejected: 0, lastLine: 25 });
    expect(seen[0]).toEqual({ line: 10, services: 10 });
    expect(seen.at(-1)).toEqual({ line: 25, services: 25 });
    const [{ n }] = await a.t.db.query<{ n: number }>(`select count(*)::int as n from services where service_number like '粤ICP备20190002%'`) as [{ n: number }];
    expect(n).toBe(25);
    const [{ v }] = await a.t.db.query<{ v: number }>(`select count(*)::int as v from verify_identities where package_name like 'com.imported.app2%'`) as [{ v: number }];
    expect(v).toBe(25);
  });

  // Defect: a duplicate in the same batch said only "an earlier line of the file has this service
  // number"; in a later batch it named the line. The report is now the same whatever the batch size.
  it.each([[10, 'test:dup-same-batch'], [1, 'test:dup-other-batch']])('a duplicate names the earlier line (batch size %i)', async (batchSize, key) => {
    const first = appLine(401 + batchSize, 1);
    const s = await importFilings(a.t.db, a.t.sealer, memorySource(key, [first, appLine(401 + batchSize, 2), first,
      appLine(421 + batchSize, 1, { subject: first.subject })]), { batchSize });
    expect(s.rejections).toEqual([{ line: 3, field: 'serviceNumber', code: 'duplicate_in_file', message: expect.stringMatching(/^line 1 of the file has this service number/), heldBy: { line: 1 } },
      // And a certificate filed under another main number names that number, and the line that filed it.
      { line: 4, field: 'subject.certificateNumber', code: 'certificate_filed_under_other_number', message: expect.stringContaining(`line 1 of the file files this certificate under 粤ICP备2019000${401 + batchSize}号`), heldBy: { line: 1 } }]);
    expect(s.services).toBe(2);
  });

  // Defects: a spreadsheet cell typed on two lines (Alt+Enter) was refused as control_characters,
  // though the filing form reads a line break as a space; a missing hostType (or certificate type,
  // platform) was not_allowed, "must be one of", as if a wrong value was there.
  it('reads a line break in a cell as a space, as the filing form does, and a missing choice as required', async () => {
    const base = appLine(311, 1);
    const s = await importFilings(a.t.db, a.t.sealer, memorySource('test:cells', [
      appLine(311, 1, { subject: { ...base.subject, address: '深圳市南山区\r\n科技园 1 号' }, serviceName: '导入\n应用' }),
      { ...appLine(312, 1), hostType: undefined },
      appLine(313, 1, { subject: { ...appLine(313, 1).subject, certificateType: '' } }),
      appLine(314, 1, { platforms: [{ packageName: 'com.imported.app314', certSha256: hexOf(314, 64) }] }),
      appLine(315, 1, { subject: { ...appLine(315, 1).subject, address: '深圳市南山区\u0007科技园 1 号' } }),
    ]));
    expect(s.rejections.map((r) => [r.line, r.field, r.code, r.message])).toEqual([
      [2, 'hostType', 'required', 'hostType is required (one of unit, individual)'],
      [3, 'subject.certificateType', 'required', expect.stringMatching(/^subject.certificateType is required \(one of uscc, /)],
      [4, 'platforms.0.platform', 'required', 'platforms.0.platform is required (one of android, ios, harmonyos)'],
      [5, 'subject.address', 'control_characters', 'subject.address contains control characters'],
    ]);
    const [row] = await a.t.db.query<{ address: string; name: string }>(
      `select su.address, s.name from services s join subjects su on su.id = s.subject_id where s.service_number = '粤ICP备2019000311号-1A'`);
    expect(row).toEqual({ address: '深圳市南山区 科技园 1 号', name: '导入 应用' });
  });

  // Defect: an import begun before migration 0039 whose loaded rows the transparency log had already
  // sequenced (a server running beside it), resumed after an upgrade, reported a number of its own
  // earlier batch as service_number_taken, "already in the registry": 0039 gave such records a
  // `logged_imported` row, which migration 0051 made their `imported` public event, and the look-up of
  // the earlier line went through that event to a row that names no import and no line.
  it('names the earlier line of an import resumed after an upgrade across migrations 0039 and 0051', async () => {
    const records = [appLine(451, 1), appLine(451, 2), appLine(452, 1), appLine(451, 1)];
    await expect(importFilings(a.t.db, a.t.sealer, memorySource('test:upgrade', records, 2), { batchSize: 2 })).rejects.toThrow('interrupted');
    // What the upgrade leaves: migration 0039's row for each logged import (its leaves are taken as
    // given here), and migration 0051's public events (the `logged_imported` row's, not the `imported` one's).
    await a.t.db.query(`insert into history (entity_type, entity_id, action, to_status, actor_role, reason)
      select 'service', s.id, 'logged_imported', s.status, 'system', jsonb_build_object('note', 'loaded by beian import before such rows were public in the transparency log (migration 0039)')
        from services s where s.service_number like '粤ICP备2019000451号-%'`);
    await a.t.db.query(`delete from public_events e using history h
      where e.history_id = h.id and h.action = 'imported'
        and exists (select 1 from history x where x.entity_type = h.entity_type and x.entity_id = h.entity_id and x.action = 'logged_imported')`);
    const s = await importFilings(a.t.db, a.t.sealer, memorySource('test:upgrade', records), { batchSize: 2 });
    expect(s.rejections).toEqual([{ line: 4, field: 'serviceNumber', code: 'duplicate_in_file', message: 'line 1 of the file has this service number (loaded by an earlier batch of this import)', heldBy: { line: 1 } }]);
    expect(s).toMatchObject({ resumedFrom: 2, services: 3 });
  });

  // Defect: an ID number a spreadsheet saved as 3.30102E+17 was id_number_length, "an ID number has 18
  // characters"; a date as a spreadsheet shows it (2019/6/1) was "not an ISO 8601 time with a zone",
  // though a bare date is what the column takes. The messages now say what to do.
  it('says what a spreadsheet did to an ID number or a date', async () => {
    const subject = appLine(321, 1).subject;
    const s = await importFilings(a.t.db, a.t.sealer, memorySource('test:spreadsheet', [
      appLine(321, 1, { subject: { ...subject, principal: { ...subject.principal, certificateNumber: '1.10105E+17' } } }),
      appLine(322, 1, { approvedAt: '2019/6/1' }),
    ]));
    expect(s.rejections.map((r) => [r.line, r.field, r.code, r.message])).toEqual([
      [1, 'subject.principal.certificateNumber', 'spreadsheet_number', expect.stringContaining('is 1.10105E+17, a spreadsheet\'s rounded number: its digits are lost; format the column as text')],
      [2, 'approvedAt', 'date_format', 'approvedAt is not a date (2019-06-01) or an ISO 8601 time with a zone (2019-06-01T10:00:00+08:00)'],
    ]);
  });

  // Defect: a number where a time belongs was rejected as `required`, although it was there.
  it('a time given as a number is rejected as not ISO 8601 text, not as missing', async () => {
    const s = await importFilings(a.t.db, a.t.sealer, memorySource('test:epoch', [appLine(301, 1, { approvedAt: 12345 })]));
    expect(s.rejections).toEqual([{ line: 1, field: 'approvedAt', code: 'type', message: 'approvedAt must be an ISO 8601 time as text (e.g. "2024-05-20T10:00:00+08:00"), not a number' }]);
  });

  it('reads CSV with the documented header, multi-line cells counted by their first line', async () => {
    const row = (r: ReturnType<typeof appLine>, extra: Record<string, string> = {}) => {
      const cells: Record<string, string> = {
        serviceNumber: r.serviceNumber, serviceType: r.serviceType, serviceName: r.serviceName, approvedAt: r.approvedAt,
        hostName: r.hostName, hostType: 'unit', hostNature: 'enterprise', 'subject.certificateType': 'uscc',
        'subject.certificateNumber': r.subject.certificateNumber, 'subject.address': r.subject.address, 'subject.cityCode': '440300',
        'subject.districtCode': '440305', 'subject.principal.name': '李导入', 'subject.principal.certificateType': 'resident_id',
        'subject.principal.certificateNumber': r.subject.principal.certificateNumber, 'subject.principal.mobile': '13800138000',
        'subject.principal.email': r.subject.principal.email, 'android.packageName': r.platforms[0]!.packageName,
        'android.certSha256': r.platforms[0]!.certSha256, ...extra,
      };
      return CSV_COLUMNS.map((c) => `"${(cells[c] ?? '').replace(/"/g, '""')}"`).join(',');
    };
    const web = { ...appLine(301, 1), serviceNumber: '粤ICP备2019000301号-2', serviceType: 'website', serviceName: '导入测试官网' };
    const csv = [CSV_COLUMNS.join(','), row(appLine(301, 1)), row(appLine(302, 1), { 'subject.address': '深圳市\n南山区', 'subject.principal.mobile': '12345' }),
      // Separated by `；` (a Chinese input method's) and `;`. Defect: `；` was domain_charset.
      row(web, { domains: 'imported-301.cn；www.imported-301.cn; m.imported-301.cn', 'android.packageName': '', 'android.certSha256': '' }),
      row(appLine(303, 1), { 'android.certSha256': 'zz' })].join('\n');
    const file = path.join(dir, 'filings.csv');
    writeFileSync(file, `${csv}\n`);
    const { sha256 } = await fingerprintFile(file);
    const s = await importFilings(a.t.db, a.t.sealer, fileSource(file, sha256));
    expect(s.rejections.map((r) => [r.line, r.field, r.code])).toEqual([
      [3, 'subject.principal.mobile', 'mobile_format'], [6, 'platforms.0.certSha256', 'fingerprint_charset']]);
    expect(s.services).toBe(2);
    const [w] = await a.t.db.query<{ domains: string[] }>(`select domains from services where service_number = '粤ICP备2019000301号-2'`);
    expect(w!.domains).toEqual(['imported-301.cn', 'www.imported-301.cn', 'm.imported-301.cn']);
  });

  it('keeps the stored public events of every record what history says, after imports (each record\'s import is its `imported` event, written set-based: migrations 0029, 0051)', async () => {
    await expectPublicEventsCurrent(a.t.db);
  });
});

/** `beian <argv>` in this process: its exit code and what it printed. */
async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const stream = (f: (s: string) => void) => ({ write: (c: string | Uint8Array) => { f(c.toString()); return true; } }) as unknown as NodeJS.WritableStream;
  const code = await main(argv, { stdout: stream((s) => { stdout += s; }), stderr: stream((s) => { stderr += s; }) });
  return { code, stdout, stderr };
}

describe('the beian import command (embedded database)', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'beian-import-cli-'));
  beforeAll(() => { stubEmbeddedEnv(path.join(root, 'data')); });
  afterAll(() => { vi.unstubAllEnvs(); });

  it('loads a file, reports the rejected line and exits 1; a second run loads nothing', async () => {
    const file = path.join(root, 'f.ndjson');
    writeFileSync(file, [JSON.stringify(appLine(501, 1)), JSON.stringify({ ...appLine(502, 1), approvedAt: 'yesterday' }), JSON.stringify(appLine(501, 2))].join('\n'));
    // A report path that cannot be written is refused before anything is imported.
    const unwritable = await run('import', file, '--rejects', path.join(root, 'no-such-dir', 'r.ndjson'), '--quiet');
    expect(unwritable).toMatchObject({ code: 2, stderr: expect.stringMatching(/cannot write --rejects .*ENOENT/) });
    expect((await run('import', file, '--rejects', root, '--quiet')).stderr).toMatch(/cannot write --rejects .*EISDIR/);
    const rejects = path.join(root, 'rejects.ndjson');
    const first = await run('import', file, '--rejects', rejects, '--quiet');
    expect(first.code, first.stderr).toBe(1);
    expect(first.stdout).toMatch(/^imported 2 services under 1 new subjects \(3 lines, 1 rejected\) in [\d.]+ s; import [0-9a-f-]{36}; first load: search indexes and foreign keys built at the end\n$/);
    expect(first.stderr).toContain('line 2: approvedAt: date_format:');
    expect(readFileSync(rejects, 'utf8').trim().split('\n').map((l) => JSON.parse(l).line)).toEqual([2]);
    const second = await run('import', file, '--quiet');
    expect(second.stdout).toContain('was imported already');
    expect(second.code).toBe(1);
    expect((await run('import')).code).toBe(2);
    const badWorkers = await run('import', file, '--workers', 'two');
    expect(badWorkers).toMatchObject({ code: 2, stderr: expect.stringContaining('--workers must be a whole number from 0 to 64') });
    expect((await run('import', path.join(root, 'missing.ndjson'))).stderr).toMatch(/cannot read .*ENOENT/);
  }, SETUP_TIMEOUT);

  // Defect: a CSV of its header alone (an operator trying the header before the data) was checked
  // only at its first row: `serviceNumber,foo` imported "0 lines" with exit 0, recorded as imported.
  it('refuses a CSV whose header names an unknown column even with no row under it, and a CSV without a header, recording nothing', async () => {
    const headerOnly = path.join(root, 'header-only.csv');
    writeFileSync(headerOnly, 'serviceNumber,serviceNme\n');
    for (let i = 0; i < 2; i++) { // the second run is refused again, not "imported already"
      const r = await run('import', headerOnly, '--quiet');
      expect(r, r.stdout).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('unknown CSV column(s): "serviceNme"') });
    }
    const empty = path.join(root, 'empty.csv');
    writeFileSync(empty, '');
    expect(await run('import', empty, '--quiet')).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('has no header line') });
    // A known header with no rows is a (trivial) import.
    const known = path.join(root, 'known-header.csv');
    writeFileSync(known, `${CSV_COLUMNS.join(',')}\r\n`);
    expect(await run('import', known, '--quiet')).toMatchObject({ code: 0, stdout: expect.stringContaining('(1 lines, 0 rejected)') });
  }, SETUP_TIMEOUT);
});

// Files as a bureau's spreadsheet saves them. Defects: a CSV saved as GBK (the default "CSV" of a
// Chinese Excel) had every line rejected as filing_number_format (its 粤ICP备 read as U+FFFD), the
// import recorded as done; a BOM before NDJSON (Notepad's "UTF-8") rejected line 1 as json_syntax.
describe('beian import of files as a spreadsheet or an editor saves them (embedded database)', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'beian-import-enc-'));
  beforeAll(() => { stubEmbeddedEnv(path.join(root, 'data')); });
  afterAll(() => { vi.unstubAllEnvs(); });

  it('stops before loading anything at a file that is not UTF-8, naming the line and how to convert it', async () => {
    const gbk = path.join(root, 'gbk.csv');
    // serviceNumber,serviceName / 粤ICP备2019000101号-1A,示例 in GBK, CRLF.
    writeFileSync(gbk, Buffer.concat([Buffer.from('serviceNumber,serviceName\r\n'), Buffer.from('d4c1494350b1b832303139303030313031bac52d3141', 'hex'),
      Buffer.from(','), Buffer.from('cabec0fd', 'hex'), Buffer.from('\r\n')]));
    const r = await run('import', gbk, '--quiet');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^beian import: .*gbk\.csv is not UTF-8 text \(line 2\).*GBK.*iconv -f GBK -t UTF-8/);
    expect(r.stdout).toBe('');
    // UTF-16 ("Unicode text"), as a spreadsheet may also save it.
    const utf16 = path.join(root, 'utf16.csv');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${CSV_COLUMNS.join(',')}\r\n`, 'utf16le')]));
    expect(await run('import', utf16, '--quiet')).toMatchObject({ code: 2, stderr: expect.stringMatching(/is not UTF-8 text \(line 1\)/) });
    // Refused before the database was opened: nothing recorded (the file converted to UTF-8 is a first import).
    expect(existsSync(path.join(root, 'data'))).toBe(false);
  }, SETUP_TIMEOUT);

  // Defect: Excel's "CSV UTF-8" of a sheet whose columns past the last were ever touched has a header
  // ending in empty names (`…,android.certSha256,,`): the import stopped with "unknown CSV column(s): "
  // (an empty name, unreadable); its rows of empty cells (`,,,,`) were rejected as serviceNumber
  // required; a value past the header's last column was dropped unseen.
  it('reads a CSV as Excel saves it: unnamed empty columns ignored, empty rows skipped, a value in an unnamed column rejected', async () => {
    const cols = ['serviceNumber', 'serviceType', 'serviceName', 'approvedAt', 'hostName', 'hostType', 'hostNature', 'subject.certificateType',
      'subject.certificateNumber', 'subject.address', 'subject.cityCode', 'subject.districtCode', 'subject.principal.name',
      'subject.principal.certificateType', 'subject.principal.certificateNumber', 'subject.principal.mobile', 'subject.principal.email',
      'android.packageName', 'android.certSha256'];
    const row = (serial: number, tail = ',,') => {
      const r = appLine(serial, 1);
      return [r.serviceNumber, 'app', `"${r.serviceName}，测试,含逗号"`, '2019-06-01', r.hostName, 'unit', 'enterprise', 'uscc', r.subject.certificateNumber,
        '"深圳市南山区\n科技园1号"', '440300', '440305', '李导入', 'resident_id', r.subject.principal.certificateNumber, '13800138000',
        r.subject.principal.email, r.platforms[0]!.packageName, r.platforms[0]!.certSha256].join(',') + tail;
    };
    const file = path.join(root, 'excel.csv');
    writeFileSync(file, `\ufeff${[`${cols.join(',')},,`, row(901), ',,,,,,,,,,,,,,,,,,,,', row(902, ',备注,'), row(903, ',,,多出来的'), row(904), ',,,,,,,,,,,,,,,,,,,,'].join('\r\n')}\r\n`);
    const r = await run('import', file, '--quiet');
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      'line 5: column T: unnamed_column: column T has a value but no name in the header line (docs/import.md lists the column names)',
      'line 7: column V: unnamed_column: column V has a value but no name in the header line (docs/import.md lists the column names)',
    ]);
    expect(r.code).toBe(1);
    // 11 lines: the rows' cells span two lines each, and the row of empty cells at the end is counted (it said 9).
    expect(r.stdout).toMatch(/^imported 2 services under 2 new subjects \(11 lines, 2 rejected\)/);
  }, SETUP_TIMEOUT);

  it('names an unknown CSV column, quoted, and a column named twice', async () => {
    const file = path.join(root, 'typo.csv');
    writeFileSync(file, `\ufeffserviceNumber,serviceNmae, ,\r\n`);
    expect(await run('import', file, '--quiet')).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown CSV column(s): "serviceNmae" (see docs/import.md)') });
    // Defect: a column named twice was read once, the other dropped unseen.
    const twice = path.join(root, 'twice.csv');
    writeFileSync(twice, `serviceNumber,subject.address,serviceName,subject.address\r\n粤ICP备2019000905号-1A,深圳市南山区1号,示例,深圳市福田区2号\r\n`);
    expect(await run('import', twice, '--quiet')).toMatchObject({ code: 2, stderr: expect.stringContaining('CSV column(s) named twice in the header line: "subject.address"') });
  }, SETUP_TIMEOUT);

  it('reads NDJSON after a byte-order mark and with CRLF line ends', async () => {
    const file = path.join(root, 'bom.ndjson');
    writeFileSync(file, `\ufeff${[JSON.stringify(appLine(801, 1)), JSON.stringify(appLine(802, 1))].join('\r\n')}\r\n`);
    const r = await run('import', file, '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^imported 2 services under 2 new subjects \(2 lines, 0 rejected\)/);
  }, SETUP_TIMEOUT);

  it('counts every line of the file in its summary, blank ones at the end too (docs/import.md)', async () => {
    const file = path.join(root, 'blank-tail.ndjson');
    writeFileSync(file, `${JSON.stringify(appLine(811, 1))}\n\n${JSON.stringify(appLine(812, 1))}\n\n  \n\n`);
    const r = await run('import', file, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    // Six lines (it said 3: the last line with a record).
    expect(r.stdout).toMatch(/^imported 2 services under 2 new subjects \(6 lines, 0 rejected\)/);
  }, SETUP_TIMEOUT);
});

// Defect: Ctrl-C exited 130 without a word.
describe('beian import interrupted (SIGINT, SIGTERM)', () => {
  // Defect: a `kill` (SIGTERM) ended it without a word.
  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('%s: says where it stopped and that the same command resumes, and exits %i', async (signal, exitCode) => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'beian-import-int-'));
    const file = path.join(root, 'big.ndjson');
    writeFileSync(file, `${Array.from({ length: 20_000 }, (_, i) => JSON.stringify(appLine(10_000 + i, 1))).join('\n')}\n`);
    const child = spawn(process.execPath, [path.join(import.meta.dirname, '../../bin/beian.js'), 'import', file, '--batch-size', '200', '--workers', '0'],
      { env: childEnv({ BEIAN_DATA_DIR: path.join(root, 'data'), DATABASE_URL: '', BEIAN_DATA_KEYS: '', BEIAN_HASH_KEY: '' }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    // Interrupted once a batch has committed (the bar, redrawn every 5 s without a terminal, shows a line past 0).
    for (let i = 0; i < 1200 && !/line [1-9]\d*\//.test(stderr) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
    child.kill(signal);
    expect(await exited, stderr).toBe(exitCode);
    const said = /\ninterrupted: committed up to line (\d+); run the same command to resume\n$/.exec(stderr);
    expect(said, stderr).not.toBeNull();
    expect(Number(said![1])).toBeGreaterThan(0);
    // What it says is committed is in the data folder. Defect: on the embedded database the batches
    // committed without a flush of the WAL (synchronous_commit = off), which nothing wrote out before
    // the process exited: the folder held none of them, and the "resume" started again at line 1.
    const db = await openPglite(path.join(root, 'data', 'pgdata'));
    try {
      const [imp] = await db.query<{ last_line: number; services: number }>('select last_line, services from imports');
      expect(imp!.last_line).toBeGreaterThanOrEqual(Number(said![1]));
      const [n] = await db.query<{ n: number }>('select count(*)::int as n from services');
      expect(n!.n).toBe(imp!.services);
    } finally {
      await db.close();
    }
  }, SETUP_TIMEOUT);
});

describe('the beian import command with worker threads, CSV (embedded database)', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'beian-import-csv-'));
  beforeAll(() => { stubEmbeddedEnv(path.join(root, 'data')); });
  afterAll(() => { vi.unstubAllEnvs(); });

  it('prepares CSV rows on two worker threads: rejections by line number, the rest loaded', async () => {
    const cells = (r: ReturnType<typeof appLine>, extra: Record<string, string> = {}) => {
      const c: Record<string, string> = {
        serviceNumber: r.serviceNumber, serviceType: 'app', serviceName: r.serviceName, approvedAt: r.approvedAt, hostName: r.hostName,
        hostType: 'unit', hostNature: 'enterprise', 'subject.certificateType': 'uscc', 'subject.certificateNumber': r.subject.certificateNumber,
        'subject.address': r.subject.address, 'subject.cityCode': '440300', 'subject.districtCode': '440305', 'subject.principal.name': '李导入',
        'subject.principal.certificateType': 'resident_id', 'subject.principal.certificateNumber': r.subject.principal.certificateNumber,
        'subject.principal.mobile': '13800138000', 'subject.principal.email': r.subject.principal.email,
        'android.packageName': r.platforms[0]!.packageName, 'android.certSha256': r.platforms[0]!.certSha256, ...extra,
      };
      return CSV_COLUMNS.map((k) => `"${(c[k] ?? '').replace(/"/g, '""')}"`).join(',');
    };
    const rows = [cells(appLine(701, 1)), cells(appLine(701, 2), { 'subject.address': '深圳市\n南山区', approvedAt: 'earlier' }), cells(appLine(702, 1)),
      cells(appLine(703, 1), { approvedAt: 'soon' }), cells(appLine(704, 1))];
    const file = path.join(root, 'f.csv');
    writeFileSync(file, `${[CSV_COLUMNS.join(','), ...rows].join('\n')}\n`);
    let stdout = '';
    let stderr = '';
    const stream = (f: (s: string) => void) => ({ write: (c: string | Uint8Array) => { f(c.toString()); return true; } }) as unknown as NodeJS.WritableStream;
    const code = await main(['import', file, '--workers', '2', '--quiet'], { stdout: stream((s) => { stdout += s; }), stderr: stream((s) => { stderr += s; }) });
    expect(code, stderr).toBe(1);
    expect(stdout).toMatch(/^imported 3 services under 3 new subjects \(7 lines, 2 rejected\)/);
    // Line 3 starts the row whose address spans two lines; the next row starts on line 5.
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^line 3: approvedAt: date_format: /),
      expect.stringMatching(/^line 6: approvedAt: date_format: /),
    ]);
  }, SETUP_TIMEOUT);
});

describe('the beian import command with --keep-indexes (embedded database)', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'beian-import-keep-'));
  beforeAll(() => { stubEmbeddedEnv(path.join(root, 'data')); });
  afterAll(() => { vi.unstubAllEnvs(); });

  it('loads into an empty registry row by row, its indexes kept', async () => {
    const file = path.join(root, 'f.ndjson');
    writeFileSync(file, `${JSON.stringify(appLine(601, 1))}\n`);
    let stdout = '';
    const stream = (f: (s: string) => void) => ({ write: (c: string | Uint8Array) => { f(c.toString()); return true; } }) as unknown as NodeJS.WritableStream;
    const code = await main(['import', file, '--keep-indexes', '--quiet'], { stdout: stream((s) => { stdout += s; }), stderr: stream(() => {}) });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^imported 1 services under 1 new subjects \(1 lines, 0 rejected\) in [\d.]+ s; import [0-9a-f-]{36}\n$/);
  }, SETUP_TIMEOUT);
});
