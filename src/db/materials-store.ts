// Application materials are kept as jsonb; the personal fields inside (ID numbers, mobiles,
// emergency phones, emails) are sealed before they are written and opened when read.
import type { Sealer } from './personal-data.ts';

type Json = Record<string, unknown>;

const PERSON_FIELDS = ['certificateNumber', 'mobile', 'emergencyPhone', 'email'] as const;

/** The objects inside materials that hold personal fields. */
function personalHolders(m: Json): Json[] {
  const subject = m.subject as Json | undefined;
  const service = m.service as Json | undefined;
  return [subject, subject?.principal, subject?.legalPerson, service?.principal]
    .filter((x): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x));
}

function mapPersonal(materials: unknown, fn: (value: string) => string): Json {
  const copy = structuredClone((materials ?? {}) as Json);
  for (const holder of personalHolders(copy)) {
    for (const f of PERSON_FIELDS) {
      const v = holder[f];
      if (typeof v === 'string' && v !== '') holder[f] = fn(v);
    }
  }
  return copy;
}

/** Materials from a request are cleartext: seal them for storage. */
export const sealMaterials = (materials: unknown, sealer: Sealer): Json => mapPersonal(materials, sealer.seal);

/** Materials from the database are sealed: open them for a flow or a presenter. */
export const openMaterials = (materials: unknown, sealer: Sealer): Json => mapPersonal(materials, sealer.open);
