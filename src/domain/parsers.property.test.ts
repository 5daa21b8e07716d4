// Property tests of the other parsers in src/domain (issue 15, §2): the verification item and
// catalogue line parsers, webhook URLs, blacklist values, a USCC's province, the holiday-schedule
// file parser, text normalisation and date arithmetic. On any input they answer (or, for the
// schedule file, refuse with the named DomainError the API turns into a 400) and never throw
// anything else; what they normalise stays normal. FUZZ_RUNS sets the runs (default 300).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzRuns, hostileString } from '../../tests/hostile.ts';
import { parseScheduleFile } from './calendar-import.ts';
import { addDays, daysBetween, fromUtcMillis, isIsoDate, toUtcMillis, validateIsoDate } from './dates.ts';
import { DomainError } from './errors.ts';
import { normaliseBlacklistValue } from './supervision/blacklist.ts';
import { provinceOfUscc } from './supervision/campaigns.ts';
import { parseCsvHeader, parseCsvLine, parseNdjsonLine, splitCsvLine, validateCatalogueRecord } from './supervision/catalogue.ts';
import { charCount, compact, hasControlChars, tidySpaces, toHalfWidth } from './text.ts';
import { parseItem, parseItemFully } from './verification.ts';
import { validateWebhookUrl } from './webhook-url.ts';

const numRuns = fuzzRuns(300);
const anyJson = fc.jsonValue({ maxDepth: 3 });

