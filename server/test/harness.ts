/**
 * Test harness: one list of dialects (SQLite always; PostgreSQL whenever TEST_DATABASE_URL is
 * given, each test file in a fresh database of its own), a settable clock, real-row factories.
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openPreparedDatabase } from '../boot.js';
import type { DatabaseHandle, DialectKind } from '../db/dialect.js';
import type { AppContext, Clock } from '../context.js';
import { buildApp } from '../app.js';
import { LocalAttachmentStorage } from '../attachments/storage.js';
import { insertDepartment, insertUser } from '../users/user.repository.js';
import type { Role } from '../../core/domain.js';
import { openSessionDirect, PASSWORD_HASH } from './factories.js';
import { putSettings } from '../settings/settings.repository.js';
import { pgAdmin, pgUrlFor, TEST_DATA_KEY, type Templates } from './templates.js';


/** The data key every test database is sealed with (server/security/pii.ts). */
export { TEST_DATA_KEY, TEST_DATA_KEY_HEX } from './templates.js';

export const DIALECTS: DialectKind[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export class TestClock implements Clock {
  constructor(public t: Date) {}
  now(): Date {
    return new Date(this.t.getTime());
  }
  set(iso: string): void {
    this.t = new Date(iso);
  }
  advance(ms: number): void {
    this.t = new Date(this.t.getTime() + ms);
  }
}

export interface TestEnv {
  kind: DialectKind;
  /** The DATABASE_URL of this environment's own database. */
  url: string;
  handle: DatabaseHandle;
  ctx: AppContext;
  clock: TestClock;
  close(): Promise<void>;
}

/** The prepared template databases of server/test/global-setup.ts, when this run has them. */
function templates(): Templates {
  try {
    return inject('bcsTemplates') ?? {};
  } catch {
    return {};
  }
}

/** A new database: a clone of the prepared template when there is one, else empty (then migrated). */
async function createPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = process.env.TEST_DATABASE_URL!;
  const name = `bcs_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const template = templates().postgres;
  await pgAdmin(admin, (c) =>
    c.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`),
  );
  return {
    url: pgUrlFor(admin, name),
    drop: () => pgAdmin(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

export async function createTestEnv(kind: DialectKind, start = '2026-11-26T02:00:00.000Z'): Promise<TestEnv> {
  let url: string;
  let cleanup: () => Promise<void>;
  if (kind === 'postgres') {
    const d = await createPgDatabase();
    url = d.url;
    cleanup = d.drop;
  } else {
    const file = path.join(os.tmpdir(), `bcs-test-${process.pid}-${randomBytes(4).toString('hex')}.db`);
    const template = templates().sqlite;
    if (template) fs.copyFileSync(template, file);
    url = `sqlite:${file}`;
    cleanup = async () => {
      for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    };
  }
  const handle = await openPreparedDatabase(url, { dataKey: TEST_DATA_KEY });
  const clock = new TestClock(new Date(start));
  // Each environment stores its attachments in a folder of its own, removed with it.
  const attachmentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-att-'));
  return {
    kind,
    url,
    handle,
    clock,
    ctx: { db: handle.db, kind: handle.kind, clock, attachments: new LocalAttachmentStorage(attachmentDir) },
    close: async () => {
      await handle.close();
      await cleanup();
      fs.rmSync(attachmentDir, { recursive: true, force: true });
    },
  };
}

export const DEPARTMENTS: Array<[string, string]> = [
  ['scjgj', '县市场监管局'],
  ['rsj', '县人力社保局'],
  ['zjw', '县住房城乡建委'],
  ['ghzrzyj', '县规划自然资源局'],
  ['gaj', '县公安局'],
  ['ybj', '县医保局'],
];

export const PASSWORD = 'Passw0rd!2026';

/** Accounts every route test has: one per role, handlers for two departments. */
export const USERS: Array<{ username: string; role: Role; department?: string; name: string }> = [
  { username: 'admin', role: 'admin', name: '管理员' },
  { username: 'clerk', role: 'clerk', name: '王受理' },
  { username: 'coord', role: 'coordinator', name: '李行管' },
  { username: 'leader', role: 'leader', name: '赵组长' },
  { username: 'super', role: 'supervisor', name: '钱监督' },
  { username: 'h_scjg', role: 'handler', department: 'scjgj', name: '孙市监' },
  { username: 'h_rs', role: 'handler', department: 'rsj', name: '周人社' },
  { username: 'h_zj', role: 'handler', department: 'zjw', name: '吴住建' },
  { username: 'secadmin', role: 'security_admin', name: '冯安全' },
  { username: 'auditor', role: 'auditor', name: '陈审计' },
];

/** The departments and USERS (password PASSWORD, by its precomputed hash: nothing is hashed here). */
export async function seedBasics(env: TestEnv): Promise<void> {
  const hash = PASSWORD_HASH;
  const at = env.clock.now().toISOString();
  await env.ctx.db.transaction().execute(async (trx) => {
    for (const [code, name] of DEPARTMENTS) await insertDepartment(trx, { code, name, at });
    for (const u of USERS) await insertUser(trx, { username: u.username, name: u.name, role: u.role, department: u.department ?? null, passwordHash: hash, at });
    // The administrators of the harness log in without a second factor: the tests of TOTP turn
    // the requirement (default: admin, security_admin, auditor) back on themselves.
    await putSettings(trx, { totpRequiredRoles: [] }, at);
  });
}

export interface Api {
  app: FastifyInstance;
  tokens: Record<string, string>;
  /** Logs every account in again (after moving the clock past the session's idle limit). */
  relogin(): Promise<void>;
  as(user: string | null): {
    get(url: string): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
    post(url: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
    put(url: string, body?: unknown): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
    patch(url: string, body?: unknown): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  };
}

export async function startApi(env: TestEnv): Promise<Api> {
  const app = await buildApp(env.ctx, { loginPerMinute: 100_000 });
  const tokens: Record<string, string> = {};
  // Each account gets a session as a login would give it (server/test/factories.ts), without the
  // argon2 verify; an account a login with PASSWORD would not simply admit logs in through the API.
  const relogin = async () => {
    for (const u of USERS) {
      const direct = await openSessionDirect(env.ctx.db, u.username, env.clock.now());
      if (direct) {
        tokens[u.username] = direct.token;
        continue;
      }
      const r = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: u.username, password: PASSWORD } });
      if (r.statusCode !== 200) throw new Error(`login ${u.username} failed: ${r.body}`);
      tokens[u.username] = r.json().token;
    }
  };
  await relogin();
  const call = (user: string | null) => {
    const headers = (extra?: Record<string, string>) => ({ ...(user ? { authorization: `Bearer ${tokens[user]}` } : {}), ...(extra ?? {}) });
    const run = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, body?: unknown, extra?: Record<string, string>) => {
      const r = await app.inject({ method, url, headers: headers(extra), ...(body !== undefined ? { payload: body as any } : {}) });
      let parsed: any = r.body;
      try {
        parsed = r.json();
      } catch {
        /* not JSON */
      }
      return { status: r.statusCode, body: parsed, headers: r.headers as Record<string, unknown> };
    };
    return {
      get: (url: string) => run('GET', url),
      post: (url: string, body?: unknown, extra?: Record<string, string>) => run('POST', url, body ?? {}, extra),
      put: (url: string, body?: unknown) => run('PUT', url, body ?? {}),
      patch: (url: string, body?: unknown) => run('PATCH', url, body ?? {}),
    };
  };
  return { app, tokens, relogin, as: call };
}

export function intakeBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    channel: 'window',
    reporter: { name: '张三', phone: '13800001234', kind: 'person' },
    matter: '个体工商户设立登记',
    departmentCodes: ['scjgj'],
    description: '办理个体工商户营业执照时被告知缺少房屋产权证明，无法办理。',
    reason: '租赁的房屋为农村自建房，没有产权证。',
    ...overrides,
  };
}

/**
 * For one describe block: a test database with the basic departments and users (seedBasics) and
 * the API over it, made before its tests and closed after them. `ready` receives both (assign them
 * to the block's variables; it may seed more).
 */
export function useApiEnv(kind: DialectKind, ready: (env: TestEnv, api: Api) => unknown, start?: string): void {
  let env: TestEnv | undefined;
  let api: Api | undefined;
  beforeAll(async () => {
    env = await createTestEnv(kind, start);
    await seedBasics(env);
    api = await startApi(env);
    await ready(env, api);
  });
  afterAll(async () => {
    await api?.app.close();
    await env?.close();
  });
}
