// Reading and writing nested draft values by dotted path (`platforms.0.packageName`), the
// same paths the rules report problems at.
export type Json = Record<string, unknown>;

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** A copy of obj with the value at path replaced (intermediate objects/arrays created). */
export function setPath<T>(obj: T, path: string, value: unknown): T {
  const keys = path.split('.');
  const write = (cur: unknown, i: number): unknown => {
    const key = keys[i]!;
    const index = /^\d+$/.test(key) ? Number(key) : null;
    const base: unknown = cur ?? (index !== null ? [] : {});
    const copy: Record<string | number, unknown> = Array.isArray(base) ? [...base] as unknown as Record<number, unknown> : { ...(base as object) };
    const next = i === keys.length - 1 ? value : write((base as Record<string | number, unknown>)[index ?? key], i + 1);
    if (next === undefined && !Array.isArray(copy)) delete copy[key];
    else copy[index ?? key] = next;
    return copy;
  };
  return write(obj, 0) as T;
}

/** Problems whose field is the path itself or lies under it. */
export function under<T extends { field: string }>(items: readonly T[], path: string): T[] {
  return items.filter((p) => p.field === path || p.field.startsWith(`${path}.`));
}

/** Problems exactly at path (and at its list items `path.N`, for list inputs). */
export function at<T extends { field: string }>(items: readonly T[], path: string, includeItems = false): T[] {
  return items.filter((p) => p.field === path || (includeItems && new RegExp(`^${path.replace(/\./g, '\\.')}\\.\\d+$`).test(p.field)));
}

/** Drops empty strings, empty objects and undefined, so an untouched field is "absent". */
export function prune(value: unknown): unknown {
  // Blank lines of a one-per-line list are not entries.
  if (Array.isArray(value)) return value.map(prune).filter((v) => v !== '');
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) {
      const p = prune(v);
      if (p === undefined || p === '') continue;
      out[k] = p;
    }
    return out;
  }
  return value;
}
