/**
 * A thin layer over Fastify routes that also records each route in the OpenAPI document, so the
 * document is generated from the same zod schemas that validate requests.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../core/case-lifecycle.js';
import { describeIssues } from '../core/api/schemas.js';
import { AppError, readableBody, validation } from './errors.js';

export interface RouteSpec<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  summary: string;
  /** Longer Markdown description for the OpenAPI document. */
  description?: string;
  tag: string;
  /** Roles allowed; undefined = any signed-in user; 'public' = no login. */
  auth?: 'public' | readonly string[];
  body?: B;
  query?: Q;
  /** Validate the body inside the handler (when the contract puts 404 before 400). */
  bodyDoc?: z.ZodType;
  responses?: Record<number, string>;
  produces?: string;
  /** Per-client rate limit (@fastify/rate-limit). */
  rateLimit?: { max: number; timeWindow: string | number };
}

interface DocEntry {
  method: string;
  url: string;
  summary: string;
  description?: string;
  tag: string;
  auth?: 'public' | readonly string[];
  body?: z.ZodType;
  query?: z.ZodType;
  responses?: Record<number, string>;
  produces?: string;
}

const registry: DocEntry[] = [];

export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(readableBody(value) ?? undefined);
  if (!r.success) throw validation(describeIssues(r.error));
  return r.data;
}

export function requireActor(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError('UNAUTHENTICATED', '请先登录');
  return req.actor;
}

export function route<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
  app: FastifyInstance,
  spec: RouteSpec<B, Q>,
  handler: (
    req: FastifyRequest,
    reply: FastifyReply,
    input: {
      body: B extends z.ZodType ? z.infer<B> : undefined;
      query: Q extends z.ZodType ? z.infer<Q> : undefined;
      actor: Actor;
    },
  ) => Promise<unknown>,
): void {
  const fullUrl = `${app.prefix ?? ''}${spec.url}`;
  if (!registry.some((r) => r.method === spec.method && r.url === fullUrl)) {
    registry.push({
      method: spec.method,
      url: fullUrl,
      summary: spec.summary,
      description: spec.description,
      tag: spec.tag,
      auth: spec.auth,
      body: spec.body ?? spec.bodyDoc,
      query: spec.query,
      responses: spec.responses,
      produces: spec.produces,
    });
  }
  app.route({
    method: spec.method,
    url: spec.url,
    config: { auth: spec.auth, ...(spec.rateLimit ? { rateLimit: spec.rateLimit } : {}) },
    handler: async (req, reply) => {
      const actor = spec.auth === 'public' ? (req.actor as Actor) : requireActor(req);
      const body = spec.body ? parseWith(spec.body, req.body) : undefined;
      const query = spec.query ? parseWith(spec.query, req.query) : undefined;
      if (spec.auth && spec.auth !== 'public' && !spec.auth.includes(actor.role)) {
        throw new AppError('FORBIDDEN', '您的角色无权访问此功能');
      }
      return handler(req, reply, { body: body as any, query: query as any, actor });
    },
  });
}

function toJsonSchema(s: z.ZodType): unknown {
  try {
    return z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
  } catch {
    return { type: 'object' };
  }
}

/** The OpenAPI 3.1 document of every registered route. */
export function openApiDocument(): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
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
    const responses: Record<string, unknown> = {};
    for (const [code, description] of Object.entries(r.responses ?? { 200: '成功' })) {
      responses[code] = r.produces
        ? { description, content: { [r.produces]: {} } }
        : { description, content: { 'application/json': {} } };
    }
    responses.default = { description: '错误', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    paths[url] ??= {};
    paths[url][r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      security: r.auth === 'public' ? [] : [{ bearer: [] }, { cookie: [] }],
      description: [r.auth && r.auth !== 'public' ? `角色：${r.auth.join('、')}` : r.auth === 'public' ? '无需登录' : '任何已登录用户', r.description].filter(Boolean).join('\n\n'),
      parameters: [...params, ...query],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(r.body) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: '办成事 API', version: '1.0.0', description: '政务服务领域“办不成事”问题闭环处置平台的公开接口。时间为 ISO 8601，时限按 Asia/Shanghai（+08:00）。' },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'bcs_session', description: '写操作须带 X-CSRF-Token 头' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', enum: ['VALIDATION', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'VERSION_CONFLICT', 'INVALID_TRANSITION', 'IDEMPOTENCY_MISMATCH', 'CONFLICT', 'RATE_LIMITED', 'INTERNAL'] },
                message: { type: 'string', description: '中文说明' },
                details: {},
              },
            },
          },
        },
      },
    },
    paths,
  };
}
