// Idempotency keys across processes (issue 16 §3; ADR 0021): the key is claimed in the work's own
// transaction, so a retry on another process replays the answer (or, when the first request's
// process died mid-request, does the work once) — never a key stuck "in progress", never two
// applications. The process death is a terminated backend (what kill -9 of a server leaves: its
// open transaction rolled back), which needs a PostgreSQL server; the rest runs on PGlite too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotent } from '../src/api/idempotency.ts';
import { openPostgres } from '../src/db/connection.ts';
import { type AuthTestApp, authTestApp, secondServer, SETUP_TIMEOUT, type Signed, signIn } from './auth.ts';
import { backend, runsOn } from './db.ts';
import { CLOUD, orgId, websiteMaterials } from './filing.ts';

describe('Idempotency-Key across processes', () => {
  let h: AuthTestApp;
  let host: Signed;
  let cloud: string;
  const countApps = async () => Number((await h.t.db.query<{ n: string }>(`select count(*) as n from applications where application_type = 'first_filing' and status = 'draft'`))[0]!.n);

  beforeAll(async () => {
    h = await authTestApp();
    host = await signIn(h.app, 'host@demo.beian.test');
    cloud = await orgId(h.t.db, CLOUD);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); });

  it('the same key sent to two processes at once creates one application; both answer it', async () => {
    const other = backend() === 'postgresql' ? await secondServer(h) : null;
    try {
      const before = await countApps();
      const body = { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud) };
      const headers = { ...host.headers, 'idempotency-key': 'two-processes-0001' };
      const [a, b] = await Promise.all([h.app, (other?.app ?? h.app)].map((app) => app.inject({ method: 'POST', url: '/api/host/applications', headers, payload: body })));
      expect([a!.statusCode, b!.statusCode]).toEqual([201, 201]);
      expect(a!.json().id).toBe(b!.json().id);
      expect([a!.headers['idempotent-replayed'], b!.headers['idempotent-replayed']].filter(Boolean)).toEqual(['true']);
      expect(await countApps()).toBe(before + 1);
    } finally {
      await other?.close();
    }
  });

  it('a request that fails leaves no claim: the retry does the work', async () => {
    const scope = 'test:fail';
    await expect(idempotent(h.t.db, h.t.sealer, scope, 'fails-first-0001', { x: 1 }, async (db) => {
      await db.query(`insert into job_runs (job, day, started_at) values ('idem_probe', '2026-01-01', now())`);
      throw new Error('the process fell over');
    })).rejects.toThrow('fell over');
    expect(await h.t.db.query(`select 1 from job_runs where job = 'idem_probe'`)).toEqual([]);
    const retried = await idempotent(h.t.db, h.t.sealer, scope, 'fails-first-0001', { x: 1 }, async () => ({ status: 201, body: { ok: true } }));
    expect(retried).toEqual({ status: 201, body: { ok: true }, replayed: false });
  });

  it.runIf(runsOn('postgresql', 'a process killed mid-request'))('a process killed mid-request (its backend terminated) leaves neither work nor claim; the retry elsewhere creates one application', async () => {
    const dying = await openPostgres(h.t.url!, { max: 1 });
    try {
      const before = await countApps();
      let started!: () => void;
      const inside = new Promise<void>((r) => { started = r; });
      const scope = 'test:kill';
      const first = idempotent(dying, h.t.sealer, scope, 'killed-mid-0001', { y: 2 }, async (db) => {
        await db.query(`insert into job_runs (job, day, started_at) values ('idem_killed', '2026-01-01', now())`);
        const pid = (await db.query<{ pid: number }>('select pg_backend_pid() as pid'))[0]!.pid;
        started();
        await h.t.db.query('select pg_terminate_backend($1)', [pid]); // kill -9 of the server process, as the database sees it
        await db.query('select 1');
        return { status: 201, body: { never: true } };
      });
      await inside;
      await expect(first).rejects.toThrow();
      expect(await h.t.db.query(`select 1 from job_runs where job = 'idem_killed'`)).toEqual([]);
      expect(await h.t.db.query(`select 1 from idempotency_keys where scope = $1`, [scope])).toEqual([]);
      const retried = await idempotent(h.t.db, h.t.sealer, scope, 'killed-mid-0001', { y: 2 }, async () => ({ status: 201, body: { done: true } }));
      expect(retried.replayed).toBe(false);
      expect(await countApps()).toBe(before);
    } finally {
      await dying.close().catch(() => {});
    }
  });
});
