// Durability (issue 15 §2): `kill -9` of a real `beian serve` process while a bureau approves
// many applications at once; after a restart every number the server acknowledged (200) is in
// the database exactly once and no application is half-moved (approved without its service and
// number, or a service whose application is not approved). Runs on PGlite (the embedded data
// folder, as `npm start` uses it) and on PostgreSQL (DATABASE_URL), like every test.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Db, openPglite } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrate.ts';
import { createSealer } from '../src/db/personal-data.ts';
import { seedDemo } from '../src/db/seed/demo.ts';
import { emptyDatabase, testSecrets } from './db.ts';
import { toBureauReview } from './filing.ts';
import { loginOver, serveProcess, type ServerProcess } from './server-process.ts';

const root = mkdtempSync(path.join(tmpdir(), 'beian-durability-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const N = 12;

const serve = (dbEnv: Record<string, string>) => serveProcess(dbEnv, root);
const login = loginOver;

/** Seeds the demo data and brings N applications to bureau review, in this process. */
async function prepare(db: Db): Promise<string[]> {
  const sealer = createSealer(testSecrets);
  await migrate(db);
  await seedDemo(db, sealer);
  return toBureauReview(db, N);
}

/** Approves all at once (4 in flight); kills the server with SIGKILL after the third acknowledgement. */
async function approveAndKill(server: ServerProcess, ids: string[]) {
  const gd = await login(server.base, 'gd.reviewer');
  const acked: { id: string; serviceNumber: string; mainNumber: string }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < ids.length && server.child.exitCode === null && server.child.signalCode === null) {
      const id = ids[next++]!;
      try {
        const res = await fetch(`${server.base}/api/bureau/applications/${id}/approve`, { method: 'POST', headers: { ...gd, 'content-type': 'application/json' }, body: '{}' });
        if (res.status === 200) {
          const b = await res.json() as { serviceNumber: string; mainNumber: string };
          acked.push({ id, serviceNumber: b.serviceNumber, mainNumber: b.mainNumber });
          if (acked.length === 3) server.child.kill('SIGKILL');
        }
      } catch { /* the connection died with the server: not acknowledged */ }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await new Promise((r) => (server.child.exitCode !== null || server.child.signalCode !== null ? r(null) : server.child.once('exit', r)));
  return acked;
}

async function expectConsistent(db: Db, ids: string[], acked: { id: string; serviceNumber: string; mainNumber: string }[]) {
  expect(acked.length).toBeGreaterThanOrEqual(3);
  expect(acked.length, 'the kill came before every approval was acknowledged').toBeLessThan(ids.length);
  for (const a of acked) {
    const rows = await db.query<{ id: string }>('select id from services where service_number = $1', [a.serviceNumber]);
    expect(rows, a.serviceNumber).toHaveLength(1);
    const [s] = await db.query<{ main_number: string }>('select main_number from subjects where main_number = $1', [a.mainNumber]);
    expect(s?.main_number).toBe(a.mainNumber);
  }
  const apps = await db.query<{ id: string; status: string; service_id: string | null; service_number: string | null }>(
    `select a.id, a.status, a.service_id, s.service_number from applications a left join services s on s.id = a.service_id where a.id = any($1::uuid[])`, [ids]);
  expect(apps).toHaveLength(ids.length);
  for (const a of apps) {
    if (a.status === 'approved') expect(a.service_number, a.id).toMatch(/^粤ICP备\d{10}号-\d+A?$/);
    else {
      expect(a.status, a.id).toBe('bureau_review');
      expect(a.service_id, a.id).toBeNull();
    }
  }
  for (const a of acked) expect(apps.find((x) => x.id === a.id)?.status).toBe('approved');
  const [dups] = await db.query<{ n: number }>('select count(*)::int n from (select service_number from services group by 1 having count(*) > 1) d');
  expect(dups!.n).toBe(0);
}

describe('kill -9 under concurrent approvals', () => {
  it('keeps every acknowledged number exactly once and no application half-moved, and restarts', { timeout: 900_000 }, async () => {
    const t = await emptyDatabase();
    let dbEnv: Record<string, string>;
    let ids: string[];
    if (t.url) {
      ids = await prepare(t.db);
      dbEnv = { DATABASE_URL: t.url };
    } else {
      await t.close();
      const dataDir = path.join(root, 'data');
      mkdirSync(dataDir, { recursive: true });
      const db = await openPglite(path.join(dataDir, 'pgdata'));
      ids = await prepare(db);
      await db.close();
      dbEnv = { BEIAN_DATA_DIR: dataDir };
    }
    const acked = await approveAndKill(await serve(dbEnv), ids);
    // Restart: the server comes back on the same data (a stale PGlite lock is taken over) and answers.
    const again = await serve(dbEnv);
    const health = await fetch(`${again.base}/api/health`);
    expect(health.status).toBe(200);
    again.child.kill('SIGTERM');
    await new Promise((r) => again.child.once('exit', r));
    const db = t.url ? t.db : await openPglite(path.join(root, 'data', 'pgdata'));
    try {
      await expectConsistent(db, ids, acked);
    } finally {
      if (t.url) await t.close(); else await db.close();
    }
  });
});
