// What the analyzer found in each platform's uploaded package (DOMAIN.md §0.1), for the reviewers:
// debug-signed, development-profile or expired-certificate packages are refused at submission, the
// other findings (expired profile, certificate not in the profile…) are theirs to weigh. A platform
// whose package was never uploaded says so: its feature info was typed, not read from a package.
import { type I18n, useI18n } from '../i18n/index.tsx';
import { getPath } from '../lib/paths.ts';
import type { PackageCheck } from '../lib/types.ts';
import { Notice } from './ui.tsx';

/** Params of an analyzer finding that are instants (ISO 8601 UTC), shown as China dates. */
const DATE_PARAMS = new Set(['notAfter', 'notBefore']);

/**
 * An analyzer finding in the language shown: in Chinese its code's text (package_warning_<code>) with the
 * values it names (`params`, dates as China dates), in English the analyzer's own message.
 */
export function findingText(i18n: I18n, f: { code: string; message: string; params?: Record<string, string | number> }): string {
  const params = f.params ? Object.fromEntries(Object.entries(f.params).map(([k, v]) => [k, DATE_PARAMS.has(k) && typeof v === 'string' ? i18n.date(v) : v])) : undefined;
  return i18n.problem({ code: `package_warning_${f.code}`, message: f.message, ...(params ? { params } : {}) });
}

export function PackageChecks({ checks, materials }: { checks: PackageCheck[]; materials: Record<string, unknown> }) {
  const i18n = useI18n();
  const platforms = Array.isArray(materials.platforms) ? materials.platforms as Record<string, unknown>[] : [];
  if (!platforms.length) return null;
  const byField = new Map(checks.map((c) => [c.field, c]));
  const flagged = checks.some((c) => c.findings.length > 0);
  return (
    <Notice kind={flagged ? 'warning' : 'info'} title={i18n.t('packageChecks.title')}>
      <ul data-testid="package-checks">
        {platforms.map((p, i) => {
          const c = byField.get(`platforms.${i}`);
          const name = `${i18n.option('platform', String(getPath(materials, `platforms.${i}.platform`) ?? ''))}${i18n.paren(String(p.packageName ?? '—'))}`;
          if (!c) return <li key={i}>{name}{i18n.colon}<span className="muted">{i18n.t('packageChecks.none')}</span></li>;
          return (
            <li key={i}>
              {name}{i18n.colon}{c.findings.length ? null : i18n.t('packageChecks.clean')}
              <span className="muted small">{i18n.paren(`${i18n.t(c.kind === 'package' ? 'packageChecks.package' : 'packageChecks.certificate')} ${i18n.date(c.analyzedAt, true)}`)}</span>
              {c.findings.length ? (
                <ul>{c.findings.map((f) => (
                  <li key={f.code} className={f.refuses ? 'overdue-text' : ''}>
                    <span data-code={f.code}>{findingText(i18n, f)}</span>
                    {/* Findings kept before they carried params: the date beside the words. */}
                    {(f.code === 'certificate_expired' || f.code === 'certificate_expiring') && !f.params?.notAfter && c.certificateNotAfter ? i18n.paren(i18n.date(c.certificateNotAfter)) : ''}
                    {f.refuses ? i18n.paren(i18n.t('packageChecks.refuses')) : ''}
                  </li>
                ))}</ul>
              ) : null}
            </li>
          );
        })}
      </ul>
    </Notice>
  );
}
