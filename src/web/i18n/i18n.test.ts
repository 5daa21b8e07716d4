// Every UI text exists in both languages, and every problem code the filing rules (and the
// submission checks) can report has its Chinese wording.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeI18n } from './index.tsx';
import { MESSAGES } from './messages.ts';
import { APPLICATION_KINDS, LIFECYCLE } from '../../domain/lifecycle.ts';
import { problemZh } from './problems.ts';
import { FIELD_LABELS, OPTIONS } from './vocabulary.ts';

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => {
  const p = path.join(dir, n);
  return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
});

function reportedCodes(): Set<string> {
  const codes = new Set<string>();
  const patterns = [/invalid\('([a-z0-9_]+)'/g, /\.(?:error|warn)\([^,]+,\s*'([a-z0-9_]+)'/g, /\{\s*code:\s*'([a-z0-9_]+)'/g, /code: '([a-z0-9_]+)',\s*message/g];
  // The rules of the filing form and the submission checks (not the registry's other vocabularies).
  const scanned = [...files(path.join(src, 'domain/application-rules')), ...files(path.join(src, 'domain/validation')),
    path.join(src, 'domain/application-rules.ts'), path.join(src, 'domain/dates.ts'), path.join(src, 'flows/materials-check.ts')];
  for (const f of scanned) {
    const text = readFileSync(f, 'utf8');
    for (const re of patterns) for (const m of text.matchAll(re)) if (m[1]!.includes('_')) codes.add(m[1]!);
  }
  return codes;
}

describe('i18n', () => {
  it('has every message in Chinese and English', () => {
    for (const [key, [zh, en]] of Object.entries(MESSAGES)) {
      expect(zh.trim(), key).not.toBe('');
      expect(en.trim(), key).not.toBe('');
      expect(/[\u4e00-\u9fff]/.test(zh) || /^[\w\s@./:–-]+$/.test(zh), `${key} zh`).toBe(true);
    }
    for (const table of [FIELD_LABELS, ...Object.values(OPTIONS)]) {
      for (const [key, entry] of Object.entries(table)) expect((entry as readonly string[]).every((s) => s.trim() !== ''), key).toBe(true);
    }
  });

  it('labels every action an application\'s history shows (its moves, the flows\' own rows, what approval writes on the record)', () => {
    const actions = new Set<string>([...LIFECYCLE.map((m) => m.action), ...Object.values(APPLICATION_KINDS).map((k) => k.recordAction)]);
    for (const f of files(path.join(src, 'flows'))) {
      for (const m of readFileSync(f, 'utf8').matchAll(/entityType: 'application',[^}]*?action: '([a-z_]+)'/g)) actions.add(m[1]!);
    }
    expect(actions.size).toBeGreaterThanOrEqual(20);
    const missing = [...actions].filter((a) => !(`action.${a}` in MESSAGES));
    expect(missing).toEqual([]);
  });

  it('words every problem code of the rules in Chinese', () => {
    const codes = reportedCodes();
    expect(codes.size).toBeGreaterThan(80);
    const missing = [...codes].filter((c) => !problemZh(c));
    expect(missing).toEqual([]);
  });

  it('labels fields by path, with the platform or access record number', () => {
    const zh = makeI18n('zh-CN');
    expect(zh.field('platforms.1.packageName')).toBe('包名 / Bundle ID（#2）');
    expect(zh.field('subject.principal.mobile')).toBe('主体负责人手机号码');
    expect(makeI18n('en').field('service.domains.0')).toBe('Domain');
    expect(zh.t('sms.remaining', { n: 3 })).toBe('剩余 3 次机会');
    expect(zh.problem({ code: 'mobile_format', message: 'x' })).toBe('大陆手机号为 11 位数字（可带 +86）');
    expect(makeI18n('en').problem({ code: 'mobile_format', message: 'eleven digits' })).toBe('eleven digits');
  });

  it('punctuates in the language shown: full-width in Chinese, spaced ASCII in English', () => {
    const zh = makeI18n('zh-CN'); const en = makeI18n('en');
    expect(`${zh.t('record.serviceNumber')}${zh.colon}X`).toBe('服务备案号：X');
    expect(`${en.t('record.serviceNumber')}${en.colon}X`).toBe('Service filing number: X');
    expect(`甲${zh.paren('乙')}`).toBe('甲（乙）');
    expect(`Name${en.paren('Access provider')}`).toBe('Name (Access provider)');
    expect([zh.listSep, zh.comma, zh.semicolon]).toEqual(['、', '，', '；']);
    expect(['a', 'b'].join(en.listSep)).toBe('a, b');
    expect(`a${en.comma}b${en.semicolon}c`).toBe('a, b; c');
    expect(en.field('platforms.1.packageName')).toMatch(/^[^\u3000-\u303f\uff00-\uffef]+ \(#2\)$/);
  });
});
