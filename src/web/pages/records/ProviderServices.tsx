// Provider / platform console (issue 13 item 9): the filed services my organisation gives
// access to; cancelling our access record (a reason is required). Without other access the
// filing becomes a shell — the table says so before you cancel. 50 a page (every access record, however many).
import { useCallback, useEffect, useState } from 'react';
import { Button, Card, ErrorNotice, Loading, Notice, Page, Pager, TableWrap } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api, type Paged, qs } from '../../lib/api.ts';

const PAGE_SIZE = 50;

interface Item { accessRecordId: string; serviceId: string; serviceNumber: string; serviceName: string; serviceType: string; hostName: string; accessMethod: string; serverLocation: string; since: string; otherActiveAccess: number }

export default function ProviderServices() {
  const i18n = useI18n();
  const [data, setData] = useState<Paged<Item> | null>(null);
  const [page, setPage] = useState(1);
  const items = data?.items ?? null;
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  /** The row whose cancellation was asked without a reason: said at its field, before any question. */
  const [missing, setMissing] = useState<string | null>(null);
  const load = useCallback(() => api.get<Paged<Item>>(`/api/provider/services${qs({ page, pageSize: PAGE_SIZE })}`).then((r) => {
    // The last row of the last page cancelled: show the page before (now the last).
    if (r.items.length === 0 && page > 1) setPage(Math.max(1, Math.ceil(r.total / PAGE_SIZE))); else setData(r);
  }).catch(setError), [page]);
  useEffect(() => { void load(); }, [load]);
  const cancel = async (it: Item) => {
    if (!(reasons[it.serviceId] ?? '').trim()) {
      setMissing(it.serviceId);
      document.getElementById(`cancel-reason-${it.serviceId}`)?.focus();
      return;
    }
    setMissing(null);
    if (!window.confirm(i18n.t(it.otherActiveAccess ? 'provider.services.confirm' : 'provider.services.confirmShell', { number: it.serviceNumber }))) return;
    setBusy(it.serviceId); setError(null);
    try {
      const r = await api.post<{ serviceNumber: string; shell: boolean }>(`/api/provider/services/${it.serviceId}/access/cancel`, { reason: reasons[it.serviceId] ?? '' });
      setDone(i18n.t(r.shell ? 'provider.services.doneShell' : 'provider.services.done', { number: r.serviceNumber }));
      await load();
    } catch (e) { setError(e); } finally { setBusy(null); }
  };
  return (
    <Page title={i18n.t('provider.services.title')} lead={i18n.t('provider.services.lead')} wide>
      <ErrorNotice error={error} />
      {done ? <Notice kind="success">{done}</Notice> : null}
      {!items ? <Loading /> : items.length === 0 ? <Card><p>{i18n.t('provider.services.empty')}</p></Card> : (
        <TableWrap label={i18n.t('provider.services.title')}>
          <table className="cards">
            <thead><tr><th>{i18n.t('review.service')}</th><th>{i18n.t('record.hostName')}</th><th>{i18n.t('records.access')}</th><th>{i18n.t('provider.services.others')}</th><th>{i18n.t('provider.services.reason')}</th><th><span className="sr-only">{i18n.t('common.actions')}</span></th></tr></thead>
            <tbody>
              {items.map((it) => (
                <tr key={it.accessRecordId} data-testid="provider-service">
                  <td data-label={i18n.t('review.service')}>{it.serviceName}<div className="number small">{it.serviceNumber}</div></td>
                  <td data-label={i18n.t('record.hostName')}>{it.hostName}</td>
                  <td data-label={i18n.t('records.access')}>{i18n.option('accessMethod', it.accessMethod)} · {it.serverLocation}</td>
                  <td data-label={i18n.t('provider.services.others')}>{it.otherActiveAccess ? i18n.t('provider.services.otherCount', { n: it.otherActiveAccess }) : <span className="badge badge-warning">{i18n.t('provider.services.willShell')}</span>}</td>
                  <td data-label={i18n.t('provider.services.reason')}>
                    <input id={`cancel-reason-${it.serviceId}`} aria-label={`${i18n.t('provider.services.reason')} ${it.serviceNumber}`} maxLength={500} value={reasons[it.serviceId] ?? ''}
                      aria-invalid={missing === it.serviceId || undefined} aria-describedby={missing === it.serviceId ? `cancel-reason-${it.serviceId}-err` : undefined}
                      onChange={(e) => { setReasons({ ...reasons, [it.serviceId]: e.target.value }); if (missing === it.serviceId) setMissing(null); }} />
                    {missing === it.serviceId ? <ul className="field-errors" id={`cancel-reason-${it.serviceId}-err`} data-testid="cancel-reason-error"><li>{i18n.t('provider.services.reasonRequired')}</li></ul> : null}
                  </td>
                  <td className="cell-action"><Button variant="danger" busy={busy === it.serviceId} data-testid="provider-cancel-access" onClick={() => void cancel(it)}>{i18n.t('records.cancelAccess')}</Button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {data ? <div data-testid="provider-services-pager"><Pager page={data.page} pageSize={data.pageSize} total={data.total} onPage={setPage} /></div> : null}
    </Page>
  );
}
