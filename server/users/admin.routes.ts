/** Administration: departments, users, settings. Every write is audited. */
import type { FastifyInstance } from 'fastify';
import { ZDepartmentCreate, ZDepartmentUpdate, ZUserCreate, ZUserUpdate } from '../../core/api/schemas.js';
import type { AppContext } from '../context.js';
import { route, parseWith } from '../http.js';
import { ZDepartment, ZDepartmentList, ZSettingsResponse, ZUser, ZUserList, errorResponse } from '../../core/api/responses.js';
import { AppError, notFound, validation } from '../errors.js';
import { appendAudit } from '../audit/audit.repository.js';
import { hashPassword } from '../auth/password.js';
import { findDepartment, findUserById, insertDepartment, insertUser, isUniqueViolation, listDepartments, listUsers, type UserRecord } from './user.repository.js';
import { getSettings, putSettings, ZSettings } from '../settings/settings.repository.js';
import { ROLE_LABELS } from '../../core/domain.js';

const presentUser = (u: UserRecord) => ({
  id: u.id,
  username: u.username,
  name: u.name,
  role: u.role,
  roleLabel: ROLE_LABELS[u.role],
  department: u.department,
  disabled: u.disabled,
  locked: !!u.lockedUntil && Date.parse(u.lockedUntil) > Date.now(),
  createdAt: u.createdAt,
});

