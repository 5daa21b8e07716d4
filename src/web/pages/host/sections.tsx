// The four material groups of the filing form (DOMAIN.md §2), bound to the draft by path.
import { NATURE_CERTIFICATES } from '../../../domain/application-rules.ts';
import { PERSON_CERTIFICATE_TYPES, SUBJECT_NATURES, UNIT_CERTIFICATE_TYPES } from '../../../domain/materials.ts';
import { citiesOf, countiesOf, type Division, divisionLabel } from '../../../domain/divisions.ts';
import { PROVINCES } from '../../../domain/provinces.ts';
import { ChecksField, CheckboxField, GroupNotes, isLocked, LinesField, SelectField, TextAreaField, TextField, useForm } from '../../components/form.tsx';
import { groupTitle } from '../../components/Materials.tsx';
import { Button } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { OPTIONS } from '../../i18n/vocabulary.ts';
import { getPath } from '../../lib/paths.ts';
import { PackageUpload } from './PackageUpload.tsx';

type Person = Record<string, unknown>;

/** A person's fields (principal, service principal). Validity "长期" is a checkbox for a null end date. */
export function PersonFields({ base, hideIdentity }: { base: string; hideIdentity?: boolean }) {
  const i18n = useI18n();
  const f = useForm();
  const person = (getPath(f.draft, base) as Person | undefined) ?? {};
  const longTerm = person.certificateValidTo === null;
  return (
    <>
    <GroupNotes path={base} />
    <div className="grid-2">
      {hideIdentity ? null : (
        <>
          <TextField path={`${base}.name`} required autoComplete="off" />
          <SelectField path={`${base}.certificateType`} set="certificateType" allowed={PERSON_CERTIFICATE_TYPES} required />
          <TextField path={`${base}.certificateNumber`} required />
        </>
      )}
      <TextField path={`${base}.certificateValidFrom`} type="date" required />
      <div>
        <TextField path={`${base}.certificateValidTo`} type="date" disabled={longTerm} />
        <div className="field-check" style={{ marginTop: '-.5rem' }}>
          <label className="check">
            <input type="checkbox" checked={longTerm} disabled={f.readOnly} onChange={(e) => { f.set(`${base}.certificateValidTo`, e.target.checked ? null : undefined); f.touch(`${base}.certificateValidTo`); }} />
            <span>{i18n.t('common.longTerm')}</span>
          </label>
        </div>
      </div>
      <TextField path={`${base}.mobile`} type="tel" inputMode="tel" required placeholder="13800138000" />
      <TextField path={`${base}.emergencyPhone`} type="tel" inputMode="tel" required placeholder="010-12345678" />
      <TextField path={`${base}.email`} type="email" inputMode="email" required className="span-2" />
    </div>
    </>
  );
}

/**
 * The options of a division select: the table's rows under the parent (ADR 0036), named in the UI's
 * language (English names generated from the Chinese, ADR 0046). A stored code the table lacks — a
 * division abolished since the record was filed — stays shown as its code, so reading is not broken.
 */
function divisionOptions(rows: readonly Division[], current: string | undefined, lang: string, outside: string) {
  const options = rows.map((d) => ({ value: d.code, label: lang === 'en' ? d.nameEn : d.name }));
  if (current && !rows.some((d) => d.code === current)) options.unshift({ value: current, label: `${divisionLabel(current, lang) ?? current}${outside}` });
  return options;
}

