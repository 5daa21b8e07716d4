// The read side's choices and the cache fence, over stand-in servers (ADR 0020). The same code
// against a real primary and standby: src/api/reads.test.ts and tests/standby-fencing.test.ts.
import { describe, expect, it } from 'vitest';
import type { Db } from './connection.ts';
import { createReadFence, isUnfenced, laterLsn, lsnValue, primaryOnly, standbyLag, withStandbys } from './replicas.ts';

describe('WAL positions', () => {
  it('compares X/Y positions as 64-bit numbers and refuses what is not one', () => {
    expect(lsnValue('0/16B3748')).toBe(0x16B3748n);
    expect(lsnValue('1/0')).toBe(1n << 32n);
    expect(lsnValue('A/FFFFFFFF')! < lsnValue('B/0')!).toBe(true);
    for (const bad of ['', '0', '0/', '/1', '0/1/2', 'G/1', '123456789/0', '0/1; drop table x', null, undefined]) expect(lsnValue(bad)).toBeNull();
    expect(laterLsn('0/FF', '0/100')).toBe('0/100');
    expect(laterLsn('1/0', '0/FFFFFFFF')).toBe('1/0');
    expect(laterLsn(null, '0/1')).toBe('0/1');
    expect(laterLsn('0/1', 'junk')).toBe('0/1');
    expect(laterLsn(null, null)).toBeNull();
  });
});

/** A stand-in server: `replayed` is its replay position; `lsn` what it reports as the primary's; `fail` makes it refuse connections. */
function server(name: string, state: { replayed?: string; lsn?: string; fail?: boolean } = {}) {
  const log: string[] = [];
  const db = {
    kind: 'postgresql', state, log,
    async query(text: string, params?: unknown[]) {
      // The read side's own looks at its servers (at most once a second) are answered, not logged.
      const look = text.includes('pg_is_in_recovery()') || text.includes('pg_current_wal_lsn()');
      if (!look) log.push(text);
      if (state.fail) throw Object.assign(new Error(`${name} is down`), { code: 'ECONNREFUSED' });
      if (text.includes('pg_is_in_recovery()')) return [{ recovery: true, replay: state.replayed ?? '0/0', receive: state.replayed ?? '0/0', streaming: true, since: 0 }];
      if (text.includes('pg_current_wal_lsn()')) return [{ lsn: state.lsn ?? '0/0' }];
      if (text.includes('pg_last_wal_replay_lsn() >=')) return [{ ok: lsnValue(state.replayed)! >= lsnValue(params![0] as string)! }];
      if (text.includes('pg_current_wal_insert_lsn')) return [{ lsn: state.lsn }];
      if (text === 'bad sql') throw Object.assign(new Error('syntax error'), { code: '42601' });
      return [{ from: name }];
    },
    async exec() {}, async transaction() { throw new Error('no'); }, async listen() { return async () => {}; }, async close() {},
  };
  return db as unknown as Db & { state: typeof state; log: string[] };
}

describe('the read side', () => {
  it('without standbys: the primary for everything, no position', async () => {
    const p = server('p');
    const side = primaryOnly(p);
    expect(side.replicated).toBe(false);
    expect(side.at('0/5')).toBe(p);
    expect(await side.primaryLsn()).toBeNull();
    expect(await createReadFence(side).reader()).toBe(p);
    expect(p.log).toEqual([]);
  });

  it('round robin without a fence; with one, a standby that has replayed it, else the primary after the wait', async () => {
    const p = server('p', { lsn: '0/900' });
    const s1 = server('s1', { replayed: '0/100' });
    const s2 = server('s2', { replayed: '0/800' });
    const side = withStandbys(p, [{ name: 's1', db: s1 }, { name: 's2', db: s2 }], { waitMs: 30 });
    expect([await side.reader(null), await side.reader(null), await side.reader(null)]).toEqual([s1, s2, s1]);
    // Next in turn is s2, which has replayed 0/700; s1 is asked next time and has not replayed 0/700 within the wait.
    expect(await side.reader('0/700')).toBe(s2);
    const start = Date.now();
    expect(await side.reader('0/700')).toBe(s2); // known to s2 now: no wait on s1
    expect(Date.now() - start).toBeLessThan(25);
    expect(await side.reader('0/850')).toBe(p); // nobody has it within 30 ms
    s1.state.replayed = '0/900';
    expect(await side.reader('0/850')).toBe(s1);
  });

  it('a standby that refuses connections is skipped and its query runs on the primary; a bad statement is not retried', async () => {
    const p = server('p');
    const s = server('s', { replayed: '0/1', fail: true });
    const side = withStandbys(p, [{ name: 's', db: s }]);
    expect(await side.at(null).query('select 1')).toEqual([{ from: 'p' }]);
    expect(await side.reader(null)).toBe(p); // left alone for a while
    expect(await side.standbys()).toEqual([{ name: 's', replayLagMs: null, replayLsn: null, replayLagBytes: null, streaming: null, notAStandby: false }]);
    s.state.fail = false;
    const other = withStandbys(p, [{ name: 's', db: s }]);
    await expect(other.at(null).query('bad sql')).rejects.toThrow(/syntax/);
    expect(p.log.filter((t) => t === 'bad sql')).toEqual([]);
  });

  it('one server per unit of reading: every query of an at() goes where the first went', async () => {
    const p = server('p');
    const s1 = server('s1');
    const s2 = server('s2');
    const side = withStandbys(p, [{ name: 's1', db: s1 }, { name: 's2', db: s2 }]);
    const q = side.at(null);
    expect(await Promise.all([q.query('a'), q.query('b'), q.query('c')])).toEqual([[{ from: 's1' }], [{ from: 's1' }], [{ from: 's1' }]]);
  });
});

