// A change's field-by-field difference (issue 13): the filed value and the new one, as the API
// gives them (personal data already masked for reviewers), shown as the materials are (options in
// words, providers by name). Reviewers and the host see the same table.
import { Card } from './ui.tsx';
import { useFieldValue } from './Materials.tsx';
import { useI18n } from '../i18n/index.tsx';
import type { FieldChange } from '../lib/types.ts';
import { FIELD_LABELS, fieldPattern } from '../i18n/vocabulary.ts';

/** The form's order (the vocabulary lists fields as the form shows them); a platform's or access record's fields by its number. */
const FORM_ORDER = new Map(Object.keys(FIELD_LABELS).map((k, i) => [k, i]));
const rank = (field: string): [number, number] => {
  const known = FORM_ORDER.get(field) ?? FORM_ORDER.get(fieldPattern(field)) ?? FORM_ORDER.get(fieldPattern(field).split('.').slice(0, 2).join('.'));
  const n = /^(?:platforms|access)\.(\d+)/.exec(field)?.[1];
  return [known ?? Number.MAX_SAFE_INTEGER, n === undefined ? 0 : Number(n)];
};
/** Rows in the order of the form: subject, service, platforms, access — not the order the diff found them. */
export function inFormOrder(diff: FieldChange[]): FieldChange[] {
  return [...diff].sort((a, b) => {
    const [ra, na] = rank(a.field); const [rb, nb] = rank(b.field);
    const group = (f: string) => ['subject', 'service', 'platforms', 'access'].indexOf(f.split('.')[0]!);
    return group(a.field) - group(b.field) || na - nb || ra - rb || a.field.localeCompare(b.field);
  });
}

/** A value the field renderer leaves as an object (a whole access record or platform added): its JSON. */
const plain = (v: unknown): unknown => (v !== null && typeof v === 'object' && !Array.isArray(v) ? JSON.stringify(v) : v);

export function ChangeDiff({ diff, number, organisations }: { diff: FieldChange[]; number?: string | null; organisations: Record<string, string> }) {
  const i18n = useI18n();
  const value = useFieldValue(organisations);
  const show = (field: string, v: unknown) => (v === null || v === undefined || v === '' ? '—' : value(field, plain(v)));
  return (
    <Card title={i18n.t('change.diffTitle')} id="change-diff">
      {number ? <p className="muted small">{i18n.t('change.numbersStay', { number })}</p> : null}
      {diff.length === 0 ? <p>{i18n.t('change.diffNone')}</p> : (
        <div className="table-wrap">
          <table className="cards diff" data-testid="change-diff">
            <thead><tr><th>{i18n.t('change.diffField')}</th><th>{i18n.t('change.diffOld')}</th><th>{i18n.t('change.diffNew')}</th></tr></thead>
            <tbody>
              {inFormOrder(diff).map((c) => (
                <tr key={c.field} data-field={c.field}>
                  <td data-label={i18n.t('change.diffField')}>{i18n.field(c.field)}</td>
                  <td data-label={i18n.t('change.diffOld')} className="diff-old"><del>{show(c.field, c.old)}</del></td>
                  <td data-label={i18n.t('change.diffNew')} className="diff-new"><ins>{show(c.field, c.new)}</ins></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
