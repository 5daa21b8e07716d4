// Demo applications with a life (issue 13 item 10, the applications part): every kind of
// application (first filing, new service, service change, subject change, access filing) in
// every state (draft, first review, returned, SMS pending, bureau review, rejected, approved,
// withdrawn), spread over about 90 days before `now`, with bureau deadlines near, due today and
// overdue — so every queue shows something on first start. Made by the real flows under a demo
// clock (not rows written by hand), so materials, history, deadlines (the province's working-day
// calendar), SMS checks and notices are exactly what a real run would leave. Runs inside the
// demo seed's transaction (src/db/seed/demo.ts passes a Db over it): all or nothing.
import type { Db } from '../db/connection.ts';
import type { DemoApplicationsSeeder } from '../db/seed/demo.ts';
import { loadCalendar } from '../db/calendar.ts';
import type { Sealer } from '../db/personal-data.ts';
import type { Actor } from '../domain/actors.ts';
import { countWorkingDays } from '../domain/calendar.ts';
import { chinaDate } from '../domain/china-time.ts';
import { addDays } from '../domain/dates.ts';
import type { ApplicationType } from '../domain/application-rules.ts';
import { idNumberCheckChar, usccCheckChar } from '../domain/validation/index.ts';
import { openSms, type SmsPayload } from '../notify/outbox.ts';
import { bureauApprove, bureauReject } from './bureau-review.ts';
import type { FlowContext } from './context.ts';
import { createApplication } from './create-application.ts';
import { createChange } from './create-change.ts';
import { filedServiceMaterials, filedSubjectMaterials } from '../db/filed-materials.ts';
import { openMaterials } from '../db/materials-store.ts';
import { providerApprove, providerReturn } from './provider-review.ts';
import { BUREAU_REVIEW_WORKING_DAYS, verifySmsCode } from './sms-check.ts';
import { submitApplication } from './submit-application.ts';
import { verifyIdentity } from './verify-identity.ts';
import { withdrawApplication } from './withdraw-application.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Where an application is left. `bureau_review` takes the deadline it should have. */
export type DemoState = 'draft' | 'provider_review' | 'returned' | 'sms_pending' | 'bureau_review' | 'bureau_rejected' | 'approved' | 'withdrawn';
type Deadline = 'today' | 'overdue' | 'near' | 'later';

