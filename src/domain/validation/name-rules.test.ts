import { describe, expect, it } from 'vitest';
import { PRE_APPROVAL_RULES } from './name-keywords.ts';
import { checkServiceNameRules } from './name-rules.ts';

const codes = (name: string, ctx = {}) => checkServiceNameRules(name, ctx).map((i) => i.code);

describe('checkServiceNameRules', () => {
  it('raises nothing for a plain name', () => {
    expect(codes('高德地图')).toEqual([]);
  });

  it.each(['中国移动', '中华字库', '国家反诈中心', '全国公交查询'])('warns name_national_word on %s unless the unit is national-level', (name) => {
    expect(codes(name)).toContain('name_national_word');
    expect(codes(name, { nationalUnit: true })).not.toContain('name_national_word');
  });

  it.each([
    ['每日新闻', 'pre_approval_required_news'],
    ['书城小说', 'pre_approval_required_publishing'],
    ['放心买药', 'pre_approval_required_drugs_medical_devices'],
    ['社区医院挂号', 'pre_approval_required_medical'],
    ['动漫之家', 'pre_approval_required_culture'],
    ['短视频', 'pre_approval_required_audiovisual'],
    ['快捷打车', 'pre_approval_required_ride_hailing'],
    ['小额贷款', 'pre_approval_required_finance'],
    ['休闲游戏', 'pre_approval_required_game'],
    ['佛教文化', 'pre_approval_required_religion'],
    ['职业培训', 'pre_approval_required_education'],
  ])('%s → %s', (name, code) => {
    expect(codes(name)).toEqual([code]);
  });

  it('names the document needed and notes abolished national requirements', () => {
    const [finance] = checkServiceNameRules('理财助手');
    expect(finance?.message).toContain('金融');
    const [edu] = checkServiceNameRules('网校');
    expect(edu?.message).toContain('some bureaus');
  });

  it('stays quiet for a pre-approval already declared', () => {
    expect(codes('财经新闻', { preApprovals: ['news'] })).toEqual([]);
    expect(codes('新闻视频', { preApprovals: ['news'] })).toEqual(['pre_approval_required_audiovisual']);
  });

  it('applies the individual-only rules only to individuals', () => {
    expect(codes('张三科技公司', { subjectKind: 'individual' })).toEqual(['name_organisation_word_for_individual']);
    expect(codes('张三的二手交易', { subjectKind: 'individual' })).toEqual(['name_commercial_word_for_individual']);
    expect(codes('张三科技公司', { subjectKind: 'unit' })).toEqual([]);
  });

  it('keeps the keyword data well-formed: unique types, non-empty keyword lists', () => {
    expect(new Set(PRE_APPROVAL_RULES.map((r) => r.type)).size).toBe(PRE_APPROVAL_RULES.length);
    for (const r of PRE_APPROVAL_RULES) expect(r.keywords.length).toBeGreaterThan(0);
    expect(Object.isFrozen(PRE_APPROVAL_RULES[0]?.keywords)).toBe(true);
  });
});
