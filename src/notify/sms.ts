// SMS through a provider interface (ARCHITECTURE.md: "SMS through a provider interface").
// The development provider delivers into the `dev_sms_messages` table — what a gateway
// would have sent — so a demo or a test can read the MIIT verification code (DOMAIN.md §4.1)
// there; an administrator reads it through GET /api/admin/dev-sms. The mobile is sealed and
// hashed like every stored phone number; the body stays in clear because reading it is the
// point of a development inbox.
import type { Queryable } from '../db/connection.ts';
import { mask, type Sealer } from '../db/personal-data.ts';
import { validateMobile } from '../domain/validation/index.ts';
import type { OpenedSms } from './outbox.ts';

/**
 * Sends one SMS. Gateways send `template` (they accept no free text) and throw a DeliveryError
 * naming their refusal code; the development inbox keeps `text`.
 */
export interface SmsProvider {
  /** `development`, `aliyun`, `tencent`: kept in outbox.provider for the administrator. */
  readonly name: string;
  /** Resolves with the name of the gateway that delivered when it is not `name` (a fallback). */
  send(msg: OpenedSms): Promise<string | void>;
}

/** The form a mobile is hashed in: 11 digits without +86 when it is a mainland mobile. */
export function normaliseMobile(mobile: string): string {
  const v = validateMobile(mobile);
  return v.ok ? v.value : mobile.trim();
}

export function createDevSmsProvider(db: Queryable, sealer: Sealer, now: () => Date = () => new Date()): SmsProvider {
  return {
    name: 'development',
    async send({ mobile, text }) {
      const m = normaliseMobile(mobile);
      await db.query(
        'insert into dev_sms_messages (mobile_enc, mobile_hash, body, created_at) values ($1, $2, $3, $4)',
        [sealer.seal(m), sealer.hash('phone', m), text, now()],
      );
    },
  };
}

export interface DevSms { id: number; mobile: string; body: string; createdAt: Date }

interface DevSmsRow { id: number; mobile_enc: string; body: string; created_at: Date }

/**
 * Messages in the development inbox, newest first. With `mobile`, only that number's
 * messages, shown in full (the reader named it); without, every number masked.
 */
export async function listDevSms(db: Queryable, sealer: Sealer, options: { mobile?: string; limit?: number } = {}): Promise<DevSms[]> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
  const rows = options.mobile
    ? await db.query<DevSmsRow>(
      'select id, mobile_enc, body, created_at from dev_sms_messages where mobile_hash = $1 order by id desc limit $2',
      [sealer.hash('phone', normaliseMobile(options.mobile)), limit],
    )
    : await db.query<DevSmsRow>('select id, mobile_enc, body, created_at from dev_sms_messages order by id desc limit $1', [limit]);
  return rows.map((r) => {
    const m = sealer.open(r.mobile_enc);
    return { id: r.id, mobile: options.mobile ? m : mask.phone(m), body: r.body, createdAt: new Date(r.created_at) };
  });
}

/** The newest development SMS to a mobile, or null (tests and docs read verification codes with it). */
export async function latestDevSms(db: Queryable, sealer: Sealer, mobile: string): Promise<DevSms | null> {
  const [latest] = await listDevSms(db, sealer, { mobile, limit: 1 });
  return latest ?? null;
}
