import { describe, expect, it } from 'vitest';
import { run, validApp, validIndividualWebsite, validMiniProgram } from './test-support.ts';

describe('service: type and name (DOMAIN.md §2.3, §0.3)', () => {
  it('the service type is one of the four', () => {
    const m = validMiniProgram() as unknown as { service: Record<string, unknown> };
    m.service.serviceType = 'game';
    expect(run(m).errors).toEqual([['service.serviceType', 'invalid_option']]);
  });

  it('the name is validated with the service type (websites need 3 characters)', () => {
    const m = validIndividualWebsite();
    m.service.name = '笔记';
    expect(run(m).errors).toEqual([['service.name', 'service_name_too_short']]);
    const n = validMiniProgram();
    n.service.name = '笔记';
    expect(run(n).errors).toEqual([]);
  });

  it('naming rules are warnings, with the subject type as context', () => {
    const m = validMiniProgram();
    m.service.name = '中国示例助手';
    expect(run(m).warns).toEqual([['service.name', 'name_national_word']]);
    const n = validIndividualWebsite();
    n.service.name = '小二的读书俱乐部';
    expect(run(n).warns).toEqual([['service.name', 'name_organisation_word_for_individual']]);
    expect(run(n).errors).toEqual([]);
  });

  it('a pre-approval keyword in the name warns on the name and on the pre-approvals', () => {
    const m = validMiniProgram();
    m.service.name = '示例理财助手';
    expect(run(m).warns).toEqual([['service.name', 'pre_approval_required_finance'], ['service.preApprovals', 'pre_approval_missing_finance']]);
    m.service.preApprovals = [{ type: 'finance', number: '粤金审〔2025〕12号' }];
    expect(run(m).warns).toEqual([]);
    expect(run(m).errors).toEqual([]);
  });

  it('a pre-approval keyword in the description warns on the pre-approvals only', () => {
    const m = validMiniProgram();
    m.service.description = '提供示例科技的行业新闻与产品动态，帮助用户了解最新信息。';
    const r = run(m);
    expect(r.warns).toEqual([['service.preApprovals', 'pre_approval_missing_news']]);
    expect(r.warnings[0]!.message).toContain('互联网新闻信息服务许可证');
  });
});

describe('service: categories, languages, description, SDKs', () => {
  it('categories: 1–5, no duplicates', () => {
    const m = validMiniProgram();
    m.service.categories = [];
    expect(run(m).errors).toEqual([['service.categories', 'required']]);
    m.service.categories = ['a', 'b', 'c', 'd', 'e', 'f'];
    expect(run(m).errors).toEqual([['service.categories', 'service_content_too_many']]);
    m.service.categories = ['tools', 'tools'];
    expect(run(m).errors).toEqual([['service.categories', 'service_content_duplicate']]);
    m.service.categories = ['tools', ' '];
    expect(run(m).errors).toEqual([['service.categories.1', 'required']]);
  });

  it('languages: at least one BCP 47 code, no duplicates, one is usual', () => {
    const m = validMiniProgram();
    m.service.languages = [];
    expect(run(m).errors).toEqual([['service.languages', 'required']]);
    m.service.languages = ['chinese'];
    expect(run(m).errors).toEqual([['service.languages.0', 'language_code_format']]);
    m.service.languages = ['zh-CN', 'zh-cn'];
    expect(run(m).errors).toEqual([['service.languages.1', 'language_duplicate']]);
    m.service.languages = ['zh-Hans-CN', 'ug', 'en'];
    const r = run(m);
    expect(r.errors).toEqual([]);
    expect(r.warns).toEqual([['service.languages', 'languages_multiple']]);
  });

  it('pre-approvals: known type, each once, with a number', () => {
    const m = validMiniProgram();
    m.service.preApprovals = [{ type: 'news', number: '' }, { type: 'astrology', number: '1' }, { type: 'news', number: '2' }];
    expect(run(m).errors).toEqual([
      ['service.preApprovals.0.number', 'required'],
      ['service.preApprovals.1.type', 'pre_approval_type_unknown'],
      ['service.preApprovals.2.type', 'pre_approval_duplicate'],
    ]);
  });

  it('description: 20–200 characters', () => {
    const m = validMiniProgram();
    m.service.description = '一个小程序';
    expect(run(m).errors).toEqual([['service.description', 'service_description_too_short']]);
    m.service.description = '很'.repeat(201);
    expect(run(m).errors).toEqual([['service.description', 'service_description_too_long']]);
  });

  it('SDKs: vendor and type, 1–64 characters each', () => {
    const m = validApp();
    m.service.sdks = [{ vendor: '', type: 'push' }, { vendor: '示例', type: 'x'.repeat(65) }];
    expect(run(m).errors).toEqual([['service.sdks.0.vendor', 'required'], ['service.sdks.1.type', 'too_long']]);
  });
});

describe('service: domains', () => {
  it('each domain is validated, none twice', () => {
    const m = validApp();
    m.service.domains = ['a2dp.demo-tech.cn', 'https://api.demo-tech.cn', 'A2DP.demo-tech.cn'];
    expect(run(m).errors).toEqual([
      ['service.domains.1', 'domain_is_url'],
      ['service.domains.2', 'domain_duplicate'],
      ['platforms.1.domains.0', 'platform_domain_not_in_service'],
      ['access.0.domains.1', 'access_domain_not_in_service'],
    ]);
  });
});
