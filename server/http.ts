/**
 * A thin layer over Fastify routes that also records each route in the OpenAPI document, so the
 * document is generated from the same zod schemas that validate requests.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../core/case-lifecycle.js';
import { ROLE_LABELS } from '../core/domain.js';
import { can, rolesWith, type Permission } from '../core/permissions.js';
import { describeIssues } from '../core/api/schemas.js';
import { API_ERROR_CODES, ZErrorResponse, errorResponse, type ApiErrorCode } from '../core/api/responses.js';
import { exampleOf } from './openapi-examples.js';
import { AppError, ERROR_CODES, readableBody, validation, type ErrorCode } from './errors.js';

/**
 * Documentation of a route's answers, and the type of its handler's answer (never used to validate
 * or serialise them at run time): one schema for the
 * success answer — every 2xx code named in `responses`, else 200 — or schemas by status code. For an
 * error status give `ZErrorResponse` (the standard envelope of that status) or
 * `errorResponse('VERSION_CONFLICT', …)` (the envelope narrowed to some codes).
 */
export type ResponseDoc = z.ZodType | { [status: number]: z.ZodType };

/**
 * What a handler may return for a route documented with `R`: the success answer of its schema (of
 * every success status when documented by status), so an answer that drifts from its documentation
 * does not compile; or the reply itself, for a handler that sends its answer (a download, a status
 * other than 200). Undocumented answers are not checked.
 */
export type AnswerOf<R> = R extends z.ZodType
  ? z.input<R>
  : R extends { [status: number]: z.ZodType }
    ? { [S in keyof R]: S extends 200 | 201 | 202 | 204 ? z.input<R[S]> : never }[keyof R]
    : unknown;

export interface RouteSpec<B extends z.ZodType | undefined, Q extends z.ZodType | undefined, R extends ResponseDoc | undefined = ResponseDoc | undefined> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** The OpenAPI `operationId` (a generated client's method name), camelCase; default: derived from method and path ({@link defaultOperationId}). */
  operationId?: string;
  summary: string;
  /** Longer Markdown description for the OpenAPI document. */
  description?: string;
  tag: string;
  /**
   * The permission required (core/permissions.ts); undefined = the case work (`workOnCases`: every
   * role but the 安全管理员 and 审计管理员); `signedIn` = any account; 'public' = no login.
   */
  auth?: 'public' | Permission;
  body?: B;
  query?: Q;
  /** Validate the body inside the handler (when the contract puts 404 before 400). */
  bodyDoc?: z.ZodType;
  /** Descriptions by status code. */
  responses?: Record<number, string>;
  /** The answers' schemas (see {@link ResponseDoc}): documentation, and the type of the handler's answer (never checked at run time). */
  response?: R;
  /** Documentation only: a multipart/form-data body the handler reads itself (fields as a zod object). */
  multipart?: z.ZodType;
  /** Media type of a success answer that is not JSON (a download or a print page); several comma-separated when it depends on the file. */
  produces?: string;
  /** Per-client rate limit (@fastify/rate-limit). */
  rateLimit?: { max: number; timeWindow: string | number };
}

interface DocEntry {
  method: string;
  url: string;
  operationId?: string;
  summary: string;
  description?: string;
  tag: string;
  auth?: 'public' | Permission;
  body?: z.ZodType;
  query?: z.ZodType;
  responses?: Record<number, string>;
  response?: ResponseDoc;
  multipart?: z.ZodType;
  produces?: string;
  rateLimited?: boolean;
}

const registry: DocEntry[] = [];

function register(entry: DocEntry): void {
  if (!registry.some((r) => r.method === entry.method && r.url === entry.url)) registry.push(entry);
}

/**
 * Records a route registered outside {@link route} (plain `app.get`) in the OpenAPI document.
 * `url` is the full path, prefix included.
 */
export function documentRoute(spec: Pick<RouteSpec<undefined, undefined>, 'method' | 'url' | 'operationId' | 'summary' | 'description' | 'tag' | 'auth' | 'responses' | 'response' | 'produces'>): void {
  register({ ...spec });
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(readableBody(value) ?? undefined);
  if (!r.success) throw validation(describeIssues(r.error));
  return r.data;
}

export function requireActor(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError('UNAUTHENTICATED', '请先登录');
  return req.actor;
}

