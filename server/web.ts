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
 * The source module of each page a signed-in full load opens on (the routes of
 * web/src/routes/preload.ts, which starts the same code from the page's first script), and the
 * signed-in shell's. Named as the build's manifest names them (relative to web/).
 */
const SHELL_MODULE = 'src/pages/AppShell.tsx';
const ROUTE_MODULES: readonly (readonly [RegExp, string])[] = [
  [/^\/$/, 'src/pages/DashboardPage.tsx'],
  [/^\/cases$/, 'src/pages/LedgerPage.tsx'],
  [/^\/cases\/\d{1,12}$/, 'src/pages/CaseDetailPage.tsx'],
  [/^\/stats$/, 'src/pages/StatsPage.tsx'],
  [/^\/intake$/, 'src/pages/IntakePage.tsx'],
  [/^\/assessment$/, 'src/pages/AssessmentPage.tsx'],
  [/^\/audit$/, 'src/pages/AuditPage.tsx'],
];

/** A chunk of Vite's build manifest (`build.manifest`): its file and the chunks it imports statically. */
export interface ManifestChunk {
  file: string;
  name?: string;
  imports?: string[];
  isEntry?: boolean;
}

/**
 * The JavaScript files a signed-in full load of `pathname` will ask for after the entry script:
 * the shell's and the page's chunks with everything they import statically (not the entry, whose
 * files index.html names already). Sent as `<link rel="modulepreload">` in the page, the browser
 * fetches and compiles them while the entry script is still loading, instead of after it ran.
 */
export function modulePreloads(manifest: Record<string, ManifestChunk>, pathname: string): string[] {
  const page = ROUTE_MODULES.find(([re]) => re.test(pathname))?.[1];
  const files: string[] = [];
  const seen = new Set<string>();
  const visit = (key: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk || chunk.isEntry) return;
    files.push(`/${chunk.file}`);
    for (const i of chunk.imports ?? []) visit(i);
  };
  // Rollup may file the shell under its chunk's name (`_AppShell-<hash>.js`) rather than its source.
  visit(manifest[SHELL_MODULE] ? SHELL_MODULE : (Object.keys(manifest).find((k) => manifest[k]!.name === 'AppShell' && k.endsWith('.js')) ?? SHELL_MODULE));
  if (page) visit(page);
  return files;
}

/** index.html with modulepreload links for `files` put right before `</head>` (files it names already left out). */
export function withModulePreloads(indexHtml: string, files: readonly string[]): string {
  const tags = files
    .filter((f) => /^\/assets\/[\w.-]+\.js$/.test(f) && !indexHtml.includes(`"${f}"`))
    .map((f) => `<link rel="modulepreload" crossorigin href="${f}">`)
    .join('');
  const at = indexHtml.indexOf('</head>');
  return !tags || at < 0 ? indexHtml : indexHtml.slice(0, at) + tags + indexHtml.slice(at);
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
  // Which chunks each page needs (web/vite.config.ts writes the manifest); none without one.
  const manifestFile = path.join(abs, '.vite', 'manifest.json');
  const manifest = fs.existsSync(manifestFile) ? (JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Record<string, ManifestChunk>) : null;
  const page = async (req: FastifyRequest, reply: import('fastify').FastifyReply) => {
    const p = req.url.split('?')[0]!;
    if (p.startsWith('/api/') || path.extname(p)) return reply.callNotFound();
    const boot = await bootstrapOf(app, req);
    // The page differs by session: never kept by a cache, and never one user's page for another.
    if (boot) {
      // Signed in: the page's own chunks are named in it too, fetched alongside the entry script.
      const html = manifest ? withModulePreloads(indexHtml, modulePreloads(manifest, p)) : indexHtml;
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('vary', 'Cookie').send(withBootstrap(html, boot));
    }
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('vary', 'Cookie').send(indexHtml);
  };
  app.get('/', page);
  app.get('/*', page);
}
