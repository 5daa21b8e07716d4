// Supervision contracts 1–5 (issue 14): campaigns, catalogue upload (NDJSON and CSV, streamed,
// matched with the verification matcher), findings, rounds, disposal orders — and every
// denial: out-of-scope organisations, other organisations, other provinces.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from '../../../tests/auth.ts';
import { A2DP_CERT, KEY } from '../../../tests/verify.ts';
import { insertFiledService, insertPlatforms } from '../../db/registry.ts';
import { type EmailPayload, openEmail } from '../../notify/outbox.ts';

const ndjson = (lines: unknown[]) => lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
const UNFILED_FP = 'ab'.repeat(32);
const MARKET_EMAIL = 'compliance@market.example';
const CATALOGUE = [
  { platform: 'android', packageName: 'a2dp.Vol', fingerprint: A2DP_CERT.md5, appName: 'A2DP Volume', downloads: 1200 },
  { platform: 'android', packageName: 'a2dp.Vol', fingerprint: 'cd'.repeat(16) },
  { platform: 'android', packageName: 'com.example.minigame', fingerprint: 'a'.repeat(32) },
  { platform: 'android', packageName: 'com.unfiled.shop', fingerprint: UNFILED_FP, appName: '未备案商城', storeId: 's-1', url: 'https://store.example/s-1' },
  '{"platform": "android", ',
  '',
  { platform: 'symbian', packageName: 'x.y', fingerprint: 'a'.repeat(32) },
  { platform: 'ios', packageName: 'com.unfiled.game', fingerprint: 'ef'.repeat(20) },
];

