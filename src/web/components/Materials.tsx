// All the materials of an application, group by group, for the reviewers; each field can be
// flagged to start a field-level reason, and fields already flagged are highlighted.
import { type ReactNode, useState } from 'react';
import { divisionLabel } from '../../domain/divisions.ts';
import { PROVINCES } from '../../domain/provinces.ts';
import { type I18n, useI18n } from '../i18n/index.tsx';
import { OPTIONS, type OptionSet } from '../i18n/vocabulary.ts';
import { getPath } from '../lib/paths.ts';
import type { ReviewReason } from '../lib/types.ts';
import { Button } from './ui.tsx';

type J = Record<string, unknown>;
const OPTION_FIELDS: Record<string, OptionSet> = {
  subjectType: 'subjectType', nature: 'nature', certificateType: 'certificateType', platform: 'platform', accessMethod: 'accessMethod', serviceType: 'serviceType',
};
const CHECKBOXES = new Set(['principalIsLegalRepresentative', 'sameAsSubjectPrincipal']);
const PERSON = ['name', 'certificateType', 'certificateNumber', 'certificateValidFrom', 'certificateValidTo', 'mobile', 'emergencyPhone', 'email'];

/** How a materials value is shown (options in words, providers by name, dates, keys shortened), by its field path. */
export function useFieldValue(orgNames: Record<string, string>): (path: string, value: unknown) => ReactNode {
  const i18n = useI18n();
  return (path: string, value: unknown): ReactNode => {
    const leaf = path.split('.').pop()!;
    // An unticked checkbox is absent from the materials: it says no, not nothing.
    if (value === undefined && CHECKBOXES.has(leaf)) return i18n.t('common.no');
    if (value === undefined || value === '') return '—';
    if (value === null) return leaf === 'certificateValidTo' ? i18n.t('common.longTerm') : '—';
    if (typeof value === 'boolean') return value ? i18n.t('common.yes') : i18n.t('common.no');
    if (leaf === 'providerOrgId' && typeof value === 'string') return orgNames[value] ?? value;
    if (leaf === 'provinceCode' && typeof value === 'string') { const p = PROVINCES.find((x) => x.code === value); return p ? `${i18n.lang === 'en' ? p.nameEn : p.name}${i18n.paren(value)}` : value; }
    // A city or district outside the current table (abolished since the record was filed) shows its code alone (ADR 0036).
    if ((leaf === 'cityCode' || leaf === 'districtCode') && typeof value === 'string') { const n = divisionLabel(value, i18n.lang); return n ? `${n}${i18n.paren(value)}` : value; }
    if (leaf === 'categories' && Array.isArray(value)) return value.map((v) => i18n.option('category', String(v))).join(i18n.listSep);
    if (leaf === 'languages' && Array.isArray(value)) return value.map((v) => i18n.option('language', String(v))).join(i18n.listSep);
    if (leaf === 'preApprovals' && Array.isArray(value)) return value.length ? (value as J[]).map((p) => `${i18n.option('preApproval', String(p.type))} ${String(p.number ?? '')}`).join(i18n.semicolon) : i18n.t('record.noPreApprovals');
    if (leaf === 'sdks' && Array.isArray(value)) return value.length ? (value as J[]).map((s) => `${String(s.vendor)}${i18n.paren(String(s.type))}`).join(i18n.semicolon) : i18n.t('common.none');
    if (Array.isArray(value)) return value.length ? value.join(i18n.listSep) : '—';
    const set = OPTION_FIELDS[leaf];
    if (set && typeof value === 'string' && value in OPTIONS[set]) return i18n.option(set, value);
    if (leaf === 'publicKey' && typeof value === 'string') return <PublicKey value={value} />;
    if (/^cert(Md5|Sha1|Sha256)$/.test(leaf)) return <code>{String(value)}</code>;
    return String(value);
  };
}

