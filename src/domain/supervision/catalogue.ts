// Catalogue lines (issue 14, contract 2): one line per APP an organisation distributes, hosts
// or preinstalls — `platform, packageName, fingerprint` and optionally `appName, storeId, url,
// downloads` — as NDJSON or CSV (with a header row). A bad line is reported with its number
// and the rest goes on. Identity checks are the verification API's own (parseItem). Pure.
import { type ItemProblem, type ParsedItem, parseItem } from '../verification.ts';

export const CATALOGUE_FIELDS = ['platform', 'packageName', 'fingerprint', 'appName', 'storeId', 'url', 'downloads'] as const;
export type CatalogueField = (typeof CATALOGUE_FIELDS)[number];
const REQUIRED: readonly CatalogueField[] = ['platform', 'packageName', 'fingerprint'];
const TEXT_MAX: Record<'appName' | 'storeId' | 'url', number> = { appName: 100, storeId: 128, url: 1000 };

export interface CatalogueLine {
  item: ParsedItem;
  appName: string | null;
  storeId: string | null;
  url: string | null;
  downloads: number | null;
}

export interface LineProblem { field: string; code: string; message: string }
export type LineResult = { ok: true; line: CatalogueLine } | { ok: false; problem: LineProblem };

const bad = (field: string, code: string, message: string): LineResult => ({ ok: false, problem: { field, code, message } });

/** Checks one record's fields (from either format); strings only, `downloads` as a string or number. */
export function validateCatalogueRecord(r: Record<string, unknown>): LineResult {
  for (const f of REQUIRED) {
    if (typeof r[f] !== 'string' || !(r[f] as string).trim()) return bad(f, 'required', `${f} is required`);
    if ((r[f] as string).length > 300) return bad(f, 'too_long', `${f} has at most 300 characters`);
  }
  const p = parseItem({ platform: r.platform as string, packageName: (r.packageName as string).trim(), fingerprint: r.fingerprint as string });
  if (!p.ok) return { ok: false, problem: p.problem satisfies ItemProblem };
  const text: Partial<Record<keyof typeof TEXT_MAX, string | null>> = {};
  for (const f of ['appName', 'storeId', 'url'] as const) {
    const v = r[f];
    if (v === undefined || v === null || v === '') { text[f] = null; continue; }
    if (typeof v !== 'string') return bad(f, 'not_text', `${f} is text`);
    if (v.length > TEXT_MAX[f]) return bad(f, 'too_long', `${f} has at most ${TEXT_MAX[f]} characters`);
    if (f === 'url' && !/^https?:\/\/\S+$/i.test(v.trim())) return bad(f, 'url_invalid', 'an http(s) URL');
    text[f] = v.trim();
  }
  let downloads: number | null = null;
  const d = r.downloads;
  if (d !== undefined && d !== null && d !== '') {
    const n = typeof d === 'number' ? d : typeof d === 'string' && /^\d{1,15}$/.test(d.trim()) ? Number(d.trim()) : NaN;
    if (!Number.isSafeInteger(n) || n < 0) return bad('downloads', 'not_a_count', 'downloads is a whole number ≥ 0');
    downloads = n;
  }
  return { ok: true, line: { item: p.value, appName: text.appName ?? null, storeId: text.storeId ?? null, url: text.url ?? null, downloads } };
}

/** One NDJSON line: a JSON object. */
export function parseNdjsonLine(text: string): LineResult {
  let v: unknown;
  try { v = JSON.parse(text); } catch { return bad('line', 'line_not_json', 'the line is not JSON'); }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return bad('line', 'line_not_object', 'each line is one JSON object');
  return validateCatalogueRecord(v as Record<string, unknown>);
}

/** Splits one CSV line (RFC 4180 quoting; a quoted field does not span lines). Null when a quote is unterminated. */
export function splitCsvLine(text: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let v = '';
      i += 1;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) return null;
        v += text.slice(i, q);
        if (text[q + 1] === '"') { v += '"'; i = q + 2; continue; }
        i = q + 1;
        break;
      }
      out.push(v);
      if (i >= text.length) return out;
      if (text[i] !== ',') return null;
      i += 1;
    } else {
      const c = text.indexOf(',', i);
      if (c < 0) { out.push(text.slice(i)); return out; }
      out.push(text.slice(i, c));
      i = c + 1;
    }
  }
}

export interface CsvHeader { columns: (CatalogueField | null)[] }

/** The header row: known columns by name (case-insensitive, `package_name` or `packageName`); the three identity columns are required. */
export function parseCsvHeader(text: string): { ok: true; header: CsvHeader } | { ok: false; problem: LineProblem } {
  const cells = splitCsvLine(text.replace(/^\uFEFF/, ''));
  if (!cells) return { ok: false, problem: { field: 'header', code: 'csv_malformed', message: 'the header row is not valid CSV' } };
  const norm = (s: string) => s.trim().toLowerCase().replace(/[_\s-]/g, '');
  const columns = cells.map((c) => CATALOGUE_FIELDS.find((f) => f.toLowerCase() === norm(c)) ?? null);
  const missing = REQUIRED.filter((f) => !columns.includes(f));
  if (missing.length) {
    return { ok: false, problem: { field: 'header', code: 'csv_header_missing', message: `the first row names the columns; missing: ${missing.join(', ')}` } };
  }
  return { ok: true, header: { columns } };
}

/** One CSV data line under its header. */
export function parseCsvLine(header: CsvHeader, text: string): LineResult {
  const cells = splitCsvLine(text);
  if (!cells) return bad('line', 'csv_malformed', 'the line is not valid CSV (quotes)');
  const r: Record<string, unknown> = {};
  header.columns.forEach((c, i) => { if (c && cells[i] !== undefined) r[c] = cells[i]; });
  return validateCatalogueRecord(r);
}
