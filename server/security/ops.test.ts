import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestEnv, DIALECTS, intakeBody, PASSWORD, seedBasics, startApi, type Api, type TestEnv } from '../test/harness.js';
import { buildApp, API_CSP, WEB_CSP } from '../app.js';
import { PUBLIC_CSP } from '../public/public.pages.js';
import { putSettings } from '../settings/settings.repository.js';
import { verifyAuditChain } from '../audit/audit.repository.js';
import { erasePersonalData, ERASED } from './retention.js';
import { purgeRateLimitHits } from './rate-limit-store.js';
import { runScheduledBackup } from '../backup/backup-job.js';
import { serverJobs } from '../jobs/jobs.js';
import { LogFileSmsProvider } from '../notifications/sms.js';
import { sealUnsealedReporters } from '../boot.js';
import { findCaseById } from '../cases/case.repository.js';
import { verifyBackup } from '../backup/backup.js';
import { multipartBody } from '../attachments/test-files.js';

const API = '/api/v1';

describe.each(DIALECTS)('operations and defence in depth (%s)', (kind) => {
  let env: TestEnv;
  let api: Api;
  beforeAll(async () => {
    env = await createTestEnv(kind);
    await seedBasics(env);
    api = await startApi(env);
  });
  afterAll(async () => {
    await api?.app.close();
    await env?.close();
  });

  it('shares the login rate limit between two instances on one database, per window', async () => {
    const a = await buildApp(env.ctx, { loginPerMinute: 3 });
    const b = await buildApp(env.ctx, { loginPerMinute: 3 });
    try {
      const attempt = (app: FastifyInstance, ip: string) =>
        app.inject({ method: 'POST', url: `${API}/auth/login`, payload: { username: 'nobody', password: 'x' }, remoteAddress: ip });
      env.clock.set('2026-11-26T02:10:00.000Z');
      expect((await attempt(a, '10.9.9.9')).statusCode).toBe(401);
      expect((await attempt(b, '10.9.9.9')).statusCode).toBe(401);
      expect((await attempt(a, '10.9.9.9')).statusCode).toBe(401);
      // The fourth in the minute, on the other instance: refused in the product's error shape.
      const fourth = await attempt(b, '10.9.9.9');
      expect(fourth.statusCode).toBe(429);
      expect(fourth.json().error.code).toBe('RATE_LIMITED');
      expect((await attempt(a, '10.9.9.9')).statusCode).toBe(429);
      // Another client is not limited by it.
      expect((await attempt(b, '10.9.9.10')).statusCode).toBe(401);
      // The next window starts afresh; the old window's rows are purged once it has passed.
      env.clock.advance(61_000);
      expect((await attempt(b, '10.9.9.9')).statusCode).toBe(401);
      expect(await purgeRateLimitHits(env.ctx)).toBeGreaterThanOrEqual(2);
      const rows = await env.ctx.db.selectFrom('rate_limit_hits').selectAll().execute();
      expect(rows.every((r) => r.expires_at > env.clock.now().toISOString())).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('sends security headers and a strict CSP on the web app, the API and the public pages; Secure cookies behind HTTPS', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-web-'));
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><html><head><title>t</title></head><body><div id="root"></div></body></html>');
    const app = await buildApp(env.ctx, { webRoot: root, secureCookies: true, loginPerMinute: 1000 });
    try {
      for (const url of ['/', '/cases/1', '/favicon-missing.svg']) {
        const r = await app.inject({ method: 'GET', url });
        expect(r.headers['content-security-policy']).toBe(WEB_CSP);
        expect(r.headers['x-content-type-options']).toBe('nosniff');
        expect(r.headers['x-frame-options']).toBe('DENY');
        expect(r.headers['referrer-policy']).toBe('same-origin');
        expect(r.headers['strict-transport-security']).toMatch(/max-age=/);
      }
      expect(WEB_CSP).toMatch(/script-src 'self'(;|$)/);
      expect(WEB_CSP).toContain("frame-ancestors 'none'");
      expect(WEB_CSP).toContain("object-src 'none'");
      const h = await app.inject({ method: 'GET', url: `${API}/health` });
      expect(h.headers['content-security-policy']).toBe(API_CSP);
      const p = await app.inject({ method: 'GET', url: '/public/report' });
      expect(p.statusCode).toBe(200);
      expect(p.headers['content-security-policy']).toBe(PUBLIC_CSP);
      const login = await app.inject({ method: 'POST', url: `${API}/auth/login`, payload: { username: 'admin', password: PASSWORD } });
      expect(login.statusCode).toBe(200);
      expect(String(login.headers['set-cookie'])).toMatch(/bcs_session=.*HttpOnly.*; Secure/i);
    } finally {
      await app.close();
      fs.rmSync(root, { recursive: true, force: true });
    }
    // Without the setting: Secure when the proxy says the request came over HTTPS (trustProxy).
    const proxied = await buildApp(env.ctx, { trustProxy: true, loginPerMinute: 1000 });
    try {
      const viaHttps = await proxied.inject({ method: 'POST', url: `${API}/auth/login`, headers: { 'x-forwarded-proto': 'https' }, payload: { username: 'admin', password: PASSWORD } });
      expect(String(viaHttps.headers['set-cookie'])).toMatch(/; Secure/i);
      const plain = await proxied.inject({ method: 'POST', url: `${API}/auth/login`, payload: { username: 'admin', password: PASSWORD } });
      expect(String(plain.headers['set-cookie'])).not.toMatch(/; Secure/i);
    } finally {
      await proxied.close();
    }
  });

  it('erases the personal data of reporters of cases closed longer ago than the setting, audited; the case and its counts stay', async () => {
    const mk = async (phone: string) => (await api.as('clerk').post(`${API}/cases`, intakeBody({ reporter: { name: `老${phone.slice(-2)}`, phone, kind: 'person' } }))).body;
    const old = await mk('13500000001');
    const recent = await mk('13500000002');
    const open = await mk('13500000003');
    // Closed long ago / recently (the closing itself is the lifecycle's business, tested elsewhere).
    await env.ctx.db.updateTable('cases').set({ status: 'closed', closed_at: '2022-01-10T02:00:00.000Z' }).where('id', '=', old.id).execute();
    await env.ctx.db.updateTable('cases').set({ status: 'closed', closed_at: '2026-10-10T02:00:00.000Z' }).where('id', '=', recent.id).execute();
    const total = async () => Number((await env.ctx.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const casesBefore = await total();
    // Off by default: nothing happens.
    expect(await erasePersonalData(env.ctx)).toBe(0);
    await env.ctx.db.transaction().execute((trx) => putSettings(trx, { personalDataRetentionYears: 3 }, env.clock.now().toISOString()));
    expect(await erasePersonalData(env.ctx)).toBe(1);
    expect(await erasePersonalData(env.ctx)).toBe(0);
    const row = await env.ctx.db.selectFrom('cases').selectAll().where('id', '=', old.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ reporter_name: ERASED, reporter_phone: '', reporter_phone_index: null, reporter_phone_masked: null, reporter_org_code: null });
    expect(row.reporter_erased_at).not.toBeNull();
    const events = await env.ctx.db.selectFrom('case_events').select('data').where('case_id', '=', old.id).execute();
    expect(JSON.stringify(events)).not.toContain('13500000001');
    expect(JSON.stringify(events)).not.toContain('135****0001');
    expect((await findCaseById(env.ctx.db, old.id))!.reporter.name).toBe(ERASED);
    expect((await api.as('coord').get(`${API}/cases/${old.id}`)).status).toBe(200);
    expect((await findCaseById(env.ctx.db, recent.id))!.reporter.phone).toBe('13500000002');
    expect((await findCaseById(env.ctx.db, open.id))!.reporter.phone).toBe('13500000003');
    expect(await total()).toBe(casesBefore);
    // Searching by the erased phone finds nothing; boot never seals the erased row again.
    expect((await api.as('coord').get(`${API}/cases?phone=13500000001`)).body.items).toEqual([]);
    await sealUnsealedReporters(env.ctx.db, env.clock.now().toISOString());
    expect((await env.ctx.db.selectFrom('cases').select('reporter_phone_index').where('id', '=', old.id).executeTakeFirstOrThrow()).reporter_phone_index).toBeNull();
    const audit = await env.ctx.db.selectFrom('audit_log').select(['actor', 'data']).where('action', '=', 'pii.erase').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.data)).toMatchObject({ retentionYears: 3, cases: [old.caseNo] });
    expect((await verifyAuditChain(env.ctx.db)).ok).toBe(true);
  });

  it('never deletes an audit record: every background job run ten years on leaves the chain whole', async () => {
    const before = await env.ctx.db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq').execute();
    expect(before.length).toBeGreaterThan(0);
    env.clock.advance(10 * 366 * 86400_000);
    await env.ctx.db.transaction().execute((trx) => putSettings(trx, { personalDataRetentionYears: 1 }, env.clock.now().toISOString()));
    const sms = path.join(os.tmpdir(), `bcs-sms-${process.pid}-${Date.now()}.log`);
    for (const job of serverJobs({ sms: { provider: 'log', logFile: sms }, databaseUrl: env.url })) {
      await job.run(env.ctx);
    }
    const after = await env.ctx.db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq').execute();
    expect(after.slice(0, before.length)).toEqual(before);
    expect((await verifyAuditChain(env.ctx.db)).ok).toBe(true);
    fs.rmSync(sms, { force: true });
    // And no code path of the server deletes from or updates the audit log.
    const offenders: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name)) {
          const text = fs.readFileSync(p, 'utf8');
          if (/deleteFrom\(\s*['"]audit_log['"]|delete\s+from\s+audit_log|updateTable\(\s*['"]audit_log['"]|update\s+audit_log\s|truncate\s+(table\s+)?audit_log/i.test(text)) offenders.push(p);
        }
      }
    };
    walk(path.resolve('server'));
    expect(offenders).toEqual([]);
  });

  it('refuses NUL in a JSON body and in the multipart intake (a 500 on PostgreSQL before; found by the fuzz tests)', async () => {
    await api.relogin();
    const r = await api.as('clerk').post(`${API}/cases`, intakeBody({ matter: '个体\u0000工商户' }));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION');
    const m = multipartBody({ case: JSON.stringify(intakeBody({ description: 'a\u0000b'.repeat(20) })) }, []);
    const f = await api.app.inject({ method: 'POST', url: `${API}/cases`, headers: { ...m.headers, authorization: `Bearer ${api.tokens.clerk}` }, payload: m.payload });
    expect(f.statusCode).toBe(400);
    expect(f.json().error.code).toBe('VALIDATION');
  });

  it('writes only masked numbers into ./data/sms.log', async () => {
    const file = path.join(os.tmpdir(), `bcs-sms-${process.pid}-${Date.now()}.log`);
    await new LogFileSmsProvider(file).send({ id: 1, to: '13912345678', topic: 't', caseNo: 'X-1', text: '您反映的问题已办结' } as never);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('139****5678');
    expect(text).not.toContain('13912345678');
    fs.rmSync(file, { force: true });
  });

  it('takes the scheduled backup once a day across instances, after the hour, keeping the newest files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-sched-'));
    try {
      await env.ctx.db.transaction().execute((trx) => putSettings(trx, { backupHour: 2, backupDir: dir, backupKeep: 2 }, env.clock.now().toISOString()));
      const other = { ...env.ctx };
      env.clock.set('2037-03-01T17:30:00.000Z'); // 01:30 Shanghai: before the hour
      expect(await runScheduledBackup(env.ctx, env.url)).toBe(0);
      for (const day of ['2037-03-01', '2037-03-02', '2037-03-03']) {
        env.clock.set(`${day}T19:00:00.000Z`); // 03:00 Shanghai the next day
        const runs = await Promise.all([runScheduledBackup(env.ctx, env.url), runScheduledBackup(other, env.url)]);
        expect(runs.sort()).toEqual([0, 1]);
        expect(await runScheduledBackup(other, env.url)).toBe(0);
      }
      const files = fs.readdirSync(dir).sort();
      expect(files).toEqual(['bcs-2037-03-03.bcsbak', 'bcs-2037-03-04.bcsbak']);
      const v = await verifyBackup(path.join(dir, files[1]!));
      expect(v.counts.cases).toBeGreaterThan(0);
      const rows = await env.ctx.db.selectFrom('backup_runs').selectAll().orderBy('slot').execute();
      expect(rows.map((r) => r.slot)).toEqual(['2037-03-02', '2037-03-03', '2037-03-04']);
      expect(rows.every((r) => r.finished_at && !r.error)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
