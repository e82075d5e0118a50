/**
 * The one way the web app talks to the API: same-origin fetch with the session cookie, the CSRF
 * token on every write, and every error turned into an {@link ApiError} with the server's Chinese
 * message and field details. A 401 (outside the login call) first asks the user to sign in again
 * over the page (the re-authentication dialog) and then sends the same request again, so a form
 * being saved keeps what was typed; only when that is refused does the session end in the UI.
 */

import { clearEarly, takeEarly } from './early';

export const API_BASE = '/api/v1';
const CSRF_KEY = 'bcs.csrfToken';
/** A non-secret hint that this browser holds a session cookie, so a reload asks /auth/me. */
const SESSION_HINT_KEY = 'bcs.session';

export interface FieldError {
  field: string;
  message: string;
}

/** An error answer of the API (`{"error":{"code","message","details"}}`), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldError[] = [],
    /** `error.details` exactly as the server sent it (e.g. the row report of a ledger import). */
    readonly raw: unknown = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  get isConflict(): boolean {
    return this.status === 409;
  }
}

let csrfToken: string | null = readStorage(sessionStorageOrNull(), CSRF_KEY);
let unauthorizedHandler: (() => void) | null = null;
let reauthHandler: (() => Promise<boolean>) | null = null;
let reauthPending: Promise<boolean> | null = null;

function sessionStorageOrNull(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.sessionStorage;
  } catch {
    return null;
  }
}
function localStorageOrNull(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}
function readStorage(s: Storage | null, key: string): string | null {
  try {
    return s?.getItem(key) ?? null;
  } catch {
    return null;
  }
}
function writeStorage(s: Storage | null, key: string, value: string | null): void {
  try {
    if (!s) return;
    if (value === null) s.removeItem(key);
    else s.setItem(key, value);
  } catch {
    /* storage unavailable (private mode): the in-memory copy still works */
  }
}

/** Remembers (or forgets, with null) the CSRF token of the current session. */
export function setSession(token: string | null): void {
  if (token !== csrfToken) clearEarly();
  csrfToken = token;
  writeStorage(sessionStorageOrNull(), CSRF_KEY, token);
  writeStorage(localStorageOrNull(), SESSION_HINT_KEY, token ? '1' : null);
}

/** Whether this browser probably holds a session (a reload should restore it through /auth/me). */
export function hasSessionHint(): boolean {
  return readStorage(localStorageOrNull(), SESSION_HINT_KEY) === '1' || csrfToken !== null;
}

/** Called on any 401 of an authenticated call (the session expired or was ended elsewhere). */
export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

/**
 * Called on a 401 of an authenticated call while the user is signed in: shows the re-authentication
 * dialog and resolves true once the same user has signed in again (the call is then sent again),
 * false when they gave up (the session then ends as before).
 */
export function onReauthenticate(handler: (() => Promise<boolean>) | null): void {
  reauthHandler = handler;
}

/** One dialog for every call that hit the 401 at the same time. */
function reauthenticate(): Promise<boolean> {
  if (!reauthHandler) return Promise.resolve(false);
  reauthPending ??= reauthHandler()
    .catch(() => false)
    .finally(() => {
      reauthPending = null;
    });
  return reauthPending;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Do not treat a 401 as an expired session (login, session restore). */
  noAuthRedirect?: boolean;
  /** Set on the one retry after a re-authentication: a second 401 ends the session. */
  retried?: boolean;
}

/** Query string from an object, leaving out empty values. */
export function toQuery(params: Record<string, string | number | boolean | null | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

function parseErrorBody(status: number, body: unknown): ApiError {
  const e = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  const details = Array.isArray(e?.details)
    ? (e!.details as unknown[]).filter(
        (d): d is FieldError => !!d && typeof (d as FieldError).field === 'string' && typeof (d as FieldError).message === 'string',
      )
    : [];
  const fallback =
    status === 404
      ? '未找到该记录'
      : status === 403
        ? '您无权执行此操作'
        : status === 401
          ? '登录已过期，请重新登录'
          : status === 429
            ? '请求过于频繁，请稍后再试'
            : status >= 500
              ? '服务器暂时无法处理，请稍后重试'
              : '请求失败';
  return new ApiError(
    status,
    typeof e?.code === 'string' ? e.code : `HTTP_${status}`,
    typeof e?.message === 'string' && e.message ? e.message : fallback,
    details,
    e?.details,
  );
}

/** The error of a failed answer whose body may still be unread (JSON or not). */
export async function errorOf(res: Response, opts: { noAuthRedirect?: boolean } = {}): Promise<ApiError> {
  let parsed: unknown = null;
  try {
    const text = await res.text();
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (res.status === 401 && !opts.noAuthRedirect) unauthorizedHandler?.();
  return parseErrorBody(res.status, parsed);
}

/** Parses an error body received outside fetch (XMLHttpRequest uploads); a 401 ends the session. */
export function errorFromBody(status: number, text: string): ApiError {
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (status === 401) unauthorizedHandler?.();
  return status === 0 ? new ApiError(0, 'NETWORK', '无法连接服务器，请检查网络后重试') : parseErrorBody(status, parsed);
}

/** The CSRF token of the session, for writes that do not go through {@link api} (XMLHttpRequest uploads). */
export function currentCsrfToken(): string | null {
  return csrfToken;
}

/** Calls `/api/v1{path}` and answers the parsed JSON. Throws {@link ApiError}. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? (opts.body === undefined ? 'GET' : 'POST');
  const headers: Record<string, string> = { Accept: 'application/json', ...(opts.headers ?? {}) };
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) body = opts.body;
  else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  // A write may change what the reads started early would answer.
  if (method !== 'GET') clearEarly();
  let res: Response;
  try {
    // A read already started for this page (web/src/api/early.ts) is taken instead of asking again.
    res = (method === 'GET' ? await takeEarly(path) : null) ?? (await fetch(`${API_BASE}${path}`, { method, headers, body, credentials: 'same-origin', signal: opts.signal }));
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', '无法连接服务器，请检查网络后重试');
  }
  const text = await res.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!res.ok) {
    const err = parseErrorBody(res.status, parsed);
    if (res.status === 401 && !opts.noAuthRedirect) {
      // The body was already sent once and refused before anything was done: sending it again
      // after signing in is safe (writes that create something carry an Idempotency-Key anyway).
      if (!opts.retried && (await reauthenticate())) return api<T>(path, { ...opts, retried: true });
      unauthorizedHandler?.();
    }
    throw err;
  }
  return parsed as T;
}

/** A random key for `Idempotency-Key` (works outside secure contexts too). */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
