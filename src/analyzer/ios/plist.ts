// Property lists (Info.plist, embedded.mobileprovision's payload) in either encoding. Dictionaries
// are Maps: keys come from the package, and must not be able to touch object prototypes.
import { parseBinaryPlist } from './bplist.ts';
import { parseXmlPlist } from './xml-plist.ts';

export type PlistValue = string | number | boolean | null | Date | Buffer | PlistValue[] | PlistDict;
export type PlistDict = Map<string, PlistValue>;

export function parsePlist(buf: Buffer, what: string): PlistValue {
  if (buf.subarray(0, 8).toString('latin1') === 'bplist00') return parseBinaryPlist(buf, what);
  return parseXmlPlist(buf, what);
}

export function isDict(value: PlistValue | undefined): value is PlistDict {
  return value instanceof Map;
}

export function stringOf(dict: PlistDict, key: string): string | null {
  const value = dict.get(key);
  return typeof value === 'string' ? value : null;
}
