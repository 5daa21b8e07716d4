// The consoles around the filing: a platform's API keys (secret shown once, revoked) and a
// catalogue check from a CSV with the result downloaded; the administrator's calendar
// overrides, organisations and users. No console error on any page.
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNoHorizontalOverflow, journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, signOutUi, startServer, steps } from './harness.ts';

const CATALOGUE = [
  'platform,packageName,fingerprint',
  'android,a2dp.Vol,C1:CA:BE:8A:D9:DC:27:2B:24:43:A3:A6:7B:C4:43:D5', // filed (GROUND-TRUTH.md)
  'android,a2dp.Vol,00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF', // another certificate
  'android,com.example.minigame,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', // revoked in the demo
  'android,com.unfiled.app,0123456789abcdef0123456789abcdef', // not filed
  'ios,com.example.nofingerprint,', // not sent: read in the browser, its problem shown in words
].join('\n');

describe('journey: API keys, catalogue check and administration', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => { [server, browser] = await Promise.all([startServer(), launch()]); }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('manages keys, checks a catalogue, and administers the calendar, organisations and users', () => steps(async () => {
    const j = await journey(browser, server.url, 'consoles');
    const page = j.page;
    // The new key's copy button is checked by reading the clipboard back.
    await j.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await signInUi(page, 'platform.demo');
    await page.getByRole('link', { name: 'API 密钥' }).click();
    await page.getByLabel('密钥名称').fill('商店上架检查');
    await page.getByRole('button', { name: '创建密钥' }).click();
    const secret = await page.getByTestId('api-key-secret').inputValue();
    expect(secret).toMatch(/^\S{20,}$/);
    // Shown once, with a copy button that says it copied (useCopy, as the webhook's secret and the record's badge code).
    const copy = page.getByTestId('api-key-secret-copy');
    expect(await copy.textContent()).toBe('复制密钥');
    await copy.click();
    await expect.poll(() => copy.textContent()).toBe('已复制');
    expect(await page.evaluate(() => navigator.clipboard.readText()), 'the key is on the clipboard').toBe(secret);
    await j.shot('api-key-created');
    // A new key may only verify (the default); the demo key, made before scopes, keeps full access.
    await page.getByRole('row', { name: /商店上架检查/ }).getByText('仅核验').waitFor();
    await page.getByRole('row', { name: /演示密钥/ }).getByText('全部接口').waitFor();
    await page.getByTestId('api-key-scope').selectOption('full');
    await page.getByText('全部接口权限的密钥可以查看申请人的完整证件号码').waitFor();
    await j.shot('api-keys');
    await page.getByTestId('api-key-scope').selectOption('verify');
    page.once('dialog', (d) => { void d.accept(); });
    await page.getByRole('row', { name: /商店上架检查/ }).getByRole('button', { name: '吊销' }).click();
    await page.getByRole('row', { name: /商店上架检查/ }).getByText('已吊销').waitFor();

    const file = path.join(tmpdir(), `catalogue-${process.pid}.csv`);
    await writeFile(file, CATALOGUE);
    await page.getByRole('link', { name: '批量核验' }).click();
    await page.getByTestId('catalogue-file').setInputFiles(file);
    await page.getByRole('button', { name: '开始核验' }).click();
    await page.getByText('共 4 项：已备案 1；不得上架 3（未备案 1，已撤销 1，已注销 0，证书指纹不符 1）；格式错误 0').waitFor();
    await page.getByText('第 6 行无法解析：缺少平台、包名或指纹').waitFor();
    expect(await page.getByTestId('catalogue-row').count()).toBe(3);
    await j.shot('catalogue');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('\uFEFFline,platform,packageName,fingerprint,status,serviceNumber,serviceName,hostName,matchedBy,error');
    expect(csv).toContain('a2dp.Vol');
    expect(csv).toMatch(/com\.unfiled\.app,[^\r\n]*,not_filed/);
    await signOutUi(page);

    await signInUi(page, 'admin');
    await page.getByRole('heading', { name: '工作日历调整' }).waitFor();
    await page.getByLabel('日期').fill('2026-12-31');
    await page.getByLabel('类型').selectOption('holiday');
    await page.getByLabel('说明').fill('演示：临时调休');
    await page.getByRole('button', { name: '添加' }).click();
    await page.getByRole('row', { name: /2026-12-31/ }).waitFor();
    await page.getByTestId('calendar-recounted').getByText(/^已保存。重新计算后调整了 \d+ 件审核截止日期、\d+ 份处置期限。$/).waitFor();
    await j.shot('admin-calendar');
    await page.getByRole('row', { name: /2026-12-31/ }).getByRole('button', { name: '删除' }).click();
    await expect.poll(() => page.getByRole('row', { name: /2026-12-31/ }).count()).toBe(0);

    // Issue 12: import the (test) 2027 schedule — preview the changed days, then confirm.
    const schedule = path.join(tmpdir(), `holidays-2027-${process.pid}.json`);
    await writeFile(schedule, JSON.stringify({ year: 2027, holidays: ['2027-01-01', '2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11'], workdays: ['2027-02-20'] }));
    await page.getByText('尚未导入任何年度安排。').waitFor();
    await page.getByTestId('calendar-file').setInputFiles(schedule);
    await page.getByRole('button', { name: '预览' }).click();
    await page.getByText('2027 年：休息日 6 天，调休上班日 1 天').waitFor();
    expect(await page.getByTestId('calendar-days').textContent()).toMatch(/2027\/02\/09：上班 → 休息/);
    await j.shot('admin-calendar-preview');
    await page.getByTestId('calendar-confirm').click();
    await page.getByText(/2027 年安排已导入，\d+ 件申请的期限已调整。/).waitFor();
    await page.getByText('2027 年：chinese-days 尚未收录（来自 holidays-2027-').waitFor();
    await page.getByRole('row', { name: /2027-02-20/ }).waitFor();

    await page.getByRole('link', { name: '机构管理' }).click();
    await page.getByRole('cell', { name: '示例应用市场' }).waitFor();
    await j.shot('admin-organisations');
    await page.getByRole('link', { name: '用户管理' }).click();
    await page.getByRole('cell', { name: 'gd.reviewer' }).waitFor();
    await j.shot('admin-users');
    await assertNoHorizontalOverflow(page);
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
