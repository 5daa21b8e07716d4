// Catalogue files for the bulk check: CSV (header platform,packageName,fingerprint — column
// names in any order and case, Chinese headers 平台/包名/指纹 accepted) or NDJSON (one object
// per line). A bad line is reported with its number; the rest go on.
export interface CatalogueItem { line: number; platform: string; packageName: string; fingerprint: string }
/** A line that cannot be read: `code` for the browser's words (i18n problems), `message` in English. */
export interface CatalogueLineError { line: number; code: 'catalogue_fields_missing' | 'catalogue_line_not_json'; message: string }
export interface CatalogueParse { items: CatalogueItem[]; errors: CatalogueLineError[] }
const MISSING = { code: 'catalogue_fields_missing', message: 'platform, packageName and fingerprint are required' } as const;

const ALIASES: Record<string, keyof Omit<CatalogueItem, 'line'>> = {
  platform: 'platform', 平台: 'platform', os: 'platform',
  packagename: 'packageName', package: 'packageName', package_name: 'packageName', bundleid: 'packageName', 包名: 'packageName',
  fingerprint: 'fingerprint', md5: 'fingerprint', sha1: 'fingerprint', sha256: 'fingerprint', certificate: 'fingerprint', 指纹: 'fingerprint', 签名: 'fingerprint',
};

/** One CSV record per line (RFC 4180 quoting; quoted newlines are not expected in catalogues). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '', quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') quoted = false; else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { out.push(cur); cur = ''; } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

export function parseCatalogue(text: string, fileName = ''): CatalogueParse {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const firstContent = lines.find((l) => l.trim() !== '') ?? '';
  const ndjson = /\.ndjson$|\.jsonl$/i.test(fileName) || firstContent.trim().startsWith('{');
  return ndjson ? parseNdjson(lines) : parseCsv(lines);
}

function parseNdjson(lines: string[]): CatalogueParse {
  const r: CatalogueParse = { items: [], errors: [] };
  lines.forEach((raw, i) => {
    if (!raw.trim()) return;
    try {
      const o = JSON.parse(raw) as Record<string, unknown>;
      const item = { line: i + 1, platform: String(o.platform ?? ''), packageName: String(o.packageName ?? o.package ?? ''), fingerprint: String(o.fingerprint ?? '') };
      if (!item.platform || !item.packageName || !item.fingerprint) r.errors.push({ line: i + 1, ...MISSING });
      else r.items.push(item);
    } catch (e) { r.errors.push({ line: i + 1, code: 'catalogue_line_not_json', message: (e as Error).message }); }
  });
  return r;
}

function parseCsv(lines: string[]): CatalogueParse {
  const r: CatalogueParse = { items: [], errors: [] };
  const headerAt = lines.findIndex((l) => l.trim() !== '');
  if (headerAt < 0) return r;
  const header = splitCsvLine(lines[headerAt]!).map((h) => ALIASES[h.toLowerCase().replace(/\s+/g, '')]);
  const known = header.filter(Boolean).length === 3;
  const cols = known ? header : (['platform', 'packageName', 'fingerprint'] as const);
  const start = known ? headerAt + 1 : headerAt;
  for (let i = start; i < lines.length; i++) {
    if (!lines[i]!.trim()) continue;
    const cells = splitCsvLine(lines[i]!);
    const item: CatalogueItem = { line: i + 1, platform: '', packageName: '', fingerprint: '' };
    cols.forEach((c, j) => { if (c) item[c] = cells[j] ?? ''; });
    if (!item.platform || !item.packageName || !item.fingerprint) r.errors.push({ line: i + 1, ...MISSING });
    else r.items.push(item);
  }
  return r;
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  // A leading = + - @ would be read as a formula by spreadsheet programs.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function toCsv(header: string[], rows: unknown[][]): string {
  return `\uFEFF${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/**
 * What a store must not serve (docs/api-verify.md, "Answers and statuses"): a package not filed, a filing
 * revoked or cancelled, a certificate that is not the filed one (a repackaged or re-signed APP). A shell is
 * legally filed: counted with the filed, and how many of them are shells.
 */
export const MUST_NOT_SERVE = ['not_filed', 'revoked', 'cancelled', 'fingerprint_mismatch'] as const;

export interface CatalogueCounts {
  total: number; filed: number; shell: number;
  /** notFiled + revoked + cancelled + fingerprintMismatch. */
  mustNotServe: number; notFiled: number; revoked: number; cancelled: number; fingerprintMismatch: number;
  /** Items the API could not read (`invalid`, with the item's error). */
  invalid: number;
}

const BUCKET: Record<string, keyof CatalogueCounts> = {
  filed: 'filed', shell: 'filed', not_filed: 'notFiled', revoked: 'revoked', cancelled: 'cancelled', fingerprint_mismatch: 'fingerprintMismatch', invalid: 'invalid',
};

/** The catalogue check's totals, from the per-row statuses (so the summary and the rows agree). */
export function catalogueCounts(statuses: readonly string[]): CatalogueCounts {
  const c: CatalogueCounts = { total: statuses.length, filed: 0, shell: 0, mustNotServe: 0, notFiled: 0, revoked: 0, cancelled: 0, fingerprintMismatch: 0, invalid: 0 };
  for (const s of statuses) {
    c[BUCKET[s] ?? 'invalid']++;
    if (s === 'shell') c.shell++;
    if ((MUST_NOT_SERVE as readonly string[]).includes(s)) c.mustNotServe++;
  }
  return c;
}
