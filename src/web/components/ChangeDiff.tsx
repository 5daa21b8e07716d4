// A change's field-by-field difference (issue 13): the filed value and the new one, as the API
// gives them (personal data already masked for reviewers), shown as the materials are (options in
// words, providers by name). Reviewers and the host see the same table.
import { Card } from './ui.tsx';
import { useFieldValue } from './Materials.tsx';
import { useI18n } from '../i18n/index.tsx';
import type { FieldChange } from '../lib/types.ts';

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
              {diff.map((c) => (
                <tr key={c.field} data-field={c.field}>
                  <td data-label={i18n.t('change.diffField')}>{i18n.field(c.field)}</td>
                  <td data-label={i18n.t('change.diffOld')} className="mono diff-old"><del>{show(c.field, c.old)}</del></td>
                  <td data-label={i18n.t('change.diffNew')} className="mono diff-new"><ins>{show(c.field, c.new)}</ins></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