describe('supervision: campaigns, catalogues, findings, rounds, orders', () => {
  let a: AuthTestApp;
  let gd: Signed; let zj: Signed; let admin: Signed; let provider: Signed; let platform: Signed; let device: Signed;
  let campaignId: string;
  const post = (url: string, headers: Record<string, string>, payload?: unknown) => a.app.inject({ method: 'POST', url, headers, payload: payload as object });
  const get = (url: string, headers: Record<string, string>) => a.app.inject({ method: 'GET', url, headers });
  const upload = (body: string | Readable, type = 'application/x-ndjson', headers: Record<string, string> = KEY, id = campaignId) =>
    a.app.inject({ method: 'POST', url: `/api/org/campaigns/${id}/catalogue`, headers: { ...headers, 'content-type': type }, payload: body });

  beforeAll(async () => {
    a = await authTestApp();
    [gd, zj, admin, provider, platform, device] = await Promise.all(['gd.reviewer', 'zj.reviewer', 'admin', 'provider.demo', 'platform.demo', 'device.demo'].map((l) => signIn(a.app, l))) as Signed[] as [Signed, Signed, Signed, Signed, Signed, Signed];
    // The market and the cloud have a contact address; the other platform (星辰小程序平台) has none.
    await a.t.db.query('update organisations set contact_email_enc = $2 where name = $1', ['示例应用市场', a.t.sealer.seal(MARKET_EMAIL)]);
    await a.t.db.query('update organisations set contact_email_enc = $2 where name = $1', ['示例云', a.t.sealer.seal('ops@cloud.example')]);
  }, SETUP_TIMEOUT);
  /** The emails queued to an address, oldest first. */
  const mailsTo = async (to: string) => (await a.t.db.query<{ payload: EmailPayload }>(`select payload from outbox where channel = 'email' order by id`))
    .map((r) => openEmail(a.t.sealer, r.payload)).filter((m) => m.to === to);
  afterAll(async () => { await a?.close(); });

  it('1. a bureau opens a campaign in its province; the organisations in scope see it and are told', async () => {
    const body = { name: '2026 年 APP 备案专项检查', kind: 'inspection', orgKinds: ['platform'], startsOn: '2026-03-01', catalogueDueOn: '2026-03-20', endsOn: '2026-06-30' };
    expect((await post('/api/bureau/campaigns', {}, body)).statusCode).toBe(401);
    expect((await post('/api/bureau/campaigns', platform.headers, body)).statusCode).toBe(403);
    expect((await post('/api/bureau/campaigns', KEY, body)).statusCode).toBe(403);
    const bad = await post('/api/bureau/campaigns', gd.headers, { ...body, endsOn: '2026-03-10' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([expect.objectContaining({ field: 'body.endsOn', code: 'before_catalogue_due' })]);
    // Wholly in the past: refused, nothing created, nobody told.
    const past = await post('/api/bureau/campaigns', gd.headers, { ...body, startsOn: '2020-01-01', catalogueDueOn: '2020-01-15', endsOn: '2020-02-01' });
    expect(past.statusCode).toBe(400);
    expect(past.json()).toMatchObject({ code: 'campaign_invalid', errors: expect.arrayContaining([expect.objectContaining({ field: 'body.endsOn', code: 'in_the_past' })]) });
    // A year typed wrong: refused before any dashboard has to count its days.
    const typo = await post('/api/bureau/campaigns', gd.headers, { ...body, startsOn: '0026-03-01' });
    expect(typo.statusCode).toBe(400);
    expect(typo.json().errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'body.startsOn', code: 'too_far_back' })]));
    expect((await a.t.db.query('select 1 from campaigns')).length).toBe(0);
    const other = await post('/api/bureau/campaigns', gd.headers, { ...body, provinceCodes: ['330000'] });
    expect(other.json().errors[0]).toMatchObject({ field: 'body.provinceCodes', code: 'outside_province' });
    const res = await post('/api/bureau/campaigns', gd.headers, body);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ provinceCodes: ['440000'], orgKinds: ['platform'], status: 'open', notified: 2 }); // 示例应用市场, 星辰小程序平台
    campaignId = res.json().id;
    // In scope: the platform (key and staff). Out of scope: the provider, the device maker, another province's bureau.
    expect((await get('/api/org/campaigns', KEY)).json().items.map((c: { id: string }) => c.id)).toEqual([campaignId]);
    expect((await get(`/api/org/campaigns/${campaignId}`, platform.headers)).json()).toMatchObject({ catalogueState: 'due', catalogue: null });
    expect((await get('/api/org/campaigns', provider.headers)).json().items).toEqual([]);
    expect((await get(`/api/org/campaigns/${campaignId}`, provider.headers)).statusCode).toBe(404);
    expect((await get(`/api/org/campaigns/${campaignId}`, device.headers)).statusCode).toBe(404);
    expect((await get(`/api/bureau/campaigns/${campaignId}`, zj.headers)).statusCode).toBe(404);
    expect((await get('/api/bureau/campaigns', zj.headers)).json().items).toEqual([]);
    expect((await get(`/api/bureau/campaigns/${campaignId}`, admin.headers)).statusCode).toBe(200);
    expect((await get(`/api/org/campaigns/${campaignId}`, gd.headers)).statusCode).toBe(403);
    expect((await get('/api/org/campaigns/not-a-uuid', KEY)).statusCode).toBe(404);
    const [h] = await a.t.db.query<{ actor_role: string }>(`select actor_role from history where entity_type = 'campaign' and entity_id = $1`, [campaignId]);
    expect(h!.actor_role).toBe('bureau_reviewer');
    // Told by email at the contact address — the campaign, the date, the page to act on — and in the console.
    const [mail, ...more] = await mailsTo(MARKET_EMAIL);
    expect(more).toEqual([]);
    expect(mail!.subject).toContain('2026 年 APP 备案专项检查');
    expect(mail!.text).toContain('2026-03-20');
    expect(mail!.text).toContain('/org/supervision?tab=campaigns');
    expect(await mailsTo('ops@cloud.example')).toEqual([]); // out of scope
    const notices = (await get('/api/org/notifications', KEY)).json();
    expect(notices).toMatchObject({ total: 1, unread: 1, items: [{ event: 'campaign.opened', readAt: null }] });
    expect(notices.items[0].body).toContain('2026-03-20');
    // The platform without an address has its console notice only.
    const [star] = await a.t.db.query<{ n: number }>(`select count(*)::int as n from notifications n join organisations o on o.id = n.organisation_id where o.name = '星辰小程序平台' and n.event = 'campaign.opened'`);
    expect(star!.n).toBe(1);
    expect((await get('/api/org/notifications', provider.headers)).json()).toMatchObject({ total: 0, unread: 0, items: [] });
    expect((await get('/api/org/notifications', gd.headers)).statusCode).toBe(403);
    // A bureau reads its own organisation's notices at its own path (the shells, certificates, calendar notices).
    expect((await get('/api/bureau/notifications', gd.headers)).json()).toMatchObject({ total: 0, unread: 0, items: [] });
    expect((await get('/api/bureau/notifications', KEY)).statusCode).toBe(403);
    // Marked read: once, by its own organisation only (another's notice is not found).
    const id = notices.items[0].id as number;
    expect((await post('/api/org/notifications/read', provider.headers, { ids: [id] })).json()).toMatchObject({ code: 'notification_not_found', errors: [{ field: 'body.ids.0' }] });
    expect((await post('/api/org/notifications/read', platform.headers, { ids: [id] })).json()).toEqual({ read: 1, already: 0 });
    expect((await post('/api/org/notifications/read', KEY, { ids: [id] })).json()).toEqual({ read: 0, already: 1 });
    expect((await get('/api/org/notifications?unread=true', KEY)).json()).toMatchObject({ total: 0, unread: 0, items: [] });
    expect((await get('/api/org/notifications', KEY)).json()).toMatchObject({ total: 1, unread: 0, items: [{ id, readAt: '2026-03-02T02:00:00.000Z' }] });
  });

  it('2. a catalogue streams in as NDJSON: bad lines reported by number, the rest matched as verification does', async () => {
    expect((await upload(ndjson(CATALOGUE), 'application/x-ndjson', provider.headers)).statusCode).toBe(404);
    const body = ndjson(CATALOGUE);
    const res = await upload(body);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      received: 7, accepted: 5, rejected: 2,
      findings: { filed: 1, not_filed: 2, fingerprint_mismatch: 1, cancelled: 0, revoked: 1, shell: 0 },
      digest: createHash('sha256').update(body).digest('hex'),
    });
    expect(res.json().errors).toEqual([
      expect.objectContaining({ line: 5, code: 'line_not_json' }),
      expect.objectContaining({ line: 7, field: 'platform', code: 'platform_unknown' }),
    ]);
    // The same answers the verification API gives for these lines.
    const v = await a.app.inject({ method: 'POST', url: '/api/verify/v1/apps', headers: KEY, payload: { items: [0, 1, 2, 3].map((i) => { const { platform, packageName, fingerprint } = CATALOGUE[i] as unknown as Record<string, string>; return { platform, packageName, fingerprint }; }) } });
    expect(v.json().results.map((r: { status: string }) => r.status)).toEqual(['filed', 'fingerprint_mismatch', 'revoked', 'not_filed']);
    const [h] = await a.t.db.query<{ reason: { sha256: string; received: number } }>(`select reason from history where entity_type = 'catalogue_submission' and action = 'submit'`);
    expect(h!.reason).toMatchObject({ sha256: res.json().digest, received: 7 });
    const mine = (await get(`/api/org/campaigns/${campaignId}`, KEY)).json();
    expect(mine).toMatchObject({ catalogueState: 'submitted', catalogue: { received: 7, accepted: 5 }, errors: [{ line: 5 }, { line: 7 }] });
  });

  it('2b. a CSV resubmission replaces the catalogue; nothing is counted twice', async () => {
    const csv = `platform,packageName,fingerprint,appName,downloads\r\nandroid,com.unfiled.shop,${UNFILED_FP},"未备案商城, 旗舰版",10\r\nandroid,a2dp.Vol,${A2DP_CERT.sha256},,\r\nandroid,"broken,${UNFILED_FP}\r\n`;
    const res = await upload(csv, 'text/csv', platform.headers);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ received: 3, accepted: 2, rejected: 1, findings: { filed: 1, not_filed: 1 }, errors: [{ line: 4, code: 'csv_malformed' }] });
    const f = (await get(`/api/org/campaigns/${campaignId}/findings`, KEY)).json();
    expect(f.total).toBe(1);
    expect(f.items[0]).toMatchObject({ outcome: 'not_filed', packageName: 'com.unfiled.shop', appName: '未备案商城, 旗舰版', downloads: 10, line: 2 });
    const [s] = await a.t.db.query<{ n: number }>(`select count(*)::int as n from catalogue_submissions where status = 'replaced'`);
    expect(s!.n).toBe(1);
    const submissions = async () => (await a.t.db.query<{ n: number }>('select count(*)::int as n from catalogue_submissions'))[0]!.n;
    const before = await submissions();
    const noHeader = await upload('android,a.b,c\n', 'text/csv');
    expect(noHeader.statusCode).toBe(400);
    expect(noHeader.json()).toMatchObject({ code: 'catalogue_header_invalid', errors: [{ field: 'header' }] });
    const longHeader = await upload(`${'['.repeat(70_000)}\nandroid,a.b,c\n`, 'text/csv');
    expect(longHeader.statusCode).toBe(400);
    expect(longHeader.json()).toMatchObject({ code: 'catalogue_header_invalid', errors: [{ field: 'header', code: 'line_too_long' }] });
    expect((await upload('', 'text/csv')).json()).toMatchObject({ code: 'catalogue_header_invalid', errors: [{ code: 'csv_header_missing' }] });
    // Refused for its header: nothing written, not even a failed submission (the fuzz test's rule).
    expect(await submissions()).toBe(before);
    // A failed upload leaves the current catalogue alone.
    expect((await get(`/api/org/campaigns/${campaignId}/findings`, KEY)).json().total).toBe(1);
    expect((await upload('{}', 'application/json')).statusCode).toBe(415);
  });

  it('2c. a large catalogue streams through in batches', async () => {
    const N = 5_000;
    let i = 0;
    const stream = new Readable({
      read() {
        if (i >= N) { this.push(null); return; }
        const chunk: string[] = [];
        for (let k = 0; k < 500 && i < N; k++, i++) chunk.push(JSON.stringify({ platform: 'android', packageName: `com.bulk.app${i}`, fingerprint: UNFILED_FP }));
        this.push(chunk.join('\n') + '\n');
      },
    });
    const res = await upload(stream);
    expect(res.json()).toMatchObject({ received: N, accepted: N, rejected: 0, findings: { not_filed: N } });
    const page = (await get(`/api/org/campaigns/${campaignId}/findings?outcome=not_filed&page=3&pageSize=100`, KEY)).json();
    expect(page).toMatchObject({ total: N, page: 3, pageSize: 100 });
    expect(page.items).toHaveLength(100);
    // Back to the small catalogue for what follows.
    await upload(ndjson(CATALOGUE));
  }, 120_000);

  it('3. findings: filters, paging, CSV, scope; a finding resolves itself when its app is filed', async () => {
    const all = (await get(`/api/bureau/campaigns/${campaignId}/findings`, gd.headers)).json();
    expect(all.total).toBe(4);
    expect((await get(`/api/bureau/campaigns/${campaignId}/findings?outcome=not_filed`, admin.headers)).json().total).toBe(2);
    expect((await get(`/api/bureau/campaigns/${campaignId}/findings?outcome=bogus`, gd.headers)).statusCode).toBe(400);
    expect((await get(`/api/bureau/campaigns/${campaignId}/findings`, zj.headers)).statusCode).toBe(404);
    expect((await get(`/api/bureau/campaigns/${campaignId}/findings`, platform.headers)).statusCode).toBe(403);
    const csv = await get(`/api/org/campaigns/${campaignId}/findings?format=csv`, KEY);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.split('\r\n')[0]).toBe('\uFEFFid,organisationName,line,platform,packageName,fingerprint,appName,storeId,url,downloads,outcome,serviceNumber,resolvedOn,notifiedAt,rounds');
    expect(csv.body.split('\r\n').filter(Boolean)).toHaveLength(5);
    // The unfiled shop gets filed with the same certificate: its finding resolves, dated by the filing.
    const [sub] = await a.t.db.query<{ id: string; main_number: string; principal_person_id: string }>(`select id, main_number, principal_person_id from subjects where province_code = '440000' limit 1`);
    const svc = await insertFiledService(a.t.db, { subjectId: sub!.id, mainNumber: sub!.main_number, principalPersonId: sub!.principal_person_id, filedAt: new Date('2026-03-05T01:00:00Z'),
      serviceType: 'app', name: '示例商城', categories: ['tools'], languages: ['zh-CN'], preApprovals: [], sdks: [], description: '商城', homeUrl: null, domains: [] });
    await insertPlatforms(a.t.db, svc.id, [{ platform: 'android', packageName: 'com.unfiled.shop', publicKey: 'AB'.repeat(128), certSha256: UNFILED_FP, domains: [] }]);
    const resolved = (await get(`/api/bureau/campaigns/${campaignId}/findings?resolved=true`, gd.headers)).json();
    expect(resolved.items).toEqual([expect.objectContaining({ packageName: 'com.unfiled.shop', resolvedOn: '2026-03-05' })]);
  });

  it('4. rounds of notice: the bureau sends, the platform marks hosts notified, progress counts', async () => {
    const f = (await get(`/api/bureau/campaigns/${campaignId}/findings?resolved=false`, gd.headers)).json().items as { id: string; outcome: string }[];
    expect(f).toHaveLength(3);
    expect((await post(`/api/bureau/campaigns/${campaignId}/rounds`, zj.headers, { filter: {}, respondBy: '2026-03-10' })).statusCode).toBe(404);
    expect((await post(`/api/bureau/campaigns/${campaignId}/rounds`, gd.headers, { filter: {}, respondBy: '2026-01-01' })).json().errors[0].field).toBe('body.respondBy');
    // Rule refusals name the field where it is in the request, as the schema's do.
    const unknownId = '00000000-0000-4000-8000-000000000000';
    expect((await post(`/api/bureau/campaigns/${campaignId}/rounds`, gd.headers, { findingIds: [f[0]!.id, unknownId], respondBy: '2026-03-10' })).json())
      .toMatchObject({ code: 'finding_not_found', errors: [{ field: 'body.findingIds.1', code: 'not_found' }] });
    expect((await post(`/api/bureau/campaigns/${campaignId}/rounds`, gd.headers, { filter: { outcome: 'revoked', notified: true }, respondBy: '2026-03-10' })).json())
      .toMatchObject({ code: 'round_empty', errors: [{ field: 'body.filter', code: 'empty' }] });
    expect((await post(`/api/org/findings/${unknownId}/notified`, KEY)).json()).toMatchObject({ code: 'finding_not_found', errors: [{ field: 'params.id' }] });
    expect((await post('/api/org/findings/notified', KEY, { findingIds: [f[0]!.id, unknownId] })).json()).toMatchObject({ code: 'finding_not_found', errors: [{ field: 'body.findingIds.1' }] });
    const r = await post(`/api/bureau/campaigns/${campaignId}/rounds`, gd.headers, { filter: {}, respondBy: '2026-03-10' });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ number: 1, findings: 3, organisations: 1 });
    const round = (await mailsTo(MARKET_EMAIL)).at(-1)!;
    expect(round.subject).toContain('第1轮');
    expect(round.text).toContain('2026-03-10');
    expect(round.text).toContain('3 个应用');
    expect((await post(`/api/org/findings/${f[0]!.id}/notified`, provider.headers)).statusCode).toBe(404);
    expect((await post(`/api/org/findings/${f[0]!.id}/notified`, gd.headers)).statusCode).toBe(403);
    expect((await post(`/api/org/findings/${f[0]!.id}/notified`, KEY)).json()).toEqual({ notified: 1, already: 0 });
    expect((await post('/api/org/findings/notified', platform.headers, { findingIds: f.map((x) => x.id) })).json()).toEqual({ notified: 2, already: 1 });
    const p = (await get(`/api/bureau/campaigns/${campaignId}`, gd.headers)).json();
    expect(p).toMatchObject({ catalogues: { inScope: 2, received: 1, overdue: 0 }, notified: 3, notYetNotified: 1, resolved: 1, rounds: [{ number: 1, findings: 3, notified: 3, notYet: 0 }] });
    expect(p.findings).toMatchObject({ filed: 1, not_filed: 2, fingerprint_mismatch: 1, revoked: 1 });
    const progressCsv = await get(`/api/bureau/campaigns/${campaignId}?format=csv`, gd.headers);
    expect(progressCsv.body).toContain('示例应用市场');
    // Day by day (China dates), cumulative, from the campaign's start to today.
    expect(p.timeline.map((d: { day: string }) => d.day)).toEqual(['2026-03-01', '2026-03-02']);
    expect(p.timeline[0]).toMatchObject({ received: 0, findings: 0, notified: 0 });
    expect(p.timeline[1]).toMatchObject({ received: 1, findings: 4, notified: 3, ordered: 0, disposed: 0, overdue: 0 });
    const timelineCsv = await get(`/api/bureau/campaigns/${campaignId}?format=csv&table=timeline`, gd.headers);
    expect(timelineCsv.body.split('\r\n').slice(0, 3)).toEqual(['\uFEFFday,received,findings,notified,ordered,disposed,overdue', '2026-03-01,0,0,0,0,0,0', '2026-03-02,1,4,3,0,0,0']);
    const roundsCsv = await get(`/api/bureau/campaigns/${campaignId}?format=csv&table=rounds`, gd.headers);
    expect(roundsCsv.body.split('\r\n')[1]).toMatch(/^1,2026-03-02T02:00:00.000Z,2026-03-10,3,3,0$/);
    // Another province's bureau sees none of it; the organisation lists its campaigns as CSV too.
    expect((await get(`/api/bureau/campaigns/${campaignId}?format=csv&table=timeline`, zj.headers)).statusCode).toBe(404);
    const orgCsv = await get('/api/org/campaigns?format=csv', KEY);
    expect(orgCsv.body.split('\r\n')[0]).toBe('\uFEFFid,name,kind,status,startsOn,catalogueDueOn,endsOn,catalogueState,received,accepted,rejected,digest,not_filed,fingerprint_mismatch,cancelled,revoked,shell');
    expect(orgCsv.body).toContain(`${campaignId},2026 年 APP 备案专项检查,inspection,open`);
  });

  it('5. disposal orders: working-day due date, confirmation with evidence, overdue, accept and reopen', async () => {
    const f = (await get(`/api/bureau/campaigns/${campaignId}/findings?outcome=revoked`, gd.headers)).json().items as { id: string }[];
    const body = { findingIds: [f[0]!.id], measure: 'take_down', dueInWorkingDays: 5, reason: '已撤销备案的应用仍在分发' };
    expect((await post('/api/bureau/orders', zj.headers, body)).json()).toMatchObject({ code: 'order_target_not_found', errors: [{ field: 'body.findingIds.0' }] });
    expect((await post('/api/bureau/orders', gd.headers, { ...body, dueInWorkingDays: 0 })).statusCode).toBe(400);
    expect((await post('/api/bureau/orders', gd.headers, { ...body, measure: 'explode' })).statusCode).toBe(400);
    // The measure must be one the organisation can carry out: a platform takes down, it does not stop access.
    const misfit = await post('/api/bureau/orders', gd.headers, { ...body, measure: 'stop_access' });
    expect(misfit.statusCode).toBe(400);
    expect(misfit.json()).toMatchObject({ code: 'measure_not_for_organisation', errors: [{ field: 'body.measure', code: 'not_for_organisation_kind' }] });
    const res = await post('/api/bureau/orders', gd.headers, body);
    expect(res.statusCode).toBe(201);
    const [order] = res.json().orders;
    // The same finding is not ordered again while its item is open (or done and not yet accepted).
    const twice = await post('/api/bureau/orders', gd.headers, { ...body, dueInWorkingDays: 10 });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'finding_already_ordered', errors: [{ field: 'body.findingIds.0', code: 'already_ordered' }] });
    expect(order).toMatchObject({ dueOn: '2026-03-09', items: 1 }); // Mon 2 March + 5 working days
    const ordered = (await mailsTo(MARKET_EMAIL)).at(-1)!;
    expect(ordered.subject).toContain('下架');
    expect(ordered.text).toContain('2026-03-09');
    expect(ordered.text).toContain('已撤销备案的应用仍在分发');
    expect(ordered.text).toContain('com.example.minigame');
    expect(ordered.text).toContain('/org/supervision?tab=orders');
    expect((await get('/api/org/notifications?pageSize=1', KEY)).json()).toMatchObject({ total: 3, unread: 2, page: 1, pageSize: 1, items: [{ event: 'order.issued' }] });
    // By service number: the access provider of a2dp.Vol (示例云) gets its own order.
    const [svc] = await a.t.db.query<{ service_number: string }>(`select s.service_number from services s join app_platforms p on p.service_id = s.id where p.package_name = 'a2dp.Vol'`);
    expect((await post('/api/bureau/orders', zj.headers, { serviceNumbers: [svc!.service_number], measure: 'stop_access', dueInWorkingDays: 3, reason: 'x' })).statusCode).toBe(404);
    // A malformed entry is bad input naming it (it was 404 order_target_not_found, as if never filed); a well-formed one never filed stays 404.
    for (const [n, code] of [['hello', 'filing_number_format'], ['粤ICP备2024000001号', 'filing_number_not_service']] as const) {
      const bad = await post('/api/bureau/orders', gd.headers, { serviceNumbers: [svc!.service_number, n], measure: 'stop_access', dueInWorkingDays: 3, reason: 'x' });
      expect([bad.statusCode, bad.headers['content-type']], n).toEqual([400, expect.stringMatching(/^application\/problem\+json/)]);
      expect(bad.json()).toMatchObject({ code, errors: [{ field: 'body.serviceNumbers.1', code }] });
    }
    expect((await post('/api/bureau/orders', gd.headers, { serviceNumbers: ['粤ICP备2024999999号-1A'], measure: 'stop_access', dueInWorkingDays: 3, reason: 'x' })).json())
      .toMatchObject({ code: 'order_target_not_found', errors: [{ field: 'body.serviceNumbers.0' }] }); // named as the malformed one is (body.…)
    expect((await post('/api/bureau/orders', admin.headers, { serviceNumbers: [svc!.service_number], measure: 'take_down', dueInWorkingDays: 3, reason: '核查' })).json())
      .toMatchObject({ code: 'measure_not_for_organisation', errors: [{ field: 'body.measure' }] });
    const byNumber = await post('/api/bureau/orders', admin.headers, { serviceNumbers: [svc!.service_number], measure: 'stop_access', dueInWorkingDays: 3, reason: '核查' });
    expect(byNumber.json().orders).toHaveLength(1);
    // Each organisation sees its own only.
    const mine = (await get('/api/org/orders', KEY)).json();
    expect(mine.items).toEqual([expect.objectContaining({ id: order.id, measure: 'take_down', dueOn: '2026-03-09', items: [expect.objectContaining({ findingId: f[0]!.id, status: 'open', overdue: false })] })]);
    expect((await get('/api/org/orders', provider.headers)).json().items.map((o: { measure: string }) => o.measure)).toEqual(['stop_access']);
    expect((await get('/api/bureau/orders', gd.headers)).json().total).toBe(1);
    expect((await get('/api/bureau/orders', zj.headers)).json().total).toBe(0);
    expect((await get('/api/bureau/orders', admin.headers)).json().total).toBe(2);
    // Overdue once the due date has passed (China time).
    a.clock.set('2026-03-10T01:00:00Z');
    [gd, zj, platform, provider] = await Promise.all(['gd.reviewer', 'zj.reviewer', 'platform.demo', 'provider.demo'].map((l) => signIn(a.app, l))) as [Signed, Signed, Signed, Signed]; // sessions lapse over a week
    expect((await get('/api/bureau/orders?overdue=true', gd.headers)).json().items[0].items[0].overdue).toBe(true);
    const itemId = mine.items[0].items[0].id;
    const done = `/api/org/orders/${order.id}/items/${itemId}/done`;
    expect((await post(done, provider.headers, { evidence: '已下架' })).statusCode).toBe(404);
    expect((await post(done, KEY, { evidence: '  ' })).statusCode).toBe(400);
    expect((await post(`/api/bureau/orders/${order.id}/items/${itemId}/accept`, gd.headers)).json().code).toBe('order_item_status_conflict');
    const ok = await post(done, KEY, { evidence: '已于 3 月 9 日下架，截图见附件', attachments: [{ name: 'screenshot.png', sha256: 'ab'.repeat(32) }] });
    expect(ok.json()).toMatchObject({ status: 'done' });
    expect((await post(done, KEY, { evidence: 'again' })).statusCode).toBe(409);
    expect((await get('/api/bureau/orders?overdue=true', gd.headers)).json().total).toBe(0);
    expect((await post(`/api/bureau/orders/${order.id}/items/${itemId}/reopen`, zj.headers, { reason: 'x' })).statusCode).toBe(404);
    expect((await post(`/api/bureau/orders/${order.id}/items/${itemId}/reopen`, gd.headers, { reason: '仍可下载' })).json()).toMatchObject({ status: 'open' });
    // Reopened: not disposed any more, and past its due date (9 March) it is overdue again.
    const [reopened] = await a.t.db.query<{ done_at: Date | null; done_by: string | null }>('select done_at, done_by from disposal_order_items where id = $1', [itemId]);
    expect(reopened).toEqual({ done_at: null, done_by: null });
    const whileOpen = (await get(`/api/bureau/campaigns/${campaignId}`, gd.headers)).json().timeline.at(-1);
    expect(whileOpen).toMatchObject({ day: '2026-03-10', ordered: 1, disposed: 0, overdue: 1 });
    await post(done, KEY, { evidence: '已彻底下架' });
    expect((await post(`/api/bureau/orders/${order.id}/items/${itemId}/accept`, gd.headers)).json()).toMatchObject({ status: 'accepted' });
    const csv = await get('/api/bureau/orders?format=csv', gd.headers);
    expect(csv.body).toContain('accepted');
    const steps = await a.t.db.query<{ action: string }>(`select action from history where entity_type = 'disposal_order_item' and entity_id = $1 order by id`, [itemId]);
    expect(steps.map((s) => s.action)).toEqual(['confirm', 'reopen', 'confirm', 'accept']);
    // The dashboard's day by day: the order was issued on 2 March and disposed on 10 March.
    const days = (await get(`/api/bureau/campaigns/${campaignId}`, gd.headers)).json().timeline as { day: string; ordered: number; disposed: number }[];
    expect(days.at(-1)).toMatchObject({ day: '2026-03-10', ordered: 1, disposed: 1, overdue: 0 });
    expect(days.find((d) => d.day === '2026-03-09')).toMatchObject({ ordered: 1, disposed: 0 });
    // A campaign stored with a year typed wrong (before that was refused) reads its last year only, not two thousand.
    await a.t.db.query(`update campaigns set starts_on = '0001-03-01' where id = $1`, [campaignId]);
    const long = (await get(`/api/bureau/campaigns/${campaignId}`, gd.headers)).json().timeline as { day: string }[];
    expect(long.length).toBe(367);
    expect(long.at(-1)!.day).toBe('2026-03-10');
    await a.t.db.query(`update campaigns set starts_on = '2026-03-01' where id = $1`, [campaignId]);
    // Two requests at once for one finding: one order, one refusal — and the database holds the rule too.
    const [mismatch] = (await get(`/api/bureau/campaigns/${campaignId}/findings?outcome=fingerprint_mismatch`, gd.headers)).json().items as { id: string }[];
    const race = await Promise.all([1, 2].map(() => post('/api/bureau/orders', gd.headers, { ...body, findingIds: [mismatch!.id] })));
    expect(race.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(race.find((r) => r.statusCode === 409)!.json()).toMatchObject({ code: 'finding_already_ordered', errors: [{ field: 'body.findingIds.0' }] });
    expect((await a.t.db.query('select 1 from disposal_order_items where finding_id = $1', [mismatch!.id])).length).toBe(1);
    await expect(a.t.db.query('insert into disposal_order_items (order_id, finding_id) values ($1, $2)', [order.id, mismatch!.id]))
      .rejects.toThrow(/disposal_order_items_finding_open/);
    // Accepted, the finding is free again (the APP may come back).
    expect((await post('/api/bureau/orders', gd.headers, body)).statusCode).toBe(201);
  });

  it('5b. evidence files: uploaded to an open item by its organisation, typed by content, listed and downloaded by the bureau, digests in history', async () => {
    const f = (await get(`/api/bureau/campaigns/${campaignId}/findings?outcome=not_filed&resolved=false`, gd.headers)).json().items as { id: string }[];
    const order = (await post('/api/bureau/orders', gd.headers, { findingIds: [f[0]!.id], measure: 'take_down', dueInWorkingDays: 3, reason: '未备案' })).json().orders[0] as { id: string };
    const item = (await get('/api/org/orders', KEY)).json().items.find((o: { id: string }) => o.id === order.id).items[0] as { id: string };
    const url = `/api/org/orders/${order.id}/items/${item.id}/attachments`;
    const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('takedown screenshot')]);
    const multipart = (name: string, content: Buffer) => {
      const boundary = '----beianTest';
      const payload = Buffer.concat([Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${name}"\r\ncontent-type: application/octet-stream\r\n\r\n`), content, Buffer.from(`\r\n--${boundary}--\r\n`)]);
      return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
    };
    const send = (headers: Record<string, string>, name: string, content: Buffer, to = url) => {
      const m = multipart(name, content);
      return a.app.inject({ method: 'POST', url: to, headers: { ...headers, ...m.headers }, payload: m.payload });
    };
    // Only the organisation the order is addressed to; the bureau does not upload evidence.
    expect((await send(provider.headers, 'x.png', PNG)).statusCode).toBe(404);
    expect((await send(gd.headers, 'x.png', PNG)).statusCode).toBe(403);
    // Typed by content, not by name; bounded in size.
    const text = await send(KEY, 'evidence.png', Buffer.from('just some text, not an image'));
    expect(text.statusCode).toBe(400);
    expect(text.json()).toMatchObject({ code: 'attachment_type', errors: [{ field: 'file' }] });
    const big = await send(KEY, 'big.pdf', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(5 * 1024 * 1024)]));
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('attachment_too_large');
    const ok = await send(KEY, '../下架截图.png', PNG);
    expect(ok.statusCode).toBe(201);
    const sha256 = createHash('sha256').update(PNG).digest('hex');
    expect(ok.json()).toMatchObject({ name: '下架截图.png', contentType: 'image/png', bytes: PNG.length, sha256 });
    // Listed with the order for the bureau, downloadable by it and by the organisation, by nobody else.
    const listed = (await get('/api/bureau/orders', gd.headers)).json().items.find((o: { id: string }) => o.id === order.id).items[0].files;
    expect(listed).toEqual([expect.objectContaining({ id: ok.json().id, name: '下架截图.png', sha256, url: `/api/bureau/orders/${order.id}/items/${item.id}/attachments/${ok.json().id}` })]);
    const dl = await get(listed[0].url, gd.headers);
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.equals(PNG)).toBe(true);
    expect(dl.headers['content-type']).toBe('image/png');
    expect(dl.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('下架截图.png')}`);
    expect(dl.headers['x-content-type-options']).toBe('nosniff');
    expect((await get(listed[0].url, zj.headers)).statusCode).toBe(404);
    expect((await get(`${url}/${ok.json().id}`, KEY)).rawPayload.equals(PNG)).toBe(true);
    expect((await get(`${url}/${ok.json().id}`, provider.headers)).statusCode).toBe(404);
    // The confirmation records every file's digest; no file is added once the item is done.
    expect((await post(`/api/org/orders/${order.id}/items/${item.id}/done`, KEY, { evidence: '已下架，截图为证' })).json()).toMatchObject({ status: 'done' });
    const h = await a.t.db.query<{ action: string; reason: { sha256?: string; files?: { sha256: string }[] } }>(
      `select action, reason from history where entity_type = 'disposal_order_item' and entity_id = $1 order by id`, [item.id]);
    expect(h.map((x) => x.action)).toEqual(['attach', 'confirm']);
    expect(h[0]!.reason.sha256).toBe(sha256);
    expect(h[1]!.reason.files).toEqual([expect.objectContaining({ sha256, name: '下架截图.png' })]);
    expect((await send(KEY, 'late.png', PNG)).statusCode).toBe(409);
    // In the database too: evidence is never changed, and only an open item takes a file.
    await expect(a.t.db.query(`update order_item_attachments set name = 'x.png'`)).rejects.toThrow(/kept as evidence/);
    await expect(a.t.db.query(`delete from order_item_attachments`)).rejects.toThrow(/kept as evidence/);
    await expect(a.t.db.query(
      `insert into order_item_attachments (item_id, organisation_id, name, content_type, bytes, sha256, content, uploaded_at)
       select item_id, organisation_id, 'y.png', content_type, bytes, sha256, content, now() from order_item_attachments limit 1`)).rejects.toThrow(/open or objected order item/);
  });
});
