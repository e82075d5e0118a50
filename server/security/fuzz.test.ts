/**
 * Fuzz and property tests over every endpoint (issue 16): the routes come from the OpenAPI document
 * the app serves (every route is declared through server/http.ts) plus the public pages. Inputs:
 * control characters and NUL in every path segment, query and string; junk and odd-but-legal
 * header values; odd methods and content types on every route; huge, deep and duplicate-key JSON.
 * Property: never a 5xx; an /api/ answer of 4xx is always the product's error shape
 * {"error":{"code","message"}} (never fastify's own {"statusCode","error","message"}).
 * Bounded in time (FUZZ_SECONDS per database, default 45); the number of requests is printed.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { DIALECTS, intakeBody, useApiEnv, type Api } from '../test/harness.js';

const BUDGET_MS = Number(process.env.FUZZ_SECONDS ?? 45) * 1000;
const USERS = [null, 'admin', 'coord', 'clerk', 'h_scjg', 'super', 'leader'] as const;
const ODD_METHODS = ['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'SEARCH', 'PROPFIND', 'COPY', 'LOCK'] as const;
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/octet-stream',
  'application/jsonx',
  '*/*',
  'application/json;;;',
  'a/b\tc',
] as const;

interface RouteT {
  method: string;
  url: string;
}

/** Strings with control characters, NUL, surrogates, bidi marks, long runs. */
const nasty = fc.oneof(
  fc.string({ unit: fc.constantFrom('\u0000', '\u0001', '\u0007', '\u001b', '\u007f', '\u0085', '\u2028', '\u202e', '\ud800', '\ufeff', '\n', '\r', '\t', '%', '/', '\\', '..', '"', "'", '<', '{', '中', 'a', '0') }),
  fc.constantFrom('', ' ', '0', '-1', '1e3', '9999999999999999999999', 'NaN', 'null', 'undefined', '__proto__', 'constructor', '%00', '..%2f..%2fetc%2fpasswd', '\u0000'.repeat(50), 'x'.repeat(5000), '1 OR 1=1', "'; drop table cases;--"),
  fc.string({ maxLength: 40 }),
);
/** Header values the HTTP layer would carry: no CR, LF or NUL, but tabs, junk and high Latin-1. */
const headerValue = fc.string({ unit: fc.constantFrom('\t', ' ', 'a', 'Z', '0', ';', '=', ',', '"', '\u00ff', '\u0080', 'é', '%', '\u007f'), maxLength: 60 });
/** JSON values with nasty strings at any depth. */
const jsonBody = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, nasty, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(fc.oneof(nasty, fc.constantFrom('version', 'reporter', 'name', 'phone', 'departmentCodes', 'password', 'username', '__proto__')), tie('value'), { maxKeys: 6 }),
})).value;

/** Percent-encoding that also carries what is not UTF-8: a lone surrogate goes as the raw bytes ED A0 80, %FF as it is. */
function enc(s: string): string {
  return s
    .split(/([\ud800-\udfff])/)
    .map((part) => (/^[\ud800-\udfff]$/.test(part) ? '%ED%A0%80%FF' : encodeURIComponent(part)))
    .join('');
}

function fill(url: string, seg: string): string {
  return url.replace(/\{[^}]+\}|:[A-Za-z]+/g, () => enc(seg));
}

function checkAnswer(r: { statusCode: number; body: string; headers: Record<string, unknown> }, req: InjectOptions): void {
  const where = `${req.method} ${String(req.url).slice(0, 200)} → ${r.statusCode} ${r.body.slice(0, 300)}`;
  if (r.statusCode >= 500) throw new Error(`5xx: ${where}`);
  const url = String(req.url);
  if (url.startsWith('/api/') && r.statusCode >= 400 && req.method !== 'HEAD') {
    let body: any;
    try {
      body = JSON.parse(r.body);
    } catch {
      throw new Error(`not JSON: ${where}`);
    }
    if (!body || typeof body.error !== 'object' || typeof body.error.code !== 'string' || typeof body.error.message !== 'string' || 'statusCode' in body) {
      throw new Error(`not the error shape: ${where}`);
    }
  }
}

