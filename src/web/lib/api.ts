// The browser's HTTP client: JSON in and out, the session's CSRF token on unsafe requests,
// problem+json turned into ApiError with its field list (shown at each field).
export interface FieldProblem { field: string; code: string; message: string; suggestion?: string }

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly errors: FieldProblem[] = [], readonly requestId?: string,
    /** The problem's extension members (RFC 9457), e.g. `retryAfterSeconds`: the numbers its Chinese text shows. */
    readonly params: Record<string, unknown> = {}) {
    super(message);
  }
}

let csrfToken: string | null = null;
export const setCsrfToken = (token: string | null) => { csrfToken = token; };
/** For requests fetch cannot make (an upload with progress uses XMLHttpRequest). */
export const getCsrfToken = () => csrfToken;

/** Called when a request finds the session gone (401), so the app can show the sign-in page. */
let onUnauthenticated: () => void = () => {};
export const setUnauthenticatedHandler = (fn: () => void) => { onUnauthenticated = fn; };

export async function request<T>(method: string, url: string, body?: unknown, init: { raw?: BodyInit; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...init.headers };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(url, {
    // Revalidate every time (a 304 when nothing changed): the public answers allow a minute of caching, and a page
    // read right after a revocation showed the record as filed from the browser's cache.
    method, headers, credentials: 'same-origin', cache: 'no-cache',
    ...(init.raw !== undefined ? { body: init.raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  const data: unknown = type.includes('json') ? await res.json().catch(() => null) : await res.text();
  if (!res.ok) {
    const p = (data ?? {}) as { code?: string; detail?: string; title?: string; errors?: FieldProblem[]; requestId?: string };
    const params = typeof data === 'object' && data !== null ? data as Record<string, unknown> : {};
    if (res.status === 401) onUnauthenticated();
    throw new ApiError(res.status, p.code ?? `http_${res.status}`, p.detail ?? p.title ?? res.statusText, p.errors ?? [], p.requestId, params);
  }
  return data as T;
}

export const api = {
  get: <T>(url: string, signal?: AbortSignal) => request<T>('GET', url, undefined, signal ? { signal } : {}),
  post: <T>(url: string, body: unknown = {}) => request<T>('POST', url, body),
  put: <T>(url: string, body: unknown) => request<T>('PUT', url, body),
  patch: <T>(url: string, body: unknown) => request<T>('PATCH', url, body),
  del: <T>(url: string) => request<T>('DELETE', url),
  upload: <T>(url: string, form: FormData) => request<T>('POST', url, undefined, { raw: form }),
};

/** Query string from the defined values only. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

/** What a paged listing answers (page/pageSize in, total out). */
export interface Paged<T> { items: T[]; total: number; page: number; pageSize: number }

/**
 * The first item of a paged listing that `match`es, read page by page (the API's page/pageSize, 100 a page)
 * until found or the listing ends: a lookup that must see every item, where one page held only the first 100.
 */
export async function findInPages<T>(url: string, match: (item: T) => boolean, pageSize = 100): Promise<T | null> {
  const sep = url.includes('?') ? '&' : '?';
  for (let page = 1; ; page++) {
    const r = await api.get<Paged<T>>(`${url}${sep}page=${page}&pageSize=${pageSize}`);
    const found = r.items.find(match);
    if (found) return found;
    if (page * pageSize >= r.total || r.items.length === 0) return null;
  }
}

/** Every item of a paged listing, page by page: for short lists read whole (a report's orders), never for tables. */
export async function allPages<T>(url: string, pageSize = 100): Promise<T[]> {
  const sep = url.includes('?') ? '&' : '?';
  const out: T[] = [];
  for (let page = 1; ; page++) {
    const r = await api.get<Paged<T>>(`${url}${sep}page=${page}&pageSize=${pageSize}`);
    out.push(...r.items);
    if (page * pageSize >= r.total || r.items.length === 0) return out;
  }
}
