// Sign-in sessions and API keys as the request authenticator sees them. Session tokens and
// API keys are stored only as digests, so a copy of the database does not let anyone in.
import { randomBytes } from 'node:crypto';
import { type OrganisationKind, type Role } from '../domain/actors.ts';
import { SESSION_POLICY } from '../domain/accounts.ts';
import type { Queryable } from './connection.ts';
import { digest } from './credentials.ts';

export interface SessionRow {
  token_hash: string;
  csrf_token: string;
  created_at: Date;
  expires_at: Date;
  user_id: string;
  role: Role;
  organisation_id: string | null;
  org_kind: OrganisationKind | null;
  province_code: string | null;
  must_change_password: boolean;
}

export interface NewSession { token: string; csrfToken: string; expiresAt: Date }

const addSeconds = (d: Date, s: number) => new Date(d.getTime() + s * 1000);

/** A session of a user who is not disabled, in an organisation that is not suspended. */
export async function findLiveSession(db: Queryable, tokenHash: string, now: Date): Promise<SessionRow | null> {
  const [row] = await db.query<SessionRow>(
    `select s.token_hash, s.csrf_token, s.created_at, s.expires_at, u.id as user_id, u.role, u.organisation_id,
            o.kind as org_kind, o.province_code, u.must_change_password
     from sessions s join users u on u.id = s.user_id left join organisations o on o.id = u.organisation_id
     where s.token_hash = $1 and s.revoked_at is null and s.expires_at > $2
       and u.disabled_at is null and (o.id is null or o.status = 'active')`,
    [tokenHash, now],
  );
  return row ?? null;
}

/** Sliding expiry, capped by the absolute lifetime; written at most once a minute. */
export async function touchSession(db: Queryable, s: SessionRow, now: Date): Promise<Date> {
  const wanted = new Date(Math.min(
    addSeconds(now, SESSION_POLICY.idleSeconds).getTime(),
    addSeconds(s.created_at, SESSION_POLICY.absoluteSeconds).getTime(),
  ));
  if (wanted.getTime() - s.expires_at.getTime() < SESSION_POLICY.touchAfterSeconds * 1000) return s.expires_at;
  await db.query('update sessions set expires_at = $2 where token_hash = $1 and revoked_at is null', [s.token_hash, wanted]);
  return wanted;
}

export async function insertSession(tx: Queryable, userId: string, now: Date): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = addSeconds(now, SESSION_POLICY.idleSeconds);
  await tx.query(
    'insert into sessions (token_hash, user_id, csrf_token, created_at, expires_at) values ($1, $2, $3, $4, $5)',
    [digest(token), userId, csrfToken, now, expiresAt],
  );
  return { token, csrfToken, expiresAt };
}

export async function revokeSession(tx: Queryable, tokenHash: string, now: Date): Promise<boolean> {
  const rows = await tx.query('update sessions set revoked_at = $2 where token_hash = $1 and revoked_at is null returning 1', [tokenHash, now]);
  return rows.length > 0;
}

/** Ends every open session of a user, except the one named (a password change keeps the caller's). */
export async function revokeUserSessions(tx: Queryable, userId: string, now: Date, except: string | null = null): Promise<void> {
  await tx.query(
    `update sessions set revoked_at = $2 where user_id = $1 and revoked_at is null and expires_at > $2
       and ($3::text is null or token_hash <> $3)`,
    [userId, now, except],
  );
}

/** Ends every open session of an organisation's people (its suspension: a reactivation must not revive them). */
export async function revokeOrganisationSessions(tx: Queryable, orgId: string, now: Date): Promise<void> {
  await tx.query(
    `update sessions set revoked_at = $2 where revoked_at is null and expires_at > $2
       and user_id in (select id from users where organisation_id = $1)`,
    [orgId, now],
  );
}

/** What a key may call (migration 0047): `verify` the verification API only, `full` what its organisation's staff role may. */
export type ApiKeyScope = 'verify' | 'full';
export const API_KEY_SCOPES = ['verify', 'full'] as const satisfies readonly ApiKeyScope[];

export interface ApiKeyRow { id: string; organisation_id: string; org_kind: OrganisationKind; scope: ApiKeyScope; last_used_at: Date | null }

/** A key that is not revoked, of an organisation that is not suspended. */
export async function findLiveApiKey(db: Queryable, keyHash: string): Promise<ApiKeyRow | null> {
  const [row] = await db.query<ApiKeyRow>(
    `select k.id, k.organisation_id, o.kind as org_kind, k.scope, k.last_used_at
     from api_keys k join organisations o on o.id = k.organisation_id
     where k.key_hash = $1 and k.revoked_at is null and o.status = 'active'`,
    [keyHash],
  );
  return row ?? null;
}

export async function touchApiKey(db: Queryable, id: string, now: Date): Promise<void> {
  await db.query('update api_keys set last_used_at = $2 where id = $1', [id, now]);
}
