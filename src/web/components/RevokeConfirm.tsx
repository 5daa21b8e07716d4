// The last step before a revocation (撤销备案), which cannot be undone: what will be revoked, under
// which category and why, with the button that does it and one back to the form. Shown by the bureau's
// record page and by a violation report's triage; it takes the focus when it appears.
import { type ReactNode, useEffect, useRef } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { Button, Notice } from './ui.tsx';

export function RevokeConfirm({ target, category, reason, busy, className, onConfirm, onBack }: {
  /** What is revoked (number and name), when the panel's title does not already say it. */
  target?: ReactNode;
  category: string;
  reason: string;
  busy: boolean;
  className?: string;
  onConfirm(): void;
  onBack(): void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => { ref.current?.focus(); }, []);
  return (
    <div ref={ref} tabIndex={-1} className={className} data-testid="revoke-confirm">
      <Notice kind="warning" role="alert" title={t('sv.confirmRevokeTitle')}>
        <p>{t('sv.confirmRevokeLead')}</p>
        {target && <p>{target}</p>}
        <p>{t('sv.revocationCategory')}{i18n.colon}{i18n.option('revocationCategory', category)}</p>
        <p style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{t('sv.noteRevoke')}{i18n.colon}{reason.trim()}</p>
      </Notice>
      <div className="row">
        <Button variant="danger" busy={busy} onClick={onConfirm} data-testid="confirm-revoke">{t('sv.confirmRevoke')}</Button>
        <Button onClick={onBack} disabled={busy}>{t('sv.backToEdit')}</Button>
      </div>
    </div>
  );
}
