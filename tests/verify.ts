// Helpers for the verification API tests: requests with the demo key, filed records inserted
// directly (an individual's APP, many synthetic packages), and the seeded personal data that
// no verification answer may contain.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Queryable } from '../src/db/connection.ts';
import { insertFiledService, insertPlatforms } from '../src/db/registry.ts';
import { A2DP_CERT, DEMO_API_KEY, DEMO_PEOPLE } from '../src/db/seed/demo.ts';

export const KEY = { authorization: `Bearer ${DEMO_API_KEY}` };
export { A2DP_CERT };

export interface Item { platform: string; packageName: string; fingerprint: string; ref?: string }

export async function verify(app: FastifyInstance, items: Item[], headers: Record<string, string> = KEY): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/api/verify/v1/apps', headers, payload: { items } });
}

export const a2dp = (fingerprint: string = A2DP_CERT.md5): Item => ({ platform: 'android', packageName: 'a2dp.Vol', fingerprint });

export async function serviceId(db: Queryable, packageName: string, platform = 'android'): Promise<string> {
  const [r] = await db.query<{ service_id: string }>(
    'select service_id from app_platforms where platform = $1 and package_name = $2 order by active desc limit 1', [platform, packageName]);
  if (!r) throw new Error(`no platform ${platform}|${packageName}`);
  return r.service_id;
}

/** Files an APP for the demo's individual host 王小二 (his subject exists); returns its service number. */
export async function fileIndividualApp(db: Queryable, packageName = 'cn.xiaoer.notes'): Promise<string> {
  const [s] = await db.query<{ id: string; main_number: string; principal_person_id: string }>(
    `select id, main_number, principal_person_id from subjects where subject_type = 'individual' order by created_at limit 1`);
  const service = await insertFiledService(db, {
    subjectId: s!.id, mainNumber: s!.main_number, principalPersonId: s!.principal_person_id, filedAt: new Date('2025-06-01T00:00:00Z'),
    serviceType: 'app', name: '小二笔记', categories: ['tools'], languages: ['zh-CN'], preApprovals: [], sdks: [],
    description: '个人读书笔记应用。', homeUrl: null, domains: [],
  });
  await insertPlatforms(db, service.id, [{ platform: 'android', packageName, publicKey: 'AB'.repeat(128), certMd5: 'b'.repeat(32), certSha256: 'c'.repeat(64), domains: [] }]);
  return service.service_number;
}

/** Strings of the seeded people that must never appear in a verification answer (house rule 10). */
export function personalStrings(): string[] {
  const out = new Set<string>();
  for (const p of Object.values(DEMO_PEOPLE)) {
    out.add(p.certificateNumber);
    out.add(p.mobile);
    if (p.emergencyPhone) out.add(p.emergencyPhone);
    out.add(p.email);
  }
  out.add('13800138000');
  out.add('host@demo.beian.test');
  out.add('王小二'); // an individual host: masked as 王**
  return [...out];
}

export function expectNoPersonalData(body: string): void {
  for (const s of personalStrings()) {
    if (body.includes(s)) throw new Error(`personal data ${s.slice(0, 3)}… found in a verification answer`);
  }
}
