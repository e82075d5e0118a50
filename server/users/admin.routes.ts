/** Administration: departments, users, settings. Routes validate, call admin.service, present. */
import type { FastifyInstance } from 'fastify';
import { ZDepartmentCreate, ZDepartmentUpdate, ZUserCreate, ZUserUpdate } from '../../core/api/schemas.js';
import type { AppContext } from '../context.js';
import { route, parseWith } from '../http.js';
import { ZDepartment, ZDepartmentList, ZSettingsResponse, ZUser, ZUserList, errorResponse } from '../../core/api/responses.js';
import { forbidden, notFound } from '../errors.js';
import { can, settingPermission } from '../../core/permissions.js';
import { resetTotp, unlockUser } from '../auth/credentials.service.js';
import { findDepartment, findUserById, listDepartments, listUsers, type UserRecord } from './user.repository.js';
import { getSettings, ZSettings } from '../settings/settings.repository.js';
import { addDepartment, addUser, changeDepartment, changeSettings, changeUser, userOr404 } from './admin.service.js';
import { ROLE_LABELS } from '../../core/domain.js';
import { maskPhone } from '../../core/validation.js';

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
  intakeChannel: u.intakeChannel,
  mobileMasked: u.mobile ? maskPhone(u.mobile) : null,
  mustChangePassword: u.mustChangePassword,
  totpEnabled: u.totpEnabled,
});

export function registerAdminRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(app, { method: 'GET', url: '/departments', summary: '部门列表', tag: '管理', auth: 'signedIn', response: ZDepartmentList }, async () => {
    const rows = await listDepartments(ctx.db);
    return { items: rows.map((d) => ({ code: d.code, name: d.name, disabled: d.disabled === 1 })) };
  });

  route(
    app,
    { method: 'POST', url: '/departments', summary: '新增部门（系统管理员）', tag: '管理', auth: 'manageDepartments', body: ZDepartmentCreate, responses: { 201: '已新增' }, response: { 201: ZDepartment, 409: errorResponse('CONFLICT') } },
    async (_req, reply, { body, actor }) => {
      await addDepartment(ctx, body, actor);
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
      await changeDepartment(ctx, code, body, actor);
      const d = (await findDepartment(ctx.db, code))!;
      return { code: d.code, name: d.name, disabled: d.disabled === 1 };
    },
  );

  route(app, { method: 'GET', url: '/users', summary: '用户列表（系统管理员、安全管理员）', tag: '管理', auth: 'readUsers', response: ZUserList }, async () => ({
    items: (await listUsers(ctx.db)).map(presentUser),
  }));

  route(
    app,
    { method: 'POST', url: '/users', summary: '新增用户（系统管理员）', tag: '管理', auth: 'manageUsers', body: ZUserCreate, responses: { 201: '已新增' }, response: { 201: ZUser, 409: errorResponse('CONFLICT') } },
    async (_req, reply, { body, actor }) => {
      const id = await addUser(ctx, body, actor);
      void reply.status(201);
      return presentUser((await findUserById(ctx.db, id))!);
    },
  );

  route(
    app,
    { method: 'PATCH', url: '/users/:id', summary: '修改用户：姓名、停用/启用、重置密码、登记默认渠道、手机号码（系统管理员）', tag: '管理', auth: 'manageUsers', bodyDoc: ZUserUpdate, response: ZUser },
    async (req, _reply, { actor }) => {
      const user = await userOr404(ctx, (req.params as { id: string }).id);
      const body = parseWith(ZUserUpdate, req.body);
      await changeUser(ctx, user, body, actor);
      return presentUser((await findUserById(ctx.db, user.id))!);
    },
  );

  route(
    app,
    { method: 'POST', url: '/users/:id/unlock', summary: '解锁因连续输错密码而锁定的账号（安全管理员）', tag: '管理', auth: 'manageCredentials', response: ZUser },
    async (req, _reply, { actor }) => {
      const user = await userOr404(ctx, (req.params as { id: string }).id);
      await unlockUser(ctx, user, actor);
      return presentUser((await findUserById(ctx.db, user.id))!);
    },
  );

  route(
    app,
    { method: 'POST', url: '/users/:id/totp/reset', summary: '重置用户的动态口令（安全管理员；如手机丢失）：该用户的会话随即结束，须使用动态口令的角色下次登录时重新设置', tag: '管理', auth: 'manageCredentials', response: ZUser },
    async (req, _reply, { actor }) => {
      const user = await userOr404(ctx, (req.params as { id: string }).id);
      await resetTotp(ctx, user, actor);
      return presentUser((await findUserById(ctx.db, user.id))!);
    },
  );

  route(app, { method: 'GET', url: '/settings', summary: '系统设置', tag: '管理', auth: 'signedIn', response: ZSettingsResponse }, async () => getSettings(ctx.db));

  route(
    app,
    {
      method: 'PUT',
      url: '/settings',
      summary: '修改系统设置：密码有效期与须用动态口令的角色（passwordMaxAgeDays、totpRequiredRoles）由安全管理员修改，其余由系统管理员修改',
      tag: '管理',
      auth: 'changeSettings',
      body: ZSettings.partial(),
      response: ZSettingsResponse,
    },
    async (_req, _reply, { body, actor }) => {
      for (const key of Object.keys(body)) {
        if (!can(actor.role, settingPermission(key)))
          throw forbidden(settingPermission(key) === 'manageSecurityPolicy' ? `“${key}”属于安全策略，由安全管理员修改` : `“${key}”由系统管理员修改`);
      }
      await changeSettings(ctx, body, actor);
      return getSettings(ctx.db);
    },
  );
}
