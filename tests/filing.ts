// Helpers for the filing tests through HTTP: valid materials with people unique to each
// call (so cross-subject rules don't collide), organisation lookups, the SMS inbox.
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { buildApp } from '../src/api/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Db, Queryable } from '../src/db/connection.ts';
import { createSealer, type Sealer } from '../src/db/personal-data.ts';
import { A2DP_CERT, DEMO_PEOPLE } from '../src/db/seed/demo.ts';
import { idNumberCheckChar, usccCheckChar } from '../src/domain/validation/index.ts';
import { createDevSmsProvider, createUnconfiguredEmailSender, drainOutbox, type EmailSender, listDevSms } from '../src/notify/index.ts';
import { openSms, type SmsPayload } from '../src/notify/outbox.ts';
import { type AuthTestApp, fixedClock, type Signed, signIn } from './auth.ts';
import { testSecrets } from './db.ts';

let counter = 0;
const uniq = () => { counter = (counter + 1) % 1000; return String(counter).padStart(3, '0'); };
const IOS_SHA1 = '00c0890f2295b8c8b6d27885daa080c7437cf113';

export function person(name: string) {
  const n = uniq();
  const first17 = `4403051990${`0${(counter % 9) + 1}`}1${counter % 10}${n}`;
  return {
    name, certificateType: 'resident_id', certificateNumber: first17 + idNumberCheckChar(first17),
    certificateValidFrom: '2020-01-01', certificateValidTo: null,
    mobile: `1390000${n}${(counter % 9) + 1}`, emergencyPhone: `1380000${n}${(counter % 9) + 1}`, email: `p${n}.${Date.now() % 100000}@example.test`,
  };
}

// One filed subject per certificate (issue 13): every subject() gets its own unit's code.
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const usccRun = Array.from({ length: 4 }, () => USCC_CHARS[Math.floor(Math.random() * 31)]).join('');
let usccCounter = 0;

/** A valid (GB 32100 checksum) unified social credit code, different on every call. */
export function uniqueUscc(region = '440300'): string {
  let n = usccCounter++;
  let serial = '';
  for (let i = 0; i < 5; i++) { serial = USCC_CHARS[n % 31] + serial; n = Math.floor(n / 31); }
  const first17 = `91${region}${usccRun}${serial}`;
  return first17 + usccCheckChar(first17);
}

export function subject(provinceCode = '440000', name = '深圳市测试网络科技有限公司') {
  const places: Record<string, [string, string, string]> = { '440000': ['440300', '440305', '南山区科技园路88号测试大厦3楼'], '110000': ['110100', '110108', '海淀区中关村大街1号测试楼2层'] };
  const [cityCode, districtCode, address] = places[provinceCode]!;
  return {
    subjectType: 'unit', nature: 'enterprise', name, certificateType: 'uscc', certificateNumber: uniqueUscc(cityCode),
    certificateAddress: `测试证件住所${address}`, address, provinceCode, cityCode, districtCode,
    principalIsLegalRepresentative: true, principal: person('张伟'),
  };
}

export function appMaterials(providerOrgId: string, packageName = `com.example.t${uniq()}`) {
  return {
    subject: subject(),
    service: {
      serviceType: 'app', name: '测试记账', categories: ['tools'], languages: ['zh-CN'], preApprovals: [], sdks: [],
      description: '面向个人用户的记账与预算管理工具类应用，数据仅保存在用户账户中。', domains: ['api.test-ledger.cn'],
      principal: person('李娜'),
    },
    platforms: [
      { platform: 'android', packageName, publicKey: A2DP_CERT.publicKey, certMd5: A2DP_CERT.md5, certSha1: A2DP_CERT.sha1, certSha256: A2DP_CERT.sha256, domains: ['api.test-ledger.cn'] },
      { platform: 'ios', packageName, publicKey: A2DP_CERT.publicKey, certSha1: IOS_SHA1, domains: ['api.test-ledger.cn'] },
    ],
    access: [{ providerOrgId, accessMethod: 'cloud', serverLocation: '广东省深圳市', ips: ['120.24.10.11', '240e:3a1:4c2::11'], domains: ['api.test-ledger.cn'] }],
  };
}

