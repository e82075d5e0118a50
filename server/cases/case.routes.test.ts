import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DIALECTS, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';

describe.each(DIALECTS)('case routes on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  // Thursday 2026-11-26 10:00 Asia/Shanghai.
  useApiEnv(kind, (e, a) => ((env = e), (api = a)), '2026-11-26T02:00:00.000Z');

  const act = (user: string, id: number, action: string, body: Record<string, unknown>) =>
    api.as(user).post(`/api/v1/cases/${id}/actions/${action}`, body);

  async function newCase(overrides: Record<string, unknown> = {}) {
    const r = await api.as('clerk').post('/api/v1/cases', intakeBody(overrides));
    expect(r.status).toBe(201);
    return r.body;
  }

  async function timelineAndAudit(id: number) {
    const detail = (await api.as('coord').get(`/api/v1/cases/${id}`)).body;
    const all = await env.ctx.db.selectFrom('audit_log').selectAll().where('entity_type', '=', 'case').where('entity_id', '=', String(id)).orderBy('seq').execute();
    // The writes' records; each answer that showed the reporter adds a `case.read` (server/audit/read-audit.ts).
    const audit = all.filter((a) => a.action !== 'case.read');
    expect(all.filter((a) => a.action === 'case.read').length).toBeGreaterThan(0);
    return { detail, audit };
  }

  it('registers a case with a per-year number, the intake as first timeline event and an audit record', async () => {
    const c = await newCase();
    expect(c.caseNo).toMatch(/^2026-\d{6}$/);
    expect(c.status).toBe('received');
    expect(c.version).toBe(1);
    expect(c.events[0].type).toBe('intake');
    expect(c.events[0].by).toBe('clerk');
    expect(c.allowedActions).toContain('resolve-on-spot');
    const { audit } = await timelineAndAudit(c.id);
    expect(audit.map((a) => a.action)).toEqual(['case.intake']);
  });

  it('shows no case whose read could not be recorded (the record is written beside the page\'s reads)', async () => {
    const c = await newCase({ reporter: { name: '欧阳秀', phone: '13911112222', kind: 'person' } });
    // Every `case.read` record is refused from here on: the page must fail as a whole, not show the reporter.
    if (kind === 'postgres') {
      await sql`create function refuse_case_read() returns trigger language plpgsql as $$ begin raise exception 'refused'; end $$`.execute(env.ctx.db);
      await sql`create trigger refuse_case_read before insert on audit_log for each row when (new.action = 'case.read') execute function refuse_case_read()`.execute(env.ctx.db);
    } else {
      await sql`create trigger refuse_case_read before insert on audit_log when new.action = 'case.read' begin select raise(abort, 'refused'); end`.execute(env.ctx.db);
    }
    try {
      const r = await api.as('coord').get(`/api/v1/cases/${c.id}`);
      expect(r.status).toBe(500);
      expect(JSON.stringify(r.body)).not.toContain('欧阳秀');
      expect(JSON.stringify(r.body)).not.toContain('13911112222');
    } finally {
      await sql`drop trigger refuse_case_read${sql.raw(kind === 'postgres' ? ' on audit_log' : '')}`.execute(env.ctx.db);
      if (kind === 'postgres') await sql`drop function refuse_case_read()`.execute(env.ctx.db);
    }
    const r = await api.as('coord').get(`/api/v1/cases/${c.id}`);
    expect(r.status).toBe(200);
    expect(r.body.reporter.name).toBe('欧阳秀');
  });

  it('drives the whole loop: accept → L1 → sign → measure → complete → 差评 → verify/rectify → complete → callback → closed', async () => {
    const c = await newCase();
    let r = await act('coord', c.id, 'accept', { version: c.version, problemType: 'materials' });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('accepted');
    expect(r.body.problemType).toBe('materials');

    r = await act('coord', c.id, 'dispatch', { version: r.body.version, level: 1, leadDepartment: 'scjgj' });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('assigned');
    expect(r.body.level).toBe(1);
    // Thursday 26 Nov + 2 working days → Monday 30 Nov, end of day Shanghai.
    expect(r.body.dueAt).toBe('2026-11-30T23:59:59+08:00');
    expect(r.body.assignmentNo).toMatch(/^〔2026〕第\d+号$/);
    expect(r.body.overdue).toBe(false);

    r = await act('h_scjg', c.id, 'sign', { version: r.body.version });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('in_progress');

    r = await act('h_scjg', c.id, 'add-measure', { version: r.body.version, type: 'tolerance_acceptance', note: '申请人书面承诺 5 日内补交', dueAt: '2026-12-03T17:00:00+08:00' });
    expect(r.status).toBe(200);
    expect(r.body.measures).toHaveLength(1);
    expect(r.body.measures[0]).toMatchObject({ id: expect.any(Number), type: 'tolerance_acceptance', dueAt: '2026-12-03T17:00:00+08:00', missed: false, remindedAt: null });

    r = await act('h_scjg', c.id, 'complete', { version: r.body.version, result: '容缺受理，已发营业执照', repliedVia: 'phone' });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('completed');
    expect(r.body.firstCompletedOnTime).toBe(true);

    r = await act('coord', c.id, 'callback', { version: r.body.version, attitude: 'satisfied', result: 'dissatisfied', efficiency: 'basically_satisfied', integrity: 'satisfied', comment: '结果不满意' });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('verifying');

    r = await act('super', c.id, 'verify', { version: r.body.version, substantiated: true, outcome: 'rectify', note: '限期整改', rectifyDueAt: '2026-12-10T18:00:00+08:00' });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('in_progress');
    expect(r.body.dueAt).toBe('2026-12-10T18:00:00+08:00');

    r = await act('h_scjg', c.id, 'complete', { version: r.body.version, result: '已整改到位', repliedVia: 'in_person' });
    expect(r.body.status).toBe('completed');
    r = await act('coord', c.id, 'callback', { version: r.body.version, attitude: 'satisfied', result: 'satisfied', efficiency: 'satisfied', integrity: 'satisfied' });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('closed');
    expect(r.body.allowedActions).toEqual(['circulate', 'refer-discipline', 'reopen']); // 通报 and 线索移送 still follow a closed case (issue 12), and 重办 should the reporter come back with the same problem

    const { detail, audit } = await timelineAndAudit(c.id);
    expect(detail.events.map((e: any) => e.type)).toEqual([
      'intake', 'accept', 'dispatch', 'sign', 'add-measure', 'complete', 'callback', 'verify', 'complete', 'callback',
    ]);
    expect(audit.map((a) => a.action)).toEqual([
      'case.intake', 'case.accept', 'case.dispatch', 'case.sign', 'case.add-measure', 'case.complete', 'case.callback', 'case.verify', 'case.complete', 'case.callback',
    ]);
  });

  it('dispatches at level 2 with co-departments who can see but not sign', async () => {
    const c = await newCase();
    let r = await act('coord', c.id, 'accept', { version: 1, problemType: 'complex' });
    r = await act('coord', c.id, 'dispatch', { version: r.body.version, level: 2, leadDepartment: 'zjw', coDepartments: ['rsj'] });
    expect(r.status).toBe(200);
    // Thursday + 5 working days → Thursday 3 Dec.
    expect(r.body.dueAt).toBe('2026-12-03T23:59:59+08:00');
    expect(r.body.coDepartments).toEqual(['rsj']);
    const co = await api.as('h_rs').get(`/api/v1/cases/${c.id}`);
    expect(co.status).toBe(200);
    expect(co.body.allowedActions).not.toContain('sign');
    const refused = await act('h_rs', c.id, 'sign', { version: r.body.version });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    const other = await api.as('h_scjg').get(`/api/v1/cases/${c.id}`);
    expect(other.status).toBe(404);
    const lead = await act('h_zj', c.id, 'sign', { version: r.body.version });
    expect(lead.status).toBe(200);
  });

  it('escalates to level 3 with the leader\'s own deadline, and denies an escalation back to where it came from', async () => {
    const c = await newCase();
    let r = await act('coord', c.id, 'accept', { version: 1, problemType: 'rigid_policy' });
    r = await act('coord', c.id, 'request-escalation', { version: r.body.version, reason: '涉及多部门政策冲突' });
    expect(r.body.status).toBe('escalating');
    expect((await act('coord', c.id, 'approve-escalation', { version: r.body.version, leadDepartment: 'zjw', dueAt: '2026-12-20T18:00:00+08:00' })).status).toBe(403);
    r = await act('leader', c.id, 'approve-escalation', { version: r.body.version, leadDepartment: 'zjw', coDepartments: ['ghzrzyj', 'rsj'], dueAt: '2026-12-20T18:00:00+08:00' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'assigned', level: 3, leadDepartment: 'zjw', dueAt: '2026-12-20T18:00:00+08:00' });
    expect(r.body.assignmentSheets).toHaveLength(1);

    r = await act('h_zj', c.id, 'sign', { version: r.body.version });
    r = await act('coord', c.id, 'request-escalation', { version: r.body.version, reason: '再次协调' });
    r = await act('leader', c.id, 'deny-escalation', { version: r.body.version, reason: '由牵头部门继续办理' });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('in_progress');
  });

  it('rejects with a reason, and resolves on the spot', async () => {
    const a = await newCase();
    const r = await act('coord', a.id, 'reject', { version: 1, reasonCategory: 'litigation', explanation: '已进入诉讼程序' });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('rejected');
    expect(r.body.rejection).toEqual({ reasonCategory: 'litigation', explanation: '已进入诉讼程序' });
    expect((await act('coord', a.id, 'urge', { version: r.body.version, note: '催办' })).status).toBe(409);

    const b = await newCase();
    const s = await act('clerk', b.id, 'resolve-on-spot', { version: 1, result: '窗口当场协调办结' });
    expect(s.status).toBe(200);
    expect(s.body.status).toBe('completed');
    expect(s.body.resolvedOnSpot).toBe(true);
  });

  describe('errors in the contract\'s order', () => {
    it('401 without a token, whatever else is wrong', async () => {
      const r = await api.as(null).post('/api/v1/cases/999999/actions/nonsense', { bad: true });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('UNAUTHENTICATED');
      expect((await api.as(null).get('/api/v1/cases')).status).toBe(401);
    });
    it('404 for an unknown case, an unknown action, a malformed id — identical bodies', async () => {
      const c = await newCase();
      const a = await act('coord', 99999999, 'accept', { version: 1, problemType: 'materials' });
      const b = await act('coord', c.id, 'fly-away', { version: 1 });
      const d = await api.as('coord').get('/api/v1/cases/abc');
      const e = await api.as('coord').get("/api/v1/cases/1'%20OR%201=1");
      for (const r of [a, b, d, e]) expect(r.status).toBe(404);
      expect(a.body).toEqual(b.body);
      expect(a.body).toEqual(d.body);
      expect(JSON.stringify(a.headers)).not.toContain('request-id');
    });
    it('404 (not 403 or 400) for a handler asking for another department\'s case', async () => {
      const c = await newCase();
      expect((await api.as('h_rs').get(`/api/v1/cases/${c.id}`)).status).toBe(404);
      expect((await act('h_rs', c.id, 'sign', {})).status).toBe(404);
      const list = await api.as('h_rs').get('/api/v1/cases?limit=200');
      expect(list.body.items.map((i: any) => i.id)).not.toContain(c.id);
    });
    it('400 before 403: a clerk with a bad body gets 400, with a good body 403', async () => {
      const c = await newCase();
      const bad = await act('clerk', c.id, 'dispatch', { version: 1, level: 7 });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION');
      expect(bad.body.error.details.map((d: any) => d.field)).toContain('level');
      const good = await act('clerk', c.id, 'accept', { version: 1, problemType: 'unable' });
      expect(good.status).toBe(403);
    });
    it('403 before 409: a clerk with a stale version gets 403', async () => {
      const c = await newCase();
      expect((await act('clerk', c.id, 'accept', { version: 42, problemType: 'unable' })).status).toBe(403);
    });
    it('409 VERSION_CONFLICT before INVALID_TRANSITION', async () => {
      const c = await newCase();
      const stale = await act('coord', c.id, 'sign', { version: 5 });
      expect(stale.status).toBe(403); // coordinators never sign
      const r = await act('coord', c.id, 'dispatch', { version: 5, level: 1, leadDepartment: 'scjgj' });
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('VERSION_CONFLICT');
      const t = await act('coord', c.id, 'dispatch', { version: 1, level: 1, leadDepartment: 'scjgj' });
      expect(t.status).toBe(409);
      expect(t.body.error.code).toBe('INVALID_TRANSITION');
      expect(t.body.error.message).toMatch(/当前状态/);
    });
    it('refuses a level-1 dispatch with co-departments, an unknown department, a past deadline', async () => {
      const c = await newCase();
      const acc = await act('coord', c.id, 'accept', { version: 1, problemType: 'materials' });
      const v = acc.body.version;
      expect((await act('coord', c.id, 'dispatch', { version: v, level: 1, leadDepartment: 'scjgj', coDepartments: ['rsj'] })).status).toBe(400);
      expect((await act('coord', c.id, 'dispatch', { version: v, level: 1, leadDepartment: 'nosuch' })).status).toBe(400);
      expect((await act('coord', c.id, 'dispatch', { version: v, level: 2, leadDepartment: 'scjgj', coDepartments: [] })).status).toBe(400);
      expect((await act('coord', c.id, 'add-measure', { version: v, type: 'investigation', dueAt: '2020-01-01T00:00:00+08:00' })).status).toBe(400);
      expect((await act('coord', c.id, 'add-measure', { version: v, type: 'nonsense' })).status).toBe(400);
      const after = await api.as('coord').get(`/api/v1/cases/${c.id}`);
      expect(after.body.version).toBe(v);
      expect(after.body.status).toBe('accepted');
    });
    it('checks verify combinations', async () => {
      const c = await newCase();
      const base = { version: 1 };
      for (const body of [
        { substantiated: false, outcome: 'rectify', rectifyDueAt: '2026-12-30T00:00:00+08:00' },
        { substantiated: true, outcome: 'none' },
        { substantiated: true, outcome: 'rectify' },
        { substantiated: 'yes', outcome: 'none' },
      ]) {
        expect((await act('super', c.id, 'verify', { ...base, ...body })).status).toBe(400);
      }
    });
  });

  describe('intake validation and malformed input never yields a 500', () => {
    it.each([
      ['missing phone', { reporter: { name: '张三', kind: 'person' } }, 'reporter.phone'],
      ['bad phone', { reporter: { name: '张三', phone: '12345', kind: 'person' } }, 'reporter.phone'],
      ['enterprise without code', { reporter: { name: '张三', phone: '13800001234', kind: 'enterprise', orgName: '某某公司' } }, 'reporter.orgCode'],
      ['enterprise with a wrong check digit', { reporter: { name: '张三', phone: '13800001234', kind: 'enterprise', orgName: '某某公司', orgCode: '91440300708461136A' } }, 'reporter.orgCode'],
      ['unknown channel', { channel: 'fax' }, 'channel'],
      ['unknown department', { departmentCodes: ['nosuch'] }, 'departmentCodes'],
      ['200 kB description', { description: '很'.repeat(200_000) }, 'description'],
      ['name too long', { reporter: { name: '名'.repeat(51), phone: '13800001234', kind: 'person' } }, 'reporter.name'],
      ['matter too long', { matter: '事'.repeat(201) }, 'matter'],
      ['wrong type', { matter: 42 }, 'matter'],
    ])('400 for %s', async (_label, overrides, field) => {
      const before = await env.ctx.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const r = await api.as('clerk').post('/api/v1/cases', intakeBody(overrides as Record<string, unknown>));
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
      expect(r.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
      expect(r.body.error.details.map((d: any) => d.field)).toContain(field);
      const after = await env.ctx.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    });
    it('accepts an enterprise with a valid 统一社会信用代码', async () => {
      const c = await newCase({ reporter: { name: '刘经理', phone: '023-74512345', kind: 'enterprise', orgName: '深圳市腾讯计算机系统有限公司', orgCode: '91440300708461136T' } });
      expect(c.reporter.orgCode).toBe('91440300708461136T');
    });
    it('400 for malformed JSON, an empty body, an array body, SQL-looking strings are just text', async () => {
      const raw = await api.app.inject({ method: 'POST', url: '/api/v1/cases', headers: { authorization: `Bearer ${api.tokens.clerk}`, 'content-type': 'application/json' }, payload: '{"channel": "window",' });
      expect(raw.statusCode).toBe(400);
      expect(raw.json().error.code).toBe('VALIDATION');
      const empty = await api.app.inject({ method: 'POST', url: '/api/v1/cases', headers: { authorization: `Bearer ${api.tokens.clerk}`, 'content-type': 'application/json' }, payload: '' });
      expect(empty.statusCode).toBe(400);
      expect((await api.as('clerk').post('/api/v1/cases', [1, 2])).status).toBe(400);
      const sqlish = await newCase({ matter: "'; DROP TABLE cases; --", description: "1' OR '1'='1" });
      expect(sqlish.matter).toBe("'; DROP TABLE cases; --");
      const text = await api.app.inject({ method: 'POST', url: '/api/v1/cases', headers: { authorization: `Bearer ${api.tokens.clerk}`, 'content-type': 'text/plain' }, payload: 'hello' });
      expect(text.statusCode).toBe(400);
    });
    it('403 for roles that may not register', async () => {
      expect((await api.as('h_scjg').post('/api/v1/cases', intakeBody())).status).toBe(403);
      expect((await api.as('leader').post('/api/v1/cases', intakeBody())).status).toBe(403);
    });
  });

  describe('idempotency', () => {
    it('answers the first case for a replay and 409 for the same key with another body', async () => {
      const key = `k-${kind}-1`;
      const a = await api.as('clerk').post('/api/v1/cases', intakeBody(), { 'idempotency-key': key });
      const b = await api.as('clerk').post('/api/v1/cases', intakeBody(), { 'idempotency-key': key });
      expect(a.status).toBe(201);
      expect([200, 201]).toContain(b.status);
      expect(b.body.id).toBe(a.body.id);
      const c = await api.as('clerk').post('/api/v1/cases', intakeBody({ matter: '另一个事项' }), { 'idempotency-key': key });
      expect(c.status).toBe(409);
      expect(c.body.error.code).toBe('IDEMPOTENCY_MISMATCH');
      // Scoped to the user: the coordinator's same key is a new case.
      const d = await api.as('coord').post('/api/v1/cases', intakeBody(), { 'idempotency-key': key });
      expect(d.status).toBe(201);
      expect(d.body.id).not.toBe(a.body.id);
    });
    it('creates one case for concurrent requests with the same key', async () => {
      const key = `k-${kind}-race`;
      const rs = await Promise.all(Array.from({ length: 8 }, () => api.as('clerk').post('/api/v1/cases', intakeBody(), { 'idempotency-key': key })));
      expect(new Set(rs.map((r) => r.body.id)).size).toBe(1);
      expect(rs.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    });
  });

  describe('list', () => {
    it('masks phones, pages by cursor without gaps or repeats, and filters', async () => {
      for (let i = 0; i < 7; i++) await newCase({ matter: `分页测试事项${i}`, channel: i % 2 ? 'hotline' : 'window' });
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const r: any = await api.as('coord').get(`/api/v1/cases?q=${encodeURIComponent('分页测试')}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        expect(r.status).toBe(200);
        for (const it of r.body.items) {
          expect(it.reporter.phone).toBe('138****1234');
          seen.push(it.id);
        }
        cursor = r.body.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(7);
      expect(new Set(seen).size).toBe(7);
      const hot = await api.as('coord').get(`/api/v1/cases?q=${encodeURIComponent('分页测试')}&channel=hotline`);
      expect(hot.body.items).toHaveLength(3);
      const two = await api.as('coord').get(`/api/v1/cases?q=${encodeURIComponent('事项')}&limit=200`);
      expect(two.body.items.length).toBeGreaterThanOrEqual(7);
    });
    it.each([
      ['limit=0'], ['limit=201'], ['limit=abc'], ['cursor=not-a-cursor'], ['receivedFrom=2026-13-01'], ['status=open'], ['level=4'], ['overdue=maybe'],
    ])('400 for %s', async (qs) => {
      const r = await api.as('coord').get(`/api/v1/cases?${qs}`);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
    });
    it('finds overdue cases once the deadline passes', async () => {
      const c = await newCase({ matter: '超期测试' });
      let r = await act('coord', c.id, 'accept', { version: 1, problemType: 'unable' });
      r = await act('coord', c.id, 'dispatch', { version: r.body.version, level: 1, leadDepartment: 'rsj' });
      const saved = env.clock.now();
      env.clock.set('2026-12-01T00:00:00.000Z'); // Tuesday 08:00 Shanghai, past Monday's deadline
      try {
        expect((await api.as('coord').get('/api/v1/cases')).status).toBe(401); // the idle session has ended
        await api.relogin();
        const list = await api.as('coord').get('/api/v1/cases?overdue=true&limit=200');
        expect(list.body.items.map((i: any) => i.id)).toContain(c.id);
        const d = await api.as('coord').get(`/api/v1/cases/${c.id}`);
        expect(d.body.overdue).toBe(true);
      } finally {
        env.clock.t = saved;
        await api.relogin();
      }
    });
  });
});
