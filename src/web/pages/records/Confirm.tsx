// Asking for a cancellation and entering the principal's SMS code (issue 13 items 4–5): the
// request answers with where the code went; the code makes it take effect.
import { useState } from 'react';
import { Button, ErrorNotice, Notice } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api, ApiError } from '../../lib/api.ts';

const VOID = ['confirmation_exhausted', 'confirmation_expired', 'confirmation_not_pending'];

export interface Asked { confirmationId: string; sentTo: string; cancels?: 'service' | 'subject'; lastAccess?: boolean }
export interface Confirmed { action: string; subjectCancelled: string | null; access: { shell: boolean } | null }

/** A reason box and "send the code", then the code box and "confirm". */
export function ConfirmPanel({ url, warn, onDone, testid }: { url: string; warn?: string; onDone(c: Confirmed): void; testid: string }) {
  const i18n = useI18n();
  const [reason, setReason] = useState('');
  const [asked, setAsked] = useState<Asked | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const wrong = error instanceof ApiError && error.code === 'sms_code_incorrect';
  const run = async (fn: () => Promise<void>) => { setBusy(true); setError(null); try { await fn(); } catch (e) { setError(e); } finally { setBusy(false); } };
  return (
    <div className="confirm-panel" data-testid={testid}>
      {warn ? <Notice kind="warning">{warn}</Notice> : null}
      {!asked ? (
        <div className="row">
          <div className="field"><label htmlFor={`${testid}-reason`}>{i18n.t('records.reason')}</label>
            <input id={`${testid}-reason`} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} /></div>
          <Button variant="danger" busy={busy} data-testid={`${testid}-ask`}
            onClick={() => void run(async () => setAsked(await api.post<Asked>(url, reason.trim() ? { reason: reason.trim() } : {})))}>{i18n.t('records.ask')}</Button>
        </div>
      ) : (
        <>
          {/* What the server found, unless the warning above said it already. */}
          {!warn && asked.cancels === 'subject' && url.includes('/services/') ? <Notice kind="warning">{i18n.t('records.lastService')}</Notice> : null}
          {!warn && asked.lastAccess ? <Notice kind="warning">{i18n.t('records.lastAccess')}</Notice> : null}
          <p className="small">{i18n.t('records.sentTo', { mobile: asked.sentTo })}</p>
          {/* As at the application's SMS step: six digits only (anything else would come back as the schema's
              "格式不正确"), confirmed with the button or Enter; a wrong code marks the field. */}
          <form className="row" onSubmit={(e) => { e.preventDefault(); if (code.length === 6) void run(async () => onDone(await api.post<Confirmed>(`/api/host/confirmations/${asked.confirmationId}`, { code }))); }}>
            <div className={`field ${wrong ? 'has-error' : ''}`}><label htmlFor={`${testid}-code`}>{i18n.t('records.code')}</label>
              <input id={`${testid}-code`} inputMode="numeric" autoComplete="one-time-code" maxLength={6} pattern="\d{6}" value={code}
                onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))} aria-invalid={wrong || undefined} aria-describedby={`${testid}-code-hint`} /></div>
            <Button type="submit" variant="primary" busy={busy} disabled={code.length !== 6} data-testid={`${testid}-confirm`}>{i18n.t('records.confirm')}</Button>
          </form>
          <p className="muted small" id={`${testid}-code-hint`}>{i18n.t('records.codeHint')}</p>
        </>
      )}
      <ErrorNotice error={error} />
      {/* Five wrong codes or 24 hours void the request: a new code is one click, not a hunt for the button that opened this. */}
      {asked && error instanceof ApiError && VOID.includes(error.code) ? (
        <Button variant="secondary" data-testid={`${testid}-again`} onClick={() => { setAsked(null); setCode(''); setError(null); }}>{i18n.t('records.askAgain')}</Button>
      ) : null}
    </div>
  );
}
