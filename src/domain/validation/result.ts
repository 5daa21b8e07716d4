// The shape every validator in src/domain returns. Errors and warnings carry stable,
// named codes (snake_case) that the API passes through unchanged in problem+json
// `errors[].code`, and the web UI translates.

export interface ValidationIssue {
  /** Stable machine code, e.g. `id_number_checksum`. */
  code: string;
  /** Human-readable explanation (English; the UI translates by code). */
  message: string;
}

export type Validation<T> =
  | { ok: true; value: T; warnings: ValidationIssue[] }
  | { ok: false; error: ValidationIssue };

export const valid = <T>(value: T, warnings: ValidationIssue[] = []): Validation<T> => ({ ok: true, value, warnings });
export const invalid = <T = never>(code: string, message: string): Validation<T> => ({ ok: false, error: { code, message } });