export function route<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, R extends ResponseDoc | undefined = undefined>(
  app: FastifyInstance,
  spec: RouteSpec<B, Q, R>,
  handler: (
    req: FastifyRequest,
    reply: FastifyReply,
    input: {
      body: B extends z.ZodType ? z.infer<B> : undefined;
      query: Q extends z.ZodType ? z.infer<Q> : undefined;
      actor: Actor;
    },
  ) => Promise<NoInfer<AnswerOf<R>> | FastifyReply>,
): void {
  register({
    method: spec.method,
    url: `${app.prefix ?? ''}${spec.url}`,
    operationId: spec.operationId,
    summary: spec.summary,
    description: spec.description,
    tag: spec.tag,
    auth: spec.auth,
    body: spec.body ?? spec.bodyDoc,
    query: spec.query,
    responses: spec.responses,
    response: spec.response,
    multipart: spec.multipart,
    produces: spec.produces,
    rateLimited: !!spec.rateLimit,
  });
  app.route({
    method: spec.method,
    url: spec.url,
    config: { auth: spec.auth, ...(spec.rateLimit ? { rateLimit: spec.rateLimit } : {}) },
    handler: async (req, reply) => {
      const actor = spec.auth === 'public' ? (req.actor as Actor) : requireActor(req);
      const body = spec.body ? parseWith(spec.body, req.body) : undefined;
      const query = spec.query ? parseWith(spec.query, req.query) : undefined;
      if (spec.auth !== 'public' && !can(actor.role, spec.auth ?? 'workOnCases')) {
        throw new AppError('FORBIDDEN', '您的角色无权访问此功能');
      }
      return handler(req, reply, { body: body as any, query: query as any, actor });
    },
  });
}

function toJsonSchema(s: z.ZodType): Record<string, unknown> {
  try {
    // The document is OpenAPI 3.1, whose schemas are JSON Schema 2020-12: the `$schema` line is noise there.
    const { $schema: _dialect, ...schema } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    return schema;
  } catch {
    return { type: 'object' };
  }
}

// The error codes documented in core/api/responses.ts are exactly the server's.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const errorCodesAgree: Same<ApiErrorCode, ErrorCode> = true;
void errorCodesAgree;

/** The statuses the API answers errors with, each with its codes (docs/CONTRACT.md §Errors). */
const ERROR_STATUSES = [...new Set(Object.values(ERROR_CODES))].sort((a, b) => a - b);
const codesOf = (status: number) => API_ERROR_CODES.filter((c) => ERROR_CODES[c] === status);

/** What each error code means, for the responses' descriptions. */
const CODE_TEXT: Record<ErrorCode, string> = {
  VALIDATION: '输入有误，details 列出有误的字段',
  UNAUTHENTICATED: '未登录或登录已过期',
  FORBIDDEN: '角色或部门无权执行（用 Cookie 认证的写操作缺少或带错 X-CSRF-Token 也是 403）',
  NOT_FOUND: '未找到，或调用者无权查看（两次 404 的响应体完全相同）',
  VERSION_CONFLICT: '已被他人修改（version 不符），请重新读取后再操作',
  INVALID_TRANSITION: '当前状态不允许此操作',
  IDEMPOTENCY_MISMATCH: '同一 Idempotency-Key 用于不同的请求体',
  CONFLICT: '已存在（部门代码或用户名重复）',
  RATE_LIMITED: '请求过于频繁，请稍后再试',
  PAYLOAD_TOO_LARGE: '上传的文件超过大小上限（系统设置 attachmentMaxBytes）',
  INTERNAL: '服务器内部错误',
};
const describeCodes = (codes: readonly ErrorCode[]) => codes.map((c) => `${c}：${CODE_TEXT[c]}`).join('；');
const isSchema = (v: unknown): v is z.ZodType => v instanceof z.ZodType;

/**
 * The zod schema documented for one answer of a registered route (`url` as registered, e.g.
 * /api/v1/cases/:id), the standard error envelope included; undefined when that answer is not
 * documented as JSON. Lets tests hold real answers against the document.
 */
export function documentedResponse(method: string, url: string, status: number): z.ZodType | undefined {
  const r = registry.find((e) => e.method === method && e.url === url);
  if (!r) return undefined;
  if (status >= 400) {
    if (!errorCodes(r).includes(status)) return undefined;
    const declared = r.response && !isSchema(r.response) ? r.response[status] : undefined;
    return declared && declared !== ZErrorResponse ? declared : errorResponse(...codesOf(status));
  }
  if (r.produces || !successCodes(r).includes(status)) return undefined;
  return isSchema(r.response) ? r.response : r.response?.[status];
}

