// public_events (migration 0029): the history trigger keeps a record's public events beside it,
// and they stay what history says — checked here for the trigger's own rules, and by the drift
// check (tests/public-events.ts) in the test files of every flow that writes such events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, signIn } from './auth.ts';
import { logCaughtUp, testLogKeys } from './db.ts';
import { call, toBureauReview } from './filing.ts';
import { expectPublicEventsCurrent, publicEventDrift } from './public-events.ts';

describe('public_events', () => {
  let a: AuthTestApp;
  beforeAll(async () => { a = await authTestApp(); }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  const db = () => a.t.db;
  const eventsOf = async (serviceId: string) => db().query<{ action: string; owner_id: string }>(
    'select action, owner_id from public_events where owner_id = $1 order by at, history_id', [serviceId]);

  it('holds the demo seed\'s events', async () => {
    await expectPublicEventsCurrent(db());
  });

  it('an approval stores the service\'s filed event, whatever the order of the statements in its transaction', async () => {
    const [first, second] = await toBureauReview(db(), 2, a.t.url);
    const approved = await call(a.app, await signIn(a.app, 'gd.reviewer'), 'POST', `/api/bureau/applications/${first}/approve`) as { serviceNumber: string };
    const [svc] = await db().query<{ id: string }>('select id from services where service_number = $1', [approved.serviceNumber]);
    expect(await eventsOf(svc!.id)).toEqual([{ action: 'filed', owner_id: svc!.id }]);
    // The approval's history row written before its application says approved: the trigger
    // runs at commit, when it does.
    await db().transaction(async (tx) => {
      await tx.query(`insert into history (entity_type, entity_id, application_id, action, actor_role) values ('application', $1, $1, 'bureau_approve', 'system')`, [second]);
      await tx.query(`update applications set status = 'approved', service_id = $2 where id = $1`, [second, svc!.id]);
    });
    expect((await eventsOf(svc!.id)).map((e) => e.action)).toEqual(['filed', 'filed']);
    await expectPublicEventsCurrent(db(), 2);
  });

  it('rows that are not public events store nothing', async () => {
    const [before] = await db().query<{ n: number }>('select count(*)::int as n from public_events');
    const [svc] = await db().query<{ id: string; subject_id: string }>('select id, subject_id from services order by service_number limit 1');
    await db().query(`insert into history (entity_type, entity_id, action, actor_role) values ('service', $1, 'submit', 'system'), ('subject', $2, 'submit', 'system')`, [svc!.id, svc!.subject_id]);
    const [after] = await db().query<{ n: number }>('select count(*)::int as n from public_events');
    expect(after!.n).toBe(before!.n);
    await expectPublicEventsCurrent(db());
  });

  it('an import row written by any writer (not the bulk import, which writes its events set-based) is the record\'s `imported` event (migration 0051)', async () => {
    const [svc] = await db().query<{ id: string }>('select id from services order by service_number limit 1');
    const [h] = await db().query<{ id: number }>(`insert into history (entity_type, entity_id, action, to_status, actor_role) values ('service', $1, 'imported', 'filed', 'system') returning id`, [svc!.id]);
    expect(await db().query('select owner_id, action from public_events where history_id = $1', [h!.id])).toEqual([{ owner_id: svc!.id, action: 'imported' }]);
    await expectPublicEventsCurrent(db());
  });

  it('a subject\'s change is every one of its services\' event; log leaves show once sequenced', async () => {
    const [su] = await db().query<{ id: string; n: number }>(
      'select subject_id as id, count(*)::int as n from services group by subject_id having count(*) > 1 order by subject_id limit 1');
    await db().query(`insert into history (entity_type, entity_id, action, actor_role) values ('subject', $1, 'changed', 'system')`, [su!.id]);
    expect(await db().query('select action from public_events where owner_id = $1', [su!.id])).toEqual([{ action: 'changed' }]);
    const drift = await publicEventDrift(db());
    expect(drift).toEqual([]);
    await logCaughtUp(db(), testLogKeys());
    const [leafless] = await db().query<{ n: number }>(
      'select count(*)::int as n from public_events e left join log_leaves l on l.history_id = e.history_id where l.leaf_index is null');
    expect(leafless!.n).toBe(0);
    await expectPublicEventsCurrent(db());
  });

  it('the drift check sees a missing or a wrong row', async () => {
    const [row] = await db().query<{ history_id: string; owner_id: string; action: string }>('select * from public_events order by history_id desc limit 1');
    await db().query('update public_events set owner_id = gen_random_uuid() where history_id = $1', [row!.history_id]); // missing from its record
    expect((await publicEventDrift(db())).length).toBeGreaterThan(0);
    await db().query('update public_events set owner_id = $2, action = $3 where history_id = $1', [row!.history_id, row!.owner_id, 'revoke']); // wrong
    expect((await publicEventDrift(db())).length).toBeGreaterThan(0);
    await db().query('update public_events set action = $2 where history_id = $1', [row!.history_id, row!.action]);
    await expectPublicEventsCurrent(db());
  });
});
