/**
 * Login, sessions and lockout. A session is a random bearer token (stored only as its SM3 hash)
 * with a CSRF token for cookie-authenticated writes; it ends after a period of inactivity.
 */
import { randomBytes } from 'node:crypto';
import type { Db, UserTable } from '../db/database.js';
import type { Selectable } from 'kysely';
import { fixedStatement } from '../db/plain-insert.js';
import { REF_VERSION_COLUMNS, refVersionsOf, type RefVersions } from '../db/ref-cache.js';
import { appendAudit, sm3Hex } from '../audit/audit.repository.js';
import { isPostgres } from '../db/dialect.js';
import { AppError } from '../errors.js';
import { dummyPasswordHash, verifyPassword } from './password.js';
import { findUserByUsername, toUser, type UserRecord } from '../users/user.repository.js';
import { getSettings, type Settings } from '../settings/settings.repository.js';
import { isPasswordExpired } from '../../core/passwords.js';
import { unseal } from '../security/pii.js';
import { looksLikeRecoveryCode, matchTotp, recoveryCodeHash } from './totp.js';
import { parseEvents } from '../users/user.repository.js';

/**
 * What a session may do before it does anything else: change the password (set by an
 * administrator, or expired), or set up the second factor (its role is in totpRequiredRoles).
 */
export type SessionRestriction = 'password' | 'totp_setup';

/** The restriction a new session of this user starts with (the password first, then the second factor). */
export function restrictionFor(user: Pick<UserRecord, 'role' | 'mustChangePassword' | 'passwordChangedAt' | 'totpEnabled'>, settings: Settings, now: Date): SessionRestriction | null {
  if (user.mustChangePassword || isPasswordExpired(user.passwordChangedAt, settings.passwordMaxAgeDays, now)) return 'password';
  if (!user.totpEnabled && settings.totpRequiredRoles.includes(user.role)) return 'totp_setup';
  return null;
}

export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;
/** last_seen_at is written at most this often, so reads do not turn into writes. */
const TOUCH_INTERVAL_MS = 60_000;

export interface LoginResult {
  token: string;
  csrfToken: string;
  user: UserRecord;
  expiresAt: string;
  restriction: SessionRestriction | null;
}

/**
 * One answer for an unknown user, a wrong password and a locked account (issue 16: the login form
 * never says whether a user exists — only existing accounts lock, so "locked" would tell).
 */
const INVALID = () => new AppError('UNAUTHENTICATED', `用户名或密码错误（连续输错 ${MAX_FAILED_LOGINS} 次，账号将锁定 ${LOCK_MINUTES} 分钟）`);

/** The 401 when the password was right but the second factor is missing: the form then asks for it. */
const TOTP_NEEDED = () => new AppError('UNAUTHENTICATED', '请输入动态口令', [{ field: 'totp', message: '请输入动态口令（6 位数字）或一个恢复码' }]);

export async function login(db: Db, username: string, password: string, now: Date, ip: string, totp?: string): Promise<LoginResult> {
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
  let viaRecoveryCode = false;
  if (user.totpEnabled) {
    if (!totp) {
      // The first step of a two-step form: not a failure to count, but recorded.
      await db.transaction().execute((trx) =>
        appendAudit(trx, { at, actor: user.username, action: 'login_failed', entityType: 'user', entityId: String(user.id), data: { reason: 'totp_missing', ip } }),
      );
      throw TOTP_NEEDED();
    }
    const accepted = await acceptSecondFactor(db, user.id, totp, now);
    if (!accepted) {
      const failed = user.failedLogins + 1;
      const lock = failed >= MAX_FAILED_LOGINS;
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('users')
          .set({ failed_logins: lock ? 0 : failed, locked_until: lock ? new Date(now.getTime() + LOCK_MINUTES * 60_000).toISOString() : user.lockedUntil })
          .where('id', '=', user.id)
          .execute();
        await appendAudit(trx, { at, actor: user.username, action: lock ? 'account_locked' : 'login_failed', entityType: 'user', entityId: String(user.id), data: { reason: 'bad_totp', failed, ip } });
      });
      if (lock) throw new AppError('UNAUTHENTICATED', `密码或动态口令连续错误 ${MAX_FAILED_LOGINS} 次，账号已锁定 ${LOCK_MINUTES} 分钟`);
      throw new AppError('UNAUTHENTICATED', '动态口令错误或已使用，请输入新的动态口令', [{ field: 'totp', message: '动态口令错误或已使用' }]);
    }
    viaRecoveryCode = accepted === 'recovery';
  }
  return { ...(await openSession(db, user, now, ip, viaRecoveryCode ? { recoveryCode: true } : {})), user };
}

/**
 * Checks a second factor and uses it up, in one transaction that holds the user's row: a TOTP code
 * of a step after the last accepted one (the step is then stored), or an unused recovery code
 * (then removed). Returns how it was accepted, or null.
 */
