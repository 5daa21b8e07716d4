// Record ids are UUIDs (PostgreSQL's uuid type). An id in a path or a body that is not one names no
// record: flows answer "not found" (or a field error) before any query — PostgreSQL would refuse
// the text, and a NUL in it would fail the query (issue 12).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `s` is a UUID in its text form (any case). */
export const isUuid = (s: string): boolean => UUID.test(s);
