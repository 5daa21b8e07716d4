// Field-level review reasons `{field, error, suggestion}` (WeChat's audit_data, DOMAIN.md §0.4):
// a return or a rejection must say what to fix — in a field the host can fix.
import { NamedError } from '../domain/errors.ts';
import { unknownReasonFields } from '../domain/review-fields.ts';
import { type ApplicationType, convertibleFrom, keptAccessRecords, reasonFieldEditable } from '../domain/lifecycle.ts';

/** `platform`: set by the flow for a platform's field (src/domain/platform-reasons.ts). */
export interface ReviewReason { field: string; error: string; suggestion?: string; platform?: string }

export function requireReasons(reasons: ReviewReason[] | undefined): ReviewReason[] {
  const list = (reasons ?? []).filter((r) => r.field.trim() && r.error.trim());
  if (!list.length) {
    throw new NamedError('reasons_required', 'invalid', 'say what to fix: at least one {field, error, suggestion}', [{ field: 'reasons', code: 'required', message: 'at least one reason with a field and an error' }]);
  }
  return list;
}

/**
 * Each reason names a field of the application's materials (src/domain/review-fields.ts): the host must be
 * able to correct it. 400 naming each other reason's field (`reasons.N.field`, N its place in the request).
 */
export function requireKnownFields(reasons: readonly ReviewReason[] | undefined, materials: unknown): void {
  const given = reasons ?? [];
  const unknown = unknownReasonFields(given, materials).filter((i) => given[i]!.field.trim() && given[i]!.error.trim());
  if (!unknown.length) return;
  throw new NamedError('reason_field_unknown', 'invalid', `a reason names a field this application does not have: ${unknown.map((i) => given[i]!.field).join(', ')}`,
    unknown.map((i) => ({ field: `reasons.${i}.field`, code: 'reason_field_unknown', message: `this application has no field ${given[i]!.field}` })));
}

/**
 * A reason must name a field this kind of application lets the host change (reasonFieldEditable):
 * one about a field it keeps as filed, or carries not at all, would send the host back to a wizard
 * without that field. 400 naming each such reason's field (`reasons.N.field`, N its place in the request).
 */
export function requireEditableReasonFields(type: ApplicationType, reasons: ReviewReason[] | undefined, filed: Record<string, unknown> | null = null, materials: unknown = null): void {
  // An access filing's filed access records (found by provider in `materials`) are kept as filed too, and a
  // conversion's fields only unlock for a filed record it can convert (`filed`: the filed materials of a change).
  const filedProviders = (Array.isArray(filed?.access) ? filed.access as unknown[] : []).map((a) => (a as { providerOrgId?: unknown } | null)?.providerOrgId);
  const context = { keptAccess: keptAccessRecords(type, filedProviders, materials), ...(filed ? { convertible: convertibleFrom(type, filed) } : {}) };
  const wrong = (reasons ?? []).map((r, i) => ({ r, i }))
    .filter(({ r }) => r.field.trim() && r.error.trim() && !reasonFieldEditable(type, r.field.trim(), context));
  if (wrong.length) {
    throw new NamedError('reason_field_not_editable', 'invalid',
      `a ${type} application cannot change ${wrong.map(({ r }) => r.field).join(', ')}: name a field the host can fix in it (or approve and ask for another application)`,
      wrong.map(({ r, i }) => ({ field: `reasons.${i}.field`, code: 'reason_field_not_editable', message: `${r.field} cannot be changed in a ${type} application` })));
  }
}
