// A filing number in a public path: canonical, or 400 naming the field (shared by the record, the
// badge, the statement and the public violation report, so a malformed number answers alike on each).
import { NamedError } from '../../domain/errors.ts';
import { parseFilingNumber } from '../../domain/filing-number.ts';

export const badInput = (field: string, code: string, message: string) => new NamedError(code, 'invalid', message, [{ field, code, message }]);

/** A number from the path, canonical; 400 naming the field when it is not one of `kind`. */
export function numberParam(raw: string, field: string, kind: 'service' | 'subject'): string {
  const parsed = parseFilingNumber(raw);
  if (!parsed.ok) throw badInput(field, parsed.error.code, parsed.error.message);
  if (parsed.value.kind !== kind) {
    throw kind === 'service'
      ? badInput(field, 'filing_number_not_service', 'this is a subject (main) number: ask /api/public/v1/subjects/{mainNumber}')
      : badInput(field, 'filing_number_not_subject', 'this is a service number: ask /api/public/v1/services/{serviceNumber}');
  }
  return parsed.value.number;
}
