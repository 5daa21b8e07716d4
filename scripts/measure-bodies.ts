// How large the largest legitimate body of an ordinary route is: a filing's materials with every
// list of the draft schema at its maximum length and realistic entries (a 13,000-character public
// key, IPv6 addresses, 40-character domains, Chinese names). The default body limit
// (src/api/body-limits.ts) is sized from this. Run: npx tsx scripts/measure-bodies.ts
import { BODY_LIMITS } from '../src/api/body-limits.ts';
import { DRAFT_LIMITS, materialsDraftSchema } from '../src/api/schemas/materials.ts';

const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const domain = (i: number) => `service-${String(i).padStart(4, '0')}.example-company-name.com.cn`.slice(0, 40);
const ipv6 = (i: number) => `2001:0db8:85a3:0000:0000:8a2e:0370:${i.toString(16).padStart(4, '0')}`;
const han = (n: number) => '深圳市星河数字科技有限公司'.repeat(Math.ceil(n / 13)).slice(0, n);
const person = { name: han(4), certificateType: 'resident_id', certificateNumber: '11010519491231002X', certificateValidFrom: '2020-01-01', certificateValidTo: null, mobile: '13800138000', emergencyPhone: '13900139000', email: 'principal@example-company-name.com.cn' };

const materials = {
  subject: {
    subjectType: 'unit', name: han(60), certificateType: 'uscc', certificateNumber: '91440300MA5XXXXXXX', certificateAddress: han(200),
    address: han(200), provinceCode: '440000', cityCode: '440300', districtCode: '440305', principal: person, principalIsLegalRepresentative: false,
    legalPerson: { name: han(4), certificateType: 'resident_id', certificateNumber: '11010519491231002X' }, comment: han(500),
  },
  service: {
    serviceType: 'app', name: han(60), categories: times(DRAFT_LIMITS.array, () => han(10)), languages: times(DRAFT_LIMITS.array, () => han(4)),
    preApprovals: times(DRAFT_LIMITS.array, (i) => ({ type: han(10), number: `（京）网药械信息备字（2026）第${i}号` })), description: han(500),
    sdks: times(DRAFT_LIMITS.sdks, () => ({ vendor: han(30), type: han(10) })), homeUrl: `https://${domain(0)}/`,
    domains: times(DRAFT_LIMITS.domains, domain), principal: person,
  },
  platforms: times(DRAFT_LIMITS.platforms, (p) => ({
    platform: 'android', packageName: `com.example.company.product${p}`, publicKey: 'AB:'.repeat(DRAFT_LIMITS.publicKey / 3).slice(0, DRAFT_LIMITS.publicKey),
    certMd5: 'AB:'.repeat(16).slice(0, 47), certSha1: 'AB:'.repeat(20).slice(0, 59), certSha256: 'AB:'.repeat(32).slice(0, 95), domains: times(DRAFT_LIMITS.domains, domain),
  })),
  access: times(DRAFT_LIMITS.array, () => ({
    providerOrgId: '00000000-0000-0000-0000-000000000000', accessMethod: 'cloud', serverLocation: han(30),
    ips: times(DRAFT_LIMITS.ips, ipv6), domains: times(DRAFT_LIMITS.domains, domain),
  })),
};

const parsed = materialsDraftSchema.safeParse(materials);
if (!parsed.success) throw new Error(`not a valid draft: ${parsed.error.message}`);
const bytes = Buffer.byteLength(JSON.stringify({ materials, version: 1 }));
console.log(`largest realistic materials body: ${bytes.toLocaleString('en')} bytes; default body limit ${BODY_LIMITS.default.toLocaleString('en')} bytes (${(BODY_LIMITS.default / bytes).toFixed(1)}×)`);
