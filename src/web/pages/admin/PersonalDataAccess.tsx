// The personal-data access log (issue 15 §2; GET /api/admin/personal-data-access): who saw which
// record's personal data in full, when, why and which kinds — never the values themselves.
import { useCallback, useEffect, useState } from 'react';
import { ErrorNotice, Page, PagedTable } from '../../components/ui.tsx';
import { type MessageKey, useI18n } from '../../i18n/index.tsx';
import { api, qs } from '../../lib/api.ts';

interface Access {
  id: string; at: string; actor: { userId: string | null; role: string; name: string | null; organisation: string | null };
  recordType: 'application' | 'service' | 'subject' | 'dev_sms' | 'violation_report'; recordId: string; recordLabel: string | null;
  purpose: string; fields: string[]; requestId: string | null;
}

const PAGE = 50;
const TYPES = ['application', 'service', 'subject', 'dev_sms', 'violation_report'] as const;
const PURPOSES = ['own_application', 'own_filed_record', 'first_review', 'bureau_review', 'administration', 'supervision'] as const;
const nowrap = { whiteSpace: 'nowrap' } as const;
/** A datetime-local value (the reader's local time) as an ISO instant, or undefined. */
const instant = (local: string) => (local ? new Date(local).toISOString() : undefined);

export default function PersonalDataAccess() {
  const i18n = useI18n();
  const [recordType, setRecordType] = useState('');
  const [purpose, setPurpose] = useState('');
  const [recordId, setRecordId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: Access[]; total: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    return api.get<{ items: Access[]; total: number }>(`/api/admin/personal-data-access${qs({
      recordType, purpose, recordId: recordId.trim(), from: instant(from), to: instant(to), page, pageSize: PAGE,
    })}`).then(setData).catch(setError);
  }, [recordType, purpose, recordId, from, to, page]);
  useEffect(() => { void load(); }, [load]);
  const reset = (fn: (v: string) => void) => (v: string) => { fn(v); setPage(1); };
  return (
    <Page title={i18n.t('pda.title')} lead={i18n.t('pda.lead')} wide>
      <ErrorNotice error={error} />
      <div className="row" style={{ marginBottom: '.75rem', flexWrap: 'wrap', gap: '.5rem' }}>
        <label htmlFor="pda-type">{i18n.t('pda.recordType')}</label>
        <select id="pda-type" value={recordType} onChange={(e) => reset(setRecordType)(e.target.value)} style={{ maxWidth: '12rem' }}>
          <option value="">{i18n.t('review.all')}</option>
          {TYPES.map((t) => <option key={t} value={t}>{i18n.t(`pda.type.${t}`)}</option>)}
        </select>
        <label htmlFor="pda-purpose">{i18n.t('pda.purpose')}</label>
        <select id="pda-purpose" value={purpose} onChange={(e) => reset(setPurpose)(e.target.value)} style={{ maxWidth: '16rem' }}>
          <option value="">{i18n.t('review.all')}</option>
          {PURPOSES.map((p) => <option key={p} value={p}>{i18n.t(`pda.purpose.${p}`)}</option>)}
        </select>
        <label htmlFor="pda-record">{i18n.t('pda.recordId')}</label>
        <input id="pda-record" value={recordId} onChange={(e) => reset(setRecordId)(e.target.value)} style={{ maxWidth: '20rem' }} />
        <label htmlFor="pda-from">{i18n.t('pda.from')}</label>
        <input id="pda-from" type="datetime-local" value={from} onChange={(e) => reset(setFrom)(e.target.value)} style={{ maxWidth: '14rem' }} />
        <label htmlFor="pda-to">{i18n.t('pda.to')}</label>
        <input id="pda-to" type="datetime-local" value={to} onChange={(e) => reset(setTo)(e.target.value)} style={{ maxWidth: '14rem' }} />
        {data ? <span className="muted">{i18n.t('common.total', { n: data.total })}</span> : null}
      </div>
      <PagedTable data={data} empty={i18n.t('pda.empty')} label={i18n.t('pda.title')} page={page} pageSize={PAGE} onPage={setPage}>
        {(items) => (
        <table>
          <thead><tr>
            <th>{i18n.t('pda.at')}</th><th>{i18n.t('pda.who')}</th><th>{i18n.t('pda.record')}</th>
            <th>{i18n.t('pda.purpose')}</th><th>{i18n.t('pda.fields')}</th><th>{i18n.t('pda.request')}</th>
          </tr></thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id}>
                <td style={nowrap}>{i18n.date(r.at, true)}</td>
                <td>
                  {r.actor.name ?? '—'}
                  <div className="muted small">{i18n.t(`role.${r.actor.role}` as MessageKey)}{r.actor.organisation ? ` · ${r.actor.organisation}` : ''}</div>
                </td>
                <td>
                  {i18n.t(`pda.type.${r.recordType}`)}{r.recordLabel ? ` · ${r.recordLabel}` : ''}
                  <div className="mono muted small" style={{ wordBreak: 'break-all' }}>{r.recordId}</div>
                </td>
                <td>{i18n.t(`pda.purpose.${r.purpose}` as MessageKey)}</td>
                <td>{r.fields.map((f) => i18n.t(`pda.field.${f}` as MessageKey)).join(i18n.listSep)}</td>
                <td className="mono small" style={{ wordBreak: 'break-all' }}>{r.requestId ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        )}
      </PagedTable>
    </Page>
  );
}
