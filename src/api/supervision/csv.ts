// CSV export for every supervision table (issue 14, item 8): RFC 4180, UTF-8 with a BOM so
// spreadsheet programs read the Chinese right; a cell starting with = + - @ is prefixed with '
// (CSV injection).
import type { FastifyReply, FastifyRequest } from 'fastify';

const cell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  let s = v instanceof Date ? v.toISOString() : Array.isArray(v) ? v.join(';') : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return `\uFEFF${[columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n')}\r\n`;
}

/** Whether the caller asked for CSV: `?format=csv` or `Accept: text/csv`. */
export const wantsCsv = (req: FastifyRequest) => (req.query as { format?: string } | undefined)?.format === 'csv' || /\btext\/csv\b/.test(req.headers.accept ?? '');

export function sendCsv(reply: FastifyReply, name: string, columns: readonly string[], rows: readonly Record<string, unknown>[]) {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).header('cache-control', 'no-store').send(toCsv(columns, rows));
}
