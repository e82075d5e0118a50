import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, intakeBody, TEST_DATA_KEY, TEST_DATA_KEY_HEX, useApiEnv, type Api, type TestEnv } from '../test/harness.js';
import { openPreparedDatabase } from '../boot.js';
import { main } from '../cli.js';
import { buildApp } from '../app.js';
import ExcelJS from 'exceljs';
import { deliverWebhooks, isPrivateAddress, eventsOf } from './webhooks.js';
import { nationalLevel } from './ratings-export.js';

const API = '/api/v1';

/** A receiver on 127.0.0.1 that records every request and answers with the next queued status (200 when none). */
function receiver() {
  const got: Array<{ body: string; headers: http.IncomingHttpHeaders }> = [];
  const answers: number[] = [];
  let delayMs = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      const status = answers.shift() ?? 200;
      setTimeout(() => res.writeHead(status, { 'content-type': 'text/plain' }).end('ok'), delayMs);
    });
  });
  return {
    got,
    answers,
    setDelay: (ms: number) => (delayMs = ms),
    start: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`))),
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const sign = (body: string, secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('pure parts', () => {
  it('private addresses', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '0.0.0.0', '100.64.0.1'])
      expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ['8.8.8.8', '172.32.0.1', '2001:db8::1', '59.110.1.1']) expect(isPrivateAddress(a), a).toBe(false);
  });
  it('the five national levels from our four aspects', () => {
    const all = (r: 'satisfied' | 'basically_satisfied' | 'dissatisfied') => ({ attitude: r, result: r, efficiency: r, integrity: r });
    expect(nationalLevel(all('satisfied'))).toBe(5);
    expect(nationalLevel({ ...all('satisfied'), efficiency: 'basically_satisfied' })).toBe(4);
    expect(nationalLevel({ ...all('satisfied'), result: 'basically_satisfied' })).toBe(3);
    expect(nationalLevel(all('basically_satisfied'))).toBe(3);
    expect(nationalLevel({ ...all('satisfied'), attitude: 'dissatisfied' })).toBe(2);
    expect(nationalLevel({ ...all('satisfied'), result: 'dissatisfied' })).toBe(1);
  });
  it('events of a change', () => {
    expect(eventsOf(null, 'received', 'intake')).toEqual(['case.created']);
    expect(eventsOf('in_progress', 'completed', 'complete')).toEqual(['case.status_changed', 'case.completed']);
    expect(eventsOf('completed', 'closed', 'callback')).toEqual(['case.status_changed', 'case.callback']);
    expect(eventsOf('in_progress', 'in_progress', 'urge')).toEqual([]);
  });
});

describe.each(DIALECTS)('integrations on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, (e, a) => {
    env = e;
    api = a;
  });
  const withKey = (key: string) => ({
    get: async (url: string) => {
      const r = await api.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
      return { status: r.statusCode, body: r.json() };
    },
    post: async (url: string, body: unknown) => {
      const r = await api.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${key}` }, payload: body as object });
      return { status: r.statusCode, body: r.json() };
    },
  });
  const del = async (user: string, url: string) => {
    const r = await api.app.inject({ method: 'DELETE', url, headers: { authorization: `Bearer ${api.tokens[user]}` } });
    return { status: r.statusCode, body: r.json() };
  };

  it('API keys: created by the admin, shown once, act as their role, audited under their name, revoked at once', async () => {
    expect((await api.as('coord').post(`${API}/api-keys`, { name: 'x', role: 'clerk' })).status).toBe(403);
    expect((await api.as('admin').post(`${API}/api-keys`, { name: '部门接口', role: 'handler' })).status).toBe(400);
    expect((await api.as('admin').post(`${API}/api-keys`, { name: '部门接口', role: 'handler', department: 'nosuch' })).status).toBe(400);
    expect((await api.as('admin').post(`${API}/api-keys`, { name: '管理', role: 'admin' })).status).toBe(400);
    expect((await api.as('admin').post(`${API}/api-keys`, { name: '受理', role: 'clerk', department: 'scjgj' })).status).toBe(400);

    const created = await api.as('admin').post(`${API}/api-keys`, { name: '12345热线平台', role: 'clerk' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(Number), name: '12345热线平台', role: 'clerk', department: null, lastUsedAt: null, revokedAt: null });
    const key = created.body.key as string;
    expect(key).toMatch(/^bcs_[A-Za-z0-9_-]{43}$/);
    expect((await api.as('admin').post(`${API}/api-keys`, { name: '12345热线平台', role: 'clerk' })).status).toBe(409);
    const stored = await env.ctx.db.selectFrom('api_keys').selectAll().where('id', '=', created.body.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(key.slice(4));

    const me = await withKey(key).get(`${API}/auth/me`);
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ username: '12345热线平台', role: 'clerk', department: null });
    const c = await withKey(key).post(`${API}/cases`, intakeBody({ channel: 'hotline' }));
    expect(c.status).toBe(201);
    expect(c.body.createdBy).toBe('12345热线平台');
    // The key acts as a clerk and nothing more.
    expect((await withKey(key).get(`${API}/users`)).status).toBe(403);
    expect((await withKey(key).post(`${API}/cases/${c.body.id}/actions/accept`, { version: c.body.version, problemType: 'materials' })).status).toBe(403);

    const list = await api.as('admin').get(`${API}/api-keys`);
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(key);
    expect(list.body.items[0]).toMatchObject({ name: '12345热线平台', lastUsedAt: expect.any(String) });

    const audit = await env.ctx.db.selectFrom('audit_log').select(['actor', 'action', 'data']).where('actor', '=', '12345热线平台').orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['case.intake', 'api_key.call']));
    expect(audit.filter((a) => a.action === 'api_key.call').length).toBeGreaterThanOrEqual(3);

    // A handler key sees its department only.
    const h = await api.as('admin').post(`${API}/api-keys`, { name: '市监局系统', role: 'handler', department: 'scjgj' });
    expect(h.status).toBe(201);
    expect((await withKey(h.body.key).get(`${API}/cases/${c.body.id}`)).status).toBe(404);

    const revoked = await del('admin', `${API}/api-keys/${created.body.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const gone = await withKey(key).get(`${API}/cases`);
    expect(gone.status).toBe(401);
    expect(gone.body.error.message).toBe('接口密钥无效或已吊销');
    expect((await del('admin', `${API}/api-keys/99999`)).status).toBe(404);
    expect((await withKey('bcs_' + 'x'.repeat(43)).get(`${API}/cases`)).status).toBe(401);
  });

  it('a key over its rate limit answers 429; another key is not slowed; a new minute starts afresh', async () => {
    const app = await buildApp(env.ctx, { apiKeyPerMinute: 2 });
    try {
      const created = (await api.as('admin').post(`${API}/api-keys`, { name: '限流甲', role: 'coordinator' })).body;
      const a = created.key as string;
      const b = (await api.as('admin').post(`${API}/api-keys`, { name: '限流乙', role: 'coordinator' })).body.key as string;
      const get = (k: string) => app.inject({ method: 'GET', url: `${API}/cases?limit=1`, headers: { authorization: `Bearer ${k}` } });
      env.clock.set(new Date(Math.floor(env.clock.now().getTime() / 60_000) * 60_000 + 75_000).toISOString());
      expect([(await get(a)).statusCode, (await get(a)).statusCode]).toEqual([200, 200]);
      const third = await get(a);
      expect(third.statusCode).toBe(429);
      expect(third.json().error.code).toBe('RATE_LIMITED');
      expect(third.headers['retry-after']).toBe('45');
      expect((await get(b)).statusCode).toBe(200);
      env.clock.advance(60_000);
      expect((await get(a)).statusCode).toBe(200);
      // Past minutes are not kept.
      const rows = await env.ctx.db.selectFrom('api_key_rate').select(['minute', 'requests']).where('key_id', '=', created.id).execute();
      expect(rows.map((r) => [Number(r.minute), Number(r.requests)])).toEqual([[Math.floor(env.clock.now().getTime() / 60_000), 1]]);
    } finally {
      await app.close();
    }
  });

  it('the rate limit is shared: two instances on one database together allow the limit', async () => {
    // A second instance with its own connection (pool) to the same database.
    const other = await openPreparedDatabase(env.url, { dataKey: TEST_DATA_KEY });
    const one = await buildApp(env.ctx, { apiKeyPerMinute: 10 });
    const two = await buildApp({ db: other.db, kind: other.kind, clock: env.clock }, { apiKeyPerMinute: 10 });
    try {
      const k = (await api.as('admin').post(`${API}/api-keys`, { name: '限流丙', role: 'coordinator' })).body.key as string;
      env.clock.set(new Date(Math.floor(env.clock.now().getTime() / 60_000) * 60_000 + 61_000).toISOString());
      // A read that writes nothing but the limiter's count (the case list now also audits the names it shows,
      // and two SQLite connections writing the audit chain at once are not what this test is about).
      const get = (app: typeof one) => app.inject({ method: 'GET', url: `${API}/departments`, headers: { authorization: `Bearer ${k}` } });
      // 16 requests at once, alternating between the instances: exactly 10 pass.
      const codes = (await Promise.all(Array.from({ length: 16 }, (_, i) => get(i % 2 ? one : two)))).map((r) => r.statusCode);
      expect(codes.filter((c) => c === 200)).toHaveLength(10);
      expect(codes.filter((c) => c === 429)).toHaveLength(6);
      expect((await get(one)).statusCode).toBe(429);
      expect((await get(two)).statusCode).toBe(429);
    } finally {
      await one.close();
      await two.close();
      await other.close();
    }
  });

  it('externalRef: the same ticket answers the first case, another body is a conflict, the list filters by it', async () => {
    const ref = { system: '12345', id: `GD-${kind}-0001` };
    const first = await api.as('clerk').post(`${API}/cases`, intakeBody({ channel: 'hotline', externalRef: ref }));
    expect(first.status).toBe(201);
    expect(first.body.externalRef).toEqual(ref);
    // Any caller, same ticket: the first case.
    const again = await api.as('coord').post(`${API}/cases`, intakeBody({ channel: 'hotline', externalRef: ref }));
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const other = await api.as('clerk').post(`${API}/cases`, intakeBody({ channel: 'hotline', externalRef: ref, matter: '另一件事' }));
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_MISMATCH');
    // The same id in another system is another ticket.
    const mass = await api.as('clerk').post(`${API}/cases`, intakeBody({ channel: 'mass_work', externalRef: { system: 'mass_work', id: ref.id } }));
    expect(mass.status).toBe(201);
    expect((await api.as('clerk').post(`${API}/cases`, intakeBody({ externalRef: { system: '', id: 'x' } }))).status).toBe(400);
    expect((await api.as('clerk').post(`${API}/cases`, intakeBody({ externalRef: { system: '12345', id: 'x'.repeat(65) } }))).status).toBe(400);

    const found = await api.as('coord').get(`${API}/cases?externalRef=${encodeURIComponent(`12345:${ref.id}`)}`);
    expect(found.status).toBe(200);
    expect(found.body.items.map((i: { id: number }) => i.id)).toEqual([first.body.id]);
    expect(found.body.items[0].externalRef).toEqual(ref);
    expect((await api.as('coord').get(`${API}/cases?externalRef=nocolon`)).status).toBe(400);
    // The public report cannot claim a ticket.
    const { channel: _c, ...pub } = intakeBody();
    const report = await api.as(null).post(`${API}/public/cases`, { ...pub, consent: true, externalRef: { system: '12345', id: 'PUB-1' } });
    expect(report.status).toBe(201);
    const row = await env.ctx.db.selectFrom('cases').select('external_id').where('case_no', '=', report.body.caseNo).executeTakeFirstOrThrow();
    expect(row.external_id).toBeNull();
  });

  it('externalRef under concurrency: 50 parallel posts of one ticket make one case', async () => {
    const ref = { system: '12345', id: `GD-${kind}-RACE` };
    const all = await Promise.all(Array.from({ length: 50 }, () => api.as('clerk').post(`${API}/cases`, intakeBody({ channel: 'hotline', externalRef: ref }))));
    expect(all.map((r) => r.status).sort()).toEqual([201, ...Array(49).fill(200)].sort());
    expect(new Set(all.map((r) => r.body.id)).size).toBe(1);
    const n = await env.ctx.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).where('external_id', '=', ref.id).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
  });

  it('好差评 upward: one record per rating in the national fields, as JSON lines and Excel', async () => {
    let c = (await api.as('clerk').post(`${API}/cases`, intakeBody({ channel: 'hotline', externalRef: { system: '12345', id: `GD-${kind}-RATE` } }))).body;
    const step = async (user: string, action: string, body: Record<string, unknown>) => {
      const r = await api.as(user).post(`${API}/cases/${c.id}/actions/${action}`, { version: c.version, ...body });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      c = r.body;
    };
    await step('coord', 'accept', { problemType: 'materials' });
    await step('coord', 'dispatch', { level: 1, leadDepartment: 'scjgj' });
    await step('h_scjg', 'sign', {});
    await step('h_scjg', 'complete', { result: '已办结', repliedVia: 'phone' });
    await step('coord', 'callback', { attitude: 'satisfied', result: 'satisfied', efficiency: 'basically_satisfied', integrity: 'satisfied', comment: '办得不错' });
    const day = '2026-11-26';
    const r = await api.app.inject({ method: 'GET', url: `${API}/exports/ratings?from=${day}&to=2026-12-31`, headers: { authorization: `Bearer ${api.tokens.coord}` } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = r.body.trim().split('\n').map((l) => JSON.parse(l));
    const mine = lines.filter((l) => l.caseNo === c.caseNo);
    expect(mine).toEqual([
      expect.objectContaining({
        caseNo: c.caseNo,
        externalRef: { system: '12345', id: `GD-${kind}-RATE` },
        matterName: '个体工商户设立登记',
        departmentCode: 'scjgj',
        departmentName: '县市场监管局',
        channel: 'hotline',
        evaluationChannel: 'phone',
        level: 4,
        levelName: '满意',
        comment: '办得不错',
        ratedAt: expect.stringMatching(/\+08:00$/),
      }),
    ]);
    expect(r.headers['x-total-count']).toBe(String(lines.length));
    const none = await api.app.inject({ method: 'GET', url: `${API}/exports/ratings?from=2020-01-01&to=2020-01-31`, headers: { authorization: `Bearer ${api.tokens.coord}` } });
    expect(none.body).toBe('');
    const x = await api.app.inject({ method: 'GET', url: `${API}/exports/ratings?from=${day}&to=2026-12-31&format=xlsx`, headers: { authorization: `Bearer ${api.tokens.super}` } });
    expect(x.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('好差评')!;
    expect(ws.getRow(1).getCell(1).value).toBe('评价编号');
    const values = ws.getRow(2).values as unknown[];
    expect(values).toEqual(expect.arrayContaining([lines[0].caseNo, '满意']));
    expect((await api.as('clerk').get(`${API}/exports/ratings?from=${day}&to=${day}`)).status).toBe(403);
    expect((await api.as('coord').get(`${API}/exports/ratings?from=2026-12-31&to=${day}`)).status).toBe(400);
    expect((await api.as('coord').get(`${API}/exports/ratings.xlsx?from=${day}`)).status).toBe(400);
  });

  describe('webhooks', () => {
    const rx = receiver();
    let url: string;
    beforeAll(async () => {
      url = await rx.start();
    });
    afterAll(() => rx.stop());

    it('refuses private addresses unless the setting allows them; validates the body', async () => {
      const secret = 'a-shared-secret-of-the-12345';
      const refused = await api.as('admin').post(`${API}/webhooks`, { url, events: ['*'], secret });
      expect(refused.status).toBe(400);
      expect(refused.body.error.details[0].field).toBe('url');
      expect((await api.as('admin').post(`${API}/webhooks`, { url: 'http://[::1]:9/x', events: ['*'], secret })).status).toBe(400);
      expect((await api.as('admin').post(`${API}/webhooks`, { url: 'ftp://example.com/x', events: ['*'], secret })).status).toBe(400);
      expect((await api.as('admin').post(`${API}/webhooks`, { url: 'https://example.com/x', events: ['case.nothing'], secret })).status).toBe(400);
      expect((await api.as('admin').post(`${API}/webhooks`, { url: 'https://example.com/x', events: ['*'], secret: 'short' })).status).toBe(400);
      expect((await api.as('coord').post(`${API}/webhooks`, { url, events: ['*'], secret })).status).toBe(403);
      expect((await api.as('admin').put(`${API}/settings`, { webhookAllowPrivateNetworks: true })).status).toBe(200);
    });

    it('delivers signed events after commit, in order per case; a refusal is retried with the same id', async () => {
      const secret = 'a-shared-secret-of-the-12345';
      const hook = await api.as('admin').post(`${API}/webhooks`, { url, events: ['*'], secret });
      expect(hook.status).toBe(201);
      expect(hook.body).toMatchObject({ id: expect.any(Number), url, events: ['*'], pending: 0 });
      const only = await api.as('admin').post(`${API}/webhooks`, { url: url + '?completed', events: ['case.completed'], secret: 'another-secret-0123456' });
      expect(only.status).toBe(201);

      const ref = { system: '12345', id: `GD-${kind}-HOOK` };
      let c = (await api.as('clerk').post(`${API}/cases`, intakeBody({ channel: 'hotline', externalRef: ref }))).body;
      const post = async (user: string, action: string, body: Record<string, unknown>) => {
        const r = await api.as(user).post(`${API}/cases/${c.id}/actions/${action}`, { version: c.version, ...body });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        c = r.body;
      };
      await post('coord', 'accept', { problemType: 'materials' });
      await post('coord', 'dispatch', { level: 1, leadDepartment: 'scjgj' });

      // The receiver refuses the first attempt of the first event.
      rx.answers.push(500);
      rx.got.length = 0;
      await deliverWebhooks(env.ctx);
      expect(rx.got).toHaveLength(1);
      const refusedBody = rx.got[0]!.body;
      const refused = JSON.parse(refusedBody);
      expect(refused.type).toBe('case.created');
      expect(rx.got[0]!.headers['x-bcs-signature']).toBe(sign(refusedBody, secret));
      // Nothing later of this case goes while the first is pending.
      await deliverWebhooks(env.ctx);
      expect(rx.got).toHaveLength(1);
      const deliveries = await api.as('admin').get(`${API}/webhooks/${hook.body.id}/deliveries`);
      expect(deliveries.status).toBe(200);
      const first = deliveries.body.items.find((d: { eventId: string }) => d.eventId === refused.id);
      expect(first).toMatchObject({ state: 'retrying', attempts: 1, lastStatus: 500, history: [{ status: 500 }] });
      expect(Date.parse(first.nextAttemptAt) - env.clock.now().getTime()).toBeLessThanOrEqual(30_000);

      env.clock.advance(31_000);
      await deliverWebhooks(env.ctx);
      await deliverWebhooks(env.ctx);
      await deliverWebhooks(env.ctx);
      const bodies = rx.got.map((g) => JSON.parse(g.body));
      expect(rx.got[1]!.body).toBe(refusedBody); // the retry: the same bytes, the same id
      expect(bodies.map((b) => b.type)).toEqual(['case.created', 'case.created', 'case.status_changed', 'case.status_changed']);
      expect(bodies.map((b) => b.case.status)).toEqual(['received', 'received', 'accepted', 'assigned']);
      for (const g of rx.got) expect(g.headers['x-bcs-signature']).toBe(sign(g.body, secret));
      expect(bodies[0].case).toMatchObject({ id: c.id, caseNo: c.caseNo, externalRef: ref });
      expect(JSON.stringify(bodies)).not.toContain('13800001234');
      expect(JSON.stringify(bodies)).not.toContain('张三');
      expect(bodies[3]).toMatchObject({ from: 'accepted', action: 'dispatch', webhookId: hook.body.id, case: { leadDepartment: 'scjgj', leadDepartmentName: '县市场监管局', level: 1 } });

      // Completion: the receiver of case.completed gets that alone.
      await post('h_scjg', 'sign', {});
      await post('h_scjg', 'complete', { result: '已办结', repliedVia: 'phone' });
      rx.got.length = 0;
      for (let i = 0; i < 4; i++) await deliverWebhooks(env.ctx);
      const types = rx.got.map((g) => [g.headers['x-bcs-event'], JSON.parse(g.body).webhookId]);
      expect(types).toEqual(
        expect.arrayContaining([
          ['case.status_changed', hook.body.id],
          ['case.completed', hook.body.id],
          ['case.completed', only.body.id],
        ]),
      );
      expect(rx.got.filter((g) => JSON.parse(g.body).webhookId === only.body.id)).toHaveLength(1);
      const otherSig = rx.got.find((g) => JSON.parse(g.body).webhookId === only.body.id)!;
      expect(otherSig.headers['x-bcs-signature']).toBe(sign(otherSig.body, 'another-secret-0123456'));

      // 重新投递: the same body again.
      const list = await api.as('admin').get(`${API}/webhooks/${hook.body.id}/deliveries?limit=2`);
      expect(list.body.items).toHaveLength(2);
      expect(list.body.nextCursor).toEqual(expect.any(String));
      const again = await api.as('admin').post(`${API}/webhooks/${hook.body.id}/deliveries/${first.id}/redeliver`);
      expect(again.status).toBe(200);
      expect(again.body.state).toBe('pending');
      rx.got.length = 0;
      await deliverWebhooks(env.ctx);
      expect(rx.got.map((g) => g.body)).toEqual([refusedBody]);
      expect((await api.as('admin').post(`${API}/webhooks/${hook.body.id}/deliveries/99999/redeliver`)).status).toBe(404);

      const hooks = await api.as('admin').get(`${API}/webhooks`);
      expect(hooks.body.items.map((h: { id: number }) => h.id)).toEqual([hook.body.id, only.body.id]);
      expect((await del('admin', `${API}/webhooks/${only.body.id}`)).status).toBe(200);
      expect((await api.as('admin').get(`${API}/webhooks/${only.body.id}/deliveries`)).status).toBe(404);
    });

    it('bcs webhook test <id> sends a signed sample', async () => {
      const hook = (await api.as('admin').get(`${API}/webhooks`)).body.items[0];
      rx.got.length = 0;
      const lines: string[] = [];
      const out = { log: (l: string) => lines.push(l), err: (l: string) => lines.push(l), stdin: async () => '' };
      const cliEnv = { DATABASE_URL: env.url, BCS_DATA_KEY: TEST_DATA_KEY_HEX };
      expect(await main(['webhook', 'test', String(hook.id)], out, cliEnv), lines.join('\n')).toBe(0);
      expect(rx.got).toHaveLength(1);
      const body = JSON.parse(rx.got[0]!.body);
      expect(body).toMatchObject({ type: 'webhook.test', webhookId: hook.id, case: { externalRef: { system: '12345' } } });
      expect(rx.got[0]!.headers['x-bcs-signature']).toBe(sign(rx.got[0]!.body, 'a-shared-secret-of-the-12345'));
      expect(await main(['webhook', 'test', '99999'], out, cliEnv)).toBe(1);
    });

    it('a slow receiver times out without holding the others; the timeout is retried', async () => {
      rx.setDelay(1500);
      const c = (await api.as('clerk').post(`${API}/cases`, intakeBody({ matter: '慢接收方' }))).body;
      rx.got.length = 0;
      const started = Date.now();
      await deliverWebhooks(env.ctx, { timeoutMs: 300 });
      expect(Date.now() - started).toBeLessThan(1400);
      rx.setDelay(0);
      const row = await env.ctx.db.selectFrom('webhook_deliveries').selectAll().where('case_id', '=', c.id).executeTakeFirstOrThrow();
      expect(row.outcome).toBeNull();
      expect(row.last_error).toMatch(/超时/);
      env.clock.advance(31_000);
      await deliverWebhooks(env.ctx);
      const after = await env.ctx.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
      expect(after.outcome).toBe('sent');
    });

    it('several senders at once: every delivery is sent exactly once', async () => {
      for (let i = 0; i < 20; i++) await api.as('clerk').post(`${API}/cases`, intakeBody({ matter: `并发投递 ${i}` }));
      rx.got.length = 0;
      await Promise.all([deliverWebhooks(env.ctx, { batchSize: 5 }), deliverWebhooks(env.ctx, { batchSize: 5 }), deliverWebhooks(env.ctx, { batchSize: 5 })]);
      await deliverWebhooks(env.ctx);
      const ids = rx.got.map((g) => JSON.parse(g.body).id as string);
      expect(ids.length).toBeGreaterThanOrEqual(20);
      expect(new Set(ids).size).toBe(ids.length);
      const left = await env.ctx.db.selectFrom('webhook_deliveries').select('id').where('outcome', 'is', null).execute();
      expect(left).toEqual([]);
    });
  });
});