export function SubjectSection() {
  const i18n = useI18n();
  const f = useForm();
  const subject = (getPath(f.draft, 'subject') as Record<string, unknown> | undefined) ?? {};
  const individual = subject.subjectType === 'individual';
  const nature = (subject.nature as keyof typeof NATURE_CERTIFICATES | undefined);
  const certs = nature ? NATURE_CERTIFICATES[nature] : individual ? PERSON_CERTIFICATE_TYPES : UNIT_CERTIFICATE_TYPES;
  const natures = individual ? ['individual'] : SUBJECT_NATURES.filter((n) => n !== 'individual');
  const province = typeof subject.provinceCode === 'string' ? subject.provinceCode : undefined;
  const city = typeof subject.cityCode === 'string' ? subject.cityCode : undefined;
  const district = typeof subject.districtCode === 'string' ? subject.districtCode : undefined;
  return (
    <>
      <fieldset>
        <legend>{i18n.t('subject.group')}</legend>
        <GroupNotes path="subject" />
        <div className="grid-2">
          <SelectField path="subject.subjectType" set="subjectType" required />
          <SelectField path="subject.nature" set="nature" allowed={natures} required />
          {individual ? null : (
            <>
              <TextField path="subject.name" required className="span-2" />
              <SelectField path="subject.certificateType" set="certificateType" allowed={certs} required />
              <TextField path="subject.certificateNumber" required placeholder="91440300XXXXXXXXXX" />
            </>
          )}
          {/* Cascading GB/T 2260 selects (ADR 0036): a new province clears the city and district, a new city the district. */}
          <SelectField path="subject.provinceCode" required options={PROVINCES.map((p) => ({ value: p.code, label: i18n.lang === 'en' ? p.nameEn : p.name }))}
            onSelect={() => { f.set('subject.cityCode', undefined); f.set('subject.districtCode', undefined); }} />
          <SelectField path="subject.cityCode" required options={divisionOptions(province ? citiesOf(province) : [], city, i18n.lang, i18n.t('subject.divisionOutside'))}
            hint={province ? undefined : i18n.t('subject.cityHint')} onSelect={() => f.set('subject.districtCode', undefined)} />
          <SelectField path="subject.districtCode" required options={divisionOptions(city ? countiesOf(city) : [], district, i18n.lang, i18n.t('subject.divisionOutside'))}
            hint={city ? undefined : i18n.t('subject.districtHint')} />
          <TextField path="subject.certificateAddress" />
          <TextField path="subject.address" required className="span-2" />
        </div>
      </fieldset>
      <fieldset>
        <legend>{i18n.t('subject.principalGroup')}</legend>
        {!individual ? (
          <CheckboxField path="subject.principalIsLegalRepresentative" label={i18n.field('subject.principalIsLegalRepresentative')}
            onChange={(v) => { f.set('subject.principalIsLegalRepresentative', v); if (v) f.set('subject.legalPerson', undefined); }} />
        ) : null}
        <PersonFields base="subject.principal" />
      </fieldset>
      {!individual && subject.principalIsLegalRepresentative === false ? (
        <fieldset>
          <legend>{i18n.t('subject.legalGroup')}</legend>
          <GroupNotes path="subject.legalPerson" />
          <div className="grid-3">
            <TextField path="subject.legalPerson.name" required />
            <SelectField path="subject.legalPerson.certificateType" set="certificateType" allowed={PERSON_CERTIFICATE_TYPES} required />
            <TextField path="subject.legalPerson.certificateNumber" required />
          </div>
        </fieldset>
      ) : null}
      <TextAreaField path="subject.comment" rows={2} />
    </>
  );
}

