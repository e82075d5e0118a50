/**
 * The session in the browser: who is signed in, restoring the session on reload (/auth/me),
 * logging in and out, and sending the user back to the login page on any 401.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, hasSessionHint, onUnauthorized, setSession } from '../api/client';
import type { LoginAnswer, MeAnswer, SessionUser } from '../api/types';

export const EXPIRED_MESSAGE = '登录已过期，请重新登录';

type Status = 'checking' | 'anonymous' | 'authenticated';
/** What a signed-in session must do before anything else (server: sessions.restriction). */
export type Pending = 'password' | 'totp_setup' | null;
const pendingOf = (a: { mustChangePassword?: boolean; totpSetupRequired?: boolean } | null | undefined): Pending =>
  a?.mustChangePassword ? 'password' : a?.totpSetupRequired ? 'totp_setup' : null;

interface AuthState {
  status: Status;
  user: SessionUser | null;
  /** Why the user is on the login page (an expired session), shown there once. */
  notice: string | null;
  /** True after the user logged out in this tab (the next login starts at the workbench). */
  loggedOut: boolean;
  /** The forced password change or second-factor set-up still to do, or null. */
  pending: Pending;
  /** After the change or set-up: asks the server what is left. */
  refreshPending(): Promise<void>;
  login(username: string, password: string, totp?: string): Promise<SessionUser>;
  logout(): Promise<void>;
  clearNotice(): void;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children, initialUser = null, initialPending = null }: { children: ReactNode; initialUser?: SessionUser | null; initialPending?: Pending }) {
  const [pending, setPending] = useState<Pending>(initialPending);
  const [status, setStatus] = useState<Status>(initialUser ? 'authenticated' : hasSessionHint() ? 'checking' : 'anonymous');
  const [user, setUser] = useState<SessionUser | null>(initialUser);
  const [notice, setNotice] = useState<string | null>(null);
  const [loggedOut, setLoggedOut] = useState(false);

  useEffect(() => {
    onUnauthorized(() => {
      setSession(null);
      setUser(null);
      setStatus('anonymous');
      setNotice(EXPIRED_MESSAGE);
    });
    return () => onUnauthorized(null);
  }, []);

  useEffect(() => {
    if (status !== 'checking') return;
    let cancelled = false;
    api<MeAnswer>('/auth/me', { noAuthRedirect: true })
      .then((me) => {
        if (cancelled) return;
        setSession(me.csrfToken);
        setUser(me.user);
        setPending(pendingOf(me));
        setStatus('authenticated');
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        setSession(null);
        setStatus('anonymous');
        if (e instanceof ApiError && e.status === 401) setNotice(EXPIRED_MESSAGE);
        else if (e instanceof ApiError) setNotice(e.message);
      });
    return () => {
      cancelled = true;
    };
  }, [status]);

  const login = useCallback(async (username: string, password: string, totp?: string) => {
    const attempt = () => api<LoginAnswer>('/auth/login', { body: { username, password, ...(totp ? { totp } : {}) }, noAuthRedirect: true });
    let r: LoginAnswer;
    try {
      r = await attempt();
    } catch (e) {
      // A still-valid cookie of an earlier session without its CSRF token in this tab: end that
      // session first, then sign in again.
      if (e instanceof ApiError && e.status === 403) {
        const me = await api<MeAnswer>('/auth/me', { noAuthRedirect: true });
        setSession(me.csrfToken);
        await api('/auth/logout', { method: 'POST', body: {}, noAuthRedirect: true }).catch(() => undefined);
        setSession(null);
        r = await attempt();
      } else throw e;
    }
    setSession(r.csrfToken);
    setUser(r.user);
    setPending(pendingOf(r));
    setNotice(null);
    setLoggedOut(false);
    setStatus('authenticated');
    return r.user;
  }, []);

  const logout = useCallback(async () => {
    try {
      await api('/auth/logout', { method: 'POST', body: {}, noAuthRedirect: true });
    } catch {
      /* the session is ended locally whatever the server says */
    }
    setSession(null);
    setUser(null);
    setNotice(null);
    setLoggedOut(true);
    setStatus('anonymous');
  }, []);

  const clearNotice = useCallback(() => setNotice(null), []);
  const refreshPending = useCallback(async () => {
    const me = await api<MeAnswer>('/auth/me');
    setPending(pendingOf(me));
  }, []);

  const value = useMemo<AuthState>(
    () => ({ status, user, notice, loggedOut, pending, refreshPending, login, logout, clearNotice }),
    [status, user, notice, loggedOut, pending, refreshPending, login, logout, clearNotice],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}

/** The signed-in user (inside the authenticated shell). */
export function useUser(): SessionUser {
  const { user } = useAuth();
  if (!user) throw new Error('useUser without a session');
  return user;
}

/** The signed-in user, or null (outside the provider, e.g. a page rendered alone in a test). */
export function useOptionalUser(): SessionUser | null {
  return useContext(AuthContext)?.user ?? null;
}
