// A change's field-by-field difference (issue 13): the filed value and the new one, as the API
// gives them (personal data already masked for reviewers). Reviewers and the host see the same table.
import { Card } from './ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import type { FieldChange } from '../lib/types.ts';

const show = (v: unknown): string => (v === null || v === undefined || v === '' ? '—' : typeof v === 'string' ? v : Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.join('、') : JSON.stringify(v));

export function ChangeDiff({ diff, number }: { diff: FieldChange[]; number?: string | null }) {
  const i18n = useI18n();
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
                  <td data-label={i18n.t('change.diffOld')} className="mono diff-old"><del>{show(c.old)}</del></td>
                  <td data-label={i18n.t('change.diffNew')} className="mono diff-new"><ins>{show(c.new)}</ins></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
