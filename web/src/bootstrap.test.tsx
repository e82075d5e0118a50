// @vitest-environment jsdom
import './test/dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { jsonResponse } from './test/dom';

const coordinator = { username: 'coord', name: '李行管', role: 'coordinator', roleLabel: '县行管办', department: null };
const departments = { items: [{ code: 'scjgj', name: '县市场监管局', disabled: false }] };

/** A page as the server sends it to a signed-in request (server/web.ts). */
function putBootstrap(value: unknown) {
  const el = document.createElement('script');
  el.id = 'bcs-bootstrap';
  el.type = 'application/json';
  el.textContent = JSON.stringify(value);
  document.head.appendChild(el);
}

describe('a page that came with a session', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    vi.resetModules();
    fetchMock = vi.fn(async (url: string) =>
      url === '/api/v1/cases/todo'
        ? jsonResponse(200, { items: [{ kind: 'to_triage', label: '待受理', count: 2, query: 'status=received' }], overdue: 0, overdueQuery: 'overdue=true', dueSoon: 0, dueSoonWorkingDays: 1 })
        : url.startsWith('/api/v1/notifications/unread-count')
          ? jsonResponse(200, { count: 0 })
          : jsonResponse(200, { items: [], nextCursor: null }),
    );
    vi.stubGlobal('fetch', fetchMock);
    window.history.replaceState(null, '', '/');
  });
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
    vi.unstubAllGlobals();
    document.getElementById('bcs-bootstrap')?.remove();
    window.sessionStorage.clear();
    window.localStorage.clear();
  });

  it('starts signed in: no /auth/me, no departments read, the page data asked at once', async () => {
    // The clock stands still: jsdom takes seconds to load the lazy pages, a browser milliseconds,
    // and the early answers are only taken while fresh (web/src/api/early.ts).
    vi.useFakeTimers({ toFake: ['Date'] });
    putBootstrap({ me: { user: coordinator, csrfToken: 'csrf-boot' }, departments, settings: { dueSoonWorkingDays: 1 }, calendarYears: { items: [] } });
    await import('./boot');
    // The dashboard's reads started before React rendered anything.
    const first = fetchMock.mock.calls.map((c) => String(c[0]));
    // The list behind a to-do card does not wait for the counts.
    expect(first).toEqual(expect.arrayContaining(['/api/v1/cases/todo', '/api/v1/activity?limit=10', '/api/v1/cases?stageOverdue=true&limit=50', '/api/v1/cases?status=received&limit=8']));
    expect(window.sessionStorage.getItem('bcs.csrfToken')).toBe('csrf-boot');
    const { App } = await import('./App');
    render(<App />);
    expect(await screen.findByRole('heading', { level: 1, name: '工作台' }, { timeout: 10_000 })).toBeTruthy();
    expect(await screen.findByText(/^李行管 · /)).toBeTruthy();
    const urls = fetchMock.mock.calls.map((c) => String(c[0]));
    expect(urls).not.toContain('/api/v1/auth/me');
    expect(urls).not.toContain('/api/v1/departments');
    expect(urls).not.toContain('/api/v1/settings');
    // Each read once: the page took the early answers.
    expect(urls.filter((u) => u === '/api/v1/cases/todo')).toHaveLength(1);
    expect(urls.filter((u) => u === '/api/v1/activity?limit=10')).toHaveLength(1);
    expect(urls.filter((u) => u === '/api/v1/cases?status=received&limit=8')).toHaveLength(1);
    // The element is read once and removed.
    expect(document.getElementById('bcs-bootstrap')).toBeNull();
  });

  it('a broken or empty bootstrap is ignored (the session is then asked for as before)', async () => {
    putBootstrap({ me: null });
    const { readBootstrap } = await import('./bootstrap');
    expect(readBootstrap()).toBeNull();
    document.getElementById('bcs-bootstrap')?.remove();
    vi.resetModules();
    const el = document.createElement('script');
    el.id = 'bcs-bootstrap';
    el.type = 'application/json';
    el.textContent = '{not json';
    document.head.appendChild(el);
    expect((await import('./bootstrap')).readBootstrap()).toBeNull();
  });
});