export function registerAdminRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(app, { method: 'GET', url: '/departments', summary: '部门列表', tag: '管理', response: ZDepartmentList }, async () => {
    const rows = await listDepartments(ctx.db);
    return { items: rows.map((d) => ({ code: d.code, name: d.name, disabled: d.disabled === 1 })) };
  });

  route(
    app,
    { method: 'POST', url: '/departments', summary: '新增部门（系统管理员）', tag: '管理', auth: 'manageDepartments', body: ZDepartmentCreate, responses: { 201: '已新增' }, response: { 201: ZDepartment, 409: errorResponse('CONFLICT') } },
    async (_req, reply, { body, actor }) => {
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
      void reply.status(201);
      return { code: body.code, name: body.name, disabled: false };
    },
  );

  route(
    app,
    { method: 'PATCH', url: '/departments/:code', summary: '修改部门名称、停用/启用部门（系统管理员）', tag: '管理', auth: 'manageDepartments', bodyDoc: ZDepartmentUpdate, response: ZDepartment },
    async (req, _reply, { actor }) => {
      const code = String((req.params as { code: string }).code);
      const existing = await findDepartment(ctx.db, code);
      if (!existing) throw notFound();
      const body = parseWith(ZDepartmentUpdate, req.body);
      const at = ctx.clock.now().toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('departments')
          .set({ ...(body.name ? { name: body.name } : {}), ...(body.disabled !== undefined ? { disabled: body.disabled ? 1 : 0 } : {}) })
          .where('code', '=', code)
          .execute();
        await appendAudit(trx, { at, actor: actor.username, action: 'department.update', entityType: 'department', entityId: code, data: body as Record<string, unknown> });
      });
      const d = (await findDepartment(ctx.db, code))!;
      return { code: d.code, name: d.name, disabled: d.disabled === 1 };
    },
  );

  route(app, { method: 'GET', url: '/users', summary: '用户列表（系统管理员）', tag: '管理', auth: 'manageUsers', response: ZUserList }, async () => ({
    items: (await listUsers(ctx.db)).map(presentUser),
  }));

  route(
    app,
    { method: 'POST', url: '/users', summary: '新增用户（系统管理员）', tag: '管理', auth: 'manageUsers', body: ZUserCreate, responses: { 201: '已新增' }, response: { 201: ZUser, 409: errorResponse('CONFLICT') } },
    async (_req, reply, { body, actor }) => {
      if (body.department && !(await findDepartment(ctx.db, body.department))) {
        throw validation([{ field: 'department', message: `部门代码“${body.department}”不存在` }]);
      }
      const at = ctx.clock.now().toISOString();
      const passwordHash = await hashPassword(body.password);
      let id: number;
      try {
        id = await ctx.db.transaction().execute(async (trx) => {
          const id = await insertUser(trx, {
            username: body.username,
            name: body.name ?? body.username,
            role: body.role,
            department: body.role === 'handler' ? (body.department ?? null) : (body.department ?? null),
            passwordHash,
            at,
          });
          await appendAudit(trx, {
            at,
            actor: actor.username,
            action: 'user.add',
            entityType: 'user',
            entityId: String(id),
            data: { username: body.username, role: body.role, department: body.department ?? null },
          });
          return id;
        });
      } catch (e) {
        if (isUniqueViolation(e)) throw new AppError('CONFLICT', `用户名“${body.username}”已存在`);
        throw e;
      }
      void reply.status(201);
      return presentUser((await findUserById(ctx.db, id))!);
    },
  );

  route(
    app,
    { method: 'PATCH', url: '/users/:id', summary: '修改用户：姓名、停用/启用、重置密码（系统管理员）', tag: '管理', auth: 'manageUsers', bodyDoc: ZUserUpdate, response: ZUser },
    async (req, _reply, { actor }) => {
      const id = Number((req.params as { id: string }).id);
      const user = Number.isSafeInteger(id) && id > 0 ? await findUserById(ctx.db, id) : undefined;
      if (!user) throw notFound();
      const body = parseWith(ZUserUpdate, req.body);
      const role = body.role ?? user.role;
      const department = body.department === undefined ? user.department : body.department;
      if (role === 'handler' && !department) throw validation([{ field: 'department', message: '承办部门用户须指定所属部门' }]);
      if (body.department && !(await findDepartment(ctx.db, body.department))) {
        throw validation([{ field: 'department', message: `部门代码“${body.department}”不存在` }]);
      }
      if (user.id === actor.userId && (body.disabled || (body.role && body.role !== 'admin'))) {
        throw validation([{ field: body.disabled ? 'disabled' : 'role', message: '不能停用自己或取消自己的管理员角色' }]);
      }
      const at = ctx.clock.now().toISOString();
      const passwordHash = body.password ? await hashPassword(body.password) : undefined;
      await ctx.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('users')
          .set({
            ...(body.name ? { name: body.name } : {}),
            ...(body.disabled !== undefined ? { disabled: body.disabled ? 1 : 0 } : {}),
            ...(passwordHash ? { password_hash: passwordHash, failed_logins: 0, locked_until: null } : {}),
            ...(body.role ? { role: body.role } : {}),
            ...(body.department !== undefined ? { department_code: body.department } : {}),
          })
          .where('id', '=', id)
          .execute();
        // A changed password, role or department takes effect at once: end the user's sessions.
        if (body.disabled || passwordHash || body.role || body.department !== undefined) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
        await appendAudit(trx, {
          at,
          actor: actor.username,
          action: 'user.update',
          entityType: 'user',
          entityId: String(id),
          data: { name: body.name, disabled: body.disabled, passwordReset: !!passwordHash, role: body.role, department: body.department },
        });
      });
      return presentUser((await findUserById(ctx.db, id))!);
    },
  );

  route(app, { method: 'GET', url: '/settings', summary: '系统设置', tag: '管理', response: ZSettingsResponse }, async () => getSettings(ctx.db));

  route(
    app,
    { method: 'PUT', url: '/settings', summary: '修改系统设置（系统管理员）', tag: '管理', auth: 'manageSettings', body: ZSettings.partial(), response: ZSettingsResponse },
    async (_req, _reply, { body, actor }) => {
      const at = ctx.clock.now().toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        await putSettings(trx, body, at);
        await appendAudit(trx, { at, actor: actor.username, action: 'settings.update', entityType: 'settings', entityId: null, data: body as Record<string, unknown> });
      });
      return getSettings(ctx.db);
    },
  );
}
