// The browser's answer to the one Node import of the domain validators (src/domain/validation/
// domain-name.ts uses node:url's IDN conversion). WHATWG URL host parsing is the same UTS #46
// processing Node applies, so the validators give the same answers in the browser.

/** Like node:url domainToASCII: the A-label form, or '' when the name cannot be converted. */
export function domainToASCII(domain: string): string {
  try {
    return new URL(`http://${domain}/`).hostname;
  } catch {
    return '';
  }
}

/** Like node:url domainToUnicode: xn-- labels decoded (RFC 3492), '' when one is broken. */
export function domainToUnicode(domain: string): string {
  try {
    return domain.split('.').map((l) => (l.toLowerCase().startsWith('xn--') ? decodePunycode(l.slice(4)) : l.toLowerCase())).join('.');
  } catch {
    return '';
  }
}

const BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700, INITIAL_BIAS = 72, INITIAL_N = 128;

function adapt(delta: number, points: number, first: boolean): number {
  let d = first ? Math.floor(delta / DAMP) : delta >> 1;
  d += Math.floor(d / points);
  let k = 0;
  while (d > ((BASE - TMIN) * TMAX) >> 1) { d = Math.floor(d / (BASE - TMIN)); k += BASE; }
  return k + Math.floor(((BASE - TMIN + 1) * d) / (d + SKEW));
}

function digit(c: number): number {
  if (c >= 48 && c <= 57) return c - 22;
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 97;
  throw new Error('bad punycode digit');
}

export function decodePunycode(input: string): string {
  const out: number[] = [];
  const basic = input.lastIndexOf('-');
  for (let j = 0; j < Math.max(basic, 0); j++) out.push(input.charCodeAt(j));
  let n = INITIAL_N, bias = INITIAL_BIAS, i = 0;
  for (let idx = basic > 0 ? basic + 1 : 0; idx < input.length;) {
    const oldi = i;
    for (let w = 1, k = BASE; ; k += BASE) {
      if (idx >= input.length) throw new Error('truncated punycode');
      const d = digit(input.charCodeAt(idx++));
      i += d * w;
      const t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
      if (d < t) break;
      w *= BASE - t;
    }
    bias = adapt(i - oldi, out.length + 1, oldi === 0);
    n += Math.floor(i / (out.length + 1));
    i %= out.length + 1;
    out.splice(i++, 0, n);
  }
  return String.fromCodePoint(...out);
}
