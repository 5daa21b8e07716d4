// The bureau's record search (review issue item 1): own province, by certificate fingerprint, USCC,
// ID number (logged), number, package name, domain or name. The query stays in the address (?q=),
// so a result can be reopened and shared with a colleague of the bureau.
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Button, Card, ErrorNotice, Loading, Notice, Page, StatusBadge, TableWrap } from '../../components/ui.tsx';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { api, qs } from '../../lib/api.ts';
import { useSession } from '../../lib/session.tsx';
import { ProvinceFilter, provinceName, useProvinceParam } from '../../components/ProvinceFilter.tsx';

export interface RecordHit {
  serviceId: string; serviceNumber: string; serviceName: string; serviceType: string; status: string; subjectId: string; subjectName: string;
  subjectType: string; mainNumber: string | null; provinceCode: string; matchedBy: string; platform: string | null; packageName: string | null;
}

export default function BureauRecords() {
  const i18n = useI18n();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const [result, setResult] = useState<{ items: RecordHit[]; truncated: boolean } | null>(null);
  const [error, setError] = useState<unknown>(null);
  // The ministry searches every province, or the one chosen (ADR 0037 addendum), read-only.
  const ministry = useSession().session?.role === 'ministry_admin';
  const [province, setProvince] = useProvinceParam();
  useEffect(() => {
    setResult(null); setError(null);
    if (q.trim()) api.get<{ items: RecordHit[]; truncated: boolean }>(`/api/bureau/records${qs({ q, ...(ministry && province ? { province } : {}) })}`).then(setResult).catch(setError);
  }, [q, ministry, province]);
  const submit = (e: FormEvent) => { e.preventDefault(); if (text.trim()) setParams((p) => { const n = new URLSearchParams(p); n.set('q', text.trim()); return n; }); };
  const title = i18n.t(ministry ? 'br.searchTitleNational' : 'br.searchTitle');
  return (
    <Page title={title} wide>
      <p className="muted">{i18n.t(ministry ? 'br.searchLeadNational' : 'br.searchLead')}</p>
      {ministry ? <div style={{ marginBottom: '1rem' }}><ProvinceFilter value={province} onChange={setProvince} /></div> : null}
      <form onSubmit={submit} className="row" role="search" style={{ marginBottom: '1rem', alignItems: 'flex-end' }}>
        <div className="field" style={{ flex: '1 1 20rem', margin: 0 }}>
          <label htmlFor="br-q">{i18n.t('br.query')}</label>
          <input id="br-q" value={text} maxLength={200} onChange={(e) => setText(e.target.value)} autoComplete="off" spellCheck={false} data-testid="br-query" />
        </div>
        <Button type="submit" variant="primary" data-testid="br-search">{i18n.t('br.search')}</Button>
      </form>
      <ErrorNotice error={error} />
      {!q ? null : !result && !error ? <Loading /> : result && result.items.length === 0 ? <Card><p>{i18n.t('br.none')}</p></Card> : result ? (
        <>
          {result.truncated ? <Notice kind="warning">{i18n.t('br.truncated')}</Notice> : null}
          <TableWrap label={title}>
            <table className="cards" data-testid="br-results">
              <thead><tr>
                <th>{i18n.t('record.serviceNumber')}</th><th>{i18n.t('record.serviceName')}</th><th>{i18n.t('br.subject')}</th>{ministry ? <th>{i18n.t('ministry.province')}</th> : null}<th>{i18n.t('record.status')}</th><th>{i18n.t('br.matchedBy')}</th>
                <th><span className="sr-only">{i18n.t('common.actions')}</span></th>
              </tr></thead>
              <tbody>
                {result.items.map((h) => (
                  <tr key={h.serviceId} data-testid="br-row">
                    <td data-label={i18n.t('record.serviceNumber')}><span className="mono">{h.serviceNumber}</span></td>
                    <td data-label={i18n.t('record.serviceName')}><span>{h.serviceName}{i18n.paren(i18n.option('serviceType', h.serviceType))}</span></td>
                    <td data-label={i18n.t('br.subject')}><div><Link to={`/bureau/subjects/${h.subjectId}`} data-testid="br-subject">{h.subjectName}</Link>{h.mainNumber ? <div className="muted small mono">{h.mainNumber}</div> : null}</div></td>
                    {ministry ? <td data-label={i18n.t('ministry.province')} data-testid="br-province">{provinceName(h.provinceCode, i18n.lang)}</td> : null}
                    <td data-label={i18n.t('record.status')}><StatusBadge status={h.status} /></td>
                    <td data-label={i18n.t('br.matchedBy')}><div>{i18n.t(`br.match.${h.matchedBy}` as MessageKey)}{h.packageName ? <div className="muted small mono">{h.platform ? `${i18n.option('platform', h.platform)} ` : ''}{h.packageName}</div> : null}</div></td>
                    <td className="cell-action"><Link to={`/bureau/records/${h.serviceId}`} data-testid="br-open">{i18n.t('br.open')}</Link></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </>
      ) : null}
    </Page>
  );
}
