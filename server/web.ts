/**
 * Serves the built web app (web/dist) with an SPA fallback to index.html. A page request that
 * carries a valid session cookie gets index.html with a bootstrap: the answers of GET /auth/me,
 * /departments, /settings and /calendar/years inlined as JSON, so the app starts signed in with
 * its reference data instead of asking for them one after another (web/src/bootstrap.ts). A
 * request without a valid session gets the plain page.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { SESSION_COOKIE } from './auth/auth.routes.js';

/** The id of the bootstrap element (web/src/bootstrap.ts reads it). */
export const BOOTSTRAP_ELEMENT_ID = 'bcs-bootstrap';

/** The reads inlined into the page, by the bootstrap's field names. */
const BOOTSTRAP_READS = { me: '/api/v1/auth/me', departments: '/api/v1/departments', settings: '/api/v1/settings', calendarYears: '/api/v1/calendar/years' } as const;

/**
 * JSON that is safe inside `<script type="application/json">`: no `<` (so no `</script>` or
 * `<!--`), `>` or `&` in the text, and the two line separators JavaScript once treated as line ends.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** index.html with the bootstrap element put right before `</head>`. */
export function withBootstrap(indexHtml: string, bootstrap: unknown): string {
  const tag = `<script id="${BOOTSTRAP_ELEMENT_ID}" type="application/json">${scriptSafeJson(bootstrap)}</script>`;
  const at = indexHtml.indexOf('</head>');
  return at < 0 ? tag + indexHtml : indexHtml.slice(0, at) + tag + indexHtml.slice(at);
}

/**
 * The bootstrap of a page request: the session and reference data as the API answers them for
 * this request's session cookie (the same routes, permissions and schemas), or null when the
 * request has no valid session.
 */
async function bootstrapOf(app: FastifyInstance, req: FastifyRequest): Promise<Record<string, unknown> | null> {
  const token = req.cookies?.[SESSION_COOKIE];
  if (!token) return null;
  const entries = Object.entries(BOOTSTRAP_READS);
  const answers = await Promise.all(
    entries.map(([, url]) =>
      app.inject({ method: 'GET', url, headers: { cookie: `${SESSION_COOKIE}=${encodeURIComponent(token)}`, accept: 'application/json' }, remoteAddress: req.ip }),
    ),
  );
  if (answers[0]!.statusCode !== 200) return null;
  const out: Record<string, unknown> = {};
  entries.forEach(([key], i) => {
    const r = answers[i]!;
    if (r.statusCode === 200) out[key] = r.json();
  });
  return out;
}

export async function registerWeb(app: FastifyInstance, root: string): Promise<void> {
  const abs = path.resolve(root);
  if (!fs.existsSync(path.join(abs, 'index.html'))) {
    app.get('/', async (_req, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send('<!doctype html><meta charset="utf-8"><title>办成事</title><p>办成事 API 已启动。网页尚未构建：运行 <code>npm run build:web</code>。接口文档见 <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>。</p>'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: abs,
    prefix: '/',
    wildcard: false,
    // "/" is the page below (with its bootstrap), not a static file.
    index: false,
    // The build writes .br/.gz beside every asset: send those to browsers that accept them.
    preCompressed: true,
    cacheControl: false,
    setHeaders: (res, file) => {
      // Hashed asset names never change content: cache them for a year; index.html always fresh.
      if (/[\\/]assets[\\/]/.test(file)) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
      else res.setHeader('cache-control', 'no-cache');
    },
  });
  const indexHtml = fs.readFileSync(path.join(abs, 'index.html'), 'utf8');
  const page = async (req: FastifyRequest, reply: import('fastify').FastifyReply) => {
    const p = req.url.split('?')[0]!;
    if (p.startsWith('/api/') || path.extname(p)) return reply.callNotFound();
    const boot = await bootstrapOf(app, req);
    // The page differs by session: never kept by a cache, and never one user's page for another.
    if (boot) return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('vary', 'Cookie').send(withBootstrap(indexHtml, boot));
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('vary', 'Cookie').send(indexHtml);
  };
  app.get('/', page);
  app.get('/*', page);
}
