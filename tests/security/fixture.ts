// One seeded world for the security suites (authorization matrix, fuzzing): the demo data with
// its records' lives and supervision, one session per person (minted in the database: no argon2
// per identity), the platform's API key, and resources of one party ("B") in every state the
// routes act on — so a path parameter is always a real id that belongs to somebody.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Queryable } from '../../src/db/connection.ts';
import { digest } from '../../src/db/credentials.ts';
import { DEMO_API_KEY, seedDemo } from '../../src/db/seed/demo.ts';
import { insertSession } from '../../src/db/sessions.ts';
import { fixedClock, type AuthTestApp, type Signed } from '../auth.ts';
import { logCaughtUp, testDatabase, testLogKeys } from '../db.ts';
import { signTreeHead } from '../../src/tlog/store.ts';
import { appMaterials, call, CLOUD, deliver, fileToProvider, MARKET, orgId, throughSms } from '../filing.ts';

/**
 * Everyone the matrix asks: "host" and "reviewer" own the resources below; the others are someone else.
 * `apiKey` is the platform's demo key (scope `full`), `verifyKey` a key of the platform with scope `verify`.
 */
export const IDENTITIES = [
  'anonymous', 'host', 'otherHost', 'reviewer', 'otherReviewer', 'provider', 'platform', 'deviceMaker', 'admin', 'apiKey', 'verifyKey', 'disabled', 'expired',
] as const;
export type Identity = typeof IDENTITIES[number];

/** Who each person identity is (logins of the demo; hosts sign in by email). */
const LOGINS: Partial<Record<Identity, string>> = {
  host: 'host@demo.beian.test', otherHost: 'wang@demo.beian.test', reviewer: 'gd.reviewer', otherReviewer: 'bj.reviewer',
  provider: 'provider.demo', platform: 'platform.demo', deviceMaker: 'device.demo', admin: 'admin', expired: 'host@demo.beian.test',
};

export interface World extends AuthTestApp {
  /** Request headers of an identity (cookie + CSRF token, or the bearer key, or none). */
  headers(who: Identity): Record<string, string>;
  /** Mints a new session for every person whose session a request ended (logout, password change). */
  renewSessions(): Promise<void>;
  /** Real ids by name; a list when each allowed caller of a consuming write needs its own. */
  ids: Record<string, string | string[]>;
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
}

async function userIdOf(db: Queryable, sealer: AuthTestApp['t']['sealer'], login: string): Promise<string> {
  const [u] = await db.query<{ id: string }>(
    login.includes('@') ? `select id from users where role = 'host' and email_hash = $1` : 'select id from users where login = $1',
    [login.includes('@') ? sealer.hash('email', login) : login]);
  if (!u) throw new Error(`no user ${login}`);
  return u.id;
}

const one = async (db: Queryable, sql: string, params: unknown[] = []): Promise<string> => {
  const [r] = await db.query<{ id: string }>(sql, params);
  if (!r) throw new Error(`fixture query found nothing: ${sql}`);
  return r.id;
};

/** Every request from its own address: the public quotas (60 a minute per address) stay out of the way. */
let address = 0;
export const nextAddress = () => { address++; return `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`; };

