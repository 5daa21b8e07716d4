// Collects the problems (block submission) and warnings (never block) of one check of the
// materials. Fields are dotted paths with array indexes: `platforms.0.packageName`.
import type { Validation } from '../validation/result.ts';

export interface Problem {
  field: string;
  code: string;
  message: string;
}

export class Report {
  readonly problems: Problem[] = [];
  readonly warnings: Problem[] = [];

  error(field: string, code: string, message: string): void {
    this.problems.push({ field, code, message });
  }

  warn(field: string, code: string, message: string): void {
    this.warnings.push({ field, code, message });
  }

  required(field: string, what: string): void {
    this.error(field, 'required', `${what} is required`);
  }

  /** Record a validator's error or warnings at `field`; the normalised value if valid. */
  take<T>(field: string, result: Validation<T>): T | undefined {
    if (!result.ok) {
      this.error(field, result.error.code, result.error.message);
      return undefined;
    }
    for (const w of result.warnings) this.warn(field, w.code, w.message);
    return result.value;
  }
}

/** Join path segments: path('service', 'domains', 2) → 'service.domains.2'. */
export const path = (...parts: (string | number)[]): string => parts.filter((p) => p !== '').join('.');

/** Absent, null, or only whitespace. */
export function isBlank(value: unknown): value is undefined | null | '' {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** A present, non-blank string, trimmed; undefined otherwise. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The value of a required string field, trimmed, or a `required` problem. */
export function requireText(report: Report, field: string, value: unknown, what: string): string | undefined {
  const s = text(value);
  if (s === undefined) report.required(field, what);
  return s;
}

/** Non-empty array or undefined. */
export function nonEmpty<T>(value: readonly T[] | undefined | null): readonly T[] | undefined {
  return value && value.length > 0 ? value : undefined;
}

/** Indexes of entries equal to an earlier one (by key). */
export function duplicateIndexes<T>(items: readonly T[], key: (item: T) => string | undefined): number[] {
  const seen = new Set<string>();
  const dups: number[] = [];
  items.forEach((item, i) => {
    const k = key(item);
    if (k === undefined) return;
    if (seen.has(k)) dups.push(i);
    seen.add(k);
  });
  return dups;
}
