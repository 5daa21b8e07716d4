// A bulk import's lines prepared (src/db/import-prepare.ts): on this thread and on worker threads
// (src/db/import-workers.ts) alike — parsed, checked, the personal data sealed under the import's
// keys and hashed — and a subject's sealing shared only by the lines right after it that carry
// the same main number and the same personal data.
import { afterAll, describe, expect, it } from 'vitest';
import { testSecrets } from '../../tests/db.ts';
import { type AppRecordStyle, appRecord } from '../../tests/import-records.ts';
import { JSON_SYNTAX, type PreparedLine, type SourceLine, prepareLines } from './import-prepare.ts';
import { type PrepareWorkers, startPrepareWorkers } from './import-workers.ts';
import { createSealer } from './personal-data.ts';

const STYLE: AppRecordStyle = {
  year: 2016, tag: '预备', pkg: 'prep', address: '深圳市南山区科技园3号', principal: '孙预备', mobile: '13500135000', email: 'prep', approvedAt: '2016-04-01',
};
const rec = (serial: number, seq: number, o: Record<string, unknown> = {}) => appRecord(STYLE, serial, seq, o);
const withMobile = (r: ReturnType<typeof rec>, mobile: string) => ({ ...r, subject: { ...r.subject, principal: { ...r.subject.principal, mobile } } });

const sealer = createSealer(testSecrets);
const LINES: SourceLine[] = [
  { line: 1, value: rec(1, 1) },
  { line: 2, text: JSON.stringify(rec(1, 2)) }, // same subject, same data: shares line 1's sealing
  { line: 3, value: withMobile(rec(1, 3), '13500135999') }, // same main number, another mobile: sealed again
  { line: 4, value: rec(2, 1, { servicePrincipal: { name: '周服务', certificateType: 'resident_id', certificateNumber: '110101199003074514', mobile: '13400134000', email: 'svc@example.com' } }) },
  { line: 5, text: '{"serviceNumber": ' },
  { line: 6, value: rec(3, 1, { approvedAt: 'yesterday' }) },
  { line: 7, issue: { field: 'line', code: 'too_long', message: 'refused by the source' } },
  { line: 8, value: rec(1, 4) }, // subject 1 again after other lines: sealed again
];

type Ok = Extract<PreparedLine, { record: unknown }>;
const ok = (p: PreparedLine): Ok => { if (!('record' in p)) throw new Error(`line ${p.line}: ${p.issue.code}`); return p; };

/** What a prepared line means, sealed values opened (ciphertexts differ run by run: random IVs). */
function opened(p: PreparedLine) {
  if (!('record' in p)) return p;
  const person = (x: Ok['servicePrincipal']) => x && {
    name: x.name, certType: x.certType, cert: sealer.open(x.certEnc), certHash: x.certHash, mobile: sealer.open(x.mobileEnc),
    mobileHash: x.mobileHash, email: sealer.open(x.emailEnc), emailHash: x.emailHash,
  };
  return { line: p.line, record: p.record, cert: sealer.open(p.subject.certEnc), certHash: p.subject.certHash, principal: person(p.subject.principal), servicePrincipal: person(p.servicePrincipal) };
}

describe('bulk import: lines prepared', () => {
  const pools: PrepareWorkers[] = [];
  afterAll(async () => { await Promise.all(pools.map((p) => p.close())); });

  it('parses, checks, seals and hashes each line, keeping the source\'s own refusals', () => {
    const out = prepareLines(sealer, LINES);
    expect(out.map((p) => ('issue' in p ? p.issue.code : 'ok'))).toEqual(['ok', 'ok', 'ok', 'ok', JSON_SYNTAX.code, 'date_format', 'too_long', 'ok']);
    const first = ok(out[0]!);
    expect(sealer.open(first.subject.certEnc)).toBe(rec(1, 1).subject.certificateNumber);
    expect(first.subject.certHash).toBe(sealer.hash('id_number', rec(1, 1).subject.certificateNumber));
    expect(sealer.open(first.subject.principal.mobileEnc)).toBe('13500135000');
    expect(first.subject.principal.mobileHash).toBe(sealer.hash('phone', '13500135000'));
    expect(first.subject.principal.emailHash).toBe(sealer.hash('email', rec(1, 1).subject.principal.email));
    expect(first.servicePrincipal).toBeNull();
    const four = ok(out[3]!);
    expect(sealer.open(four.servicePrincipal!.certEnc)).toBe('110101199003074514');
    expect(four.servicePrincipal!.id).not.toBe(four.subject.principal.id);
  });

  it('shares a subject\'s sealing only with the next lines of the same main number and personal data', () => {
    const out = prepareLines(sealer, LINES).map((p) => ('record' in p ? p.subject : null));
    expect(out[1]).toBe(out[0]);
    expect(out[2]).not.toBe(out[0]);
    expect(sealer.open(out[2]!.principal.mobileEnc)).toBe('13500135999');
    expect(out[7]).not.toBe(out[0]);
    expect(out[7]!.principal.id).not.toBe(out[0]!.principal.id);
  });

  it('worker threads prepare the same lines, in the order sent, under the same keys', async () => {
    const pool = startPrepareWorkers(2, testSecrets);
    pools.push(pool);
    // Several chunks in flight on two workers: answers come back in the order the chunks were sent.
    const chunks = [LINES.slice(0, 3), LINES.slice(3, 5), LINES.slice(5), LINES.slice(0, 2)];
    const answers = await Promise.all(chunks.map((c) => pool.prepare(c)));
    expect(answers.map((a) => a.map((p) => p.line))).toEqual(chunks.map((c) => c.map((l) => l.line)));
    const inline = chunks.map((c) => prepareLines(sealer, c).map(opened));
    expect(answers.map((a) => a.map(opened))).toEqual(inline);
    // Dates cross the thread as dates.
    expect(ok(answers[0]![0]!).record.approvedAt).toBeInstanceOf(Date);
  }, 30_000);

  it('a worker that cannot seal fails the chunk with its reason', async () => {
    const pool = startPrepareWorkers(1, { dataKeys: [{ id: 'bad', key: Buffer.alloc(5) }], hashKey: testSecrets.hashKey });
    pools.push(pool);
    await expect(pool.prepare(LINES.slice(0, 1))).rejects.toThrow(/import worker: .*key/i);
    // A chunk without personal data to seal still works on the same worker.
    expect(await pool.prepare([{ line: 9, text: 'nope' }])).toEqual([{ line: 9, issue: JSON_SYNTAX }]);
  }, 30_000);
});
