// Writes of filed records (subjects, persons, services, platforms, access): used inside the
// approval transaction and by the demo seed, so both produce identical rows.
import { formatMainNumber, formatServiceNumber, type ServiceType } from '../domain/filing-number.ts';
import type { AccessMaterials, PersonMaterials, PlatformMaterials, ServiceMaterials, SubjectMaterials } from '../domain/materials.ts';
import type { Queryable } from './connection.ts';
import type { Sealer } from './personal-data.ts';

const one = async <T extends object>(q: Promise<T[]>): Promise<T> => {
  const [row] = await q;
  if (!row) throw new Error('expected one row');
  return row;
};

export async function insertPerson(tx: Queryable, sealer: Sealer, p: PersonMaterials): Promise<string> {
  const sealed = (kind: 'phone' | 'email' | 'id_number', v: string | null | undefined) =>
    v ? [sealer.seal(v), sealer.hash(kind, v)] : [null, null];
  const [idEnc, idHash] = sealed('id_number', p.certificateNumber);
  const [mEnc, mHash] = sealed('phone', p.mobile);
  const [eEnc, eHash] = sealed('phone', p.emergencyPhone);
  const [emEnc, emHash] = sealed('email', p.email);
  const row = await one(tx.query<{ id: string }>(
    `insert into persons (name, certificate_type, certificate_number_enc, certificate_number_hash, certificate_valid_from,
       certificate_valid_to, mobile_enc, mobile_hash, emergency_phone_enc, emergency_phone_hash, email_enc, email_hash)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) returning id`,
    [p.name, p.certificateType, idEnc, idHash, p.certificateValidFrom ?? null, p.certificateValidTo ?? null, mEnc, mHash, eEnc, eHash, emEnc, emHash],
  ));
  return row.id;
}

/** Next main-number serial for a province and year; the row lock serialises concurrent approvals. */
export async function nextMainSerial(tx: Queryable, provinceCode: string, year: number): Promise<number> {
  const row = await one(tx.query<{ last_serial: number }>(
    `insert into number_sequences (province_code, year, last_serial) values ($1, $2, 1)
     on conflict (province_code, year) do update set last_serial = number_sequences.last_serial + 1
     returning last_serial`,
    [provinceCode, year],
  ));
  return row.last_serial;
}

export interface SubjectRow { id: string; main_number: string }

export async function insertFiledSubject(
  tx: Queryable, sealer: Sealer,
  s: SubjectMaterials & { hostUserId: string; prefix: string; year: number; filedAt: Date },
): Promise<SubjectRow> {
  const principalId = await insertPerson(tx, sealer, s.principal);
  const legalId = s.legalPerson
    ? await insertPerson(tx, sealer, { ...s.legalPerson, mobile: s.principal.mobile, email: s.principal.email })
    : null;
  const serial = await nextMainSerial(tx, s.provinceCode, s.year);
  const mainNumber = formatMainNumber(s.prefix, s.year, serial);
  const publicNumber = s.subjectType === 'unit' ? s.certificateNumber : null;
  return one(tx.query<SubjectRow>(
    `insert into subjects (host_user_id, subject_type, nature, name, certificate_type, certificate_number,
       certificate_number_enc, certificate_number_hash, certificate_address, address, province_code, city_code,
       district_code, principal_person_id, legal_person_id, main_number, main_number_year, main_number_serial,
       status, filed_at)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,'filed',$19)
     returning id, main_number`,
    [s.hostUserId, s.subjectType, s.nature, s.name, s.certificateType, publicNumber, sealer.seal(s.certificateNumber),
      sealer.hash('id_number', s.certificateNumber), s.certificateAddress ?? null, s.address, s.provinceCode, s.cityCode,
      s.districtCode, principalId, legalId, mainNumber, s.year, serial, s.filedAt],
  ));
}

export interface ServiceRow { id: string; service_number: string; sequence: number }

/** Allocates the service number (main + `-n` + suffix, n never reused) and writes the service. */
export async function insertFiledService(
  tx: Queryable,
  s: { subjectId: string; mainNumber: string; principalPersonId: string; filedAt: Date } & Omit<ServiceMaterials, 'principal'>,
): Promise<ServiceRow> {
  const seq = await one(tx.query<{ last_service_sequence: number }>(
    `update subjects set last_service_sequence = last_service_sequence + 1, updated_at = $2
     where id = $1 returning last_service_sequence`,
    [s.subjectId, s.filedAt],
  ));
  const n = seq.last_service_sequence;
  const number = formatServiceNumber(s.mainNumber, n, s.serviceType as ServiceType);
  return one(tx.query<ServiceRow>(
    `insert into services (subject_id, service_type, name, categories, languages, pre_approvals, description, sdks,
       home_url, domains, principal_person_id, sequence, service_number, status, filed_at, status_changed_at)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,'filed',$14,$14)
     returning id, service_number, sequence`,
    // Drafts may omit the optional lists (the rules accept them missing): store them empty.
    [s.subjectId, s.serviceType, s.name, s.categories ?? [], s.languages ?? [], JSON.stringify(s.preApprovals ?? []), s.description,
      JSON.stringify(s.sdks ?? []), s.homeUrl ?? null, s.domains ?? [], s.principalPersonId, n, number, s.filedAt],
  ));
}

export async function insertPlatforms(tx: Queryable, serviceId: string, platforms: PlatformMaterials[]): Promise<void> {
  for (const p of platforms) {
    await tx.query(
      `insert into app_platforms (service_id, platform, package_name, public_key, cert_md5, cert_sha1, cert_sha256, domains)
       values ($1,$2,$3,$4,$5,$6,$7,$8)`,
      [serviceId, p.platform, p.packageName, p.publicKey, p.certMd5 ?? null, p.certSha1 ?? null, p.certSha256 ?? null, p.domains ?? []],
    );
  }
}

export async function insertAccess(tx: Queryable, serviceId: string, access: AccessMaterials[]): Promise<void> {
  for (const a of access) {
    await tx.query(
      `insert into access_records (service_id, provider_org_id, access_method, server_location, ips, domains)
       values ($1,$2,$3,$4,$5,$6)`,
      [serviceId, a.providerOrgId, a.accessMethod, a.serverLocation, a.ips ?? [], a.domains ?? []],
    );
  }
}
