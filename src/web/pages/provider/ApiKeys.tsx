// The organisation's API keys: create (the secret shown once) and revoke.
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { Button, Card, ErrorNotice, fieldProblems, Loading, Notice, Page, TableWrap } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api } from '../../lib/api.ts';
import { useCopy } from '../../lib/copy.ts';
import type { ApiKey, ApiKeyScope } from '../../lib/types.ts';

/** The key just created: shown once, with a copy button (the selection where there is no clipboard API: plain http), as the webhook's secret. */
function Secret({ value }: { value: string }) {
  const i18n = useI18n();
  const { box, copied, copy } = useCopy(value);
  return (
    <Notice kind="warning" title={i18n.t('keys.secret')} role="alert">
      <label htmlFor="api-key-secret" className="sr-only">{i18n.t('keys.secret')}</label>
      {/* A text area: the whole key stays visible at 390 px (it wraps) and can be selected where copying is not allowed. */}
      <textarea id="api-key-secret" ref={box} className="secret" readOnly rows={2} value={value} onFocus={(e) => e.target.select()}
        style={{ width: '100%', resize: 'none' }} data-testid="api-key-secret" />
      <div className="row mt-s">
        <Button onClick={copy} data-testid="api-key-secret-copy" aria-live="polite">{copied ? i18n.t('key.copied') : i18n.t('keys.copySecret')}</Button>
      </div>
    </Notice>
  );
}

export default function ApiKeys() {
  const i18n = useI18n();
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [name, setName] = useState('');
  // A new key may only verify unless staff choose otherwise (a full key can do what staff can through the API).
  const [scope, setScope] = useState<ApiKeyScope>('verify');
  /** The new key's secret, shown once — until that key is revoked. */
  const [secret, setSecret] = useState<{ id: string; value: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const load = useCallback(() => api.get<{ items: ApiKey[] }>('/api/org/api-keys').then((r) => setKeys(r.items)).catch(setError), []);
  useEffect(() => { void load(); }, [load]);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true); setError(null); setSecret(null);
    try { const k = await api.post<ApiKey & { secret: string }>('/api/org/api-keys', { name: name.trim(), scope }); setSecret({ id: k.id, value: k.secret }); setName(''); setScope('verify'); await load(); }
    catch (err) { setError(err); } finally { setBusy(false); }
  };
  // A name another active key has (409 api_key_name_taken on body.name) is shown at the name field.
  const nameProblem = fieldProblems(error, i18n).name;
  const revoke = async (k: ApiKey) => {
    if (!window.confirm(i18n.t('keys.confirmRevoke'))) return;
    try { await api.del(`/api/org/api-keys/${k.id}`); if (secret?.id === k.id) setSecret(null); await load(); } catch (err) { setError(err); }
  };
  return (
    <Page title={i18n.t('keys.title')} lead={i18n.t('keys.lead')}>
      <Card>
        <form className="row" onSubmit={create} style={{ alignItems: 'flex-end' }}>
          <div className="field" style={{ flex: '1 1 16rem', margin: 0 }}>
            <label htmlFor="key-name">{i18n.t('keys.name')}</label>
            <input id="key-name" value={name} maxLength={64} onChange={(e) => setName(e.target.value)} required
              aria-invalid={nameProblem ? true : undefined} aria-describedby={nameProblem ? 'key-name-err' : undefined} />
          </div>
          <div className="field" style={{ flex: '1 1 16rem', margin: 0 }}>
            <label htmlFor="key-scope">{i18n.t('keys.scope')}</label>
            <select id="key-scope" value={scope} onChange={(e) => setScope(e.target.value as ApiKeyScope)} data-testid="api-key-scope">
              <option value="verify">{i18n.t('keys.scopeVerify')}</option>
              <option value="full">{i18n.t('keys.scopeFull')}</option>
            </select>
          </div>
          <Button type="submit" variant="primary" busy={busy} disabled={!name.trim()}>{i18n.t('keys.create')}</Button>
        </form>
        {nameProblem ? <ul className="field-errors" id="key-name-err" data-testid="api-key-name-error"><li>{nameProblem}</li></ul> : null}
        {scope === 'full' ? <div style={{ marginTop: '0.75rem' }}><Notice kind="warning">{i18n.t('keys.fullWarning')}</Notice></div> : null}
        {secret ? <div className="mt-s"><Secret value={secret.value} /></div> : null}
      </Card>
      {nameProblem ? null : <ErrorNotice error={error} />}
      {!keys ? <Loading /> : (
        <TableWrap label={i18n.t('keys.title')}>
          <table className="cards" data-testid="api-keys">
            <thead><tr><th>{i18n.t('keys.name')}</th><th>{i18n.t('keys.scope')}</th><th>{i18n.t('keys.prefix')}</th><th>{i18n.t('keys.createdAt')}</th><th>{i18n.t('keys.lastUsed')}</th><th>{i18n.t('review.status')}</th><th><span className="sr-only">{i18n.t('common.actions')}</span></th></tr></thead>
            <tbody>
              {keys.length === 0 ? <tr><td colSpan={7} className="muted">{i18n.t('keys.none')}</td></tr> : null}
              {keys.map((k) => (
                <tr key={k.id} data-testid="api-key">
                  <td data-label={i18n.t('keys.name')}>{k.name}</td>
                  <td data-label={i18n.t('keys.scope')}>{k.scope === 'full' ? <span className="badge badge-warning">{i18n.t('keys.scopeFullShort')}</span> : i18n.t('keys.scopeVerifyShort')}</td>
                  <td data-label={i18n.t('keys.prefix')} className="mono">{k.prefix ?? k.keyPrefix}…</td>
                  <td data-label={i18n.t('keys.createdAt')}>{i18n.date(k.createdAt, true)}</td>
                  <td data-label={i18n.t('keys.lastUsed')}>{k.lastUsedAt ? i18n.date(k.lastUsedAt, true) : i18n.t('keys.never')}</td>
                  <td data-label={i18n.t('review.status')}>{k.revokedAt ? <span className="badge badge-neutral">{i18n.t('keys.revoked')}</span> : <span className="badge badge-success">{i18n.t('keys.active')}</span>}</td>
                  {k.revokedAt
                    ? <td data-label={i18n.t('keys.revokedAt')}>{i18n.date(k.revokedAt, true)}</td>
                    : <td className="cell-action"><Button variant="danger" className="btn-small" onClick={() => void revoke(k)} data-testid="api-key-revoke">{i18n.t('keys.revoke')}</Button></td>}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Page>
  );
}
