import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, buildUrl, errorMessage, normalizeField, request, setUnauthorizedHandler, statusMessage, toApiError } from './client';
import { productApi, userApi } from './index';

function jsonResponse(status: number, body: unknown, type = 'application/json'): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': type } });
}

afterEach(() => {
  vi.unstubAllGlobals();
  setUnauthorizedHandler(null);
});

describe('problem details → Korean', () => {
  it('has plain Korean words for every common status', () => {
    expect(statusMessage(401)).toBe('로그인이 필요합니다.');
    expect(statusMessage(403)).toContain('권한');
    expect(statusMessage(404)).toContain('찾을 수 없습니다');
    expect(statusMessage(409)).toContain('지금 상태');
    expect(statusMessage(413)).toContain('10MB');
    expect(statusMessage(415)).toContain('형식');
    expect(statusMessage(422)).toContain('입력');
    expect(statusMessage(429)).toContain('잠시 후');
    expect(statusMessage(503)).toContain('잠시');
    expect(statusMessage(599)).toBe(statusMessage(500));
    expect(statusMessage(418)).toBe(statusMessage(400));
    expect(statusMessage(0)).toContain('연결');
  });

  it('parses an application/problem+json body', () => {
    const err = toApiError(
      422,
      'application/problem+json',
      JSON.stringify({
        type: 'https://greenmarket/problems/validation',
        title: 'Unprocessable Entity',
        status: 422,
        detail: 'Validation failed',
        errors: [
          { field: 'body.title', message: 'String should have at least 1 character' },
          { field: 'price', message: '가격은 0 이상이어야 합니다.' },
          { field: 'files[0]', message: 'too large' },
        ],
      }),
    );
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(422);
    expect(err.type).toBe('https://greenmarket/problems/validation');
    expect(err.userMessage()).toBe('입력한 내용을 다시 확인해 주세요.');
    const fields = err.fieldErrors();
    expect(fields.title).toContain('올바른 값을 입력해 주세요');
    expect(fields.title).toContain('at least 1 character');
    expect(fields.price).toBe('가격은 0 이상이어야 합니다.');
    expect(fields.files).toBeDefined();
  });

  it('prefers a Korean detail from the server, and page overrides over both', () => {
    const err = toApiError(409, 'application/problem+json', JSON.stringify({ status: 409, title: 'Conflict', detail: '이미 등록한 관심상품이 있습니다.' }));
    expect(err.userMessage()).toBe('이미 등록한 관심상품이 있습니다.');
    expect(err.userMessage({ 409: '이미 관심 표시한 상품입니다.' })).toBe('이미 관심 표시한 상품입니다.');
    const english = toApiError(409, 'application/problem+json', JSON.stringify({ status: 409, detail: 'article is SOLD' }));
    expect(english.userMessage()).toBe(statusMessage(409));
  });

  it('copes with non-JSON and broken bodies', () => {
    expect(toApiError(502, 'text/html', '<html>bad gateway</html>').userMessage()).toBe(statusMessage(502));
    expect(toApiError(500, 'application/json', '{not json').status).toBe(500);
    expect(errorMessage(new Error('boom'))).toBe(statusMessage(0));
  });

  it('normalizes field paths', () => {
    expect(normalizeField('body.email')).toBe('email');
    expect(normalizeField('files[3]')).toBe('files');
    expect(normalizeField('address1')).toBe('address1');
  });
});

describe('request()', () => {
  it('builds same-origin relative URLs and drops empty params', () => {
    expect(buildUrl('/api/products', { keyword: '화분', cursor: null, limit: 20, categoryId: undefined, status: '' })).toBe(
      '/api/products?keyword=%ED%99%94%EB%B6%84&limit=20',
    );
    expect(buildUrl('/api/x')).toBe('/api/x');
  });

  it('sends JSON with cookies and returns the parsed body', async () => {
    const fetchMock = vi.fn(async () => jsonResponse(200, { exists: true }));
    vi.stubGlobal('fetch', fetchMock);
    await expect(userApi.emailExists('a@b.co')).resolves.toBe(true);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/user/valid?email=a%40b.co');
    expect(init.credentials).toBe('same-origin');
  });

  it('returns undefined for 204', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(null, { status: 204 })));
    await expect(productApi.removeInterest(3)).resolves.toBeUndefined();
  });

  it('throws ApiError with field errors for a 422 problem', async () => {
    vi.stubGlobal('fetch', vi.fn(async () =>
      jsonResponse(422, { type: 'about:blank', title: 'Unprocessable', status: 422, detail: 'bad', errors: [{ field: 'email', message: 'invalid email' }] }, 'application/problem+json'),
    ));
    const err = await userApi.join({ email: 'x', password: 'p', nickname: 'n', address1: 'a', address2: 'b' }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(422);
    expect(err.fieldErrors().email).toContain('invalid email');
  });

  it('refreshes the session once on 401 and repeats the call', async () => {
    const calls: string[] = [];
    let authed = false;
    vi.stubGlobal('fetch', vi.fn(async (url: string, init?: RequestInit) => {
      calls.push(`${init?.method ?? 'GET'} ${url}`);
      if (url === '/api/user/refresh') {
        authed = true;
        return jsonResponse(200, { user: { id: 1 } });
      }
      return authed ? jsonResponse(200, { items: [], nextCursor: null }) : jsonResponse(401, { status: 401, title: 'Unauthorized' }, 'application/problem+json');
    }));
    await expect(productApi.interests({ limit: 20 })).resolves.toEqual({ items: [], nextCursor: null });
    expect(calls).toEqual(['GET /api/products/interests?limit=20', 'POST /api/user/refresh', 'GET /api/products/interests?limit=20']);
  });

  it('gives up after a refused refresh and tells the app the session is gone', async () => {
    const gone = vi.fn();
    setUnauthorizedHandler(gone);
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse(401, { status: 401, title: 'Unauthorized' }, 'application/problem+json')));
    const err = await request<never>('GET', '/api/chat/rooms').catch((e: ApiError) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(401);
    expect(err.userMessage()).toBe('로그인이 필요합니다.');
    expect(gone).toHaveBeenCalledTimes(1);
  });

  it('does not try to refresh a failed login', async () => {
    const fetchMock = vi.fn(async () => jsonResponse(401, { status: 401, detail: 'invalid credentials' }, 'application/problem+json'));
    vi.stubGlobal('fetch', fetchMock);
    const err = await userApi.login('a@b.co', 'wrong').catch((e) => e);
    expect(err.status).toBe(401);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('maps a network failure to status 0', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('Failed to fetch'); }));
    const err = await productApi.get(1).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(0);
    expect(errorMessage(err)).toContain('연결');
  });
});
