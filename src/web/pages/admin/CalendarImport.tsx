// Importing a year's official holiday schedule (issue 12 part 1; ADR 0011), for the ministry:
// choose chinese-days' ICS or a JSON, preview which days change and which running deadlines
// move (old → new), then confirm with the same file. Below, the imported years compared with
// the installed chinese-days, so a package upgrade that disagrees is seen.
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { PROVINCES } from '../../../domain/provinces.ts';
import { ProvisionalBadge } from '../../components/ProvisionalBadge.tsx';
import { Button, Card, ErrorNotice, Notice, TableWrap } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api } from '../../lib/api.ts';

interface Move { applicationId: string; serviceName: string | null; provinceCode: string; old: { deadlineOn: string | null; provisional: boolean }; new: { deadlineOn: string; provisional: boolean } }
interface Plan { year: number; holidays: string[]; workdays: string[]; days: { date: string; before: 'working' | 'off'; after: 'working' | 'off' }[]; replacedOverrides: number; deadlines: Move[] }
interface Check { packageYears: { first: number; last: number }; agrees: boolean; years: { year: number; source: string; coveredByPackage: boolean; differences: { date: string; imported: string; library: string }[] }[] }

export function CalendarImport({ onImported }: { onImported: () => void }) {
  const i18n = useI18n();
  const [file, setFile] = useState<{ name: string; content: string } | null>(null);
  const [year, setYear] = useState('');
  const [plan, setPlan] = useState<Plan | null>(null);
  const [done, setDone] = useState<Plan | null>(null);
  const [check, setCheck] = useState<Check | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const loadCheck = useCallback(() => api.get<Check>('/api/admin/calendar-check').then(setCheck).catch(setError), []);
  useEffect(() => { void loadCheck(); }, [loadCheck]);

  const body = () => ({ content: file!.content, source: file!.name, ...(year ? { year: Number(year) } : {}) });
  const run = async (confirm: boolean) => {
    setBusy(true); setError(null);
    try {
      if (confirm) {
        setDone(await api.post<Plan>('/api/admin/calendar-imports', body()));
        setPlan(null); setFile(null); onImported(); await loadCheck();
      } else {
        setDone(null); setPlan(await api.post<Plan>('/api/admin/calendar-imports/preview', body()));
      }
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const preview = (e: FormEvent) => { e.preventDefault(); void run(false); };
  const province = (code: string) => { const p = PROVINCES.find((x) => x.code === code); return p ? (i18n.lang === 'en' ? p.nameEn : p.name) : code; };
  const day = (k: 'working' | 'off') => i18n.t(k === 'working' ? 'calendar.day.working' : 'calendar.day.off');

  return (
    <>
      <Card title={i18n.t('calendar.import.title')} id="calendar-import">
        <p className="muted">{i18n.t('calendar.import.lead')}</p>
        <form className="grid-3" onSubmit={preview}>
          <div className="field span-2"><label htmlFor="cal-file">{i18n.t('calendar.import.file')}</label>
            <input id="cal-file" type="file" accept=".ics,.json,text/calendar,application/json" data-testid="calendar-file"
              onChange={(e) => { const f = e.target.files?.[0]; setPlan(null); setFile(null); if (f) void f.text().then((content) => setFile({ name: f.name, content })); }} />
          </div>
          <div className="field"><label htmlFor="cal-year">{i18n.t('calendar.import.year')}</label><input id="cal-year" inputMode="numeric" pattern="\d{4}" value={year} onChange={(e) => setYear(e.target.value)} /></div>
          <div className="field" style={{ alignSelf: 'end' }}><Button type="submit" busy={busy && !plan} disabled={!file}>{i18n.t('calendar.import.preview')}</Button></div>
        </form>
        {done ? <Notice kind="success">{i18n.t('calendar.import.done', { year: done.year, n: done.deadlines.length })}</Notice> : null}
      </Card>
      <ErrorNotice error={error} />
      {plan ? (
        <Card title={i18n.t('calendar.import.summary', { year: plan.year, holidays: plan.holidays.length, workdays: plan.workdays.length })} id="calendar-preview"
          actions={<Button variant="primary" busy={busy} onClick={() => void run(true)} data-testid="calendar-confirm">{i18n.t('calendar.import.confirm')}</Button>}>
          {plan.replacedOverrides ? <Notice kind="warning">{i18n.t('calendar.import.replaced', { n: plan.replacedOverrides })}</Notice> : null}
          <h3>{i18n.t('calendar.import.days', { n: plan.days.length })}</h3>
          {plan.days.length === 0 ? <p>{i18n.t('calendar.import.noDays')}</p> : (
            <ul className="day-changes" data-testid="calendar-days">{plan.days.map((d) => <li key={d.date}>{i18n.date(d.date)}{i18n.colon}{day(d.before)} → <strong>{day(d.after)}</strong></li>)}</ul>
          )}
          <h3>{i18n.t('calendar.import.deadlines', { n: plan.deadlines.length })}</h3>
          {plan.deadlines.length === 0 ? <p>{i18n.t('calendar.import.noDeadlines')}</p> : (
            <TableWrap label={i18n.t('calendar.import.deadlines', { n: plan.deadlines.length })}>
              <table className="cards" data-testid="calendar-moves">
                <thead><tr><th>{i18n.t('review.service')}</th><th>{i18n.t('admin.orgs.province')}</th><th>{i18n.t('calendar.import.before')}</th><th>{i18n.t('calendar.import.after')}</th></tr></thead>
                <tbody>{plan.deadlines.map((m) => (
                  <tr key={m.applicationId}>
                    <td data-label={i18n.t('review.service')}>{m.serviceName ?? m.applicationId}</td>
                    <td data-label={i18n.t('admin.orgs.province')}>{province(m.provinceCode)}</td>
                    <td data-label={i18n.t('calendar.import.before')}>{m.old.deadlineOn ? i18n.date(m.old.deadlineOn) : '—'} <ProvisionalBadge deadline={m.old.deadlineOn} provisional={m.old.provisional} /></td>
                    <td data-label={i18n.t('calendar.import.after')}><strong>{i18n.date(m.new.deadlineOn)}</strong> <ProvisionalBadge deadline={m.new.deadlineOn} provisional={m.new.provisional} /></td>
                  </tr>
                ))}</tbody>
              </table>
            </TableWrap>
          )}
        </Card>
      ) : null}
      {check ? (
        <Card title={i18n.t('calendar.check.title')} id="calendar-check">
          <p className="muted">{i18n.t('calendar.check.covers', check.packageYears)}</p>
          {check.years.length === 0 ? <p>{i18n.t('calendar.check.none')}</p> : (
            <ul data-testid="calendar-check">{check.years.map((y) => (
              <li key={y.year}>
                {!y.coveredByPackage ? i18n.t('calendar.check.pending', { year: y.year, source: y.source })
                  : y.differences.length === 0 ? i18n.t('calendar.check.agrees', { year: y.year })
                    : <Notice kind="warning" title={i18n.t('calendar.check.differs', { year: y.year, n: y.differences.length })}>
                      <ul>{y.differences.map((d) => <li key={d.date}>{i18n.date(d.date)}{i18n.colon}{i18n.t('calendar.check.imported')} {day(d.imported as 'off')}{i18n.comma}{i18n.t('calendar.check.package')} {day(d.library as 'off')}</li>)}</ul>
                    </Notice>}
              </li>
            ))}</ul>
          )}
        </Card>
      ) : null}
    </>
  );
}
