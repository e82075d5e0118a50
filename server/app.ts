/**
 * buildApp(deps) assembles the HTTP API without listening; main.ts listens, tests use inject().
 */
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import multipart from '@fastify/multipart';
import type { Actor } from '../core/case-lifecycle.js';
import type { AppContext } from './context.js';
import { AppError, UnreadableBody } from './errors.js';
import { authenticate, type SessionInfo } from './auth/session.service.js';
import { toActor } from './users/user.repository.js';
import { documentRoute, openApiDocument } from './http.js';
import { ZHealth, ZOpenApiDocument } from '../core/api/responses.js';
import { registerAuthRoutes, SESSION_COOKIE } from './auth/auth.routes.js';
import { registerCaseRoutes } from './cases/case.routes.js';
import { registerWorkbenchRoutes } from './cases/workbench.routes.js';
import { registerCallbackDeskRoutes } from './cases/callback-desk.routes.js';
import { registerAdminRoutes } from './users/admin.routes.js';
import { registerMySettingsRoutes } from './users/my-settings.js';
import { registerCalendarRoutes } from './calendar/calendar.routes.js';
import { registerAuditRoutes } from './audit/audit.routes.js';
import { registerStatsRoutes } from './stats/stats.routes.js';
import { registerAssessmentRoutes } from './assessment/assessment.routes.js';
import { registerOptimizationRoutes } from './optimization/optimization.routes.js';
import { registerPublicRoutes } from './public/public.routes.js';
import { registerRatingRoutes } from './ratings/rating.routes.js';
import { registerReporterMessageRoutes } from './notifications/reporter-messages.js';
import { registerDocumentRoutes } from './documents/document.routes.js';
import { registerSupervisionRegisterRoutes } from './supervision/register.routes.js';
import { registerBriefingRoutes } from './reports/briefing.routes.js';
import { registerNotificationRoutes } from './notifications/notification.routes.js';
import { registerPublicPages } from './public/public.pages.js';
import type { Permission } from '../core/permissions.js';
import { apiKeyActor, ApiKeyRateLimiter, API_KEY_REQUESTS_PER_MINUTE, authenticateApiKey, isApiKeyToken, type ApiKeyIdentity } from './integrations/api-keys.js';
import { registerIntegrationRoutes } from './integrations/integration.routes.js';
import { registerAttachmentRoutes } from './attachments/attachment.routes.js';
import { registerKnowledgeRoutes } from './knowledge/knowledge.routes.js';
import { suggestKnowledgeForCase } from './knowledge/knowledge.repository.js';
import { appendAudit } from './audit/audit.repository.js';
import { registerMatterRoutes } from './matters/matter.routes.js';
import { registerTriageRoutes } from './triage/triage.routes.js';
import { databaseRateLimitStore } from './security/rate-limit-store.js';
import { containsNul } from './security/nul.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    session: SessionInfo | null;
    /** The integration's key when the request came with one (server/integrations/api-keys.ts). */
    apiKey: ApiKeyIdentity | null;
  }
  interface FastifyContextConfig {
    auth?: 'public' | Permission;
  }
}

export interface AppOptions {
  logger?: boolean | object;
  /** Serve the built web app from this directory (when it exists). */
  webRoot?: string;
  /** Trust X-Forwarded-For (behind a load balancer). */
  trustProxy?: boolean;
  /** Login attempts allowed per client address per minute (default 30; tests raise it). */
  loginPerMinute?: number;
  /** Requests one API key may make per minute on this instance (default API_KEY_REQUESTS_PER_MINUTE). */
  apiKeyPerMinute?: number;
  /**
   * Session cookies always `Secure` (config `secureCookies`, BCS_SECURE_COOKIES): for an installation
   * served over HTTPS by a proxy that does not pass X-Forwarded-Proto. Without it a cookie is
   * `Secure` whenever the request came over HTTPS (with `trustProxy`, as the proxy says).
   */
  secureCookies?: boolean;
  /** Font files for the charts drawn on the server (config `chartFonts`; default DEFAULT_CHART_FONTS). */
  chartFonts?: readonly string[];
}