describe('parsers on any input', () => {
  it('parseItem (verification) answers ok or a named problem', () => {
    fc.assert(fc.property(hostileString, hostileString, hostileString, (platform, packageName, fingerprint) => {
      const r = parseItem({ platform, packageName, fingerprint });
      if (!r.ok) expect(r.problem.code).toMatch(/^[a-z0-9_]+$/);
    }), { numRuns });
  });

  it('parseItem answers as the validators do (its fast path for canonical items changes no answer)', () => {
    // Mostly near-canonical items, to reach the fast path's edges: case, whitespace, separators, lengths, segments.
    const seg = fc.stringMatching(/^[A-Za-z0-9_-]{0,5}$/);
    const pkg = fc.oneof(
      { arbitrary: fc.array(seg, { minLength: 1, maxLength: 4 }).map((xs) => xs.join('.')), weight: 6 },
      { arbitrary: fc.tuple(fc.constantFrom(' ', '\t', '.', '\u00a0'), fc.constantFrom('a.b', 'com.x1', 'ab.cd.ef')).map(([w, x]) => (x.length % 2 ? w + x : x + w)), weight: 1 },
      { arbitrary: fc.integer({ min: 120, max: 260 }).map((n) => `a.${'b'.repeat(n)}`), weight: 1 },
      { arbitrary: hostileString, weight: 1 });
    const fp = fc.oneof(
      { arbitrary: fc.constantFrom(31, 32, 33, 40, 64, 65).chain((n) => fc.stringMatching(new RegExp(`^[0-9a-fA-F]{${n}}$`))), weight: 6 },
      { arbitrary: fc.constantFrom('MD5: ', 'sha1 ', ' ', ':').chain((p) => fc.stringMatching(/^[0-9a-f]{32}$/).map((h) => p + h)), weight: 1 },
      { arbitrary: hostileString, weight: 1 });
    const platform = fc.oneof({ arbitrary: fc.constantFrom('android', 'ios', 'harmonyos'), weight: 6 },
      { arbitrary: fc.constantFrom('Android', ' ios', 'harmonyOS', 'symbian', 'constructor', '__proto__'), weight: 1 }, { arbitrary: hostileString, weight: 1 });
    fc.assert(fc.property(platform, pkg, fp, (p, packageName, fingerprint) => {
      const item = { platform: p, packageName, fingerprint };
      expect(parseItem(item)).toEqual(parseItemFully(item));
    }), { numRuns: numRuns * 3 });
  });

  it('catalogue lines (NDJSON, CSV, records of any JSON) answer ok or a named problem', () => {
    const record = fc.dictionary(fc.constantFrom('platform', 'packageName', 'fingerprint', 'appName', 'storeId', 'url', 'downloads', 'x'), fc.oneof(hostileString, anyJson));
    fc.assert(fc.property(record, hostileString, (r, text) => {
      for (const res of [validateCatalogueRecord(r), parseNdjsonLine(JSON.stringify(r)), parseNdjsonLine(text)]) {
        if (!res.ok) expect(res.problem.code).toMatch(/^[a-z0-9_]+$/);
      }
      const cells = splitCsvLine(text);
      expect(cells === null || Array.isArray(cells)).toBe(true);
      const header = parseCsvHeader('platform,packageName,fingerprint,appName,downloads');
      expect(header.ok).toBe(true);
      if (header.ok) {
        const res = parseCsvLine(header.header, text);
        if (!res.ok) expect(res.problem.code).toMatch(/^[a-z0-9_]+$/);
      }
      const h = parseCsvHeader(text);
      if (!h.ok) expect(h.problem.code).toMatch(/^[a-z0-9_]+$/);
    }), { numRuns });
  });

  it('a CSV line of quoted cells splits back into the same cells', () => {
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 12 }).filter((s) => !/[\r\n]/.test(s)), { minLength: 1, maxLength: 6 }), (cells) => {
      expect(splitCsvLine(cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(','))).toEqual(cells);
    }), { numRuns });
  });

  it('validateWebhookUrl: never throws; an accepted URL validates to itself', () => {
    fc.assert(fc.property(fc.oneof(hostileString, fc.webUrl({ withQueryParameters: true, withFragments: true })), (s) => {
      const r = validateWebhookUrl(s);
      if (r.ok) expect(validateWebhookUrl(r.value)).toMatchObject({ ok: true, value: r.value });
      else expect(r.error.code).toMatch(/^webhook_url_[a-z_]+$/);
    }), { numRuns });
  });

  it('normaliseBlacklistValue is idempotent; provinceOfUscc answers a province code or null', () => {
    fc.assert(fc.property(hostileString, (s) => {
      for (const kind of ['domain', 'package'] as const) {
        const v = normaliseBlacklistValue(kind, s);
        expect(normaliseBlacklistValue(kind, v)).toBe(v);
      }
      const p = provinceOfUscc(s);
      expect(p === null || /^\d{2}0000$/.test(p)).toBe(true);
    }), { numRuns });
  });

  it('parseScheduleFile refuses what is not a schedule with a DomainError (a 400), nothing else', () => {
    const ics = fc.array(fc.oneof(hostileString, fc.constantFrom('BEGIN:VCALENDAR', 'END:VCALENDAR', 'BEGIN:VEVENT', 'END:VEVENT', 'DTSTART;VALUE=DATE:20270101', 'DTEND;VALUE=DATE:2027013', 'SUMMARY:元旦')), { maxLength: 8 })
      .map((lines) => lines.join('\r\n'));
    const json = fc.oneof(anyJson, fc.record({ year: fc.oneof(fc.integer(), hostileString), holidays: fc.oneof(anyJson, fc.array(hostileString)), workdays: anyJson }, { requiredKeys: [] }))
      .map((v) => JSON.stringify(v));
    fc.assert(fc.property(fc.oneof(hostileString, ics, json), fc.option(fc.integer({ min: 1990, max: 2110 }), { nil: undefined }), (text, year) => {
      try { parseScheduleFile(text, year); } catch (e) { expect(e, String(e)).toBeInstanceOf(DomainError); }
    }), {
      numRuns,
      // Found by a CI run (seed -582606108): an END:VEVENT with no VEVENT open was a TypeError from ical.js's tree, a 500.
      examples: [['BEGIN:VCALENDAR\r\nEND:VEVENT\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR', undefined]],
    });
  });
});

describe('text and dates', () => {
  it('toHalfWidth, compact and tidySpaces are idempotent; charCount counts code points; no control characters survive as none', () => {
    fc.assert(fc.property(hostileString, (s) => {
      for (const f of [toHalfWidth, compact, tidySpaces]) expect(f(f(s))).toBe(f(s));
      expect(charCount(s)).toBe([...s].length);
      expect(typeof hasControlChars(s)).toBe('boolean');
    }), { numRuns });
  });

  const isoDate = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

  it('addDays and daysBetween are inverse; toUtcMillis and fromUtcMillis round-trip', () => {
    fc.assert(fc.property(isoDate, fc.integer({ min: -40_000, max: 40_000 }), (d, n) => {
      const later = addDays(d, n);
      expect(isIsoDate(later)).toBe(true);
      expect(daysBetween(d, later)).toBe(n);
      expect(fromUtcMillis(toUtcMillis(d))).toBe(d);
    }), { numRuns });
  });

  it('validateIsoDate accepts exactly the strings isIsoDate accepts', () => {
    fc.assert(fc.property(fc.oneof(hostileString, isoDate, fc.stringMatching(/^\d{4}-\d{2}-\d{2}$/)), (s) => {
      expect(validateIsoDate(s).ok).toBe(isIsoDate(s));
    }), { numRuns });
  });
});
