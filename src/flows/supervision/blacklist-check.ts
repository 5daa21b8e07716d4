// Submission meets the blacklist (issue 14, contract 7): an application whose subject
// certificate, package names or domains match an active entry is refused with `blacklisted`,
// naming the kind of entry and until when — never whose entry it is.
import type { Queryable } from '../../db/connection.ts';
import type { Sealer } from '../../db/personal-data.ts';
import { chinaDate } from '../../domain/china-time.ts';
import type { ApplicationMaterials } from '../../domain/materials.ts';
import { type BlacklistCandidates, type BlacklistEntry, BlacklistedError, blacklistHits, normaliseBlacklistValue } from '../../domain/supervision/blacklist.ts';

export async function checkBlacklist(tx: Queryable, sealer: Sealer, subjectId: string | null, m: Partial<ApplicationMaterials>, now: Date): Promise<void> {
  let certificateHash: string | null = m.subject?.certificateNumber ? sealer.hash('id_number', m.subject.certificateNumber) : null;
  if (!certificateHash && subjectId) {
    const [s] = await tx.query<{ certificate_number_hash: string }>('select certificate_number_hash from subjects where id = $1', [subjectId]);
    certificateHash = s?.certificate_number_hash ?? null;
  }
  const c: BlacklistCandidates = {
    certificateHash,
    packages: (m.platforms ?? []).map((p, i) => ({ value: p.packageName, field: `platforms.${i}.packageName`, ios: p.platform === 'ios' })),
    domains: [
      ...(m.service?.domains ?? []).map((d, i) => ({ value: d, field: `service.domains.${i}` })),
      ...(m.platforms ?? []).flatMap((p, i) => (p.domains ?? []).map((d, j) => ({ value: d, field: `platforms.${i}.domains.${j}` }))),
      ...(m.access ?? []).flatMap((a, i) => (a.domains ?? []).map((d, j) => ({ value: d, field: `access.${i}.domains.${j}` }))),
    ],
  };
  const values = [...(c.certificateHash ? [c.certificateHash] : []), ...c.packages.map((p) => p.value), ...c.domains.map((d) => normaliseBlacklistValue('domain', d.value))];
  if (!values.length) return;
  // An iOS bundle ID is barred in any letter case (Apple's rule): its entries are looked up by lower(value) too.
  const iosLower = c.packages.filter((p) => p.ios).map((p) => p.value.toLowerCase());
  const rows = await tx.query<{ id: string; kind: BlacklistEntry['kind']; value: string; until_on: string; lifted_at: Date | null }>(
    `select id, kind, value, until_on::text, lifted_at from blacklist_entries
      where lifted_at is null and (value = any($1::text[]) or (kind = 'package' and lower(value) = any($2::text[])))`, [values, iosLower]);
  const hits = blacklistHits(c, rows.map((r) => ({ id: r.id, kind: r.kind, value: r.value, untilOn: r.until_on, liftedAt: r.lifted_at })), chinaDate(now));
  if (hits.length) throw new BlacklistedError(hits);
}
