// Lookups for relying parties: a filing number (service or main number) → its status and
// record; a unit's USCC → its subjects and services. An individual's ID number is never a
// lookup key here (privacy, house rule 10): only units are searched, and a code that is a
// valid resident ID number but no valid USCC is refused outright.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findServiceByNumber, findSubjectByNumber, findUnitsByCertificateHash, servicesOfSubjects } from '../../db/verification.ts';
import { NamedError } from '../../domain/errors.ts';
import { parseFilingNumber } from '../../domain/filing-number.ts';
import { compact } from '../../domain/text.ts';
import { validateResidentIdNumber, validateUscc } from '../../domain/validation/index.ts';
import { actorOf } from '../auth/index.ts';
import { problems } from '../auth/presenters.ts';
import type { VerifyRouteOptions } from './index.ts';
import { presentService, presentSubject } from './presenters.ts';
import { numberView, subjectView } from './schemas.ts';

class NumberNotFoundError extends NamedError {
  constructor(n: string) { super('number_not_found', 'not_found', `no filing has the number ${n}`); }
}

function usccOf(input: string): string {
  // Pasted forms: full-width characters, spaces and dashes (91440300-MA5DEM0X17, as licences are
  // sometimes printed) are separators, dropped as the filing-number parser drops them; a USCC holds no '-'.
  const u = validateUscc(compact(input).replace(/-/g, ''));
  if (!u.ok) throw new NamedError(u.error.code, 'invalid', u.error.message, [{ field: 'querystring.uscc', ...u.error }]);
  if (u.warnings.length && validateResidentIdNumber(u.value).ok) {
    throw new NamedError('uscc_is_id_number', 'invalid', 'this is a resident ID number; individuals cannot be looked up by ID number',
      [{ field: 'querystring.uscc', code: 'uscc_is_id_number', message: 'only a unit\'s unified social credit code is accepted' }]);
  }
  return u.value;
}

export const verifyLookupRoutes = ({ ctx, verifier, guard }: VerifyRouteOptions): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const tags = ['verify'];
  const security: Record<string, string[]>[] = [{ apiKey: [] }, { session: [] }];

  app.get('/api/verify/v1/numbers/:number', {
    onRequest: guard,
    schema: {
      tags, security, summary: 'A service number (…号-1A) or main number (…号) → its status and record',
      description: 'URL-encode the number. Cancelled and revoked numbers answer with their status and date; a number that never existed is 404.',
      params: z.object({ number: z.string().min(1).max(64) }),
      response: { 200: numberView, ...problems(400, 401, 403, 404, 429) },
    },
  }, async (req) => {
    const parsed = parseFilingNumber(req.params.number);
    if (!parsed.ok) throw new NamedError(parsed.error.code, 'invalid', parsed.error.message, [{ field: 'params.number', ...parsed.error }]);
    const n = parsed.value;
    if (n.kind === 'service') {
      const s = await findServiceByNumber(req.reads, n.number);
      if (!s) throw new NumberNotFoundError(n.number);
      await verifier.watch(actorOf(req), [s.service_id]);
      return { kind: 'service' as const, service: presentService(s) };
    }
    const subject = await findSubjectByNumber(req.reads, n.number);
    if (!subject) throw new NumberNotFoundError(n.number);
    const services = await servicesOfSubjects(req.reads, [subject.subject_id]);
    await verifier.watch(actorOf(req), services.map((s) => s.service_id));
    return { kind: 'subject' as const, subject: presentSubject(subject, services) };
  });

  app.get('/api/verify/v1/subjects', {
    onRequest: guard,
    schema: {
      tags, security, summary: "A unit's filings by its unified social credit code (USCC)",
      description: 'Units only: an individual\'s ID number is not accepted. An empty list means no unit with this code has filed.',
      querystring: z.object({ uscc: z.string().min(1).max(64) }),
      response: { 200: z.object({ uscc: z.string(), items: z.array(subjectView) }), ...problems(400, 401, 403, 429) },
    },
  }, async (req) => {
    const uscc = usccOf(req.query.uscc);
    const subjects = await findUnitsByCertificateHash(req.reads, ctx.sealer.hash('id_number', uscc));
    const services = await servicesOfSubjects(req.reads, subjects.map((s) => s.subject_id));
    await verifier.watch(actorOf(req), services.map((s) => s.service_id));
    return { uscc, items: subjects.map((s) => presentSubject(s, services.filter((x) => x.subject_id === s.subject_id))) };
  });
};
