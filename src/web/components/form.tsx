// Form fields bound to a draft by dotted path. Each field shows its label (from the
// vocabulary), the problems the rules report at its path (once touched, or after a save),
// warnings, and a reviewer's reason with its suggestion when the field was returned.
import { createContext, type ReactNode, useContext } from 'react';
import { useI18n } from '../i18n/index.tsx';
import type { OptionSet } from '../i18n/vocabulary.ts';
import { fieldPattern, OPTIONS } from '../i18n/vocabulary.ts';
import { at, getPath } from '../lib/paths.ts';
import type { Problem, ReviewReason } from '../lib/types.ts';

export interface FormBinding {
  draft: unknown;
  set(path: string, value: unknown): void;
  touch(path: string): void;
  /** Problems to show now (touched or after a save). */
  problems: Problem[];
  warnings: Problem[];
  reasons: ReviewReason[];
  readOnly: boolean;
  /**
   * Fields the application's kind keeps as filed (APPLICATION_KINDS[].fixed, its access rule): shown,
   * not editable, so the host cannot change what submission would refuse (`not_editable`).
   */
  fixed?: (path: string) => boolean;
  /** The application the form edits (a package upload leaves the filing it changes out of "filed already"). */
  applicationId?: string;
}

const FormCtx = createContext<FormBinding | null>(null);
export const FormProvider = ({ value, children }: { value: FormBinding; children: ReactNode }) => <FormCtx.Provider value={value}>{children}</FormCtx.Provider>;
export function useForm(): FormBinding {
  const f = useContext(FormCtx);
  if (!f) throw new Error('field outside a form');
  return f;
}

export const fieldId = (path: string) => `f-${path.replace(/\./g, '-')}`;

/** Not editable here: the whole form is read-only, or the field is kept as filed. */
export const isLocked = (f: FormBinding, path: string) => f.readOnly || !!f.fixed?.(path);

interface FieldProps { path: string; label?: string; hint?: ReactNode; required?: boolean; listItems?: boolean; className?: string }

/** Label, control, hint, problems, warnings and reviewer reasons for one path. */
export function Field({ path, label, hint, required, listItems, className, children }: FieldProps & { children: (a: { id: string; describedBy: string; invalid: boolean }) => ReactNode }) {
  const i18n = useI18n();
  const f = useForm();
  const id = fieldId(path);
  const problems = at(f.problems, path, listItems);
  const warnings = at(f.warnings, path, listItems);
  const reasons = f.reasons.filter((r) => r.field === path || (listItems && r.field.startsWith(`${path}.`)));
  const described = [hint ? `${id}-hint` : '', problems.length ? `${id}-err` : '', reasons.length ? `${id}-reason` : ''].filter(Boolean).join(' ');
  return (
    <div className={`field ${problems.length ? 'has-error' : ''} ${reasons.length ? 'has-reason' : ''} ${className ?? ''}`} data-field={path}>
      <label htmlFor={id}>{label ?? i18n.field(fieldPattern(path))}{required ? <span className="req" aria-hidden="true"> *</span> : null}</label>
      {children({ id, describedBy: described, invalid: problems.length > 0 })}
      {hint ? <p className="hint" id={`${id}-hint`}>{hint}</p> : null}
      {problems.length ? (
        <ul className="field-errors" id={`${id}-err`} aria-live="polite">
          {problems.map((p, i) => <li key={i}>{p.field !== path ? `#${Number(p.field.split('.').pop()) + 1} ` : ''}{i18n.problem(p)}</li>)}
        </ul>
      ) : null}
      {warnings.map((w, i) => <p key={i} className="field-warning">{i18n.t('wizard.warning')}{i18n.colon}{i18n.problem(w)}</p>)}
      {reasons.length ? (
        <div className="field-reason" id={`${id}-reason`}>
          {reasons.map((raw) => ({ ...raw, ...i18n.reason(raw) })).map((r, i) => (
            <p key={i}><strong>{i18n.t('wizard.reviewer')}{i18n.colon}</strong>{r.error}{r.suggestion ? <><br /><strong>{i18n.t('wizard.suggestion')}{i18n.colon}</strong>{r.suggestion}</> : null}</p>
          ))}
        </div>
      ) : null}
    </div>
  );
}

const str = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));

export function TextField({ type = 'text', placeholder, inputMode, autoComplete, maxLength, disabled, ...p }: FieldProps & { type?: string; placeholder?: string; inputMode?: 'text' | 'numeric' | 'tel' | 'email' | 'url'; autoComplete?: string; maxLength?: number; disabled?: boolean }) {
  const f = useForm();
  return (
    <Field {...p}>{({ id, describedBy, invalid }) => (
      <input id={id} name={p.path} type={type} value={str(getPath(f.draft, p.path))} placeholder={placeholder} inputMode={inputMode} autoComplete={autoComplete ?? 'off'}
        maxLength={maxLength} readOnly={isLocked(f, p.path)} disabled={disabled} aria-invalid={invalid || undefined} aria-describedby={describedBy || undefined} aria-required={p.required || undefined}
        onChange={(e) => f.set(p.path, e.target.value)} onBlur={() => f.touch(p.path)} />
    )}</Field>
  );
}

export function TextAreaField({ rows = 3, counter, ...p }: FieldProps & { rows?: number; counter?: boolean }) {
  const f = useForm();
  const i18n = useI18n();
  const value = str(getPath(f.draft, p.path));
  return (
    <Field {...p} hint={counter ? <>{p.hint} <span className="counter">{i18n.t('wizard.chars', { n: [...value].length })}</span></> : p.hint}>{({ id, describedBy, invalid }) => (
      <textarea id={id} name={p.path} rows={rows} value={value} readOnly={isLocked(f, p.path)} aria-invalid={invalid || undefined} aria-describedby={describedBy || undefined}
        onChange={(e) => f.set(p.path, e.target.value)} onBlur={() => f.touch(p.path)} />
    )}</Field>
  );
}

