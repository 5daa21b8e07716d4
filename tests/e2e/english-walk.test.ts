// Journey: a foreign compliance officer who reads only English walks the UI in English at 1280 and
// 390 px (j.shot checks both widths and fails on sideways scrolling). What was left in Chinese, and
// is now English: the authorities' names (广东省通信管理局 on the public notices, in a filing's timeline,
// in the header of a bureau reviewer and in the administrator's lists), the wizard's district hint; the
// API's lower-case English problem details read as sentences. Names of subjects, services and
// providers, filing numbers and what users typed stay as they are: they are data.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, type Signed } from '../auth.ts';
import { appMaterials, call, CLOUD, orgId } from '../filing.ts';
import { fieldSelector as f, journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, signOutUi, startServer, steps, toBureau } from './harness.ts';

const BUREAU_ZH = /通信管理局|工业和信息化部/;
const english = (page: Page) => page.addInitScript(() => localStorage.setItem('beian.lang', 'en'));

describe('journey: the English UI, walked by a reader of English only', () => {
  let server: Server; let browser: Browser; let host: Signed;
  beforeAll(async () => {
    // The demo's life after the number (cleanup notices, changes the bureau rejected), dated now.
    [server, browser] = await Promise.all([startServer({ demoLives: true }), launch()]);
    host = await signIn(server.app, 'host@demo.beian.test');
  }, 240_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('names the ministry and the bureaus in English on public notices, in a timeline and in the header', () => steps(async () => {
    const j = await journey(browser, server.url, 'english-walk', { locale: 'en-US' });
    const { page } = j;
    await english(page);

    await page.goto('/notices');
    const meta = page.getByTestId('notice-meta').first();
    await meta.waitFor();
    expect(await meta.innerText()).toContain('Guangdong Communications Administration');
    expect(await page.locator('main').innerText()).not.toMatch(BUREAU_ZH);
    await j.shot('notices');

    // A wrong password: the API's detail is shown as a sentence.
    await page.goto('/login');
    await page.getByLabel(/Login/).fill('host@demo.beian.test');
    await page.getByLabel(/^Password$/).fill('not-the-password');
    await page.getByRole('button', { name: /^Sign in$/ }).click();
    await page.getByText('The login or the password is wrong', { exact: true }).waitFor();
    j.errors.splice(0, j.errors.length, ...j.errors.filter((e) => !/status of 401/.test(e)));
    await j.shot('sign-in-refused');

    // An APP the Guangdong bureau rejected: its timeline names the bureau in English.
    const materials = appMaterials(await orgId(server.t.db, CLOUD));
    const id = await toBureau(server, { serviceType: 'app', submitterOrgId: materials.access[0]!.providerOrgId, materials }, [materials.subject.principal.mobile, materials.service.principal.mobile]);
    await call(server.app, await signIn(server.app, 'gd.reviewer'), 'POST', `/api/bureau/applications/${id}/reject`, { reasons: [{ field: 'service.description', error: '描述过于笼统' }] });
    await signInUi(page, 'host@demo.beian.test');
    await page.goto(`/host/applications/${id}`);
    await page.getByText('Rejected by the bureau').first().waitFor();
    expect(await page.locator('main').innerText()).toContain('Guangdong Communications Administration');
    expect(await page.locator('main').innerText()).not.toMatch(BUREAU_ZH);
    await j.shot('timeline');

    // The wizard's district hint names its example in English.
    const draft = await call(server.app, host, 'POST', '/api/host/applications', { serviceType: 'website' }, 201);
    await page.goto(`/host/applications/${draft.id}/edit`);
    const hint = page.locator('[data-field="subject.districtCode"] .hint');
    await page.locator(f('subject.districtCode')).waitFor();
    expect(await hint.innerText()).toBe('Choose the city first, then the district; for a city without districts (e.g. Dongguan) choose the city itself');
    await j.shot('wizard-subject');
    await signOutUi(page);

    // A bureau reviewer's header says which bureau, in English (the phone menu shows it too).
    await signInUi(page, 'gd.reviewer');
    await page.locator('main h1').waitFor();
    expect(await page.getByTestId('nav-who').textContent()).toBe('Signed in as 广东审核员 · Guangdong Communications Administration');
    await j.shot('bureau-queue');
    await signOutUi(page);

    // The administrator's users: the organisation column and the organisation select.
    await signInUi(page, 'admin');
    await page.goto('/admin/users');
    await page.getByRole('cell', { name: 'Guangdong Communications Administration' }).first().waitFor();
    expect(await page.locator('#u-org option').allTextContents()).toEqual(expect.arrayContaining(['Beijing Communications Administration', 'Ministry of Industry and Information Technology', '示例云计算有限公司']));
    await page.goto('/admin/organisations');
    await page.getByRole('cell', { name: 'Xizang (Tibet) Communications Administration' }).first().waitFor();
    expect(await page.locator('main').innerText()).not.toMatch(BUREAU_ZH);
    await j.shot('admin-organisations');

    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('keeps the Chinese names in the Chinese UI', () => steps(async () => {
    const j = await journey(browser, server.url, 'english-walk-zh');
    const { page } = j;
    await page.goto('/notices');
    const meta = page.getByTestId('notice-meta').first();
    await meta.waitFor();
    expect(await meta.innerText()).toContain('广东省通信管理局');
    await signInUi(page, 'gd.reviewer');
    expect(await page.getByTestId('nav-who').textContent()).toBe('当前登录：广东审核员 · 广东省通信管理局');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
