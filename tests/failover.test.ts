// Failover without loss (issue 16 item 4; docs/deploy-replication.md). A primary with a
// synchronous streaming standby (synchronous_standby_names): two `beian serve` processes approve
// applications at once; the primary is killed -9 (postmaster and every backend) after a few
// approvals were acknowledged; the standby is promoted (pg_ctl promote) and the processes are
// repointed — restarted with DATABASE_URL naming the new primary, the documented procedure
// (Patroni does the promotion and repointing in production). Then: every number acknowledged
// before the kill is on the new primary exactly once, no application is half-moved, approvals go
// on, and the numbers given after the failover are new — none acknowledged before is given again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openPostgres } from '../src/db/connection.ts';
import { toBureauReview } from './filing.ts';
import { type PgCluster, clusterTestsRun, seededDatabase, startPgCluster } from './pg-cluster.ts';
import { loginOver, type ServerProcess, serveProcess } from './server-process.ts';

const N = 16;
/** Acknowledgements before the kill. */
const KILL_AFTER = 4;

interface Ack { id: string; serviceNumber: string; mainNumber: string }

/** Brings N applications of the demo host to bureau review (in this process, on the primary). */
async function prepare(url: string): Promise<string[]> {
  const db = await openPostgres(url, { max: 4 });
  try {
    return await toBureauReview(db, N, url);
  } finally {
    await db.close();
  }
}

/** Approves `ids` through the servers (two requests in flight on each); `onAck` may kill the primary. */
async function approveAll(servers: ServerProcess[], ids: string[], onAck: (acked: Ack[]) => void = () => {}): Promise<Ack[]> {
  const acked: Ack[] = [];
  const queue = [...ids];
  await Promise.all(servers.flatMap((s) => [s, s]).map(async (server) => {
    const gd = await loginOver(server.base, 'gd.reviewer');
    for (let id = queue.shift(); id; id = queue.shift()) {
      try {
        const res = await fetch(`${server.base}/api/bureau/applications/${id}/approve`, {
          method: 'POST', headers: { ...gd, 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(20_000),
        });
        if (res.status !== 200) continue; // the database went away: not acknowledged
        const b = await res.json() as { serviceNumber: string; mainNumber: string };
        acked.push({ id, serviceNumber: b.serviceNumber, mainNumber: b.mainNumber });
        onAck(acked);
      } catch { /* no answer: not acknowledged */ }
    }
  }));
  return acked;
}

const serial = (mainNumber: string) => Number(/(\d{10})号$/.exec(mainNumber)![1]!.slice(4));

async function expectConsistent(db: Db, ids: string[], acked: Ack[]) {
  for (const a of acked) {
    const rows = await db.query<{ id: string; application_id: string }>(
      'select s.id, a.id as application_id from services s join applications a on a.service_id = s.id where s.service_number = $1', [a.serviceNumber]);
    expect(rows, `${a.serviceNumber} after the failover`).toHaveLength(1);
    expect(rows[0]!.application_id).toBe(a.id);
  }
  const apps = await db.query<{ id: string; status: string; service_id: string | null }>('select id, status, service_id from applications where id = any($1::uuid[])', [ids]);
  expect(apps).toHaveLength(ids.length);
  for (const a of apps) {
    if (a.status !== 'approved') {
      expect(a.status, a.id).toBe('bureau_review');
      expect(a.service_id, a.id).toBeNull();
    }
  }
  const [dups] = await db.query<{ n: number }>('select count(*)::int n from (select service_number from services group by 1 having count(*) > 1) d');
  expect(dups!.n).toBe(0);
}

describe.skipIf(!clusterTestsRun('failover'))('failover: synchronous standby, kill -9 of the primary under approvals from two processes', () => {
  let cluster: PgCluster;
  let servers: ServerProcess[] = [];
  beforeAll(async () => { cluster = await startPgCluster({ synchronous: true }); }, 120_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await cluster?.close();
  }, 60_000);

  it('loses no acknowledged number, gives none twice, and numbering goes on after promotion', { timeout: 300_000 }, async () => {
    const urls = await seededDatabase(cluster);
    const ids = await prepare(urls.primaryUrl);
    await cluster.caughtUp();
    const [{ sync_state: syncState }] = await cluster.primary.query<{ sync_state: string }>(`select sync_state from pg_stat_replication`) as [{ sync_state: string }];
    expect(syncState).toBe('sync');

    servers = await Promise.all([serveProcess({ DATABASE_URL: urls.primaryUrl }), serveProcess({ DATABASE_URL: urls.primaryUrl })]);
    let killedAt = 0;
    const before = await approveAll(servers, ids, (acked) => {
      if (acked.length === KILL_AFTER && !killedAt) { cluster.primary.kill(); killedAt = Date.now(); }
    });
    expect(killedAt, 'the primary was killed').toBeGreaterThan(0);
    expect(before.length).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(before.length, 'the kill came before every approval was acknowledged').toBeLessThan(ids.length);

    // Failover: promote the standby, restart the processes on it (the repointing procedure).
    await cluster.standby.promote();
    await Promise.all(servers.map((s) => s.stop()));
    servers = await Promise.all([serveProcess({ DATABASE_URL: urls.standbyUrl }), serveProcess({ DATABASE_URL: urls.standbyUrl })]);

    const db = await openPostgres(urls.standbyUrl, { max: 2 });
    try {
      await expectConsistent(db, ids, before);
      // Approvals go on through the new primary: everything not approved yet.
      const left = (await db.query<{ id: string }>(`select id from applications where id = any($1::uuid[]) and status = 'bureau_review'`, [ids])).map((r) => r.id);
      expect(left.length).toBeGreaterThan(0);
      const after = await approveAll(servers, left);
      expect(after.map((a) => a.id).sort()).toEqual([...left].sort());
      await expectConsistent(db, ids, [...before, ...after]);
      const all = [...before, ...after].map((a) => a.serviceNumber);
      expect(new Set(all).size, 'no number acknowledged twice').toBe(all.length);
      // New subjects after the failover get serials past every one acknowledged before it.
      const beforeMains = new Set(before.map((a) => a.mainNumber));
      const newMains = after.map((a) => a.mainNumber).filter((m) => !beforeMains.has(m));
      const highest = Math.max(...[...beforeMains].map(serial));
      for (const m of newMains) expect(serial(m), m).toBeGreaterThan(highest);
      const [approved] = await db.query<{ n: number }>(`select count(*)::int n from applications where id = any($1::uuid[]) and status = 'approved'`, [ids]);
      expect(approved!.n).toBe(ids.length);
      console.info(`failover: ${before.length} approvals acknowledged before the kill, ${ids.length - before.length - left.length} committed unacknowledged, ${after.length} after the promotion; serials ${[...beforeMains].map(serial).join(',')} then ${newMains.map(serial).join(',')}`);
    } finally {
      await db.close();
    }
  });
});
