// Whose province a bureau read covers (the ministry's national read view): a bureau reviewer
// always reads its own province — a `province` query parameter is ignored, as before; the
// ministry administrator reads every province, or the one its `province` parameter names
// (validated against the province list: an unknown code is a 400 naming querystring.province).
// Reads only: every write route of /api/bureau stays the bureau's (DOMAIN.md: the provincial
// bureau decides filings).
import { z } from 'zod';
import type { Actor } from '../../domain/actors.ts';
import { NamedError } from '../../domain/errors.ts';
import { provinceByCode } from '../../domain/provinces.ts';

export const provinceParam = z.string().max(16).optional()
  .describe('the ministry only: one province (GB/T 2260 code, e.g. 440000); without it, all provinces. Ignored for a bureau (its own province)');

/** The province a read is limited to: the bureau's own; for the ministry the named one, or null for all. */
export function readScope(actor: Actor, province: string | undefined): string | null {
  if (actor.role !== 'ministry_admin') return actor.provinceCode!;
  if (province === undefined || province === '') return null;
  if (!provinceByCode(province)) {
    throw new NamedError('unknown_province', 'invalid', `no province ${province}`,
      [{ field: 'querystring.province', code: 'unknown_province', message: 'not a province code (GB/T 2260, e.g. 440000)' }]);
  }
  return province;
}
