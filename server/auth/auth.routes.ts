import type { FastifyInstance } from 'fastify';
import { ZLogin, ZPasswordChange, ZTotpEnable } from '../../core/api/schemas.js';
import type { AppContext } from '../context.js';
import { route } from '../http.js';
import { ZLoginResponse, ZMeResponse, ZOkResponse, ZTotpEnabled, ZTotpSetup, errorResponse } from '../../core/api/responses.js';
import { login, logout, type SessionInfo } from './session.service.js';
import { changeOwnPassword, enableTotp, setUpTotp } from './credentials.service.js';
import { AppError } from '../errors.js';
import type { FastifyRequest } from 'fastify';
import { ROLE_LABELS, type Channel } from '../../core/domain.js';

export const SESSION_COOKIE = 'bcs_session';

function presentUser(u: { username: string; name: string; role: keyof typeof ROLE_LABELS; department: string | null; intakeChannel?: Channel | null }) {
  return { username: u.username, name: u.name, role: u.role, roleLabel: ROLE_LABELS[u.role], department: u.department, intakeChannel: u.intakeChannel ?? null };
}

/**
 * Login attempts allowed per client address per minute. A county office logs in from behind one
 * NAT address at nine o'clock, so this is generous; guessing a password is stopped per account
 * (5 failures lock it for 15 minutes).
 */
export const LOGIN_PER_MINUTE = 120;

/** `loginPerMinute`: login attempts allowed per client address per minute (default {@link LOGIN_PER_MINUTE}). */
export function registerAuthRoutes(app: FastifyInstance, ctx: AppContext, opts: { loginPerMinute?: number } = {}): void {
  route(
    app,
    { method: 'POST', url: '/auth/login', operationId: 'login', summary: `登录：返回令牌与会话 Cookie（含 csrfToken）；每个 IP 每分钟最多 ${LOGIN_PER_MINUTE} 次（每个账号连续 5 次密码错误锁定 15 分钟）`, tag: '认证', auth: 'public', body: ZLogin, response: { 200: ZLoginResponse, 401: errorResponse('UNAUTHENTICATED').describe('用户名或密码错误、账号已停用，或因连续输错暂时锁定') }, rateLimit: { max: opts.loginPerMinute ?? LOGIN_PER_MINUTE, timeWindow: '1 minute' } },
    async (req, reply, { body }) => {
      const r = await login(ctx.db, body.username, body.password, ctx.clock.now(), req.ip, body.totp || undefined);
      void reply.setCookie(SESSION_COOKIE, r.token, {
        httpOnly: true,
        sameSite: 'strict',
        path: '/',
        secure: req.protocol === 'https',
      });
      return {
        token: r.token,
        csrfToken: r.csrfToken,
        expiresAt: r.expiresAt,
        user: presentUser(r.user),
        mustChangePassword: r.restriction === 'password',
        totpSetupRequired: r.restriction === 'totp_setup',
      };
    },
  );
  route(app, { method: 'POST', url: '/auth/logout', operationId: 'logout', summary: '退出登录', tag: '认证', auth: 'signedIn', response: ZOkResponse }, async (req, reply, { actor }) => {
    if (req.session) await logout(ctx.db, req.session.tokenHash, req.session.user, ctx.clock.now());
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    void actor;
    return { ok: true as const };
  });
  route(app, { method: 'GET', url: '/auth/me', operationId: 'getMe', summary: '当前用户（用接口密钥调用时为该密钥，csrfToken 为空）', tag: '认证', auth: 'signedIn', response: ZMeResponse }, async (req, _reply, { actor }) => {
    const s = req.session;
    // An API key has no session (and needs no CSRF token): it answers as the key.
    if (!s)
      return {
        user: presentUser(actor as { username: string; name: string; role: keyof typeof ROLE_LABELS; department: string | null }),
        csrfToken: '',
        mustChangePassword: false,
        totpSetupRequired: false,
        totpEnabled: false,
      };
    return { user: presentUser(s.user), csrfToken: s.csrfToken, mustChangePassword: s.restriction === 'password', totpSetupRequired: s.restriction === 'totp_setup', totpEnabled: s.user.totpEnabled };
  });

  route(
    app,
    {
      method: 'POST',
      url: '/auth/password',
      operationId: 'changePassword',
      summary: '修改本人密码：当前密码错误 → 400；新密码至少 8 位，含大写字母、小写字母、数字、其他符号中的至少 3 类',
      tag: '认证',
      auth: 'signedIn',
      body: ZPasswordChange,
      response: ZOkResponse,
    },
    async (req, _reply, { body }) => {
      await changeOwnPassword(ctx, sessionOf(req), body.currentPassword, body.newPassword);
      return { ok: true as const };
    },
  );

  route(
    app,
    { method: 'POST', url: '/auth/totp/setup', operationId: 'setUpTotp', summary: '设置动态口令（TOTP，RFC 6238）第一步：生成密钥与 otpauth 地址（扫码）；已启用 → 409', tag: '认证', auth: 'signedIn', response: { 200: ZTotpSetup, 409: errorResponse('CONFLICT') } },
    async (req) => setUpTotp(ctx, sessionOf(req).user),
  );

  route(
    app,
    {
      method: 'POST',
      url: '/auth/totp/enable',
      operationId: 'enableTotp',
      summary: '设置动态口令第二步：输入手机上的 6 位动态口令启用（错误 → 400），返回仅显示一次的恢复码',
      tag: '认证',
      auth: 'signedIn',
      body: ZTotpEnable,
      response: { 200: ZTotpEnabled, 409: errorResponse('CONFLICT') },
    },
    async (req, _reply, { body }) => ({ enabled: true as const, ...(await enableTotp(ctx, sessionOf(req), body.code)) }),
  );
}

/** The caller's session: own credentials are a person's, never an integration key's (403). */
function sessionOf(req: FastifyRequest): SessionInfo {
  if (!req.session) throw new AppError('FORBIDDEN', '接口密钥不能修改密码或设置动态口令');
  return req.session;
}