export function websiteMaterials(providerOrgId: string, provinceCode = '440000') {
  return {
    subject: subject(provinceCode, provinceCode === '110000' ? '北京测试信息技术有限公司' : '深圳市测试网络科技有限公司'),
    service: {
      serviceType: 'website', name: '测试科技官网', categories: ['enterprise_site'], languages: ['zh-CN'], preApprovals: [], sdks: [],
      description: '企业官方网站，介绍公司的产品与服务，不涉及经营性内容。', homeUrl: 'https://www.test-tech.cn', domains: ['test-tech.cn'],
      principal: { sameAsSubjectPrincipal: true },
    },
    platforms: [],
    access: [{ providerOrgId, accessMethod: 'virtual_host', serverLocation: '广东省广州市', ips: ['120.24.10.12'], domains: ['test-tech.cn'] }],
  };
}

export function miniProgramMaterials() {
  return {
    service: {
      serviceType: 'mini_program', name: '测试小助手', categories: ['tools'], languages: ['zh-CN'], preApprovals: [], sdks: [], domains: [],
      description: '帮助用户查询产品使用说明与售后服务进度的小程序。', principal: person('王芳'),
    },
    platforms: [], access: [],
  };
}

export async function orgId(db: Queryable, name: string): Promise<string> {
  const [o] = await db.query<{ id: string }>('select id from organisations where name = $1', [name]);
  return o!.id;
}

export const CLOUD = '示例云计算有限公司';
export const MARKET = '示例应用市场';

/** Delivers the outbox (SMS to the development inbox) and returns the codes sent to each mobile. */
export async function deliver(h: AuthTestApp, email: EmailSender = createUnconfiguredEmailSender()) {
  await drainOutbox({ db: h.t.db, sealer: h.t.sealer, email, sms: createDevSmsProvider(h.t.db, h.t.sealer, h.clock.now), now: h.clock.now });
}

/**
 * The code last sent to `mobile` in the development inbox. Waits a little for it: where server
 * processes run beside the test (tests/server-process.ts), their outbox workers may have claimed the
 * message and not yet committed its delivery when the test's own drain found nothing to send.
 */
