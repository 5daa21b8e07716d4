// Building blocks for tests that feed `beian import` (src/flows/import-filings.ts): valid
// identifiers numbered by the test, and an in-memory source of records.
import { idNumberCheckChar, usccCheckChar } from '../src/domain/validation/index.ts';
import type { ImportSource } from '../src/flows/import-filings.ts';

/** A valid unified social credit code (广东, 深圳) numbered `n`. */
export const usccOf = (n: number) => { const f = `91440300MA${String(n).padStart(7, '0')}`; return f + usccCheckChar(f); };
/** A valid resident ID number (born 1990-01-01) with sequence `n` (0–999). */
export const residentIdOf = (n: number) => { const f = `11010519900101${String(n).padStart(3, '0')}`; return f + idNumberCheckChar(f); };
/** `n` in hex, `len` digits (a fingerprint-shaped value). */
export const hexOf = (n: number, len: number) => n.toString(16).padStart(len, '0');

/** Records as lines 1…n of an NDJSON file; with `failAfter`, the read breaks off there (an interrupted import). */
export const memorySource = (key: string, records: unknown[], failAfter?: number): ImportSource => ({
  key, fileName: 'memory.ndjson', format: 'ndjson',
  async *lines(after) {
    for (let i = after; i < records.length; i++) {
      if (failAfter !== undefined && i >= failAfter) throw new Error('interrupted');
      yield { line: i + 1, value: records[i] };
    }
  },
});

/** What tells one test's app records apart from another's (numbers, names, contacts). */
export interface AppRecordStyle { year: number; tag: string; pkg: string; address: string; principal: string; mobile: string; email: string; approvedAt: string; ios?: boolean }

/** A filed APP record of `beian import` (service `seq` of subject `serial`, 粤ICP备<year>…), in `style`; `o` overrides fields. */
export function appRecord(style: AppRecordStyle, serial: number, seq: number, o: Record<string, unknown> = {}) {
  const main = `粤ICP备${style.year}${String(serial).padStart(6, '0')}号`;
  const pkg = `com.${style.pkg}.app${serial}.s${seq}`;
  return {
    serviceNumber: `${main}-${seq}A`, serviceType: 'app', serviceName: `${style.tag}应用${serial}-${seq}`, status: 'filed',
    approvedAt: style.approvedAt, hostName: `深圳市${style.tag}${serial}科技有限公司`, hostType: 'unit', hostNature: 'enterprise',
    subject: {
      certificateType: 'uscc', certificateNumber: usccOf(serial), address: style.address, cityCode: '440300', districtCode: '440305',
      principal: { name: style.principal, certificateType: 'resident_id', certificateNumber: residentIdOf(serial % 900), mobile: style.mobile, email: `${style.email}${serial}@example.com` },
    },
    platforms: [
      { platform: 'android', packageName: pkg, certSha256: hexOf(serial * 100 + seq, 64) },
      ...(style.ios ? [{ platform: 'ios', packageName: pkg, certSha1: hexOf(serial * 100 + seq, 40) }] : []),
    ],
    ...o,
  };
}
