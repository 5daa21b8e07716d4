// Cache coherence with a lagging standby (issue 16 item 2; ADR 0020): two `beian serve` processes
// over one primary and one streaming standby (DATABASE_READ_URL). Both cache a2dp.Vol as filed;
// replay on the standby is paused; a reviewer revokes it through process A. Each process hears
// the invalidation from the primary and re-reads — a re-read from the paused standby would find
// `filed` and keep it. The fence (the primary's position taken after the notification) sends the
// re-read to the primary instead, so once the revocation is acknowledged neither process answers
// `filed` — allowing only for the notification's own delivery (NOTIFY_GRACE_MS, the same window
// as without standbys; src/api/verify/revocation.test.ts). Replay resumed, both still answer revoked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PgCluster, clusterTestsRun, seededDatabase, startPgCluster } from './pg-cluster.ts';
import { loginOver, type ServerProcess, serveProcess } from './server-process.ts';
import { A2DP_CERT, DEMO_API_KEY } from '../src/db/seed/demo.ts';

const NOTIFY_GRACE_MS = 200;
const PAUSED_FOR_MS = 2_000;

async function status(server: ServerProcess): Promise<string> {
  const res = await fetch(`${server.base}/api/verify/v1/apps`, {
    method: 'POST', headers: { authorization: `Bearer ${DEMO_API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ items: [{ platform: 'android', packageName: 'a2dp.Vol', fingerprint: A2DP_CERT.md5 }] }),
  });
  if (res.status !== 200) throw new Error(`verify: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { results: { status: string }[] }).results[0]!.status;
}

describe.skipIf(!clusterTestsRun('LSN fencing'))('LSN fencing: two processes, a standby whose replay is paused', () => {
  let cluster: PgCluster;
  let urls: { primaryUrl: string; standbyUrl: string };
  let servers: ServerProcess[] = [];
  beforeAll(async () => {
    cluster = await startPgCluster();
    urls = await seededDatabase(cluster);
    const env = { DATABASE_URL: urls.primaryUrl, DATABASE_READ_URL: urls.standbyUrl };
    servers = await Promise.all([serveProcess(env), serveProcess(env)]);
  }, 240_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await cluster?.close();
  }, 60_000);

  it('no process answers filed once the revocation is acknowledged, though the standby still says filed', { timeout: 120_000 }, async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    for (const s of [a, b]) {
      expect(await status(s)).toBe('filed');
      expect(await status(s)).toBe('filed'); // now from each process's memory
    }
    const [{ id }] = await cluster.primary.query<{ id: string }>(
      `select service_id as id from app_platforms where platform = 'android' and package_name = 'a2dp.Vol'`, [], 'beian') as [{ id: string }];
    const gd = await loginOver(a.base, 'gd.reviewer');
    await cluster.caughtUp();
    await cluster.standby.pauseReplay();
    const answers: { server: 'A' | 'B'; sentAfterMs: number; status: string }[] = [];
    let ackedAt = 0;
    try {
      const res = await fetch(`${a.base}/api/bureau/services/${id}/revoke`, {
        method: 'POST', headers: { ...gd, 'content-type': 'application/json' }, body: JSON.stringify({ reason: '备库隔离测试' }),
      });
      expect(res.status, await res.clone().text()).toBe(200);
      ackedAt = Date.now();
      // Both processes, one request after another each, for as long as replay stays paused.
      await Promise.all(([['A', a], ['B', b]] as const).map(async ([name, s]) => {
        while (Date.now() - ackedAt < PAUSED_FOR_MS) {
          const sentAfterMs = Date.now() - ackedAt;
          answers.push({ server: name, sentAfterMs, status: await status(s) });
        }
      }));
      // The standby really had not replayed the revocation all along.
      const [onStandby] = await cluster.standby.query<{ status: string }>('select status from services where id = $1', [id], 'beian');
      expect(onStandby!.status).toBe('filed');
      const health = await (await fetch(`${b.base}/api/health`)).json() as { standbys: { replayLagMs: number }[] };
      expect(health.standbys[0]!.replayLagMs).toBeGreaterThan(0);
    } finally {
      await cluster.standby.resumeReplay();
    }
    const stale = answers.filter((x) => x.status === 'filed');
    // Every answer is revoked, but for a request that may have reached its process before the notification did.
    expect(stale.filter((x) => x.sentAfterMs >= NOTIFY_GRACE_MS), JSON.stringify(stale)).toEqual([]);
    for (const name of ['A', 'B']) {
      const mine = answers.filter((x) => x.server === name);
      expect(mine.length).toBeGreaterThan(3);
      expect(mine.at(-1)!.status).toBe('revoked');
    }
    expect(answers.filter((x) => x.status !== 'filed' && x.status !== 'revoked')).toEqual([]);
    await cluster.caughtUp();
    for (const s of [a, b]) expect(await status(s)).toBe('revoked');
    console.info(`fencing: ${answers.length} answers while replay was paused, ${stale.length} filed (${stale.map((x) => `${x.server} at ${x.sentAfterMs}`).join(', ') || '—'} ms after the acknowledgement)`);
  });
});
