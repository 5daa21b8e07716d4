// Data-key rotation: every sealed value — *_enc columns and envelopes inside JSON documents —
// moves to the new key in batches; the old key then seals nothing; a row busy in another
// transaction is skipped and taken by the next run (resumable while serving). Both backends.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_TIMEOUT } from '../../tests/auth.ts';
import { backend, type TestDb, testDatabase, testSecrets } from '../../tests/db.ts';
import { keyStatus, resealAll, sealedColumns } from './key-rotation.ts';
import { createSealer } from './personal-data.ts';
import { seedDemo } from './seed/demo.ts';

const next = createSealer({ dataKeys: [{ id: 't2', key: Buffer.alloc(32, 8) }, ...testSecrets.dataKeys], hashKey: testSecrets.hashKey });
const onlyNew = createSealer({ dataKeys: [{ id: 't2', key: Buffer.alloc(32, 8) }], hashKey: testSecrets.hashKey });
const byKey = async (t: TestDb) => {
  const totals: Record<string, number> = {};
  for (const r of await keyStatus(t.db)) totals[r.key] = (totals[r.key] ?? 0) + r.values;
  return totals;
};

describe('data-key rotation', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await testDatabase();
    await seedDemo(t.db, t.sealer);
    await t.db.query(`insert into outbox (channel, payload) values ('sms', $1), ('email', $2)`, [
      JSON.stringify({ mobile: t.sealer.seal('13800000000'), text: t.sealer.seal('您的验证码 123456') }),
      JSON.stringify({ to: t.sealer.seal('a@example.com'), content: t.sealer.seal('hello'), note: 'v1.not.an.envelope' }),
    ]);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await t?.close(); });

  it('finds the sealed columns by name and the JSON documents that embed envelopes', async () => {
    const names = (await sealedColumns(t.db)).map((c) => `${c.table}.${c.column}`);
    expect(names).toEqual(expect.arrayContaining(['persons.mobile_enc', 'persons.certificate_number_enc', 'users.email_enc', 'outbox.payload']));
    const totals = await byKey(t);
    expect(Object.keys(totals)).toEqual(['t1']);
    expect(totals.t1).toBeGreaterThan(20);
  });

  it('moves every value to the new key in batches with progress; the old key then seals nothing; a second run moves nothing', async () => {
    const before = (await byKey(t)).t1!;
    const progress: string[] = [];
    const moved = await resealAll(t.db, next, 't2', (p) => progress.push(`${p.column} ${p.done}/${p.total}`), 5);
    expect(moved).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThan(3);
    expect(await byKey(t)).toEqual({ t2: before });
    const [p] = await t.db.query<{ mobile_enc: string }>('select mobile_enc from persons order by id limit 1');
    expect(onlyNew.open(p!.mobile_enc)).toMatch(/^1\d{10}$/);
    const [o] = await t.db.query<{ payload: { mobile: string } }>(`select payload from outbox where channel = 'sms' order by id desc limit 1`);
    expect(onlyNew.open(o!.payload.mobile)).toBe('13800000000');
    expect(await resealAll(t.db, next, 't2')).toBe(0);
  });

  it.runIf(backend() === 'postgresql')('skips a row another transaction holds, and a later run takes it', async () => {
    const back = createSealer({ dataKeys: [{ id: 't3', key: Buffer.alloc(32, 6) }, { id: 't2', key: Buffer.alloc(32, 8) }], hashKey: testSecrets.hashKey });
    const busy = new pg.Client({ connectionString: t.url! });
    await busy.connect();
    try {
      await busy.query('begin');
      await busy.query('select 1 from persons order by id limit 1 for update');
      await resealAll(t.db, back, 't3');
      const left = await byKey(t);
      expect(left.t2).toBeGreaterThan(0);
      await busy.query('commit');
      await resealAll(t.db, back, 't3');
      expect(Object.keys(await byKey(t))).toEqual(['t3']);
    } finally { await busy.end(); }
  });
});
