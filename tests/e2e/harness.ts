// The browser journeys' harness: the real server in-process on 127.0.0.1 (random port) over a
// fresh demo-seeded database (PGlite, or PostgreSQL when DATABASE_URL is set — tests/db.ts),
// with the outbox worker delivering SMS to the development inbox; Debian's Chromium driven
// by playwright-core; every console error and page error collected (any one fails the
// journey); screenshots of each page at 1280 and 390 px into test-artifacts/screenshots/.
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type ConsoleMessage, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { loadConfig } from '../../src/config.ts';
import { seedDemo } from '../../src/db/seed/demo.ts';
import { createDevSmsProvider, emailSenderFor, listDevSms, type OutboxWorker, type SmsProvider, startOutboxWorker } from '../../src/notify/index.ts';
import { type Signed, signIn } from '../auth.ts';
import { call } from '../filing.ts';
import { type TestDb, testDatabase, testLogKeys } from '../db.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const fixtures = path.resolve(repoRoot, '../shared/fixtures/packages');
export const SCREENSHOTS = path.join(repoRoot, 'test-artifacts/screenshots');
export const WIDTHS = [1280, 390] as const;
export const CHROMIUM = '/usr/bin/chromium';

/** One journey on a two-core machine shared with the rest of the suite (analyzer JVMs, other databases). */
export const JOURNEY_TIMEOUT = 240_000;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface Server { app: FastifyInstance; t: TestDb; url: string; close(): Promise<void>; smsCode(mobile: string): Promise<string> }

/** `sms`: deliver SMS through this provider (a gateway adapter pointed at a stand-in) instead of the development inbox. */
/** `demoLives`: the demo's life after the number too (changes, shells, cleanup notices), dated now. */
/** `env`: more settings for the server (e.g. WEBHOOKS_ALLOW_LOOPBACK for a receiver the journey starts on 127.0.0.1). */
export async function startServer(options: { sms?: SmsProvider; demoLives?: boolean; env?: Record<string, string> } = {}): Promise<Server> {
  const t = await testDatabase();
  await seedDemo(t.db, t.sealer, options.demoLives ? { lives: { now: new Date() } } : {});
  const port = await freePort();
  const config = loadConfig({ LOG_LEVEL: 'error', HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, ...options.env });
  const now = () => new Date();
  const app = await buildApp({ db: t.db, sealer: t.sealer, now, config, logSigner: testLogKeys().signer });
  await app.listen({ host: '127.0.0.1', port });
  const worker: OutboxWorker = await startOutboxWorker({
    db: t.db, sealer: t.sealer, email: emailSenderFor(config.smtp), sms: options.sms ?? createDevSmsProvider(t.db, t.sealer, now), now, pollMs: 200,
  });
  return {
    app, t, url: `http://127.0.0.1:${port}`,
    async smsCode(mobile: string) {
      // What the host's phone received: the development SMS inbox (GET /api/admin/dev-sms reads the same rows).
      for (let i = 0; i < 100; i++) {
        const [m] = await listDevSms(t.db, t.sealer, { mobile, limit: 1 });
        const code = m?.body.match(/(\d{6})/)?.[1];
        if (code) return code;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no SMS code for ${mobile}`);
    },
    async close() { await worker.stop(); await app.close(); await t.close(); },
  };
}

export async function launch(): Promise<Browser> {
  // Never skipped: without Debian's Chromium every journey fails, saying how to get it (npm test's pretest installs it).
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium missing at ${CHROMIUM}: apt-get install -y chromium fonts-wqy-zenhei (or run npm test, whose pretest installs them)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--lang=zh-CN', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

export interface Journey {
  name: string;
  context: BrowserContext;
  page: Page;
  errors: string[];
  shot(name: string): Promise<void>;
  /** Fails the journey on any console error or uncaught page error. */
  assertClean(): void;
  close(): Promise<void>;
}

let shotCounter = 0;

export async function journey(browser: Browser, base: string, name: string, options: { locale?: string } = {}): Promise<Journey> {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 }, locale: options.locale ?? 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  context.setDefaultTimeout(45_000);
  const page = await context.newPage();
  const errors: string[] = [];
  const onConsole = (m: ConsoleMessage) => { if (m.type() === 'error') errors.push(`console: ${m.text()} @ ${m.location().url}`); };
  page.on('console', onConsole);
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  mkdirSync(SCREENSHOTS, { recursive: true });
  const j: Journey = {
    name, context, page, errors,
    async shot(label: string) {
      const n = String(++shotCounter).padStart(2, '0');
      const size = page.viewportSize() ?? { width: 1280, height: 900 };
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${n}-${label}-${width}.png`), fullPage: true });
        // Nothing may scroll the page sideways (wide tables scroll inside their own frame).
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (overflow > 1) errors.push(`layout: ${label} overflows ${overflow}px sideways at ${width}px`);
      }
      await page.setViewportSize(size);
    },
    assertClean() { expect(errors, `browser console errors in journey ${name}`).toEqual([]); },
    async close() { open.delete(j); await context.close(); },
  };
  open.add(j);
  return j;
}

const open = new Set<Journey>();

/** Runs a journey's steps; on failure, screenshots every open page (FAILED-…) and lists console errors. */
export async function steps(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    for (const j of open) {
      await j.page.screenshot({ path: path.join(SCREENSHOTS, `FAILED-${j.name}.png`), fullPage: true }).catch(() => {});
      if (j.errors.length) (e as Error).message += `\n[${j.name}] ${j.errors.join('\n')}`;
    }
    throw e;
  } finally {
    open.clear();
  }
}

