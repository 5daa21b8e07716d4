// Email addresses of principals (DOMAIN.md §2.2; the filing result is sent there [S1][S3]).
// A practical subset of RFC 5322 §3.4.1: a dot-atom local part (no quoted strings, no
// comments) at a domain name — IDN domains accepted and stored in punycode. Limits from
// RFC 5321 §4.5.3.1: local part ≤ 64 octets, whole path ≤ 254 characters.
import { toHalfWidth } from '../text.ts';
import { validateDomainName } from './domain-name.ts';
import { type Validation, invalid, valid } from './result.ts';

const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const DOT_ATOM = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`);

/**
 * The domain rules' answers for recent email domains (a pure function; a few providers' domains
 * make most addresses, and a bulk import checked each of them again: ~2–3 µs a line, ADR 0032).
 * Bounded: emptied when full.
 */
const domains = new Map<string, Validation<string>>();
function emailDomain(s: string): Validation<string> {
  let r = domains.get(s);
  if (r) return r;
  r = validateDomainName(s);
  if (domains.size >= 1024) domains.clear();
  domains.set(s, r);
  return r;
}

/**
 * Codes: `email_format` (no single "@", or whitespace inside), `email_local_part` (not a
 * dot-atom: leading/trailing/double dot, quotes, non-ASCII), `email_local_part_too_long`,
 * `email_domain` (the domain part fails the domain rules; message names the domain code),
 * `email_too_long`. A full-width ＠ is read as @. Normalised: domain lowercased punycode,
 * local part kept as typed (it is case-sensitive by RFC 5321 §2.4).
 */
export function validateEmail(input: string): Validation<string> {
  const s = toHalfWidth(input).trim();
  const at = s.lastIndexOf('@');
  if (at < 0 || s.indexOf('@') !== at || /\s/.test(s)) return invalid('email_format', 'an email address is name@domain, without spaces');
  const local = s.slice(0, at);
  if (!DOT_ATOM.test(local)) return invalid('email_local_part', 'the part before @ has letters, digits and !#$%&\'*+/=?^_`{|}~- with single dots between');
  if (local.length > 64) return invalid('email_local_part_too_long', 'the part before @ has at most 64 characters');
  const domain = emailDomain(s.slice(at + 1));
  if (!domain.ok) return invalid('email_domain', `the domain after @ is not valid (${domain.error.code}): ${domain.error.message}`);
  const address = `${local}@${domain.value}`;
  if (address.length > 254) return invalid('email_too_long', 'an email address has at most 254 characters');
  return valid(address);
}