export function ServiceSection({ serviceType }: { serviceType: string }) {
  const i18n = useI18n();
  const f = useForm();
  const pre = (getPath(f.draft, 'service.preApprovals') as { type?: string; number?: string }[] | undefined) ?? [];
  const sdks = (getPath(f.draft, 'service.sdks') as { vendor?: string; type?: string }[] | undefined) ?? [];
  const principal = getPath(f.draft, 'service.principal') as Record<string, unknown> | undefined;
  const same = principal?.sameAsSubjectPrincipal === true;
  const hasDomains = serviceType === 'app' || serviceType === 'website';
  return (
    <>
      <fieldset>
        <legend>{groupTitle(i18n, 'service', serviceType)}</legend>
        <TextField path="service.name" required />
        <ChecksField path="service.categories" set="category" max={5} required />
        <ChecksField path="service.languages" set="language" required />
        <TextAreaField path="service.description" rows={3} counter required />
        {serviceType === 'website' ? <TextField path="service.homeUrl" type="url" inputMode="url" placeholder="https://www.example.cn/" required /> : null}
        {hasDomains ? <LinesField path="service.domains" rows={3} required hint="example.cn" /> : null}
      </fieldset>
      <fieldset>
        <legend>{i18n.field('service.preApprovals')}</legend>
        <GroupNotes path="service.preApprovals" />
        <div className="field-check">
          <label className="check">
            <input type="checkbox" checked={pre.length === 0} disabled={f.readOnly}
              onChange={(e) => f.set('service.preApprovals', e.target.checked ? [] : [{ type: '', number: '' }])} />
            <span>{i18n.t('service.noPreApproval')}</span>
          </label>
        </div>
        {pre.map((_, i) => (
          <div className="subform" key={i}>
            <div className="grid-2">
              <SelectField path={`service.preApprovals.${i}.type`} set="preApproval" required />
              <TextField path={`service.preApprovals.${i}.number`} required />
            </div>
            {!f.readOnly ? <Button variant="link" className="btn-small" onClick={() => f.set('service.preApprovals', pre.filter((__, j) => j !== i))}>{i18n.t('wizard.remove')}</Button> : null}
          </div>
        ))}
        {pre.length && !f.readOnly ? <Button className="btn-small" onClick={() => f.set('service.preApprovals', [...pre, { type: '', number: '' }])}>{i18n.t('wizard.add')}</Button> : null}
      </fieldset>
      <fieldset>
        <legend>{i18n.field('service.sdks')}</legend>
        <GroupNotes path="service.sdks" />
        {sdks.map((_, i) => (
          <div className="subform" key={i}>
            <div className="grid-2">
              <TextField path={`service.sdks.${i}.vendor`} required />
              <TextField path={`service.sdks.${i}.type`} required />
            </div>
            {!f.readOnly ? <Button variant="link" className="btn-small" onClick={() => f.set('service.sdks', sdks.filter((__, j) => j !== i))}>{i18n.t('wizard.remove')}</Button> : null}
          </div>
        ))}
        {!f.readOnly ? <Button className="btn-small" onClick={() => f.set('service.sdks', [...sdks, { vendor: '', type: '' }])}>{i18n.t('wizard.add')}</Button> : null}
      </fieldset>
      <fieldset>
        <legend>{i18n.t('service.principalGroup')}</legend>
        {same ? <GroupNotes path="service.principal" /> : null}
        <div className="field-check">
          <label className="check">
            <input type="checkbox" checked={same} disabled={f.readOnly}
              onChange={(e) => f.set('service.principal', e.target.checked ? { sameAsSubjectPrincipal: true } : {})} />
            <span>{i18n.t('service.samePrincipal')}</span>
          </label>
        </div>
        {same ? null : <PersonFields base="service.principal" />}
      </fieldset>
    </>
  );
}

