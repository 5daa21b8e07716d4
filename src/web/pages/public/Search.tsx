// Public search (issue 6 item 2): keyword + service type, results linking to each record page.
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Button, ErrorNotice, Loading, Notice, Page, Pager, StatusBadge } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { OPTIONS } from '../../i18n/vocabulary.ts';
import { api, ApiError, qs } from '../../lib/api.ts';
import type { SearchView } from '../../lib/types.ts';

const PAGE_SIZE = 20;

export function SearchPage() {
  const i18n = useI18n();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const type = params.get('type') ?? '';
  const page = Number(params.get('page') ?? '1') || 1;
  const [keyword, setKeyword] = useState(q);
  const [kind, setKind] = useState(type);
  const [result, setResult] = useState<SearchView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // Searching with an empty box: say what to type rather than nothing at all.
  const [emptyAsked, setEmptyAsked] = useState(false);

  useEffect(() => { setKeyword(q); setKind(type); }, [q, type]);
  useEffect(() => {
    if (!q.trim()) { setResult(null); return; }
    const ctl = new AbortController();
    setBusy(true); setError(null);
    api.get<SearchView>(`/api/public/v1/services${qs({ q, type, page, pageSize: PAGE_SIZE })}`, ctl.signal)
      .then(setResult)
      .catch((e: unknown) => { if (!ctl.signal.aborted) { setError(e); setResult(null); } })
      .finally(() => { if (!ctl.signal.aborted) setBusy(false); });
    return () => ctl.abort();
  }, [q, type, page]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setEmptyAsked(!keyword.trim());
    setParams(keyword.trim() ? { q: keyword.trim(), ...(kind ? { type: kind } : {}) } : {});
  };

  return (
    <Page title={i18n.t('search.title')} lead={i18n.t('search.lead')}>
      <form className="hero search-form" role="search" onSubmit={submit}>
        <div className="field">
          <label htmlFor="q">{i18n.t('search.keyword')}</label>
          <input id="q" type="search" name="q" value={keyword} onChange={(e) => { setKeyword(e.target.value); setEmptyAsked(false); }} placeholder={i18n.t('search.keywordPlaceholder')} maxLength={100} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="type">{i18n.t('search.type')}</label>
          <select id="type" name="type" value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">{i18n.t('search.allTypes')}</option>
            {Object.keys(OPTIONS.serviceType).map((t) => <option key={t} value={t}>{i18n.option('serviceType', t)}</option>)}
          </select>
        </div>
        <Button type="submit" variant="primary">{i18n.t('search.submit')}</Button>
      </form>
      {emptyAsked && !q ? <Notice role="status"><span data-testid="search-empty">{i18n.t('search.emptyKeyword')}</span></Notice> : null}
      {busy ? <Loading /> : null}
      {error instanceof ApiError && error.status === 404 && error.code === 'not_found' ? <Notice kind="warning">{i18n.t('search.unavailable')}</Notice> : <ErrorNotice error={error} />}
      {result && !busy ? (
        <section aria-live="polite" aria-label={i18n.t('search.results', { total: result.total })}>
          <p className="muted">{i18n.t('search.results', { total: result.total })}{result.totalCapped ? ` · ${i18n.t('search.capped', { total: result.total })}` : ''}</p>
          {result.items.length === 0 ? <Notice>{i18n.t('search.none')}</Notice> : (
            <ol className="results">
              {result.items.map((r) => (
                <li key={r.serviceNumber} className="result" data-testid="search-result">
                  {/* A shell (空壳) is still filed, at risk of cleanup: marked as the record page's banner does. */}
                  <h2><Link to={`/record/${encodeURIComponent(r.serviceNumber)}`}>{r.serviceName}</Link> <StatusBadge status={r.status === 'filed' && r.shellSince ? 'shell' : r.status} /></h2>
                  {r.status === 'filed' && r.shellSince ? <p className="small result-shell" data-testid="search-result-shell">{i18n.t('search.shellSince', { since: i18n.date(r.shellSince) })}</p> : null}
                  <div className="result-meta">
                    <span>{i18n.t('record.serviceNumber')}{i18n.colon}<span className="number">{r.serviceNumber}</span></span>
                    <span>{i18n.t('record.serviceType')}{i18n.colon}{i18n.option('serviceType', r.serviceType)}</span>
                    <span>{i18n.t('record.hostName')}{i18n.colon}{r.hostName}</span>
                    <span>{i18n.t('record.approvedAt')}{i18n.colon}{i18n.date(r.lastApprovedAt ?? r.approvedAt)}</span>
                    {r.platforms.length ? <span>{r.platforms.map((p) => `${i18n.option('platform', p.platform)} ${p.packageName}`).join(i18n.semicolon)}</span> : null}
                    {r.domains.length ? <span>{r.domains.join(i18n.listSep)}</span> : null}
                  </div>
                </li>
              ))}
            </ol>
          )}
          <Pager page={result.page} pageSize={result.pageSize} total={result.total} onPage={(p) => setParams({ q, ...(type ? { type } : {}), page: String(p) })} />
        </section>
      ) : null}
    </Page>
  );
}
