// Failed deliveries (issue 12 §5): emails, SMS and webhooks being retried after a failure or
// abandoned, with the gateway's code and message (GET /api/admin/deliveries). Recipients arrive
// masked from the server; nothing here can show a number or a verification code.
import { Fragment, useCallback, useEffect, useState } from 'react';
import { DeliveryFailure, type FailureKind } from '../../components/DeliveryFailure.tsx';
import { ErrorNotice, Page, PagedTable } from '../../components/ui.tsx';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { MESSAGES } from '../../i18n/messages.ts';
import { api, qs } from '../../lib/api.ts';

interface Failure {
  id: number; channel: 'email' | 'sms' | 'webhook'; kind: string | null; event: string | null; state: 'retrying' | 'dead';
  attempts: number; provider: string | null; errorCode: string | null; error: string | null; errorKind: FailureKind | null; httpStatus: number | null; recipient: string;
  createdAt: string; lastAttemptAt: string | null; nextAttemptAt: string | null;
}

const PAGE = 50;
/** last_error starts with the code, shown in its own column. */
const detail = (f: Failure) => (f.error && f.errorCode && f.error.startsWith(`${f.errorCode} `) ? f.error.slice(f.errorCode.length + 1) : f.error) ?? '—';
/** A gateway code (isv.BUSINESS_LIMIT_CONTROL) may break after its dots and underscores, not inside a word: the ten columns fit a desktop frame. */
const breakable = (code: string) => code.split(/(?<=[._])/).map((part, i) => <Fragment key={i}>{i > 0 ? <wbr /> : null}{part}</Fragment>);
const COLUMNS = [
  'deliveries.state', 'deliveries.channel', 'deliveries.message', 'deliveries.recipient', 'deliveries.provider', 'deliveries.code',
  'deliveries.error', 'deliveries.attempts', 'deliveries.lastAttempt', 'deliveries.next',
] as const satisfies readonly MessageKey[];

export default function Deliveries() {
  const i18n = useI18n();
  const [state, setState] = useState('');
  const [channel, setChannel] = useState('');
  const [page, setPage] = useState(0);
  const [data, setData] = useState<{ items: Failure[]; total: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => api.get<{ items: Failure[]; total: number }>(`/api/admin/deliveries${qs({ state, channel, limit: PAGE, offset: page * PAGE })}`)
    .then(setData).catch(setError), [state, channel, page]);
  useEffect(() => { void load(); }, [load]);
  // An SMS by its template; a webhook by its event (as the console names it); an email by the event it tells
  // (every tag the server writes has its label: src/web/i18n/labels.test.ts); an unknown one as tagged.
  const what = (f: Failure) => {
    if (f.kind) return i18n.t(`deliveries.kind.${f.kind}` as MessageKey);
    const key = f.event ? (f.channel === 'webhook' ? `hooks.event.${f.event}` : `deliveries.event.${f.event}`) : null;
    return key && key in MESSAGES ? <span title={f.event ?? undefined}>{i18n.t(key as MessageKey)}</span> : f.event ?? '—';
  };
  return (
    <Page title={i18n.t('deliveries.title')} lead={i18n.t('deliveries.lead')} wide>
      <ErrorNotice error={error} />
      <div className="row" style={{ marginBottom: '.75rem', flexWrap: 'wrap', gap: '.5rem' }}>
        <label htmlFor="d-state">{i18n.t('deliveries.state')}</label>
        <select id="d-state" value={state} onChange={(e) => { setState(e.target.value); setPage(0); }} style={{ maxWidth: '12rem' }}>
          <option value="">{i18n.t('review.all')}</option>
          <option value="retrying">{i18n.t('deliveries.retrying')}</option>
          <option value="dead">{i18n.t('deliveries.dead')}</option>
        </select>
        <label htmlFor="d-channel">{i18n.t('deliveries.channel')}</label>
        <select id="d-channel" value={channel} onChange={(e) => { setChannel(e.target.value); setPage(0); }} style={{ maxWidth: '12rem' }}>
          <option value="">{i18n.t('review.all')}</option>
          {(['sms', 'email', 'webhook'] as const).map((c) => <option key={c} value={c}>{i18n.t(`deliveries.channel.${c}`)}</option>)}
        </select>
        {data ? <span className="muted">{i18n.t('common.total', { n: data.total })}</span> : null}
      </div>
      {/* page is 0-based here (the offset), 1-based in the pager. */}
      <PagedTable data={data} empty={i18n.t('deliveries.empty')} label={i18n.t('deliveries.title')} page={page + 1} pageSize={PAGE} onPage={(p) => setPage(p - 1)}>
        {(items) => (
        // Cards at phone width (styles.css "table.cards"): ten columns scrolled sideways inside the frame at 390 px.
        <table className="cards" data-testid="deliveries">
          <thead><tr>
            {COLUMNS.map((c) => <th key={c}>{i18n.t(c)}</th>)}
          </tr></thead>
          <tbody>
            {items.map((f) => {
              const [state, channelOf, message, recipient, provider, code, why, attempts, last, next] = COLUMNS.map((c) => i18n.t(c));
              return (
                <tr key={f.id} data-testid="delivery">
                  <td data-label={state} className="nowrap"><span className={`badge ${f.state === 'dead' ? 'badge-danger' : 'badge-warning'}`}>{i18n.t(`deliveries.${f.state}`)}</span></td>
                  <td data-label={channelOf} className="nowrap">{i18n.t(`deliveries.channel.${f.channel}`)}</td>
                  <td data-label={message} className="nowrap"><span>{what(f)}</span></td>
                  <td data-label={recipient} className="mono nowrap">{f.recipient}</td>
                  <td data-label={provider}>{f.provider ?? '—'}</td>
                  <td data-label={code}><span className="mono" style={{ wordBreak: 'normal' }}>{f.errorCode ? breakable(f.errorCode) : '—'}</span></td>
                  <td data-label={why} className="cell-failure"><DeliveryFailure kind={f.errorKind} status={f.httpStatus} raw={detail(f)} /></td>
                  <td data-label={attempts}>{f.attempts}</td>
                  <td data-label={last}>{i18n.date(f.lastAttemptAt, true)}</td>
                  <td data-label={next}>{i18n.date(f.nextAttemptAt, true)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        )}
      </PagedTable>
    </Page>
  );
}