export async function buildWorld(): Promise<World> {
  const t = await testDatabase();
  const clock = fixedClock();
  await seedDemo(t.db, t.sealer, { lives: { now: clock.now() }, supervision: true });
  // Test deliveries (POST /api/org/webhooks/{id}/test) go to hooks.example.com: answered here, not over the network.
  const app = await buildApp({
    db: t.db, sealer: t.sealer, now: clock.now, config: loadConfig({ LOG_LEVEL: 'silent' }), logSigner: testLogKeys().signer,
    webhook: { send: async () => ({ status: 204 }) },
  });
  const h: AuthTestApp = { app, t, clock, async close() { await app.close(); await t.close(); } };
  const db = t.db;

  // The disabled person: a provider's staff account, disabled, with a session that would still be live.
  const cloud = await orgId(db, CLOUD);
  const market = await orgId(db, MARKET);
  const disabledUser = await one(db,
    `insert into users (role, organisation_id, display_name, login, password_hash, disabled_at) values ('provider_staff', $1, '停用账号', 'disabled.staff', 'x', $2) returning id`,
    [cloud, clock.now()]);
  const spareUser = await one(db,
    `insert into users (role, organisation_id, display_name, login, password_hash) values ('platform_staff', $1, '备用账号', 'spare.staff', 'x') returning id`, [market]);

  const sessions = new Map<Identity, { token: string; csrf: string; userId: string }>();
  const mint = async (who: Identity, userId: string, at = clock.now()) => {
    const s = await insertSession(db, userId, at);
    sessions.set(who, { token: s.token, csrf: s.csrfToken, userId });
  };
  for (const [who, login] of Object.entries(LOGINS) as [Identity, string][]) {
    if (who === 'expired') continue;
    await mint(who, await userIdOf(db, t.sealer, login));
  }
  await mint('disabled', disabledUser);
  // Signed in 30 days ago and never used since: expired (12 h idle, 7 days at most).
  await mint('expired', await userIdOf(db, t.sealer, LOGINS.expired!), new Date(clock.now().getTime() - 30 * 86400_000));

  let verifyKey = '';
  const headers = (who: Identity): Record<string, string> => {
    if (who === 'anonymous') return {};
    if (who === 'apiKey') return { authorization: `Bearer ${DEMO_API_KEY}` };
    if (who === 'verifyKey') return { authorization: `Bearer ${verifyKey}` };
    const s = sessions.get(who)!;
    return { cookie: `beian_session=${s.token}`, 'x-csrf-token': s.csrf };
  };
  const signed = (who: Identity): Signed => {
    const hd = headers(who);
    return { cookie: hd.cookie!, csrf: hd['x-csrf-token']!, headers: hd };
  };

  const host = signed('host');
  const provider = signed('provider');
  const reviewer = signed('reviewer');
  const platform = signed('platform');
  verifyKey = (await call(app, platform, 'POST', '/api/org/api-keys', { name: '核验钥匙', scope: 'verify' }, 201)).secret as string;

  const filing = () => ({ serviceType: 'app', submitterOrgId: cloud, materials: appMaterials(cloud) });
  // Host B's applications: a draft, one waiting for the provider, one waiting for SMS codes, one at the bureau (广东).
  const draftApp = (await call(app, host, 'POST', '/api/host/applications', filing(), 201)).id as string;
  const providerApp = await fileToProvider(app, host, filing());
  const smsApp = await fileToProvider(app, host, filing());
  await call(app, provider, 'POST', `/api/provider/applications/${smsApp}/approve`, {});
  await deliver(h);
  const challenge = await one(db, `select id from sms_challenges where application_id = $1 order by id limit 1`, [smsApp]);
  const bureauApp = await fileToProvider(app, host, filing());
  await throughSms(h, host, provider, bureauApp);

  // Host B's filed records (广东): the A2DP app, the website, the mini program, the lives' subject.
  const svc = (name: string) => one(db, 'select id from services where name = $1', [name]);
  const a2dp = await svc('A2DP Volume');
  const website = await svc('示例科技官网');
  const miniProgram = await svc('示例小助手');
  const cloudNote = await svc('云端笔记');
  const subject = await one(db, `select subject_id as id from services where id = $1`, [a2dp]);
  const access = await one(db, 'select id from access_records where service_id = $1 and active', [a2dp]);
  const serviceNumber = await one(db, 'select service_number as id from services where id = $1', [a2dp]);
  const mainNumber = await one(db, 'select sj.main_number as id from services s join subjects sj on sj.id = s.subject_id where s.id = $1', [a2dp]);
  const asked = await call(app, host, 'POST', `/api/host/services/${miniProgram}/cancel`, { reason: '不再运营' }, 202);

  // Supervision of 广东: a campaign of its bureau, the market's finding, order and report there.
  const campaign = (await call(app, reviewer, 'POST', '/api/bureau/campaigns', {
    name: '广东APP检查（矩阵）', kind: 'inspection', provinceCodes: ['440000'], orgKinds: ['platform', 'provider'],
    startsOn: '2026-03-02', catalogueDueOn: '2026-04-30', endsOn: '2026-12-31',
  }, 201)).id as string;
  // A second campaign of 广东's bureau, for the early end (which uses it up).
  const campaignToEnd = (await call(app, reviewer, 'POST', '/api/bureau/campaigns', {
    name: '广东APP检查（矩阵·提前结束）', kind: 'routine', provinceCodes: ['440000'], orgKinds: ['platform'],
    startsOn: '2026-03-02', catalogueDueOn: '2026-04-30', endsOn: '2026-12-31',
  }, 201)).id as string;
  // An active iOS filing of 广东 (settling a legacy case pair names the one kept).
  const iosFiling = await one(db, `insert into app_platforms (service_id, platform, package_name, cert_sha1) values ($1, 'ios', 'com.example.a2dp', $2) returning id`,
    [a2dp, 'f'.repeat(40)]);
  const finding = await one(db, `select id from findings where organisation_id = $1 and org_province_code = '440000' order by line limit 1`, [market]);
  const order = await one(db, `select id from disposal_orders where organisation_id = $1 and province_code = '440000'`, [market]);
  const orderItem = await one(db, `select id from disposal_order_items where order_id = $1 order by id limit 1`, [order]);
  // An evidence file on an open item of that order (issue 14 item 5), for the download routes.
  const attachmentItem = await one(db, `select id from disposal_order_items where order_id = $1 and status = 'open' order by id limit 1`, [order]);
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  const attachment = await one(db,
    `insert into order_item_attachments (item_id, organisation_id, name, content_type, bytes, sha256, content, uploaded_at)
     values ($1, $2, 'evidence.png', 'image/png', $3, encode(sha256($4), 'hex'), $4, $5) returning id`,
    [attachmentItem, market, png.length, png, clock.now()]);
  const violation = await one(db, `select id from violation_reports where reporter_org_id = $1 and province_code = '440000'`, [market]);
  const blacklist = await one(db,
    `insert into blacklist_entries (kind, value, until_on, category, reason, source_service_id, province_code, created_by, created_at)
     values ('package', 'com.example.matrix', '2028-03-01', 'false_materials', '矩阵测试', $1, '440000', $2, $3) returning id`,
    [a2dp, sessions.get('reviewer')!.userId, clock.now()]);
  const notice = await one(db, `select id from cleanup_notices where province_code = '440000' and status = 'publicised' order by published_at limit 1`);
  const override = async (day: string) => (await call(app, reviewer, 'POST', '/api/admin/calendar-overrides', { day, kind: 'holiday', provinceCode: '440000', note: '矩阵' }, 201)).id as string;
  const overrides = [await override('2026-10-09'), await override('2026-10-10')];

  // The platform's things: a webhook each for its three callers (staff, both keys), and a second API key.
  // Two URLs: an organisation has one webhook per URL.
  const webhook = async (n: number) => (await app.inject({
    method: 'POST', url: '/api/verify/v1/webhooks', headers: headers('apiKey'), payload: { url: `https://hooks.example.com/beian/${n}` },
  })).json().id as string;
  const webhooks = [await webhook(1), await webhook(2), await webhook(3)];
  const orgWebhook = await webhook(4); // the console's routes (/api/org/webhooks)
  const apiKey2 = (await call(app, platform, 'POST', '/api/org/api-keys', { name: '第二把钥匙' }, 201)).id as string;
  const otherOrg = await orgId(db, '星辰小程序平台');

  // The transparency log holds the seeded history, under a signed head.
  const logKeys = testLogKeys();
  await logCaughtUp(db, logKeys);
  await signTreeHead(db, logKeys.signer, clock.now());

  const ids: Record<string, string | string[]> = {
    draftApp, providerApp, smsApp, bureauApp, challenge, a2dp, website, miniProgram, cloudNote, subject, access, serviceNumber, mainNumber,
    confirmation: asked.confirmationId as string, campaign, campaignToEnd, iosFiling, finding, order, orderItem, attachmentItem, attachment, violation, blacklist, notice, override: overrides,
    webhook: webhooks, orgWebhook, apiKey: apiKey2, organisation: otherOrg, user: spareUser,
    revocable: [website, cloudNote],
  };

  async function renewSessions() {
    for (const [who, s] of sessions) {
      if (who === 'expired' || who === 'disabled') continue;
      const [row] = await db.query<{ live: boolean }>('select revoked_at is null as live from sessions where token_hash = $1', [digest(s.token)]);
      if (!row?.live) await mint(who, s.userId);
    }
  }

  return {
    ...h, headers, renewSessions, ids,
    inject: (opts) => app.inject({ remoteAddress: nextAddress(), ...opts } as InjectOptions),
  };
}

/**
 * A digest of every table's rows, in one statement. Left out: what reading touches by design —
 * sessions (sliding expiry), API keys' last use, sign-in throttling.
 */
export async function databaseDigest(db: Queryable): Promise<Record<string, string>> {
  const tables = await db.query<{ name: string }>(
    `select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'
       and table_name not in ('sessions', 'login_throttle') order by 1`);
  const parts = tables.map(({ name }) => name === 'api_keys'
    ? `select 'api_keys' as t, md5(coalesce(string_agg(md5((x.id, x.organisation_id, x.name, x.key_hash, x.revoked_at)::text), '' order by x.id), '')) as d from api_keys x`
    : `select '${name}' as t, md5(coalesce(string_agg(md5(x::text), '' order by md5(x::text)), '')) as d from "${name}" x`);
  const rows = await db.query<{ t: string; d: string }>(parts.join(' union all '));
  return Object.fromEntries(rows.map((r) => [r.t, r.d]));
}

/** The tables whose digest differs. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((k) => before[k] !== after[k]);
}
