// The demo's applications (issue 13 item 10): `npm start`'s seed holds every kind of application
// in every state, made by the real flows over ~90 days, with bureau deadlines due today and
// overdue relative to `now`, and the queues show them: the provider's first review, the bureau's
// review (due today and overdue first), the host's applications; a service with an approved
// change in its history; all in one transaction with the rest of the demo.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/api/app.ts';
import { loadConfig } from '../src/config.ts';
import { seedDemo } from '../src/db/seed/demo.ts';
import { chinaDate, chinaYear } from '../src/domain/china-time.ts';
import { parseFilingNumber } from '../src/domain/filing-number.ts';
import { APPLICATION_KINDS, APPLICATION_STATUSES, type ApplicationType, reasonFieldEditable } from '../src/domain/lifecycle.ts';
import { signIn } from './auth.ts';
import { type TestDb, testDatabase } from './db.ts';
import { call } from './filing.ts';
import { demoApplications } from '../src/flows/demo-applications.ts';
import { openMaterials } from '../src/db/materials-store.ts';
import { unknownReasonFields } from '../src/domain/review-fields.ts';

// A Wednesday: a working day in Guangdong, so a deadline can fall on it.
const NOW = new Date('2026-03-04T02:00:00Z');

describe('demo applications', () => {
  let t: TestDb;
  let app: Awaited<ReturnType<typeof buildApp>>;
  beforeAll(async () => {
    t = await testDatabase();
    const started = Date.now();
    await seedDemo(t.db, t.sealer, { lives: { now: NOW, applications: demoApplications(t.sealer, 'http://127.0.0.1:3000') } });
    console.info(`demo seed with applications: ${Date.now() - started} ms`);
    app = await buildApp({ db: t.db, sealer: t.sealer, now: () => NOW, config: loadConfig({ LOG_LEVEL: 'silent' }) });
  }, 600_000);
  afterAll(async () => { await app?.close(); await t?.close(); });

  it('every number\'s year is the year it was allocated (DOMAIN.md §3): a subject\'s its filing date\'s; a service\'s its main number\'s, filed on or after it', async () => {
    const yearOf = (n: string) => { const p = parseFilingNumber(n); return p.ok ? p.value.year : undefined; };
    const subjects = await t.db.query<{ main_number: string; filed_at: Date | null }>('select main_number, filed_at from subjects where main_number is not null order by main_number');
    expect(subjects.length).toBeGreaterThan(3);
    expect(subjects.filter((s) => !s.filed_at || yearOf(s.main_number) !== chinaYear(s.filed_at)).map((s) => `${s.main_number} filed ${s.filed_at?.toISOString()}`)).toEqual([]);
    const services = await t.db.query<{ service_number: string; filed_at: Date; main_number: string; subject_filed_at: Date }>(
      `select s.service_number, s.filed_at, sub.main_number, sub.filed_at as subject_filed_at from services s join subjects sub on sub.id = s.subject_id order by s.service_number`);
    expect(services.length).toBeGreaterThan(10);
    const wrong = services.filter((s) => !s.service_number.startsWith(`${s.main_number}-`) || s.filed_at < s.subject_filed_at || (yearOf(s.service_number) ?? 0) > chinaYear(s.filed_at));
    expect(wrong.map((s) => `${s.service_number} filed ${s.filed_at.toISOString()} under ${s.main_number} filed ${s.subject_filed_at.toISOString()}`)).toEqual([]);
  });

  it('every returned or rejected demo application names fields its materials have (a subject change\'s reasons are about the subject)', async () => {
    const rows = await t.db.query<{ application_type: string; materials: unknown; review_reasons: { field: string }[] }>(
      `select application_type, materials, review_reasons from applications where jsonb_array_length(review_reasons) > 0`);
    expect(rows.length).toBeGreaterThan(3);
    const wrong = rows.flatMap((r) => unknownReasonFields(r.review_reasons, openMaterials(r.materials, t.sealer)).map((i) => `${r.application_type}: ${r.review_reasons[i]!.field}`));
    expect(wrong).toEqual([]);
  });

  it('has each in-app notice in both languages apart (notifications.texts), so the app shows the demo in the language it speaks', async () => {
    const rows = await t.db.query<{ event: string; title: string; texts: { zh?: { title: string }; en?: { title: string } } | null }>('select event, title, texts from notifications');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.filter((r) => !r.texts?.zh?.title || !r.texts?.en?.title || /[\u4e00-\u9fff]/.test(r.texts.en.title)).map((r) => `${r.event}: ${r.title}`)).toEqual([]);
  });

  it('holds every (kind, state) pair', async () => {
    const rows = await t.db.query<{ application_type: string; status: string; n: number }>(
      'select application_type, status, count(*)::int as n from applications group by 1, 2');
    const have = new Set(rows.map((r) => `${r.application_type}/${r.status}`));
    const missing = Object.keys(APPLICATION_KINDS).flatMap((k) => APPLICATION_STATUSES.map((s) => `${k}/${s}`)).filter((p) => !have.has(p));
    expect(missing).toEqual([]);
  });

  it('has bureau reviews due today, overdue and near, and about 90 days of history', async () => {
    const today = chinaDate(NOW);
    const open = await t.db.query<{ application_type: string; deadline_on: string }>(`select application_type, deadline_on from applications where status = 'bureau_review'`);
    expect(open.filter((a) => a.deadline_on === today).length).toBeGreaterThanOrEqual(1);
    expect(open.filter((a) => a.deadline_on < today).length).toBeGreaterThanOrEqual(1);
    expect(open.filter((a) => a.deadline_on > today).length).toBeGreaterThanOrEqual(1);
    const [span] = await t.db.query<{ first: Date; last: Date }>(`select min(at) as first, max(at) as last from history where entity_type = 'application'`);
    expect((NOW.getTime() - span!.first.getTime()) / 86_400_000).toBeGreaterThan(80);
    expect(span!.last.getTime()).toBeLessThanOrEqual(NOW.getTime());
    // SMS checks still open are less than a day old (they expire after 24 hours).
    const [sms] = await t.db.query<{ oldest: Date }>(`select min(c.created_at) as oldest from sms_challenges c join applications a on a.id = c.application_id where a.status = 'sms_pending'`);
    expect(NOW.getTime() - sms!.oldest.getTime()).toBeLessThan(86_400_000);
  });

  it('every returned or rejected application asks to fix a field its kind lets the host change (no 变更主体 sent back over 服务描述)', async () => {
    const rows = await t.db.query<{ application_type: ApplicationType; status: string; review_reasons: { field: string }[] }>(
      `select application_type, status, review_reasons from applications where status in ('returned', 'bureau_rejected')`);
    expect(new Set(rows.map((r) => r.application_type))).toEqual(new Set(Object.keys(APPLICATION_KINDS)));
    const dead = rows.flatMap((r) => r.review_reasons.filter((x) => x.field !== 'sms' && !reasonFieldEditable(r.application_type, x.field)).map((x) => `${r.application_type}/${r.status}: ${x.field}`));
    expect(dead).toEqual([]);
  });

  it('every queue shows something; a filed service has an approved change in its public history', async () => {
    const [provider, gd, host] = await Promise.all(['provider.demo', 'gd.reviewer', 'host@demo.beian.test'].map((l) => signIn(app, l)));
    const firstReview = (await call(app, provider!, 'GET', '/api/provider/applications')).items as { applicationType: string }[];
    expect(new Set(firstReview.map((i) => i.applicationType))).toEqual(new Set(Object.keys(APPLICATION_KINDS)));
    const bureau = (await call(app, gd!, 'GET', '/api/bureau/applications')).items as { applicationType: string; deadlineOn: string }[];
    expect(new Set(bureau.map((i) => i.applicationType))).toEqual(new Set(Object.keys(APPLICATION_KINDS)));
    expect(bureau[0]!.deadlineOn < chinaDate(NOW)).toBe(true); // earliest deadline first: the overdue ones
    const mine = (await call(app, host!, 'GET', '/api/host/applications?pageSize=100')).items as { status: string }[];
    expect(new Set(mine.map((i) => i.status))).toEqual(new Set(APPLICATION_STATUSES));
    const [changed] = await t.db.query<{ service_number: string }>(
      `select s.service_number from history h join services s on s.id = h.entity_id where h.entity_type = 'service' and h.action = 'changed' limit 1`);
    const rec = (await app.inject({ method: 'GET', url: `/api/public/v1/services/${encodeURIComponent(changed!.service_number)}` })).json();
    const types = rec.events.map((e: { type: string }) => e.type);
    expect(types[0]).toBe('filed');
    expect(types).toContain('changed');
  });
});

