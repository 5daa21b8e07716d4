// An application over a fresh, migrated, demo-seeded database with a settable clock, and
// helpers to sign in through HTTP the way a browser does (cookie + x-csrf-token).
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import { loadConfig } from '../src/config.ts';
import { openPostgres } from '../src/db/connection.ts';
import { DEMO_PASSWORD, seedDemo } from '../src/db/seed/demo.ts';
import type { Queryable } from '../src/db/connection.ts';
import type { Sealer } from '../src/db/personal-data.ts';
import { validateMobile } from '../src/domain/validation/index.ts';
import { openSms, type SmsPayload } from '../src/notify/outbox.ts';
import { type TestDb, testDatabase, testLogKeys } from './db.ts';

/** Creating, migrating and seeding a database (argon2 included) on a busy 2-core machine. */
export const SETUP_TIMEOUT = 180_000;

export interface Clock { now: () => Date; set(iso: string): void; advance(seconds: number): void }

export function fixedClock(iso = '2026-03-02T02:00:00Z'): Clock {
  let t = new Date(iso);
  return {
    now: () => new Date(t),
    set: (s) => { t = new Date(s); },
    advance: (seconds) => { t = new Date(t.getTime() + seconds * 1000); },
  };
}

export interface AuthTestApp { app: FastifyInstance; t: TestDb; clock: Clock; close(): Promise<void> }

/**
 * A second server process over the same PostgreSQL database as `a` (its own pool, caches and
 * LISTEN connection), for what must hold across processes: races, cache invalidation.
 */
export async function secondServer(a: AuthTestApp): Promise<{ app: FastifyInstance; close(): Promise<void> }> {
  const pool = await openPostgres(a.t.url!, { max: 4 });
  const app = await buildApp({ db: pool, sealer: a.t.sealer, now: a.clock.now, config: loadConfig({ LOG_LEVEL: 'silent' }), logSigner: testLogKeys().signer });
  return { app, async close() { await app.close(); await pool.close(); } };
}

/**
 * `supervisionDemo`: also seed the supervision demo (campaigns, orders, reports, blacklist; off by default).
 * `env`: further configuration variables (e.g. WEBHOOKS_ALLOW_LOOPBACK for a receiver on 127.0.0.1).
 */
/** `demoLives`: the demo's life after the number too (changes, shells, cleanup notices), dated by the test clock. */
export async function authTestApp(options: { publicUrl?: string; seed?: boolean; supervisionDemo?: boolean; demoLives?: boolean; env?: Record<string, string> } = {}): Promise<AuthTestApp> {
  const t = await testDatabase();
  const clock = fixedClock();
  if (options.seed !== false) {
    await seedDemo(t.db, t.sealer, { supervision: options.supervisionDemo ?? false, ...(options.demoLives ? { lives: { now: clock.now() } } : {}) });
  }
  const config = loadConfig({ LOG_LEVEL: 'silent', PUBLIC_URL: options.publicUrl, ...options.env });
  const app = await buildApp({ db: t.db, sealer: t.sealer, now: clock.now, config, logSigner: testLogKeys().signer });
  return { app, t, clock, async close() { await app.close(); await t.close(); } };
}

/** The session cookie a response set, as a request Cookie header value. */
export function sessionCookie(res: LightMyRequestResponse): string {
  const c = res.cookies.find((x) => x.name === 'beian_session');
  if (!c) throw new Error(`no session cookie in response ${res.statusCode}: ${res.body}`);
  return `beian_session=${c.value}`;
}

export interface Signed { cookie: string; csrf: string; headers: Record<string, string> }

export function signedFrom(res: LightMyRequestResponse): Signed {
  const cookie = sessionCookie(res);
  const csrf = res.json().csrfToken as string;
  return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } };
}

export async function signIn(app: FastifyInstance, login: string, password = DEMO_PASSWORD, remoteAddress?: string): Promise<Signed> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { login, password }, ...(remoteAddress ? { remoteAddress } : {}) });
  if (res.statusCode !== 200) throw new Error(`sign-in as ${login} failed: ${res.statusCode} ${res.body}`);
  return signedFrom(res);
}

/** The newest registration code queued by SMS for `mobile` (what the phone would receive), or null. */
export async function registrationCode(db: Queryable, sealer: Sealer, mobile: string): Promise<string | null> {
  const rows = await db.query<{ payload: SmsPayload }>(`select payload from outbox where channel = 'sms' and payload->>'tag' = 'registration_code' order by id desc`);
  const v = validateMobile(mobile);
  const normalised = v.ok ? v.value : mobile;
  for (const r of rows) {
    const sms = openSms(sealer, r.payload);
    if (sms.mobile === normalised) return sms.template?.params.code ?? null;
  }
  return null;
}

/**
 * Host self-registration the way a browser does it: ask for a code for the mobile (POST /api/auth/register/code),
 * read it from the SMS queued for that mobile, and register with it (POST /api/auth/register). The register answer.
 */
export async function registerWithCode(app: FastifyInstance, t: { db: Queryable; sealer: Sealer }, body: Record<string, unknown>, remoteAddress?: string): Promise<LightMyRequestResponse> {
  const asked = await app.inject({ method: 'POST', url: '/api/auth/register/code', payload: { mobile: body.mobile }, ...(remoteAddress ? { remoteAddress } : {}) });
  if (asked.statusCode !== 202) throw new Error(`register/code answered ${asked.statusCode}: ${asked.body}`);
  const smsCode = await registrationCode(t.db, t.sealer, String(body.mobile));
  return app.inject({ method: 'POST', url: '/api/auth/register', payload: { ...body, smsCode: smsCode ?? '000000' }, ...(remoteAddress ? { remoteAddress } : {}) });
}
