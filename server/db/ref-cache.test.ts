import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { createTestEnv, DIALECTS, type TestEnv } from '../test/harness.js';
import { cachingStatements, openDatabase, STATEMENT_CACHE_SIZE, type DatabaseHandle } from './dialect.js';
import { getSettings, putSettings } from '../settings/settings.repository.js';
import { listDepartments } from '../users/user.repository.js';
import { loadCalendar } from '../calendar/calendar.repository.js';
import { findKnownDepartments } from '../cases/case.repository.js';
import { activeWebhooks } from '../integrations/webhooks.js';
import { authenticate } from '../auth/session.service.js';
import { openSessionDirect } from '../test/factories.js';
import { intakeBody, useApiEnv, type Api } from '../test/harness.js';

describe.each(DIALECTS)('reference data cached per instance on %s', (kind) => {
  let env: TestEnv;
  /** A second instance on the same database. */
  let other: DatabaseHandle;
  beforeAll(async () => {
    env = await createTestEnv(kind);
    other = openDatabase(env.url);
  });
  afterAll(async () => {
    await other.close();
    await env.close();
  });
  const at = '2026-11-26T02:00:00.000Z';

  it('answers settings from memory until they change, wherever the change is made', async () => {
    const db = env.ctx.db;
    const first = await getSettings(db);
    expect(await getSettings(db)).toBe(first); // the same object: not read again
    // Another instance changes a setting through the repository…
    await other.db.transaction().execute((trx) => putSettings(trx, { dueSoonWorkingDays: first.dueSoonWorkingDays + 1 }, at));
    const second = await getSettings(db);
    expect(second.dueSoonWorkingDays).toBe(first.dueSoonWorkingDays + 1);
    // …or by hand in SQL: the trigger raises the counter just the same.
    await sql`update settings set value = ${JSON.stringify(first.dueSoonWorkingDays + 2)} where key = 'dueSoonWorkingDays'`.execute(other.db);
    expect((await getSettings(db)).dueSoonWorkingDays).toBe(first.dueSoonWorkingDays + 2);
    // The shared value cannot be changed by a careless caller.
    expect(Object.isFrozen(await getSettings(db))).toBe(true);
  });

  it('sees a department added or disabled by another instance on the next read', async () => {
    const db = env.ctx.db;
    expect(await findKnownDepartments(db, ['zzz'])).toEqual(new Set());
    await other.db.insertInto('departments').values({ code: 'zzz', name: '测试局', disabled: 0, created_at: at }).execute();
    expect(await findKnownDepartments(db, ['zzz'])).toEqual(new Set(['zzz']));
    expect((await listDepartments(db)).map((d) => d.code)).toContain('zzz');
    await other.db.updateTable('departments').set({ disabled: 1 }).where('code', '=', 'zzz').execute();
    expect(await findKnownDepartments(db, ['zzz'])).toEqual(new Set());
  });

  it('sees a calendar day changed by another instance', async () => {
    const db = env.ctx.db;
    const day = '2027-03-03'; // a Wednesday
    await other.db.insertInto('calendar_years').values({ year: 2027, source: 'admin', updated_at: at, updated_by: 'admin' }).onConflict((oc) => oc.column('year').doNothing()).execute();
    await other.db.deleteFrom('calendar_days').where('date', '=', day).execute();
    expect((await loadCalendar(db)).kindOf(day)).toBe(null);
    await other.db.insertInto('calendar_days').values({ date: day, year: 2027, kind: 'holiday', name: '测试' }).execute();
    expect((await loadCalendar(db)).kindOf(day)).toBe('holiday');
  });

  it('sees a webhook registered or removed by another instance on the next read', async () => {
    const db = env.ctx.db;
    const before = await activeWebhooks(db);
    expect(await activeWebhooks(db)).toBe(before); // from memory
    const [{ id }] = await other.db
      .insertInto('webhooks')
      .values({ url: 'https://example.org/hook', secret: 's', events: JSON.stringify(['*']), created_at: at, created_by: 'admin' })
      .returning('id')
      .execute();
    expect((await activeWebhooks(db)).map((h) => h.id)).toEqual([...before.map((h) => h.id), id]);
    await other.db.updateTable('webhooks').set({ deleted_at: at } as any).where('id', '=', id).execute();
    expect((await activeWebhooks(db)).map((h) => h.id)).toEqual(before.map((h) => h.id));
  });

  it('reads inside a transaction from the transaction, never from or into the cache', async () => {
    const db = env.ctx.db;
    const before = await getSettings(db);
    await expect(
      db.transaction().execute(async (trx) => {
        await putSettings(trx, { dueSoonWorkingDays: 9 }, at);
        expect((await getSettings(trx)).dueSoonWorkingDays).toBe(9);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await getSettings(db)).dueSoonWorkingDays).toBe(before.dueSoonWorkingDays);
  });
});

describe.each(DIALECTS)('reference counters read with the session on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  /** A second instance on the same database. */
  let other: DatabaseHandle;
  useApiEnv(kind, (e, a) => {
    env = e;
    api = a;
    other = openDatabase(e.url);
  });
  afterAll(() => other.close());
  const at = '2026-11-26T02:00:00.000Z';

  it('the session read carries every kind\'s counter, as ref_versions has them', async () => {
    const s = await openSessionDirect(env.ctx.db, 'clerk', env.clock.now());
    const info = await authenticate(env.ctx.db, s!.token, env.clock.now());
    const rows = await env.ctx.db.selectFrom('ref_versions').select(['name', 'version']).execute();
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(info!.refVersions).toEqual(new Map(rows.map((r) => [r.name, Number(r.version)])));
    // After a change, the next session read has the raised counter.
    await other.db.updateTable('departments').set({ name: '县市场监督管理局' }).where('code', '=', 'scjgj').execute();
    const again = await authenticate(env.ctx.db, s!.token, env.clock.now());
    expect(again!.refVersions.get('departments')).toBe(info!.refVersions.get('departments')! + 1);
    expect(again!.refVersions.get('settings')).toBe(info!.refVersions.get('settings'));
  });

  it('counters handed in are used as read: no read of their own', async () => {
    const db = env.ctx.db;
    const read = new Map((await db.selectFrom('ref_versions').select(['name', 'version']).execute()).map((r) => [r.name, Number(r.version)]));
    const before = await listDepartments(db, read);
    await other.db.insertInto('departments').values({ code: 'yyy', name: '测试二局', disabled: 0, created_at: at }).execute();
    // With the counters of before the change, the cached list (the change is newer than the request)…
    expect(await listDepartments(db, read)).toBe(before);
    // …and with none, the counters are read: the change is seen.
    expect((await listDepartments(db)).map((d) => d.code)).toContain('yyy');
  });

  it('an intake sees a department another instance added or disabled just before the request', async () => {
    const clerk = api.as('clerk');
    expect((await clerk.post('/api/v1/cases', intakeBody({ departmentCodes: ['xxx'] }))).status).toBe(400);
    await other.db.insertInto('departments').values({ code: 'xxx', name: '测试三局', disabled: 0, created_at: at }).execute();
    const ok = await clerk.post('/api/v1/cases', intakeBody({ departmentCodes: ['xxx'] }));
    expect(ok.status).toBe(201);
    expect(ok.body.departmentCodes).toEqual(['xxx']);
    await other.db.updateTable('departments').set({ disabled: 1 }).where('code', '=', 'xxx').execute();
    const refused = await clerk.post('/api/v1/cases', intakeBody({ departmentCodes: ['xxx'] }));
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('部门代码“xxx”不存在或已停用');
    // A setting changed elsewhere shapes the very next intake (its triage clock).
    const s0 = await clerk.post('/api/v1/cases', intakeBody());
    expect(s0.status).toBe(201);
    await other.db.transaction().execute((trx) => putSettings(trx, { triageWorkingDays: 5 }, at));
    const s1 = await clerk.post('/api/v1/cases', intakeBody());
    expect(s1.status).toBe(201);
    expect(s0.body.stageDueAt).toEqual(expect.any(String));
    expect(Date.parse(s1.body.stageDueAt)).toBeGreaterThan(Date.parse(s0.body.stageDueAt) + 3 * 86_400_000);
  });
});

