import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { DIALECTS, DEPARTMENTS, type Api, type TestEnv, useApiEnv } from './test/harness.js';
import { insertDepartment } from './users/user.repository.js';
import { BOOTSTRAP_ELEMENT_ID, modulePreloads, scriptSafeJson, withBootstrap, withModulePreloads, type ManifestChunk } from './web.js';

const INDEX = `<!doctype html>
<html lang="zh-CN">
  <head>
    <meta charset="UTF-8" />
    <title>办成事</title>
    <script type="module" crossorigin src="/assets/index-abc123.js"></script>
  </head>
  <body><div id="root"></div></body>
</html>
`;
/** A build manifest like Vite's: the entry, the shell, two pages sharing a chunk, one importing the entry. */
const MANIFEST: Record<string, ManifestChunk> = {
  'index.html': { file: 'assets/index-abc123.js', isEntry: true, imports: ['_react-r1.js'] },
  '_react-r1.js': { file: 'assets/react-r1.js' },
  // As Rollup files it when the shell's chunk holds more than its own module: by the chunk's name.
  '_AppShell-s1.js': { file: 'assets/AppShell-s1.js', name: 'AppShell', imports: ['index.html', '_Menu-m1.js'] },
  '_Menu-m1.js': { file: 'assets/Menu-m1.js' },
  'src/pages/LedgerPage.tsx': { file: 'assets/LedgerPage-l1.js', imports: ['index.html', '_Select-x1.js'] },
  'src/pages/StatsPage.tsx': { file: 'assets/StatsPage-t1.js', imports: ['_Select-x1.js', '_Menu-m1.js'] },
  '_Select-x1.js': { file: 'assets/Select-x1.js', imports: ['_react-r1.js'] },
  'src/pages/CaseDetailPage.tsx': { file: 'assets/CaseDetailPage-c1.js' },
};
const ASSET = `console.log(${JSON.stringify('办成事'.repeat(400))});\n`;

/** A web root like the build's: index.html and one hashed asset with its .br and .gz. */
function fakeWebRoot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-web-'));
  fs.writeFileSync(path.join(dir, 'index.html'), INDEX);
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), ASSET);
  fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js.br'), zlib.brotliCompressSync(ASSET));
  fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js.gz'), zlib.gzipSync(ASSET));
  fs.mkdirSync(path.join(dir, '.vite'));
  fs.writeFileSync(path.join(dir, '.vite', 'manifest.json'), JSON.stringify(MANIFEST));
  return dir;
}

/** The bootstrap element's JSON in a page, or null. */
function bootstrapIn(html: string): any {
  const m = new RegExp(`<script id="${BOOTSTRAP_ELEMENT_ID}" type="application/json">([^<]*)</script>`).exec(html);
  return m ? JSON.parse(m[1]!) : null;
}

describe('scriptSafeJson / withBootstrap', () => {
  it('keeps </script>, <!-- and line separators out of the inlined text, and parses back to the same value', () => {
    const value = { name: '</script><script>alert(1)</script>', note: '<!-- & -->', ls: 'a\u2028b\u2029c' };
    const s = scriptSafeJson(value);
    expect(s).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(s)).toEqual(value);
    const html = withBootstrap(INDEX, value);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html.indexOf(`id="${BOOTSTRAP_ELEMENT_ID}"`)).toBeLessThan(html.indexOf('</head>'));
    expect(bootstrapIn(html)).toEqual(value);
  });
});

describe('modulePreloads / withModulePreloads', () => {
  it("names the shell's and the page's chunks with what they import, never the entry's own", () => {
    expect(modulePreloads(MANIFEST, '/cases')).toEqual(['/assets/AppShell-s1.js', '/assets/Menu-m1.js', '/assets/LedgerPage-l1.js', '/assets/Select-x1.js', '/assets/react-r1.js']);
    expect(modulePreloads(MANIFEST, '/stats')).toEqual(['/assets/AppShell-s1.js', '/assets/Menu-m1.js', '/assets/StatsPage-t1.js', '/assets/Select-x1.js', '/assets/react-r1.js']);
    expect(modulePreloads(MANIFEST, '/cases/42')).toEqual(['/assets/AppShell-s1.js', '/assets/Menu-m1.js', '/assets/CaseDetailPage-c1.js']);
    // A page without a plan (or not in this build): the shell only.
    expect(modulePreloads(MANIFEST, '/admin/users')).toEqual(['/assets/AppShell-s1.js', '/assets/Menu-m1.js']);
    expect(modulePreloads(MANIFEST, '/cases/x')).toEqual(['/assets/AppShell-s1.js', '/assets/Menu-m1.js']);
  });
  it('puts the links before </head>, leaving out files the page names already and anything not an asset script', () => {
    const html = withModulePreloads(INDEX, ['/assets/index-abc123.js', '/assets/Menu-m1.js', '/x/"><script>.js']);
    expect(html).toContain('<link rel="modulepreload" crossorigin href="/assets/Menu-m1.js"></head>');
    expect(html.match(/modulepreload/g)).toHaveLength(1);
    expect(withModulePreloads(INDEX, [])).toBe(INDEX);
  });
});

