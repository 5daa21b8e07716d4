// The "provisional" mark next to a deadline counted into a year whose official holiday
// schedule is not published yet (issue 12 part 1; ADR 0011). The title says why.
import { useI18n } from '../i18n/index.tsx';

export function ProvisionalBadge({ deadline, provisional }: { deadline: string | null | undefined; provisional: boolean | undefined }) {
  const i18n = useI18n();
  if (!provisional || !deadline) return null;
  const why = i18n.t('calendar.provisionalWhy', { year: deadline.slice(0, 4) });
  return <span className="badge badge-warning badge-provisional" title={why} aria-label={`${i18n.t('calendar.provisional')}: ${why}`} data-testid="deadline-provisional">{i18n.t('calendar.provisional')}</span>;
}

/** The deadline a history step set or moved (receipt, recomputation after an import), if any. */
export function DeadlineStep({ reason }: { reason: unknown }) {
  const i18n = useI18n();
  const r = reason as { deadlineOn?: string | null; deadlineProvisional?: boolean; old?: { deadlineOn: string | null; provisional: boolean }; new?: { deadlineOn: string; provisional: boolean } } | null;
  if (r?.new) {
    return (
      <div className="small">{r.old?.deadlineOn ? <>{i18n.date(r.old.deadlineOn)} <ProvisionalBadge deadline={r.old.deadlineOn} provisional={r.old.provisional} /> → </> : null}
        {i18n.date(r.new.deadlineOn)} <ProvisionalBadge deadline={r.new.deadlineOn} provisional={r.new.provisional} /></div>
    );
  }
  if (r?.deadlineOn) return <div className="small">{i18n.t('review.deadline')} {i18n.date(r.deadlineOn)} <ProvisionalBadge deadline={r.deadlineOn} provisional={r.deadlineProvisional} /></div>;
  return null;
}
