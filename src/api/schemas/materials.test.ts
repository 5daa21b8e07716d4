import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkApplication } from '../../domain/application-rules.ts';
import {
  FIRST, NEW_SERVICE, validApp, validIndividualWebsite, validMiniProgram, validNewServiceApp, validWebsite,
} from '../../domain/application-rules/test-support.ts';
import { DRAFT_LIMITS, asDeepPartialMaterials, materialsDraftSchema } from './materials.ts';

function issues(input: unknown) {
  const r = materialsDraftSchema.safeParse(input);
  expect(r.success).toBe(false);
  return (r.error?.issues ?? []).map((i) => ({ path: i.path.join('.'), code: i.code }));
}

describe('materialsDraftSchema: accepts drafts', () => {
  it.each([
    ['an empty draft', {}],
    ['a draft with only the service name', { service: { name: '示例' } }],
    ['a half-filled subject principal', { subject: { principal: { name: '李明' } } }],
    ['a platform without fingerprints', { platforms: [{ platform: 'android' }] }],
    ['nulls where the materials allow them', { subject: { legalPerson: null, comment: null, principal: { certificateValidTo: null, emergencyPhone: null } }, service: { homeUrl: null } }],
    ['the service principal by reference', { service: { principal: { sameAsSubjectPrincipal: true } } }],
  ])('%s', (_name, draft) => {
    expect(materialsDraftSchema.parse(draft)).toEqual(draft);
  });

  it.each([
    ['APP', validApp],
    ['mini program', validMiniProgram],
    ['website', validWebsite],
    ['individual website', validIndividualWebsite],
    ['new service', validNewServiceApp],
  ])('the complete %s fixture, unchanged', (_name, build) => {
    const m = build();
    expect(materialsDraftSchema.parse(m)).toEqual(m);
  });

  it('does not judge the rules: invalid values of the right type pass the shape', () => {
    const draft = { service: { serviceType: 'app', name: '★', domains: ['not a domain'] }, access: [{ ips: ['999.1.1.1'] }] };
    expect(materialsDraftSchema.safeParse(draft).success).toBe(true);
  });

  it('a parsed draft goes straight to checkApplication', () => {
    const draft = materialsDraftSchema.parse(validApp());
    expect(checkApplication(asDeepPartialMaterials(draft), FIRST).problems).toEqual([]);
    const fresh = materialsDraftSchema.parse(validNewServiceApp());
    expect(checkApplication(fresh, NEW_SERVICE).problems).toEqual([]);
  });
});

describe('materialsDraftSchema: refuses wrong shapes', () => {
  it('wrong types', () => {
    expect(issues({ service: { name: 42 } })).toEqual([{ path: 'service.name', code: 'invalid_type' }]);
    expect(issues({ platforms: { platform: 'android' } })).toEqual([{ path: 'platforms', code: 'invalid_type' }]);
    expect(issues({ access: [{ ips: '120.24.10.11' }] })).toEqual([{ path: 'access.0.ips', code: 'invalid_type' }]);
    expect(issues({ subject: { principalIsLegalRepresentative: 'yes' } })).toEqual([{ path: 'subject.principalIsLegalRepresentative', code: 'invalid_type' }]);
    expect(issues({ subject: { name: null } })).toEqual([{ path: 'subject.name', code: 'invalid_type' }]);
  });

  it('values outside an enumeration', () => {
    expect(issues({ platforms: [{ platform: 'blackberry' }] })).toEqual([{ path: 'platforms.0.platform', code: 'invalid_value' }]);
    expect(issues({ service: { serviceType: 'game' } })).toEqual([{ path: 'service.serviceType', code: 'invalid_value' }]);
    expect(issues({ subject: { principal: { certificateType: 'uscc' } } })).toEqual([{ path: 'subject.principal.certificateType', code: 'invalid_value' }]);
  });

  it('unknown keys, e.g. a misspelt field', () => {
    expect(issues({ platforms: [{ packagename: 'a2dp.Vol' }] })).toEqual([{ path: 'platforms.0', code: 'unrecognized_keys' }]);
    expect(issues({ extra: 1 })).toEqual([{ path: '', code: 'unrecognized_keys' }]);
  });

  it('sameAsSubjectPrincipal is only ever true', () => {
    expect(issues({ service: { principal: { sameAsSubjectPrincipal: false } } }).map((i) => i.path)).toEqual(['service.principal']);
  });

  it('oversize strings and arrays', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => `d${i}.example.cn`);
    expect(issues({ service: { name: 'x'.repeat(DRAFT_LIMITS.string + 1) } })).toEqual([{ path: 'service.name', code: 'too_big' }]);
    expect(issues({ service: { domains: many(DRAFT_LIMITS.domains + 1) } })).toEqual([{ path: 'service.domains', code: 'too_big' }]);
    expect(issues({ service: { categories: many(DRAFT_LIMITS.array + 1) } })).toEqual([{ path: 'service.categories', code: 'too_big' }]);
    expect(issues({ access: [{ ips: many(DRAFT_LIMITS.ips + 1) }] })).toEqual([{ path: 'access.0.ips', code: 'too_big' }]);
    expect(issues({ access: Array.from({ length: DRAFT_LIMITS.array + 1 }, () => ({})) })).toEqual([{ path: 'access', code: 'too_big' }]);
    expect(issues({ platforms: [{ publicKey: 'A'.repeat(DRAFT_LIMITS.publicKey + 1) }] })).toEqual([{ path: 'platforms.0.publicKey', code: 'too_big' }]);
  });

  it('limits admit the largest legitimate values', () => {
    const rsa16384WithColons = Array.from({ length: 2048 }, () => 'AB').join(':');
    expect(materialsDraftSchema.safeParse({ platforms: [{ publicKey: rsa16384WithColons }] }).success).toBe(true);
    expect(materialsDraftSchema.safeParse({ access: [{ ips: Array.from({ length: DRAFT_LIMITS.ips }, () => '120.24.10.11') }] }).success).toBe(true);
  });
});

describe('materialsDraftSchema: OpenAPI', () => {
  it('converts to JSON Schema (what @fastify/swagger publishes)', () => {
    const json = z.toJSONSchema(materialsDraftSchema, { io: 'input' }) as { additionalProperties?: boolean; properties: Record<string, unknown> };
    expect(json.additionalProperties).toBe(false);
    expect(Object.keys(json.properties)).toEqual(['subject', 'service', 'platforms', 'access']);
  });
});

describe('materialsDraftSchema + checkApplication', () => {
  type Path = (string | number)[];
  const leaves = (o: unknown, p: Path = []): Path[] => (typeof o !== 'object' || o === null
    ? [p] : Object.entries(o).flatMap(([k, v]) => leaves(v, [...p, Array.isArray(o) ? Number(k) : k])));
  const VALUES = [undefined, null, '', ' ', '中', '::', 'X'.repeat(400), true, []];

  it('every draft the schema accepts is checked without throwing (each leaf of each fixture replaced)', () => {
    let checked = 0;
    for (const build of [validApp, validWebsite, validIndividualWebsite, validMiniProgram]) {
      for (const path of leaves(build())) {
        for (const value of VALUES) {
          const m = build() as unknown as Record<string | number, unknown>;
          const parent = path.slice(0, -1).reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, m);
          if (value === undefined) delete parent[path.at(-1)!];
          else parent[path.at(-1)!] = value;
          const draft = materialsDraftSchema.safeParse(m);
          if (!draft.success) continue;
          for (const ctx of [FIRST, NEW_SERVICE]) expect(() => checkApplication(draft.data, ctx)).not.toThrow();
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  });
});
