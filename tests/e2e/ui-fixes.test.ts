// Journey: UI defects of the consoles (fix-ui). The host's home pages its applications (older ones
// reachable past the first 50/100); a shell whose cancellable date has passed says it may now be
// cancelled at any time (not "at the earliest after" a past date); a review due today says 今日到期
// (not 剩余 0 个工作日) and an overdue one says by how much, for host and bureau; the navigation shows
// the unread notices (通知) of a host and of an organisation, updated when they are marked read; a
// distribution platform's navigation has no "接入的备案". Screenshots at 1280 and 390 px.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../auth.ts';
import { appMaterials, call, CLOUD, orgId } from '../filing.ts';
import { journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, signOutUi, startServer, steps, toBureau } from './harness.ts';

const chinaToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
const chinaDaysAgo = (n: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() - n * 86_400_000));

describe('journey: console UI fixes', () => {
  let server: Server; let browser: Browser;
  let dueToday: string; let overdue: string;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({ demoLives: true }), launch()]);
    const [host, provider] = await Promise.all([signIn(server.app, 'host@demo.beian.test'), signIn(server.app, 'provider.demo')]);
    const appToBureau = async () => {
      const m = appMaterials(await orgId(server.t.db, CLOUD));
      return toBureau(server, { serviceType: 'app', submitterOrgId: m.access[0]!.providerOrgId, materials: m }, [m.subject.principal.mobile, m.service.principal.mobile], { host, provider });
    };
    dueToday = await appToBureau();
    overdue = await appToBureau();
    await server.t.db.query('update applications set deadline_on = $2 where id = $1', [dueToday, chinaToday()]);
    await server.t.db.query('update applications set deadline_on = $2 where id = $1', [overdue, chinaDaysAgo(14)]);
  }, 240_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('the host pages its applications, reads a past cancellable date as such, sees 今日到期, and its unread notices in the navigation', () => steps(async () => {
    const db = server.t.db;
    const host = await signIn(server.app, 'host@demo.beian.test');
    // More applications than the old single request (pageSize=100) could show.
    for (let i = 0; i < 101; i++) {
      const r = await server.app.inject({ method: 'POST', url: '/api/host/applications', headers: host.headers, payload: { serviceType: 'app' } });
      expect(r.statusCode).toBe(201);
    }
    const hostUserId = (await call(server.app, host, 'GET', '/api/auth/session')).user.id as string;
    // The oldest application of the host: the last row of the last page (newest first).
    const [oldest] = await db.query<{ id: string }>('select id from applications where host_user_id = $1 order by updated_at asc, id desc limit 1', [hostUserId]);
    const [{ total }] = await db.query<{ total: number }>('select count(*)::int as total from applications where host_user_id = $1', [hostUserId]) as [{ total: number }];
    expect(total).toBeGreaterThan(100);
    // Two unread notices of the host's.
    await db.query(`insert into notifications (user_id, event, title, body) values ($1, 'demo', '旅程通知一', '正文一'), ($1, 'demo', '旅程通知二', '正文二')`, [hostUserId]);
    const unread = async () => (await server.app.inject({ method: 'GET', url: '/api/host/notifications?unread=true&pageSize=1', headers: host.headers })).json().unread as number;
    const before = await unread();
    expect(before).toBeGreaterThanOrEqual(2);

    const j = await journey(browser, server.url, 'ui-fixes-host');
    const page = j.page;
    await signInUi(page, 'host@demo.beian.test');
    await page.goto('/host');
    await page.getByTestId('host-application').first().waitFor();
    expect(await page.getByTestId('host-application').count()).toBe(50);
    const pages = Math.ceil(total / 50);
    await page.getByTestId('applications-pager').getByText(`第 1 / ${pages} 页`).waitFor({ timeout: 5_000 });
    // The navigation's 通知 with the unread count (the sr-only text names it).
    await expect.poll(() => page.getByTestId('nav-unread').textContent()).toBe(String(before));
    await j.shot('host-home-paged');
    for (let p = 1; p < pages; p++) await page.getByTestId('applications-pager').getByRole('button', { name: '下一页' }).click();
    await page.getByTestId('applications-pager').getByText(`第 ${pages} / ${pages} 页`).waitFor();
    await page.locator(`a[href="/host/applications/${oldest!.id}"]`).waitFor();

    // Due today, on the home list and on the application.
    await page.goto(`/host/applications/${dueToday}`);
    await page.getByTestId('days-left').waitFor();
    expect(await page.getByTestId('days-left').textContent()).toBe('今日到期');
    await j.shot('host-due-today');

    // The shell on the notice whose publicity ended: the bureau may cancel it now, not "at the earliest after" a past day.
    await page.getByRole('link', { name: '已备案' }).click();
    const shell = page.getByTestId('record-service').filter({ hasText: '云端活动页' });
    await shell.getByText(/现可随时注销/).waitFor();
    expect(await shell.textContent()).not.toMatch(/最早于/);
    expect(await shell.textContent()).toMatch(/公示期已于 .* 届满/);
    // The one still under publicity keeps its future date.
    expect(await page.getByTestId('record-service').filter({ hasText: '云端示例官网' }).textContent()).toMatch(/最早于 .* 之后/);
    await j.shot('host-records-shell-due');

    // 通知 opens the home at its notices; marking one read lowers the count in the navigation.
    await page.getByTestId('nav-notices').click();
    await page.waitForURL((u) => u.pathname === '/host' && u.hash === '#notices');
    // The navigation marks 通知 on the render after the hash changes: waited for, not read at once (CI flake under load).
    await expect.poll(() => page.getByTestId('nav-notices').getAttribute('aria-current')).toBe('page');
    await page.getByTestId('org-notice').filter({ hasText: '旅程通知二' }).getByTestId('notice-read').click();
    await page.getByTestId('nav-unread').getByText(String(before - 1), { exact: true }).waitFor();
    expect(await unread()).toBe(before - 1);
    await j.shot('host-notices');
    await signOutUi(page);
    j.assertClean();
    await j.close();

    // In English too: the shell's wording after the date.
    const en = await journey(browser, server.url, 'ui-fixes-host-en', { locale: 'en' });
    await signInUi(en.page, 'host@demo.beian.test');
    await en.page.goto('/host/records');
    await en.page.getByTestId('record-service').first().waitFor();
    if ((await en.page.getByTestId('lang-switch').textContent()) !== '中文') await en.page.getByTestId('lang-switch').click();
    await en.page.getByTestId('record-service').filter({ hasText: '云端活动页' }).getByText(/the bureau may now cancel it at any time/).waitFor();
    await en.shot('host-records-shell-due');
    en.assertClean();
    await en.close();
  }), JOURNEY_TIMEOUT);

  it('the bureau reads 今日到期 and overdue days in its queue', () => steps(async () => {
    const j = await journey(browser, server.url, 'ui-fixes-bureau');
    const page = j.page;
    await signInUi(page, 'gd.reviewer');
    await page.goto('/bureau');
    const row = (id: string) => page.getByTestId('queue-row').filter({ has: page.locator(`a[href="/bureau/applications/${id}"]`) });
    await row(dueToday).waitFor();
    const left = (id: string) => row(id).locator('td[data-label="剩余工作日"]').textContent();
    expect(await left(dueToday)).toBe('今日到期');
    expect(await left(overdue)).toMatch(/^已超期 \d+ 个工作日$/);
    await j.shot('bureau-queue-due');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('a distribution platform sees its unread notices in the navigation and no 接入的备案', () => steps(async () => {
    const db = server.t.db;
    const platform = await signIn(server.app, 'platform.demo');
    const platformOrg = (await call(server.app, platform, 'GET', '/api/auth/session')).organisation.id as string;
    await db.query(`insert into notifications (organisation_id, event, title, body) values ($1, 'demo', '平台旅程通知', '正文')`, [platformOrg]);
    const [{ unread }] = await db.query<{ unread: number }>('select count(*)::int as unread from notifications where organisation_id = $1 and read_at is null', [platformOrg]) as [{ unread: number }];
    const j = await journey(browser, server.url, 'ui-fixes-platform');
    const page = j.page;
    await signInUi(page, 'platform.demo');
    await page.getByRole('link', { name: '初审队列' }).waitFor();
    expect(await page.getByRole('link', { name: '接入的备案' }).count()).toBe(0);
    await page.getByTestId('nav-unread').waitFor();
    await expect.poll(() => page.getByTestId('nav-unread').textContent()).toBe(String(unread));
    await j.shot('platform-nav');
    await page.getByTestId('nav-notices').click();
    await page.waitForURL((u) => u.pathname === '/org/supervision' && u.searchParams.get('tab') === 'notices');
    await page.getByTestId('org-notice').first().waitFor();
    const readAll = page.getByTestId('notices-read-page');
    if (unread > 1) await readAll.click(); else await page.getByTestId('notice-read').first().click();
    // Those of the first page read (20 a page): the count goes, or drops by those.
    await page.getByTestId('notices-unread').or(page.getByText('通知').first()).first().waitFor();
    await expect.poll(async () => (await db.query<{ unread: number }>('select count(*)::int as unread from notifications where organisation_id = $1 and read_at is null', [platformOrg]))[0]!.unread).toBeLessThan(unread);
    const after = (await db.query<{ unread: number }>('select count(*)::int as unread from notifications where organisation_id = $1 and read_at is null', [platformOrg]))[0]!.unread;
    expect(after).toBeLessThan(unread);
    if (after === 0) await page.getByTestId('nav-unread').waitFor({ state: 'detached' });
    else await page.getByTestId('nav-unread').getByText(String(after), { exact: true }).waitFor();
    await j.shot('platform-notices');
    // A provider (access) keeps its 接入的备案.
    await signOutUi(page);
    await signInUi(page, 'provider.demo');
    await page.getByRole('link', { name: '接入的备案' }).waitFor();
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
