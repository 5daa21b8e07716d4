// Where an application stands in the lifecycle (DOMAIN.md §4.1): materials → first review →
// SMS check → bureau review → filed; a return or rejection sends it back to the first step.
import { useI18n, type MessageKey } from '../i18n/index.tsx';

const STEPS: MessageKey[] = ['progress.draft', 'progress.provider', 'progress.sms', 'progress.bureau', 'progress.filed'];
const AT: Record<string, { current: number; bad?: number }> = {
  draft: { current: 0 }, returned: { current: 0, bad: 1 }, bureau_rejected: { current: 0, bad: 3 },
  provider_review: { current: 1 }, sms_pending: { current: 2 }, bureau_review: { current: 3 }, approved: { current: 5 },
};

export function Progress({ status }: { status: string }) {
  const i18n = useI18n();
  const at = AT[status];
  if (!at) return null;
  return (
    <ol className="progress" aria-label={i18n.t('app.status.title')}>
      {STEPS.map((k, i) => {
        const cls = i === at.bad ? 'bad' : i < at.current || at.current === 5 ? 'done' : i === at.current ? 'current' : '';
        return <li key={k} className={cls} aria-current={i === at.current ? 'step' : undefined}><span>{i18n.t(k)}</span></li>;
      })}
    </ol>
  );
}