describe.each(DIALECTS)('the web app page on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  let web: FastifyInstance;
  let root: string;
  const NASTY = '县</script><script>alert(1)</script>局';
  useApiEnv(kind, async (readyEnv, readyApi) => {
    env = readyEnv;
    api = readyApi;
    await insertDepartment(env.ctx.db, { code: 'evil', name: NASTY, at: env.clock.now().toISOString() });
  });
  beforeAll(async () => {
    root = fakeWebRoot();
    web = await buildApp(env.ctx, { webRoot: root });
  });
  afterAll(async () => {
    await web?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });
  const page = (url: string, headers: Record<string, string> = {}) => web.inject({ method: 'GET', url, headers });
  const cookie = (user: string) => ({ cookie: `bcs_session=${api.tokens[user]}` });

  it('with a valid session cookie carries the session and the reference data, never cached', async () => {
    const r = await page('/', cookie('coord'));
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(String(r.headers.vary)).toMatch(/Cookie/i);
    const boot = bootstrapIn(r.body);
    const me = await api.as('coord').get('/api/v1/auth/me');
    expect(boot.me).toEqual(me.body);
    expect(boot.me.user).toMatchObject({ username: 'coord', role: 'coordinator' });
    expect(boot.me.csrfToken).toMatch(/\S{16,}/);
    expect(boot.departments.items.map((d: { code: string }) => d.code).sort()).toEqual([...DEPARTMENTS.map(([c]) => c), 'evil'].sort());
    expect(boot.settings).toEqual((await api.as('coord').get('/api/v1/settings')).body);
    expect(boot.calendarYears).toEqual((await api.as('coord').get('/api/v1/calendar/years')).body);
    // The page is otherwise the built one, with its page's chunks named for an early fetch.
    expect(r.body).toContain('<script type="module" crossorigin src="/assets/index-abc123.js"></script>');
    expect(r.body).toContain('<link rel="modulepreload" crossorigin href="/assets/AppShell-s1.js">');
    const ledger = await page('/cases?status=received', cookie('coord'));
    expect(ledger.body).toContain('<link rel="modulepreload" crossorigin href="/assets/LedgerPage-l1.js">');
    // The manifest itself is not served.
    expect((await page('/.vite/manifest.json')).statusCode).toBe(404);
  });

  it('escapes what the data holds: a department named with </script> stays inside the JSON', async () => {
    const r = await page('/cases', cookie('coord'));
    expect(r.body.match(/<\/script>/g)).toHaveLength(2);
    expect(r.body).not.toContain('<script>alert(1)');
    expect(bootstrapIn(r.body).departments.items.find((d: { code: string }) => d.code === 'evil').name).toBe(NASTY);
  });

  it('on a deep link too, for each user their own session', async () => {
    const r = await page('/cases/12?tab=timeline', cookie('h_scjg'));
    expect(r.statusCode).toBe(200);
    expect(bootstrapIn(r.body).me.user).toMatchObject({ username: 'h_scjg', role: 'handler', department: 'scjgj' });
  });

  it('without a session cookie, with an unknown one, or with only a bearer token: the plain page, no data', async () => {
    for (const headers of [{} as Record<string, string>, { cookie: 'bcs_session=not-a-session' }, { cookie: 'other=1' }, { authorization: `Bearer ${api.tokens.coord}` }]) {
      const r = await page('/', headers);
      expect(r.statusCode).toBe(200);
      expect(r.body).toBe(INDEX);
      expect(r.body).not.toContain(BOOTSTRAP_ELEMENT_ID);
      expect(r.headers['cache-control']).toBe('no-cache');
    }
  });

  it('after logging out the same cookie gets the plain page', async () => {
    await env.ctx.db.deleteFrom('sessions').where('user_id', '=', (await env.ctx.db.selectFrom('users').select('id').where('username', '=', 'leader').executeTakeFirstOrThrow()).id).execute();
    const r = await page('/', cookie('leader'));
    expect(r.body).toBe(INDEX);
  });

  it('hashed assets: cached for a year, sent compressed to browsers that accept it; the API keeps its JSON 404', async () => {
    const br = await page('/assets/index-abc123.js', { 'accept-encoding': 'br, gzip' });
    expect(br.statusCode).toBe(200);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers['content-encoding']).toBe('br');
    expect(zlib.brotliDecompressSync(br.rawPayload).toString()).toBe(ASSET);
    const gz = await page('/assets/index-abc123.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    const plain = await page('/assets/index-abc123.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(ASSET);
    const missing = await page('/api/v1/no-such-thing', cookie('coord'));
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/json/);
    expect((await page('/assets/nothing.js')).statusCode).toBe(404);
  });
});
