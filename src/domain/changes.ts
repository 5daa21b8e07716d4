// Changes of a filed record (issue 13; DOMAIN.md §4.3): the field-by-field difference between the
// filed materials and a change application's, and the rules of the application's kind
// (APPLICATION_KINDS: fields that stay as filed, access records that may only be added). Pure.
import type { FieldProblem } from './errors.ts';
import type { ApplicationKind } from './lifecycle.ts';

type Json = Record<string, unknown>;

export interface FieldChange {
  /** Dotted path as the form names it (`platforms.0.certMd5`); a removed entry keeps its filed index. */
  field: string;
  old: unknown;
  new: unknown;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Absent, null, '' and [] all mean "not given": a filed null and a draft without the key are the same. */
const empty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
const same = (a: unknown, b: unknown) => (empty(a) && empty(b)) || JSON.stringify(a) === JSON.stringify(b);

interface Leaf { field: string; value: unknown }

function flatten(value: unknown, field: string, key: string, out: Map<string, Leaf>): void {
  if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, field ? `${field}.${k}` : k, key ? `${key}.${k}` : k, out);
  } else {
    out.set(key, { field, value });
  }
}

/** Leaves keyed by identity: platforms by platform, access records by provider, so reordering is no change. */
function leavesOf(m: Json): Map<string, Leaf> {
  const out = new Map<string, Leaf>();
  for (const [group, value] of Object.entries(m)) {
    if (group === 'platforms' || group === 'access') {
      const idKey = group === 'platforms' ? 'platform' : 'providerOrgId';
      (Array.isArray(value) ? value : []).forEach((item, i) => {
        const id = isObject(item) && typeof item[idKey] === 'string' ? item[idKey] : `#${i}`;
        flatten(item, `${group}.${i}`, `${group}[${id}]`, out);
      });
    } else {
      flatten(value, group, group, out);
    }
  }
  return out;
}

/** Every leaf whose value differs between the filed materials and the application's. */
export function diffMaterials(filed: Json, next: Json): FieldChange[] {
  const a = leavesOf(filed); const b = leavesOf(next);
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  return keys
    .filter((k) => !same(a.get(k)?.value, b.get(k)?.value))
    .map((k) => ({ field: (b.get(k) ?? a.get(k))!.field, old: a.get(k)?.value ?? null, new: b.get(k)?.value ?? null }));
}

/** The part of the record a leaf belongs to: a platform or an access record as a whole, any other leaf by itself. */
const partOf = (key: string) => /^(platforms|access)\[[^\]]*\]/.exec(key)?.[0] ?? key;

/**
 * What a change edits that the filed record no longer has as the change found it (issue 13): the
 * edits — leaves that differ between the change's base and its materials — whose part of the record
 * (the leaf itself; a platform or access record as a whole) differs between the base and the record
 * as filed now. E.g. a change of `access.0.ips` after that provider's access was cancelled. Such a
 * change cannot be applied as reviewed (it would write nothing there, or overwrite what happened
 * meanwhile); `new` is the value filed now (null when the part is gone). Pure.
 */
export function staleEdits(base: Json, current: Json, next: Json): FieldChange[] {
  const a = leavesOf(base); const c = leavesOf(current); const b = leavesOf(next);
  const stale = new Set([...new Set([...a.keys(), ...c.keys()])].filter((k) => !same(a.get(k)?.value, c.get(k)?.value)).map(partOf));
  return [...new Set([...a.keys(), ...b.keys()])]
    .filter((k) => !same(a.get(k)?.value, b.get(k)?.value) && stale.has(partOf(k)))
    .map((k) => ({ field: (b.get(k) ?? a.get(k))!.field, old: a.get(k)?.value ?? null, new: c.get(k)?.value ?? null }));
}

const providers = (m: Json) => new Set((Array.isArray(m.access) ? m.access : [])
  .map((x) => (isObject(x) ? x.providerOrgId : undefined)).filter((x): x is string => typeof x === 'string'));

