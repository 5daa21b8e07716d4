// Legacy duplicates in the bureau console (ADR 0018 addendum "… legacy duplicates settled"): what
// migrations 0040 and 0044 kept as they were for the bureau to settle — order items holding one
// finding twice, iOS filings whose bundle IDs differ only in case. The bureau keeps one of each
// group; the others are withdrawn (order items) or revoked (filings), and the group leaves the list.
import { useCallback, useEffect, useState } from 'react';
import { Card, ErrorNotice, Loading, Notice, TableWrap } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api } from '../../lib/api.ts';
import { ReasonAction } from './common.tsx';

interface LegacyItem { id: string; orderId: string; legacyDuplicate: boolean; status: string; measure: string; orderedOn: string; dueOn: string; organisationName: string; campaignName: string | null; mine: boolean | null }
interface LegacyFinding { findingId: string; platform: string | null; packageName: string | null; items: LegacyItem[] }
interface LegacyFiling { platformId: string; packageName: string; legacyCaseDuplicate: boolean; serviceNumber: string; serviceName: string; subjectName: string; provinceCode: string; filedAt: string; mine: boolean }
interface Listed { orderItems: LegacyFinding[]; iosFilings: { bundleId: string; filings: LegacyFiling[] }[] }

function Marked({ legacy }: { legacy: boolean }) {
  const { t } = useI18n();
  return <span className={`badge ${legacy ? 'badge-warning' : 'badge-neutral'}`}>{legacy ? t('sv.legacyMarked') : t('sv.legacyStanding')}</span>;
}

export function LegacyDuplicates() {
  const i18n = useI18n();
  const { t } = i18n;
  const [r, setR] = useState<Listed | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const load = useCallback(() => { api.get<Listed>('/api/bureau/legacy-duplicates').then(setR).catch(setError); }, []);
  useEffect(load, [load]);
  const keep = async (url: string, reason: string, done: (x: Record<string, unknown>) => string) => {
    setError(null); setMessage(null);
    try { const x = await api.post<Record<string, unknown>>(url, { reason }); setMessage(done(x)); load(); return true; } catch (e) { setError(e); return false; }
  };
  const itemCols = [t('sv.organisation'), t('sv.measure'), t('sv.orderedOn'), t('sv.due'), t('sv.status'), t('sv.legacyRule')];
  const filingCols = [t('sv.package'), t('sv.number'), t('sv.app'), t('sv.subject'), t('sv.filedOnCol'), t('sv.legacyRule')];
  return (
    <>
      <Notice kind="info">{t('sv.legacyLead')}</Notice>
      <ErrorNotice error={error} />
      {message && <p role="status" className="notice notice-success" data-testid="supervision-message">{message}</p>}
      {!r ? <Loading /> : (<>
        <Card title={t('sv.legacyOrders')}>
          <p className="hint">{t('sv.legacyOrdersLead')}</p>
          {r.orderItems.length === 0 ? <p className="muted" data-testid="legacy-orders-empty">{t('sv.legacyNone')}</p> : r.orderItems.map((f) => (
            <section key={f.findingId} className="legacy-group" data-testid="legacy-finding">
              <h3>{f.platform} · {f.packageName ?? f.findingId}</h3>
              <TableWrap label={t('sv.legacyOrders')}>
                <table className="cards"><thead><tr>{itemCols.map((c) => <th key={c}>{c}</th>)}<th /></tr></thead>
                  <tbody>{f.items.map((i) => (
                    <tr key={i.id} data-legacy={i.legacyDuplicate}>
                      <td data-label={itemCols[0]}><span>{i.organisationName}{i.campaignName ? <><br /><span className="small muted">{i.campaignName}</span></> : null}</span></td>
                      <td data-label={itemCols[1]}>{i18n.option('measure', i.measure)}</td>
                      <td data-label={itemCols[2]}>{i18n.date(i.orderedOn)}</td>
                      <td data-label={itemCols[3]}>{i18n.date(i.dueOn)}</td>
                      <td data-label={itemCols[4]}>{i18n.option('orderItemStatus', i.status)}</td>
                      <td data-label={itemCols[5]}><Marked legacy={i.legacyDuplicate} /></td>
                      <td className="cell-action">{i.mine
                        ? <ReasonAction label={t('sv.keepItem')} suggestion={t('sv.keepItemReason')} submitLabel={t('sv.keepItemConfirm')} testId="keep-item"
                          onSubmit={(reason) => keep(`/api/bureau/legacy-duplicates/order-items/${i.id}/keep`, reason, (x) => t('sv.keptItem', { n: (x.withdrawn as unknown[]).length }))} />
                        : <span className="muted small">{t('sv.otherBureau')}</span>}</td>
                    </tr>))}</tbody></table>
              </TableWrap>
            </section>))}
        </Card>
        <Card title={t('sv.legacyIos')}>
          <p className="hint">{t('sv.legacyIosLead')}</p>
          {r.iosFilings.length === 0 ? <p className="muted" data-testid="legacy-ios-empty">{t('sv.legacyNone')}</p> : r.iosFilings.map((g) => (
            <section key={g.bundleId} className="legacy-group" data-testid="legacy-ios">
              <h3>iOS · {g.bundleId}</h3>
              <TableWrap label={t('sv.legacyIos')}>
                <table className="cards"><thead><tr>{filingCols.map((c) => <th key={c}>{c}</th>)}<th /></tr></thead>
                  <tbody>{g.filings.map((p) => (
                    <tr key={p.platformId} data-legacy={p.legacyCaseDuplicate}>
                      <td data-label={filingCols[0]}><code>{p.packageName}</code></td>
                      <td data-label={filingCols[1]}>{p.serviceNumber}</td>
                      <td data-label={filingCols[2]}>{p.serviceName}</td>
                      <td data-label={filingCols[3]}>{p.subjectName}</td>
                      <td data-label={filingCols[4]}>{i18n.date(p.filedAt)}</td>
                      <td data-label={filingCols[5]}><Marked legacy={p.legacyCaseDuplicate} /></td>
                      <td className="cell-action">{g.filings.every((x) => x.mine)
                        ? <ReasonAction label={t('sv.keepFiling')} suggestion={t('sv.keepFilingReason')} submitLabel={t('sv.keepFilingConfirm')} testId="keep-filing"
                          onSubmit={(reason) => keep(`/api/bureau/legacy-duplicates/ios-filings/${p.platformId}/keep`, reason, (x) => t('sv.keptFiling', { number: String(x.serviceNumber), n: (x.revoked as unknown[]).length }))} />
                        : <span className="muted small">{t('sv.otherBureauPair')}</span>}</td>
                    </tr>))}</tbody></table>
              </TableWrap>
            </section>))}
        </Card>
      </>)}
    </>
  );
}
