import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { DIALECTS, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { shanghaiDate } from '../../core/working-days.js';
import { formatCaseNo, raiseCounter } from './case.repository.js';
import { chainsInDatabase } from '../audit/audit.repository.js';
import { rebuildRollup } from '../stats/rollup.js';

describe.each(DIALECTS)('concurrency on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, (e, a) => ((env = e), (api = a)));

  it('gives 200 concurrent intakes 200 distinct, consecutive, gap-free case numbers', async () => {
    const rs = await Promise.all(
      Array.from({ length: 200 }, (_, i) => api.as(i % 2 ? 'clerk' : 'coord').post('/api/v1/cases', intakeBody({ matter: `并发登记${i}` }))),
    );
    expect(rs.every((r) => r.status === 201)).toBe(true);
    const seqs = rs.map((r) => Number(String(r.body.caseNo).slice(5))).sort((a, b) => a - b);
    expect(new Set(seqs).size).toBe(200);
    expect(seqs[0]).toBe(1);
    expect(seqs[199]).toBe(200);
    const audit = await api.as('admin').get('/api/v1/audit/verify');
    expect(audit.body.ok).toBe(true);
  });

  // Without a webhook PostgreSQL writes an intake as one statement (the id and number filled in by
  // it: writeNewCase); a webhook's body needs the stored case, so with one it is a transaction.
  const consistent = async (withHook: boolean) => {
    const db = env.handle.db;
    const year = Number(shanghaiDate(env.clock.now()).slice(0, 4));
    const counter = async () => (await db.selectFrom('counters').select('value').where('name', '=', 'case').where('year', '=', year).executeTakeFirst())?.value ?? 0;
    const before = await counter();
    if (withHook) {
      // A subscription whose deliveries are only queued here (none is sent): a private address, allowed.
      expect((await api.as('admin').put('/api/v1/settings', { webhookAllowPrivateNetworks: true })).status).toBe(200);
      const hook = await api.as('admin').post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/bcs-hook', events: ['*'], secret: 'a-shared-secret-of-the-12345' });
      expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    }
    const n = 60;
    const rs = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        api.as(i % 2 ? 'clerk' : 'coord').post('/api/v1/cases', intakeBody({ matter: `编号一致${withHook ? '甲' : '乙'}${i}`, channel: i % 3 ? 'window' : 'online' })),
      ),
    );
    expect(rs.map((r) => r.status)).toEqual(rs.map(() => 201));
    expect(await counter()).toBe(before + n);
    const ids = rs.map((r) => r.body.id as number);
    const rows = await db.selectFrom('cases').select(['id', 'case_no', 'year', 'seq']).where('id', 'in', ids).execute();
    expect(rows).toHaveLength(n);
    // Gap-free and unique, each row's number made of its own year and seq.
    expect(rows.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => before + 1 + i));
    const noOf = new Map(rows.map((r) => [r.id, r.case_no]));
    for (const r of rows) expect(r.case_no).toBe(formatCaseNo(r.year, r.seq));
    for (const r of rs) expect(r.body.caseNo).toBe(noOf.get(r.body.id));
    const events = await db.selectFrom('case_events').select(['case_id', 'data']).where('case_id', 'in', ids).where('type', '=', 'intake').execute();
    expect(events).toHaveLength(n);
    for (const e of events) expect(JSON.parse(e.data).caseNo).toBe(noOf.get(e.case_id));
    const messages = await db.selectFrom('outbox').select(['case_id', 'payload']).where('case_id', 'in', ids).execute();
    expect(messages.length).toBeGreaterThanOrEqual(n);
    for (const m of messages) expect(JSON.parse(m.payload).caseNo).toBe(noOf.get(m.case_id!));
    const audits = await db
      .selectFrom('audit_log')
      .select(['entity_id', 'data'])
      .where('action', '=', 'case.intake')
      .where('entity_id', 'in', ids.map(String))
      .execute();
    expect(audits).toHaveLength(n);
    for (const a of audits) expect(JSON.parse(a.data).caseNo).toBe(noOf.get(Number(a.entity_id)));
    const reads = await db.selectFrom('audit_log').select(['entity_id', 'data']).where('action', '=', 'case.read').where('entity_id', 'in', ids.map(String)).execute();
    expect(reads).toHaveLength(n);
    for (const a of reads) expect(JSON.parse(a.data).caseNo).toBe(noOf.get(Number(a.entity_id)));
    const searchColumn = kind === 'postgres' ? 'case_id' : 'rowid';
    expect(await db.selectFrom('case_search' as any).select(searchColumn as any).where(searchColumn as any, 'in', ids).execute()).toHaveLength(n);
    expect((await api.as('admin').get('/api/v1/audit/verify')).body.ok).toBe(true);
    const deliveries = await db.selectFrom('webhook_deliveries').select(['case_id', 'body']).where('case_id', 'in', ids).execute();
    expect(deliveries).toHaveLength(withHook ? n : 0);
    for (const d of deliveries) expect(JSON.parse(d.body).case.caseNo).toBe(noOf.get(d.case_id));
    for (const r of rs.slice(0, 5)) expect((await api.as('coord').get(`/api/v1/cases/${r.body.id}`)).body.caseNo).toBe(r.body.caseNo);
  };

  it('numbers concurrent intakes consistently: the row, its event, messages, audit records, search entry and answer carry one number', async () => {
    if (kind === 'postgres') expect(chainsInDatabase(env.handle.db)).toBe(true);
    await consistent(false);
  });

  it('numbers them as consistently with a webhook subscribed (its deliveries too)', async () => {
    await consistent(true);
  });

  it('takes intakes, decisions and reads at once without a deadlock or a lost write, the rollup exact', async () => {
    const open = await Promise.all(Array.from({ length: 30 }, (_, i) => api.as('clerk').post('/api/v1/cases', intakeBody({ matter: `混合负载${i}` }))));
    expect(open.map((r) => r.status)).toEqual(open.map(() => 201));
    const rs = await Promise.all([
      ...Array.from({ length: 60 }, (_, i) => api.as(i % 2 ? 'clerk' : 'coord').post('/api/v1/cases', intakeBody({ matter: `混合登记${i}` }))),
      ...open.map((c, i) =>
        i % 3 === 2
          ? api.as('coord').get(`/api/v1/cases/${c.body.id}`)
          : api.as('coord').post(`/api/v1/cases/${c.body.id}/actions/accept`, { version: c.body.version, problemType: i % 2 ? 'unable' : 'complex' }),
      ),
    ]);
    expect(rs.map((r) => r.status)).toEqual([...Array.from({ length: 60 }, () => 201), ...open.map(() => 200)]);
    expect((await api.as('admin').get('/api/v1/audit/verify')).body.ok).toBe(true);
    const db = env.handle.db;
    const kept = await db.selectFrom('case_stats').selectAll().where('n', '>', 0).orderBy('bucket').orderBy('lead_department').orderBy('dim').orderBy('value').execute();
    await db.transaction().execute((trx) => rebuildRollup(trx));
    expect(await db.selectFrom('case_stats').selectAll().where('n', '>', 0).orderBy('bucket').orderBy('lead_department').orderBy('dim').orderBy('value').execute()).toEqual(kept);
  });

  // A decision locks the day's rollup rows (its rollup statement) before the chain's head (its audit
  // record, last); PostgreSQL's one-statement intake must too, or an intake and a decision could each
  // hold the row the other waits for (a deadlock: the mixed load above found it).
  it.runIf(kind === 'postgres')('takes the rollup rows before the chain head in the one intake statement', async () => {
    await api.as('clerk').post('/api/v1/cases', intakeBody({ matter: '先取统计行' }));
    const holder = new pg.Client({ connectionString: env.url });
    const probe = new pg.Client({ connectionString: env.url });
    await holder.connect();
    await probe.connect();
    try {
      await holder.query('begin');
      await holder.query('select 1 from audit_head where id = 1 for update');
      const intake = api.as('clerk').post('/api/v1/cases', intakeBody({ matter: '等待链头' }));
      // The intake waits for the head (the lock this connection holds) …
      let waiting = false;
      for (let i = 0; i < 200 && !waiting; i++) {
        const r = await probe.query(`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`);
        waiting = r.rows[0].n > 0;
        if (!waiting) await new Promise((ok) => setTimeout(ok, 10));
      }
      expect(waiting).toBe(true);
      // … holding the day's rollup rows already: they cannot be locked now.
      await probe.query('begin');
      await expect(probe.query(`select 1 from case_stats where dim = 'status' and value = 'received' for update nowait`)).rejects.toMatchObject({ code: '55P03' });
      await probe.query('rollback');
      await holder.query('rollback');
      expect((await intake).status).toBe(201);
    } finally {
      await holder.end();
      await probe.end();
    }
  });

  it('lets exactly one of several concurrent actions on the same version through', async () => {
    const c = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
    const rs = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        api.as('coord').post(`/api/v1/cases/${c.id}/actions/accept`, { version: c.version, problemType: i % 2 ? 'unable' : 'complex' }),
      ),
    );
    const ok = rs.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    for (const r of rs.filter((x) => x.status !== 200)) {
      expect(r.status).toBe(409);
      expect(['VERSION_CONFLICT', 'INVALID_TRANSITION']).toContain(r.body.error.code);
    }
    const detail = (await api.as('coord').get(`/api/v1/cases/${c.id}`)).body;
    expect(detail.events.filter((e: any) => e.type === 'accept')).toHaveLength(1);
    expect(detail.version).toBe(2);
  });

  // Last in this block: it moves the year's counter near a million.
  it('pads the number to six digits and lets it grow past them', async () => {
    const year = Number(shanghaiDate(env.clock.now()).slice(0, 4));
    await raiseCounter(env.handle.db, 'case', year, 999_998);
    const a = await api.as('clerk').post('/api/v1/cases', intakeBody());
    const b = await api.as('clerk').post('/api/v1/cases', intakeBody());
    expect([a.body.caseNo, b.body.caseNo]).toEqual([`${year}-999999`, `${year}-1000000`]);
    const rows = await env.handle.db.selectFrom('cases').select(['case_no', 'seq']).where('id', 'in', [a.body.id, b.body.id]).orderBy('seq').execute();
    expect(rows).toEqual([
      { case_no: `${year}-999999`, seq: 999_999 },
      { case_no: `${year}-1000000`, seq: 1_000_000 },
    ]);
    expect(formatCaseNo(year, 42)).toBe(`${year}-000042`);
    expect((await api.as('coord').get(`/api/v1/cases/${b.body.id}`)).body.caseNo).toBe(`${year}-1000000`);
  });
});
