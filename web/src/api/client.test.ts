// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, hasSessionHint, onUnauthorized, setSession, toQuery } from './client';
import { jsonResponse } from '../test/dom';

describe('the API client', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    setSession(null);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    onUnauthorized(null);
    setSession(null);
  });

  it('sends the CSRF token with every write, never with a read, and keeps it in sessionStorage', async () => {
    setSession('csrf-123');
    expect(window.sessionStorage.getItem('bcs.csrfToken')).toBe('csrf-123');
    expect(hasSessionHint()).toBe(true);
    fetchMock.mockImplementation(async () => jsonResponse(200, { ok: true }));
    await api('/cases');
    await api('/cases/1/actions/sign', { body: { version: 1 } });
    const [readUrl, read] = fetchMock.mock.calls[0] as [string, RequestInit];
    const [, write] = fetchMock.mock.calls[1] as [string, RequestInit];
    expect(readUrl).toBe('/api/v1/cases');
    expect(read.credentials).toBe('same-origin');
    expect((read.headers as Record<string, string>)['X-CSRF-Token']).toBeUndefined();
    expect(write.method).toBe('POST');
    expect((write.headers as Record<string, string>)['X-CSRF-Token']).toBe('csrf-123');
  });

  it('turns an error answer into an ApiError with the Chinese message and field details', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(400, { error: { code: 'VALIDATION', message: '输入有误', details: [{ field: 'reporter.phone', message: '联系电话格式不正确' }] } }),
    );
    const e = await api('/cases', { body: {} }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 400, code: 'VALIDATION', message: '输入有误', details: [{ field: 'reporter.phone', message: '联系电话格式不正确' }] });
  });

  it('ends the session on a 401, except where asked not to', async () => {
    const expired = vi.fn();
    onUnauthorized(expired);
    fetchMock.mockImplementation(async () => jsonResponse(401, { error: { code: 'UNAUTHENTICATED', message: '登录已过期，请重新登录' } }));
    await expect(api('/auth/login', { body: {}, noAuthRedirect: true })).rejects.toBeInstanceOf(ApiError);
    expect(expired).not.toHaveBeenCalled();
    await expect(api('/cases')).rejects.toMatchObject({ status: 401 });
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('reports a lost connection in Chinese', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    await expect(api('/cases')).rejects.toMatchObject({ status: 0, message: '无法连接服务器，请检查网络后重试' });
  });

  it('leaves empty filters out of a query string', () => {
    expect(toQuery({ status: 'received,accepted', level: undefined, q: '', overdue: false, limit: 50 })).toBe('?status=received%2Caccepted&limit=50');
    expect(toQuery({})).toBe('');
  });
});