interface Demo {
  ctx: FlowContext; clock: { t: Date }; now: Date; host: Actor; provider: Actor; bureau: Actor;
  cloud: string; idc: string; n: number;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** A person of the demo (valid check character, a mobile of its own, a .test email). */
function person(d: Demo, name: string) {
  const i = ++d.n;
  const first17 = `440305${1975 + (i % 25)}${pad((i % 12) + 1, 2)}1${i % 10}${pad(100 + i, 3)}`;
  return {
    name, certificateType: 'resident_id', certificateNumber: first17 + idNumberCheckChar(first17), certificateValidFrom: '2020-01-01', certificateValidTo: null,
    mobile: `1370013${pad(i, 4)}`, emergencyPhone: `1360013${pad(i, 4)}`, email: `demo.person${i}@demo.beian.test`,
  };
}

const NAMES = ['深圳市星河数码科技有限公司', '深圳市青松软件有限公司', '深圳市远航网络有限公司', '深圳市晨曦信息技术有限公司', '深圳市海岸线科技有限公司',
  '深圳市繁星互动有限公司', '深圳市启明数据有限公司', '深圳市南岭网络科技有限公司', '深圳市和光软件有限公司', '深圳市千帆科技有限公司',
  '深圳市云杉信息有限公司', '深圳市松果网络有限公司', '深圳市鹏程数码有限公司', '深圳市小鹿软件有限公司'];

function subjectMaterials(d: Demo, i: number) {
  const first17 = `91440300MA5DM${pad(i, 4)}`;
  return {
    subjectType: 'unit', nature: 'enterprise', name: NAMES[i % NAMES.length]!, certificateType: 'uscc', certificateNumber: first17 + usccCheckChar(first17),
    certificateAddress: `广东省深圳市南山区示例路${i + 10}号`, address: `南山区示例路${i + 10}号${i + 2}楼`, provinceCode: '440000', cityCode: '440300', districtCode: '440305',
    principalIsLegalRepresentative: true, principal: person(d, ['刘洋', '黄敏', '吴强', '郑丽', '孙浩', '马超', '朱琳'][i % 7]!),
  };
}

function website(d: Demo, tag: string, name: string, provider: string) {
  const domain = `${tag}-demo.cn`;
  return {
    service: {
      serviceType: 'website', name, categories: ['enterprise_site'], languages: ['zh-CN'], preApprovals: [], sdks: [],
      description: `${name}：企业官方网站，介绍公司的产品与服务（演示数据）。`, homeUrl: `https://www.${domain}`, domains: [domain],
      principal: { sameAsSubjectPrincipal: true },
    },
    platforms: [],
    access: [{ providerOrgId: provider, accessMethod: 'virtual_host', serverLocation: '广东省广州市', ips: [`203.0.113.${(d.n % 200) + 20}`], domains: [domain] }],
  };
}

/** The demo clock at `daysAgo` (plus hours), China office hours. */
const at = (d: Demo, daysAgo: number, hours = 0) => { d.clock.t = new Date(d.now.getTime() - daysAgo * DAY + hours * HOUR); };

/**
 * The latest receipt date whose 20-working-day deadline is `deadline`, or the nearest working day
 * after it (`step` 1) or before it (`step` -1): a deadline only falls on a working day.
 */
async function receiptFor(d: Demo, deadline: string, step: 1 | -1): Promise<string> {
  const cal = await loadCalendar(d.ctx.db, '440000');
  for (let shift = 0; shift < 30; shift++) {
    const want = addDays(deadline, shift * step);
    for (let back = 20; back < 60; back++) {
      const received = addDays(want, -back);
      if (countWorkingDays(cal, received, BUREAU_REVIEW_WORKING_DAYS).date === want) {
        const next = addDays(received, 1);
        if (countWorkingDays(cal, next, BUREAU_REVIEW_WORKING_DAYS).date !== want) return received;
      }
    }
  }
  throw new Error(`no receipt date for a deadline near ${deadline}`);
}

/** Days before `now` to receive an application so that its deadline falls as asked. */
async function receivedDaysAgo(d: Demo, deadline: Deadline): Promise<number> {
  const today = chinaDate(d.now);
  if (deadline === 'later') return 2;
  const target = deadline === 'today' ? today : deadline === 'overdue' ? addDays(today, -1) : addDays(today, 2);
  const received = await receiptFor(d, target, deadline === 'overdue' ? -1 : 1);
  return Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${received}T00:00:00Z`)) / DAY);
}

async function enterCodes(d: Demo, id: string): Promise<void> {
  const pending = await d.ctx.db.query<{ id: string; mobile_enc: string }>(`select id, mobile_enc from sms_challenges where application_id = $1 and status = 'pending'`, [id]);
  const sent = await d.ctx.db.query<{ payload: SmsPayload }>(`select payload from outbox where channel = 'sms' order by id desc limit 200`);
  for (const c of pending) {
    const mobile = d.ctx.sealer.open(c.mobile_enc);
    const code = sent.map((r) => openSms(d.ctx.sealer, r.payload)).find((m) => m.mobile === mobile)?.text.match(/(\d{6})/)?.[1];
    if (!code) throw new Error('demo: no SMS code queued');
    await verifySmsCode(d.ctx, d.host, id, { challengeId: c.id, code });
  }
}

const REASON = { field: 'service.description', error: '网站备案说明与网站实际内容不符（演示）', suggestion: '按网站实际提供的服务修改说明后重新提交' };

/**
 * A reason in a field the application can change (reasonFieldEditable): a subject change carries no
 * service description, an access filing only its new access record (the last one).
 */
async function reasonFor(d: Demo, id: string) {
  const [app] = await d.ctx.db.query<{ application_type: ApplicationType; materials: unknown }>('select application_type, materials from applications where id = $1', [id]);
  if (app!.application_type === 'change_subject') {
    return { field: 'subject.address', error: '通讯地址未写到门牌号（演示）', suggestion: '填写到门牌号的实际办公地址后重新提交' };
  }
  if (app!.application_type === 'add_access') {
    const access = (openMaterials(app!.materials, d.ctx.sealer) as { access?: unknown[] }).access ?? [];
    return { field: `access.${Math.max(access.length - 1, 0)}.ips`, error: 'IP 地址与接入服务商分配的地址不符（演示）', suggestion: '填写接入服务商分配的服务器公网 IP 后重新提交' };
  }
  return REASON;
}

/**
 * Drives one application from creation to `state`: created `startDaysAgo`, then first review,
 * SMS codes and the bureau at the times the state needs. Returns its id.
 */
async function drive(d: Demo, create: () => Promise<string>, state: DemoState, o: { startDaysAgo: number; deadline?: Deadline; reviewer?: Actor; verify?: boolean }): Promise<string> {
  const reviewer = o.reviewer ?? d.provider;
  // A bureau review's receipt date decides its deadline; the steps before it are the days before.
  const receivedAgo = state === 'bureau_review' ? await receivedDaysAgo(d, o.deadline ?? 'later') : state === 'sms_pending' ? 0.2 : o.startDaysAgo - 2;
  const start = Math.max(o.startDaysAgo, receivedAgo + 2);
  at(d, start, 1);
  const id = await create();
  if (state === 'draft') return id;
  if (state === 'withdrawn') { at(d, start - 1, 2); await withdrawApplication(d.ctx, d.host, id); return id; }
  at(d, start, 2);
  if (o.verify) await verifyIdentity(d.ctx, d.host, id);
  await submitApplication(d.ctx, d.host, id, {});
  if (state === 'provider_review') return id;
  at(d, start - 1, 3);
  if (state === 'returned') { await providerReturn(d.ctx, reviewer, id, { reasons: [await reasonFor(d, id)] }); return id; }
  at(d, receivedAgo, -2);
  await providerApprove(d.ctx, reviewer, id, {});
  if (state === 'sms_pending') return id;
  at(d, receivedAgo, 0);
  await enterCodes(d, id);
  if (state === 'bureau_review') return id;
  at(d, Math.max(receivedAgo - 5, 0.1), 0);
  if (state === 'bureau_rejected') { await bureauReject(d.ctx, d.bureau, id, { reasons: [await reasonFor(d, id)] }); return id; }
  await bureauApprove(d.ctx, d.bureau, id);
  return id;
}

async function create(d: Demo, applicationType: ApplicationType, body: { subjectId?: string; serviceId?: string; materials: Record<string, unknown>; submitterOrgId?: string }) {
  const input = { applicationType, serviceType: 'website' as const, submitterOrgId: body.submitterOrgId ?? d.cloud, subjectId: body.subjectId ?? null, serviceId: body.serviceId ?? null, materials: body.materials };
  const row = applicationType === 'first_filing' || applicationType === 'new_service' ? await createApplication(d.ctx, d.host, input) : await createChange(d.ctx, d.host, input);
  return row.id;
}

async function filedOf(d: Demo, applicationId: string): Promise<{ subjectId: string; serviceId: string }> {
  const [r] = await d.ctx.db.query<{ subject_id: string; service_id: string }>('select subject_id, service_id from applications where id = $1', [applicationId]);
  return { subjectId: r!.subject_id, serviceId: r!.service_id };
}

const OPEN: DemoState[] = ['draft', 'provider_review', 'returned', 'sms_pending', 'bureau_review', 'bureau_rejected'];
const DEADLINE_OF: Record<ApplicationType, Deadline> = { first_filing: 'today', new_service: 'overdue', change_service: 'near', change_subject: 'today', add_access: 'overdue' };

export interface DemoApplicationsOptions { now: Date; publicUrl: string; hostUserId: string }

/** Seeds the applications (see the file comment). `db` is the seed's transaction. */
export async function seedDemoApplications(db: Db, sealer: Sealer, o: DemoApplicationsOptions): Promise<void> {
  const clock = { t: o.now };
  const ctx: FlowContext = { db, sealer, now: () => new Date(clock.t), publicUrl: o.publicUrl };
  const staff = async (login: string): Promise<Actor> => {
    const [u] = await db.query<{ id: string; role: Actor['role']; organisation_id: string; kind: Actor['orgKind']; province_code: string | null }>(
      'select u.id, u.role, u.organisation_id, o.kind, o.province_code from users u join organisations o on o.id = u.organisation_id where u.login = $1', [login]);
    return { userId: u!.id, role: u!.role, orgId: u!.organisation_id, orgKind: u!.kind, provinceCode: u!.province_code, requestId: 'demo-seed' };
  };
  const org = async (name: string) => (await db.query<{ id: string }>('select id from organisations where name = $1', [name]))[0]!.id;
  const d: Demo = {
    ctx, clock, now: o.now, n: 0,
    host: { userId: o.hostUserId, role: 'host', orgId: null, orgKind: null, provinceCode: null, requestId: 'demo-seed' },
    provider: await staff('provider.demo'), bureau: await staff('gd.reviewer'),
    cloud: await org('示例云计算有限公司'), idc: await org('蓝海数据科技有限公司'),
  };
  let subjectNo = 0;
  const firstFiling = (state: DemoState, startDaysAgo: number, deadline?: Deadline) => {
    const i = ++subjectNo;
    // Filed through 示例云 (its first review); the servers are 蓝海数据's until an access filing adds 示例云's.
    return drive(d, () => create(d, 'first_filing', { materials: { subject: subjectMaterials(d, i), ...website(d, `site${i}`, `${NAMES[i % NAMES.length]!.slice(3, 7)}官网`, d.idc) } }), state, { startDaysAgo, deadline, verify: true });
  };

  // The filed subjects the later applications change: six first filings approved 80–88 days ago.
  const bases: { subjectId: string; serviceId: string }[] = [];
  for (let k = 0; k < 6; k++) bases.push(await filedOf(d, await firstFiling('approved', 88 - k)));
  // Services added under the first subject (new services approved 60–75 days ago).
  const services = bases.map((b) => b.serviceId);
  let serviceNo = 0;
  const newService = (state: DemoState, startDaysAgo: number, deadline?: Deadline) => {
    const j = ++serviceNo;
    return drive(d, () => create(d, 'new_service', { subjectId: bases[0]!.subjectId, materials: website(d, `extra${j}`, `星河数码子站${j}`, d.idc) }), state, { startDaysAgo, deadline, verify: true });
  };
  for (let k = 0; k < 7; k++) services.push((await filedOf(d, await newService('approved', 75 - 2 * k))).serviceId);

  // First filings and new services in every other state.
  for (const [k, state] of [...OPEN, 'withdrawn' as const].entries()) {
    await firstFiling(state, 30 - k, DEADLINE_OF.first_filing);
    await newService(state, 28 - k, DEADLINE_OF.new_service);
  }

  // Service changes: one approved 40 days ago (a filed service with a change in its history), one
  // withdrawn, then one open in each state, each on its own service (one open change per service).
  const changeService = async (serviceId: string, state: DemoState, startDaysAgo: number, label: string) => {
    const base = await filedServiceMaterials(db, sealer, serviceId);
    const materials = { ...base, service: { ...base.service, description: `${base.service.name}：${label}（演示数据）。` } };
    return drive(d, () => create(d, 'change_service', { serviceId, materials }), state, { startDaysAgo, deadline: DEADLINE_OF.change_service });
  };
  await changeService(services[0]!, 'approved', 45, '改版后的企业官网，新增产品介绍栏目');
  await changeService(services[1]!, 'withdrawn', 35, '拟调整网站说明');
  for (const [k, state] of OPEN.entries()) await changeService(services[k]!, state, 20 - k, `网站说明更新 ${k + 1}`);

  // Access filings: 示例云 adds its access to a service hosted by 蓝海数据 (示例云 does the first review).
  const addAccess = async (serviceId: string, state: DemoState, startDaysAgo: number) => {
    const base = await filedServiceMaterials(db, sealer, serviceId);
    const domain = base.service.domains[0]!;
    const materials = { ...base, access: [...base.access, { providerOrgId: d.cloud, accessMethod: 'cloud', serverLocation: '广东省深圳市', ips: ['203.0.113.200'], domains: [domain] }] };
    return drive(d, () => create(d, 'add_access', { serviceId, materials, submitterOrgId: d.cloud }), state, { startDaysAgo, deadline: DEADLINE_OF.add_access });
  };
  await addAccess(services[6]!, 'approved', 42);
  await addAccess(services[7]!, 'withdrawn', 33);
  for (const [k, state] of OPEN.entries()) await addAccess(services[7 + k]!, state, 19 - k);

  // Subject changes (a new office address), one open on each filed subject.
  const changeSubject = async (subjectId: string, state: DemoState, startDaysAgo: number, address: string) => {
    const base = await filedSubjectMaterials(db, sealer, subjectId);
    return drive(d, () => create(d, 'change_subject', { subjectId, materials: { subject: { ...base.subject, address } } }), state, { startDaysAgo, deadline: DEADLINE_OF.change_subject });
  };
  await changeSubject(bases[0]!.subjectId, 'approved', 50, '南山区科技园新址大厦8楼');
  await changeSubject(bases[1]!.subjectId, 'withdrawn', 38, '福田区新址路1号');
  for (const [k, state] of OPEN.entries()) await changeSubject(bases[k]!.subjectId, state, 18 - k, `南山区搬迁后地址${k + 1}号`);
  clock.t = o.now;
}

/** The seeder `seedDemo` takes as `lives.applications` (npm start, beian seed --demo). */
export const demoApplications = (sealer: Sealer, publicUrl: string): DemoApplicationsSeeder =>
  (db, hostUserId, now) => seedDemoApplications(db, sealer, { now, publicUrl, hostUserId });