const PUBLIC_PREFIXES = ['/api/v1/public/', '/api/v1/health', '/api/v1/openapi.json', '/api/v1/auth/login'];
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** What a restricted session (server/auth/session.service.ts SessionRestriction) may still call. */
const RESTRICTED_ALLOWED: Record<'password' | 'totp_setup', Array<[string, string]>> = {
  password: [['POST', '/api/v1/auth/password'], ['GET', '/api/v1/auth/me'], ['POST', '/api/v1/auth/logout']],
  totp_setup: [['POST', '/api/v1/auth/totp/setup'], ['POST', '/api/v1/auth/totp/enable'], ['GET', '/api/v1/auth/me'], ['POST', '/api/v1/auth/logout']],
};

/**
 * The web app's Content-Security-Policy: its own scripts only (no inline script: the bootstrap is a
 * `<script type="application/json">` data block, server/web.ts), no framing, no plugins. Styles
 * allow 'unsafe-inline': antd 5 writes its component styles into <style> elements at run time and
 * React renders `style` attributes, which no nonce can cover; scripts stay strict.
 */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
/** API answers are data, never a document: nothing may load from them, nobody may frame them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** Fastify's request log without its "incoming request" line: the answer's line names the request too. */
class AnsweredOnlyLog extends LogController {
  override incomingRequest(): void {}
}

