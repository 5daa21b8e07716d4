// A text dump of the schema from the catalogue, the same on PGlite and a PostgreSQL server
// (pg_dump cannot read PGlite). Compared against db/schema.snapshot by a test.
import type { Queryable } from './connection.ts';

export async function dumpSchema(db: Queryable): Promise<string> {
  const lines: string[] = [];
  const columns = await db.query<{ t: string; c: string; type: string; nn: boolean; def: string | null }>(`
    select c.relname t, a.attname c, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull nn,
           pg_get_expr(d.adbin, d.adrelid) def
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
    where n.nspname = 'public' and c.relkind = 'r' order by c.relname, a.attnum`);
  for (const r of columns) lines.push(`column ${r.t}.${r.c} ${r.type}${r.nn ? ' not null' : ''}${r.def ? ` default ${r.def}` : ''}`);
  const constraints = await db.query<{ t: string; name: string; def: string }>(`
    select c.relname t, k.conname as name, pg_get_constraintdef(k.oid) def
    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and k.contype <> 'n' order by c.relname, k.conname`);
  for (const r of constraints) lines.push(`constraint ${r.t}.${r.name} ${r.def}`);
  const indexes = await db.query<{ def: string }>(`
    select indexdef def from pg_indexes where schemaname = 'public' order by tablename, indexname`);
  for (const r of indexes) lines.push(`index ${r.def}`);
  const triggers = await db.query<{ t: string; name: string }>(`
    select c.relname t, g.tgname as name from pg_trigger g join pg_class c on c.oid = g.tgrelid
    join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and not g.tgisinternal order by 1, 2`);
  for (const r of triggers) lines.push(`trigger ${r.t}.${r.name}`);
  return `${lines.join('\n')}\n`;
}
