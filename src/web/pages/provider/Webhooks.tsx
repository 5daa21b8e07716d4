// The organisation's webhooks (回调通知): subscribe an HTTPS endpoint (the signing secret shown once),
// see how delivery is going, read each one's deliveries, send a signed test delivery, delete one.
// Data: /api/org/webhooks (src/api/org/webhooks.ts); the page follows ApiKeys.tsx.
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { DeliveryFailure, type FailureKind, failureText } from '../../components/DeliveryFailure.tsx';
import { Button, Card, ErrorNotice, fieldProblems, Loading, Notice, Page, PagedTable, TableWrap } from '../../components/ui.tsx';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { MESSAGES } from '../../i18n/messages.ts';
import { useCopy } from '../../lib/copy.ts';
import { api, qs } from '../../lib/api.ts';

type DeliveryState = 'pending' | 'sent' | 'retrying' | 'failed' | 'dropped';
interface Delivery {
  id: number; event: string | null; serviceNumber: string | null; state: DeliveryState; responseStatus: number | null; attempts: number;
  error: string | null; errorKind: FailureKind | null; createdAt: string; lastAttemptAt: string | null; nextAttemptAt: string | null;
}
interface Webhook {
  id: string; url: string; createdAt: string; createdBy: { kind: 'user' | 'api_key'; name: string } | null;
  lastDelivery: Delivery | null; failuresInRow: number;
}

const PAGE = 10;
/** The console's test delivery (src/notify/filing-webhooks.ts TEST_EVENT): never counted in failures in a row. */
const TEST_EVENT = 'webhook.test';
const TONE: Record<DeliveryState, string> = { sent: 'success', pending: 'info', retrying: 'warning', failed: 'danger', dropped: 'neutral' };

function useLabels() {
  const i18n = useI18n();
  return {
    state: (s: DeliveryState) => <span className={`badge badge-${TONE[s]}`} data-testid="delivery-state">{i18n.t(`hooks.state.${s}` as MessageKey)}</span>,
    // Every event the server sends has its label (src/web/i18n/labels.test.ts); an unknown one is shown as sent.
    event: (e: string | null) => (e && `hooks.event.${e}` in MESSAGES ? i18n.t(`hooks.event.${e}` as MessageKey) : e ?? '—'),
    /** The answer in a line: a delivered one's status; a failure's reason in words (the recorded text in the title). */
    answer: (d: Delivery) => {
      const why = d.state === 'sent' ? null : failureText(i18n, d.errorKind, d.responseStatus);
      if (why) return <span title={d.error ?? undefined} data-testid="delivery-answer">{why}</span>;
      return d.responseStatus !== null ? `HTTP ${d.responseStatus}` : d.error ?? '—';
    },
  };
}

/** The secret of the webhook just added: shown once, with a copy button (the selection where there is no clipboard API: plain http). */
function Secret({ value, onDone }: { value: string; onDone(): void }) {
  const i18n = useI18n();
  const { box, copied, copy } = useCopy(value);
  return (
    <Notice kind="warning" title={i18n.t('hooks.secretTitle')} role="alert">
      <p>{i18n.t('hooks.secretWarning')}</p>
      <label htmlFor="hook-secret" className="sr-only">{i18n.t('hooks.secretTitle')}</label>
      {/* A text area: the whole secret stays visible at 390 px (it wraps). */}
      <textarea id="hook-secret" ref={box} className="secret" readOnly rows={2} value={value} onFocus={(e) => e.target.select()} style={{ width: '100%', resize: 'none' }} data-testid="webhook-secret" />
      <div className="row mt-s">
        <Button onClick={copy} data-testid="webhook-secret-copy">{copied ? i18n.t('key.copied') : i18n.t('hooks.copySecret')}</Button>
        <Button variant="link" onClick={onDone} data-testid="webhook-secret-done">{i18n.t('hooks.secretSaved')}</Button>
      </div>
    </Notice>
  );
}

