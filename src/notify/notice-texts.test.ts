// Every notice in each language apart (ADR 0044): the email's bilingual title and body stay as they were,
// and the app's Chinese text holds no English sentence, its English text no Chinese one. Pure.
import { describe, expect, it } from 'vitest';
import { renderDeadlinesMoved } from './calendar-notices.ts';
import { inBoth } from './record-notices.ts';
import { campaignOpenedNotice, orderIssuedNotice, orderOverdueNotice } from './supervision-notices.ts';

const AT = new Date('2026-03-02T04:00:00Z');
const chinese = /[\u4e00-\u9fff]/;

describe('notice texts in each language', () => {
  it('inBoth: the email reads `zh / en: of`, Chinese then English; each language alone for the app', () => {
    expect(inBoth({ zh: '备案已注销', en: 'Filing cancelled', of: '粤ICP备1号-1A' }, { zh: '已注销。', en: 'Cancelled.' })).toEqual({
      title: '备案已注销 / Filing cancelled: 粤ICP备1号-1A',
      body: '已注销。\nCancelled.',
      texts: { zh: { title: '备案已注销：粤ICP备1号-1A', body: '已注销。' }, en: { title: 'Filing cancelled: 粤ICP备1号-1A', body: 'Cancelled.' } },
    });
    expect(inBoth({ zh: '标题', en: 'Title' }, { zh: '正文', en: 'Body' }, { sep: '\n\n' })).toMatchObject({ title: '标题 / Title', body: '正文\n\nBody' });
  });

  it('supervision notices: the email in both (`中文 / English` title, Chinese then English body); English alone for the app', () => {
    const n = campaignOpenedNotice({ id: 'c1', name: '2026 春季检查', catalogueDueOn: '2026-04-01', endsOn: '2026-06-30' }, 'https://beian.example.cn', AT);
    expect(n.title).toBe('备案检查：2026 春季检查，请于 2026-04-01 前提交应用目录 / Inspection "2026 春季检查": submit your catalogue by 2026-04-01');
    expect(n.texts!.zh.title).toBe('备案检查：2026 春季检查，请于 2026-04-01 前提交应用目录');
    expect(n.body).toBe(`${n.texts!.zh.body}\n\n${n.texts!.en.body}`);
    expect(n.texts!.en.title).toBe('Inspection "2026 春季检查": submit your catalogue by 2026-04-01');
    expect(n.texts!.en.body.replace('2026 春季检查', '')).not.toMatch(chinese);
    expect(n.texts!.zh.body).not.toContain('Your organisation');
    for (const o of [
      orderIssuedNotice({ measure: 'take_down', dueOn: '2026-03-20', dueProvisional: false, reason: 'unfiled', items: ['com.example.a'] }, 'https://beian.example.cn', AT),
      orderOverdueNotice({ measure: 'take_down', dueOn: '2026-03-20', open: ['com.example.a'], organisationName: 'Market' }, 'https://beian.example.cn', true, AT),
    ]) {
      expect(`${o.texts!.en.title}\n${o.texts!.en.body}`).not.toMatch(chinese);
      expect(o.title).toBe(`${o.texts!.zh.title} / ${o.texts!.en.title}`);
      expect(o.body.startsWith(o.texts!.zh.body)).toBe(true);
    }
  });

  it('moved deadlines: the email as before; each language apart', () => {
    const n = renderDeadlinesMoved(2027, [{ applicationId: 'a1', serviceName: 'Ledger', provinceCode: '440000', old: { deadlineOn: '2027-02-10', provisional: true }, new: { deadlineOn: '2027-02-17', provisional: false } }], 'https://beian.example.cn');
    expect(n.body).toBe(`${n.texts.zh.body}\n\n${n.texts.en.body}`);
    expect(n.texts.zh.body).toContain('2027-02-10（暂定） → 2027-02-17');
    expect(`${n.texts.en.title}\n${n.texts.en.body}`).not.toMatch(chinese);
    expect(n.texts.en.title).toBe('2027 holiday schedule imported: 1 review deadline(s) moved');
  });
});
