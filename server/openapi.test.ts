import ExcelJS from 'exceljs';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret, TOTP } from 'otpauth';
import { createTestEnv, DIALECTS, intakeBody, seedBasics, startApi, type Api, type TestEnv } from './test/harness.js';
import { buildApp } from './app.js';
import { documentedResponse, documentedRoutes } from './http.js';
import { ERROR_CODES } from './errors.js';
import { API_ERROR_CODES, ZAuditVerification, ZLedgerImportResult, ZSettingsResponse, ZStatsFigures } from '../core/api/responses.js';
import type { StatsFigures } from '../core/api/stats.js';
import type { Settings } from './settings/settings.repository.js';
import type { ImportResult } from './documents/ledger-import.js';
import type { AuditVerification } from './audit/audit.repository.js';
import { LEDGER_COLUMNS } from './documents/ledger-format.js';
import { act, multipart, seedSpread, useLongSessions, XLSX } from './documents/test-support.js';
import { putSettings } from './settings/settings.repository.js';
import { exeFile, multipartBody, pdfFile, pngFile } from './attachments/test-files.js';

// Compile-time: the documented shapes are the types the server builds its answers from.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const typesAgree: [
  Same<z.infer<typeof ZSettingsResponse>, Settings>,
  Same<z.infer<typeof ZLedgerImportResult>, ImportResult>,
  Same<z.infer<typeof ZAuditVerification>, AuditVerification>,
  Same<z.infer<typeof ZStatsFigures>, StatsFigures>,
] = [true, true, true, true];
void typesAgree;

