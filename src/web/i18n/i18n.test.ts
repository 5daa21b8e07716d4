// Every UI text exists in both languages, and every problem code the filing rules (and the
// submission checks) can report has its Chinese wording.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { makeI18n } from './index.tsx';
import { MESSAGES } from './messages.ts';
import { APPLICATION_KINDS, LIFECYCLE } from '../../domain/lifecycle.ts';
import { problemZh } from './problems.ts';
import { validateIpAddress } from '../../domain/validation/ip.ts';
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

/**
 * Every named error a flow, the domain or a route can answer (NamedError('code', …), super('code', kind, …),
 * `readonly code = '…'`), the IP checks' codes, and the reasons the system writes when it returns an
 * application: a new one without Chinese text fails here rather than reaching a host in English.
 */
function namedErrorCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  const patterns = [/NamedError\(\s*'([a-z0-9_]+)'/g, /super\(\s*'([a-z0-9_]+)',\s*'(?:invalid|unauthenticated|forbidden|not_found|conflict|too_large|rate_limited|unavailable)'/g,
    /readonly code = '([a-z0-9_]+)'/g, /\bfail\('(ipv[46]_[a-z0-9_]+)'/g, /error: why === 'exhausted' \? '([a-z0-9_]+)' : '([a-z0-9_]+)'/g];
  for (const f of [...files(path.join(src, 'flows')), ...files(path.join(src, 'domain')), ...files(path.join(src, 'api'))]) {
    const text = readFileSync(f, 'utf8');
    for (const re of patterns) for (const m of text.matchAll(re)) for (const c of m.slice(1)) if (c) codes.set(c, path.relative(src, f));
  }
  return codes;
}

/**
 * Every problem `code` the API can answer, top-level or a field's, with the file that answers it: the named
 * errors of every layer a request reaches (api, flows, domain, db, notify, tlog — not the CLI, the boot-time
 * data-folder lock, the demo seed or the offline import), the route and error handler's own codes
 * (sendProblem(…, status, 'code', …), `code: '…'` of a problem or field problem), and the request schema's
 * codes (each Zod issue code, and `invalid` for an issue without one: src/api/problem.ts). The console shows
 * any of them (ErrorNotice, i18n.problem): each needs its Chinese text; the English one is the problem's own
 * message (detail), which every problem carries.
 */
function answeredCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  const patterns = [/NamedError\(\s*'([a-z0-9_]+)'/g, /super\(\s*'([a-z0-9_]+)',/g, /readonly code = '([a-z0-9_]+)'/g,
    /sendProblem\([^,]+,[^,]+,\s*\d+,\s*'([a-z0-9_]+)'/g, /\bcode:\s*'([a-z][a-z0-9_]*)'/g];
  // The helpers that make a problem: invalid('code', …) / fail('code', …), or the code second where a file's helper takes (field, code, …).
  const byCode = /\b(?:invalid|fail)\('([a-z0-9_]+)'/g;
  const byField = /\b(?:invalid|fail)\('[A-Za-z0-9_.]+',\s*'([a-z0-9_]+)'/g;
  const notServed = [/^cli\//, /^analyzer\//, /^web\//, /^db\/seed\//, /^db\/data-dir\.ts$/, /^db\/import-prepare\.ts$/, /^domain\/import-record\.ts$/, /^flows\/import-filings\.ts$/];
  for (const dir of ['api', 'flows', 'domain', 'db', 'notify', 'tlog']) {
    for (const f of files(path.join(src, dir))) {
      const rel = path.relative(src, f);
      if (notServed.some((re) => re.test(rel))) continue;
      const text = readFileSync(f, 'utf8');
      const helper = /\b(?:invalid|fail) = \(field: string, code: string/.test(text) ? byField : byCode;
      for (const re of [...patterns, helper]) for (const m of text.matchAll(re)) codes.set(m[1]!, rel);
    }
  }
  for (const c of [...Object.values(z.ZodIssueCode), 'invalid']) codes.set(c, 'api/problem.ts (request schema)');
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

  it('words every named error the server can answer, and the system\'s own return reasons, in Chinese', () => {
    const codes = namedErrorCodes();
    expect(codes.size).toBeGreaterThan(120);
    for (const c of ['sms_resend_too_soon', 'sms_resend_limit', 'application_version_conflict', 'confirmation_expired', 'confirmation_exhausted',
      'identity_task_closed', 'service_not_filed', 'subject_not_filed', 'ipv4_octet_range', 'sms_attempts_exhausted']) expect(codes.has(c), c).toBe(true);
    const missing = [...codes].filter(([c]) => !problemZh(c)).map(([c, f]) => `${c} (${f})`);
    expect(missing).toEqual([]);
  });

  it('words every problem code the API can answer (named errors of every layer, the handlers\' own, the schema\'s) in Chinese', () => {
    const codes = answeredCodes();
    expect(codes.size).toBeGreaterThan(200);
    for (const c of ['webhook_url_invalid', 'not_found', 'transaction_conflict', 'unsupported_media_type', 'organisation_not_relying_party', 'invalid_element', 'fingerprint_length'])
      expect(codes.has(c), c).toBe(true);
    const missing = [...codes].filter(([c]) => !problemZh(c)).map(([c, f]) => `${c} (${f})`);
    expect(missing).toEqual([]);
  });

  it('fills a problem\'s numbers into its Chinese text, and words the system\'s reasons', () => {
    const zh = makeI18n('zh-CN');
    expect(zh.problem({ code: 'sms_resend_too_soon', message: 'wait 33 s before asking for another code', params: { retryAfterSeconds: 33 } })).toBe('发送过于频繁，请 33 秒后再获取新的验证码');
    expect(zh.problem({ code: 'sms_resend_too_soon', message: 'wait 33 s' })).toBe('发送过于频繁，请稍后再获取新的验证码');
    expect(zh.problem({ code: 'sms_code_incorrect', message: 'wrong code; 4 attempt(s) left', params: { remainingAttempts: 4 } })).toBe('验证码错误，还剩 4 次机会');
    expect(zh.problem({ code: 'application_version_conflict', message: 'x', params: { currentVersion: 10, yourVersion: 8 } })).toContain('当前为第 10 版，您编辑的是第 8 版');
    expect(zh.reason({ error: 'sms_attempts_exhausted', suggestion: '5 wrong codes: check the mobile and resubmit' }))
      .toEqual({ error: '短信验证码输错 5 次，申请已退回', suggestion: '请核对负责人手机号能否接收短信后重新提交，并在收到验证码后准确输入' });
    expect(zh.reason({ error: '图标模糊', suggestion: '请更换' })).toEqual({ error: '图标模糊', suggestion: '请更换' });
    expect(zh.field('sms')).toBe('短信核验');
  });

  it('says where a document the wizard cannot take goes (no attachments step yet): to the first review', () => {
    for (const code of ['residence_permit_required', 'principal_not_legal_representative']) expect(problemZh(code), code).toMatch(/暂不上传附件.*初审时/);
  });

  it('gives IP examples the form accepts without a warning (no documentation addresses)', () => {
    for (const text of MESSAGES['access.ipsHint']) {
      const examples = text.match(/[0-9a-f]+(?:[.:][0-9a-f]*){3,}/g) ?? [];
      expect(examples.length, text).toBe(2);
      for (const ip of examples) expect(validateIpAddress(ip), ip).toMatchObject({ ok: true, warnings: [] });
    }
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
