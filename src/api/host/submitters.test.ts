// GET /api/host/submitters for a change: only the organisations that hold the record are offered
// (DOMAIN.md §4.3: a subject or service is changed via the provider that holds it), not every
// access provider and platform; someone else's record gets none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from '../../../tests/auth.ts';
import { call } from '../../../tests/filing.ts';

describe('submitters of a change', () => {
  let a: AuthTestApp; let host: Signed;
  beforeAll(async () => {
    a = await authTestApp();
    host = await signIn(a.app, 'host@demo.beian.test');
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('offers a change only the organisations that hold the record (a subject change: not every platform)', async () => {
    const [subject] = await a.t.db.query<{ id: string }>(`select id from subjects where main_number = '粤ICP备2024000001号'`);
    const all = (await call(a.app, host, 'GET', '/api/host/submitters')).items.map((o: { name: string }) => o.name);
    const holders = (await call(a.app, host, 'GET', `/api/host/submitters?subjectId=${subject!.id}`)).items.map((o: { name: string }) => o.name);
    expect(holders).toContain('示例云计算有限公司');
    expect(holders).not.toContain('蓝海数据科技有限公司');
    expect(holders.length).toBeLessThan(all.length);
    const wang = await signIn(a.app, 'wang@demo.beian.test');
    expect((await call(a.app, wang, 'GET', `/api/host/submitters?subjectId=${subject!.id}`)).items).toEqual([]);
  });
});