/** Every documented route (`url` as registered, e.g. /api/v1/cases/:id), with the media type of a non-JSON answer. */
export function documentedRoutes(): Array<{ method: string; url: string; produces?: string; auth?: 'public' | Permission }> {
  return registry.map(({ method, url, produces, auth }) => ({ method, url, produces, auth }));
}

/** The success statuses of a route: those named in `responses` or `response`, else 200. */
function successCodes(r: DocEntry): number[] {
  const named = [...Object.keys(r.responses ?? {}), ...(r.response && !isSchema(r.response) ? Object.keys(r.response) : [])]
    .map(Number)
    .filter((c) => c < 400);
  return named.length ? [...new Set(named)].sort((a, b) => a - b) : [200];
}

/** The error statuses a route can answer with: declared ones, and those its shape implies. */
function errorCodes(r: DocEntry): number[] {
  const out = new Set<number>(
    [...Object.keys(r.responses ?? {}), ...(r.response && !isSchema(r.response) ? Object.keys(r.response) : [])].map(Number).filter((c) => c >= 400),
  );
  if (r.body || r.query || r.multipart) out.add(400);
  if (r.auth !== 'public') out.add(401);
  // Role-restricted routes, and every cookie-authenticated write (CSRF).
  if (r.auth !== 'public') out.add(403);
  if (/:\w+/.test(r.url)) out.add(404);
  if (r.rateLimited) out.add(429);
  return [...out].sort((a, b) => a - b);
}

/** The body of a non-JSON answer; `mediaTypes` may list several, comma-separated (a stored file of one of them). */
function producedContent(mediaTypes: string) {
  return Object.fromEntries(
    mediaTypes
      .split(',')
      .map((t) => t.trim())
      .map((t) => [t, t.startsWith('text/') ? { schema: { type: 'string', description: '可直接打印的 HTML 页面' } } : { schema: { type: 'string', format: 'binary' } }]),
  );
}

/** A multipart/form-data request body, with the media type of each file field. */
function multipartBody(form: z.ZodType) {
  const schema = toJsonSchema(form) as { properties?: Record<string, { contentMediaType?: string }> };
  const encoding = Object.fromEntries(
    Object.entries(schema.properties ?? {})
      .filter(([, p]) => p.contentMediaType)
      .map(([name, p]) => [name, { contentType: p.contentMediaType }]),
  );
  return { required: true, content: { 'multipart/form-data': { schema, ...(Object.keys(encoding).length ? { encoding } : {}) } } };
}

/**
 * The JSON schema of an answer: a schema with a `title` (zod `.meta({ title })`) becomes one named
 * component referenced wherever it is used; the others are written in place.
 */
function answerSchema(s: z.ZodType, components: Record<string, unknown>): Record<string, unknown> {
  const title = z.globalRegistry.get(s)?.title;
  if (!title) return toJsonSchema(s);
  components[title] ??= toJsonSchema(s);
  return { $ref: `#/components/schemas/${title}` };
}

