// In-app notices in the UI's language (docs/notifications.md "The console's notices"): the host's home and the
// organisation's 通知 tab show a notice in Chinese only when the UI is Chinese and in English only when it is
// English — the email keeps both languages; a notice written before notices kept each language (no texts)
// shows its bilingual text as stored. At 1280 and 390 px, no console error.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../auth.ts';
import { call, CLOUD, fileToProvider, orgId, websiteMaterials } from '../filing.ts';
import { journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, signOutUi, startServer, steps } from './harness.ts';

describe('journey: notices in the language of the UI', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launch()]);
    const host = await signIn(server.app, 'host@demo.beian.test');
    const provider = await signIn(server.app, 'provider.demo');
    const cloud = await orgId(server.t.db, CLOUD);
    const id = await fileToProvider(server.app, host, { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud) });
    await call(server.app, provider, 'POST', `/api/provider/applications/${id}/return`, { reasons: [{ field: 'service.name', error: '网站名称与内容不符' }] });
    // A notice of before (no texts): shown as stored, both languages.
    const me = (await call(server.app, host, 'GET', '/api/auth/session')).user.id as string;
    await server.t.db.query(`insert into notifications (user_id, event, title, body, created_at) values ($1, 'service.shell', '旧版通知 / Older notice', '旧版正文\nOlder body', now() - interval '1 minute')`, [me]);
  }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  const returned = (page: import('playwright-core').Page) => page.getByTestId('org-notice').filter({ has: page.getByTestId('notice-application') }).first();

  it('shows the host and the organisation each notice in Chinese, then in English', () => steps(async () => {
    const j = await journey(browser, server.url, 'notice-language');
    const page = j.page;
    await signInUi(page, 'host@demo.beian.test');
    await page.goto('/host#notices');
    const zh = returned(page);
    await zh.getByTestId('notice-title').getByText(/的备案申请被退回$/).waitFor();
    expect(await zh.getByTestId('notice-title').textContent()).not.toContain('Returned');
    const zhBody = await zh.getByTestId('notice-body').textContent();
    expect(zhBody).toContain('修改意见：');
    expect(zhBody).not.toMatch(/Reasons|first review|Application:/);
    const old = page.getByTestId('org-notice').filter({ hasText: '旧版通知' });
    expect(await old.textContent()).toContain('旧版通知 / Older notice');
    await j.shot('host-notices-zh');

    // The UI in English: the same notice in English only; the older one still as stored.
    await page.getByTestId('lang-switch').click();
    await zh.getByTestId('notice-title').getByText('Returned by the first review', { exact: true }).waitFor();
    const enBody = await returned(page).getByTestId('notice-body').textContent();
    expect(enBody).toContain('The first review returned the filing; correct the fields below and resubmit.');
    expect(enBody).toContain('Reasons:');
    expect(enBody).not.toMatch(/修改意见|申请编号|初审未通过/);
    expect(await old.textContent()).toContain('旧版通知 / Older notice');
    await j.shot('host-notices-en');
    await page.getByTestId('lang-switch').click(); // back to Chinese for the next sign-in
    await signOutUi(page);

    // The organisation's copy on its 通知 tab, in Chinese then English.
    await signInUi(page, 'provider.demo');
    await page.goto('/org/supervision?tab=notices');
    const org = returned(page);
    await org.getByTestId('notice-title').getByText(/的备案申请被退回$/).waitFor();
    expect(await org.getByTestId('notice-body').textContent()).toContain('主办者');
    await page.getByTestId('lang-switch').click();
    await org.getByTestId('notice-title').getByText('Returned by the first review', { exact: true }).waitFor();
    expect(await org.getByTestId('notice-body').textContent()).not.toMatch(/修改意见|主办者|初审|申请编号/); // the reason's own words stay as written
    await j.shot('org-notices-en');
    await page.getByTestId('lang-switch').click();
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
