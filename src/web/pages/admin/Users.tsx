// Users (issue 6 item 6): list by role, create staff accounts (initial password shown once),
// disable and enable, set a new one-time password on a staff account (shown once).
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { Button, Card, ErrorNotice, Loading, Notice, Page, TableWrap } from '../../components/ui.tsx';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { api, qs } from '../../lib/api.ts';
import { useSession } from '../../lib/session.tsx';
import type { Account, Organisation } from '../../lib/types.ts';

const ROLES = ['host', 'provider_staff', 'platform_staff', 'device_maker_staff', 'bureau_reviewer', 'ministry_admin'] as const;
const ROLE_OF_KIND: Record<string, string> = { access_provider: 'provider_staff', distribution_platform: 'platform_staff', device_maker: 'device_maker_staff', bureau: 'bureau_reviewer', ministry: 'ministry_admin' };

export default function Users() {
  const i18n = useI18n();
  const [role, setRole] = useState('');
  const [items, setItems] = useState<Account[] | null>(null);
  const [total, setTotal] = useState(0);
  const [orgs, setOrgs] = useState<Organisation[]>([]);
  const [form, setForm] = useState({ organisationId: '', displayName: '', login: '', email: '' });
  const [created, setCreated] = useState<string | null>(null);
  const [oneTime, setOneTime] = useState<{ name: string; password: string } | null>(null);
  const me = useSession().session?.user?.id;
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const load = useCallback(() => api.get<{ items: Account[]; total: number }>(`/api/admin/users${qs({ role, limit: 500 })}`).then((r) => { setItems(r.items); setTotal(r.total); }).catch(setError), [role]);
  useEffect(() => { void load(); }, [load]);
  useEffect(() => { api.get<{ items: Organisation[] }>('/api/admin/organisations?limit=500&status=active').then((r) => setOrgs(r.items)).catch(setError); }, []);
  const org = orgs.find((o) => o.id === form.organisationId);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (!org) return;
    setBusy(true); setError(null); setCreated(null);
    try {
      const r = await api.post<{ initialPassword: string }>('/api/admin/users', {
        organisationId: org.id, role: ROLE_OF_KIND[org.kind], displayName: form.displayName.trim(), login: form.login.trim().toLowerCase(), email: form.email.trim() || null, locale: i18n.lang,
      });
      setCreated(r.initialPassword); setForm({ ...form, displayName: '', login: '', email: '' });
      await load();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const toggle = async (u: Account) => {
    if (!u.disabledAt && !window.confirm(i18n.t('admin.users.confirmDisable', { login: u.login ?? u.displayName }))) return;
    try { await api.post(`/api/admin/users/${u.id}/${u.disabledAt ? 'enable' : 'disable'}`); await load(); } catch (err) { setError(err); }
  };
  const resetPassword = async (u: Account) => {
    if (!window.confirm(i18n.t('admin.users.resetConfirm', { name: u.displayName }))) return;
    setError(null); setOneTime(null);
    try {
      const r = await api.post<{ oneTimePassword: string }>(`/api/admin/users/${u.id}/password`);
      setOneTime({ name: u.displayName, password: r.oneTimePassword });
    } catch (err) { setError(err); }
  };
  return (
    <Page title={i18n.t('admin.users.title')} wide>
      <Card title={i18n.t('admin.users.create')}>
        <form className="grid-3" onSubmit={create}>
          <div className="field span-2"><label htmlFor="u-org">{i18n.t('admin.users.organisation')}</label>
            <select id="u-org" required value={form.organisationId} onChange={(e) => setForm({ ...form, organisationId: e.target.value })}>
              <option value="">{i18n.t('common.select')}</option>{orgs.map((o) => <option key={o.id} value={o.id}>{i18n.orgName(o.name)}</option>)}
            </select>
            {org ? <p className="hint">{i18n.t('admin.users.role')}{i18n.colon}{i18n.t(`role.${ROLE_OF_KIND[org.kind]}` as MessageKey)}</p> : null}
          </div>
          <div className="field"><label htmlFor="u-name">{i18n.t('admin.users.displayName')}</label><input id="u-name" required maxLength={64} value={form.displayName} onChange={(e) => setForm({ ...form, displayName: e.target.value })} /></div>
          <div className="field"><label htmlFor="u-login">{i18n.t('admin.users.login')}</label><input id="u-login" required maxLength={64} value={form.login} onChange={(e) => setForm({ ...form, login: e.target.value })} /></div>
          <div className="field"><label htmlFor="u-email">{i18n.t('admin.users.email')}</label><input id="u-email" type="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} /></div>
          <div className="field" style={{ alignSelf: 'end' }}><Button type="submit" variant="primary" busy={busy} disabled={!org || !form.displayName.trim() || !form.login.trim()}>{i18n.t('admin.users.create')}</Button></div>
        </form>
        {created ? <Notice kind="warning"><p className="secret">{i18n.t('admin.users.initialPassword', { password: created })}</p></Notice> : null}
      </Card>
      <ErrorNotice error={error} />
      {oneTime ? <Notice kind="warning"><p className="secret" data-testid="one-time-password">{i18n.t('admin.users.oneTimePassword', oneTime)}</p></Notice> : null}
      <div className="row" style={{ marginBottom: '.75rem' }}>
        <label htmlFor="role-filter">{i18n.t('admin.filterRole')}</label>
        <select id="role-filter" value={role} onChange={(e) => setRole(e.target.value)} style={{ maxWidth: '16rem' }}>
          <option value="">{i18n.t('review.all')}</option>{ROLES.map((r) => <option key={r} value={r}>{i18n.t(`role.${r}` as MessageKey)}</option>)}
        </select>
        <span className="muted">{i18n.t('common.total', { n: total })}</span>
      </div>
      {!items ? <Loading /> : (
        <TableWrap label={i18n.t('admin.users.title')}>
          <table>
            <thead><tr><th>{i18n.t('admin.users.displayName')}</th><th>{i18n.t('admin.users.login')}</th><th>{i18n.t('admin.users.role')}</th><th>{i18n.t('admin.users.organisation')}</th><th>{i18n.t('admin.orgs.status')}</th><th><span className="sr-only">{i18n.t('common.actions')}</span></th></tr></thead>
            <tbody>
              {items.map((u) => (
                <tr key={u.id}>
                  <td>{u.displayName}</td><td className="mono">{u.login ?? u.email ?? '—'}</td><td>{i18n.t(`role.${u.role}` as MessageKey)}</td><td>{i18n.orgName(u.organisation?.name) ?? '—'}</td>
                  <td><span className={`badge ${u.disabledAt ? 'badge-danger' : 'badge-success'}`}>{u.disabledAt ? i18n.t('admin.users.disabled') : i18n.t('admin.users.active')}</span></td>
                  <td><div className="row">
                    {u.role !== 'ministry_admin' ? <Button className="btn-small" variant={u.disabledAt ? 'secondary' : 'danger'} onClick={() => void toggle(u)}>{u.disabledAt ? i18n.t('admin.users.enable') : i18n.t('admin.users.disable')}</Button> : null}
                    {u.role !== 'host' && u.id !== me ? <Button className="btn-small" variant="secondary" onClick={() => void resetPassword(u)}>{i18n.t('admin.users.resetPassword')}</Button> : null}
                  </div></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Page>
  );
}