export async function buildApp(ctx: AppContext, opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger
      ? {
          ...(typeof opts.logger === 'object' ? opts.logger : {}),
          // Query strings can carry case numbers and phone digits: keep them out of the log.
          serializers: {
            req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: req.url.split('?')[0], ip: req.ip }),
          },
        }
      : false,
    trustProxy: opts.trustProxy ?? false,
    // One log line per request, when it is answered (fastify's "request completed"), not two.
    logController: new AnsweredOnlyLog(),
    bodyLimit: 1024 * 1024,
    // Long path segments reach the routes (and answer 401/404 like any other unknown id).
    routerOptions: { maxParamLength: 1000 },
    // A URL the router cannot even read (a broken %-escape) answers in the API's error shape.
    frameworkErrors: (_err, req, raw) => {
      const reply = raw as unknown as FastifyReply;
      if (!req.url.startsWith('/api/')) {
        return reply.status(400).type('text/html; charset=utf-8').send('<!doctype html><meta charset="utf-8"><title>请求有误</title><p>网址有误</p>');
      }
      const credentials = !!req.headers.authorization || (req.headers.cookie ?? '').split(/;\s*/).some((c) => c.startsWith(`${SESSION_COOKIE}=`));
      if (!credentials && !PUBLIC_PREFIXES.some((p) => req.url.startsWith(p))) {
        return reply.status(401).send(errorBody('UNAUTHENTICATED', '请先登录'));
      }
      return reply.status(404).send(errorBody('NOT_FOUND', '未找到该记录'));
    },
  });
  // Bodies are read tolerantly: what cannot be read becomes an UnreadableBody that answers 400
  // where the route checks its body — after 401 and 404, as the contract orders them.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, new UnreadableBody('请求体不能为空'));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return done(null, new UnreadableBody('请求格式有误（JSON 无法解析）'));
    }
    // NUL is no text anyone types, and PostgreSQL cannot store it in a text column (found by the
    // fuzz tests, server/security/fuzz.test.ts): refused as a 400 wherever it appears.
    if (/\\u0000|\u0000/i.test(text) && containsNul(parsed)) return done(null, new UnreadableBody('请求中含有不允许的控制字符（NUL）'));
    done(null, parsed);
  });
  app.addContentTypeParser('*', (_req, payload, done) => {
    payload.on('error', (e) => done(e, undefined));
    payload.on('end', () => done(null, new UnreadableBody('不支持的内容类型，请使用 application/json')));
    payload.resume();
  });
  app.decorateRequest('actor', null);
  app.decorateRequest('session', null);
  app.decorateRequest('apiKey', null);
  const keyLimiter = new ApiKeyRateLimiter(opts.apiKeyPerMinute ?? API_KEY_REQUESTS_PER_MINUTE);
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    // Counted in the database, so every instance on one database shares the limits.
    store: databaseRateLimitStore(ctx),
    errorResponseBuilder: (_req, ctx2) => ({
      statusCode: 429,
      ...errorBody('RATE_LIMITED', `请求过于频繁，请 ${Math.ceil(ctx2.ttl / 1000)} 秒后再试`),
    }),
  });

  app.addHook('onSend', async (req, reply) => {
    const api = req.url.startsWith('/api/');
    reply.header('x-content-type-options', 'nosniff');
    if (!reply.getHeader('content-security-policy')) reply.header('content-security-policy', api ? API_CSP : WEB_CSP);
    if (!reply.getHeader('referrer-policy')) reply.header('referrer-policy', 'same-origin');
    // Print pages (under /api/) may be framed by the app itself; nothing else may be framed.
    if (!reply.getHeader('x-frame-options')) reply.header('x-frame-options', api ? 'SAMEORIGIN' : 'DENY');
    if (!reply.getHeader('cross-origin-opener-policy')) reply.header('cross-origin-opener-policy', 'same-origin');
    if (!reply.getHeader('permissions-policy')) reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
    const https = opts.secureCookies || req.protocol === 'https';
    if (https) reply.header('strict-transport-security', 'max-age=31536000');
    if (opts.secureCookies) {
      const c = reply.getHeader('set-cookie');
      if (c !== undefined) {
        const list = (Array.isArray(c) ? c : [String(c)]).map((v) => (/;\s*secure(;|$)/i.test(v) ? v : `${v}; Secure`));
        reply.header('set-cookie', list);
      }
    }
    if (api) reply.header('cache-control', 'no-store');
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof AppError) {
      return reply.status(err.status).send(errorBody(err.code, err.message, err.details));
    }
    const e = err as { statusCode?: number; code?: string; message?: string };
    if (e.statusCode === 429) return reply.status(429).send(errorBody('RATE_LIMITED', '请求过于频繁，请稍后再试'));
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      // Malformed JSON, wrong content type, oversize body, …: the request is at fault.
      const msg =
        e.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? '请求内容过大'
          : e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
            ? '不支持的内容类型，请使用 application/json'
            : e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
              ? '请求体不能为空'
              : '请求格式有误（JSON 无法解析）';
      return reply.status(400).send(errorBody('VALIDATION', msg, [{ field: '(body)', message: msg }]));
    }
    if (e.code === '57014') {
      // PostgreSQL cancelled a statement at the server's statement timeout (server/main.ts): the
      // last guard against a query that would hold a connection for long. Still a 500 (the
      // server's fault, not the request's), but one the person can act on.
      req.log.warn({ err }, 'statement timeout');
      return reply.status(500).send(errorBody('INTERNAL', '查询耗时过长，已中止。请缩小筛选范围（日期、部门、状态等）后重试'));
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send(errorBody('INTERNAL', '服务器内部错误，请稍后重试'));
  });

  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/')) {
      if (!req.actor && !PUBLIC_PREFIXES.some((p) => req.url.startsWith(p))) {
        return reply.status(401).send(errorBody('UNAUTHENTICATED', '请先登录'));
      }
      return reply.status(404).send(errorBody('NOT_FOUND', '未找到该记录'));
    }
    return reply.status(404).type('text/html; charset=utf-8').send('<!doctype html><meta charset="utf-8"><title>未找到</title><p>页面不存在</p>');
  });

  // Authentication: bearer token or session cookie; cookie writes need the CSRF token.
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/api/')) return;
    const header = req.headers.authorization;
    let token: string | undefined;
    let viaCookie = false;
    if (typeof header === 'string' && /^Bearer\s+/i.test(header)) token = header.replace(/^Bearer\s+/i, '').trim();
    else if (req.cookies?.[SESSION_COOKIE]) {
      token = req.cookies[SESSION_COOKIE];
      viaCookie = true;
    }
    const isPublic = PUBLIC_PREFIXES.some((p) => req.url.startsWith(p));
    if (token && !viaCookie && isApiKeyToken(token)) {
      // An integration's key: no idle expiry, no CSRF (never a cookie), its own rate limit.
      const k = await authenticateApiKey(ctx.db, token, ctx.clock.now());
      if (k) {
        const wait = await keyLimiter.take(ctx.db, k.id, ctx.clock.now().getTime());
        if (wait > 0) {
          reply.header('retry-after', String(wait));
          return reply.status(429).send(errorBody('RATE_LIMITED', `该接口密钥请求过于频繁，请 ${wait} 秒后再试`));
        }
        req.apiKey = k;
        req.actor = apiKeyActor(k);
      }
    } else if (token) {
      const s = await authenticate(ctx.db, token, ctx.clock.now());
      if (s) {
        if (viaCookie && !SAFE_METHODS.has(req.method) && req.headers['x-csrf-token'] !== s.csrfToken) {
          // Public routes (login, the online report) act for nobody: a stale cookie is ignored there.
          if (!isPublic) return reply.status(403).send(errorBody('FORBIDDEN', '缺少或错误的 X-CSRF-Token，请刷新页面后重试'));
        } else {
          req.session = s;
          req.actor = toActor(s.user);
          // A session that must first change its password or set up its second factor may do only that.
          if (s.restriction && !isPublic) {
            const path = req.url.split('?')[0];
            const allowed = RESTRICTED_ALLOWED[s.restriction];
            if (!allowed.some(([m, p]) => m === req.method && p === path))
              return reply
                .status(403)
                .send(errorBody('FORBIDDEN', s.restriction === 'password' ? '请先修改密码（管理员设置的密码或已过期的密码须修改后才能使用系统）' : '请先设置动态口令（本角色须使用动态口令登录）'));
          }
        }
      }
    }
    if (!req.actor && !isPublic) {
      const why = !token ? '请先登录' : !viaCookie && isApiKeyToken(token) ? '接口密钥无效或已吊销' : '登录已过期，请重新登录';
      return reply.status(401).send(errorBody('UNAUTHENTICATED', why));
    }
  });

  // Every call made with an API key is recorded in the audit chain under the key's name.
  app.addHook('onResponse', async (req, reply) => {
    const k = req.apiKey;
    if (!k) return;
    try {
      await ctx.db.transaction().execute((trx) =>
        appendAudit(trx, {
          at: ctx.clock.now().toISOString(),
          actor: k.name,
          action: 'api_key.call',
          entityType: 'api_key',
          entityId: String(k.id),
          data: { method: req.method, path: req.url.split('?')[0].slice(0, 200), status: reply.statusCode },
        }),
      );
    } catch (e) {
      req.log.error({ err: e }, 'audit of an API key call failed');
    }
  });

  documentRoute({ method: 'GET', url: '/api/v1/health', summary: '健康检查：服务与数据库可用', tag: '系统', auth: 'public', response: ZHealth });
  documentRoute({ method: 'GET', url: '/api/v1/openapi.json', summary: '本接口的 OpenAPI 3.1 文档（由校验请求的同一套 schema 生成）', tag: '系统', auth: 'public', response: ZOpenApiDocument });
  app.get('/api/v1/health', async () => {
    await ctx.db.selectFrom('audit_head').select('id').limit(1).execute();
    return { status: 'ok', database: ctx.kind };
  });
  app.get('/api/v1/openapi.json', async () => openApiDocument());

  await app.register(
    async (api) => {
      // Multipart bodies (uploads, the ledger import, intake with files) are read by the routes that
      // take them, as streams with per-route limits; elsewhere they are never read.
      await api.register(multipart, { limits: { fileSize: 20 * 1024 * 1024, files: 1 } });
      registerAuthRoutes(api, ctx, { loginPerMinute: opts.loginPerMinute });
      registerWorkbenchRoutes(api, ctx);
      registerCallbackDeskRoutes(api, ctx);
      registerCaseRoutes(api, ctx);
      registerAdminRoutes(api, ctx);
      registerMySettingsRoutes(api, ctx);
      registerCalendarRoutes(api, ctx);
      registerAuditRoutes(api, ctx);
      registerStatsRoutes(api, ctx);
      registerAssessmentRoutes(api, ctx);
      registerOptimizationRoutes(api, ctx);
      registerPublicRoutes(api, ctx);
      registerRatingRoutes(api, ctx);
      registerReporterMessageRoutes(api, ctx);
      registerNotificationRoutes(api, ctx);
      registerIntegrationRoutes(api, ctx);
      registerAttachmentRoutes(api, ctx);
      registerKnowledgeRoutes(api, ctx);
      registerMatterRoutes(api, ctx);
      registerTriageRoutes(api, ctx, { knowledge: (c, x) => suggestKnowledgeForCase(c.db, x) });
      registerSupervisionRegisterRoutes(api, ctx);
      registerBriefingRoutes(api, ctx, { chartFonts: opts.chartFonts });
      await registerDocumentRoutes(api, ctx);
    },
    { prefix: '/api/v1' },
  );
  registerPublicPages(app);

  if (opts.webRoot) {
    const { registerWeb } = await import('./web.js');
    await registerWeb(app, opts.webRoot);
  }
  return app;
}
