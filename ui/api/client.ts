/**
 * The browser's one door to the REST API: JSON in and out, the session's CSRF token on unsafe requests,
 * application/problem+json turned into {@link ApiError}, and the server's clock offset (from `Date`) kept so that
 * session expiry times can be compared with the browser's clock.
 */
import type { FieldProblem } from './types.js';

/** An error answer of the API (RFC 9457 problem document), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The stable error code (`validation_failed`, `precondition_failed`, …); `network_error` when unreachable. */
    readonly code: string,
    message: string,
    readonly errors: FieldProblem[] = [],
    readonly body: Record<string, unknown> = {},
    readonly headers: Headers | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiResponse<T> {
  status: number;
  data: T;
  /** The whole JSON body (for `meta`, `message` and other members next to `data`). */
  body: Record<string, unknown>;
  etag: string | null;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  /** Aborts the request (a task's signal: its answer is no longer wanted); it then rejects with `aborted`. */
  signal?: AbortSignal;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Codes meaning the browser no longer holds a usable session. */
const SESSION_LOST = new Set(['unauthenticated', 'session_expired']);

/**
 * The JSON client. The app shell makes the page's one instance and provides it to components as `apiContext`
 * (ui/contexts.ts).
 */
export class ApiClient {
  /** Sent as X-CSRF-Token on unsafe requests; updated from every answer that carries one. */
  csrfToken: string | null = null;
  /** Server time minus browser time, in milliseconds (from the last response's Date header). */
  serverOffsetMs = 0;
  /** Called when an API answer says the session is gone (not for the sign-in steps' own refusals). */
  onSessionLost: ((code: string) => void) | null = null;

  constructor(private readonly base = '/api') {}

  get<T>(path: string, options: RequestOptions = {}) { return this.request<T>('GET', path, options); }
  post<T>(path: string, body: unknown = {}, options: RequestOptions = {}) { return this.request<T>('POST', path, { ...options, body }); }
  patch<T>(path: string, body: unknown, options: RequestOptions = {}) { return this.request<T>('PATCH', path, { ...options, body }); }

  /** The server's idea of now, as a browser timestamp. */
  serverNow(): number {
    return Date.now() + this.serverOffsetMs;
  }

  /**
   * Send one request. Resolves with the parsed body for 2xx; rejects with {@link ApiError} otherwise.
   */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (UNSAFE.has(method) && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    let res: Response;
    try {
      res = await fetch(this.base + path + queryString(options.query), {
        method,
        headers,
        credentials: 'same-origin',
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch {
      if (options.signal?.aborted) throw new ApiError(0, 'aborted', 'The request was cancelled.');
      throw new ApiError(0, 'network_error', 'The server cannot be reached. Check your connection and try again.');
    }
    this.#readClock(res);
    const text = await res.text();
    let body: Record<string, unknown> = {};
    if (text) {
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        body = {};
      }
    }
    if (!res.ok) {
      const code = typeof body.code === 'string' ? body.code : `http_${res.status}`;
      const detail = typeof body.detail === 'string' ? body.detail : `The server answered ${res.status}.`;
      const errors = Array.isArray(body.errors) ? (body.errors as FieldProblem[]) : [];
      if (res.status === 401 && SESSION_LOST.has(code) && !path.startsWith('/auth/sign-in')) this.onSessionLost?.(code);
      throw new ApiError(res.status, code, detail, errors, body, res.headers);
    }
    const data = body.data as T;
    const token = (data as { csrfToken?: unknown } | undefined)?.csrfToken;
    if (typeof token === 'string') this.csrfToken = token;
    return { status: res.status, data, body, etag: res.headers.get('etag') };
  }

  #readClock(res: Response): void {
    const date = res.headers.get('date');
    const t = date ? Date.parse(date) : Number.NaN;
    if (!Number.isNaN(t)) this.serverOffsetMs = t - Date.now();
  }
}

function queryString(query: RequestOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** The API path of a table, or of one record of it. */
export function tablePath(table: string, id?: string, suffix?: string): string {
  let p = `/tables/${encodeURIComponent(table)}`;
  if (id !== undefined) p += `/${encodeURIComponent(id)}`;
  if (suffix) p += `/${suffix}`;
  return p;
}
