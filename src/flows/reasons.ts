// Field-level review reasons `{field, error, suggestion}` (WeChat's audit_data, DOMAIN.md §0.4):
// a return or a rejection must say what to fix.
import { NamedError } from '../domain/errors.ts';
import { unknownReasonFields } from '../domain/review-fields.ts';

/** `platform`: set by the flow for a platform's field (src/domain/platform-reasons.ts). */
export interface ReviewReason { field: string; error: string; suggestion?: string; platform?: string }

export function requireReasons(reasons: ReviewReason[] | undefined): ReviewReason[] {
  const list = (reasons ?? []).filter((r) => r.field.trim() && r.error.trim());
  if (!list.length) {
    throw new NamedError('reasons_required', 'invalid', 'say what to fix: at least one {field, error, suggestion}', [{ field: 'reasons', code: 'required', message: 'at least one reason with a field and an error' }]);
  }
  return list;
}

/** Each reason names a field of the application's materials (src/domain/review-fields.ts): the host must be able to correct it. */
export function requireKnownFields(reasons: readonly ReviewReason[], materials: unknown): void {
  const unknown = unknownReasonFields(reasons, materials);
  if (!unknown.length) return;
  throw new NamedError('reason_field_unknown', 'invalid', `a reason names a field this application does not have: ${unknown.map((i) => reasons[i]!.field).join(', ')}`,
    unknown.map((i) => ({ field: `reasons.${i}.field`, code: 'reason_field_unknown', message: `this application has no field ${reasons[i]!.field}` })));
}
