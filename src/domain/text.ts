// Text normalisation shared by validators. Users paste from Word, WeChat and PDF copies of
// certificates, which bring full-width ASCII (U+FF01–U+FF5E), ideographic spaces (U+3000),
// no-break spaces and assorted dash characters.

const FULLWIDTH_START = 0xff01;
const FULLWIDTH_END = 0xff5e;
const FULLWIDTH_OFFSET = 0xfee0;

const PLAIN_ASCII = /^[\x20-\x7e]*$/;
/** What toHalfWidth changes: a full-width ASCII character or a space of any kind. */
const WIDE_OR_SPACE = /[\uff01-\uff5e\s]/u;

/** Map full-width ASCII to ASCII and every Unicode space to U+0020. Leaves CJK alone. */
export function toHalfWidth(input: string): string {
  // Printable ASCII is its own half-width form (the common case: fingerprints, package names).
  if (PLAIN_ASCII.test(input)) return input;
  // Nor is text without a full-width character or a space (a filing number with its Han characters).
  if (!WIDE_OR_SPACE.test(input)) return input;
  let out = '';
  for (const ch of input) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= FULLWIDTH_START && cp <= FULLWIDTH_END) out += String.fromCodePoint(cp - FULLWIDTH_OFFSET);
    else if (/\s/u.test(ch)) out += ' ';
    else out += ch;
  }
  return out;
}

/** Hyphen-like characters people paste in place of '-' (figure dash, en/em dash, minus…). */
export const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/gu;

/** Half-width, dashes unified to '-', all whitespace removed. For codes and numbers. */
export function compact(input: string): string {
  return toHalfWidth(input).replace(DASHES, '-').replace(/\s+/gu, '');
}

/** Half-width spaces, trimmed, runs collapsed to one space. For names and free text. */
export function tidySpaces(input: string): string {
  return input.replace(/\s+/gu, ' ').trim();
}

/** Length in Unicode code points (what a person counts as characters; rare Han characters
 *  outside the BMP count once, unlike String#length). */
export function charCount(input: string): number {
  return [...input].length;
}

/** True if the string contains C0/C1 control characters or Unicode format characters
 *  (zero-width joiners, bidi overrides) that have no place in a name or address. */
export function hasControlChars(input: string): boolean {
  return /[\p{Cc}\p{Cf}]/u.test(input);
}

/** Control characters no text field takes (TAB, LF and CR are text; NUL cannot even be stored). */
const CONTROL = /[\0-\x08\x0b\x0c\x0e-\x1f\x7f]/;
/** With the u flag a surrogate pair is one code point: this matches only an unpaired half. */
const LONE_SURROGATE = /[\ud800-\udfff]/u;

export interface TextProblem { field: string; code: 'lone_surrogate' | 'control_character' | 'invalid_utf8' | 'too_deep'; message: string }

/**
 * How deep a JSON value may nest. The deepest legitimate body (a filing's materials) nests 6 levels;
 * the walk below is recursive, so an unbounded depth (50,000 brackets) overflowed the stack — and was
 * then reported as "not valid JSON".
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The first string in a parsed JSON value (keys included) that no field of the registry takes: a
 * lone UTF-16 surrogate (JSON's `\ud800` escapes one; no character, not storable as UTF-8) or a
 * control character other than TAB, LF and CR. `field` is the dotted path from `prefix`
 * (`body.items.3.packageName`). Null when every string is text. A value nested deeper than
 * MAX_JSON_DEPTH answers `too_deep` on `prefix` (the walk stops there).
 */
export function findUnfitText(value: unknown, prefix: string): TextProblem | null {
  const check = (s: string, field: string): TextProblem | null => {
    if (LONE_SURROGATE.test(s)) return { field, code: 'lone_surrogate', message: 'holds a lone surrogate (a broken \\uD800–\\uDFFF escape), not a character' };
    if (CONTROL.test(s)) return { field, code: 'control_character', message: 'holds a control character (only tab, line feed and carriage return are allowed)' };
    return null;
  };
  const walk = (v: unknown, field: string, depth: number): TextProblem | null => {
    if (typeof v === 'string') return check(v, field);
    if (v === null || typeof v !== 'object') return null;
    if (depth >= MAX_JSON_DEPTH) return { field: prefix, code: 'too_deep', message: `nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects` };
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) { const p = walk(v[i], `${field}.${i}`, depth + 1); if (p) return p; }
      return null;
    }
    for (const k of Object.keys(v)) {
      const p = check(k, `${field}.${k}`) ?? walk((v as Record<string, unknown>)[k], `${field}.${k}`, depth + 1);
      if (p) return p;
    }
    return null;
  };
  return walk(value, prefix, 0);
}

/** A %-escape of hex digits (a lone `%` is left as it is by the query parser, as text). */
const ESCAPE_RUN = /(?:%[0-9a-fA-F]{2})+/g;
/** UTF-8 of U+D800–U+DFFF (a surrogate: no character), as %-escapes. */
const ESCAPED_SURROGATE = /%ED%[AB][0-9A-F]/i;

/**
 * The first query parameter of a raw URL whose %-escapes are not UTF-8 (`%FF`, or `%ED%A0%80`, the
 * bytes of a lone surrogate): the query parser leaves such a value as its raw text (`a%ED%A0%80`), so
 * it reached the routes as a literal and was judged as a malformed package name or keyword. Named as
 * `querystring.<name>`; null when every escape decodes (the common case costs one indexOf).
 */
export function findUndecodableQuery(url: string, prefix = 'querystring'): TextProblem | null {
  const q = url.indexOf('?');
  if (q < 0 || url.indexOf('%', q) < 0) return null;
  for (const pair of url.slice(q + 1).split('&')) {
    if (!pair.includes('%')) continue;
    const bad = pair.match(ESCAPE_RUN)?.find((run) => { try { decodeURIComponent(run); return false; } catch { return true; } });
    if (bad === undefined) continue;
    const eq = pair.indexOf('=');
    const rawName = (eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, ' ');
    let name = rawName;
    try { name = decodeURIComponent(rawName); } catch { /* an undecodable name is named as sent */ }
    return ESCAPED_SURROGATE.test(bad)
      ? { field: `${prefix}.${name}`, code: 'lone_surrogate', message: 'holds a %-escaped lone surrogate (%ED%A0%80–%ED%BF%BF), not a character' }
      : { field: `${prefix}.${name}`, code: 'invalid_utf8', message: 'holds %-escapes that are not UTF-8 (send the text as UTF-8, %-encoded)' };
  }
  return null;
}
