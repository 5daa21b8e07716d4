// What a public search keyword can be (DOMAIN.md §5: the portal's one field takes a host
// name, a service name, a filing number or a domain; PEERS.md A1.2). Pure: the query layer
// decides which index paths to take from this.
import { parseFilingNumber } from '../../domain/filing-number.ts';
import { compact, toHalfWidth } from '../../domain/text.ts';
import { validateResidentIdNumber, validateUscc } from '../../domain/validation/index.ts';

export interface Keyword {
  /** Half-width, spaces collapsed and trimmed: what names are matched against. */
  text: string;
  /** `text` lower-cased. */
  lower: string;
  /** Length in code points (a rare Han character outside the BMP counts once). */
  length: number;
  /** A complete service number (canonical), e.g. 粤ICP备2024000001号-2A. */
  serviceNumber: string | null;
  /** A complete subject number (a service number matches its own service only). */
  mainNumber: string | null;
  /** The beginning of a number (粤ICP备2024, 京ICP证03): matched by prefix. */
  numberPrefix: string | null;
  /** A host typed as a domain or URL, with and without www. (https://www.Demo-Tech.cn/a →
   *  [www.demo-tech.cn, demo-tech.cn]); empty when the keyword is not one. */
  domains: string[];
  /** Could be a package name or a domain fragment: one ASCII token without spaces. */
  token: string | null;
  /**
   * A unit's unified social credit code (canonical: 18 characters, upper case), typed as licences
   * print it (spaces, dashes, full-width, any case); matched against units only. Null for anything
   * else — and for a valid resident ID number: a person is never looked up by ID (house rule 10).
   */
  uscc: string | null;
}

/** The USCC a keyword is, as the verification API's `subjects?uscc=` reads it; null if none (or a resident ID number). */
function usccOf(text: string): string | null {
  const candidate = compact(text).replace(/-/g, '');
  if (candidate.length !== 18) return null;
  const u = validateUscc(candidate);
  if (!u.ok) return null;
  if (u.warnings.length && validateResidentIdNumber(u.value).ok) return null;
  return u.value;
}

export const KEYWORD_MAX = 100;

const ASCII_TOKEN = /^[A-Za-z0-9._-]+$/;
const DOMAIN = /^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const NUMBER_START = /^\p{Script=Han}(ICP[备证]?|B2-?)\d*/u;

function domainOf(s: string): string | null {
  let host = s.toLowerCase();
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)/.exec(host);
  if (url) host = url[1]!.replace(/^[^@]*@/, '').replace(/:\d+$/, '');
  else host = host.replace(/[/?#].*$/, '');
  host = host.replace(/\.$/, '');
  return DOMAIN.test(host) ? host : null;
}

/** Reads a keyword; null when nothing searchable is left after normalisation. */
export function interpretKeyword(raw: string): Keyword | null {
  const text = toHalfWidth(raw).replace(/\s+/gu, ' ').trim();
  if (!text) return null;
  const compacted = text.replace(/ /g, '').replace(/[a-z]/g, (c) => c.toUpperCase());
  const parsed = parseFilingNumber(compacted);
  const number = parsed.ok ? parsed.value : null;
  const domain = /\s/.test(text) ? null : domainOf(text);
  return {
    text,
    lower: text.toLowerCase(),
    length: [...text].length,
    serviceNumber: number?.kind === 'service' ? number.number : null,
    mainNumber: number?.kind === 'subject' ? number.mainNumber : null,
    numberPrefix: !number && NUMBER_START.test(compacted) ? compacted : null,
    domains: !domain ? [] : domain.startsWith('www.') ? [domain, domain.slice(4)] : [domain],
    token: ASCII_TOKEN.test(text) ? text.toLowerCase() : null,
    uscc: number ? null : usccOf(text),
  };
}

/** A LIKE pattern matching `s` literally (\ is LIKE's default escape). */
export function likeLiteral(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
