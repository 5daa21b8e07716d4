// The filed record read back as application materials (issue 13, operation 1): exactly the shape
// POST /api/host/applications accepts, personal fields opened, so a change is fetch → edit → post.
// Only the active platforms and access records are part of the filed record.
import type { AccessMaterials, PersonMaterials, PlatformMaterials, ServiceMaterials, SubjectMaterials } from '../domain/materials.ts';
import type { Queryable } from './connection.ts';
import type { Sealer } from './personal-data.ts';

interface PersonRow {
  name: string; certificate_type: PersonMaterials['certificateType']; certificate_number_enc: string; certificate_valid_from: string | null;
  certificate_valid_to: string | null; mobile_enc: string; emergency_phone_enc: string | null; email_enc: string;
}

async function person(tx: Queryable, sealer: Sealer, id: string): Promise<PersonMaterials> {
  const [p] = await tx.query<PersonRow>('select * from persons where id = $1', [id]);
  if (!p) throw new Error(`person ${id} missing`);
  return {
    name: p.name, certificateType: p.certificate_type, certificateNumber: sealer.open(p.certificate_number_enc),
    certificateValidFrom: p.certificate_valid_from, certificateValidTo: p.certificate_valid_to, mobile: sealer.open(p.mobile_enc),
    emergencyPhone: p.emergency_phone_enc ? sealer.open(p.emergency_phone_enc) : null, email: sealer.open(p.email_enc),
  };
}

interface SubjectRow {
  subject_type: SubjectMaterials['subjectType']; nature: SubjectMaterials['nature']; name: string; certificate_type: SubjectMaterials['certificateType'];
  certificate_number_enc: string; certificate_address: string | null; address: string; province_code: string; city_code: string;
  district_code: string; principal_person_id: string; legal_person_id: string | null;
}

export async function filedSubjectMaterials(tx: Queryable, sealer: Sealer, subjectId: string): Promise<{ subject: SubjectMaterials }> {
  const [s] = await tx.query<SubjectRow>('select * from subjects where id = $1', [subjectId]);
  if (!s) throw new Error(`subject ${subjectId} missing`);
  const legal = s.legal_person_id ? await person(tx, sealer, s.legal_person_id) : null;
  return {
    subject: {
      subjectType: s.subject_type, nature: s.nature, name: s.name, certificateType: s.certificate_type,
      certificateNumber: sealer.open(s.certificate_number_enc), certificateAddress: s.certificate_address, address: s.address,
      provinceCode: s.province_code, cityCode: s.city_code, districtCode: s.district_code,
      principal: await person(tx, sealer, s.principal_person_id),
      ...(s.subject_type === 'unit' ? { principalIsLegalRepresentative: legal === null, legalPerson: legal && { name: legal.name, certificateType: legal.certificateType, certificateNumber: legal.certificateNumber } } : {}),
    },
  };
}

interface ServiceRow {
  service_type: ServiceMaterials['serviceType']; name: string; categories: string[]; languages: string[]; pre_approvals: ServiceMaterials['preApprovals'];
  description: string | null; sdks: ServiceMaterials['sdks']; home_url: string | null; domains: string[]; principal_person_id: string; subject_principal: string;
}

export interface FiledServiceMaterials { service: ServiceMaterials; platforms: PlatformMaterials[]; access: AccessMaterials[] }

export async function filedServiceMaterials(tx: Queryable, sealer: Sealer, serviceId: string): Promise<FiledServiceMaterials> {
  const [s] = await tx.query<ServiceRow>(
    `select s.*, sub.principal_person_id as subject_principal from services s join subjects sub on sub.id = s.subject_id where s.id = $1`, [serviceId]);
  if (!s) throw new Error(`service ${serviceId} missing`);
  const platforms = await tx.query<{ platform: PlatformMaterials['platform']; package_name: string; public_key: string | null; cert_md5: string | null; cert_sha1: string | null; cert_sha256: string | null; domains: string[] }>(
    'select platform, package_name, public_key, cert_md5, cert_sha1, cert_sha256, domains from app_platforms where service_id = $1 and active order by platform', [serviceId]);
  const access = await tx.query<{ provider_org_id: string; access_method: AccessMaterials['accessMethod']; server_location: string; ips: string[]; domains: string[] }>(
    'select provider_org_id, access_method, server_location, ips, domains from access_records where service_id = $1 and active order by created_at, id', [serviceId]);
  return {
    service: {
      serviceType: s.service_type, name: s.name, categories: s.categories, languages: s.languages, preApprovals: s.pre_approvals,
      description: s.description ?? '', sdks: s.sdks, ...(s.home_url ? { homeUrl: s.home_url } : {}), domains: s.domains,
      principal: s.principal_person_id === s.subject_principal ? { sameAsSubjectPrincipal: true } : await person(tx, sealer, s.principal_person_id),
    },
    platforms: platforms.map((p) => ({
      platform: p.platform, packageName: p.package_name, publicKey: p.public_key ?? '',
      ...(p.cert_md5 ? { certMd5: p.cert_md5 } : {}), ...(p.cert_sha1 ? { certSha1: p.cert_sha1 } : {}), ...(p.cert_sha256 ? { certSha256: p.cert_sha256 } : {}),
      domains: p.domains,
    })),
    access: access.map((a) => ({ providerOrgId: a.provider_org_id, accessMethod: a.access_method, serverLocation: a.server_location, ips: a.ips, domains: a.domains })),
  };
}