export function PlatformsSection() {
  const i18n = useI18n();
  const f = useForm();
  const list = (getPath(f.draft, 'platforms') as Record<string, unknown>[] | undefined) ?? [];
  const domains = ((getPath(f.draft, 'service.domains') as string[] | undefined) ?? []).filter(Boolean);
  const used = new Set(list.map((p) => p.platform));
  const add = (values: Record<string, unknown> = {}) => {
    const platform = values.platform ?? (['android', 'ios', 'harmonyos'].find((p) => !used.has(p)) ?? 'android');
    const existing = list.findIndex((p) => p.platform === platform);
    if (existing >= 0) f.set(`platforms.${existing}`, { ...list[existing], ...values });
    else f.set('platforms', [...list, { platform, domains, ...values }]);
  };
  return (
    <fieldset>
      <legend>{i18n.t('platforms.group')}</legend>
      <p className="muted">{i18n.t('platforms.lead')}</p>
      <GroupNotes path="platforms" />
      {f.readOnly ? null : <PackageUpload typedFor={(platform) => list.find((p) => p.platform === platform)} onValues={(v) => add(v)} applicationId={f.applicationId} />}
      {list.length === 0 ? <p className="muted">{i18n.t('platforms.none')}</p> : null}
      {list.map((p, i) => (
        <div className="subform" key={i} data-testid={`platform-${i}`}>
          <div className="subform-head">
            <strong>{i18n.option('platform', p.platform as string)}</strong>
            {!f.readOnly ? <Button variant="link" className="btn-small" onClick={() => f.set('platforms', list.filter((_, j) => j !== i))}>{i18n.t('wizard.remove')}</Button> : null}
          </div>
          <GroupNotes path={`platforms.${i}`} />
          <div className="grid-2">
            <SelectField path={`platforms.${i}.platform`} set="platform" required />
            <TextField path={`platforms.${i}.packageName`} required placeholder="com.example.app" />
          </div>
          <TextAreaField path={`platforms.${i}.publicKey`} rows={3} required />
          <div className="grid-3">
            <TextField path={`platforms.${i}.certMd5`} required={p.platform === 'android'} />
            <TextField path={`platforms.${i}.certSha1`} required={p.platform === 'ios'} />
            <TextField path={`platforms.${i}.certSha256`} required={p.platform === 'harmonyos'} />
          </div>
          {domains.length ? <ChecksField path={`platforms.${i}.domains`} options={domains.map((d) => ({ value: d, label: d }))} /> : null}
        </div>
      ))}
      {!f.readOnly && list.length < 3 ? <Button onClick={() => add()}>{i18n.t('platforms.add')}</Button> : null}
    </fieldset>
  );
}

export function AccessSection({ providers, defaultProvider }: { providers: { id: string; name: string }[]; defaultProvider?: string }) {
  const i18n = useI18n();
  const f = useForm();
  const list = (getPath(f.draft, 'access') as Record<string, unknown>[] | undefined) ?? [];
  const domains = ((getPath(f.draft, 'service.domains') as string[] | undefined) ?? []).filter(Boolean);
  return (
    <fieldset>
      <legend>{groupTitle(i18n, 'access', getPath(f.draft, 'service.serviceType'))}</legend>
      <GroupNotes path="access" />
      {list.length === 0 ? <p className="muted">{i18n.t('access.none')}</p> : null}
      {list.map((_, i) => (
        <div className="subform" key={i} data-testid={`access-${i}`}>
          <div className="subform-head">
            <strong>{i18n.field(`access.${i}`)}</strong>
            {!isLocked(f, 'access') && !isLocked(f, `access.${i}`) ? <Button variant="link" className="btn-small" onClick={() => f.set('access', list.filter((__, j) => j !== i))}>{i18n.t('wizard.remove')}</Button> : null}
            {isLocked(f, `access.${i}`) && !f.readOnly ? <span className="muted small" data-testid="access-kept">{i18n.t('wizard.keptAsFiledShort')}</span> : null}
          </div>
          <GroupNotes path={`access.${i}`} />
          <div className="grid-2">
            <SelectField path={`access.${i}.providerOrgId`} options={providers.map((p) => ({ value: p.id, label: p.name }))} required />
            <SelectField path={`access.${i}.accessMethod`} set="accessMethod" required />
            <TextField path={`access.${i}.serverLocation`} required placeholder="广东省深圳市" className="span-2" />
          </div>
          <LinesField path={`access.${i}.ips`} rows={2} required hint={i18n.t('access.ipsHint')} />
          {domains.length ? <ChecksField path={`access.${i}.domains`} options={domains.map((d) => ({ value: d, label: d }))} hint={i18n.t('access.domainsHint')} /> : null}
        </div>
      ))}
      {!isLocked(f, 'access') ? (
        <Button onClick={() => f.set('access', [...list, { providerOrgId: defaultProvider ?? providers[0]?.id ?? '', accessMethod: 'cloud', domains, ips: [] }])}>{i18n.t('access.add')}</Button>
      ) : null}
    </fieldset>
  );
}

export const CATEGORY_KEYS = Object.keys(OPTIONS.category);
