/**
 * The root: Ant Design in Simplified Chinese, the session, and the routes. The login page, the
 * signed-in shell and every page behind it load on demand; a page that came with a session in its
 * bootstrap (web/src/bootstrap.ts) starts signed in.
 */
import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { AuthProvider, useAuth } from './auth/AuthContext';
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
  return status === 'authenticated' ? (
    <Suspense fallback={null}>
      <ReauthDialog />
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
