// What the host typed for a platform beside what its package says, field by field, when they
// differ (issue 4 item 7): nothing in the form changes until the host chooses the package's
// values or keeps its own. The differences come from the server's cross-check
// (src/domain/package-cross-check.ts); values that could not be read at all are shown too.
import { useEffect, useId, useRef } from 'react';
import type { CrossCheckCode, CrossCheckDifference, CrossCheckField } from '../../../domain/package-cross-check.ts';
import { Button } from '../../components/ui.tsx';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';

/** A row of the comparison: a server difference, or a typed value that could not be read. */
export type CheckRow =
  | (CrossCheckDifference & { problem?: undefined })
  | { field: CrossCheckField; typed: string; package: string | null; problem: { code: string; message: string } };

const REASON: Record<CrossCheckCode, MessageKey> = {
  platform_differs: 'platforms.check.platform_differs',
  package_name_differs: 'platforms.check.package_name_differs',
  public_key_differs: 'platforms.check.public_key_differs',
  fingerprint_differs: 'platforms.check.fingerprint_differs',
  public_key_of_other_signer: 'platforms.check.public_key_of_other_signer',
  fingerprint_of_other_signer: 'platforms.check.fingerprint_of_other_signer',
  package_unsigned: 'platforms.check.package_unsigned',
};

/** Long keys: both ends, where a wrong key shows (the whole value stays in the form). */
const shorten = (v: string) => (v.length > 80 ? `${v.slice(0, 40)}…${v.slice(-24)}` : v);

/** The characters that differ, marked, when two values of one length are compared. */
function Marked({ value, other }: { value: string; other: string | null }) {
  if (!other || other.length !== value.length || value.length > 128) return <>{shorten(value)}</>;
  return <>{[...value].map((c, i) => (c === other[i] ? c : <mark key={i}>{c}</mark>))}</>;
}

export function PackageCheck({ rows, onUsePackage, onKeepTyped }: { rows: CheckRow[]; onUsePackage(): void; onKeepTyped(): void }) {
  const i18n = useI18n();
  const id = useId();
  const head = useRef<HTMLHeadingElement>(null);
  useEffect(() => { head.current?.focus(); }, []);
  const shown = (field: CrossCheckField, v: string | null) => (v === null ? i18n.t('platforms.check.none') : field === 'platform' ? i18n.option('platform', v) : v);
  return (
    <section className="compare" aria-labelledby={`${id}-title`} data-testid="package-check">
      <h3 id={`${id}-title`} ref={head} tabIndex={-1}>{i18n.t('platforms.check.title')}</h3>
      <p className="small">{i18n.t('platforms.check.lead')}</p>
      <ul className="compare-list">
        {rows.map((r) => (
          <li key={r.field} className="compare-row" data-field={r.field}>
            <div className="compare-head">
              <strong>{i18n.field(`platforms.*.${r.field}`)}</strong>
              <span className="compare-why">{r.problem
                ? i18n.t('platforms.check.unreadable', { problem: i18n.problem(r.problem) })
                : i18n.t(REASON[r.code], { n: (r.signer ?? 0) + 1 })}</span>
            </div>
            <dl className="compare-values">
              <div><dt>{i18n.t('platforms.check.typed')}</dt><dd className="mono"><Marked value={shown(r.field, r.typed)} other={r.problem || r.field === 'platform' ? null : r.package} /></dd></div>
              <div><dt>{i18n.t('platforms.check.package')}</dt><dd className="mono"><Marked value={shown(r.field, r.package)} other={r.problem || r.field === 'platform' ? null : r.typed} /></dd></div>
            </dl>
          </li>
        ))}
      </ul>
      <div className="row compare-actions">
        <Button variant="primary" onClick={onUsePackage} data-testid="use-package-values">{i18n.t('platforms.check.usePackage')}</Button>
        <Button onClick={onKeepTyped} data-testid="keep-typed-values">{i18n.t('platforms.check.keepTyped')}</Button>
      </div>
    </section>
  );
}
