/** Serves the built web app (web/dist) with an SPA fallback to index.html. */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

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
    index: ['index.html'],
    // The build writes .br/.gz beside every asset: send those to browsers that accept them.
    preCompressed: true,
    cacheControl: false,
    setHeaders: (res, file) => {
      // Hashed asset names never change content: cache them for a year; index.html always fresh.
      if (/[\\/]assets[\\/]/.test(file)) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
      else res.setHeader('cache-control', 'no-cache');
    },
  });
  const indexHtml = fs.readFileSync(path.join(abs, 'index.html'));
  app.get('/*', async (req, reply) => {
    const p = req.url.split('?')[0]!;
    if (p.startsWith('/api/') || path.extname(p)) return reply.callNotFound();
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml);
  });
}