export function SelectField({ options, set, allowed, onSelect, ...p }: FieldProps & { set?: OptionSet; options?: { value: string; label: string }[]; allowed?: readonly string[]; onSelect?: (value: string | undefined) => void }) {
  const f = useForm();
  const i18n = useI18n();
  const list = options ?? Object.keys(set ? OPTIONS[set] : {}).filter((v) => !allowed || allowed.includes(v)).map((v) => ({ value: v, label: i18n.option(set!, v) }));
  return (
    <Field {...p}>{({ id, describedBy, invalid }) => (
      <select id={id} name={p.path} value={str(getPath(f.draft, p.path))} disabled={isLocked(f, p.path)} aria-invalid={invalid || undefined} aria-describedby={describedBy || undefined}
        onChange={(e) => { f.set(p.path, e.target.value || undefined); f.touch(p.path); onSelect?.(e.target.value || undefined); }}>
        <option value="">{i18n.t('common.select')}</option>
        {list.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    )}</Field>
  );
}

/** A list of strings edited one per line (domains, IP addresses). */
export function LinesField({ rows = 3, ...p }: FieldProps & { rows?: number }) {
  const f = useForm();
  const i18n = useI18n();
  const value = getPath(f.draft, p.path);
  const text = Array.isArray(value) ? value.join('\n') : '';
  return (
    <Field {...p} listItems hint={<>{i18n.t('wizard.onePerLine')}{p.hint ? <> · {p.hint}</> : null}</>}>{({ id, describedBy, invalid }) => (
      <textarea id={id} name={p.path} rows={rows} value={text} readOnly={isLocked(f, p.path)} aria-invalid={invalid || undefined} aria-describedby={describedBy || undefined}
        onChange={(e) => f.set(p.path, e.target.value === '' ? [] : e.target.value.split('\n').map((s) => s.trim()).filter((s, i, all) => s !== '' || i === all.length - 1))}
        onBlur={() => { f.set(p.path, text.split('\n').map((s) => s.trim()).filter(Boolean)); f.touch(p.path); }} />
    )}</Field>
  );
}

/** Several choices from a set, as checkboxes (categories, languages, domains of a platform). */
export function ChecksField({ set, options, max, ...p }: FieldProps & { set?: OptionSet; options?: { value: string; label: string }[]; max?: number }) {
  const f = useForm();
  const i18n = useI18n();
  const chosen = (getPath(f.draft, p.path) as string[] | undefined) ?? [];
  const list = options ?? Object.keys(set ? OPTIONS[set] : {}).map((v) => ({ value: v, label: i18n.option(set!, v) }));
  const legendId = `${fieldId(p.path)}-legend`;
  return (
    <Field {...p} listItems>{({ id, describedBy, invalid }) => (
      <div className="checks" role="group" id={id} aria-labelledby={legendId} aria-describedby={describedBy || undefined} aria-invalid={invalid || undefined} tabIndex={-1}>
        <span id={legendId} className="sr-only">{p.label ?? i18n.field(p.path)}</span>
        {list.map((o) => {
          const on = chosen.includes(o.value);
          return (
            <label key={o.value} className={`check ${on ? 'on' : ''}`}>
              <input type="checkbox" checked={on} disabled={isLocked(f, p.path) || (!on && max !== undefined && chosen.length >= max)}
                onChange={() => { f.set(p.path, on ? chosen.filter((c) => c !== o.value) : [...chosen, o.value]); f.touch(p.path); }} />
              <span>{o.label}</span>
            </label>
          );
        })}
      </div>
    )}</Field>
  );
}

export function CheckboxField({ path, label, onChange }: { path: string; label: string; onChange?: (v: boolean) => void }) {
  const f = useForm();
  const id = fieldId(path);
  return (
    <div className="field field-check">
      <label className="check" htmlFor={id}>
        <input id={id} type="checkbox" checked={getPath(f.draft, path) === true} disabled={isLocked(f, path)}
          onChange={(e) => { if (onChange) onChange(e.target.checked); else f.set(path, e.target.checked); f.touch(path); }} />
        <span>{label}</span>
      </label>
    </div>
  );
}

/** Problems, warnings and reasons that name a whole group (`platforms`, `service.preApprovals`, `subject.principal`). */
export function GroupNotes({ path }: { path: string }) {
  const i18n = useI18n();
  const f = useForm();
  const problems = f.problems.filter((p) => p.field === path);
  const warnings = f.warnings.filter((p) => p.field === path);
  const reasons = f.reasons.filter((r) => r.field === path);
  if (!problems.length && !warnings.length && !reasons.length) return null;
  return (
    <div className="group-notes" id={fieldId(path)} tabIndex={-1} data-field={path}>
      {problems.length ? <ul className="field-errors">{problems.map((p, i) => <li key={i}>{i18n.problem(p)}</li>)}</ul> : null}
      {warnings.map((w, i) => <p key={i} className="field-warning">{i18n.t('wizard.warning')}{i18n.colon}{i18n.problem(w)}</p>)}
      {reasons.map((raw) => ({ ...raw, ...i18n.reason(raw) })).map((r, i) => (
        <div key={i} className="field-reason"><p><strong>{i18n.t('wizard.reviewer')}{i18n.colon}</strong>{r.error}{r.suggestion ? <><br /><strong>{i18n.t('wizard.suggestion')}{i18n.colon}</strong>{r.suggestion}</> : null}</p></div>
      ))}
    </div>
  );
}