/** A group's title named by the service type: 网站接入信息, APP接入信息, 小程序基础信息 … (never "APP" for a website). */
export function groupTitle(i18n: I18n, group: 'service' | 'access', serviceType: unknown): string {
  const type = typeof serviceType === 'string' ? i18n.option('serviceType', serviceType) : '';
  return type ? i18n.t(group === 'service' ? 'service.groupOf' : 'access.groupOf', { type }) : i18n.t(group === 'service' ? 'service.group' : 'access.group');
}

/**
 * A public key (RSA-2048: 512 hex characters): the start, expandable to the whole key wrapped
 * over lines (a hover title is unreadable on a phone), and a copy button.
 */
export function PublicKey({ value }: { value: string }) {
  const i18n = useI18n();
  const [open, setOpen] = useState(false);
  const [copied, setCopied] = useState(false);
  const long = value.length > 48;
  const copy = () => {
    void navigator.clipboard?.writeText(value).then(() => { setCopied(true); setTimeout(() => setCopied(false), 2000); }, () => setCopied(false));
  };
  return (
    <div className="public-key" data-testid="public-key">
      <code className={open || !long ? 'wrap' : ''} data-testid="public-key-value">{open || !long ? value : `${value.slice(0, 48)}…`}</code>
      <div className="row small">
        <span className="muted">{i18n.t('key.chars', { n: value.length })}</span>
        {long ? <Button variant="link" className="btn-small" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="public-key-toggle">{open ? i18n.t('key.hide') : i18n.t('key.show')}</Button> : null}
        <Button variant="link" className="btn-small" onClick={copy} data-testid="public-key-copy">{copied ? i18n.t('key.copied') : i18n.t('key.copy')}</Button>
        <span className="sr-only" role="status">{copied ? i18n.t('key.copied') : ''}</span>
      </div>
    </div>
  );
}

/** A platform or access record that ended (the bureau's record view lists them with the current ones). */
function Ended({ item }: { item: J | undefined }) {
  const i18n = useI18n();
  return item?.active === false ? <p className="muted small ended" data-testid="ended">{i18n.t('materials.inactive')}</p> : null;
}

/** Part of the materials: these groups only, and of the access records those `access` keeps (by their place). */
export interface MaterialsPart { groups: readonly ('subject' | 'service' | 'platforms' | 'access')[]; access?: (index: number) => boolean }

/**
 * `canFlag`: the fields a reason may name (those the application lets the host change); all when not given.
 * `only`: show part of the materials (an access filing's reviewer sees the new access record apart from the
 * filed service); field paths stay those of the whole materials.
 */