describe('SQLite statements prepared once', () => {
  it('reuses a statement for the same SQL, keeps a bounded number, and gives a stream its own', () => {
    const raw = new SQLite(':memory:');
    let prepares = 0;
    const prepare = raw.prepare.bind(raw);
    (raw as any).prepare = (text: string) => {
      prepares++;
      return prepare(text);
    };
    const conn = cachingStatements(raw);
    conn.prepare('create table t (x integer)').run([]);
    for (let i = 0; i < 5; i++) conn.prepare('insert into t values (?)').run([i]);
    expect(prepares).toBe(2);
    expect(conn.prepare('select x from t order by x').all([])).toEqual([0, 1, 2, 3, 4].map((x) => ({ x })));
    // A stream still open while the same SQL runs again (and while writing) works.
    const seen: unknown[] = [];
    for (const row of conn.prepare('select x from t order by x').iterate([])) {
      seen.push(row);
      expect(conn.prepare('select x from t order by x').all([])).toHaveLength(5);
    }
    expect(seen).toHaveLength(5);
    // Least recently used statements are dropped beyond the bound.
    for (let i = 0; i < STATEMENT_CACHE_SIZE + 10; i++) conn.prepare(`select ${i} as v`).all([]);
    const before = prepares;
    conn.prepare('insert into t values (?)').run([9]); // dropped long ago: prepared again
    expect(prepares).toBe(before + 1);
    conn.prepare(`select ${STATEMENT_CACHE_SIZE + 9} as v`).all([]); // recent: reused
    expect(prepares).toBe(before + 1);
    conn.close();
  });
});
