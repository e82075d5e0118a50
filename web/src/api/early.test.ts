// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, setSession } from './client';
import { clearEarly, EARLY_MAX_AGE_MS, earlyGet } from './early';
import { jsonResponse } from '../test/dom';

describe('reads started early', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    fetchMock = vi.fn(async (url: string) => jsonResponse(200, { url, n: fetchMock.mock.calls.length }));
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => {
    clearEarly();
    vi.useRealTimers();
    vi.unstubAllGlobals();
    setSession(null);
  });

  it('the page takes the answer already on its way instead of asking again, once', async () => {
    const early = earlyGet<{ url: string }>('/cases/todo');
    // Asked again before the page: still one request.
    void earlyGet('/cases/todo');
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect((await early)?.url).toBe('/api/v1/cases/todo');
    expect(await api<{ n: number }>('/cases/todo')).toEqual({ url: '/api/v1/cases/todo', n: 1 });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    // Used up: the next read asks the server.
    expect(await api<{ n: number }>('/cases/todo')).toEqual({ url: '/api/v1/cases/todo', n: 2 });
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('only the same path is taken', async () => {
    void earlyGet('/cases?limit=50');
    await api('/cases?limit=50&sort=due');
    expect(fetchMock.mock.calls.map((c) => c[0])).toEqual(['/api/v1/cases?limit=50', '/api/v1/cases?limit=50&sort=due']);
  });

  it('an answer older than the limit is not used', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    void earlyGet('/cases/7');
    vi.setSystemTime(Date.now() + EARLY_MAX_AGE_MS + 1);
    await api('/cases/7');
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('a write, or another session, throws the early reads away', async () => {
    setSession('csrf-1');
    void earlyGet('/cases/7');
    await api('/cases/7/actions/urge', { body: { version: 1 } });
    await api('/cases/7');
    expect(fetchMock.mock.calls.map((c) => c[0])).toEqual(['/api/v1/cases/7', '/api/v1/cases/7/actions/urge', '/api/v1/cases/7']);
    void earlyGet('/cases/8');
    setSession('csrf-2');
    await api('/cases/8');
    expect(fetchMock).toHaveBeenCalledTimes(5);
  });

  it('an early read that failed answers null, and the page gets the error from its own request', async () => {
    fetchMock.mockImplementation(async () => jsonResponse(404, { error: { code: 'NOT_FOUND', message: '未找到该反映件' } }));
    expect(await earlyGet('/cases/9')).toBeNull();
    await expect(api('/cases/9')).rejects.toMatchObject({ status: 404, message: '未找到该反映件' });
  });
});
