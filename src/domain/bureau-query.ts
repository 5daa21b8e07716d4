// What a bureau reviewer typed into the record search (issue: "a reviewer cannot find a filing by
// signing-certificate fingerprint, USCC or ID number"). Pure: the query module turns the kind into
// SQL. A fingerprint is accepted the ways consoles and keytool print it (colons, spaces, dashes,
// any case; DOMAIN.md §0.1); its length says the algorithm. A USCC (GB 32100: 18 characters of
// the code's alphabet) or a resident ID number (GB 11643: 17 digits and a digit or X; the old
// 15-digit form) is looked up by its keyed hash only (ADR 0004: no LIKE on personal data).

export type BureauQuery =
  | { kind: 'fingerprint'; algorithm: 'md5' | 'sha1' | 'sha256'; hex: string }
  | { kind: 'certificate'; values: string[] }
  | { kind: 'number'; value: string }
  | { kind: 'text'; value: string };

const HEX_LENGTHS: Record<number, 'md5' | 'sha1' | 'sha256'> = { 32: 'md5', 40: 'sha1', 64: 'sha256' };
const USCC = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;
const RESIDENT_ID = /^(\d{17}[\dX]|\d{15})$/;

export function classifyBureauQuery(input: string): BureauQuery | null {
  const q = input.trim();
  if (!q) return null;
  const compact = q.replace(/[\s:-]/g, '').toLowerCase();
  const algorithm = HEX_LENGTHS[compact.length];
  if (algorithm && /^[0-9a-f]+$/.test(compact)) return { kind: 'fingerprint', algorithm, hex: compact };
  const upper = q.replace(/\s/g, '').toUpperCase();
  if (USCC.test(upper) || RESIDENT_ID.test(upper)) {
    // Stored as entered when filed; numbers are normalised to upper case on entry, but a record
    // loaded long ago may keep a lower-case x: both spellings are hashed.
    const raw = q.replace(/\s/g, '');
    return { kind: 'certificate', values: [...new Set([upper, raw])] };
  }
  if (/ICP[备证]|B2-/.test(q)) return { kind: 'number', value: q.replace(/\s/g, '') };
  return { kind: 'text', value: q };
}