// A start on a non-working day (a Sunday in the Spring Festival holiday): nothing can be due that
// day, but an overdue review and one due on the next working day are still there.
describe('demo applications started on a holiday', () => {
  let t: TestDb;
  const HOLIDAY = new Date('2026-02-22T02:00:00Z');
  beforeAll(async () => {
    t = await testDatabase();
    await seedDemo(t.db, t.sealer, { lives: { now: HOLIDAY, applications: demoApplications(t.sealer, 'http://127.0.0.1:3000') } });
  }, 600_000);
  afterAll(async () => { await t?.close(); });

  it('still has overdue and upcoming bureau reviews', async () => {
    const today = chinaDate(HOLIDAY);
    const open = await t.db.query<{ deadline_on: string }>(`select deadline_on from applications where status = 'bureau_review'`);
    expect(open.some((a) => a.deadline_on < today)).toBe(true);
    expect(open.some((a) => a.deadline_on > today)).toBe(true);
  });

  it("leaves the provider's demo webhook nothing waiting to be sent after the applications' flows (a first start sends nothing to its `.test` URL)", async () => {
    const rows = await t.db.query<{ status: string; tag: string }>(
      `select status, payload ->> 'tag' as tag from outbox where channel = 'webhook' order by id`);
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(rows.filter((r) => r.status === 'pending')).toEqual([]);
  });
});