const API = '/api/v1';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** The core paths docs/CONTRACT.md names, with their methods (the contract's surface), and the other documented essentials. */
const CONTRACT: Array<[string, string]> = [
  ['GET', '/health'],
  ['GET', '/openapi.json'],
  ['POST', '/auth/login'],
  ['POST', '/cases'],
  ['GET', '/cases'],
  ['GET', '/cases/{id}'],
  ['POST', '/cases/{id}/actions/{action}'],
  ['GET', '/stats/overview'],
  ['GET', '/stats/departments'],
  ['GET', '/cases/{id}/assignment-sheet.docx'],
  ['GET', '/cases/{id}/receipt'],
  ['GET', '/ledger.xlsx'],
  ['POST', '/ledger/import'],
  ['GET', '/calendar/deadline'],
  ['GET', '/audit/verify'],
  ['POST', '/public/cases'],
  ['GET', '/public/cases/{caseNo}'],
  // Administration and notifications: the web app and integrations rely on them too.
  ['GET', '/notifications'],
  ['GET', '/notifications/unread-count'],
  ['POST', '/notifications/read-all'],
  ['POST', '/notifications/{id}/read'],
  ['GET', '/settings'],
  ['PUT', '/settings'],
  ['GET', '/users'],
  ['POST', '/users'],
  ['PATCH', '/users/{id}'],
  ['GET', '/departments'],
  ['POST', '/departments'],
  ['PATCH', '/departments/{code}'],
];

/** Follows a local `$ref` (#/components/...) in the document. */
function deref(doc: any, node: any): any {
  let n = node;
  for (let i = 0; n && typeof n.$ref === 'string' && i < 10; i++) {
    n = n.$ref
      .slice(2)
      .split('/')
      .map((s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((o: any, k: string) => o?.[k], doc);
  }
  return n;
}

/** The properties of an object schema (of every branch of an anyOf/oneOf). */
function propsOf(doc: any, schema: any): Record<string, any> {
  const s = deref(doc, schema);
  const branches = s?.anyOf ?? s?.oneOf ?? [s];
  return Object.assign({}, ...branches.map((b: any) => deref(doc, b)?.properties ?? {}));
}

const jsonSchemaOf = (doc: any, method: string, path: string, status: number) =>
  doc.paths[`${API}${path}`]?.[method.toLowerCase()]?.responses?.[status]?.content?.['application/json']?.schema;

/** Every JSON schema in the document, with where it sits. */
function schemasIn(doc: any): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = Object.entries(doc.components.schemas).map(([k, v]) => [`components.schemas.${k}`, v]);
  for (const [path, ops] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(ops)) {
      for (const p of op.parameters ?? []) out.push([`${method} ${path} parameter ${p.name}`, p.schema]);
      for (const [type, media] of Object.entries<any>(op.requestBody?.content ?? {})) out.push([`${method} ${path} body ${type}`, media.schema]);
      for (const [code, res] of Object.entries<any>(op.responses)) {
        for (const [type, media] of Object.entries<any>(res.content ?? {})) if (media.schema) out.push([`${method} ${path} ${code} ${type}`, media.schema]);
      }
    }
  }
  return out;
}

function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

const newAjv = () => new Ajv2020({ strict: false, validateFormats: false, allErrors: true });

describe('health and OpenAPI', () => {
  let env: TestEnv;
  let doc: any;
  beforeAll(async () => {
    env = await createTestEnv('sqlite');
    const app = await buildApp(env.ctx);
    doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    await app.close();
  });
  afterAll(async () => env.close());

  it('answers health and documents every route of the contract', async () => {
    const app = await buildApp(env.ctx);
    const h = await app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(h.json()).toEqual({ status: 'ok', database: 'sqlite' });
    const r = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of ['/api/v1/auth/login', '/api/v1/cases', '/api/v1/cases/{id}', '/api/v1/cases/{id}/actions/{action}', '/api/v1/stats/overview', '/api/v1/stats/departments', '/api/v1/calendar/deadline', '/api/v1/audit/verify', '/api/v1/public/cases', '/api/v1/public/cases/{caseNo}']) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
    expect(doc.paths['/api/v1/cases'].post.requestBody.content['application/json'].schema.properties.reporter).toBeTruthy();
    // The statistics' definitions are part of the API documentation.
    expect(doc.paths['/api/v1/stats/overview'].get.description).toContain('completedOnTime');
    expect(doc.paths['/api/v1/stats/overview'].get.description).toContain('按时办结');
    await app.close();
  });

  it('names every path of the contract with its method, health and the document itself included', () => {
    for (const [method, path] of CONTRACT) {
      expect(doc.paths[`${API}${path}`]?.[method.toLowerCase()], `${method} ${path}`).toBeTruthy();
    }
    expect(doc.paths['/api/v1/health'].get.security).toEqual([]);
    expect(doc.paths['/api/v1/openapi.json'].get.security).toEqual([]);
    expect(Object.keys(propsOf(doc, jsonSchemaOf(doc, 'GET', '/health', 200)))).toEqual(['status', 'database']);
  });

  it('documents an answer schema for every JSON answer of every route', () => {
    const missing: string[] = [];
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(ops)) {
        for (const [code, res] of Object.entries<any>(op.responses)) {
          for (const [type, media] of Object.entries<any>(res.content ?? {})) {
            if (!media.schema) missing.push(`${method.toUpperCase()} ${path} ${code} ${type}`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('documents the properties docs/CONTRACT.md names', () => {
    const keys = (method: string, path: string, status: number) => Object.keys(propsOf(doc, jsonSchemaOf(doc, method, path, status)));

    const login = propsOf(doc, jsonSchemaOf(doc, 'POST', '/auth/login', 200));
    expect(Object.keys(login)).toEqual(expect.arrayContaining(['token', 'csrfToken', 'user']));
    expect(Object.keys(propsOf(doc, login.user))).toEqual(expect.arrayContaining(['username', 'role', 'department']));

    const caseKeys = ['id', 'caseNo', 'status', 'level', 'problemType', 'leadDepartment', 'coDepartments', 'dueAt', 'overdue', 'version', 'events', 'measures', 'callback', 'allowedActions'];
    for (const [method, path, status] of [['GET', '/cases/{id}', 200], ['POST', '/cases', 201], ['POST', '/cases', 200], ['POST', '/cases/{id}/actions/{action}', 200]] as const) {
      expect(keys(method, path, status), `${method} ${path} ${status}`).toEqual(expect.arrayContaining(caseKeys));
    }
    const detail = propsOf(doc, jsonSchemaOf(doc, 'GET', '/cases/{id}', 200));
    expect(Object.keys(propsOf(doc, detail.events.items))).toEqual(expect.arrayContaining(['type', 'at', 'by', 'data']));
    // Deadlines are given with +08:00.
    expect(JSON.stringify(deref(doc, detail.dueAt))).toContain('+08:00');
    // The one case schema is a named component, not a copy per answer.
    expect(jsonSchemaOf(doc, 'GET', '/cases/{id}', 200).$ref).toBe('#/components/schemas/Case');

    const list = propsOf(doc, jsonSchemaOf(doc, 'GET', '/cases', 200));
    expect(Object.keys(list)).toEqual(expect.arrayContaining(['items', 'nextCursor']));
    expect(Object.keys(propsOf(doc, list.items.items))).toEqual(expect.arrayContaining(['id', 'caseNo', 'status', 'reporter', 'version']));

    const figures = ['received', 'byChannel', 'byProblemType', 'byLevel', 'byStatus', 'resolvedOnSpot', 'rejected', 'completed', 'completedOnTime', 'onTimeRate', 'callbacks', 'satisfied', 'satisfactionRate', 'badReviews', 'badReviewsSubstantiated', 'overdueOpen'];
    expect(keys('GET', '/stats/overview', 200)).toEqual(expect.arrayContaining(figures));
    const depts = propsOf(doc, jsonSchemaOf(doc, 'GET', '/stats/departments', 200));
    expect(Object.keys(propsOf(doc, depts.items.items))).toEqual(expect.arrayContaining(['department', 'name', ...figures]));
    // Rates are null when their denominator is 0.
    expect(JSON.stringify(propsOf(doc, jsonSchemaOf(doc, 'GET', '/stats/overview', 200)).onTimeRate)).toContain('null');

    expect(keys('GET', '/calendar/deadline', 200)).toContain('deadline');
    expect(keys('GET', '/audit/verify', 200)).toEqual(expect.arrayContaining(['ok', 'records', 'brokenAt']));
    expect(keys('POST', '/public/cases', 201)).toContain('caseNo');
    const progress = keys('GET', '/public/cases/{caseNo}', 200);
    expect(progress).toEqual(expect.arrayContaining(['caseNo', 'status', 'progress']));
    // Progress without personal data.
    for (const personal of ['reporter', 'phone', 'name', 'orgCode']) expect(progress).not.toContain(personal);
    expect(keys('GET', '/notifications', 200)).toEqual(expect.arrayContaining(['items', 'unreadCount', 'nextCursor']));
    expect(keys('GET', '/settings', 200)).toEqual(expect.arrayContaining(['levelDays', 'countyName', 'dueSoonWorkingDays']));
    expect(keys('GET', '/users', 200)).toEqual(['items']);
    expect(keys('POST', '/departments', 201)).toEqual(expect.arrayContaining(['code', 'name', 'disabled']));
  });

  it('documents the error envelope for the statuses each route can answer', () => {
    const err = doc.components.schemas.Error;
    expect(err.properties.error.required).toEqual(['code', 'message']);
    expect(err.properties.error.properties.code.enum.sort()).toEqual(Object.keys(ERROR_CODES).sort());
    expect([...API_ERROR_CODES].sort()).toEqual(Object.keys(ERROR_CODES).sort());
    const codes = (method: string, path: string, status: number) => {
      const s = deref(doc, jsonSchemaOf(doc, method, path, status));
      return s?.properties?.error?.properties?.code?.enum;
    };
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(ops)) {
        const isPublic = op.security.length === 0;
        if (!isPublic) expect(op.responses['401'], `${method} ${path} 401`).toBeTruthy();
        if (/\{\w+\}/.test(path)) expect(op.responses['404'], `${method} ${path} 404`).toBeTruthy();
        if (op.requestBody || (op.parameters ?? []).some((p: any) => p.in === 'query')) expect(op.responses['400'], `${method} ${path} 400`).toBeTruthy();
        for (const [code, res] of Object.entries<any>(op.responses)) {
          if (code === 'default' || Number(code) < 400) continue;
          const enumCodes = deref(doc, res.content['application/json'].schema).properties.error.properties.code.enum as string[];
          // Each documented code belongs to the status it is documented under.
          for (const c of enumCodes) expect(ERROR_CODES[c as keyof typeof ERROR_CODES], `${method} ${path} ${code} ${c}`).toBe(Number(code));
        }
      }
    }
    expect(codes('GET', '/cases/{id}', 404)).toEqual(['NOT_FOUND']);
    expect(codes('POST', '/cases/{id}/actions/{action}', 409)).toEqual(['VERSION_CONFLICT', 'INVALID_TRANSITION']);
    expect(codes('POST', '/cases/{id}/actions/{action}', 403)).toEqual(['FORBIDDEN']);
    expect(codes('POST', '/cases', 409)).toEqual(['IDEMPOTENCY_MISMATCH']);
    expect(codes('GET', '/stats/overview', 403)).toEqual(['FORBIDDEN']);
    expect(codes('GET', '/audit/verify', 403)).toEqual(['FORBIDDEN']);
    expect(codes('POST', '/auth/login', 401)).toEqual(['UNAUTHENTICATED']);
    expect(codes('POST', '/public/cases', 429)).toEqual(['RATE_LIMITED']);
    expect(codes('GET', '/public/cases/{caseNo}', 429)).toEqual(['RATE_LIMITED']);
    expect(codes('GET', '/public/cases/{caseNo}', 404)).toEqual(['NOT_FOUND']);
    // Only a VALIDATION error carries details; a 404 body never carries anything else.
    expect(Object.keys(deref(doc, jsonSchemaOf(doc, 'GET', '/cases', 400)).properties.error.properties)).toContain('details');
    expect(Object.keys(deref(doc, jsonSchemaOf(doc, 'GET', '/cases/{id}', 404)).properties.error.properties)).toEqual(['code', 'message']);
  });

  it('names the media types of downloads, print pages and the ledger upload', () => {
    const content = (path: string) => doc.paths[`${API}${path}`].get.responses['200'].content;
    expect(Object.keys(content('/cases/{id}/assignment-sheet.docx'))).toEqual(['application/vnd.openxmlformats-officedocument.wordprocessingml.document']);
    expect(Object.keys(content('/ledger.xlsx'))).toEqual([XLSX]);
    expect(Object.keys(content('/cases/{id}/receipt'))).toEqual(['text/html']);
    expect(content('/ledger.xlsx')[XLSX].schema).toMatchObject({ type: 'string', format: 'binary' });
    const upload = doc.paths[`${API}/ledger/import`].post.requestBody;
    expect(upload.required).toBe(true);
    expect(Object.keys(upload.content)).toEqual(['multipart/form-data']);
    const form = upload.content['multipart/form-data'];
    expect(form.schema.required).toEqual(['file']);
    expect(form.schema.properties.file).toMatchObject({ type: 'string', format: 'binary', contentMediaType: XLSX });
    expect(form.encoding.file.contentType).toBe(XLSX);
    expect(Object.keys(propsOf(doc, jsonSchemaOf(doc, 'POST', '/ledger/import', 200)))).toEqual(expect.arrayContaining(['imported', 'skipped', 'sm3']));
  });

  it('is a well-formed OpenAPI 3.1 document', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(typeof doc.info.title).toBe('string');
    expect(typeof doc.info.version).toBe('string');
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      expect(path.startsWith('/')).toBe(true);
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const [method, op] of Object.entries<any>(ops)) {
        const where = `${method} ${path}`;
        expect(METHODS, where).toContain(method);
        const declared = (op.parameters ?? []).filter((p: any) => p.in === 'path');
        expect(declared.map((p: any) => p.name).sort(), where).toEqual(templated);
        for (const p of declared) expect(p.required, where).toBe(true);
        const keys = (op.parameters ?? []).map((p: any) => `${p.in}:${p.name}`);
        expect(new Set(keys).size, `${where} unique parameters`).toBe(keys.length);
        for (const p of op.parameters ?? []) expect(['query', 'header', 'path', 'cookie'], where).toContain(p.in);
        expect(Object.keys(op.responses).length, where).toBeGreaterThan(0);
        for (const [code, res] of Object.entries<any>(op.responses)) {
          expect(code === 'default' || /^[1-5]\d\d$/.test(code), `${where} ${code}`).toBe(true);
          expect(typeof res.description, `${where} ${code} description`).toBe('string');
        }
        for (const s of op.security) for (const name of Object.keys(s)) expect(Object.keys(doc.components.securitySchemes), where).toContain(name);
      }
    }
    // Every reference resolves.
    for (const ref of refsIn(doc)) {
      expect(ref.startsWith('#/'), ref).toBe(true);
      expect(deref(doc, { $ref: ref }), ref).toBeTruthy();
    }
    // Every schema is valid JSON Schema 2020-12 (the dialect of OpenAPI 3.1).
    const ajv = newAjv();
    for (const [where, schema] of schemasIn(doc)) {
      expect(() => ajv.compile({ ...(schema as object), components: doc.components }), where).not.toThrow();
    }
  });

  it('gives every operation a unique camelCase operationId, the main ones by name', () => {
    const ids: string[] = [];
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(ops)) {
        expect(op.operationId, `${method} ${path}`).toMatch(/^[a-z][A-Za-z0-9]*$/);
        ids.push(op.operationId);
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
    const idOf = (method: string, path: string) => doc.paths[`${API}${path}`][method].operationId;
    expect(idOf('post', '/cases')).toBe('createCase');
    expect(idOf('get', '/cases')).toBe('listCases');
    expect(idOf('get', '/cases/{id}')).toBe('getCase');
    expect(idOf('post', '/cases/{id}/actions/{action}')).toBe('runCaseAction');
    expect(idOf('post', '/api-keys')).toBe('createApiKey');
    expect(idOf('post', '/webhooks')).toBe('createWebhook');
    // The others follow their method and path.
    expect(idOf('get', '/cases/{id}/receipt')).toBe('getCasesByIdReceipt');
  });

  it('gives every operation an example of its success answer and of its request body, valid against their schemas', () => {
    const ajv = newAjv();
    const problems: string[] = [];
    const check = (where: string, media: any) => {
      if (!('example' in media)) return problems.push(`${where}: no example`);
      if (!media.schema) return;
      const validate = ajv.compile({ ...media.schema, components: doc.components });
      if (!validate(media.example)) problems.push(`${where}: ${ajv.errorsText(validate.errors)}`);
    };
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(ops)) {
        const where = `${method.toUpperCase()} ${path}`;
        const json = op.requestBody?.content?.['application/json'];
        if (json) check(`${where} body`, json);
        let examples = 0;
        for (const [code, res] of Object.entries<any>(op.responses)) {
          if (!/^2/.test(code)) continue;
          for (const [type, media] of Object.entries<any>(res.content ?? {})) {
            if (type === 'application/json' || type.startsWith('text/')) {
              check(`${where} ${code} ${type}`, media);
              examples++;
            }
          }
          if (res.headers?.['Content-Disposition']?.example) examples++;
        }
        if (!examples) problems.push(`${where}: no example of its success answer`);
      }
    }
    expect(problems).toEqual([]);
    // The examples read like the real thing.
    const created = doc.paths[`${API}/cases`].post.responses[201].content['application/json'].example;
    expect(created).toMatchObject({ caseNo: expect.any(String), status: expect.any(String) });
  });

  it('passes Redocly\'s recommended rules with no error', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: '/api/v1/openapi.json', config });
    const errors = problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? ''}`);
    expect(errors).toEqual([]);
  }, 60_000);
});

describe.each(DIALECTS)('real answers match the documented schemas on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  let doc: any;
  const ajv = newAjv();
  const validators = new Map<string, ReturnType<typeof ajv.compile>>();
  const checked = new Set<string>();
  /** Every route (method and documented path) with at least one real answer held against the document. */
  const exercised = new Set<string>();

  beforeAll(async () => {
    env = await createTestEnv(kind, '2026-11-23T02:00:00.000Z');
    await seedBasics(env);
    await useLongSessions(env);
    api = await startApi(env);
    doc = (await api.app.inject({ method: 'GET', url: `${API}/openapi.json` })).json();
  });
  afterAll(async () => {
    await api?.app.close();
    await env?.close();
  });

  /**
   * Holds a real answer against the document twice: the zod schema it was generated from (which
   * must also keep every field: nothing the server sends goes undocumented) and the JSON schema
   * the document serves.
   */
  function expectDocumented(method: string, path: string, r: { status: number; body: any }) {
    const where = `${method} ${path} → ${r.status}`;
    const schema = documentedResponse(method, `${API}${path.replace(/\{(\w+)\}/g, ':$1')}`, r.status);
    expect(schema, `${where} is documented`).toBeDefined();
    const parsed = schema!.safeParse(r.body);
    expect(parsed.success ? [] : parsed.error.issues, `${where}: ${JSON.stringify(r.body).slice(0, 400)}`).toEqual([]);
    expect(parsed.data, `${where}: every field of the answer is documented`).toEqual(r.body);
    const key = `${method} ${path} ${r.status}`;
    if (!validators.has(key)) {
      const js = jsonSchemaOf(doc, method, path, r.status);
      expect(js, `${where} in the served document`).toBeTruthy();
      validators.set(key, ajv.compile({ ...js, components: doc.components }));
    }
    const validate = validators.get(key)!;
    expect(validate(r.body) ? [] : validate.errors, where).toEqual([]);
    checked.add(key);
    exercised.add(`${method} ${path}`);
  }

  /** A download or print page answers 200 with the media type the document names for it. */
  async function expectMedia(path: string, url: string, user = 'coord') {
    const r = await api.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${api.tokens[user]}` } });
    expect(r.statusCode, url).toBe(200);
    const documented = Object.keys(doc.paths[`${API}${path}`].get.responses['200'].content);
    expect(documented.some((t) => String(r.headers['content-type']).startsWith(t)), `${url}: ${r.headers['content-type']}`).toBe(true);
    exercised.add(`GET ${path}`);
  }

  const as = (user: string | null) => api.as(user);
  const del = async (user: string, url: string) => {
    const r = await api.app.inject({ method: 'DELETE', url, headers: { authorization: `Bearer ${api.tokens[user]}` } });
    return { status: r.statusCode, body: r.json() };
  };

  it('health, the document itself and login', async () => {
    expectDocumented('GET', '/health', await as(null).get(`${API}/health`));
    expectDocumented('GET', '/openapi.json', await as(null).get(`${API}/openapi.json`));
    const login = await api.app.inject({ method: 'POST', url: `${API}/auth/login`, payload: { username: 'h_scjg', password: 'Passw0rd!2026' } });
    expectDocumented('POST', '/auth/login', { status: login.statusCode, body: login.json() });
    const bad = await api.app.inject({ method: 'POST', url: `${API}/auth/login`, payload: { username: 'h_scjg', password: 'wrong-password' } });
    expectDocumented('POST', '/auth/login', { status: bad.statusCode, body: bad.json() });
    expect(bad.statusCode).toBe(401);
    expectDocumented('GET', '/auth/me', await as('coord').get(`${API}/auth/me`));
  });

  it('cases in every state: intake, replay, list, detail, actions and their errors', async () => {
    const created = await as('clerk').post(`${API}/cases`, intakeBody(), { 'idempotency-key': 'openapi-1' });
    expect(created.status).toBe(201);
    expectDocumented('POST', '/cases', created);
    const replay = await as('clerk').post(`${API}/cases`, intakeBody(), { 'idempotency-key': 'openapi-1' });
    expectDocumented('POST', '/cases', replay);
    expectDocumented('POST', '/cases', await as('clerk').post(`${API}/cases`, intakeBody({ matter: '另一件' }), { 'idempotency-key': 'openapi-1' }));

    const ids = [created.body.id as number, ...(await seedSpread(env, api))];
    // The spread leaves the clock a week later: sessions have ended.
    await api.relogin();

    // One case through extension, measure, 督办, 通报 and 线索移送 (fields the spread does not reach).
    let c = (await as('clerk').post(`${API}/cases`, intakeBody({ matter: '食品经营许可' }))).body;
    c = await act(api, 'coord', c.id, 'accept', { version: c.version, problemType: 'misconduct' });
    c = await act(api, 'coord', c.id, 'dispatch', { version: c.version, level: 1, leadDepartment: 'scjgj' });
    c = await act(api, 'h_scjg', c.id, 'request-extension', { version: c.version, dueAt: '2027-01-20T17:00:00+08:00', reason: '需现场核查' });
    expectDocumented('GET', '/cases/{id}', await as('coord').get(`${API}/cases/${c.id}`));
    c = await act(api, 'coord', c.id, 'approve-extension', { version: c.version });
    c = await act(api, 'h_scjg', c.id, 'sign', { version: c.version });
    const measure = await as('h_scjg').post(`${API}/cases/${c.id}/actions/add-measure`, { version: c.version, type: 'tolerance_acceptance', note: '容缺受理，承诺补齐', dueAt: '2027-01-10T17:00:00+08:00', staff: '孙市监' });
    expectDocumented('POST', '/cases/{id}/actions/{action}', measure);
    c = measure.body;
    c = await act(api, 'super', c.id, 'supervise', { version: c.version, note: '请加快办理', dueAt: '2027-01-15T17:00:00+08:00' });
    c = await act(api, 'super', c.id, 'circulate', { version: c.version, department: 'scjgj', summary: '全县通报' });
    c = await act(api, 'super', c.id, 'refer-discipline', { version: c.version, handedOver: '问题线索材料' });
    ids.push(c.id);

    for (const id of ids) {
      for (const user of ['coord', 'clerk', 'super']) expectDocumented('GET', '/cases/{id}', await as(user).get(`${API}/cases/${id}`));
    }
    for (const user of ['coord', 'h_scjg', 'leader']) {
      const page = await as(user).get(`${API}/cases?limit=5`);
      expectDocumented('GET', '/cases', page);
      expectDocumented('GET', '/cases', await as(user).get(`${API}/cases?limit=200&cursor=${encodeURIComponent(page.body.nextCursor ?? '')}`));
    }
    expectDocumented('GET', '/cases', await as('coord').get(`${API}/cases?overdue=true&status=in_progress,assigned`));

    // Errors, in their documented shapes.
    expectDocumented('GET', '/cases', await as(null).get(`${API}/cases`));
    expectDocumented('GET', '/cases', await as('coord').get(`${API}/cases?limit=0`));
    expectDocumented('GET', '/cases/{id}', await as('coord').get(`${API}/cases/99999999`));
    const stale = await as('h_scjg').post(`${API}/cases/${c.id}/actions/urge`, { version: 0 });
    expect(stale.status).toBe(403);
    expectDocumented('POST', '/cases/{id}/actions/{action}', stale);
    const conflict = await as('coord').post(`${API}/cases/${c.id}/actions/urge`, { version: 0 });
    expect(conflict.status).toBe(409);
    expectDocumented('POST', '/cases/{id}/actions/{action}', conflict);
    const invalid = await as('coord').post(`${API}/cases/${c.id}/actions/callback`, { version: c.version, attitude: 'satisfied', result: 'satisfied', efficiency: 'satisfied', integrity: 'satisfied' });
    expect(invalid.status).toBe(409);
    expectDocumented('POST', '/cases/{id}/actions/{action}', invalid);
    expectDocumented('POST', '/cases/{id}/actions/{action}', await as('coord').post(`${API}/cases/${c.id}/actions/urge`, { version: 'x' }));

    // Downloads and print pages answer with the media types the document names.
    await expectMedia('/cases/{id}/assignment-sheet.docx', `${API}/cases/${c.id}/assignment-sheet.docx`);
    await expectMedia('/cases/{id}/assignment-sheet', `${API}/cases/${c.id}/assignment-sheet`);
    await expectMedia('/cases/{id}/receipt', `${API}/cases/${c.id}/receipt`);
    const refused = (await as('clerk').post(`${API}/cases`, intakeBody({ matter: '涉诉事项' }))).body;
    expect((await as('coord').post(`${API}/cases/${refused.id}/actions/reject`, { version: refused.version, reasonCategory: 'litigation', explanation: '已进入诉讼程序' })).status).toBe(200);
    await expectMedia('/cases/{id}/documents/{kind}.docx', `${API}/cases/${refused.id}/documents/rejection-notice.docx`);
    await expectMedia('/ledger.xlsx', `${API}/ledger.xlsx`);
    await expectMedia('/ledger/template.xlsx', `${API}/ledger/template.xlsx`);
    // 督办台账: the records made above.
    expectDocumented('GET', '/supervision-records', await as('super').get(`${API}/supervision-records?limit=2`));
    expectDocumented('GET', '/supervision-records', await as('super').get(`${API}/supervision-records?kind=nothing`));
    expectDocumented('GET', '/supervision-records', await as('h_scjg').get(`${API}/supervision-records`));
    await expectMedia('/supervision-records.xlsx', `${API}/supervision-records.xlsx?kind=supervise`);
  });

  it('workbench, statistics, assessment, calendar and audit', async () => {
    for (const user of ['clerk', 'coord', 'h_scjg', 'leader', 'super', 'admin']) {
      expectDocumented('GET', '/cases/todo', await as(user).get(`${API}/cases/todo`));
      expectDocumented('GET', '/activity', await as(user).get(`${API}/activity?limit=50`));
    }
    expectDocumented('GET', '/callbacks', await as('coord').get(`${API}/callbacks?limit=5`));
    expectDocumented('GET', '/callbacks', await as('clerk').get(`${API}/callbacks`));
    expectDocumented('GET', '/callbacks', await as('coord').get(`${API}/callbacks?cursor=bad`));
    const period = 'from=2026-11-01&to=2026-12-31';
    for (const user of ['coord', 'h_scjg']) {
      expectDocumented('GET', '/stats/overview', await as(user).get(`${API}/stats/overview?${period}`));
      expectDocumented('GET', '/stats/departments', await as(user).get(`${API}/stats/departments?${period}`));
      expectDocumented('GET', '/stats/monthly', await as(user).get(`${API}/stats/monthly?${period}`));
    }
    expectDocumented('GET', '/stats/overview', await as('coord').get(`${API}/stats/overview?${period}&department=scjgj`));
    // Empty periods: rates are null.
    const empty = await as('coord').get(`${API}/stats/overview?from=2020-01-01&to=2020-01-31`);
    expect(empty.body.onTimeRate).toBeNull();
    expectDocumented('GET', '/stats/overview', empty);
    expectDocumented('GET', '/stats/overview', await as('clerk').get(`${API}/stats/overview?${period}`));
    expectDocumented('GET', '/stats/overview', await as('coord').get(`${API}/stats/overview?from=2026-13-01&to=2026-11-30`));

    expectDocumented('GET', '/assessment', await as('coord').get(`${API}/assessment?${period}`));
    await expectMedia('/assessment.xlsx', `${API}/assessment.xlsx?${period}`);
    await expectMedia('/assessment.docx', `${API}/assessment.docx?${period}`);
    await expectMedia('/reports/briefing.docx', `${API}/reports/briefing.docx?${period}`, 'leader');
    expectDocumented('GET', '/optimization/recurring', await as('coord').get(`${API}/optimization/recurring?from=2026-01-01&to=2026-12-31`));

    expectDocumented('GET', '/calendar/deadline', await as('clerk').get(`${API}/calendar/deadline?start=2026-11-26T10:00:00%2B08:00&workingDays=5`));
    expectDocumented('GET', '/calendar/deadline', await as('clerk').get(`${API}/calendar/deadline?start=yesterday&workingDays=5`));
    expectDocumented('GET', '/calendar/years', await as('admin').get(`${API}/calendar/years`));
    const year = await as('admin').get(`${API}/calendar/years/2026`);
    expectDocumented('GET', '/calendar/years/{year}', year);
    expectDocumented('GET', '/calendar/years/{year}', await as('admin').get(`${API}/calendar/years/1999`));
    const saved = await as('admin').put(`${API}/calendar/years/2026`, { holidays: year.body.holidays, workdays: year.body.workdays });
    expect(saved.status).toBe(200);
    expectDocumented('PUT', '/calendar/years/{year}', saved);
    expectDocumented('PUT', '/calendar/years/{year}', await as('admin').put(`${API}/calendar/years/2026`, { holidays: 'none' }));

    const audit = await as('super').get(`${API}/audit/verify`);
    expect(audit.body.ok).toBe(true);
    expectDocumented('GET', '/audit/verify', audit);
    expectDocumented('GET', '/audit/verify', await as('clerk').get(`${API}/audit/verify`));
    const records = await as('super').get(`${API}/audit/records?limit=20`);
    expect(records.body.items.length).toBeGreaterThan(0);
    expectDocumented('GET', '/audit/records', records);
    expectDocumented('GET', '/audit/records', await as('admin').get(`${API}/audit/records?limit=200&cursor=${encodeURIComponent(records.body.nextCursor ?? '')}`));
    expectDocumented('GET', '/audit/records', await as('clerk').get(`${API}/audit/records`));
  });

  it('the public side: report, progress lookup and its 404', async () => {
    expectDocumented('GET', '/public/info', await as(null).get(`${API}/public/info`));
    const { channel: _c, ...body } = intakeBody();
    const report = await as(null).post(`${API}/public/cases`, { ...body, consent: true });
    expect(report.status).toBe(201);
    expectDocumented('POST', '/public/cases', report);
    expectDocumented('POST', '/public/cases', await as(null).post(`${API}/public/cases`, { ...body }));
    const progress = await as(null).get(`${API}/public/cases/${encodeURIComponent(report.body.caseNo)}?phoneLast4=1234`);
    expect(progress.status).toBe(200);
    expectDocumented('GET', '/public/cases/{caseNo}', progress);
    expectDocumented('GET', '/public/cases/{caseNo}', await as(null).get(`${API}/public/cases/${encodeURIComponent(report.body.caseNo)}?phoneLast4=9999`));

    // 好差评 by link, and the messages to the reporter (电话告知).
    let spot = (await as('clerk').post(`${API}/cases`, intakeBody({ matter: '当场办结的事项' }))).body;
    spot = await act(api, 'clerk', spot.id, 'resolve-on-spot', { version: spot.version, result: '当场协调办理' });
    expectDocumented('GET', '/cases/{id}/rating-link', await as('clerk').get(`${API}/cases/${spot.id}/rating-link`));
    const notDone = (await as('clerk').post(`${API}/cases`, intakeBody({ matter: '尚未办结的事项' }))).body;
    expectDocumented('GET', '/cases/{id}/rating-link', await as('coord').get(`${API}/cases/${notDone.id}/rating-link`));
    const link = await as('coord').get(`${API}/cases/${spot.id}/rating-link`);
    expectDocumented('GET', '/cases/{id}/rating-link', link);
    expectDocumented('GET', '/public/ratings/{token}', await as(null).get(`${API}/public/ratings/${link.body.token}`));
    expectDocumented('POST', '/public/ratings/{token}', await as(null).post(`${API}/public/ratings/${link.body.token}`, { attitude: 'x' }));
    expectDocumented('POST', '/public/ratings/{token}', await as(null).post(`${API}/public/ratings/${link.body.token}`, { attitude: 'satisfied', result: 'satisfied', efficiency: 'satisfied', integrity: 'satisfied' }));
    expectDocumented('GET', '/public/ratings/{token}', await as(null).get(`${API}/public/ratings/${link.body.token}`));
    const msgs = await as('coord').get(`${API}/cases/${spot.id}/messages`);
    expectDocumented('GET', '/cases/{id}/messages', msgs);
    const first = msgs.body.items[0].id as number;
    expectDocumented('POST', '/cases/{id}/messages/{messageId}/phoned', await as('coord').post(`${API}/cases/${spot.id}/messages/${first}/phoned`, {}));
    await env.ctx.db.updateTable('outbox').set({ outcome: 'phone', phone_text: '请电话告知', delivered_at: new Date().toISOString() }).where('id', '=', first).execute();
    expectDocumented('POST', '/cases/{id}/messages/{messageId}/phoned', await as('coord').post(`${API}/cases/${spot.id}/messages/${first}/phoned`, { note: '已告知' }));
    expectDocumented('POST', '/cases/{id}/messages/{messageId}/phoned', await as('clerk').post(`${API}/cases/${spot.id}/messages/${first}/phoned`, {}));
  });

  it('administration, notifications, optimisation and the ledger import', async () => {
    expectDocumented('GET', '/departments', await as('clerk').get(`${API}/departments`));
    expectDocumented('POST', '/departments', await as('admin').post(`${API}/departments`, { code: 'swj', name: '县商务委' }));
    expectDocumented('POST', '/departments', await as('admin').post(`${API}/departments`, { code: 'swj', name: '县商务委' }));
    expectDocumented('PATCH', '/departments/{code}', await as('admin').patch(`${API}/departments/swj`, { name: '县商务委员会' }));
    expectDocumented('GET', '/users', await as('admin').get(`${API}/users`));
    expectDocumented('GET', '/users', await as('coord').get(`${API}/users`));
    const user = await as('admin').post(`${API}/users`, { username: 'h_sw', name: '郑商务', role: 'handler', department: 'swj', password: 'Passw0rd!2026' });
    expectDocumented('POST', '/users', user);
    expectDocumented('PATCH', '/users/{id}', await as('admin').patch(`${API}/users/${user.body.id}`, { name: '郑商务员' }));
    expectDocumented('PATCH', '/users/{id}', await as('admin').patch(`${API}/users/99999`, { name: '无此人' }));
    // Credentials (the security section): the new account must change its password, sets up TOTP; the security admin resets and unlocks.
    const first = await api.app.inject({ method: 'POST', url: `${API}/auth/login`, payload: { username: 'h_sw', password: 'Passw0rd!2026' } });
    const own = (method: 'POST', url: string, payload?: unknown) =>
      api.app
        .inject({ method, url: `${API}${url}`, headers: { authorization: `Bearer ${first.json().token}` }, ...(payload ? { payload: payload as any } : {}) })
        .then((r) => ({ status: r.statusCode, body: r.json() }));
    expectDocumented('POST', '/auth/password', await own('POST', '/auth/password', { currentPassword: 'nope', newPassword: 'Passw0rd!2027' }));
    expectDocumented('POST', '/auth/password', await own('POST', '/auth/password', { currentPassword: 'Passw0rd!2026', newPassword: 'Passw0rd!2027' }));
    const setup = await own('POST', '/auth/totp/setup');
    expectDocumented('POST', '/auth/totp/setup', setup);
    expectDocumented('POST', '/auth/totp/enable', await own('POST', '/auth/totp/enable', { code: 'abcdef' }));
    const code = TOTP.generate({ secret: Secret.fromBase32(setup.body.secret), timestamp: env.clock.now().getTime() });
    expectDocumented('POST', '/auth/totp/enable', await own('POST', '/auth/totp/enable', { code }));
    expectDocumented('POST', '/auth/totp/setup', await own('POST', '/auth/totp/setup'));
    expectDocumented('POST', '/users/{id}/totp/reset', await as('secadmin').post(`${API}/users/${user.body.id}/totp/reset`));
    expectDocumented('POST', '/users/{id}/totp/reset', await as('admin').post(`${API}/users/${user.body.id}/totp/reset`));
    expectDocumented('POST', '/users/{id}/unlock', await as('secadmin').post(`${API}/users/${user.body.id}/unlock`));
    expectDocumented('POST', '/users/{id}/unlock', await as('secadmin').post(`${API}/users/99999/unlock`));
    expectDocumented('GET', '/settings', await as('clerk').get(`${API}/settings`));
    expectDocumented('PUT', '/settings', await as('admin').put(`${API}/settings`, { dueSoonWorkingDays: 2 }));
    expectDocumented('GET', '/me/settings', await as('h_scjg').get(`${API}/me/settings`));
    expectDocumented('PUT', '/me/settings', await as('h_scjg').put(`${API}/me/settings`, { mobile: '13900000001', smsEvents: ['dispatch', 'overdue'] }));
    expectDocumented('PUT', '/me/settings', await as('h_scjg').put(`${API}/me/settings`, { mobile: '12345' }));
    expectDocumented('PUT', '/me/settings', await as('h_scjg').put(`${API}/me/settings`, { mobile: null }));

    for (const user of ['h_scjg', 'coord', 'super']) {
      const page = await as(user).get(`${API}/notifications?limit=5`);
      expectDocumented('GET', '/notifications', page);
      expectDocumented('GET', '/notifications/unread-count', await as(user).get(`${API}/notifications/unread-count`));
      if (page.body.items.length) expectDocumented('POST', '/notifications/{id}/read', await as(user).post(`${API}/notifications/${page.body.items[0].id}/read`));
      expectDocumented('POST', '/notifications/read-all', await as(user).post(`${API}/notifications/read-all`));
    }
    expectDocumented('POST', '/notifications/{id}/read', await as('coord').post(`${API}/notifications/99999999/read`));
    const templates = await as('admin').get(`${API}/notification-templates`);
    expectDocumented('GET', '/notification-templates', templates);
    const t = templates.body.items[0];
    expectDocumented('PUT', '/notification-templates/{topic}/{audience}', await as('admin').put(`${API}/notification-templates/${t.topic}/${t.audience}`, { body: '反映件 {caseNo} 有新进展' }));
    const reset = await del('admin', `${API}/notification-templates/${t.topic}/${t.audience}`);
    expectDocumented('DELETE', '/notification-templates/{topic}/{audience}', reset);
    // A message given up on, retried once (and not twice).
    const message = await env.ctx.db.selectFrom('outbox').select('id').orderBy('id').executeTakeFirstOrThrow();
    await env.ctx.db.updateTable('outbox').set({ outcome: 'dead', delivered_at: null }).where('id', '=', message.id).execute();
    expectDocumented('GET', '/notification-outbox', await as('admin').get(`${API}/notification-outbox`));
    expectDocumented('POST', '/notification-outbox/{id}/retry', await as('admin').post(`${API}/notification-outbox/${message.id}/retry`));
    expectDocumented('POST', '/notification-outbox/{id}/retry', await as('admin').post(`${API}/notification-outbox/${message.id}/retry`));
    expectDocumented('POST', '/notification-outbox/{id}/retry', await as('admin').post(`${API}/notification-outbox/99999999/retry`));

    const closed = (await as('coord').get(`${API}/cases?status=closed&limit=1`)).body.items[0];
    // A package grows from a completed 流程复杂 case.
    const complex = await env.ctx.db.selectFrom('cases').select('id').where('problem_type', '=', 'complex').where('first_completed_at', 'is not', null).executeTakeFirst();
    const source = complex?.id ?? closed.id;
    if (!complex) await env.ctx.db.updateTable('cases').set({ problem_type: 'complex' }).where('id', '=', source).execute();
    const pkg = await as('coord').post(`${API}/packages`, { name: '开办餐饮店一件事', departments: ['scjgj'], materialsBefore: '7 份材料', materialsAfter: '3 份材料', stepsBefore: '跑 3 次', stepsAfter: '跑 1 次', sourceCaseIds: [source] });
    expect(pkg.status, JSON.stringify(pkg.body)).toBe(201);
    expectDocumented('POST', '/packages', pkg);
    expectDocumented('POST', '/packages', await as('coord').post(`${API}/packages`, { name: '' }));
    expectDocumented('PATCH', '/packages/{id}', await as('coord').patch(`${API}/packages/${pkg.body.id}`, { status: 'published' }));
    expectDocumented('PATCH', '/packages/{id}', await as('coord').patch(`${API}/packages/99999999`, { status: 'published' }));
    expectDocumented('GET', '/packages', await as('clerk').get(`${API}/packages`));
    const typical = await as('super').post(`${API}/typical-cases`, { caseId: closed.id, kind: 'negative', title: '差评属实的典型', summary: '办理中态度不好，差评属实。' });
    expectDocumented('POST', '/typical-cases', typical);
    expectDocumented('POST', '/typical-cases/{id}/publish', await as('super').post(`${API}/typical-cases/${typical.body.id}/publish`));
    expectDocumented('POST', '/typical-cases/{id}/publish', await as('super').post(`${API}/typical-cases/${typical.body.id}/publish`));
    expectDocumented('GET', '/typical-cases', await as('clerk').get(`${API}/typical-cases`));

    // The ledger import: a good file, then a bad one with its row-level report.
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('台账');
    LEDGER_COLUMNS.forEach((col, i) => (ws.getRow(1).getCell(i + 1).value = col.header));
    const row: Record<string, unknown> = { 序号: 1, 编号: '2025-000101', 受理日期: '2025-03-03', 渠道: '窗口', 反映人: '张三', 联系电话: '13800001111', 事项名称: '个体工商户设立登记', 诉求: '办理营业执照被要求提供房屋产权证明。', 当前状态: '已登记' };
    LEDGER_COLUMNS.forEach((col, i) => {
      if (row[col.header] !== undefined) ws.getRow(2).getCell(i + 1).value = row[col.header] as ExcelJS.CellValue;
    });
    const upload = async (content: Buffer) => {
      const m = multipart(content);
      const r = await api.app.inject({ method: 'POST', url: `${API}/ledger/import`, headers: { ...m.headers, authorization: `Bearer ${api.tokens.coord}` }, payload: m.payload });
      return { status: r.statusCode, body: r.json() };
    };
    const imported = await upload(Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer));
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expectDocumented('POST', '/ledger/import', imported);
    const refused = await upload(Buffer.from('not a workbook'));
    expect(refused.status).toBe(400);
    expectDocumented('POST', '/ledger/import', refused);
  });

  it('knowledge: list, search, create (201, 400, 403, 409), read, change, link to a case', async () => {
    const body = { title: '文档示例条目', category: '示例', kind: 'faq', body: '<p>社保转移</p>', keywords: ['社保'], departments: ['rsj'], matterCodes: [], status: 'published', reviewDueAt: null };
    const created = await as('coord').post(`${API}/knowledge`, body);
    expect(created.status).toBe(201);
    expectDocumented('POST', '/knowledge', created);
    expectDocumented('POST', '/knowledge', await as('coord').post(`${API}/knowledge`, body));
    expectDocumented('POST', '/knowledge', await as('coord').post(`${API}/knowledge`, { ...body, kind: 'x' }));
    expectDocumented('POST', '/knowledge', await as('clerk').post(`${API}/knowledge`, body));
    expectDocumented('GET', '/knowledge', await as('clerk').get(`${API}/knowledge?q=${encodeURIComponent('社保')}`));
    expectDocumented('GET', '/knowledge/search', await as('clerk').get(`${API}/knowledge/search?text=${encodeURIComponent('社保关系转移')}`));
    expectDocumented('GET', '/knowledge/{id}', await as('clerk').get(`${API}/knowledge/${created.body.id}`));
    expectDocumented('GET', '/knowledge/{id}', await as('clerk').get(`${API}/knowledge/99999`));
    expectDocumented('PUT', '/knowledge/{id}', await as('coord').put(`${API}/knowledge/${created.body.id}`, { ...body, status: 'expired' }));
    expectDocumented('PUT', '/knowledge/{id}', await as('coord').put(`${API}/knowledge/${created.body.id}`, { ...body, status: 'draft' }));
    await as('coord').put(`${API}/knowledge/${created.body.id}`, body);
    const c = (await as('clerk').post(`${API}/cases`, intakeBody({ matter: '知识引用' }))).body;
    const linked = await as('clerk').post(`${API}/cases/${c.id}/knowledge`, { knowledgeId: created.body.id });
    expect(linked.status).toBe(201);
    expectDocumented('POST', '/cases/{id}/knowledge', linked);
    expectDocumented('POST', '/cases/{id}/knowledge', await as('clerk').post(`${API}/cases/${c.id}/knowledge`, { knowledgeId: created.body.id }));
    expectDocumented('GET', '/cases/{id}/knowledge', await as('clerk').get(`${API}/cases/${c.id}/knowledge`));
    expectDocumented('GET', '/cases/{id}', await as('clerk').get(`${API}/cases/${c.id}`));
    expectDocumented('DELETE', '/cases/{id}/knowledge/{knowledgeId}', await del('clerk', `${API}/cases/${c.id}/knowledge/${created.body.id}`));
    expectDocumented('DELETE', '/cases/{id}/knowledge/{knowledgeId}', await del('clerk', `${API}/cases/${c.id}/knowledge/${created.body.id}`));
    const m = multipartBody({}, [{ name: '原件.pdf', content: pdfFile() }]);
    const up = await api.app.inject({ method: 'POST', url: `${API}/knowledge/${created.body.id}/files`, headers: { ...m.headers, authorization: `Bearer ${api.tokens.coord}` }, payload: m.payload });
    expect(up.statusCode).toBe(201);
    expectDocumented('POST', '/knowledge/{id}/files', { status: up.statusCode, body: up.json() });
    await expectMedia('/knowledge/{id}/files/{fid}', `${API}/knowledge/${created.body.id}/files/${up.json().id}`);
    expectDocumented('DELETE', '/knowledge/{id}/files/{fid}', await del('coord', `${API}/knowledge/${created.body.id}/files/${up.json().id}`));
    expectDocumented('DELETE', '/knowledge/{id}/files/{fid}', await del('coord', `${API}/knowledge/${created.body.id}/files/${up.json().id}`));
  });

  it('事项目录 and triage suggestions: list, add (201, 409, 400), import, suggestions (200, 404)', async () => {
    const created = await as('coord').post(`${API}/matters`, { code: 'OA-1', name: '营业执照变更登记', department: 'scjgj' });
    expect(created.status).toBe(201);
    expectDocumented('POST', '/matters', created);
    expectDocumented('POST', '/matters', await as('coord').post(`${API}/matters`, { code: 'OA-1', name: '营业执照变更登记', department: 'scjgj' }));
    expectDocumented('POST', '/matters', await as('coord').post(`${API}/matters`, { code: 'OA-2', name: '某事项', department: 'nosuch' }));
    expectDocumented('GET', '/matters', await as('clerk').get(`${API}/matters?q=OA`));
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('事项目录');
    ws.addRow(['事项编码', '事项名称', '实施部门']);
    ws.addRow(['OA-3', '社保卡补换领', 'rsj']);
    const m = multipart(Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer));
    const imported = await api.app.inject({ method: 'POST', url: `${API}/matters/import`, headers: { ...m.headers, authorization: `Bearer ${api.tokens.coord}` }, payload: m.payload });
    expect(imported.statusCode).toBe(200);
    expectDocumented('POST', '/matters/import', { status: imported.statusCode, body: imported.json() });
    const c = (await as('clerk').post(`${API}/cases`, intakeBody({ matter: '营业执照变更登记', matterCode: 'OA-1' }))).body;
    expectDocumented('GET', '/cases/{id}/suggestions', await as('coord').get(`${API}/cases/${c.id}/suggestions`));
    expectDocumented('GET', '/cases/{id}/suggestions', await as('coord').get(`${API}/cases/99999999/suggestions`));
  });

  it('attachments: upload (201, 400, 404, 409, 413), list, download, withdraw', async () => {
    const c = (await as('clerk').post(`${API}/cases`, intakeBody({ matter: '附件' }))).body;
    const send = async (user: string, id: number, name: string, content: Buffer) => {
      const m = multipartBody({ kind: 'evidence', note: '现场照片' }, [{ name, content }]);
      const r = await api.app.inject({ method: 'POST', url: `${API}/cases/${id}/attachments`, headers: { ...m.headers, authorization: `Bearer ${api.tokens[user]}` }, payload: m.payload });
      return { status: r.statusCode, body: r.json() };
    };
    const up = await send('clerk', c.id, '照片.png', pngFile());
    expect(up.status).toBe(201);
    expectDocumented('POST', '/cases/{id}/attachments', up);
    expectDocumented('POST', '/cases/{id}/attachments', await send('clerk', c.id, '程序.pdf', exeFile()));
    expectDocumented('POST', '/cases/{id}/attachments', await send('h_rs', c.id, '照片.png', pngFile()));
    await putSettings(env.ctx.db, { attachmentMaxBytes: 1024 }, env.clock.now().toISOString());
    const big = await send('clerk', c.id, '大.pdf', pdfFile(4096));
    expect(big.status).toBe(413);
    expectDocumented('POST', '/cases/{id}/attachments', big);
    await putSettings(env.ctx.db, { attachmentMaxBytes: 20 * 1024 * 1024 }, env.clock.now().toISOString());
    expectDocumented('GET', '/cases/{id}/attachments', await as('coord').get(`${API}/cases/${c.id}/attachments`));
    await expectMedia('/cases/{id}/attachments/{aid}', `${API}/cases/${c.id}/attachments/${up.body.id}`);
    expectDocumented('POST', '/cases/{id}/attachments/{aid}/withdraw', await as('clerk').post(`${API}/cases/${c.id}/attachments/${up.body.id}/withdraw`, { reason: '误传' }));
    expectDocumented('POST', '/cases/{id}/attachments/{aid}/withdraw', await as('clerk').post(`${API}/cases/${c.id}/attachments/${up.body.id}/withdraw`, { reason: '误传' }));
    expectDocumented('POST', '/cases/{id}/attachments/{aid}/withdraw', await as('clerk').post(`${API}/cases/${c.id}/attachments/${up.body.id}/withdraw`, {}));
    await env.ctx.db.updateTable('cases').set({ status: 'closed' }).where('id', '=', c.id).execute();
    expectDocumented('POST', '/cases/{id}/attachments', await send('clerk', c.id, '照片.png', pngFile()));
  });

  it('integrations: API keys, external tickets and webhooks', async () => {
    const key = await as('admin').post(`${API}/api-keys`, { name: 'openapi-12345', role: 'clerk' });
    expect(key.status).toBe(201);
    expectDocumented('POST', '/api-keys', key);
    expectDocumented('POST', '/api-keys', await as('admin').post(`${API}/api-keys`, { name: 'openapi-12345', role: 'clerk' }));
    expectDocumented('POST', '/api-keys', await as('admin').post(`${API}/api-keys`, { name: 'h', role: 'handler' }));
    expectDocumented('GET', '/api-keys', await as('admin').get(`${API}/api-keys`));
    const ref = { system: '12345', id: 'OPENAPI-1' };
    const viaKey = await api.app.inject({ method: 'POST', url: `${API}/cases`, headers: { authorization: `Bearer ${key.body.key}` }, payload: intakeBody({ channel: 'hotline', externalRef: ref }) });
    expectDocumented('POST', '/cases', { status: viaKey.statusCode, body: viaKey.json() });
    expect(viaKey.json().externalRef).toEqual(ref);
    expectDocumented('POST', '/cases', await as('clerk').post(`${API}/cases`, intakeBody({ channel: 'hotline', externalRef: ref })));
    expectDocumented('POST', '/cases', await as('clerk').post(`${API}/cases`, intakeBody({ channel: 'hotline', externalRef: ref, matter: '不同' })));
    expectDocumented('GET', '/cases', await as('coord').get(`${API}/cases?externalRef=12345:OPENAPI-1`));
    expectDocumented('DELETE', '/api-keys/{id}', await del('admin', `${API}/api-keys/${key.body.id}`));
    expectDocumented('DELETE', '/api-keys/{id}', await del('admin', `${API}/api-keys/99999`));

    expectDocumented('POST', '/webhooks', await as('admin').post(`${API}/webhooks`, { url: 'http://127.0.0.1:9/hook', events: ['*'], secret: 'openapi-secret-0123456789' }));
    await as('admin').put(`${API}/settings`, { webhookAllowPrivateNetworks: true });
    const hook = await as('admin').post(`${API}/webhooks`, { url: 'http://127.0.0.1:9/hook', events: ['*'], secret: 'openapi-secret-0123456789' });
    expect(hook.status).toBe(201);
    expectDocumented('POST', '/webhooks', hook);
    await as('clerk').post(`${API}/cases`, intakeBody({ matter: 'Webhook 示例' }));
    const { deliverWebhooks } = await import('./integrations/webhooks.js');
    await deliverWebhooks(env.ctx, { timeoutMs: 500 });
    expectDocumented('GET', '/webhooks', await as('admin').get(`${API}/webhooks`));
    const deliveries = await as('admin').get(`${API}/webhooks/${hook.body.id}/deliveries`);
    expect(deliveries.body.items.length).toBeGreaterThan(0);
    expectDocumented('GET', '/webhooks/{id}/deliveries', deliveries);
    expectDocumented('GET', '/webhooks/{id}/deliveries', await as('admin').get(`${API}/webhooks/99999/deliveries`));
    const d = deliveries.body.items[0];
    expectDocumented('POST', '/webhooks/{id}/deliveries/{deliveryId}/redeliver', await as('admin').post(`${API}/webhooks/${hook.body.id}/deliveries/${d.id}/redeliver`));
    expectDocumented('POST', '/webhooks/{id}/deliveries/{deliveryId}/redeliver', await as('admin').post(`${API}/webhooks/${hook.body.id}/deliveries/99999/redeliver`));
    expectDocumented('DELETE', '/webhooks/{id}', await del('admin', `${API}/webhooks/${hook.body.id}`));
    expectDocumented('DELETE', '/webhooks/{id}', await del('admin', `${API}/webhooks/${hook.body.id}`));
    await as('admin').put(`${API}/settings`, { webhookAllowPrivateNetworks: false });
    await expectMedia('/exports/ratings', `${API}/exports/ratings?from=2026-01-01&to=2027-12-31`);
    await expectMedia('/exports/ratings.xlsx', `${API}/exports/ratings.xlsx?from=2026-01-01&to=2027-12-31`);
  });

  it('checked a real answer of every documented route, at least one', async () => {
    // Signing out last: the other tests use the session.
    const login = await api.app.inject({ method: 'POST', url: `${API}/auth/login`, payload: { username: 'leader', password: 'Passw0rd!2026' } });
    const token = login.json().token as string;
    const out = await api.app.inject({ method: 'POST', url: `${API}/auth/logout`, headers: { authorization: `Bearer ${token}` } });
    expectDocumented('POST', '/auth/logout', { status: out.statusCode, body: out.json() });
    expectDocumented('POST', '/auth/logout', await as(null).post(`${API}/auth/logout`));

    const documented = documentedRoutes().map((r) => `${r.method} ${r.url.slice(API.length).replace(/:(\w+)/g, '{$1}')}`);
    expect(documented.length).toBeGreaterThan(50);
    expect(documented.filter((r) => !exercised.has(r)).sort(), 'routes without a checked answer').toEqual([]);
  });

  it('checked the answers it meant to', () => {
    for (const must of ['POST /auth/login 200', 'GET /cases/{id} 200', 'GET /cases 200', 'POST /cases 201', 'POST /cases 200', 'POST /cases 409', 'GET /stats/overview 200', 'GET /stats/departments 200', 'GET /calendar/deadline 200', 'GET /audit/verify 200', 'POST /public/cases 201', 'GET /public/cases/{caseNo} 200', 'GET /public/cases/{caseNo} 404', 'POST /ledger/import 200', 'POST /ledger/import 400', 'POST /cases/{id}/actions/{action} 409']) {
      expect([...checked]).toContain(must);
    }
  });
});