/** The rules of the kind for a change: fixed fields, access records, and that something changes. */
/** Whether a change is the kind's conversion (its filed record as `from`, the new one as `to`). */
export function isConversion(kind: ApplicationKind, filed: Json, next: Json): boolean {
  const c = kind.conversion;
  const at = (m: Json, path: string) => path.split('.').reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), m);
  return !!c && Object.entries(c.from).every(([f, v]) => at(filed, f) === v) && Object.entries(c.to).every(([f, v]) => at(next, f) === v);
}

export function changeProblems(kind: ApplicationKind, filed: Json, next: Json): FieldProblem[] {
  if (!kind.change) return [];
  const changes = diffMaterials(filed, next);
  const problems: FieldProblem[] = [];
  const under = (field: string, prefix: string) => field === prefix || field.startsWith(`${prefix}.`);
  const unlocked = isConversion(kind, filed, next) ? kind.conversion!.unlocks : [];
  for (const c of changes) {
    const fixed = kind.fixed.find((f) => under(c.field, f) && !unlocked.includes(f));
    if (fixed) problems.push({ field: c.field, code: 'not_editable', message: `${fixed} stays as filed in this kind of application`, suggestion: fixed === 'subject.subjectType' || fixed === 'subject.nature' ? 'an individual may become an enterprise (subjectType unit, nature enterprise, its certificate); a unit does not become an individual'
      : fixed.startsWith('subject.certificate') ? 'a different certificate is a different subject: file it as a first filing (an individual becoming an enterprise changes it with its type)' : 'change it with the application kind that covers it' });
  }
  const before = providers(filed); const after = providers(next);
  if (kind.access === 'same_providers' && (before.size !== after.size || [...before].some((p) => !after.has(p)))) {
    problems.push({ field: 'access', code: 'access_providers_fixed', message: 'a service change keeps its access providers', suggestion: 'add a provider with an add_access application; a provider ends its access by cancelling it' });
  }
  if (kind.access === 'add_only') {
    const list = (m: Json) => (Array.isArray(m.access) ? m.access : []).filter(isObject);
    list(filed).forEach((record, i) => {
      const now = list(next).find((x) => x.providerOrgId === record.providerOrgId);
      if (!now || diffMaterials({ access: [record] }, { access: [now] }).length) {
        problems.push({ field: `access.${i}`, code: 'not_editable', message: 'an access filing adds a new provider\'s record; the filed access records stay as they are' });
      }
    });
    if (![...after].some((p) => !before.has(p))) {
      problems.push({ field: 'access', code: 'access_new_provider_required', message: 'add the access record of a provider the service does not have yet' });
    }
  }
  if (!changes.length) problems.push({ field: 'materials', code: 'no_change', message: 'nothing differs from the filed record' });
  return problems;
}

/**
 * A rule a fixed field breaks as filed (the rules grew stricter after the filing, or the record was
 * imported): the host cannot correct it in this kind of application, so it must not block it — a
 * shell could never get its access back. Such problems become warnings, naming the way to correct
 * the field; problems of fields the kind lets the host edit stay problems.
 */
export function filedValueProblemsAsWarnings<P extends { field: string; code: string; message: string; suggestion?: string }>(
  kind: ApplicationKind, filed: Json, next: Json, problems: P[],
): { problems: P[]; warnings: P[] } {
  if (!kind.change || !kind.fixed.length) return { problems, warnings: [] };
  const changed = new Set(diffMaterials(filed, next).map((c) => c.field));
  const under = (field: string, prefix: string) => field === prefix || field.startsWith(`${prefix}.`);
  const asFiled = (p: P) => kind.fixed.some((f) => under(p.field, f)) && ![...changed].some((c) => under(c, p.field) || under(p.field, c));
  return {
    problems: problems.filter((p) => !asFiled(p)),
    warnings: problems.filter(asFiled).map((p) => ({ ...p, message: `${p.message} (as filed: it stays in this kind of application; correct it with a change of the record)` })),
  };
}
