// The one HTTP client of the app: same-origin relative URLs, cookies for auth,
// RFC 9457 problem details turned into ApiError with Korean wording.
import type { FieldProblem, ProblemDetails } from './types';

const STATUS_MESSAGES: Record<number, string> = {
  0: '서버에 연결할 수 없습니다. 네트워크 상태를 확인해 주세요.',
  400: '요청이 올바르지 않습니다.',
  401: '로그인이 필요합니다.',
  403: '이 작업을 할 권한이 없습니다.',
  404: '요청한 내용을 찾을 수 없습니다.',
  405: '지원하지 않는 요청입니다.',
  408: '요청 시간이 초과되었습니다. 다시 시도해 주세요.',
  409: '지금 상태에서는 처리할 수 없습니다. 새로고침 후 다시 시도해 주세요.',
  413: '파일이 너무 큽니다. 사진은 한 장에 10MB까지 올릴 수 있습니다.',
  415: '지원하지 않는 파일 형식입니다. JPG, PNG, WEBP, GIF 사진만 올릴 수 있습니다.',
  422: '입력한 내용을 다시 확인해 주세요.',
  429: '요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.',
  500: '서버에 문제가 생겼습니다. 잠시 후 다시 시도해 주세요.',
  502: '서비스를 잠시 이용할 수 없습니다. 잠시 후 다시 시도해 주세요.',
  503: '서비스를 잠시 이용할 수 없습니다. 잠시 후 다시 시도해 주세요.',
  504: '서버 응답이 늦어지고 있습니다. 잠시 후 다시 시도해 주세요.',
};

/** Plain Korean words for an HTTP status (what a person reads, not the server's English). */
export function statusMessage(status: number): string {
  if (STATUS_MESSAGES[status]) return STATUS_MESSAGES[status];
  if (status >= 500) return STATUS_MESSAGES[500];
  if (status >= 400) return STATUS_MESSAGES[400];
  return '알 수 없는 오류가 발생했습니다.';
}

const HANGUL = /[\u3131-\uD79D]/;

export function hasHangul(text: string | undefined | null): boolean {
  return !!text && HANGUL.test(text);
}

/** "body.files[0]" → "files"; "address1" stays. */
export function normalizeField(field: string): string {
  const last = field.split(/[.\/]/).filter(Boolean).pop() ?? field;
  return last.replace(/\[\d+\]$/, '');
}

export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldProblem[];

  constructor(problem: ProblemDetails & { status: number }) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`);
    this.name = 'ApiError';
    this.status = problem.status;
    this.type = problem.type ?? 'about:blank';
    this.title = problem.title ?? '';
    this.detail = problem.detail ?? '';
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
  }

  /** Korean message for this error; `overrides` lets a page say it better per status. */
  userMessage(overrides?: Partial<Record<number, string>>): string {
    const own = overrides?.[this.status];
    if (own) return own;
    // A server that already speaks Korean knows best what went wrong.
    if (hasHangul(this.detail)) return this.detail;
    return statusMessage(this.status);
  }

  /** Field errors keyed by form field name, in Korean where the server was not. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.errors) {
      const key = normalizeField(e.field || '');
      if (!key || out[key]) continue;
      out[key] = hasHangul(e.message) ? e.message : `올바른 값을 입력해 주세요. (${e.message})`;
    }
    return out;
  }
}

/** Any thrown value → a Korean sentence. */
export function errorMessage(err: unknown, overrides?: Partial<Record<number, string>>): string {
  if (err instanceof ApiError) return err.userMessage(overrides);
  if (err instanceof DOMException && err.name === 'AbortError') return '요청이 취소되었습니다.';
  return statusMessage(0);
}

/** Build an ApiError from a response's status, content type and body text. */
export function toApiError(status: number, contentType: string | null, body: string): ApiError {
  let problem: ProblemDetails = {};
  if (body && contentType && /json/i.test(contentType)) {
    try {
      const parsed = JSON.parse(body);
      if (parsed && typeof parsed === 'object') problem = parsed as ProblemDetails;
    } catch {
      /* not JSON after all: keep the status only */
    }
  }
  return new ApiError({ ...problem, status });
}

export type QueryValue = string | number | boolean | null | undefined;

export function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.append(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  json?: unknown;
  form?: FormData;
  signal?: AbortSignal;
  /** Try POST /api/user/refresh once on a 401 and repeat the call (default true). */
  retryAuth?: boolean;
}

const NO_REFRESH = ['/api/user/login', '/api/user/refresh', '/api/user/logout', '/api/user/join'];

let refreshing: Promise<boolean> | null = null;

/** Rotate the session with the refresh cookie; concurrent 401s share one refresh call. */
export function refreshSession(): Promise<boolean> {
  if (!refreshing) {
    refreshing = fetch('/api/user/refresh', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    })
      .then((r) => r.ok)
      .catch(() => false)
      .finally(() => {
        refreshing = null;
      });
  }
  return refreshing;
}

let onUnauthorized: (() => void) | null = null;

/** Called when a request stays 401 after a refresh attempt (the session is gone). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

async function parseBody<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  if (!text) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  if (/json/i.test(type)) return JSON.parse(text) as T;
  return text as unknown as T;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const url = buildUrl(path, opts.query);
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  let body: BodyInit | undefined;
  if (opts.form) body = opts.form;
  else if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError({ status: 0, title: 'network error', detail: '' });
  }
  if (res.status === 401 && opts.retryAuth !== false && !NO_REFRESH.some((p) => path.startsWith(p))) {
    if (await refreshSession()) return request<T>(method, path, { ...opts, retryAuth: false });
    onUnauthorized?.();
  }
  if (!res.ok) {
    throw toApiError(res.status, res.headers.get('content-type'), await res.text().catch(() => ''));
  }
  return parseBody<T>(res);
}

export const http = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
  post: <T>(path: string, json?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, json }),
  patch: <T>(path: string, json?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, { ...opts, json }),
  put: <T>(path: string, json?: unknown, opts?: RequestOptions) => request<T>('PUT', path, { ...opts, json }),
  del: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
};

export type ProgressHandler = (fraction: number) => void;

/**
 * Multipart upload with progress (fetch cannot report upload progress, XHR can).
 * Same error mapping and the same one-time refresh on 401 as `request`.
 */
export function upload<T>(
  method: 'POST' | 'PUT' | 'PATCH',
  path: string,
  form: FormData,
  onProgress?: ProgressHandler,
  retryAuth = true,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError({ status: 0, title: 'network error' }));
    xhr.onload = async () => {
      const type = xhr.getResponseHeader('content-type');
      if (xhr.status === 401 && retryAuth) {
        if (await refreshSession()) {
          upload<T>(method, path, form, onProgress, false).then(resolve, reject);
          return;
        }
        onUnauthorized?.();
      }
      if (xhr.status < 200 || xhr.status >= 300) {
        reject(toApiError(xhr.status, type, xhr.responseText));
        return;
      }
      onProgress?.(1);
      if (xhr.status === 204 || !xhr.responseText) resolve(undefined as T);
      else if (type && /json/i.test(type)) resolve(JSON.parse(xhr.responseText) as T);
      else resolve(xhr.responseText as unknown as T);
    };
    xhr.send(form);
  });
}
