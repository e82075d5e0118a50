/**
 * Test factories: rows written directly where a test needs them but does not test how they come
 * about. Sessions are opened by the same `openSession` a login uses (server/auth/session.service.ts) —
 * same token, session row, user reset and `login` audit record — without the argon2 verify, which is what made logging in eight accounts per test database slow.
 */
import type { Db } from '../db/database.js';
import { findUserByUsername } from '../users/user.repository.js';
import { openSession } from '../auth/session.service.js';

/**
 * argon2id hash of the harness PASSWORD ('Passw0rd!2026'), made once with the parameters of
 * hashPassword (server/auth/password.ts), so seeding users hashes nothing and a real login with
 * PASSWORD still succeeds.
 */
export const PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$9BYqTybw6QHiZ1FF7OXXcw$FzoDlNXwe6YopmGhPmij0Q1GGHKO1gH3gIMyLntKsu0';

/** The address `app.inject` requests come from (what a login through the API audits). */
const INJECT_IP = '127.0.0.1';

export interface OpenedSession {
  token: string;
  csrfToken: string;
  expiresAt: string;
}

/**
 * Opens a session for `username` as a successful login would, or returns null when a login with
 * PASSWORD would not simply succeed (unknown, disabled or locked account, or a password changed
 * since seeding) — the caller then logs in through the API, which gives the real answer.
 */
export async function openSessionDirect(db: Db, username: string, now: Date): Promise<OpenedSession | null> {
  const found = await findUserByUsername(db, username);
  if (!found) return null;
  const { user, passwordHash } = found;
  if (passwordHash !== PASSWORD_HASH || user.disabled) return null;
  if (user.lockedUntil && Date.parse(user.lockedUntil) > now.getTime()) return null;
  return openSession(db, user, now, INJECT_IP);
}