function responsesOf(r: DocEntry, components: Record<string, unknown>): Record<string, unknown> {
  const schemas: Record<number, z.ZodType | undefined> = {};
  const ok = successCodes(r);
  if (isSchema(r.response)) for (const c of ok) schemas[c] = r.response;
  else Object.assign(schemas, r.response ?? {});
  const responses: Record<string, unknown> = {};
  for (const code of ok) {
    const description = r.responses?.[code] ?? (code === 201 ? '已创建' : '成功');
    const schema = schemas[code];
    responses[code] = r.produces
      ? {
          description,
          content: producedContent(r.produces),
          ...(r.produces.startsWith('text/') ? {} : { headers: { 'Content-Disposition': { description: '附件及其文件名', schema: { type: 'string' } } } }),
        }
      : { description, content: { 'application/json': schema ? { schema: answerSchema(schema, components) } : {} } };
  }
  for (const code of errorCodes(r)) {
    const declared = schemas[code];
    const standard = !declared || declared === ZErrorResponse;
    const schema = standard ? { $ref: `#/components/schemas/Error${code}` } : toJsonSchema(declared);
    // A narrowed envelope names its codes; a described one says what the route means by it.
    const codes = standard ? codesOf(code) : ((schema as { properties?: { error?: { properties?: { code?: { enum?: ErrorCode[] } } } } }).properties?.error?.properties?.code?.enum ?? codesOf(code));
    const description = r.responses?.[code] ?? (standard ? undefined : z.globalRegistry.get(declared)?.description) ?? describeCodes(codes);
    responses[code] = { description, content: { 'application/json': { schema } } };
  }
  responses.default = { description: '其他错误（如 500 INTERNAL）', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  return responses;
}

const pascal = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * The operationId of a route without an explicit one: the method and the path's words in camelCase,
 * each path parameter as `By…` — `GET /api/v1/cases/:id/receipt` → `getCasesByIdReceipt`. Stable as
 * long as the route's method and path are.
 */
export function defaultOperationId(method: string, url: string): string {
  const words = url
    .replace(/^\/api\/v1(?=\/|$)/, '')
    .split('/')
    .filter(Boolean)
    .flatMap((seg) => (seg.startsWith(':') ? [`by${pascal(seg.slice(1))}`] : seg.split(/[^A-Za-z0-9]+/).filter(Boolean)));
  return method.toLowerCase() + words.map(pascal).join('');
}

/**
 * Adds examples to a finished document: to each JSON request body, and to each success answer (JSON,
 * a page, or the file name of a download), generated from its schema ({@link exampleOf}).
 */
function addExamples(doc: { paths: Record<string, Record<string, any>> }): void {
  for (const ops of Object.values(doc.paths)) {
    for (const op of Object.values<any>(ops)) {
      const body = op.requestBody?.content?.['application/json'];
      if (body?.schema) body.example = exampleOf(doc, body.schema);
      for (const [code, res] of Object.entries<any>(op.responses)) {
        if (!/^2/.test(code)) continue;
        for (const [type, media] of Object.entries<any>(res.content ?? {})) {
          if (type === 'application/json' && media.schema) media.example = exampleOf(doc, media.schema);
          else if (type.startsWith('text/')) media.example = '<!doctype html><html lang="zh-CN">…</html>';
        }
        const disposition = res.headers?.['Content-Disposition'];
        if (disposition) disposition.example = 'attachment; filename="export.xlsx"';
      }
    }
  }
}

/** The OpenAPI 3.1 document of every registered route. */
export function openApiDocument(): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  const named: Record<string, unknown> = {};
  const operationIds = new Set<string>();
  for (const r of registry) {
    const url = r.url.replace(/:(\w+)/g, '{$1}');
    const params = [...r.url.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const query: unknown[] = [];
    if (r.query) {
      const js = toJsonSchema(r.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(js.properties ?? {})) {
        query.push({ name, in: 'query', required: js.required?.includes(name) ?? false, schema });
      }
    }
    const requestBody = r.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(r.body) } } } }
      : r.multipart
        ? { requestBody: multipartBody(r.multipart) }
        : {};
    paths[url] ??= {};
    const operationId = r.operationId ?? defaultOperationId(r.method, r.url);
    if (operationIds.has(operationId)) throw new Error(`operationId ${operationId} of ${r.method} ${r.url} is used twice`);
    operationIds.add(operationId);
    paths[url][r.method.toLowerCase()] = {
      operationId,
      summary: r.summary,
      tags: [r.tag],
      security: r.auth === 'public' ? [] : [{ bearer: [] }, { cookie: [] }],
      description: [r.auth && r.auth !== 'public' ? `角色：${rolesWith(r.auth).map((x) => ROLE_LABELS[x]).join('、')}` : r.auth === 'public' ? '无需登录' : `角色：${rolesWith('workOnCases').map((x) => ROLE_LABELS[x]).join('、')}`, r.description].filter(Boolean).join('\n\n'),
      parameters: [...params, ...query],
      ...requestBody,
      responses: responsesOf(r, named),
    };
  }
  const errorSchemas = Object.fromEntries(
    ERROR_STATUSES.map((status) => [`Error${status}`, { ...toJsonSchema(errorResponse(...codesOf(status))), description: describeCodes(codesOf(status)) }]),
  );
  const doc = {
    openapi: '3.1.0',
    info: { title: '办成事 API', version: '1.0.0', description: '政务服务领域“办不成事”问题闭环处置平台的公开接口。时间为 ISO 8601，时限按 Asia/Shanghai（+08:00）。' },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'bcs_session', description: '写操作须带 X-CSRF-Token 头' },
      },
      schemas: {
        Error: { ...toJsonSchema(ZErrorResponse), description: '错误：{"error":{"code","message","details"?}}，message 为中文说明' },
        ...errorSchemas,
        ...named,
      },
    },
    paths,
  };
  addExamples(doc);
  return doc;
}
