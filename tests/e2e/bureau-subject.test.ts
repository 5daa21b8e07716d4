// Journey (a bureau's working week, session 17): a 北京 reviewer reviews 王小二's access filing (新增接入).
// Only the new access record is under review: it comes first and alone can be flagged; the filed service,
// platforms and the existing provider's access record are folded away, read-only; the approve button says
// the number stays (it said 分配备案号). From the review the reviewer opens the subject — in the console
// (it led to the public subject page): identity masked, revealed only through the logged reveal; its
// services with numbers; its applications; the history of the subject and its services. The same page
// from the record search, in English, at 390 px.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../auth.ts';
import { call, CLOUD, orgId } from '../filing.ts';
import { journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, startServer, steps, toBureau } from './harness.ts';

describe('journey: a bureau reviews an access filing and opens the subject in its console', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => { [server, browser] = await Promise.all([startServer(), launch()]); }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('shows what is under review, then the subject page with a logged reveal', () => steps(async () => {
    const wang = await signIn(server.app, 'wang@demo.beian.test');
    const provider = await signIn(server.app, 'provider.demo');
    const [site] = await server.t.db.query<{ id: string; subject_id: string }>(`select id, subject_id from services where service_number = '京ICP备2025000001号-1'`);
    const body = await call(server.app, wang, 'GET', `/api/host/services/${site!.id}/materials`);
    const cloud = await orgId(server.t.db, CLOUD);
    body.applicationType = 'add_access';
    body.submitterOrgId = cloud;
    body.materials.access.push({ providerOrgId: cloud, accessMethod: 'cloud', serverLocation: '北京市', ips: ['198.51.100.21'], domains: [body.materials.service.domains[0]] });
    const id = await toBureau(server, body, ['13800138003'], { host: wang, provider });

    const bj = await journey(browser, server.url, 'bureau-subject');
    const page = bj.page;
    await signInUi(page, 'bj.reviewer');
    // The queue by kind: the access filing under 新增接入, nothing under 变更主体.
    await page.goto('/bureau');
    await page.getByTestId('kind-filter').selectOption('add_access');
    await page.getByTestId('queue-table').getByText('小二的读书笔记').waitFor();
    await bj.shot('queue-by-kind');
    await page.getByTestId('kind-filter').selectOption('change_subject');
    await page.getByText('队列为空。').waitFor();
    await page.goto(`/bureau/applications/${id}`);
    const under = page.getByTestId('under-review');
    await under.waitFor();
    // The new record only, and only it can be flagged.
    expect(await under.locator('[data-field="access.1.providerOrgId"] .v').textContent()).toBe('示例云计算有限公司');
    expect(await under.locator('[data-field^="access.0."]').count()).toBe(0);
    expect(await under.locator('[data-field^="service."]').count()).toBe(0);
    expect(await under.getByRole('button', { name: /标记问题/ }).count()).toBe(5);
    // The filed record: folded, read-only, with the existing provider's access record.
    const filed = page.getByTestId('as-filed');
    expect(await filed.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await filed.locator('summary').textContent()).toContain('京ICP备2025000001号-1');
    await filed.locator('summary').click();
    expect(await filed.locator('[data-field="service.name"] .v').textContent()).toBe('小二的读书笔记');
    expect(await filed.locator('[data-field^="access.0."]').count()).toBe(5);
    expect(await filed.locator('[data-field^="access.1."]').count()).toBe(0);
    expect(await filed.getByRole('button', { name: /标记问题/ }).count()).toBe(0);
    // The reason editor offers the new record's fields only.
    await page.getByRole('button', { name: '添加一条意见' }).click();
    const offered = await page.locator('#reason-field-0 option').allTextContents();
    expect(offered.filter((o) => o.includes('#1'))).toEqual([]);
    expect(offered.filter((o) => o.includes('#2'))).toHaveLength(5);
    await page.getByRole('button', { name: '删除' }).click();
    expect(await page.getByTestId('approve').textContent()).toBe('审核通过（备案号不变）');
    await bj.shot('access-filing-under-review');

    // The subject, in the console.
    await page.getByTestId('subject-view-link').click();
    await page.waitForURL(/\/bureau\/subjects\//);
    expect(page.url()).toContain(`/bureau/subjects/${site!.subject_id}`);
    await page.getByRole('heading', { level: 1, name: '王小二' }).waitFor();
    expect(await page.getByTestId('bs-revealed').textContent()).toContain('部分隐藏');
    expect(await page.locator('[data-field="subject.principal.mobile"] .v').textContent()).toBe('138****8003');
    // An individual has no legal representative: the unit's question is not asked (it answered 否).
    expect(await page.locator('[data-field="subject.principalIsLegalRepresentative"]').count()).toBe(0);
    expect(await page.getByTestId('bs-services').textContent()).toContain('京ICP备2025000001号-1');
    expect(await page.getByTestId('bs-applications').textContent()).toContain('新增接入');
    expect(await page.getByTestId('timeline').locator('li').count()).toBeGreaterThan(0);
    await bj.shot('subject-masked');
    const before = (await server.t.db.query<{ n: number }>(`select count(*)::int as n from personal_data_access where record_type = 'subject' and record_id = $1`, [site!.subject_id]))[0]!.n;
    await page.getByTestId('bs-reveal').click();
    await page.getByText('本次查看已记入个人信息访问记录').waitFor();
    expect(await page.locator('[data-field="subject.principal.mobile"] .v').textContent()).toBe('13800138003');
    const after = (await server.t.db.query<{ n: number }>(`select count(*)::int as n from personal_data_access where record_type = 'subject' and record_id = $1 and purpose = 'bureau_review'`, [site!.subject_id]))[0]!.n;
    expect(after).toBe(before + 1);

    // From the record search, in English: the subject's name opens the same page.
    await page.getByTestId('lang-switch').click();
    await page.goto(`/bureau/records?q=${encodeURIComponent('京ICP备2025000001号-1')}`);
    await page.getByTestId('br-subject').first().click();
    await page.waitForURL(/\/bureau\/subjects\//);
    await page.getByText('History of the subject and its services').waitFor();
    expect(await page.getByTestId('bs-revealed').textContent()).toContain('partly hidden');
    await bj.shot('subject-english');
    bj.assertClean();
    await bj.close();
  }), JOURNEY_TIMEOUT);

  it('a subject change names the subject it changes, and leads to the subject page in the console', () => steps(async () => {
    const host = await signIn(server.app, 'host@demo.beian.test');
    const provider = await signIn(server.app, 'provider.demo');
    const [subject] = await server.t.db.query<{ id: string }>(`select id from subjects where main_number = '浙ICP备2024000001号'`);
    const body = await call(server.app, host, 'GET', `/api/host/subjects/${subject!.id}/materials`);
    body.materials.subject.address = '西湖区文三路9号示例中心3楼301室';
    const id = await toBureau(server, { ...body, submitterOrgId: await orgId(server.t.db, CLOUD) }, ['13800138004'], { host, provider });

    const zj = await journey(browser, server.url, 'bureau-subject-change');
    const page = zj.page;
    await signInUi(page, 'zj.reviewer');
    await page.goto(`/bureau/applications/${id}`);
    // It changes the subject: not 沿用 (reuses) it.
    await page.getByRole('heading', { name: '本申请变更的已备案主体（当前备案信息）' }).waitFor();
    expect(await page.getByText('本申请沿用的已备案主体').count()).toBe(0);
    // A unit's certificate stays as filed: no 标记问题 on it; the address can be flagged.
    expect(await page.locator('[data-field="subject.certificateNumber"]').getByRole('button').count()).toBe(0);
    expect(await page.locator('[data-field="subject.address"]').getByRole('button').count()).toBe(1);
    await zj.shot('subject-change');
    await page.getByTestId('subject-view-link').first().click();
    await page.waitForURL(`**/bureau/subjects/${subject!.id}`);
    await page.getByTestId('bs-applications').getByText('变更主体').waitFor();
    zj.assertClean();
    await zj.close();
  }), JOURNEY_TIMEOUT);
});
