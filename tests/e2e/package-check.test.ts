// Journey 6 (issue 4 item 7, "cross-checked if typed"): a host has typed the Android feature info
// from keytool output — one slip in the MD5's last digit, and a public key that is no key — then
// uploads the APK. The form is not overwritten: the differing and unreadable values are shown
// beside the package's; the host first keeps its values, uploads again and takes the package's,
// and a third upload says everything matches.
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNoHorizontalOverflow, fixtures, journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, startServer, steps } from './harness.ts';

const f = (p: string) => `#f-${p.replace(/\./g, '-')}`;
const APK = path.join(fixtures, 'TestActivity_signed_both.apk');
const MD5 = '972872bb09d5fb59099cc835ce0ddfec'; // GROUND-TRUTH.md
const MD5_TYPED = '97:28:72:BB:09:D5:FB:59:09:9C:C8:35:CE:0D:DF:ED'; // keytool's form, last digit wrong

describe('journey: typed feature info checked against the uploaded package', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => { [server, browser] = await Promise.all([startServer(), launch()]); }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('shows what differs, keeps or replaces it on request, and says when it matches', () => steps(async () => {
    const j = await journey(browser, server.url, 'package-check');
    const { page } = j;
    await signInUi(page, 'host@demo.beian.test');
    await page.getByRole('link', { name: '新增备案' }).first().click();
    await page.getByLabel('APP', { exact: true }).check();
    await page.getByLabel(/首次备案/).check();
    await page.selectOption('#submitter', { label: '示例云计算有限公司（接入服务提供者）' });
    await page.getByTestId('create-application').click();
    await page.waitForURL(/\/host\/applications\/[0-9a-f-]+\/edit$/);

    // The feature info step, typed by hand.
    await page.getByRole('button', { name: 'APP 特征信息' }).click();
    await page.getByRole('button', { name: '添加运行平台' }).click();
    await page.fill(f('platforms.0.packageName'), 'tests.androguard');
    await page.fill(f('platforms.0.publicKey'), 'Modulus=93B2BF86A594DD50222F9082957E17D5F0618C25A07572D45A3174FD0AAA1955G');
    await page.fill(f('platforms.0.certMd5'), MD5_TYPED);
    await page.fill(f('platforms.0.certSha1'), 'SHA1: 6E:5C:CD:81:92:41:77:F8:8C:59:ED:14:8F:AD:27:70:70:78:6A:8C');

    // Upload: the two values that do not match are listed; nothing in the form changed.
    await page.getByTestId('package-upload').setInputFiles(APK);
    const check = page.getByTestId('package-check');
    await check.waitFor({ timeout: 60_000 });
    await expect.poll(() => check.locator('.compare-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')))).toEqual(['publicKey', 'certMd5']);
    const md5Row = check.locator('.compare-row[data-field="certMd5"]');
    expect(await md5Row.textContent()).toContain('不是该安装包签名证书的指纹');
    expect(await md5Row.textContent()).toContain(MD5);
    expect(await md5Row.locator('mark').allTextContents()).toEqual(['d', 'c']); // the slip, marked in both values
    expect(await check.locator('.compare-row[data-field="publicKey"]').textContent()).toContain('无法识别您填写的值');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('您填写的内容与安装包不一致'); // focus moved to the comparison
    expect(await page.locator(f('platforms.0.certMd5')).inputValue()).toBe(MD5_TYPED);
    await j.shot('package-check-differs');
    await assertNoHorizontalOverflow(page);

    // Keep what was typed: still untouched, with a reminder.
    await page.getByTestId('keep-typed-values').click();
    await page.getByTestId('package-check-outcome').getByText('已保留您填写的值').waitFor();
    expect(await check.count()).toBe(0);
    expect(await page.locator(f('platforms.0.certMd5')).inputValue()).toBe(MD5_TYPED);

    // Upload again and take the package's values.
    await page.getByTestId('package-upload').setInputFiles(APK);
    await check.waitFor({ timeout: 60_000 });
    await page.getByTestId('use-package-values').click();
    await page.getByTestId('package-check-outcome').getByText('已使用安装包中的值').waitFor();
    expect(await page.locator(f('platforms.0.certMd5')).inputValue()).toBe(MD5);
    expect(await page.locator(f('platforms.0.publicKey')).inputValue()).toMatch(/^93B2BF86[0-9A-F]{504}$/);
    expect(await page.locator(f('platforms.0.certSha256')).inputValue()).toBe('b39038a91d8880fb01d2f6bdaeb22d39c1b7c447cef69e779bad544e9a3ec6a3');
    await j.shot('package-check-applied');

    // A third upload finds everything matching and says so.
    await page.getByTestId('package-upload').setInputFiles(APK);
    await page.getByTestId('package-check-outcome').getByText('您填写的内容与安装包一致').waitFor({ timeout: 60_000 });
    expect(await check.count()).toBe(0);
    await j.shot('package-check-matched');
    await assertNoHorizontalOverflow(page);

    // A HAP: every certificate fact, the signing profile, and the analyzer's warnings in Chinese.
    await page.getByTestId('package-upload').setInputFiles(path.join(fixtures, 'phone-default-signed.hap'));
    const result = page.getByTestId('package-result');
    await result.getByTestId('package-profile').waitFor({ timeout: 60_000 });
    const signer = await result.getByTestId('package-signer').textContent();
    for (const fact of ['CN=App1 Release,OU=OpenHarmony Community,O=OpenHarmony,C=CN', 'CN=Application Signature Service CA', '2A6113EC',
      '2024-05-14T04:25:03Z → 2025-05-14T04:25:03Z', '已过期', 'hap', 'EC 256 (P-256) · ecdsa-with-SHA256', '674b8affc0b0022d3bdce2879589ce5cab7d2c50f8ff7a49091935260e10ba17']) {
      expect(signer).toContain(fact);
    }
    const profile = await result.getByTestId('package-profile').textContent();
    for (const fact of ['调试（debug）', 'com.ohos.settings', 'pki_internal', '2024-01-13T06:32:12Z', 'CN=OpenHarmony Application Release']) expect(profile).toContain(fact);
    expect(await result.locator('[data-code="profile_certificate_mismatch"]').textContent()).toBe('签名证书（CN=App1 Release,OU=OpenHarmony Community,O=OpenHarmony,C=CN）不是描述文件中登记的证书，设备将拒绝安装；备案须填写实际发布的安装包的签名证书');
    expect(await result.locator('[data-code="certificate_expired"]').textContent()).toBe('签名证书已于 2025/05/14 过期');
    expect(await result.locator('[data-code="bundle_name_mismatch"]').textContent()).toBe('安装包的包名 com.example.nativetemplatedemo 与签名描述文件中的包名 com.ohos.settings 不一致');
    await j.shot('package-result-hap');
    await assertNoHorizontalOverflow(page);

    // An IPA: the hint that the form's "MD5签名值" takes the certificate SHA-1.
    await page.getByTestId('package-upload').setInputFiles(path.join(fixtures, 'LPSimpleExample-cal.ipa'));
    await result.getByTestId('ios-sha1-hint').waitFor({ timeout: 60_000 });
    expect(await result.getByTestId('ios-sha1-hint').textContent()).toContain('SHA-1');
    expect(await result.getByTestId('package-profile').textContent()).toContain('iOSTeam Provisioning Profile: *');
    expect(await result.locator('[data-code="development_profile"]').textContent()).toContain('开发或 Ad Hoc 描述文件');
    expect(await result.getByTestId('refused-at-submit').count()).toBeGreaterThan(0); // DOMAIN.md §0.1: said at upload, refused at submit
    await j.shot('package-result-ipa');
    await assertNoHorizontalOverflow(page);

    // A package whose name is filed already (the demo's A2DP Volume): said when it is read, not only at submit.
    expect(await page.getByTestId('package-filed').count()).toBe(0);
    await page.getByTestId('package-upload').setInputFiles(path.join(fixtures, 'a2dp.Vol_137.apk'));
    await page.getByTestId('package-filed').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('package-filed').textContent()).toContain('该包名已有有效备案（粤ICP备2024000001号-2A）');

    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
