// Read queries for accounts: users, organisations and API keys. Rows carry sealed values
// (*_enc) as stored; presenters decide what an audience sees of them.
import type { OrganisationKind, Role } from '../domain/actors.ts';
import type { LoginIdentifier } from '../domain/accounts.ts';
import type { Queryable } from './connection.ts';
import type { Sealer } from './personal-data.ts';

export interface AccountRow {
  id: string;
  role: Role;
  organisation_id: string | null;
  display_name: string;
  login: string | null;
  password_hash: string;
  mobile_enc: string | null;
  email_enc: string | null;
  locale: 'zh-CN' | 'en';
  created_at: Date;
  disabled_at: Date | null;
  /** Set for an account whose password someone else chose (ADR 0012): it must set its own first. */
  must_change_password: boolean;
  org_name: string | null;
  org_kind: OrganisationKind | null;
  org_province_code: string | null;
  org_status: 'active' | 'suspended' | null;
}

const ACCOUNT = `
  select u.id, u.role, u.organisation_id, u.display_name, u.login, u.password_hash, u.mobile_enc, u.email_enc,
         u.locale, u.created_at, u.disabled_at, u.must_change_password, o.name as org_name, o.kind as org_kind,
         o.province_code as org_province_code, o.status as org_status
  from users u left join organisations o on o.id = u.organisation_id`;

export async function findAccount(db: Queryable, userId: string): Promise<AccountRow | null> {
  const [row] = await db.query<AccountRow>(`${ACCOUNT} where u.id = $1`, [userId]);
  return row ?? null;
}

/** Hosts sign in with their mobile or email, found by keyed hash (never stored in clear); staff with their login name. */
export async function findAccountByLogin(db: Queryable, sealer: Sealer, id: LoginIdentifier): Promise<AccountRow | null> {
  if (id.value.includes('\u0000')) return null; // no login holds NUL (PostgreSQL text cannot), and the query would fail on it
  const [row] = id.kind === 'mobile'
    ? await db.query<AccountRow>(`${ACCOUNT} where u.role = 'host' and u.mobile_hash = $1`, [sealer.hash('phone', id.value)])
    : await db.query<AccountRow>(`${ACCOUNT} where (u.role = 'host' and u.email_hash = $1) or u.login = $2`, [sealer.hash('email', id.value), id.value]);
  return row ?? null;
}

export interface UserFilter { role?: Role | undefined; organisationId?: string | undefined; limit: number; offset: number }

export async function listAccounts(db: Queryable, f: UserFilter): Promise<{ rows: AccountRow[]; total: number }> {
  const where = 'where ($1::text is null or u.role = $1) and ($2::uuid is null or u.organisation_id = $2)';
  const params = [f.role ?? null, f.organisationId ?? null];
  const rows = await db.query<AccountRow>(`${ACCOUNT} ${where} order by u.created_at, u.id limit $3 offset $4`, [...params, f.limit, f.offset]);
  const [count] = await db.query<{ n: number }>(`select count(*)::int as n from users u ${where}`, params);
  return { rows, total: count?.n ?? 0 };
}

export interface OrganisationRow {
  id: string;
  kind: OrganisationKind;
  name: string;
  uscc: string | null;
  province_code: string | null;
  status: 'active' | 'suspended';
  contact_email_enc: string | null;
  created_at: Date;
}

const ORGANISATION = 'select id, kind, name, uscc, province_code, status, contact_email_enc, created_at from organisations';

export async function findOrganisation(db: Queryable, id: string): Promise<OrganisationRow | null> {
  const [row] = await db.query<OrganisationRow>(`${ORGANISATION} where id = $1`, [id]);
  return row ?? null;
}

export interface OrganisationFilter { kind?: OrganisationKind | undefined; status?: 'active' | 'suspended' | undefined; limit: number; offset: number }

export async function listOrganisations(db: Queryable, f: OrganisationFilter): Promise<{ rows: OrganisationRow[]; total: number }> {
  const where = 'where ($1::text is null or kind = $1) and ($2::text is null or status = $2)';
  const rows = await db.query<OrganisationRow>(
    `${ORGANISATION} ${where} order by kind, province_code nulls last, name limit $3 offset $4`,
    [f.kind ?? null, f.status ?? null, f.limit, f.offset],
  );
  const [count] = await db.query<{ n: number }>(`select count(*)::int as n from organisations ${where}`, [f.kind ?? null, f.status ?? null]);
  return { rows, total: count?.n ?? 0 };
}

export interface ApiKeyListRow {
  id: string;
  organisation_id: string;
  name: string;
  key_prefix: string;
  scope: 'verify' | 'full';
  created_at: Date;
  created_by: string | null;
  created_by_name: string | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const API_KEY = `
  select k.id, k.organisation_id, k.name, k.key_prefix, k.scope, k.created_at, k.created_by, u.display_name as created_by_name,
         k.last_used_at, k.revoked_at
  from api_keys k left join users u on u.id = k.created_by`;

export async function listApiKeys(db: Queryable, organisationId: string): Promise<ApiKeyListRow[]> {
  return db.query<ApiKeyListRow>(`${API_KEY} where k.organisation_id = $1 order by k.created_at desc, k.id`, [organisationId]);
}

export async function findApiKey(db: Queryable, id: string): Promise<ApiKeyListRow | null> {
  const [row] = await db.query<ApiKeyListRow>(`${API_KEY} where k.id = $1`, [id]);
  return row ?? null;
}
