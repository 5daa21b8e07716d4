// The language switch: zh-CN by default, English on request, remembered in localStorage.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { authorityNameEn } from '../../domain/reference-organisations.ts';
import { type Entry, MESSAGES, type MessageKey } from './messages.ts';
import { problemZh, SUGGESTION_ZH } from './problems.ts';
import { FIELD_LABELS, fieldPattern, OPTIONS, type OptionSet } from './vocabulary.ts';

export type Lang = 'zh-CN' | 'en';
const STORAGE_KEY = 'beian.lang';

export interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  /** The label of a field path such as `platforms.0.packageName`. */
  field(path: string): string;
  option(set: OptionSet, value: string | null | undefined): string;
  /** A problem in the language shown; `params` (the problem's extensions) fill the numbers of its Chinese text. */
  problem(p: { code: string; message: string; params?: Record<string, unknown> }): string;
  /**
   * An organisation's name as shown: in English, the ministry's and the bureaus' English names
   * (广东省通信管理局 → Guangdong Communications Administration); every other name is data, shown as registered.
   */
  orgName(name: string): string;
  orgName(name: string | null | undefined): string | null | undefined;
  /** A reviewer's (or the system's) reason: the system writes codes, shown in words. */
  reason(r: { error: string; suggestion?: string }): { error: string; suggestion?: string };
  date(iso: string | null | undefined, withTime?: boolean): string;
  /** Joins a label to its value: `：` in Chinese, `: ` in English. */
  colon: string;
  /** Joins clauses: `，` in Chinese, `, ` in English. */
  comma: string;
  /** Joins the items of a list: `、` in Chinese, `, ` in English. */
  listSep: string;
  /** Joins larger items (each with its own spaces): `；` in Chinese, `; ` in English. */
  semicolon: string;
  /** A parenthetical after a word: `（text）` in Chinese, ` (text)` in English. */
  paren(text: string | number): string;
  paren(node: ReactNode): ReactNode;
}

function readLang(): Lang {
  try { return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN'; } catch { return 'zh-CN'; }
}

const pick = (lang: Lang, e: readonly [string, string]) => (lang === 'en' ? e[1] : e[0]);
const fill = (s: string, vars?: Record<string, string | number>) => (vars ? s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : s);

/** Chinese full-width punctuation, or the English spaced ASCII one. */
const PUNCTUATION = {
  'zh-CN': { colon: '：', comma: '，', listSep: '、', semicolon: '；', open: '（', close: '）' },
  en: { colon: ': ', comma: ', ', listSep: ', ', semicolon: '; ', open: ' (', close: ')' },
} as const;

export function makeI18n(lang: Lang, setLang: (l: Lang) => void = () => {}): I18n {
  const { open, close, ...joins } = PUNCTUATION[lang];
  function paren(text: string | number): string;
  function paren(node: ReactNode): ReactNode;
  function paren(node: ReactNode): ReactNode {
    return typeof node === 'string' || typeof node === 'number' ? `${open}${node}${close}` : <>{open}{node}{close}</>;
  }
  return {
    ...joins,
    paren,
    lang,
    setLang,
    t: (key, vars) => { const e = MESSAGES[key] as Entry | undefined; return e ? fill(pick(lang, e), vars) : key; },
    field: (path) => {
      const entry = FIELD_LABELS[path] ?? FIELD_LABELS[fieldPattern(path)];
      if (entry) {
        const idx = /\.(\d+)(?:\.|$)/.exec(path);
        return idx && /^(platforms|access)\.\d/.test(path) ? `${pick(lang, entry)}${paren(`#${Number(idx[1]) + 1}`)}` : pick(lang, entry);
      }
      return path;
    },
    option: (set, value) => {
      if (!value) return '';
      const e = (OPTIONS[set] as Record<string, readonly [string, string]>)[value];
      return e ? pick(lang, e) : value;
    },
    problem: (p) => (lang === 'en' ? p.message : problemZh(p.code, p.params) ?? p.message),
    orgName: ((name: string | null | undefined) => (lang === 'en' && name ? authorityNameEn(name) ?? name : name)) as I18n['orgName'],
    reason: (r) => {
      // Reasons the system writes (an SMS check that failed) carry a code as `error`; reviewers write words.
      if (!/^[a-z0-9_]+$/.test(r.error)) return r;
      const zh = lang === 'en' ? undefined : problemZh(r.error);
      if (!zh) return { error: lang === 'en' ? r.error.replace(/_/g, ' ') : r.error, ...(r.suggestion ? { suggestion: r.suggestion } : {}) };
      const suggestion = SUGGESTION_ZH[r.error] ?? r.suggestion;
      return { error: zh, ...(suggestion ? { suggestion } : {}) };
    },
    date: (iso, withTime = false) => {
      if (!iso) return '—';
      const d = new Date(iso.length === 10 ? `${iso}T00:00:00+08:00` : iso);
      if (Number.isNaN(d.getTime())) return iso;
      const opts: Intl.DateTimeFormatOptions = { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', ...(withTime ? { hour: '2-digit', minute: '2-digit', hour12: false } : {}) };
      return new Intl.DateTimeFormat(lang === 'en' ? 'en-CA' : 'zh-CN', opts).format(d);
    },
  };
}

const Ctx = createContext<I18n>(makeI18n('zh-CN'));

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(readLang);
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try { localStorage.setItem(STORAGE_KEY, l); } catch { /* private mode: the switch lasts this page */ }
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = pick(lang, MESSAGES['app.title']);
  }, [lang]);
  const value = useMemo(() => makeI18n(lang, setLang), [lang, setLang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export const useI18n = () => useContext(Ctx);
export type { MessageKey } from './messages.ts';
