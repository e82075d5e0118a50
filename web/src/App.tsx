/**
 * The root: Ant Design in Simplified Chinese, the session, and the routes. The login page, the
 * signed-in shell and every page behind it load on demand; a page that came with a session in its
 * bootstrap (web/src/bootstrap.ts) starts signed in.
 */
import { lazy, Suspense, useEffect, useRef, useState, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { AuthProvider, useAuth } from './auth/AuthContext';
import { onReauthenticate } from './api/client';
import { FullPageLoading } from './components/FullPageLoading';
import { AntdHashProvider } from './components/LiteTag';
import { theme } from './theme';
import { readBootstrap } from './bootstrap';
import { shellPage } from './routes/pages';

const AppShell = shellPage.Component;
// Signing in again over the page when the session expired (loaded only once signed in).
const ReauthDialog = lazy(() => import('./auth/ReauthDialog'));

function Reauth() {
  const { status } = useAuth();
  // The dialog's code (a form, antd's Modal and inputs) loads once the page has settled, not while
  // it is being shown (issue 11: page time); a 401 before then loads it at once and asks through it.
  const [load, setLoad] = useState(false);
  const waiting = useRef<((ok: boolean) => void) | null>(null);
  useEffect(() => {
    if (status !== 'authenticated') {
      if (!load) onReauthenticate(null);
      return;
    }
    if (load) return;
    onReauthenticate(
      () =>
        new Promise<boolean>((resolve) => {
          waiting.current = resolve;
          setLoad(true);
        }),
    );
    const t = window.setTimeout(() => setLoad(true), 2000);
    return () => window.clearTimeout(t);
  }, [status, load]);
  return status === 'authenticated' && load ? (
    <Suspense fallback={null}>
      <ReauthDialog
        onReady={(ask) => {
          const w = waiting.current;
          waiting.current = null;
          if (w) ask().then(w, () => w(false));
        }}
      />
    </Suspense>
  ) : null;
}

const LoginPage = lazy(() => import('./pages/LoginPage').then((m) => ({ default: m.LoginPage })));
const CredentialsGate = lazy(() => import('./pages/CredentialsGate'));

function RequireAuth({ children }: { children: ReactNode }) {
  const { status, loggedOut, pending } = useAuth();
  const location = useLocation();
  if (status === 'checking') return <FullPageLoading />;
  if (status === 'anonymous') {
    // A link opened without a session, or an expired session: come back to the same page after
    // logging in. After logging out, the next login starts afresh.
    const next = location.pathname + location.search;
    return <Navigate to={!loggedOut && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login'} replace />;
  }
  // A password to change or a second factor to set up first: nothing else until then.
  if (pending)
    return (
      <Suspense fallback={<FullPageLoading />}>
        <CredentialsGate />
      </Suspense>
    );
  return <>{children}</>;
}

export function App() {
  return (
    <ConfigProvider locale={zhCN} theme={theme} button={{ autoInsertSpace: false }}>
      <AntdHashProvider>
      <AuthProvider
        initialUser={readBootstrap()?.me.user ?? null}
        initialPending={readBootstrap()?.me.mustChangePassword ? 'password' : readBootstrap()?.me.totpSetupRequired ? 'totp_setup' : null}
      >
        <Reauth />
        <BrowserRouter>
          <Routes>
            <Route
              path="/login"
              element={
                <Suspense fallback={<FullPageLoading />}>
                  <LoginPage />
                </Suspense>
              }
            />
            <Route
              path="/*"
              element={
                <RequireAuth>
                  <Suspense fallback={<FullPageLoading />}>
                    <AppShell />
                  </Suspense>
                </RequireAuth>
              }
            />
          </Routes>
        </BrowserRouter>
      </AuthProvider>
      </AntdHashProvider>
    </ConfigProvider>
  );
}