async function acceptSecondFactor(db: Db, userId: number, code: string, now: Date): Promise<'totp' | 'recovery' | null> {
  return db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('users').select(['totp_secret', 'totp_last_step', 'totp_recovery']).where('id', '=', userId);
    if (isPostgres(trx)) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (!row?.totp_secret) return null;
    const text = code.trim();
    if (looksLikeRecoveryCode(text)) {
      const left = parseEvents(row.totp_recovery) ?? [];
      const h = recoveryCodeHash(text);
      if (!left.includes(h)) return null;
      await trx.updateTable('users').set({ totp_recovery: JSON.stringify(left.filter((x) => x !== h)) }).where('id', '=', userId).execute();
      return 'recovery';
    }
    const step = matchTotp(unseal(row.totp_secret), text, now, row.totp_last_step === null ? null : Number(row.totp_last_step));
    if (step === null) return null;
    await trx.updateTable('users').set({ totp_last_step: step }).where('id', '=', userId).execute();
    return 'totp';
  });
}

/**
 * Opens a session for a user whose credentials were checked: resets the failed logins, stores the
 * token's SM3 hash with a sliding idle expiry, and audits the login — one transaction.
 */
export async function openSession(
  db: Db,
  user: Pick<UserRecord, 'id' | 'username' | 'role' | 'mustChangePassword' | 'passwordChangedAt' | 'totpEnabled'>,
  now: Date,
  ip: string,
  how: { recoveryCode?: boolean } = {},
): Promise<{ token: string; csrfToken: string; expiresAt: string; restriction: SessionRestriction | null }> {
  const at = now.toISOString();
  const settings = await getSettings(db);
  const restriction = restrictionFor(user, settings, now);
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + settings.sessionIdleMinutes * 60_000).toISOString();
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
    await trx
      .insertInto('sessions')
      .values({ token_hash: sm3Hex(token), user_id: user.id, csrf_token: csrfToken, created_at: at, last_seen_at: at, expires_at: expiresAt, restriction })
      .execute();
    await appendAudit(trx, {
      at,
      actor: user.username,
      action: 'login',
      entityType: 'user',
      entityId: String(user.id),
      data: { ip, ...(user.totpEnabled ? { secondFactor: how.recoveryCode ? 'recovery_code' : 'totp' } : {}), ...(restriction ? { restriction } : {}) },
    });
  });
  return { token, csrfToken, expiresAt, restriction };
}

export interface SessionInfo {
  user: UserRecord;
  csrfToken: string;
  tokenHash: string;
  /** What the session must do before anything else, or null. */
  restriction: SessionRestriction | null;
  /** The reference data's change counters, read with the session at the request's start. */
  refVersions: RefVersions;
}

/**
 * The account and its session (written as text once: kysely built it again on every request), with
 * the reference data's change counters (ref cache): a request's reference reads then need no round
 * trip of their own.
 */
const SESSION_READ =
  `select "users".*, "sessions"."expires_at" as "s_expires_at", "sessions"."last_seen_at" as "s_last_seen_at", "sessions"."csrf_token" as "s_csrf_token", "sessions"."restriction" as "s_restriction", ${REF_VERSION_COLUMNS} from "sessions" inner join "users" on "users"."id" = "sessions"."user_id" where "sessions"."token_hash" = ?`;
type SessionRow = Selectable<UserTable> & { s_expires_at: string; s_last_seen_at: string; s_csrf_token: string; s_restriction: string | null };

/** Resolves a token to its live session (sliding expiry), or null. */
export async function authenticate(db: Db, token: string, now: Date): Promise<SessionInfo | null> {
  if (!token || token.length > 200) return null;
  const tokenHash = sm3Hex(token);
  // The session and its account in one read (every authenticated request makes it).
  const [s] = (await db.executeQuery<SessionRow>(fixedStatement(db, SESSION_READ, [tokenHash]))).rows;
  if (!s) return null;
  if (Date.parse(s.s_expires_at) <= now.getTime()) {
    await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
    return null;
  }
  const user = toUser(s);
  if (user.disabled) return null;
  const refVersions = refVersionsOf(s);
  if (now.getTime() - Date.parse(s.s_last_seen_at) > TOUCH_INTERVAL_MS) {
    const settings = await getSettings(db, refVersions);
    await db
      .updateTable('sessions')
      .set({ last_seen_at: now.toISOString(), expires_at: new Date(now.getTime() + settings.sessionIdleMinutes * 60_000).toISOString() })
      .where('token_hash', '=', tokenHash)
      .execute();
  }
  return { user, csrfToken: s.s_csrf_token, tokenHash, restriction: (s.s_restriction as SessionRestriction | null) ?? null, refVersions };
}

export async function logout(db: Db, tokenHash: string, user: UserRecord, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
    await appendAudit(trx, { at: now.toISOString(), actor: user.username, action: 'logout', entityType: 'user', entityId: String(user.id), data: {} });
  });
}
