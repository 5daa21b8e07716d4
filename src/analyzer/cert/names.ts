// Distinguished names in the string form of RFC 2253 §2: RDNs in reverse order of the encoding
// (most specific first), ',' between RDNs, '+' inside a multi-valued RDN, no spaces. This matches
// `openssl x509 -nameopt RFC2253,-esc_msb` and GROUND-TRUTH.md (`CN=FDroid,…,C=UK`). Unlike
// openssl's default we keep non-ASCII text as UTF-8 (Chinese organisation names stay readable).
import * as asn1js from 'asn1js';
import { hex } from '../bytes.ts';
import { children, isUniversal, malformed, oid, raw, type Node } from './asn1.ts';

// Short names as openssl prints them with -nameopt RFC2253 (RFC 2253 §2.3 plus RFC 4519 common ones).
const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.17': 'postalCode',
  '2.5.4.42': 'GN',
  '2.5.4.43': 'initials',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.65': 'pseudonym',
  '2.5.4.97': 'organizationIdentifier',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC',
  '2.5.4.15': 'businessCategory',
};

export function formatName(name: Node, what: string): string {
  if (!isUniversal(name, 16)) throw malformed(what, 'expected a Name (SEQUENCE)');
  const rdns = children(name, what).map((rdn) => {
    if (!isUniversal(rdn, 17)) throw malformed(what, 'expected a RelativeDistinguishedName (SET)');
    return children(rdn, what).map((atv) => formatAttribute(atv, what)).join('+');
  });
  return rdns.reverse().join(',');
}

/** The value of the first attribute of the given type (e.g. '2.5.4.3' for CN), or null. */
export function nameAttribute(name: Node, type: string, what: string): string | null {
  for (const rdn of children(name, what)) {
    for (const atv of children(rdn, what)) {
      const [t, v] = children(atv, what);
      if (oid(t, what) === type && v) return stringValue(v);
    }
  }
  return null;
}

function formatAttribute(atv: Node, what: string): string {
  const [type, value] = children(atv, what);
  if (!value) throw malformed(what, 'attribute without a value');
  const typeOid = oid(type, what);
  const short = SHORT_NAMES[typeOid];
  const text = stringValue(value);
  // RFC 2253 §2.4: types without a short name are written as OIDs with the value's BER in hex.
  if (!short || text === null) return `${short ?? typeOid}=#${hex(raw(value))}`;
  return `${short}=${escapeValue(text)}`;
}

function stringValue(value: Node): string | null {
  if (value.idBlock.tagClass !== 1 || value.idBlock.isConstructed) return null;
  const bytes = Buffer.from((value.valueBlock as { valueHexView?: Uint8Array }).valueHexView ?? []);
  switch (value.idBlock.tagNumber) {
    case 12: return bytes.toString('utf8'); // UTF8String
    case 19: case 22: case 26: case 18: return bytes.toString('latin1'); // Printable, IA5, Visible, Numeric
    case 20: return bytes.toString('latin1'); // TeletexString: in practice Latin-1
    case 30: return (value as asn1js.BmpString).valueBlock.value; // BMPString, UTF-16BE
    case 28: return (value as asn1js.UniversalString).valueBlock.value; // UniversalString, UTF-32BE
    default: return null;
  }
}

/** RFC 2253 §2.4 escaping (as openssl's esc_2253, without escaping UTF-8 bytes). */
function escapeValue(s: string): string {
  let out = s.replace(/[\\,+"<>;]/g, (c) => `\\${c}`);
  out = out.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}
