import { describe, expect, it } from 'vitest';
import { orderedParams, SMS_KINDS, SMS_TEMPLATE_PARAMS, SMS_TEMPLATE_TEXT, smsTemplate } from './sms-templates.ts';
import {
  APPLICATION_EVENTS, type Audience, displayRule, type NoticeContext, recordUrl, renderApplicationNotice, renderSmsChallenge, SMS_EVENTS, SMS_KIND_OF_EVENT, smsChallenge,
} from './templates.ts';

const base: Omit<NoticeContext, 'event' | 'audience'> = {
  applicationId: '7d9c1c9e-0000-4000-8000-000000000001',
  serviceType: 'app',
  serviceName: 'A2DP Volume',
  organisationName: '示例云计算有限公司',
  bureauName: '广东省通信管理局',
  provinceNameEn: 'Guangdong',
  publicUrl: 'https://beian.example.cn',
  data: {
    serviceNumber: '粤ICP备2026000001号-1A',
    mainNumber: '粤ICP备2026000001号',
    reasons: [{ field: 'service.description', error: '描述少于20字', suggestion: '补充服务内容' }],
    deadline: '2026-03-30',
    smsExpiresAt: '2026-03-03T06:05:00Z',
    smsFailure: 'exhausted',
  },
};

const CJK = /[\u4e00-\u9fff]/;

