/**
 * Administration commands: departments, users, settings. Each is one transaction ending with its
 * audit record; validation that needs the database happens before it.
 */
import type { z } from 'zod';
import type { ZDepartmentCreate, ZDepartmentUpdate, ZUserCreate, ZUserUpdate } from '../../core/api/schemas.js';
import type { Actor } from '../../core/case-lifecycle.js';
import { can } from '../../core/permissions.js';
import { ROLE_LABELS, type Channel, type Role } from '../../core/domain.js';
import { maskPhone } from '../../core/validation.js';
import type { AppContext } from '../context.js';
import { AppError, notFound, validation } from '../errors.js';
import { appendAudit } from '../audit/audit.repository.js';
import { hashPassword } from '../auth/password.js';
import { putSettings, type Settings } from '../settings/settings.repository.js';
import {
  deleteUserSessions,
  findDepartment,
  findUserById,
  insertDepartment,
  insertUser,
  isUniqueViolation,
  updateDepartment,
  updateUser,
  type UserRecord,
} from './user.repository.js';

type Who = Pick<Actor, 'userId' | 'username'>;

export async function addDepartment(ctx: AppContext, body: z.infer<typeof ZDepartmentCreate>, actor: Who): Promise<void> {
  const at = ctx.clock.now().toISOString();
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await insertDepartment(trx, { code: body.code, name: body.name, at });
      await appendAudit(trx, { at, actor: actor.username, action: 'department.add', entityType: 'department', entityId: body.code, data: body });
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError('CONFLICT', `部门代码“${body.code}”已存在`);
    throw e;
  }
}

export async function changeDepartment(ctx: AppContext, code: string, body: z.infer<typeof ZDepartmentUpdate>, actor: Who): Promise<void> {
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await updateDepartment(trx, code, body);
    await appendAudit(trx, { at, actor: actor.username, action: 'department.update', entityType: 'department', entityId: code, data: body as Record<string, unknown> });
  });
}

async function assertDepartmentExists(ctx: AppContext, department: string | null | undefined): Promise<void> {
  if (department && !(await findDepartment(ctx.db, department))) {
    throw validation([{ field: 'department', message: `部门代码“${department}”不存在` }]);
  }
}

/** An account's own 登记 channel is for a role that may register (400 otherwise). */
function assertIntakeChannelFits(role: Role, channel: Channel | null | undefined): void {
  if (channel && !can(role, 'intake')) {
    throw validation([{ field: 'intakeChannel', message: `${ROLE_LABELS[role]}不能登记反映件，无需设置登记默认渠道` }]);
  }
}

/** Adds a user; returns the new id. A taken username → 409 CONFLICT. */
export async function addUser(ctx: AppContext, body: z.infer<typeof ZUserCreate>, actor: Who): Promise<number> {
  await assertDepartmentExists(ctx, body.department);
  assertIntakeChannelFits(body.role, body.intakeChannel);
  const at = ctx.clock.now().toISOString();
  const passwordHash = await hashPassword(body.password);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const id = await insertUser(trx, {
        username: body.username,
        name: body.name ?? body.username,
        role: body.role,
        department: body.department ?? null,
        passwordHash,
        at,
        intakeChannel: body.intakeChannel ?? null,
        mobile: body.mobile ?? null,
        // Set by an administrator: the account changes it at its first login.
        mustChangePassword: true,
      });
      await appendAudit(trx, {
        at,
        actor: actor.username,
        action: 'user.add',
        entityType: 'user',
        entityId: String(id),
        data: {
          username: body.username,
          role: body.role,
          department: body.department ?? null,
          intakeChannel: body.intakeChannel ?? null,
          ...(body.mobile ? { mobile: maskPhone(body.mobile) } : {}),
        },
      });
      return id;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError('CONFLICT', `用户名“${body.username}”已存在`);
    throw e;
  }
}

/**
 * Changes a user's name, role, department, password or disabled flag. A changed password, role or
 * department, or a disabling, takes effect at once: the user's sessions end.
 */
export async function changeUser(ctx: AppContext, user: UserRecord, body: z.infer<typeof ZUserUpdate>, actor: Who): Promise<void> {
  const role = body.role ?? user.role;
  const department = body.department === undefined ? user.department : body.department;
  if (role === 'handler' && !department) throw validation([{ field: 'department', message: '承办部门用户须指定所属部门' }]);
  await assertDepartmentExists(ctx, body.department);
  assertIntakeChannelFits(role, body.intakeChannel);
  if (user.id === actor.userId && (body.disabled || (body.role && body.role !== 'admin'))) {
    throw validation([{ field: body.disabled ? 'disabled' : 'role', message: '不能停用自己或取消自己的管理员角色' }]);
  }
  const at = ctx.clock.now().toISOString();
  const passwordHash = body.password ? await hashPassword(body.password) : undefined;
  await ctx.db.transaction().execute(async (trx) => {
    // A role that may not register drops the account's own channel with it.
    const intakeChannel = body.intakeChannel !== undefined ? body.intakeChannel : body.role && !can(body.role, 'intake') ? null : undefined;
    // A new role brings its own SMS choices: back to its defaults (core/staff-sms.ts).
    const smsEvents = body.role && body.role !== user.role ? null : undefined;
    await updateUser(trx, user.id, { name: body.name, disabled: body.disabled, passwordHash, mustChangePassword: !!passwordHash, at, role: body.role, department: body.department, intakeChannel, mobile: body.mobile, smsEvents });
    if (body.disabled || passwordHash || body.role || body.department !== undefined) await deleteUserSessions(trx, user.id);
    await appendAudit(trx, {
      at,
      actor: actor.username,
      action: 'user.update',
      entityType: 'user',
      entityId: String(user.id),
      data: {
        name: body.name,
        disabled: body.disabled,
        passwordReset: !!passwordHash,
        role: body.role,
        department: body.department,
        intakeChannel: body.intakeChannel,
        ...(body.mobile !== undefined ? { mobile: body.mobile && maskPhone(body.mobile) } : {}),
      },
    });
  });
}

export async function changeSettings(ctx: AppContext, body: Partial<Settings>, actor: Who): Promise<void> {
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await putSettings(trx, body, at);
    await appendAudit(trx, { at, actor: actor.username, action: 'settings.update', entityType: 'settings', entityId: null, data: body as Record<string, unknown> });
  });
}

/** The user to change, or 404. */
export async function userOr404(ctx: AppContext, rawId: string): Promise<UserRecord> {
  const id = Number(rawId);
  const user = Number.isSafeInteger(id) && id > 0 ? await findUserById(ctx.db, id) : undefined;
  if (!user) throw notFound();
  return user;
}
