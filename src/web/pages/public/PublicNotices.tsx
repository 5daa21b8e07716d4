// Public notices (公示): the bureaus' shell cleanup notices (空壳备案清理公告, GET /api/public/v1/notices)
// and the blacklist (违法违规名单, GET /api/public/v1/blacklist) — what a bureau publicises, readable by
// anyone without signing in, as the MIIT portal's blacklist searches and the bureaus' cleanup lists.
import { type FormEvent, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { TabbedPage } from '../../components/TabbedPage.tsx';
import { Button, Card, ErrorNotice, Loading, Notice, Pager, TableWrap } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api, qs } from '../../lib/api.ts';

interface CleanupNotice {
  id: string; bureauName: string; title: string; publicityDays: number; publishedOn: string; endsAt: string; status: 'publicised' | 'executed';
  /** By the clock (the API computes it): under publicity, over and awaiting cleanup, carried out. */
  phase: 'publicity' | 'publicity_ended' | 'executed';
  services: { serviceNumber: string; serviceName: string; serviceType: string; hostName: string; outcome: 'listed' | 'cleaned' }[];
}
interface BlacklistEntry { kind: 'package' | 'domain'; value: string; category: string; since: string; untilOn: string }

const PAGE_SIZE = 10;
const PHASE_TEXT = { publicity: 'pub.publicised', publicity_ended: 'pub.publicityEnded', executed: 'pub.executed' } as const;

export function PublicNoticesPage() {
  const { t } = useI18n();
  return (
    <TabbedPage title={t('pub.title')} label={t('pub.sections')} tabs={[
      { key: 'cleanup', label: t('pub.cleanup'), render: () => <CleanupNotices /> },
      { key: 'blacklist', label: t('pub.blacklist'), render: () => <Blacklist /> },
    ]} />
  );
}

function CleanupNotices() {
  const i18n = useI18n();
  const { t } = i18n;
  const [page, setPage] = useState(1);
  const [items, setItems] = useState<CleanupNotice[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setItems(null);
    api.get<{ items: CleanupNotice[] }>(`/api/public/v1/notices${qs({ page, pageSize: PAGE_SIZE })}`).then((r) => setItems(r.items)).catch(setError);
  }, [page]);
  const columns = [t('record.serviceNumber'), t('record.serviceName'), t('record.serviceType'), t('record.hostName'), t('pub.outcome')];
  return (
    <>
      <p className="muted">{t('pub.cleanupLead')}</p>
      <ErrorNotice error={error} />
      {!items ? (error ? null : <Loading />) : items.length === 0 ? <Notice>{t('pub.noNotices')}</Notice> : items.map((n) => (
        <Card key={n.id} testId="cleanup-notice-card" title={n.title} actions={<span className={n.phase === 'executed' ? 'muted small' : 'overdue-text small'} data-testid="notice-phase">{t(PHASE_TEXT[n.phase])}</span>}>
          <p className="muted small" data-testid="notice-meta">{i18n.orgName(n.bureauName)}{' · '}{t('pub.publishedOn')}{i18n.colon}{i18n.date(n.publishedOn)}{' · '}
            {t('pub.endsAt', { days: n.publicityDays })}{i18n.colon}{i18n.date(n.endsAt, true)}</p>
          <TableWrap label={n.title}>
            <table className="cards" data-testid="notice-services"><thead><tr>{columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
              <tbody>{n.services.map((s) => (
                <tr key={s.serviceNumber}>
                  <td data-label={columns[0]}><Link to={`/record/${encodeURIComponent(s.serviceNumber)}`} className="number">{s.serviceNumber}</Link></td>
                  <td data-label={columns[1]}>{s.serviceName}</td>
                  <td data-label={columns[2]}>{i18n.option('serviceType', s.serviceType)}</td>
                  <td data-label={columns[3]}>{s.hostName}</td>
                  <td data-label={columns[4]}>{t(s.outcome === 'cleaned' ? 'pub.cleaned' : n.phase === 'publicity' ? 'pub.listed' : 'pub.listedEnded')}</td>
                </tr>))}</tbody></table>
          </TableWrap>
        </Card>))}
      {items && (page > 1 || items.length === PAGE_SIZE) ? (
        <div className="row">
          <Button disabled={page === 1} onClick={() => setPage(page - 1)}>{t('pub.newer')}</Button>
          <Button disabled={items.length < PAGE_SIZE} onClick={() => setPage(page + 1)}>{t('pub.older')}</Button>
        </div>) : null}
    </>
  );
}

function Blacklist() {
  const i18n = useI18n();
  const { t } = i18n;
  const [kind, setKind] = useState<'domain' | 'packageName'>('domain');
  const [value, setValue] = useState('');
  const [query, setQuery] = useState<Record<string, string>>({});
  const [page, setPage] = useState(1);
  const [r, setR] = useState<{ items: BlacklistEntry[]; total: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setR(null); setError(null);
    api.get<{ items: BlacklistEntry[]; total: number }>(`/api/public/v1/blacklist${qs({ ...query, page, pageSize: 20 })}`).then(setR).catch(setError);
  }, [query, page]);
  const submit = (e: FormEvent) => { e.preventDefault(); setPage(1); setQuery(value.trim() ? { [kind]: value.trim() } : {}); };
  const checked = Object.values(query)[0];
  const columns = [t('pub.kind'), t('pub.value'), t('sv.category'), t('pub.since'), t('sv.until')];
  return (
    <>
      <p className="muted">{t('pub.blacklistLead')}</p>
      <form className="hero search-form" role="search" onSubmit={submit}>
        <div className="field">
          <label htmlFor="bl-kind">{t('pub.checkKind')}</label>
          <select id="bl-kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)} data-testid="blacklist-kind">
            <option value="domain">{i18n.option('blacklistKind', 'domain')}</option>
            <option value="packageName">{i18n.option('blacklistKind', 'package')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="bl-value">{t('pub.value')}</label>
          <input id="bl-value" type="search" value={value} maxLength={255} autoComplete="off" onChange={(e) => setValue(e.target.value)}
            placeholder={kind === 'domain' ? 'example.cn' : 'com.example.app'} data-testid="blacklist-value" />
        </div>
        <Button type="submit" variant="primary">{t('pub.check')}</Button>
      </form>
      <ErrorNotice error={error} />
      {!r ? (error ? null : <Loading />) : (
        <section aria-live="polite">
          {checked ? <Notice kind={r.total ? 'warning' : 'success'}>{t(r.total ? 'pub.barred' : 'pub.notBarred', { value: checked })}</Notice> : null}
          {r.items.length ? (
            <TableWrap label={t('pub.blacklist')}>
              <table className="cards" data-testid="public-blacklist"><thead><tr>{columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
                <tbody>{r.items.map((e) => (
                  <tr key={`${e.kind}|${e.value}`}>
                    <td data-label={columns[0]}>{i18n.option('blacklistKind', e.kind)}</td>
                    <td data-label={columns[1]} className="number" style={{ overflowWrap: 'anywhere' }}>{e.value}</td>
                    <td data-label={columns[2]}>{i18n.option('revocationCategory', e.category)}</td>
                    <td data-label={columns[3]}>{i18n.date(e.since)}</td>
                    <td data-label={columns[4]}>{i18n.date(e.untilOn)}</td>
                  </tr>))}</tbody></table>
            </TableWrap>) : checked ? null : <Notice>{t('pub.noEntries')}</Notice>}
          <Pager page={page} pageSize={20} total={r.total} onPage={setPage} />
        </section>)}
    </>
  );
}