/**
 * Chromium logs every 4xx answer as a console error; a refusal the step asked for is removed (all of
 * its lines, at least one) so that any other console error still fails the journey.
 */
export function expectRefusal(j: Journey, status: number, path: RegExp): void {
  const asked = j.errors.filter((e) => e.includes(`status of ${status} (`) && path.test(e));
  expect(asked.length, `a ${status} answer for ${path}`).toBeGreaterThan(0);
  for (const a of asked) j.errors.splice(j.errors.indexOf(a), 1);
}

/** Signs in through the sign-in page and waits for the role's home page. */
export async function signInUi(page: Page, login: string, password = 'Demo@2026') {
  await page.goto('/login');
  await page.getByLabel(/账号|Login/).fill(login);
  await page.getByLabel(/^密码$|^Password$/).fill(password);
  await page.getByRole('button', { name: /^登录$|^Sign in$/ }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

export async function signOutUi(page: Page) {
  const loggedOut = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/auth/logout');
  await page.getByRole('button', { name: /^退出$|^Sign out$/ }).click();
  await page.waitForURL((u) => u.pathname === '/');
  await loggedOut;
}

/** Where the UI keeps the language a user chose (src/web/i18n/index.tsx). */
export const LANG_KEY = 'beian.lang';
export type UiLang = 'zh-CN' | 'en';

/** The UI in `lang` from the next load on: reloads the page unless the caller's next step loads one itself. */
export async function setLanguage(page: Page, lang: UiLang, options: { reload?: boolean } = {}) {
  await page.evaluate(([key, l]) => localStorage.setItem(key, l), [LANG_KEY, lang] as const);
  if (options.reload !== false) await page.reload();
}

/** The UI in `lang` from the page's very first load (before any page of the journey is opened). */
export async function startInLanguage(page: Page, lang: UiLang) {
  await page.addInitScript(([key, l]) => localStorage.setItem(key, l), [LANG_KEY, lang] as const);
}

/** No element wider than the viewport (no sideways scrolling at 390 px). */
export async function assertNoHorizontalOverflow(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'horizontal overflow in px').toBeLessThanOrEqual(1);
}

/** A demo server, a browser and the demo host signed in through the API: what a host's journeys start from. */
export async function hostSession(): Promise<{ server: Server; browser: Browser; host: Signed }> {
  const [server, browser] = await Promise.all([startServer(), launch()]);
  return { server, browser, host: await signIn(server.app, 'host@demo.beian.test') };
}

/** The wizard's input for a materials path (its element id): `service.name` → `#f-service-name`. */
export const fieldSelector = (materialsPath: string) => `#f-${materialsPath.replace(/\./g, '-')}`;

/**
 * An application to bureau review through the API: the host creates and submits it, the provider approves,
 * the principals enter their SMS codes (`mobiles`: theirs, matched by the last four digits shown).
 * `who`: signed-in host and provider to act as (default host@demo.beian.test and provider.demo).
 */
export async function toBureau(server: Server, body: Record<string, unknown>, mobiles: string[], who?: { host: Signed; provider: Signed }): Promise<string> {
  const { host, provider } = who ?? { host: await signIn(server.app, 'host@demo.beian.test'), provider: await signIn(server.app, 'provider.demo') };
  const created = await call(server.app, host, 'POST', '/api/host/applications', body, 201);
  await call(server.app, host, 'POST', `/api/host/applications/${created.id}/identity-verification`);
  await call(server.app, host, 'POST', `/api/host/applications/${created.id}/submit`, {});
  const view = await call(server.app, provider, 'POST', `/api/provider/applications/${created.id}/approve`, {});
  for (const check of view.smsChecks as { id: string; mobile: string }[]) {
    const mobile = mobiles.find((m) => m.slice(-4) === check.mobile.slice(-4))!;
    await call(server.app, host, 'POST', `/api/host/applications/${created.id}/sms/verify`, { challengeId: check.id, code: await server.smsCode(mobile) });
  }
  return created.id as string;
}

/**
 * Walks a paged list with its pager (`pager`: the pager's testid; 50 a page), gathering what `pattern` finds in the
 * texts of `rows` (a CSS selector) on each page; every page but the last must hold 50.
 */
export async function walkPages(page: Page, rows: string, pager: string, pattern: RegExp): Promise<{ seen: Set<string>; pages: number }> {
  const seen = new Set<string>();
  const nav = page.getByTestId(pager);
  await nav.getByText(/第 1 \/ \d+ 页/).waitFor();
  const pages = Number(/第 1 \/ (\d+) 页/.exec(await nav.textContent() ?? '')![1]);
  for (let n = 1; n <= pages; n++) {
    if (n > 1) {
      await nav.getByRole('button', { name: '下一页' }).click();
      await nav.getByText(`第 ${n} / ${pages} 页`).waitFor();
      await page.locator(rows).first().waitFor();
    }
    const texts = await page.locator(rows).allTextContents();
    if (n < pages) expect(texts.length, `page ${n}`).toBe(50);
    for (const t of texts) for (const m of t.matchAll(pattern)) seen.add(m[0]);
  }
  return { seen, pages };
}