describe('notice templates', () => {
  for (const event of APPLICATION_EVENTS) {
    for (const audience of ['host', 'organisation'] as Audience[]) {
      it(`render ${event} for the ${audience} in Chinese first, then English`, () => {
        const n = renderApplicationNotice({ ...base, event, audience });
        expect(n.subject.startsWith('【备案通知】')).toBe(true);
        expect(n.subject).toContain('"A2DP Volume"');
        const [zhTitle, enTitle] = n.title.split(' / ');
        expect(zhTitle).toMatch(CJK);
        expect(enTitle).toMatch(/^[\x20-\x7e]+$/);
        const [zhLine, enLine] = n.body.split('\n');
        expect(zhLine).toMatch(CJK);
        expect(enLine!.replace(base.data.serviceNumber!, '')).not.toMatch(CJK);
        expect(n.body).toContain(base.applicationId);
        expect(n.text.startsWith(n.body)).toBe(true);
        expect(n.text).toContain('请勿直接回复');
        expect(n.sms !== null).toBe(audience === 'host' && SMS_EVENTS.has(event));
        expect(n.body).not.toMatch(/undefined|null|\[object/);
      });
    }
  }

  it('approval: subject, service number, main number, display rule and public record link', () => {
    const n = renderApplicationNotice({ ...base, event: 'application.approved', audience: 'host' });
    expect(n.subject).toBe('【备案通知】您的APP"A2DP Volume"已通过备案 / Filing approved');
    const link = 'https://beian.example.cn/record/%E7%B2%A4ICP%E5%A4%872026000001%E5%8F%B7-1A';
    expect(n.text).toContain('备案号 / Filing number: 粤ICP备2026000001号-1A');
    expect(n.text).toContain('主体备案号 / Subject number: 粤ICP备2026000001号');
    expect(n.text).toContain(`请在APP显著位置（如启动页、“关于”页或设置页）展示备案号“粤ICP备2026000001号-1A”，并将其链接至备案系统：${link}`);
    expect(n.text).toContain('工信部信管〔2023〕105号');
    expect(n.text).toContain(`Show the filing number 粤ICP备2026000001号-1A in a prominent place in the APP`);
    expect(n.sms).toContain('粤ICP备2026000001号-1A');
    expect(n.sms).toContain(link);
  });

  it('tells the organisation what happens next, never to do what only the host can (correct and resubmit, enter the SMS code)', () => {
    const hostOnly = [/请按修改意见修改后重新提交/, /请完成短信核验/, /请在24小时内/, /请确认负责人手机/, /correct the fields below and resubmit/i, /complete the SMS check/, /: enter it within/, /then resubmit/];
    for (const event of ['application.returned_by_provider', 'application.sent_to_bureau', 'application.sms_failed', 'application.rejected_by_bureau'] as const) {
      const org = renderApplicationNotice({ ...base, event, audience: 'organisation' });
      expect(hostOnly.filter((re) => re.test(`${org.title}\n${org.body}`)).map(String), event).toEqual([]);
      const host = renderApplicationNotice({ ...base, event, audience: 'host' });
      expect(hostOnly.some((re) => re.test(`${host.title}\n${host.body}`)), event).toBe(true);
    }
    expect(renderApplicationNotice({ ...base, event: 'application.sent_to_bureau', audience: 'organisation' }).title).toContain('待主办者短信核验');
  });

  it('approval for the organisation names the APP without 您的', () => {
    const n = renderApplicationNotice({ ...base, event: 'application.approved', audience: 'organisation' });
    expect(n.subject).toBe('【备案通知】APP"A2DP Volume"已通过备案 / Filing approved');
    expect(n.text).toContain('粤ICP备2026000001号-1A');
  });

  it('the display rule differs for websites and mini programs', () => {
    expect(displayRule('website', '京ICP备2026000002号-1', 'u').zh).toContain('网站主页底部中央位置');
    expect(displayRule('mini_program', '京ICP备2026000002号-2X', 'u').zh).toContain('小程序显著位置');
    expect(displayRule('quick_app', '京ICP备2026000002号-3K', 'u').en).toContain('quick app');
    const w = renderApplicationNotice({ ...base, serviceType: 'website', serviceName: '示例网站', event: 'application.approved', audience: 'host' });
    expect(w.subject).toBe('【备案通知】您的网站"示例网站"已通过备案 / Filing approved');
  });

  it('record links encode the number and ignore a trailing slash on the public URL', () => {
    expect(recordUrl('http://127.0.0.1:3000/', '沪ICP备2026000003号-1A')).toBe('http://127.0.0.1:3000/record/%E6%B2%AAICP%E5%A4%872026000003%E5%8F%B7-1A');
  });

  it('returns and rejections list every field-level reason', () => {
    for (const event of ['application.returned_by_provider', 'application.rejected_by_bureau'] as const) {
      const n = renderApplicationNotice({ ...base, event, audience: 'host' });
      // The field as the form names it, never its path (a host does not know `platforms.1.certSha1`).
      expect(n.text).toContain('1. [服务描述（20–200 字，说明实际业务） / Description (20–200 characters, the actual business)] 描述少于20字；建议 / suggestion: 补充服务内容');
    }
  });

  it('the SMS check notice gives the 24-hour window in Beijing time, the review notice the deadline', () => {
    const sent = renderApplicationNotice({ ...base, event: 'application.sent_to_bureau', audience: 'host' });
    expect(sent.text).toContain('北京时间2026-03-03 14:05前');
    expect(sent.text).toContain('广东省通信管理局');
    const verified = renderApplicationNotice({ ...base, event: 'application.sms_verified', audience: 'host' });
    expect(verified.text).toContain('审核截止日期为2026-03-30');
    const expired = renderApplicationNotice({ ...base, data: { smsFailure: 'expired' }, event: 'application.sms_failed', audience: 'host' });
    expect(expired.text).toContain('24小时内未完成核验');
  });

  it('an application without a name or organisation still renders', () => {
    const n = renderApplicationNotice({ ...base, serviceName: null, organisationName: null, bureauName: null, data: {}, event: 'application.submitted_to_provider', audience: 'host' });
    expect(n.subject).toContain('"未命名"');
    expect(n.text).toContain('接入服务商/分发平台');
  });

  it('the SMS check message carries the code and its validity', () => {
    const s = renderSmsChallenge({ code: '482913', serviceType: 'app', serviceName: 'A2DP Volume' });
    expect(s).toContain('短信核验码：482913，24小时内有效');
  });

  describe('SMS gateway templates (issue 12 §5)', () => {
    it('every SMS a host receives names a template kind with exactly its parameters', () => {
      for (const event of SMS_EVENTS) {
        const n = renderApplicationNotice({ ...base, event, audience: 'host' });
        expect(n.smsTemplate?.kind, event).toBe(SMS_KIND_OF_EVENT[event]);
        expect(Object.keys(n.smsTemplate!.params), event).toEqual(SMS_TEMPLATE_PARAMS[n.smsTemplate!.kind]);
      }
      expect(renderApplicationNotice({ ...base, event: 'application.approved', audience: 'host' }).smsTemplate!.params)
        .toEqual({ name: 'A2DP Volume', number: '粤ICP备2026000001号-1A' });
      expect(renderApplicationNotice({ ...base, event: 'application.approved', audience: 'organisation' }).smsTemplate).toBeNull();
      expect(renderApplicationNotice({ ...base, event: 'application.withdrawn', audience: 'host' }).smsTemplate).toBeNull();
    });

    it('the SMS check sends only the code to the gateway', () => {
      const m = smsChallenge({ code: '482913', serviceType: 'app', serviceName: 'A2DP Volume' });
      expect(m.template).toEqual({ kind: 'verification_code', params: { code: '482913' } });
      expect(m.text).toContain('482913');
    });

    it('refuses missing or extra parameters, cuts long names, and orders parameters for Tencent', () => {
      expect(() => smsTemplate('filing_approved', { name: 'x' })).toThrow(/missing number/);
      expect(() => smsTemplate('verification_code', { code: '1', text: 'free text' })).toThrow(/unexpected text/);
      const long = smsTemplate('filing_rejected', { name: '一个名字非常非常非常非常非常非常非常长的应用程序服务' });
      expect([...long.params.name!]).toHaveLength(20);
      expect(long.params.name!.endsWith('…')).toBe(true);
      expect(orderedParams(smsTemplate('filing_approved', { number: '粤ICP备2026000001号-1A', name: 'A' }))).toEqual(['A', '粤ICP备2026000001号-1A']);
    });

    it('documents a template text for every kind that uses exactly its parameters', () => {
      for (const kind of SMS_KINDS) {
        const names = SMS_TEMPLATE_PARAMS[kind];
        expect([...SMS_TEMPLATE_TEXT[kind].aliyun.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]), kind).toEqual(names);
        expect([...SMS_TEMPLATE_TEXT[kind].tencent.matchAll(/\{(\d)\}/g)].map((m) => Number(m[1])), kind).toEqual(names.map((_, i) => i + 1));
      }
    });
  });

  describe('per application kind: what happened, the filed record named, the number to display only when one was allocated', () => {
    const render = (event: NoticeContext['event'], applicationType: NonNullable<NoticeContext['applicationType']>, over: Partial<NoticeContext> = {}) =>
      renderApplicationNotice({ ...base, event, audience: 'host', applicationType, ...over });
    const DISPLAY = /展示备案号|Show the filing number/;

    it('a first filing and a new service are filed with a new number, and told to display it', () => {
      const first = render('application.approved', 'first_filing');
      expect(first.title).toBe('您的APP"A2DP Volume"已通过备案 / Filing approved');
      expect(first.text).toMatch(DISPLAY);
      const added = render('application.approved', 'new_service');
      expect(added.body).toContain('广东省通信管理局已审核通过新增服务备案，备案号：粤ICP备2026000001号-1A。');
      expect(added.text).toMatch(DISPLAY);
      expect(added.sms).toContain('已通过备案，备案号：粤ICP备2026000001号-1A');
    });

    it('a subject change names the subject as filed, says its numbers stay, and asks nothing displayed', () => {
      const n = render('application.approved', 'change_subject', { serviceType: 'website', serviceName: '旧公司名', filedName: '新公司名', data: { serviceNumber: '粤ICP备2026000001号', mainNumber: '粤ICP备2026000001号' } });
      expect(n.title).toBe('您的主体"新公司名"的主体信息变更已通过审核 / Subject change approved');
      expect(n.text).not.toContain('网站');
      expect(n.text).not.toContain('旧公司名');
      expect(n.text).not.toContain('已通过备案');
      expect(n.text).not.toMatch(DISPLAY);
      expect(n.body).toContain('主体备案号及其下各服务的备案号均不变：粤ICP备2026000001号');
      expect(n.sms).toBe('【备案通知】您的主体"新公司名"的主体信息变更已通过审核，备案号不变：粤ICP备2026000001号。');
    });

    it('a service change and an access filing: approved as such, the number unchanged, nothing new to display', () => {
      for (const [type, what] of [['change_service', '变更备案'], ['add_access', '新增接入']] as const) {
        const n = render('application.approved', type, { serviceName: 'A2DP Volume 2', filedName: 'A2DP Volume' });
        expect(n.title).toBe(`您的APP"A2DP Volume"的${what}已通过审核 / ${type === 'add_access' ? 'Access filing' : 'Change'} approved`);
        expect(n.sms).toBe(`【备案通知】您的APP"A2DP Volume"的${what}已通过审核，备案号不变：粤ICP备2026000001号-1A。`);
        expect(n.text).not.toContain('已通过备案');
        expect(n.text).not.toMatch(DISPLAY);
        expect(n.text).toContain('备案号 / Filing number: 粤ICP备2026000001号-1A（不变 / unchanged）');
      }
    });

    it('sent to the bureau: the code went to the principals the kind asks (DOMAIN.md §4.1), not always both', () => {
      expect(render('application.sent_to_bureau', 'first_filing').body).toContain('系统已向主体负责人和服务负责人的手机发送6位短信核验码');
      for (const type of ['new_service', 'change_service', 'add_access'] as const) {
        const n = render('application.sent_to_bureau', type, { filedName: 'A2DP Volume' });
        expect(n.body).toContain('系统已向服务负责人的手机发送6位短信核验码');
        expect(n.body).not.toContain('主体负责人');
        expect(n.body).toContain("the service principal's mobile");
      }
      const subject = render('application.sent_to_bureau', 'change_subject', { filedName: '示例公司' });
      expect(subject.body).toContain('系统已向主体负责人的手机发送6位短信核验码');
      expect(subject.body).toContain('主体信息变更申请已提交至广东省通信管理局');
    });

    it('a rejected change names the record as filed, not the name it proposed, and says the filed record stands', () => {
      const n = render('application.rejected_by_bureau', 'change_service', { serviceName: '新名字', filedName: 'A2DP Volume' });
      expect(n.title).toBe('您的APP"A2DP Volume"的变更备案未通过管局审核 / Change rejected by the bureau');
      expect(n.text).not.toContain('新名字');
      expect(n.body).toContain('已备案信息保持不变');
      expect(n.sms).toBe('【备案通知】您的APP"A2DP Volume"的变更备案未通过管局审核，请登录备案系统查看修改意见。');
      expect(n.smsTemplate).toEqual({ kind: 'filing_rejected', params: { name: 'A2DP Volume' } });
    });
  });
});

describe('reason field labels', () => {
  it('names a platform\'s field with its number, in both languages; an unknown path stays as it is', async () => {
    const { fieldLabel } = await import('./templates.ts');
    expect(fieldLabel('platforms.1.certSha1')).toMatch(/^证书 SHA-1 指纹（#2） \/ .+ \(#2\)$/);
    expect(fieldLabel('sms')).toBe('短信核验 / SMS check');
    expect(fieldLabel('no.such.field')).toBe('no.such.field');
  });
});

describe('a withdrawal by the system', () => {
  it('says the filing it acted on ended, not a bare 已撤回', () => {
    const n = renderApplicationNotice({ ...base, event: 'application.withdrawn', audience: 'host', data: { closedBecause: 'subject_cancelled', mainNumber: '粤ICP备2024000001号' } });
    expect(n.body).toContain('主体备案粤ICP备2024000001号已注销，其下的申请由系统撤回。该备案申请已撤回');
    expect(n.body).toContain('The subject filing 粤ICP备2024000001号 was cancelled');
    const plain = renderApplicationNotice({ ...base, event: 'application.withdrawn', audience: 'host', data: {} });
    expect(plain.body).toMatch(/^该备案申请已撤回/);
  });
});
