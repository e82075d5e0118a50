import { beforeEach, describe, expect, it } from 'vitest';
import { startApi, seedBasics, createTestEnv, DIALECTS, intakeBody, type Api, type TestEnv, TEST_DATA_KEY_HEX, useApiEnv } from '../test/harness.js';
import { auditHash, canonicalJson, verifyAuditChain } from './audit.repository.js';
import { main } from '../cli.js';

describe('canonical JSON', () => {
  it('orders keys at every depth so equal content hashes equally', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
  });
  it('hashes with SM3 (64 hex digits) and changes with any field', () => {
    const e = { at: '2026-11-26T02:00:00.000Z', actor: 'a', action: 'x', entityType: 'case', entityId: '1', data: { k: 1 } };
    const h = auditHash(1, '0'.repeat(64), e);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(auditHash(1, '0'.repeat(64), { ...e, data: { k: 2 } })).not.toBe(h);
    expect(auditHash(2, '0'.repeat(64), e)).not.toBe(h);
  });
});

describe.each(DIALECTS)('audit chain on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, (e, a) => ((env = e), (api = a)));
  beforeEach(async () => {
    for (let i = 0; i < 3; i++) await api.as('clerk').post('/api/v1/cases', intakeBody());
  });

  it('verifies an intact chain through the API (supervisor, admin, auditor) and refuses other roles', async () => {
    const r = await api.as('super').get('/api/v1/audit/verify');
    expect(r.status).toBe(200);
    expect(r.body.ok).toBe(true);
    expect(r.body.records).toBeGreaterThan(5);
    expect((await api.as('admin').get('/api/v1/audit/verify')).status).toBe(200);
    expect((await api.as('auditor').get('/api/v1/audit/verify')).status).toBe(200);
    expect((await api.as('secadmin').get('/api/v1/audit/verify')).status).toBe(403);
    expect((await api.as('coord').get('/api/v1/audit/verify')).status).toBe(403);
    expect((await api.as(null).get('/api/v1/audit/verify')).status).toBe(401);
  });

  async function tamper(f: () => Promise<unknown>, restore: () => Promise<unknown>) {
    await f();
    try {
      return await verifyAuditChain(env.ctx.db);
    } finally {
      await restore();
    }
  }

  it('names the first altered record', async () => {
    const row = await env.ctx.db.selectFrom('audit_log').selectAll().where('seq', '=', 3).executeTakeFirstOrThrow();
    const r = await tamper(
      () => env.ctx.db.updateTable('audit_log').set({ data: row.data.replace('}', ',"x":1}') }).where('seq', '=', 3).execute(),
      () => env.ctx.db.updateTable('audit_log').set({ data: row.data }).where('seq', '=', 3).execute(),
    );
    expect(r).toMatchObject({ ok: false, brokenAt: 3 });
    const row4 = await env.ctx.db.selectFrom('audit_log').selectAll().where('seq', '=', 4).executeTakeFirstOrThrow();
    const actor = await tamper(
      () => env.ctx.db.updateTable('audit_log').set({ actor: 'someone-else' }).where('seq', '=', 4).execute(),
      () => env.ctx.db.updateTable('audit_log').set({ actor: row4.actor }).where('seq', '=', 4).execute(),
    );
    expect(actor).toMatchObject({ ok: false, brokenAt: 4 });
    expect((await verifyAuditChain(env.ctx.db)).ok).toBe(true);
  });

  it('names a removed record', async () => {
    const row = await env.ctx.db.selectFrom('audit_log').selectAll().where('seq', '=', 5).executeTakeFirstOrThrow();
    const r = await tamper(
      () => env.ctx.db.deleteFrom('audit_log').where('seq', '=', 5).execute(),
      () => env.ctx.db.insertInto('audit_log').values(row).execute(),
    );
    expect(r).toMatchObject({ ok: false, brokenAt: 5 });
  });

  it('catches the removal of the newest record', async () => {
    const head = await env.ctx.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
    const row = await env.ctx.db.selectFrom('audit_log').selectAll().where('seq', '=', head.seq).executeTakeFirstOrThrow();
    const r = await tamper(
      () => env.ctx.db.deleteFrom('audit_log').where('seq', '=', head.seq).execute(),
      () => env.ctx.db.insertInto('audit_log').values(row).execute(),
    );
    expect(r).toMatchObject({ ok: false, brokenAt: head.seq });
  });

  it('names an inserted record, even one with a recomputed hash', async () => {
    // Shift records 6.. up by one and insert a forged record 6 whose own hash is consistent.
    const rows = await env.ctx.db.selectFrom('audit_log').selectAll().where('seq', '>=', 6).orderBy('seq', 'desc').execute();
    const prev = await env.ctx.db.selectFrom('audit_log').selectAll().where('seq', '=', 5).executeTakeFirstOrThrow();
    const forged = { at: prev.at, actor: 'forger', action: 'case.intake', entityType: 'case', entityId: '999', data: {} };
    const r = await tamper(
      async () => {
        for (const x of rows) await env.ctx.db.updateTable('audit_log').set({ seq: x.seq + 1000 }).where('seq', '=', x.seq).execute();
        for (const x of rows) await env.ctx.db.updateTable('audit_log').set({ seq: x.seq + 1 }).where('seq', '=', x.seq + 1000).execute();
        await env.ctx.db
          .insertInto('audit_log')
          .values({ seq: 6, at: forged.at, actor: forged.actor, action: forged.action, entity_type: 'case', entity_id: '999', data: '{}', prev_hash: prev.hash, hash: auditHash(6, prev.hash, forged) })
          .execute();
      },
      async () => {
        await env.ctx.db.deleteFrom('audit_log').where('seq', '=', 6).execute();
        for (const x of [...rows].reverse()) await env.ctx.db.updateTable('audit_log').set({ seq: x.seq }).where('seq', '=', x.seq + 1).execute();
      },
    );
    expect(r).toMatchObject({ ok: false, brokenAt: 7 });
    expect((await verifyAuditChain(env.ctx.db)).ok).toBe(true);
  });
});

describe.each(DIALECTS)('bcs audit verify on %s', (kind) => {
  it('prints "ok N" for an intact chain and names the first broken record otherwise', async () => {
    const env = await createTestEnv(kind);
    try {
      await seedBasics(env);
      const api = await startApi(env);
      await api.as('clerk').post('/api/v1/cases', intakeBody());
      await api.app.close();
      const head = await env.ctx.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
      const logs: string[] = [];
      const errs: string[] = [];
      const out = { log: (s: string) => logs.push(s), err: (s: string) => errs.push(s), stdin: async () => '' };
      expect(await main(['audit', 'verify'], out, { DATABASE_URL: env.url, BCS_DATA_KEY: TEST_DATA_KEY_HEX })).toBe(0);
      expect(logs).toContain(`ok ${head.seq}`);
      await env.ctx.db.updateTable('audit_log').set({ actor: 'x' }).where('seq', '=', 2).execute();
      expect(await main(['audit', 'verify'], out, { DATABASE_URL: env.url, BCS_DATA_KEY: TEST_DATA_KEY_HEX })).toBe(1);
      expect(errs.join('\n')).toMatch(/record 2\b/);
    } finally {
      await env.close();
    }
  });
});
