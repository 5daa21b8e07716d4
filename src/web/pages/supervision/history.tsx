// The history of a campaign or a blacklist entry (GET …/campaigns/{id}/history, …/blacklist/{id}/history),
// opened on demand like an order's: each step, its date, who (by role), the dates it set and the words written.
import { useState } from 'react';
import { Button, ErrorNotice, Loading } from '../../components/ui.tsx';
import { type MessageKey, useI18n } from '../../i18n/index.tsx';
import { api } from '../../lib/api.ts';

interface Step {
  at: string; action: string; actorRole: string; note: string | null; to: string | null;
  catalogueDueOn: string | null; endsOn: string | null; previousCatalogueDueOn: string | null; previousEndsOn: string | null; number: number | null; notified: number | null;
}

export function StepHistory({ url, label, testId }: { url: string; label?: string; testId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [steps, setSteps] = useState<Step[] | null>(null);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const toggle = () => {
    if (!open) api.get<{ items: Step[] }>(url).then((r) => setSteps(r.items)).catch(setError);
    setOpen(!open);
  };
  const moved = (prev: string | null, next: string | null) => (prev && next && prev !== next ? `${i18n.date(prev)} → ${i18n.date(next)}` : next ? i18n.date(next) : null);
  const dates = (s: Step): string[] => {
    if (s.action === 'round') return [t('sv.stepRound', { n: s.number ?? '', date: i18n.date(s.catalogueDueOn) })];
    if (s.action === 'end') return [t('sv.stepEndedOn', { date: i18n.date(s.endsOn) })];
    if (s.action === 'add') return [t('sv.stepUntil', { date: i18n.date(s.endsOn) })];
    const out: string[] = [];
    const due = moved(s.previousCatalogueDueOn, s.catalogueDueOn);
    const ends = moved(s.previousEndsOn, s.endsOn);
    if (due) out.push(t('sv.stepCatalogueDue', { dates: due }));
    if (ends) out.push(t('sv.stepEnds', { dates: ends }));
    return out;
  };
  return (
    <div className="order-history">
      <Button onClick={toggle} aria-expanded={open} data-testid={testId}>{open ? t('sv.hideHistory') : (label ?? t('sv.records'))}</Button>
      {open && <>
        <ErrorNotice error={error} />
        {!steps ? (error ? null : <Loading />) : (
          <ol className="timeline small" data-testid={`${testId}-steps`}>
            {steps.map((s, k) => (
              <li key={k} className="done">
                <strong>{i18n.option('historyStep', s.action)}</strong>
                <span className="muted">{' · '}{i18n.date(s.at, true)}{' · '}{t(`role.${s.actorRole}` as MessageKey)}</span>
                {dates(s).map((d) => <span key={d}>{' · '}{d}</span>)}
                {s.notified !== null && s.action !== 'round' ? <span>{' · '}{t('sv.stepNotified', { n: s.notified })}</span> : null}
                {s.note ? <div style={{ overflowWrap: 'anywhere' }}>{s.note}</div> : null}
              </li>))}
          </ol>)}
      </>}
    </div>
  );
}