describe.each(DIALECTS)('fuzzing every endpoint (%s)', (kind) => {
  let api: Api;
  const routes: RouteT[] = [];
  let sent = 0;
  let started = Date.now();
  const left = () => BUDGET_MS - (Date.now() - started);

  useApiEnv(kind, async (_env, a) => {
    api = a;
    started = Date.now();
    await a.as('clerk').post('/api/v1/cases', intakeBody());
    const doc = (await a.as(null).get('/api/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const m of Object.keys(ops)) routes.push({ method: m.toUpperCase(), url: `/api/v1${p}` });
    }
    routes.push({ method: 'GET', url: '/public/report' }, { method: 'GET', url: '/public/track' }, { method: 'GET', url: '/public/rate' }, { method: 'GET', url: '/' });
  });
  afterAll(() => {
    console.log(`fuzz (${kind}): ${sent} requests over ${routes.length} routes in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  const send = async (req: InjectOptions, user: (typeof USERS)[number]) => {
    const headers = { ...(req.headers ?? {}) } as Record<string, string>;
    // Logging out would end the shared session of the test account.
    if (user && !String(req.url).includes('/auth/logout') && !('authorization' in headers)) headers.authorization = `Bearer ${api.tokens[user]}`;
    const r = await api.app.inject({ ...req, headers });
    sent++;
    checkAnswer({ statusCode: r.statusCode, body: r.body, headers: r.headers }, req);
  };

  it('found routes to fuzz', () => {
    expect(routes.length).toBeGreaterThan(80);
  });

  it('control characters and NUL in every path segment and query, for every route and role', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), nasty, nasty, fc.constantFrom(...USERS), async (i, seg, q, user) => {
        const r = routes[i % routes.length]!;
        const url = `${fill(r.url, seg)}?q=${enc(q)}&limit=${enc(q)}&cursor=${enc(seg)}&${enc(q)}=1`;
        await send({ method: r.method as InjectOptions['method'], url, ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { payload: {} }) }, user);
      }),
      { numRuns: 100_000, interruptAfterTimeLimit: Math.max(1000, BUDGET_MS * 0.3), seed: 16 },
    );
  }, 120_000);

  it('random JSON bodies with nasty strings on every writing route, and junk in every header', async () => {
    const writes = routes.filter((r) => r.method !== 'GET');
    const budget = Math.max(1000, left() * 0.45);
    await fc.assert(
      fc.asyncProperty(fc.nat(), jsonBody, fc.constantFrom(...USERS), headerValue, headerValue, fc.boolean(), async (i, body, user, h1, h2, junkAuth) => {
        const r = writes[i % writes.length]!;
        const headers: Record<string, string> = { 'content-type': 'application/json', 'x-csrf-token': h1, 'accept-language': h2, 'idempotency-key': h1, 'x-forwarded-for': h2, cookie: `bcs_session=${h1}` };
        if (junkAuth) headers.authorization = `Bearer ${h2}`;
        await send({ method: r.method as InjectOptions['method'], url: fill(r.url, '1'), headers, payload: JSON.stringify(body) }, user);
      }),
      { numRuns: 100_000, interruptAfterTimeLimit: budget, seed: 17 },
    );
  }, 120_000);

  it('valid bodies with one string made nasty: intake, its corrections and the public report', async () => {
    /** Every path to a string leaf of a value. */
    const leaves = (v: unknown, at: string[] = []): string[][] =>
      typeof v === 'string' ? [at] : v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => leaves(x, [...at, k])) : [];
    const base = intakeBody({ reporter: { name: '张三', phone: '13800001234', kind: 'enterprise', orgName: '某公司', orgCode: '91440300708461136T' } });
    const paths = leaves(base);
    await fc.assert(
      fc.asyncProperty(fc.nat(), nasty, fc.constantFrom('/api/v1/cases', '/api/v1/public/reports'), async (i, bad, url) => {
        const body = structuredClone(base) as Record<string, any>;
        const p = paths[i % paths.length]!;
        let o = body;
        for (const k of p.slice(0, -1)) o = o[k];
        o[p[p.length - 1]!] = bad;
        if (url.includes('public')) body.consent = true;
        await send({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) }, url.includes('public') ? null : 'clerk');
      }),
      { numRuns: 100_000, interruptAfterTimeLimit: Math.max(1000, BUDGET_MS * 0.1), seed: 18 },
    );
  }, 120_000);

  it('odd methods and content types on every route answer the error shape', async () => {
    for (const r of routes) {
      if (left() < BUDGET_MS * 0.15) break;
      for (const method of ODD_METHODS) await send({ method: method as InjectOptions['method'], url: fill(r.url, '1') }, 'admin');
      if (r.method === 'GET') continue;
      for (const ct of CONTENT_TYPES) await send({ method: r.method as InjectOptions['method'], url: fill(r.url, '1'), headers: { 'content-type': ct }, payload: '{"a":1}' }, 'admin');
    }
  }, 120_000);

  it('huge, deep and duplicate-key JSON everywhere', async () => {
    const writes = routes.filter((r) => r.method !== 'GET');
    const bodies = [
      '['.repeat(50_000) + ']'.repeat(50_000),
      '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000),
      JSON.stringify({ reporter: { name: 'x'.repeat(900_000) } }),
      'x'.repeat(1_100_000),
      '{"version":1,"version":"1","reporter":{"name":"甲","name":"\\u0000"},"channel":"window","channel":null}',
      '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}',
      JSON.stringify(Array.from({ length: 20_000 }, (_, i) => ({ [`k${i}`]: i }))),
      '\u0000',
      '"\\ud800"',
      '1e999999',
    ];
    for (const r of writes) {
      if (left() < 0) break;
      for (const payload of bodies) await send({ method: r.method as InjectOptions['method'], url: fill(r.url, '1'), headers: { 'content-type': 'application/json' }, payload }, 'admin');
    }
  }, 120_000);
});
