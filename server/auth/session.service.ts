/**
 * Login, sessions and lockout. A session is a random bearer token (stored only as its SM3 hash)
 * with a CSRF token for cookie-authenticated writes; it ends after a period of inactivity.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/database.js';
import { appendAudit, sm3Hex } from '../audit/audit.repository.js';
import { AppError } from '../errors.js';
import { dummyPasswordHash, verifyPassword } from './password.js';
import { findUserById, findUserByUsername, type UserRecord } from '../users/user.repository.js';
import { getSettings } from '../settings/settings.repository.js';

export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;
/** last_seen_at is written at most this often, so reads do not turn into writes. */
const TOUCH_INTERVAL_MS = 60_000;

export interface LoginResult {
  token: string;
  csrfToken: string;
  user: UserRecord;
  expiresAt: string;
}

/**
 * One answer for an unknown user, a wrong password and a locked account (issue 16: the login form
 * never says whether a user exists — only existing accounts lock, so "locked" would tell).
 */
const INVALID = () => new AppError('UNAUTHENTICATED', `用户名或密码错误（连续输错 ${MAX_FAILED_LOGINS} 次，账号将锁定 ${LOCK_MINUTES} 分钟）`);

export async function login(db: Db, username: string, password: string, now: Date, ip: string): Promise<LoginResult> {
  const found = await findUserByUsername(db, username);
  const at = now.toISOString();
  if (!found) {
    await verifyPassword(await dummyPasswordHash(), password);
    await db.transaction().execute((trx) =>
      appendAudit(trx, { at, actor: username.slice(0, 64), action: 'login_failed', entityType: 'user', entityId: null, data: { reason: 'unknown_user', ip } }),
    );
    throw INVALID();
  }
  const { user, passwordHash } = found;
  if (user.lockedUntil && Date.parse(user.lockedUntil) > now.getTime()) {
    await db.transaction().execute((trx) =>
      appendAudit(trx, { at, actor: user.username, action: 'login_failed', entityType: 'user', entityId: String(user.id), data: { reason: 'locked', ip } }),
    );
    // As long as a password check, as an unknown user's answer takes.
    await verifyPassword(await dummyPasswordHash(), password);
    throw INVALID();
  }
  const good = await verifyPassword(passwordHash, password);
  if (!good || user.disabled) {
    const failed = user.failedLogins + 1;
    const lock = failed >= MAX_FAILED_LOGINS;
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({
          failed_logins: lock ? 0 : failed,
          locked_until: lock ? new Date(now.getTime() + LOCK_MINUTES * 60_000).toISOString() : user.lockedUntil,
        })
        .where('id', '=', user.id)
        .execute();
      await appendAudit(trx, {
        at,
        actor: user.username,
        action: lock ? 'account_locked' : 'login_failed',
        entityType: 'user',
        entityId: String(user.id),
        data: { reason: user.disabled ? 'disabled' : 'bad_password', failed, ip },
      });
    });
    if (user.disabled && good) throw new AppError('UNAUTHENTICATED', '该账号已停用，请联系系统管理员');
    throw INVALID();
  }
  return { ...(await openSession(db, user, now, ip)), user };
}

/**
 * Opens a session for a user whose credentials were checked: resets the failed logins, stores the
 * token's SM3 hash with a sliding idle expiry, and audits the login — one transaction.
 */
export async function openSession(db: Db, user: Pick<UserRecord, 'id' | 'username'>, now: Date, ip: string): Promise<{ token: string; csrfToken: string; expiresAt: string }> {
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
    await appendAudit(trx, { at, actor: user.username, action: 'login', entityType: 'user', entityId: String(user.id), data: { ip } });
  });
  return { token, csrfToken, expiresAt };
}

export interface SessionInfo {
  user: UserRecord;
  csrfToken: string;
  tokenHash: string;
}

/** Resolves a token to its live session (sliding expiry), or null. */
export async function authenticate(db: Db, token: string, now: Date): Promise<SessionInfo | null> {
  if (!token || token.length > 200) return null;
  const tokenHash = sm3Hex(token);
  const s = await db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  if (!s) return null;
  if (Date.parse(s.expires_at) <= now.getTime()) {
    await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
    return null;
  }
  const user = await findUserById(db, s.user_id);
  if (!user || user.disabled) return null;
  if (now.getTime() - Date.parse(s.last_seen_at) > TOUCH_INTERVAL_MS) {
    const settings = await getSettings(db);
    await db
      .updateTable('sessions')
      .set({ last_seen_at: now.toISOString(), expires_at: new Date(now.getTime() + settings.sessionIdleMinutes * 60_000).toISOString() })
      .where('token_hash', '=', tokenHash)
      .execute();
  }
  return { user, csrfToken: s.csrf_token, tokenHash };
}

export async function logout(db: Db, tokenHash: string, user: UserRecord, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
    await appendAudit(trx, { at: now.toISOString(), actor: user.username, action: 'logout', entityType: 'user', entityId: String(user.id), data: {} });
  });
}
