// Data-key rotation (issue 15 §3, ADR 0019): every sealed value (`v1.<keyid>.…` envelopes in the
// *_enc columns and inside applications.materials and outbox payloads) is re-sealed under the
// first data key in small batches, each its own short transaction, while the server keeps serving.
// Progress is the data itself: a value still needs work while its envelope names another key, so
// an interrupted rotation resumes by running again. Keyset pagination by id keeps each batch cheap.
import type { Db, Queryable } from './connection.ts';
import type { Sealer } from './personal-data.ts';

/** Text columns holding one envelope each. */
export const SEALED_COLUMNS = [
  { table: 'dev_sms_messages', column: 'mobile_enc' },
  { table: 'organisations', column: 'contact_email_enc' },
  { table: 'persons', column: 'certificate_number_enc' },
  { table: 'persons', column: 'mobile_enc' },
  { table: 'persons', column: 'emergency_phone_enc' },
  { table: 'persons', column: 'email_enc' },
  { table: 'sms_challenges', column: 'mobile_enc' },
  { table: 'confirmations', column: 'mobile_enc' },
  { table: 'violation_reports', column: 'reporter_contact_enc' },
  { table: 'subjects', column: 'certificate_number_enc' },
  { table: 'users', column: 'mobile_enc' },
  { table: 'users', column: 'email_enc' },
  { table: 'webhook_subscriptions', column: 'secret_enc' },
] as const;

/**
 * JSON columns with envelopes somewhere inside (materials-store.ts, notify/outbox.ts, api/idempotency.ts).
 * `key`: the row's key as text where the table has no `id` (idempotency_keys: scope + key).
 */
export const SEALED_JSON: readonly { table: string; column: string; key?: string }[] = [
  { table: 'applications', column: 'materials' },
  { table: 'applications', column: 'base_materials' },
  { table: 'outbox', column: 'payload' },
  { table: 'idempotency_keys', column: 'response', key: `scope || chr(31) || key` },
];

const ENVELOPE = /^v1\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/;
// The same shape as a JSON string inside the column's text (PostgreSQL ARE syntax).
const ENVELOPE_IN_JSON = '"v1\\.([A-Za-z0-9_-]+)\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+"';

export type KeyCounts = Record<string, number>;

/** How many sealed values each key id seals, over every location. */
export async function sealedCounts(db: Queryable): Promise<KeyCounts> {
  const counts: KeyCounts = {};
  const add = (rows: { id: string; n: number }[]) => { for (const r of rows) counts[r.id] = (counts[r.id] ?? 0) + Number(r.n); };
  for (const { table, column } of SEALED_COLUMNS) {
    add(await db.query(`select split_part(${column}, '.', 2) as id, count(*)::int as n from ${table} where ${column} is not null group by 1`));
  }
  for (const { table, column } of SEALED_JSON) {
    add(await db.query(`select m[1] as id, count(*)::int as n from ${table}, regexp_matches(${column}::text, $1, 'g') as m group by 1`, [ENVELOPE_IN_JSON]));
  }
  return counts;
}

const resealJson = (value: unknown, sealer: Sealer): unknown => {
  if (typeof value === 'string') return ENVELOPE.test(value) ? sealer.reseal(value) : value;
  if (Array.isArray(value)) return value.map((v) => resealJson(v, sealer));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resealJson(v, sealer)]));
  return value;
};

export interface RotateOptions {
  batchSize?: number;
  /** Stop after this many batches (tests interrupt a rotation this way). */
  maxBatches?: number;
  onBatch?: (done: number) => void;
}

/**
 * Re-seals every value not under `currentKeyId` with `sealer` (whose first key is that one).
 * Each row is updated only if it still holds the value read (a concurrent write wins; it was
 * sealed by a server that already knows the new key, or is picked up by the next run).
 * Returns how many values were re-sealed and whether work remains.
 */
/** The SQL type of a table's id (uuid or bigint), for keyset pagination. */
async function idType(db: Queryable, table: string): Promise<string> {
  const [r] = await db.query<{ t: string }>(`select data_type as t from information_schema.columns where table_schema = current_schema() and table_name = $1 and column_name = 'id'`, [table]);
  if (r?.t !== 'uuid' && r?.t !== 'bigint') throw new Error(`${table}.id is ${r?.t ?? 'missing'}, not uuid or bigint`);
  return r.t;
}

export async function rotateDataKeys(db: Db, sealer: Sealer, currentKeyId: string, options: RotateOptions = {}): Promise<{ resealed: number; complete: boolean }> {
  const size = options.batchSize ?? 200;
  let batches = 0; let resealed = 0;
  const stop = () => options.maxBatches !== undefined && batches >= options.maxBatches;
  for (const { table, column } of SEALED_COLUMNS) {
    const type = await idType(db, table);
    let after: string | null = null;
    for (;;) {
      if (stop()) return { resealed, complete: false };
      const rows: { id: string; v: string }[] = await db.query(
        `select id::text as id, ${column} as v from ${table}
          where ${column} is not null and split_part(${column}, '.', 2) <> $1 and ($2::text is null or id > $2::${type})
          order by id limit ${size}`,
        [currentKeyId, after]);
      if (rows.length === 0) break;
      await db.transaction(async (tx) => {
        for (const r of rows) await tx.query(`update ${table} set ${column} = $1 where id = $2::${type} and ${column} = $3`, [sealer.reseal(r.v), r.id, r.v]);
      });
      resealed += rows.length; batches++; after = rows.at(-1)!.id;
      options.onBatch?.(rows.length);
    }
  }
  for (const { table, column, key } of SEALED_JSON) {
    const type = key ? 'text' : await idType(db, table);
    const id = key ? `(${key})` : 'id';
    let after: string | null = null;
    for (;;) {
      if (stop()) return { resealed, complete: false };
      const rows: { id: string; v: string; n: number }[] = await db.query(
        `select ${id}::text as id, ${column}::text as v,
                (select count(*)::int from regexp_matches(${column}::text, $1, 'g') m where m[1] <> $2) as n
           from ${table}
          where exists (select 1 from regexp_matches(${column}::text, $1, 'g') m where m[1] <> $2)
            and ($3::text is null or ${id} > $3::${type})
          order by ${id} limit ${size}`, [ENVELOPE_IN_JSON, currentKeyId, after]);
      if (rows.length === 0) break;
      await db.transaction(async (tx) => {
        for (const r of rows) {
          const next = JSON.stringify(resealJson(JSON.parse(r.v), sealer));
          await tx.query(`update ${table} set ${column} = $1::jsonb where ${id} = $2::${type} and ${column}::text = $3`, [next, r.id, r.v]);
        }
      });
      const values = rows.reduce((s, r) => s + r.n, 0);
      resealed += values; batches++; after = rows.at(-1)!.id;
      options.onBatch?.(values);
    }
  }
  return { resealed, complete: true };
}
