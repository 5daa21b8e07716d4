// A campaign's moves in the bureau console (ADR 0018 addendum "Campaigns extended or ended early"):
// extend (later dates, a reason; the organisations with something open are told) and end early (a
// reason; no more catalogues, orders already issued stand), for the bureau that runs it or the
// ministry; and the campaign's history.
import { type FormEvent, useId, useState } from 'react';
import { Button, ErrorNotice } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api } from '../../lib/api.ts';
import { ReasonAction } from './common.tsx';
import { StepHistory } from './history.tsx';

export interface MovableCampaign { id: string; status: string; catalogueDueOn: string; endsOn: string; endedOn?: string | null; endReason?: string | null }

/** `runs`: the caller runs this campaign (its own province's, or the ministry). `onDone` gets the message to show. */
export function CampaignMoves({ campaign, runs, onDone }: { campaign: MovableCampaign; runs: boolean; onDone(message: string): void }) {
  const { t } = useI18n();
  const [extending, setExtending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const end = async (reason: string) => {
    setError(null);
    try {
      const r = await api.post<{ notified: number }>(`/api/bureau/campaigns/${campaign.id}/end`, { reason });
      onDone(t('sv.campaignEndedEarly', { n: r.notified })); return true;
    } catch (e) { setError(e); return false; }
  };
  const open = campaign.status !== 'ended';
  return (
    <div data-testid="campaign-moves">
      <ErrorNotice error={error} />
      <div className="row" style={{ flexWrap: 'wrap', alignItems: 'flex-start' }}>
        {open && runs && !extending && <Button onClick={() => setExtending(true)} data-testid="extend-campaign">{t('sv.extend')}</Button>}
        {open && runs && !extending && <ReasonAction label={t('sv.endEarly')} suggestion={t('sv.endReason')} submitLabel={t('sv.endEarlyConfirm')} onSubmit={end} testId="end-campaign" />}
        <StepHistory url={`/api/bureau/campaigns/${campaign.id}/history`} label={t('sv.campaignHistory')} testId="campaign-history" />
      </div>
      {open && runs && !extending && <p className="hint">{t('sv.endHint')}</p>}
      {extending && <ExtendForm campaign={campaign} onCancel={() => setExtending(false)} onDone={(m) => { setExtending(false); onDone(m); }} />}
    </div>
  );
}

function ExtendForm({ campaign, onCancel, onDone }: { campaign: MovableCampaign; onCancel(): void; onDone(message: string): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const id = useId();
  const [due, setDue] = useState(campaign.catalogueDueOn);
  const [ends, setEnds] = useState(campaign.endsOn);
  const [reason, setReason] = useState(t('sv.extendReason'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault(); setError(null); setBusy(true);
    try {
      const body = { reason: reason.trim(), ...(due !== campaign.catalogueDueOn ? { catalogueDueOn: due } : {}), ...(ends !== campaign.endsOn ? { endsOn: ends } : {}) };
      const r = await api.post<{ catalogueDueOn: string; endsOn: string; notified: number }>(`/api/bureau/campaigns/${campaign.id}/extend`, body);
      onDone(t('sv.campaignExtended', { due: i18n.date(r.catalogueDueOn), ends: i18n.date(r.endsOn), n: r.notified }));
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  return (
    <form className="subform" onSubmit={(e) => void submit(e)} data-testid="extend-form" aria-label={t('sv.extendTitle')}>
      <h3 style={{ marginTop: 0 }}>{t('sv.extendTitle')}</h3>
      <ErrorNotice error={error} />
      <div className="row" style={{ flexWrap: 'wrap', alignItems: 'flex-start' }}>
        <div className="field"><label htmlFor={`${id}-due`}>{t('sv.catalogueDue')}</label>
          <input id={`${id}-due`} type="date" min={campaign.catalogueDueOn} value={due} onChange={(e) => setDue(e.target.value)} data-testid="extend-due" /></div>
        <div className="field"><label htmlFor={`${id}-ends`}>{t('sv.endsOn')}</label>
          <input id={`${id}-ends`} type="date" min={campaign.endsOn} value={ends} onChange={(e) => setEnds(e.target.value)} data-testid="extend-ends" /></div>
      </div>
      <div className="field"><label htmlFor={`${id}-reason`}>{t('sv.reason')} <span className="req">*</span></label>
        <textarea id={`${id}-reason`} required rows={2} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} aria-describedby={`${id}-hint`} data-testid="extend-reason" />
        <p className="hint" id={`${id}-hint`}>{t('sv.extendHint')}</p></div>
      <div className="row">
        <Button type="submit" variant="primary" busy={busy} data-testid="extend-submit">{t('sv.extendSubmit')}</Button>
        <Button onClick={onCancel} disabled={busy}>{t('sv.cancel')}</Button>
      </div>
    </form>
  );
}
