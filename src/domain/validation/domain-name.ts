// Domain names for the APP / website domain lists (DOMAIN.md §2.1, §2.5). Stored in ASCII
// (punycode, "A-label") form so that 例子.中国 and xn--fsqu00a.xn--fiqs8s are one domain.
// IDN conversion is node:url's domainToASCII (UTS #46 processing, pure); everything around it
// — what a user may paste and the LDH label rules of RFC 1035/5891 — is checked here.
import { domainToASCII, domainToUnicode } from 'node:url';
import { toHalfWidth } from '../text.ts';
import { validateIpAddress } from './ip.ts';
import { type Validation, invalid, valid } from './result.ts';

const MAX_NAME = 253; // RFC 1035 §2.3.4, written without the trailing dot
const MAX_LABEL = 63;

/**
 * Codes: `domain_empty`, `domain_is_url` (scheme, path, query or fragment), `domain_has_port`,
 * `domain_is_ip`, `domain_charset` (a character no domain may contain: underscore, space,
 * wildcard, "@"…), `domain_idn` (an internationalised label that cannot be converted, or a bad
 * xn-- label), `domain_too_long`, `domain_empty_label`, `domain_single_label`,
 * `domain_label_too_long`, `domain_label_hyphen` (hyphen first/last, or "--" in positions 3–4
 * of a non-xn-- label, reserved by RFC 5891 §4.2.3.1), `domain_tld_numeric`.
 * Normalised: lowercase ASCII, one trailing dot removed, ideographic full stops (。．｡) read
 * as dots.
 */
export function validateDomainName(input: string): Validation<string> {
  const s = toHalfWidth(input).replace(/[\u3002\uff61]/g, '.').trim();
  const pre = precheck(s);
  if (!pre.ok) return pre;
  const name = s.endsWith('.') ? s.slice(0, -1) : s;
  // Before conversion: WHATWG host parsing reads a name ending in a numeric label as IPv4.
  if (/(^|\.)\d+$/.test(name)) return invalid('domain_tld_numeric', 'a top-level domain is never all digits');
  const ascii = domainToASCII(name);
  if (ascii === '') return invalid('domain_idn', 'an internationalised label cannot be converted to punycode');
  if (ascii.length > MAX_NAME) return invalid('domain_too_long', `a domain name has at most ${MAX_NAME} characters (in punycode)`);
  const labels = ascii.split('.');
  if (labels.some((l) => l === '')) return invalid('domain_empty_label', 'a domain name has no empty labels (".." or a leading dot)');
  if (labels.length < 2) return invalid('domain_single_label', 'a domain name needs at least a name and a top-level domain');
  for (const label of labels) {
    const bad = checkLabel(label);
    if (bad) return bad;
  }
  return valid(ascii);
}

/** The Unicode ("U-label") form for display, e.g. xn--fsqu00a.xn--fiqs8s → 例子.中国. */
export function domainForDisplay(ascii: string): string {
  return domainToUnicode(ascii) || ascii;
}

function precheck(s: string): Validation<true> {
  if (s === '') return invalid('domain_empty', 'enter a domain name');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) || /[/?#\\]/.test(s)) {
    return invalid('domain_is_url', 'enter the domain alone, without http://, a path or a query');
  }
  if (validateIpAddress(s.replace(/^\[|\]$/g, '')).ok || /^[\d.]+$/.test(s)) {
    return invalid('domain_is_ip', 'an IP address is not a domain name; list it under IP addresses');
  }
  if (/:\d*$/.test(s)) return invalid('domain_has_port', 'enter the domain without a port');
  // Anything WHATWG host parsing would silently rewrite (%-escapes) or that DNS hostnames
  // never contain: no letters or digits of any script, no hyphen, no dot.
  if (/[^\p{L}\p{M}\p{N}.-]/u.test(s)) return invalid('domain_charset', 'a domain name has letters, digits, hyphens and dots only');
  return valid(true);
}

function checkLabel(label: string): Validation<never> | undefined {
  if (label.length > MAX_LABEL) return invalid('domain_label_too_long', `a label has at most ${MAX_LABEL} characters (in punycode)`);
  if (!/^[a-z0-9-]+$/.test(label)) return invalid('domain_charset', 'a domain name has letters, digits, hyphens and dots only');
  if (label.startsWith('-') || label.endsWith('-')) return invalid('domain_label_hyphen', 'a label cannot start or end with a hyphen');
  if (label.slice(2, 4) === '--' && !label.startsWith('xn--')) {
    return invalid('domain_label_hyphen', '"--" in the third and fourth positions is reserved for xn-- labels');
  }
  return undefined;
}
