/**
 * The first thing the app runs (imported first by main.tsx, before antd and the pages evaluate):
 * with a session in the page's bootstrap, remember its CSRF token and start loading the current
 * page — the shell's and the page's code and the page's reads — while the rest of the app's first
 * script is still being evaluated. Without one, start loading the login page's code.
 */
import { setSession } from './api/client';
import { earlyGet } from './api/early';
import { readBootstrap } from './bootstrap';
import { preloadRoute } from './routes/preload';

const boot = readBootstrap();
/** Resolves when the code of the page being opened is here (main.tsx renders then: see below). */
export let bootCode: Promise<void> = Promise.resolve();
if (boot) {
  setSession(boot.me.csrfToken || null);
  bootCode = preloadRoute(window.location.pathname, window.location.search, boot.me.user);
  // The header's bell.
  void earlyGet('/notifications/unread-count');
} else if (window.location.pathname === '/login') {
  void import('./pages/LoginPage').catch(() => undefined);
}
