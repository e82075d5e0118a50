/**
 * One's own credentials (修改密码, 动态口令) and the 安全管理员's work on others' (解锁, 重置动态口令).
 * Each command is one transaction ending with its audit record.
 */
import type { Actor } from '../../core/case-lifecycle.js';
import type { AppContext } from '../context.js';
import { appendAudit } from '../audit/audit.repository.js';
import { AppError, validation } from '../errors.js';
import { hashPassword, verifyPassword } from './password.js';
import { findUserById, findUserByUsername, updateUser, type UserRecord } from '../users/user.repository.js';
import { getSettings } from '../settings/settings.repository.js';
import { seal, unseal } from '../security/pii.js';
import { matchTotp, newRecoveryCodes, newTotpSecret, recoveryCodeHash, totpUrl } from './totp.js';
import { restrictionFor, type SessionInfo } from './session.service.js';

type Who = Pick<Actor, 'userId' | 'username'>;

/**
 * Changes one's own password: the current one must be right (else 400), the new one follows the
 * rule (checked by the schema). Clears a forced change; the user's other sessions end; this
 * session goes on, restricted now only if the second factor is still to be set up.
 */
export async function changeOwnPassword(ctx: AppContext, session: SessionInfo, currentPassword: string, newPassword: string): Promise<void> {
  const found = await findUserByUsername(ctx.db, session.user.username);
  if (!found) throw new AppError('UNAUTHENTICATED', '登录已过期，请重新登录');
  const now = ctx.clock.now();
  const at = now.toISOString();
  if (!(await verifyPassword(found.passwordHash, currentPassword))) {
    await ctx.db.transaction().execute((trx) =>
      appendAudit(trx, { at, actor: found.user.username, action: 'password.change_failed', entityType: 'user', entityId: String(found.user.id), data: { reason: 'bad_current_password' } }),
    );
    throw validation([{ field: 'currentPassword', message: '当前密码不正确' }], '当前密码不正确');
  }
  if (currentPassword === newPassword) throw validation([{ field: 'newPassword', message: '新密码不能与当前密码相同' }], '新密码不能与当前密码相同');
  const passwordHash = await hashPassword(newPassword);
  const settings = await getSettings(ctx.db);
  const after = restrictionFor({ ...found.user, mustChangePassword: false, passwordChangedAt: at }, settings, now);
  await ctx.db.transaction().execute(async (trx) => {
    await updateUser(trx, found.user.id, { passwordHash, mustChangePassword: false, at });
    await trx.deleteFrom('sessions').where('user_id', '=', found.user.id).where('token_hash', '!=', session.tokenHash).execute();
    await trx.updateTable('sessions').set({ restriction: after }).where('token_hash', '=', session.tokenHash).execute();
    await appendAudit(trx, { at, actor: found.user.username, action: 'password.change', entityType: 'user', entityId: String(found.user.id), data: { forced: session.restriction === 'password' } });
  });
}

/** Starts setting up TOTP: a new secret, pending until a code confirms it. 409 when TOTP is on already. */
export async function setUpTotp(ctx: AppContext, user: UserRecord): Promise<{ secret: string; otpauthUrl: string }> {
  if (user.totpEnabled) throw new AppError('CONFLICT', '已启用动态口令；如需更换（如手机丢失），请联系安全管理员重置');
  const secret = newTotpSecret();
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ totp_pending: seal(secret) }).where('id', '=', user.id).execute();
    await appendAudit(trx, { at, actor: user.username, action: 'totp.setup', entityType: 'user', entityId: String(user.id), data: {} });
  });
  return { secret, otpauthUrl: totpUrl(secret, user.username) };
}

/**
 * Confirms the pending secret with a code from the app (wrong → 400): TOTP is on from now, the
 * code's step counts as used, and the recovery codes are made — returned this once, stored hashed.
 */
export async function enableTotp(ctx: AppContext, session: SessionInfo, code: string): Promise<{ recoveryCodes: string[] }> {
  const user = session.user;
  const row = await ctx.db.selectFrom('users').select(['totp_secret', 'totp_pending']).where('id', '=', user.id).executeTakeFirst();
  if (row?.totp_secret) throw new AppError('CONFLICT', '已启用动态口令');
  if (!row?.totp_pending) throw validation([{ field: 'code', message: '请先获取动态口令密钥（设置动态口令）' }], '请先获取动态口令密钥');
  const now = ctx.clock.now();
  const secret = unseal(row.totp_pending);
  const step = matchTotp(secret, code, now, null);
  if (step === null) throw validation([{ field: 'code', message: '动态口令不正确，请输入手机上显示的 6 位数字' }], '动态口令不正确');
  const recoveryCodes = newRecoveryCodes();
  const at = now.toISOString();
  const settings = await getSettings(ctx.db);
  const fresh = (await findUserById(ctx.db, user.id))!;
  const after = session.restriction === 'password' ? 'password' : restrictionFor({ ...fresh, totpEnabled: true }, settings, now);
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ totp_secret: row.totp_pending, totp_pending: null, totp_last_step: step, totp_recovery: JSON.stringify(recoveryCodes.map(recoveryCodeHash)) })
      .where('id', '=', user.id)
      .execute();
    await trx.updateTable('sessions').set({ restriction: after }).where('token_hash', '=', session.tokenHash).execute();
    await appendAudit(trx, { at, actor: user.username, action: 'totp.enable', entityType: 'user', entityId: String(user.id), data: { recoveryCodes: recoveryCodes.length } });
  });
  return { recoveryCodes };
}

/** 安全管理员: turns a user's TOTP off (a lost phone); the user sets it up again at the next login when required. */
export async function resetTotp(ctx: AppContext, user: UserRecord, actor: Who): Promise<void> {
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ totp_secret: null, totp_pending: null, totp_last_step: null, totp_recovery: null }).where('id', '=', user.id).execute();
    await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
    await appendAudit(trx, { at, actor: actor.username, action: 'user.totp_reset', entityType: 'user', entityId: String(user.id), data: { username: user.username, wasEnabled: user.totpEnabled } });
  });
}

/** 安全管理员: lifts a lock after failed logins. */
export async function unlockUser(ctx: AppContext, user: UserRecord, actor: Who): Promise<void> {
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
    await appendAudit(trx, { at, actor: actor.username, action: 'user.unlock', entityType: 'user', entityId: String(user.id), data: { username: user.username } });
  });
}
