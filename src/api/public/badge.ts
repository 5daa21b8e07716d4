// The display badge of a service number (issue 5 item 4): a small SVG showing the number and its
// status, for an APP's or website's About page, linked to the public record page. The 105号
// notice requires the number shown in a prominent place and linked to the filing system
// (DOMAIN.md §1 "Display"); the badge shows it as an image, the text snippet as text.
//
// Safe to embed anywhere: no script, no style sheet, no external reference, no id (two badges
// inlined into one page cannot collide); every text is XML-escaped. The width is computed from
// the text and each text is pinned to that width (textLength), so no font can clip it.
import type { PublicServiceRow } from './queries.ts';

export type BadgeStatus = PublicServiceRow['status'];
export const BADGE_LANGS = ['zh', 'en'] as const;
export type BadgeLang = (typeof BADGE_LANGS)[number];

const LABELS: Record<BadgeLang, Record<BadgeStatus, string>> = {
  zh: { filed: '已备案', cancelled: '已注销', revoked: '已撤销' },
  en: { filed: 'Filed', cancelled: 'Cancelled', revoked: 'Revoked' },
};

// White text on each of these has a contrast ratio of at least 4.5:1 (WCAG AA for small text).
const COLOURS: Record<BadgeStatus, string> = { filed: '#2e7d32', cancelled: '#6e6e6e', revoked: '#c62828' };
const NUMBER_BG = '#454545';

export const BADGE_HEIGHT = 20;
const FONT_SIZE = 11;
const PAD = 7;
const FONT = "Verdana,'DejaVu Sans','PingFang SC','Microsoft YaHei','Noto Sans CJK SC','WenQuanYi Zen Hei',sans-serif";

// Advance widths in em of Verdana, the widest of the listed Latin fonts (DejaVu Sans is no
// wider for these characters), so the computed box is never too small.
const EM: Record<string, number> = {
  ' ': 0.352, '-': 0.431, '.': 0.364, ':': 0.454, '(': 0.454, ')': 0.454, '/': 0.454,
  A: 0.684, B: 0.686, C: 0.698, D: 0.771, E: 0.632, F: 0.575, G: 0.775, H: 0.751, I: 0.421, J: 0.455, K: 0.693,
  L: 0.557, M: 0.843, N: 0.748, O: 0.787, P: 0.603, Q: 0.787, R: 0.695, S: 0.684, T: 0.616, U: 0.732, V: 0.684,
  W: 0.989, X: 0.685, Y: 0.615, Z: 0.685,
  a: 0.601, b: 0.623, c: 0.521, d: 0.623, e: 0.596, f: 0.352, g: 0.623, h: 0.633, i: 0.274, j: 0.344, k: 0.592,
  l: 0.274, m: 0.973, n: 0.633, o: 0.607, p: 0.623, q: 0.623, r: 0.427, s: 0.521, t: 0.394, u: 0.633, v: 0.592,
  w: 0.818, x: 0.592, y: 0.592, z: 0.525,
};
const DIGIT_EM = 0.636;
const OTHER_ASCII_EM = 0.7;
const OTHER_EM = 1; // CJK ideographs, full-width forms and anything else: a full em

/** Width in px of `text` at the badge's font size; CJK characters count a full em, ASCII less. */
export function textWidth(text: string): number {
  let em = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    em += code >= 0x30 && code <= 0x39 ? DIGIT_EM : EM[ch] ?? (code < 0x80 ? OTHER_ASCII_EM : OTHER_EM);
  }
  return Math.ceil(em * FONT_SIZE * 10) / 10;
}

/** Text safe inside an XML element or a quoted attribute. */
export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export function badgeTitle(number: string, status: BadgeStatus, lang: BadgeLang): string {
  const label = LABELS[lang][status];
  return lang === 'zh' ? `备案号 ${number}：${label}` : `Filing number ${number}: ${label.toLowerCase()}`;
}

/** One text, with a faint shadow below it for legibility on any background colour. */
function text(x: number, width: number, s: string, strike: boolean): string {
  const deco = strike ? ' text-decoration="line-through"' : '';
  const common = `x="${x}" textLength="${width}"${deco}`;
  return `<text ${common} y="15" fill="#010101" fill-opacity=".3" aria-hidden="true">${xmlEscape(s)}</text>`
    + `<text ${common} y="14">${xmlEscape(s)}</text>`;
}

/**
 * The badge: the number on the left, the status on the right (green filed, grey cancelled, red
 * revoked); a cancelled or revoked number is also struck through, so the difference does not
 * rest on colour alone.
 */
export function renderBadge(number: string, status: BadgeStatus, lang: BadgeLang): { svg: string; width: number } {
  const label = LABELS[lang][status];
  const numberWidth = textWidth(number);
  const labelWidth = textWidth(label);
  const left = Math.ceil(numberWidth + 2 * PAD);
  const right = Math.ceil(labelWidth + 2 * PAD);
  const width = left + right;
  const h = BADGE_HEIGHT;
  const title = xmlEscape(badgeTitle(number, status, lang));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${h}" viewBox="0 0 ${width} ${h}" role="img" aria-label="${title}">`
    + `<title>${title}</title>`
    + `<path fill="${NUMBER_BG}" d="M3 0H${left}V${h}H3A3 3 0 0 1 0 ${h - 3}V3A3 3 0 0 1 3 0Z"/>`
    + `<path fill="${COLOURS[status]}" d="M${left} 0H${width - 3}A3 3 0 0 1 ${width} 3V${h - 3}A3 3 0 0 1 ${width - 3} ${h}H${left}Z"/>`
    + `<g fill="#fff" text-anchor="middle" font-family="${FONT}" font-size="${FONT_SIZE}">`
    + text(left / 2, numberWidth, number, status !== 'filed')
    + text(left + right / 2, labelWidth, label, false)
    + '</g></svg>\n';
  return { svg, width };
}