describe('the cache fence', () => {
  it('takes the primary\'s position once per advance, after it, and reads where that position is replayed', async () => {
    const p = server('p', { lsn: '0/100' });
    const s = server('s', { replayed: '0/100' });
    const fence = createReadFence(withStandbys(p, [{ name: 's', db: s }], { waitMs: 20 }));
    const positions = () => p.log.filter((t) => t.includes('pg_current_wal_insert_lsn')).length;
    await Promise.all([(await fence.reader()).query('x'), (await fence.reader()).query('y')]);
    expect(positions()).toBe(1); // loads between two notifications share one position
    expect(s.log.filter((t) => t === 'x' || t === 'y')).toHaveLength(2);
    // A change is heard: the primary is now at 0/200 and the standby has not replayed it.
    p.state.lsn = '0/200';
    fence.advance();
    expect(await (await fence.reader()).query('z')).toEqual([{ from: 'p' }]);
    expect(positions()).toBe(2);
    s.state.replayed = '0/200';
    expect(await (await fence.reader()).query('w')).toEqual([{ from: 's' }]);
    expect(positions()).toBe(2);
  });

  // ADR 0020 addendum: the primary down, a load reads a standby unfenced (it failed, 500, before),
  // marked so that no cache keeps it; the position is not kept either: the next load asks again.
  it('the primary down: reads a standby unfenced (marked), keeps no position, asks again next time', async () => {
    const p = server('p', { lsn: '0/100', fail: true });
    const fence = createReadFence(withStandbys(p, [{ name: 's', db: server('s', { replayed: '0/100' }) }]));
    const unfenced = await fence.reader();
    expect(isUnfenced(unfenced)).toBe(true);
    expect(await unfenced.query('x')).toEqual([{ from: 's' }]);
    p.state.fail = false;
    const fenced = await fence.reader();
    expect(isUnfenced(fenced)).toBe(false);
    expect(await fenced.query('x')).toEqual([{ from: 's' }]);
    expect(p.log.filter((t) => t.includes('pg_current_wal_insert_lsn'))).toHaveLength(2);
  });

  it('a statement error taking the position is not a reason to read unfenced', async () => {
    const p = server('p');
    const side = withStandbys(p, [{ name: 's', db: server('s', { replayed: '0/1' }) }]);
    const fence = createReadFence({ ...side, primaryLsn: async () => { throw Object.assign(new Error('permission denied'), { code: '42501' }); } });
    await expect(fence.reader()).rejects.toThrow(/permission denied/);
  });
});

// Defect: a standby cut off from the primary reported lag 0 (nothing received = nothing pending).
describe('standby lag', () => {
  const probe = (o: Partial<Parameters<typeof standbyLag>[0]> = {}) => ({ recovery: true, replayLsn: '0/100', receiveLsn: '0/100', streaming: true, sinceReplayMs: 60_000, ...o });
  it('streaming and caught up with what it received: 0, however old the last transaction', () => {
    expect(standbyLag(probe(), '0/100')).toEqual({ replayLagMs: 0, replayLagBytes: 0 });
  });
  it('received and not replayed: the age of the last replayed transaction', () => {
    expect(standbyLag(probe({ receiveLsn: '0/200' }), '0/200')).toEqual({ replayLagMs: 60_000, replayLagBytes: 256 });
  });
  it('cut off while the primary has written more: the age, not 0', () => {
    expect(standbyLag(probe({ streaming: false }), '0/300')).toEqual({ replayLagMs: 60_000, replayLagBytes: 512 });
    expect(standbyLag(probe({ streaming: false }), '0/100')).toEqual({ replayLagMs: 0, replayLagBytes: 0 });
  });
  it('cut off with the primary unreachable: unknown; not a standby: unknown', () => {
    expect(standbyLag(probe({ streaming: false }), null)).toEqual({ replayLagMs: null, replayLagBytes: null });
    expect(standbyLag(probe({ recovery: false, replayLsn: null, receiveLsn: null }), '0/100')).toEqual({ replayLagMs: null, replayLagBytes: null });
  });
});
