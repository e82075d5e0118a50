/**
 * The reporter's pages, served by the same server without login: `/public/report` (online report)
 * `/public/track?caseNo=…` (progress lookup; the receipt's QR code points here) and
 * `/public/rate?t=…` (好差评 by link, from the completion SMS or the progress page). Plain HTML, a
 * small script and a style sheet from `./pages/`, read once at start; strict CSP (no inline code).
 */
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';

const PAGES_DIR = new URL('./pages/', import.meta.url);

/** No inline script or style, nothing from elsewhere, no framing, forms post only here. */
export const PUBLIC_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const ASSETS: Record<string, string> = {
  'public.css': 'text/css; charset=utf-8',
  'common.js': 'text/javascript; charset=utf-8',
  'report.js': 'text/javascript; charset=utf-8',
  'track.js': 'text/javascript; charset=utf-8',
  'rate.js': 'text/javascript; charset=utf-8',
};

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', PUBLIC_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
}

const read = (name: string) => fs.readFileSync(new URL(name, PAGES_DIR));
const shortHash = (b: Buffer) => createHash('sha256').update(b).digest('hex').slice(0, 10);

export function registerPublicPages(app: FastifyInstance): void {
  const assets = new Map(Object.keys(ASSETS).map((name) => [name, read(name)]));
  const versions: Record<string, string> = {
    __V_CSS__: shortHash(assets.get('public.css')!),
    __V_COMMON__: shortHash(assets.get('common.js')!),
    __V_REPORT__: shortHash(assets.get('report.js')!),
    __V_TRACK__: shortHash(assets.get('track.js')!),
    __V_RATE__: shortHash(assets.get('rate.js')!),
  };
  // Asset URLs carry their content hash, so they may be cached long; the pages themselves are revalidated.
  const page = (name: string) => read(name).toString('utf8').replace(/__V_[A-Z]+__/g, (k) => versions[k] ?? '0');
  const pages: Record<string, string> = { report: page('report.html'), track: page('track.html'), rate: page('rate.html') };

  for (const [name, html] of Object.entries(pages)) {
    app.get(`/public/${name}`, async (_req, reply) =>
      securityHeaders(reply).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html),
    );
  }
  app.get('/public', async (_req, reply) => reply.redirect('/public/report'));
  app.get('/public/', async (_req, reply) => reply.redirect('/public/report'));
  app.get('/public/assets/:name', async (req, reply) => {
    const name = (req.params as { name: string }).name;
    const body = Object.prototype.hasOwnProperty.call(ASSETS, name) ? assets.get(name) : undefined;
    if (!body) return reply.callNotFound();
    return securityHeaders(reply).header('cache-control', 'public, max-age=86400').type(ASSETS[name]!).send(body);
  });
}
