/**
 * Test factories: rows written directly where a test needs them but does not test how they come
 * about. Sessions are opened the way `login` (server/auth/session.service.ts) opens them — same
 * token, same session row, same user reset and the same `login` audit record — without the argon2
 * verify, which is what made logging in eight accounts per test database slow.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/database.js';
import { appendAudit, sm3Hex } from '../audit/audit.repository.js';
import { findUserByUsername } from '../users/user.repository.js';
import { getSettings } from '../settings/settings.repository.js';

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
  const at = now.toISOString();
  const settings = await getSettings(db);
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + settings.sessionIdleMinutes * 60_000).toISOString();
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
    await trx
      .insertInto('sessions')
      .values({ token_hash: sm3Hex(token), user_id: user.id, csrf_token: csrfToken, created_at: at, last_seen_at: at, expires_at: expiresAt })
      .execute();
    await appendAudit(trx, { at, actor: user.username, action: 'login', entityType: 'user', entityId: String(user.id), data: { ip: INJECT_IP } });
  });
  return { token, csrfToken, expiresAt };
}
