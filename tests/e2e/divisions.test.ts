// The subject's division inputs (ADR 0036): cascading province → city → district selects with the
// GB/T 2260 rows in Chinese; a new province clears city and district; a draft that carries a
// district outside the current table (abolished since) still shows it, with the field's Chinese problem.
// In English the selects name the divisions in English (ADR 0046: pinyin and a suffix table).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Signed } from '../auth.ts';
import { call, subject } from '../filing.ts';
import { fieldSelector as f, hostSession, journey, JOURNEY_TIMEOUT, type Server, signInUi, steps } from './harness.ts';

const optionLabels = (page: import('playwright-core').Page, path: string) =>
  page.locator(`${f(path)} option`).allTextContents();

describe('journey: the subject\'s divisions are chosen from GB/T 2260', () => {
  let server: Server; let browser: Browser; let host: Signed;
  beforeAll(async () => { ({ server, browser, host } = await hostSession()); }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('offers the cities of the chosen province and the districts of the chosen city, in Chinese', () => steps(async () => {
    const draft = await call(server.app, host, 'POST', '/api/host/applications', { serviceType: 'website' }, 201);
    const j = await journey(browser, server.url, 'divisions');
    const page = j.page;
    await signInUi(page, 'host@demo.beian.test');
    await page.goto(`/host/applications/${draft.id}/edit`);
    await page.locator(f('subject.provinceCode')).waitFor();
    expect(await optionLabels(page, 'subject.cityCode')).toEqual(['请选择']);
    await page.selectOption(f('subject.provinceCode'), '440000');
    const cities = await optionLabels(page, 'subject.cityCode');
    expect(cities).toHaveLength(22);
    expect(cities).toEqual(expect.arrayContaining(['广州市', '深圳市', '东莞市', '中山市']));
    await page.selectOption(f('subject.cityCode'), '440300');
    expect((await optionLabels(page, 'subject.districtCode')).slice(1)).toEqual(['罗湖区', '福田区', '南山区', '宝安区', '龙岗区', '盐田区', '龙华区', '坪山区', '光明区']);
    await page.selectOption(f('subject.districtCode'), { label: '南山区' });
    expect(await page.inputValue(f('subject.districtCode'))).toBe('440305');
    await page.locator(f('subject.districtCode')).scrollIntoViewIfNeeded();
    await j.shot('divisions-chosen');
    // A city without districts is its own only district.
    await page.selectOption(f('subject.cityCode'), '441900');
    expect(await page.inputValue(f('subject.districtCode'))).toBe('');
    expect((await optionLabels(page, 'subject.districtCode')).slice(1)).toEqual(['东莞市']);
    // Another province clears the city and the district.
    await page.selectOption(f('subject.provinceCode'), '110000');
    expect(await page.inputValue(f('subject.cityCode'))).toBe('');
    expect(await page.inputValue(f('subject.districtCode'))).toBe('');
    expect(await optionLabels(page, 'subject.cityCode')).toEqual(['请选择', '市辖区']);
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('names the cities and districts in English in the English UI', () => steps(async () => {
    const draft = await call(server.app, host, 'POST', '/api/host/applications', { serviceType: 'website' }, 201);
    const j = await journey(browser, server.url, 'divisions-english', { locale: 'en-US' });
    const page = j.page;
    await page.addInitScript(() => localStorage.setItem('beian.lang', 'en'));
    await signInUi(page, 'host@demo.beian.test');
    await page.goto(`/host/applications/${draft.id}/edit`);
    await page.locator(f('subject.provinceCode')).waitFor();
    await page.selectOption(f('subject.provinceCode'), { label: 'Guangdong' });
    const cities = await optionLabels(page, 'subject.cityCode');
    expect(cities).toEqual(expect.arrayContaining(['Guangzhou', 'Shenzhen', 'Dongguan', 'Zhongshan']));
    await page.selectOption(f('subject.cityCode'), { label: 'Shenzhen' });
    expect((await optionLabels(page, 'subject.districtCode')).slice(1)).toEqual(['Luohu District', 'Futian District', 'Nanshan District', "Bao'an District", 'Longgang District', 'Yantian District', 'Longhua District', 'Pingshan District', 'Guangming District']);
    await page.selectOption(f('subject.districtCode'), { label: 'Nanshan District' });
    expect(await page.inputValue(f('subject.districtCode'))).toBe('440305');
    await page.locator(f('subject.districtCode')).scrollIntoViewIfNeeded();
    await j.shot('divisions-english');
    // Polyphones: 重庆 Chongqing (not Zhongqing) and its counties; 长沙 Changsha; 厦门 Xiamen.
    await page.selectOption(f('subject.provinceCode'), { label: 'Chongqing' });
    expect((await optionLabels(page, 'subject.cityCode')).slice(1)).toEqual(['(municipal districts)', '(counties)']);
    await page.selectOption(f('subject.provinceCode'), { label: 'Hunan' });
    expect(await optionLabels(page, 'subject.cityCode')).toContain('Changsha');
    await page.selectOption(f('subject.provinceCode'), { label: 'Fujian' });
    expect(await optionLabels(page, 'subject.cityCode')).toContain('Xiamen');
    await page.selectOption(f('subject.provinceCode'), { label: 'Beijing' });
    await page.selectOption(f('subject.cityCode'), { label: '(municipal districts)' });
    const districts = await optionLabels(page, 'subject.districtCode');
    expect(districts).toEqual(expect.arrayContaining(['Chaoyang District', 'Haidian District']));
    // No Chinese left in any division offered.
    expect(districts.filter((d) => /[\u3400-\u9fff]/.test(d))).toEqual([]);
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('keeps showing a district outside the current table and says in Chinese why it must be chosen again', () => steps(async () => {
    // 增城市 440183 became 增城区 440118 in 2014.
    const materials = { subject: { ...subject(), cityCode: '440100', districtCode: '440183' } };
    const draft = await call(server.app, host, 'POST', '/api/host/applications', { serviceType: 'website', materials }, 201);
    const j = await journey(browser, server.url, 'divisions-abolished');
    const page = j.page;
    await signInUi(page, 'host@demo.beian.test');
    await page.goto(`/host/applications/${draft.id}/edit`);
    await page.locator(f('subject.districtCode')).waitFor();
    expect(await page.inputValue(f('subject.districtCode'))).toBe('440183');
    expect(await page.locator(`${f('subject.districtCode')} option:checked`).textContent()).toBe('440183（不在现行区划表中，请重新选择）');
    // Back from the next step, the wizard shows every problem of the step.
    for (const step of ['基础信息', '主体信息']) await page.locator('ol.steps').getByRole('button', { name: step }).click();
    await page.locator('[data-field="subject.districtCode"] .field-errors').getByText('所选城市下没有这个区县').waitFor();
    await page.locator(f('subject.districtCode')).scrollIntoViewIfNeeded();
    await j.shot('divisions-abolished');
    await page.selectOption(f('subject.districtCode'), { label: '增城区' });
    await expect.poll(() => page.locator('[data-field="subject.districtCode"] .field-errors').count()).toBe(0);
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