export function MaterialsView({ materials, onFlag, canFlag, flagged, orgNames, only }: { materials: J; onFlag?: (field: string) => void; canFlag?: (field: string) => boolean; flagged: ReviewReason[]; orgNames: Record<string, string>; only?: MaterialsPart }) {
  const i18n = useI18n();
  const show = useFieldValue(orgNames);
  const row = (path: string) => {
    const isFlagged = flagged.some((r) => r.field === path);
    return (
      <div className={`mrow ${isFlagged ? 'flagged' : ''}`} key={path} data-field={path}>
        <div className="k">{i18n.field(path)}</div>
        <div className="v">{show(path, getPath(materials, path))}</div>
        {onFlag && (canFlag?.(path) ?? true) ? <Button variant="link" className="btn-small" onClick={() => onFlag(path)} aria-label={`${i18n.t('review.markField')}${i18n.colon}${i18n.field(path)}`}>{i18n.t('review.markField')}</Button> : <span />}
      </div>
    );
  };
  const person = (base: string) => {
    const p = getPath(materials, base) as J | undefined;
    if (p && p.sameAsSubjectPrincipal === true) return <div className="mrow"><div className="k">{i18n.field(base)}</div><div className="v">{i18n.t('service.samePrincipal')}</div><span /></div>;
    return PERSON.map((k) => row(`${base}.${k}`));
  };
  const shown = (g: MaterialsPart['groups'][number]) => !only || only.groups.includes(g);
  const subject = shown('subject') ? materials.subject as J | undefined : undefined;
  const service = (materials.service as J | undefined) ?? {};
  const platforms = shown('platforms') ? (materials.platforms as J[] | undefined) ?? [] : [];
  const access = shown('access') ? ((materials.access as J[] | undefined) ?? []).map((x, i) => ({ x, i })).filter(({ i }) => only?.access?.(i) ?? true) : [];
  return (
    <div className="materials" data-testid="materials">
      {subject ? (
        <section>
          <h3>{i18n.t('subject.group')}</h3>
          {/* 主体负责人是否法定代表人 is a unit's question: an individual has no legal representative (it said 否). */}
          {['subjectType', 'nature', 'name', 'certificateType', 'certificateNumber', 'certificateAddress', 'provinceCode', 'cityCode', 'districtCode', 'address', ...(subject.subjectType === 'individual' ? [] : ['principalIsLegalRepresentative'])].map((k) => row(`subject.${k}`))}
          <h3>{i18n.t('subject.principalGroup')}</h3>
          {person('subject.principal')}
          {subject.legalPerson ? <>{['name', 'certificateType', 'certificateNumber'].map((k) => row(`subject.legalPerson.${k}`))}</> : null}
        </section>
      ) : null}
      {/* A subject change carries no service: no section of dashes. */}
      {materials.service && shown('service') ? (
        <section>
          <h3>{groupTitle(i18n, 'service', service.serviceType)}</h3>
          {['name', 'categories', 'languages', 'preApprovals', 'description', 'sdks', ...(service.homeUrl ? ['homeUrl'] : []), 'domains'].map((k) => row(`service.${k}`))}
          <h3>{i18n.t('service.principalGroup')}</h3>
          {person('service.principal')}
        </section>
      ) : null}
      {platforms.length ? (
        <section>
          <h3>{i18n.t('platforms.group')}</h3>
          {platforms.map((p, i) => <div key={i}><Ended item={p} />{['platform', 'packageName', 'publicKey', 'certMd5', 'certSha1', 'certSha256', 'domains'].map((k) => row(`platforms.${i}.${k}`))}</div>)}
        </section>
      ) : null}
      {access.length ? (
        <section>
          <h3>{groupTitle(i18n, 'access', service.serviceType)}</h3>
          {access.map(({ x, i }) => <div key={i}><Ended item={x} />{['providerOrgId', 'accessMethod', 'serverLocation', 'ips', 'domains'].map((k) => row(`access.${i}.${k}`))}</div>)}
        </section>
      ) : null}
    </div>
  );
}

/** Every path the materials view offers, for the reason editor's field list. */
export function fieldPaths(materials: J): string[] {
  const out: string[] = [];
  const add = (p: string) => out.push(p);
  if (materials.subject) {
    ['subjectType', 'nature', 'name', 'certificateType', 'certificateNumber', 'certificateAddress', 'provinceCode', 'cityCode', 'districtCode', 'address'].forEach((k) => add(`subject.${k}`));
    PERSON.forEach((k) => add(`subject.principal.${k}`));
  }
  // Only the fields the service type has (a 首页网址 for websites, domains for websites and APPs).
  const type = getPath(materials, 'service.serviceType');
  if (materials.service) {
    ['name', 'categories', 'languages', 'preApprovals', 'description', 'sdks', ...(type === 'website' ? ['homeUrl'] : []), ...(type === 'website' || type === 'app' ? ['domains'] : [])]
      .forEach((k) => add(`service.${k}`));
  }
  const sp = getPath(materials, 'service.principal') as J | undefined;
  if (sp && !sp.sameAsSubjectPrincipal) PERSON.forEach((k) => add(`service.principal.${k}`));
  ((materials.platforms as J[] | undefined) ?? []).forEach((_, i) => ['platform', 'packageName', 'publicKey', 'certMd5', 'certSha1', 'certSha256', 'domains'].forEach((k) => add(`platforms.${i}.${k}`)));
  ((materials.access as J[] | undefined) ?? []).forEach((_, i) => ['providerOrgId', 'accessMethod', 'serverLocation', 'ips', 'domains'].forEach((k) => add(`access.${i}.${k}`)));
  return out;
}