/** One webhook's deliveries, newest first, a page at a time. */
function Deliveries({ hook, version }: { hook: Webhook; version: number }) {
  const i18n = useI18n();
  const l = useLabels();
  const [page, setPage] = useState(0);
  const [data, setData] = useState<{ items: Delivery[]; total: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const ctl = new AbortController();
    api.get<{ items: Delivery[]; total: number }>(`/api/org/webhooks/${hook.id}/deliveries${qs({ limit: PAGE, offset: page * PAGE })}`, ctl.signal)
      .then(setData, (e: unknown) => { if (!ctl.signal.aborted) setError(e); });
    return () => ctl.abort();
  }, [hook.id, page, version]);
  return (
    <Card title={i18n.t('hooks.deliveriesOf')} id="webhook-deliveries" testId="webhook-deliveries">
      <p className="mono small" style={{ marginTop: 0 }}>{hook.url}</p>
      <ErrorNotice error={error} />
      {data ? <p className="muted small">{i18n.t('common.total', { n: data.total })}</p> : null}
      <PagedTable data={data} empty={i18n.t('hooks.noDeliveries')} label={i18n.t('hooks.deliveriesOf')} page={page + 1} pageSize={PAGE} onPage={(p) => setPage(p - 1)}>
        {(items) => (
          <table className="cards">
            <thead><tr>
              <th>{i18n.t('hooks.time')}</th><th>{i18n.t('hooks.event')}</th><th>{i18n.t('hooks.filing')}</th><th>{i18n.t('hooks.result')}</th>
              <th>{i18n.t('hooks.statusCode')}</th><th>{i18n.t('hooks.attempts')}</th><th>{i18n.t('hooks.nextRetry')}</th>
            </tr></thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id} data-testid="webhook-delivery">
                  <td data-label={i18n.t('hooks.time')}>{i18n.date(d.lastAttemptAt ?? d.createdAt, true)}</td>
                  <td data-label={i18n.t('hooks.event')}><span title={d.event ?? ''} style={{ whiteSpace: 'nowrap' }}>{l.event(d.event)}</span></td>
                  <td data-label={i18n.t('hooks.filing')} className="number">{d.serviceNumber ?? '—'}</td>
                  <td data-label={i18n.t('hooks.result')}>
                    <div>{l.state(d.state)}{d.error && d.state !== 'sent' ? <DeliveryFailure kind={d.errorKind} status={d.responseStatus} raw={d.error} /> : null}</div>
                  </td>
                  <td data-label={i18n.t('hooks.statusCode')}>{d.responseStatus ?? '—'}</td>
                  <td data-label={i18n.t('hooks.attempts')}>{d.attempts}</td>
                  <td data-label={i18n.t('hooks.nextRetry')}>{d.nextAttemptAt ? i18n.date(d.nextAttemptAt, true) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </PagedTable>
    </Card>
  );
}

export default function Webhooks() {
  const i18n = useI18n();
  const l = useLabels();
  const [hooks, setHooks] = useState<{ items: Webhook[]; limit: number } | null>(null);
  const [url, setUrl] = useState('');
  /** The new webhook's secret, shown once — until dismissed or that webhook is deleted. */
  const [secret, setSecret] = useState<{ id: string; value: string } | null>(null);
  const [addError, setAddError] = useState<unknown>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [tested, setTested] = useState<{ id: string; delivery: Delivery } | null>(null);
  const [version, setVersion] = useState(0);
  const load = useCallback(() => api.get<{ items: Webhook[]; limit: number }>('/api/org/webhooks').then(setHooks).catch(setError), []);
  useEffect(() => { void load(); }, [load]);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setBusy('add'); setAddError(null); setSecret(null);
    try {
      const w = await api.post<{ id: string; secret: string }>('/api/org/webhooks', { url: url.trim() });
      setSecret({ id: w.id, value: w.secret }); setUrl(''); await load();
    } catch (err) { setAddError(err); } finally { setBusy(null); }
  };
  const test = async (w: Webhook) => {
    setBusy(`test:${w.id}`); setError(null); setTested(null);
    try { setTested({ id: w.id, delivery: await api.post<Delivery>(`/api/org/webhooks/${w.id}/test`) }); setVersion((v) => v + 1); await load(); }
    catch (err) { setError(err); } finally { setBusy(null); }
  };
  const remove = async (w: Webhook) => {
    if (!window.confirm(i18n.t('hooks.confirmDelete', { url: w.url }))) return;
    setError(null);
    try {
      await api.del(`/api/org/webhooks/${w.id}`);
      if (secret?.id === w.id) setSecret(null);
      if (open === w.id) setOpen(null);
      if (tested?.id === w.id) setTested(null);
      await load();
    } catch (err) { setError(err); }
  };

  const urlError = fieldProblems(addError, i18n).url;
  const full = hooks ? hooks.items.length >= hooks.limit : false;
  const shown = hooks?.items.find((w) => w.id === open) ?? null;
  return (
    <Page title={i18n.t('hooks.title')} lead={i18n.t('hooks.lead')}>
      <Card>
        <form onSubmit={add} noValidate className={urlError ? 'has-error' : undefined}>
          <div className="row" style={{ alignItems: 'flex-end' }}>
            <div className="field" style={{ flex: '1 1 20rem', margin: 0 }}>
              <label htmlFor="hook-url">{i18n.t('hooks.url')}</label>
              <input id="hook-url" type="url" inputMode="url" value={url} maxLength={2048} placeholder="https://" onChange={(e) => setUrl(e.target.value)} required
                aria-invalid={urlError ? true : undefined} aria-describedby={`hook-url-hint${urlError ? ' hook-url-err' : ''}`} data-testid="webhook-url" />
            </div>
            <Button type="submit" variant="primary" busy={busy === 'add'} disabled={!url.trim() || full} data-testid="webhook-add">{i18n.t('hooks.add')}</Button>
          </div>
          {urlError ? <ul className="field-errors" id="hook-url-err" data-testid="webhook-url-error"><li>{i18n.t('hooks.url')}{i18n.colon}{urlError}</li></ul> : null}
          <p className="hint" id="hook-url-hint">{i18n.t('hooks.urlHint', { n: hooks?.limit ?? 10 })}</p>
        </form>
        {hooks ? <p className="muted small" style={{ marginBottom: 0 }} data-testid="webhook-count">{i18n.t('hooks.count', { n: hooks.items.length, max: hooks.limit })}</p> : null}
        {addError && !urlError ? <div className="mt-s"><ErrorNotice error={addError} labels={{ url: i18n.t('hooks.url') }} /></div> : null}
        {secret ? <div className="mt-s"><Secret value={secret.value} onDone={() => setSecret(null)} /></div> : null}
      </Card>
      <ErrorNotice error={error} />
      {tested ? (
        <Notice kind={tested.delivery.state === 'sent' ? 'success' : 'error'} title={i18n.t(tested.delivery.state === 'sent' ? 'hooks.testOk' : 'hooks.testFailed')} role="status">
          <p data-testid="webhook-test-result">{hooks?.items.find((w) => w.id === tested.id)?.url}{i18n.colon}{l.answer(tested.delivery)}</p>
          {tested.delivery.state !== 'sent' && tested.delivery.errorKind && tested.delivery.error ? <p className="muted small mono" data-testid="webhook-test-raw">{tested.delivery.error}</p> : null}
        </Notice>
      ) : null}
      {!hooks ? <Loading /> : (
        <TableWrap label={i18n.t('hooks.title')}>
          <table className="cards" data-testid="webhooks">
            <thead><tr>
              <th>{i18n.t('hooks.url')}</th><th>{i18n.t('hooks.created')}</th><th>{i18n.t('hooks.last')}</th><th>{i18n.t('hooks.failures')}</th>
              <th><span className="sr-only">{i18n.t('common.actions')}</span></th>
            </tr></thead>
            <tbody>
              {hooks.items.length === 0 ? <tr><td colSpan={5} className="muted">{i18n.t('hooks.none')}</td></tr> : null}
              {hooks.items.map((w) => (
                <tr key={w.id} data-testid="webhook" className={open === w.id ? 'selected' : undefined}>
                  <td data-label={i18n.t('hooks.url')}><span className="mono">{w.url}</span></td>
                  <td data-label={i18n.t('hooks.created')}>
                    {/* One child per cell: at 390 px a cell is a two-column grid (label, value). */}
                    <div>
                      {i18n.date(w.createdAt, true)}
                      {w.createdBy ? <div className="muted small">{w.createdBy.kind === 'api_key' ? i18n.t('hooks.byKey', { name: w.createdBy.name }) : w.createdBy.name}</div> : null}
                    </div>
                  </td>
                  <td data-label={i18n.t('hooks.last')} data-testid="webhook-last">
                    {/* A test shows here (its sender just asked) and says it is one: it is not counted in failures in a row. */}
                    {w.lastDelivery ? <div>{l.state(w.lastDelivery.state)} <span className="small">{l.answer(w.lastDelivery)}</span>
                      <div className="muted small">{i18n.date(w.lastDelivery.lastAttemptAt, true)}{w.lastDelivery.event === TEST_EVENT ? <> · <span data-testid="webhook-last-test">{l.event(TEST_EVENT)}</span></> : null}</div></div>
                      : <span className="muted">{i18n.t('hooks.never')}</span>}
                  </td>
                  <td data-label={i18n.t('hooks.failures')} data-testid="webhook-failures">
                    {w.failuresInRow > 0 ? <span className="badge badge-danger">{w.failuresInRow}</span> : <span className="muted">0</span>}
                  </td>
                  <td className="cell-action">
                    <div className="row" style={{ gap: '.4rem' }}>
                      <Button className="btn-small" onClick={() => setOpen(open === w.id ? null : w.id)} aria-expanded={open === w.id} data-testid="webhook-deliveries-toggle">{i18n.t('hooks.deliveries')}</Button>
                      <Button className="btn-small" busy={busy === `test:${w.id}`} disabled={busy !== null} onClick={() => void test(w)} data-testid="webhook-test">{i18n.t('hooks.test')}</Button>
                      <Button variant="danger" className="btn-small" onClick={() => void remove(w)} data-testid="webhook-delete">{i18n.t('hooks.delete')}</Button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {hooks && hooks.items.length > 0 ? <p className="hint" data-testid="webhook-failures-hint">{i18n.t('hooks.failuresHint')}</p> : null}
      {shown ? <div className="mt"><Deliveries hook={shown} version={version} /></div> : null}
    </Page>
  );
}

