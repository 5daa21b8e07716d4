// The part of a bulk import's work that depends on one line alone (issue 16 item 8; ADR 0032,
// addendum "lines prepared beside the writer"): the line parsed, read into a checked record
// (src/domain/import-record.ts) and its personal data sealed and hashed. An import does it on its
// own thread or on worker threads (src/db/import-workers.ts); either way the result is the same
// and the rest — conflicts between lines, ids of subjects and hosts, the batches — stays on the
// importer's thread, in file order (src/flows/import-filings.ts).
import type { StagedPerson } from './bulk-import.ts';
import type { Sealer } from './personal-data.ts';
import { uuidv7 } from './uuid7.ts';
import { type ImportIssue, type ImportPerson, type ImportRecord, readImportRecord } from '../domain/import-record.ts';

/** A line of the source: an object (a CSV row, a test's record), an NDJSON line's text, or what the source already refused. */
export type SourceLine = { line: number; value: unknown } | { line: number; text: string } | { line: number; issue: ImportIssue };

/** A subject's sealed personal data: its certificate number and its principal. */
export interface SealedSubject { certEnc: string; certHash: string; principal: StagedPerson }

export type PreparedLine =
  | { line: number; issue: ImportIssue }
  | { line: number; record: ImportRecord; subject: SealedSubject; servicePrincipal: StagedPerson | null };

export const JSON_SYNTAX: ImportIssue = { field: 'line', code: 'json_syntax', message: 'the line is not one JSON object' };

export function sealPerson(sealer: Sealer, p: ImportPerson): StagedPerson {
  return {
    id: uuidv7(), name: p.name, certType: p.certificateType,
    certEnc: sealer.seal(p.certificateNumber), certHash: sealer.hash('id_number', p.certificateNumber),
    mobileEnc: sealer.seal(p.mobile), mobileHash: sealer.hash('phone', p.mobile),
    emailEnc: sealer.seal(p.email), emailHash: sealer.hash('email', p.email),
  };
}

/** Everything a subject's sealing reads, with its main number: lines that agree on it may share one sealing. */
const subjectKey = (r: ImportRecord) => {
  const s = r.subject;
  const p = s.principal;
  return `${r.number.mainNumber}\u0000${s.certificateNumber}\u0000${p.name}\u0000${p.certificateType}\u0000${p.certificateNumber}\u0000${p.mobile}\u0000${p.email}`;
};

/**
 * Prepares lines one after the other. The services of one subject usually follow each other in a
 * file: a line whose subject — main number and every sealed value — is the previous line's reuses
 * its sealing (the importer uses a subject's sealing once, for the first line that files it; a
 * later batch finds the subject in the registry and seals nothing).
 */
export class LinePreparer {
  private lastKey = '';
  private last: SealedSubject | null = null;
  constructor(private readonly sealer: Sealer) {}

  prepare(l: SourceLine): PreparedLine {
    if ('issue' in l) return l;
    let value: unknown;
    if ('text' in l) {
      try { value = JSON.parse(l.text); } catch { return { line: l.line, issue: JSON_SYNTAX }; }
    } else value = l.value;
    const r = readImportRecord(value);
    if (!r.ok) return { line: l.line, issue: r.issue };
    const record = r.value;
    const key = subjectKey(record);
    if (key !== this.lastKey || !this.last) {
      const s = record.subject;
      this.last = { certEnc: this.sealer.seal(s.certificateNumber), certHash: this.sealer.hash('id_number', s.certificateNumber), principal: sealPerson(this.sealer, s.principal) };
      this.lastKey = key;
    }
    return { line: l.line, record, subject: this.last, servicePrincipal: record.servicePrincipal ? sealPerson(this.sealer, record.servicePrincipal) : null };
  }
}

/** `lines` prepared in order (a worker's chunk). */
export function prepareLines(sealer: Sealer, lines: readonly SourceLine[]): PreparedLine[] {
  const p = new LinePreparer(sealer);
  return lines.map((l) => p.prepare(l));
}