export async function smsCode(db: Queryable, sealer: Sealer, mobile: string): Promise<string> {
  for (let i = 0; ; i++) {
    const [m] = await listDevSms(db, sealer, { mobile, limit: 1 });
    const code = m?.body.match(/(\d{6})/)?.[1];
    if (code) return code;
    if (i >= 50) throw new Error(`no SMS code for ${mobile}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function call(app: FastifyInstance, who: Signed, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, expected = 200) {
  const res = await app.inject({ method, url, headers: who.headers, ...(payload !== undefined ? { payload: payload as object } : {}) });
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(expected);
  return res.json();
}

/** Create → identity verification → submit; returns the application id. */
export async function fileToProvider(app: FastifyInstance, host: Signed, body: Record<string, unknown>) {
  const created = await call(app, host, 'POST', '/api/host/applications', body, 201);
  expect(created.problems).toEqual([]);
  await call(app, host, 'POST', `/api/host/applications/${created.id}/identity-verification`);
  await call(app, host, 'POST', `/api/host/applications/${created.id}/submit`, {});
  return created.id as string;
}

/** Provider approves, the principals enter their codes; the application reaches bureau review. */
export async function throughSms(h: AuthTestApp, host: Signed, reviewer: Signed, id: string) {
  const approved = await call(h.app, reviewer, 'POST', `/api/provider/applications/${id}/approve`, {});
  expect(approved.status).toBe('sms_pending');
  await deliver(h);
  const view = await call(h.app, host, 'GET', `/api/host/applications/${id}`);
  const m = view.materials as { subject?: { principal: { mobile: string } }; service: { principal: { mobile?: string } } };
  const mobiles = [m.subject?.principal.mobile, m.service.principal.mobile].filter((x): x is string => Boolean(x));
  let last = view;
  for (const check of (view.smsChecks as { id: string; mobile: string; status: string }[]).filter((c) => c.status === 'pending')) {
    const mobile = mobiles.find((x) => x.slice(-4) === check.mobile.slice(-4))!;
    last = await call(h.app, host, 'POST', `/api/host/applications/${id}/sms/verify`, { challengeId: check.id, code: await smsCode(h.t.db, h.t.sealer, mobile) });
  }
  expect(last.status).toBe('bureau_review');
  return last;
}

// --- issue 13: cancellations confirmed by the principal's SMS code ---

/** The code of a confirmation, read from the queued SMS to its mobile (the outbox is not drained). */
export async function confirmationCode(db: Queryable, sealer: Sealer, confirmationId: string): Promise<string> {
  const [c] = await db.query<{ mobile_enc: string }>('select mobile_enc from confirmations where id = $1', [confirmationId]);
  const mobile = sealer.open(c!.mobile_enc);
  const rows = await db.query<{ payload: SmsPayload }>(`select payload from outbox where channel = 'sms' order by id desc limit 50`);
  for (const r of rows) {
    const m = openSms(sealer, r.payload);
    if (m.mobile !== mobile) continue;
    // What a gateway sends: the cancellation template (never the filing check's), carrying the code the text shows.
    const code = m.text.match(/(\d{6})/)![1]!;
    if (m.template?.kind !== 'cancellation_code' || m.template.params.code !== code) {
      throw new Error(`confirmation ${confirmationId}: SMS template ${JSON.stringify(m.template)} does not carry code ${code} as cancellation_code`);
    }
    return code;
  }
  throw new Error(`no SMS for confirmation ${confirmationId}`);
}

/** POST a cancellation request (202), then the code: returns the confirmation's answer. */
export async function cancelConfirmed(h: AuthTestApp, who: Signed, url: string, payload: object = {}) {
  const asked = await call(h.app, who, 'POST', url, payload, 202);
  return call(h.app, who, 'POST', `/api/host/confirmations/${asked.confirmationId}`, { code: await confirmationCode(h.t.db, h.t.sealer, asked.confirmationId) });
}

/**
 * Brings `n` applications of the demo host (websites and APPs in turn, to the demo cloud provider)
 * to bureau review, in this process on `db` (demo data loaded, sealed with tests/db.ts's keys); their ids.
 * For tests that then approve them elsewhere (server processes, kill -9, failover).
 */
export async function toBureauReview(db: Db, n: number, url: string | null = null): Promise<string[]> {
  const sealer = createSealer(testSecrets);
  const clock = fixedClock();
  const app = await buildApp({ db, sealer, now: clock.now, config: loadConfig({ LOG_LEVEL: 'silent' }) });
  try {
    const h = { app, t: { db, sealer, url, close: async () => {} }, clock, close: async () => {} };
    const [host, provider] = await Promise.all(['host@demo.beian.test', 'provider.demo'].map((l) => signIn(app, l)));
    const cloud = await orgId(db, CLOUD);
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const body = i % 2 ? { serviceType: 'app', submitterOrgId: cloud, materials: appMaterials(cloud) } : { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud) };
      const id = await fileToProvider(app, host!, body);
      await throughSms(h, host!, provider!, id);
      ids.push(id);
    }
    return ids;
  } finally {
    await app.close();
  }
}

/**
 * The demo host (赵磊) files a change of a filed Zhejiang service's materials, edited by `edit`, through the demo
 * provider; the SMS codes are confirmed and zj.reviewer approves it.
 */
export async function approvedDemoChange(h: AuthTestApp, serviceId: string, edit: (materials: { platforms: { platform: string }[] }) => void): Promise<void> {
  const [host, provider, zj] = await Promise.all(['host@demo.beian.test', 'provider.demo', 'zj.reviewer'].map((l) => signIn(h.app, l))) as [Signed, Signed, Signed];
  const filed = await call(h.app, host, 'GET', `/api/host/services/${serviceId}/materials`);
  edit(filed.materials);
  const draft = await call(h.app, host, 'POST', '/api/host/applications', { ...filed, submitterOrgId: await orgId(h.t.db, CLOUD) }, 201);
  expect(draft.problems).toEqual([]);
  await call(h.app, host, 'POST', `/api/host/applications/${draft.id}/identity-verification`);
  expect((await call(h.app, host, 'POST', `/api/host/applications/${draft.id}/submit`, {})).status).toBe('provider_review');
  expect((await call(h.app, provider, 'POST', `/api/provider/applications/${draft.id}/approve`, {})).status).toBe('sms_pending');
  await deliver(h);
  const view = await call(h.app, host, 'GET', `/api/host/applications/${draft.id}`);
  for (const c of (view.smsChecks as { id: string; status: string }[]).filter((x) => x.status === 'pending')) {
    await call(h.app, host, 'POST', `/api/host/applications/${draft.id}/sms/verify`, { challengeId: c.id, code: await smsCode(h.t.db, h.t.sealer, DEMO_PEOPLE.zhaoLei.mobile) });
  }
  await call(h.app, zj, 'POST', `/api/bureau/applications/${draft.id}/approve`);
}
