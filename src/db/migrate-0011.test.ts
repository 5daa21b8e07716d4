// Migration 0011 on a database that already holds the defect's duplicates (issue 13): it must
// not fail, must cancel nothing, and must leave the rule enforced for every new subject.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseBefore, type TestDb } from '../../tests/db.ts';
import { duplicateSubjectsWarning, findDuplicateSubjects } from './duplicate-subjects.ts';
import { listMigrations, migrate } from './migrate.ts';

describe('migration 0011 over existing duplicate subjects', () => {
  let t: TestDb;
  beforeAll(async () => { t = await databaseBefore('0011'); });
  afterAll(async () => { await t?.close(); });

  it('marks the later duplicates, keeps every number filed, and refuses new duplicates', async () => {
    const [u] = await t.db.query<{ id: string }>(`insert into users (role, display_name, password_hash) values ('host', 'h', 'x') returning id`);
    const [p] = await t.db.query<{ id: string }>(
      `insert into persons (name, certificate_type, certificate_number_enc, certificate_number_hash, mobile_enc, mobile_hash, email_enc, email_hash)
       values ('张伟', 'resident_id', 'e', 'h', 'e', 'h', 'e', 'h') returning id`);
    const subject = (n: number, hash: string, filedAt: string, status = 'filed') => t.db.query<{ id: string }>(
      `insert into subjects (host_user_id, subject_type, nature, name, certificate_type, certificate_number_enc, certificate_number_hash,
         address, province_code, city_code, district_code, principal_person_id, main_number, main_number_year, main_number_serial, status, filed_at)
       values ($1, 'unit', 'enterprise', '测试公司', 'uscc', 'e', $2, '地址', '440000', '440300', '440305', $3, $4, 2026, $5, $6, $7) returning id`,
      [u!.id, hash, p!.id, `粤ICP备2026${String(n).padStart(6, '0')}号`, n, status, filedAt]);
    const [keep] = await subject(2, 'same', '2026-01-02');
    const [dup1] = await subject(1, 'same', '2026-01-03');
    const [dup2] = await subject(3, 'same', '2026-02-01');
    await subject(4, 'same', '2025-12-01', 'cancelled'); // cancelled: not a filed subject, never marked
    await subject(5, 'other', '2026-01-01');

    expect(await migrate(t.db)).toEqual((await listMigrations()).filter((m) => m.version >= '0011').map((m) => m.version));
    const rows = await t.db.query<{ id: string; status: string; duplicate_of: string | null }>(`select id, status, duplicate_of from subjects where certificate_number_hash = 'same' and status = 'filed'`);
    expect(rows).toHaveLength(3);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.duplicate_of]))).toEqual({ [keep!.id]: null, [dup1!.id]: keep!.id, [dup2!.id]: keep!.id });
    const found = await findDuplicateSubjects(t.db);
    expect(found.map((d) => d.mainNumber)).toEqual(['粤ICP备2026000001号', '粤ICP备2026000003号']);
    expect(found.every((d) => d.keptMainNumber === '粤ICP备2026000002号')).toBe(true);
    expect(duplicateSubjectsWarning(found)).toMatch(/^warning: 2 filed subject\(s\) share a certificate/);

    await expect(subject(6, 'same', '2026-03-01')).rejects.toThrow(/unique|duplicate/i);
    await expect(subject(7, 'other', '2026-03-01')).rejects.toThrow(/unique|duplicate/i);
    await expect(t.db.query(`update subjects set duplicate_of = $1 where id = (select id from subjects where certificate_number_hash = 'other')`, [keep!.id])).rejects.toThrow(/migration 0011/);
    // Resolving a duplicate (the bureau cancels it or merges it) clears the report.
    await t.db.query(`update subjects set status = 'cancelled' where id = $1`, [dup1!.id]);
    expect((await findDuplicateSubjects(t.db)).map((d) => d.mainNumber)).toEqual(['粤ICP备2026000003号']);
  });
});
