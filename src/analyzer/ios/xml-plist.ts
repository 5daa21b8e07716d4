// XML property lists (Apple's PropertyList-1.0.dtd): a small recursive-descent reader for the
// elements that DTD allows. No DTD processing, no external entities — only the five predefined
// entities and numeric character references — so there is no entity expansion to abuse. Every
// step consumes input, and nesting is capped.
import { AnalyzerError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import type { PlistValue } from './plist.ts';

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const WHITESPACE = /\s*/y;

class XmlPlistReader {
  private pos = 0;

  constructor(private readonly s: string, private readonly what: string) {}

  fail(message: string): never {
    throw new AnalyzerError('malformed_plist', `${this.what}: ${message} (at character ${this.pos})`);
  }

  document(): PlistValue {
    this.skipMisc();
    const open = this.tag();
    if (open.name !== 'plist' || open.close) this.fail('no <plist> element');
    const value = open.empty ? null : this.value(1);
    if (!open.empty) this.expectClose('plist');
    return value;
  }

  private value(depth: number): PlistValue {
    if (depth > LIMITS.maxDepth) this.fail(`nested deeper than ${LIMITS.maxDepth}`);
    this.skipMisc();
    const t = this.tag();
    if (t.close) this.fail(`unexpected </${t.name}>`);
    switch (t.name) {
      case 'true': case 'false':
        if (!t.empty) this.expectClose(t.name);
        return t.name === 'true';
      case 'string': return t.empty ? '' : this.text('string');
      case 'integer': return this.number(t.empty ? '' : this.text('integer'), true);
      case 'real': return this.number(t.empty ? '' : this.text('real'), false);
      case 'date': return this.date(t.empty ? '' : this.text('date'));
      case 'data': return Buffer.from((t.empty ? '' : this.text('data')).replace(/\s+/g, ''), 'base64');
      case 'array': return t.empty ? [] : this.array(depth);
      case 'dict': return t.empty ? new Map() : this.dict(depth);
      default: return this.fail(`unknown element <${t.name}>`);
    }
  }

  private array(depth: number): PlistValue[] {
    const out: PlistValue[] = [];
    for (;;) {
      this.skipMisc();
      if (this.s.startsWith('</', this.pos)) { this.expectClose('array'); return out; }
      out.push(this.value(depth + 1));
    }
  }

  private dict(depth: number): Map<string, PlistValue> {
    const out = new Map<string, PlistValue>();
    for (;;) {
      this.skipMisc();
      if (this.s.startsWith('</', this.pos)) { this.expectClose('dict'); return out; }
      const key = this.tag();
      if (key.name !== 'key' || key.close) this.fail('expected <key> in <dict>');
      out.set(key.empty ? '' : this.text('key'), this.value(depth + 1));
    }
  }

  /** Character data up to the closing tag, entities decoded. */
  private text(name: string): string {
    const end = this.s.indexOf('<', this.pos);
    if (end < 0) this.fail(`unterminated <${name}>`);
    const raw = this.s.slice(this.pos, end);
    this.pos = end;
    this.expectClose(name);
    return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
      if (e.startsWith('#')) {
        const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return code <= 0x10ffff ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[e] ?? m;
    });
  }

  private tag(): { name: string; close: boolean; empty: boolean } {
    if (this.s[this.pos] !== '<') this.fail('expected an element');
    const end = this.s.indexOf('>', this.pos);
    if (end < 0) this.fail('unterminated tag');
    const body = this.s.slice(this.pos + 1, end);
    this.pos = end + 1;
    const m = /^(\/?)([A-Za-z][\w.-]*)[^]*?(\/?)$/.exec(body.trim());
    if (!m) this.fail(`malformed tag <${body.slice(0, 40)}>`);
    return { name: m[2] as string, close: m[1] === '/', empty: m[3] === '/' };
  }

  private expectClose(name: string): void {
    this.skipMisc();
    const t = this.tag();
    if (!t.close || t.name !== name) this.fail(`expected </${name}>`);
  }

  /** Whitespace, the XML declaration, DOCTYPE and comments. */
  private skipMisc(): void {
    for (;;) {
      WHITESPACE.lastIndex = this.pos;
      WHITESPACE.test(this.s);
      this.pos = WHITESPACE.lastIndex;
      const rest = (open: string, close: string) => {
        if (!this.s.startsWith(open, this.pos)) return false;
        const end = this.s.indexOf(close, this.pos + open.length);
        if (end < 0) this.fail(`unterminated ${open}`);
        this.pos = end + close.length;
        return true;
      };
      if (!(rest('<?', '?>') || rest('<!--', '-->') || rest('<!DOCTYPE', '>'))) return;
    }
  }

  private number(text: string, integer: boolean): number {
    const n = integer ? Number.parseInt(text.trim(), text.trim().startsWith('0x') ? 16 : 10) : Number.parseFloat(text);
    if (Number.isNaN(n)) this.fail(`invalid number "${text.slice(0, 40)}"`);
    return n;
  }

  private date(text: string): Date {
    const d = new Date(text.trim());
    if (Number.isNaN(d.getTime())) this.fail(`invalid date "${text.slice(0, 40)}"`);
    return d;
  }
}

export function parseXmlPlist(buf: Buffer, what: string): PlistValue {
  return new XmlPlistReader(buf.toString('utf8'), what).document();
}
