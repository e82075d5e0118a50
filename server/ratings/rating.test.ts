/**
 * 好差评 by link (docs/PUBLIC.md §1, API.md "The reporter rates the result"), through the API on
 * both databases: the coordinator's link, the reporter's public page and rating with exactly the
 * effect of a phone callback, single use, expiry, the statistics, and the completion SMS.
 */
import { describe, expect, it } from 'vitest';
import { DIALECTS, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { deliverOutbox } from '../notifications/outbox-worker.js';
import type { SmsMessage, SmsProvider } from '../notifications/sms.js';
import { putSettings } from '../settings/settings.repository.js';

class RecordingSms implements SmsProvider {
  readonly name = 'recording';
  sent: SmsMessage[] = [];
  async send(m: SmsMessage): Promise<void> {
    this.sent.push(m);
  }
}

const ALL_SATISFIED = { attitude: 'satisfied', result: 'satisfied', efficiency: 'basically_satisfied', integrity: 'satisfied' };

describe.each(DIALECTS)('rating by link on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, async (e, a) => {
    env = e;
    api = a;
    await putSettings(e.ctx.db, { publicBaseUrl: 'https://bcs.dianjiang.gov.cn/' }, e.clock.now().toISOString());
  });

  const get = async (id: number) => (await api.as('coord').get(`/api/v1/cases/${id}`)).body;
  const ok = async (user: string, id: number, action: string, body: Record<string, unknown> = {}) => {
    const r = await api.as(user).post(`/api/v1/cases/${id}/actions/${action}`, { version: (await get(id)).version, ...body });
    if (r.status !== 200) throw new Error(`${action}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  async function newCase(overrides: Record<string, unknown> = {}) {
    const r = await api.as('clerk').post('/api/v1/cases', intakeBody(overrides));
    expect(r.status).toBe(201);
    return r.body as { id: number; caseNo: string };
  }
  /** A case handled by 县市场监管局 and completed. */
  async function completed(overrides: Record<string, unknown> = {}) {
    const c = await newCase(overrides);
    await ok('coord', c.id, 'accept', { problemType: 'materials' });
    await ok('coord', c.id, 'dispatch', { level: 1, leadDepartment: 'scjgj', coDepartments: [] });
    await ok('h_scjg', c.id, 'sign');
    await ok('h_scjg', c.id, 'complete', { result: '已协调办理营业执照', repliedVia: 'phone' });
    return c;
  }
  const linkOf = async (id: number) => {
    const r = await api.as('coord').get(`/api/v1/cases/${id}/rating-link`);
    expect(r.status).toBe(200);
    return r.body as { url: string; token: string; expiresAt: string };
  };
  const pub = () => api.as(null);

  it('gives the coordinator the same absolute link each time, stored only as a hash', async () => {
    const c = await completed();
    const a = await linkOf(c.id);
    const b = await linkOf(c.id);
    expect(b).toEqual(a);
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits derived from a 128-bit random nonce
    expect(a.url).toBe(`https://bcs.dianjiang.gov.cn/public/rate?t=${a.token}`);
    expect(a.expiresAt).toBe('2026-12-03T10:00:00+08:00'); // 7 calendar days
    const rows = await env.ctx.db.selectFrom('rating_links').selectAll().where('case_id', '=', c.id).execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(a.token);
    // Another case, another token.
    expect((await linkOf((await completed()).id)).token).not.toBe(a.token);
  });

  it('answers 401, 403, 404 and 409 for the rating link', async () => {
    const c = await completed();
    expect((await pub().get(`/api/v1/cases/${c.id}/rating-link`)).status).toBe(401);
    for (const u of ['clerk', 'h_scjg', 'leader', 'super', 'admin']) expect((await api.as(u).get(`/api/v1/cases/${c.id}/rating-link`)).status).toBe(403);
    expect((await api.as('coord').get('/api/v1/cases/999999/rating-link')).status).toBe(404);
    expect((await api.as('coord').get('/api/v1/cases/abc/rating-link')).status).toBe(404);
    const open = await newCase();
    const r = await api.as('coord').get(`/api/v1/cases/${open.id}/rating-link`);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('INVALID_TRANSITION');
  });

  it('shows the reporter the case without personal data and rates it: closed, exactly like a phone callback', async () => {
    const c = await completed();
    const { token } = await linkOf(c.id);
    const page = await pub().get(`/api/v1/public/ratings/${token}`);
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ caseNo: c.caseNo, matter: '个体工商户设立登记', result: '已协调办理营业执照', departmentName: '县市场监管局' });
    expect(JSON.stringify(page.body)).not.toMatch(/张三|1380000/);

    const r = await pub().post(`/api/v1/public/ratings/${token}`, { ...ALL_SATISFIED, comment: '办得很快' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ caseNo: c.caseNo, status: 'closed' });
    const after = await get(c.id);
    expect(after.status).toBe('closed');
    expect(after.callback).toMatchObject({ ...ALL_SATISFIED, comment: '办得很快', bad: false, by: 'reporter', source: 'reporter' });
    expect(after.callbackCount).toBe(1);
    expect(after.events.at(-1)).toMatchObject({ type: 'callback', by: 'reporter', data: { badReview: false, source: 'reporter' } });
    const audit = await env.ctx.db.selectFrom('audit_log').select(['actor', 'action']).where('entity_type', '=', 'case').where('entity_id', '=', String(c.id)).where('action', '!=', 'case.read').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(audit).toEqual({ actor: 'reporter', action: 'case.callback' });

    // Used: the same 404 as an unknown token, for reading and for rating.
    const unknown = await pub().get(`/api/v1/public/ratings/${'A'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    for (const again of [await pub().get(`/api/v1/public/ratings/${token}`), await pub().post(`/api/v1/public/ratings/${token}`, ALL_SATISFIED)]) {
      expect(again.status).toBe(404);
      expect(again.body).toEqual(unknown.body);
    }
    expect((await get(c.id)).callbackCount).toBe(1);
    // The coordinator has no link to send any more.
    expect((await api.as('coord').get(`/api/v1/cases/${c.id}/rating-link`)).status).toBe(409);
  });

  it('sends a 差评 by link to verification with the supervisor and coordinator told', async () => {
    const c = await completed();
    const { token } = await linkOf(c.id);
    const r = await pub().post(`/api/v1/public/ratings/${token}`, { ...ALL_SATISFIED, efficiency: 'dissatisfied', comment: '等了很久' });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('verifying');
    const after = await get(c.id);
    expect(after).toMatchObject({ status: 'verifying', callback: { bad: true, source: 'reporter' } });
    expect(after.allowedActions).toContain('verify');
    const told = await env.ctx.db.selectFrom('outbox').select('recipient').where('case_id', '=', c.id).where('topic', '=', 'bad_review').orderBy('id').execute();
    expect(told.map((t) => t.recipient)).toEqual(['supervisor', 'coordinator']);
  });

  it('refuses bad values with 400 and changes nothing', async () => {
    const c = await completed();
    const { token } = await linkOf(c.id);
    for (const body of [{}, { ...ALL_SATISFIED, attitude: 'great' }, { ...ALL_SATISFIED, integrity: undefined }, { ...ALL_SATISFIED, comment: 'x'.repeat(5001) }]) {
      const r = await pub().post(`/api/v1/public/ratings/${token}`, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
    }
    expect((await get(c.id)).status).toBe('completed');
    expect((await pub().get(`/api/v1/public/ratings/${token}`)).status).toBe(200); // still valid
  });

  it('expires after selfRatingDays calendar days; the coordinator then gets a new link', async () => {
    const c = await completed();
    const old = await linkOf(c.id);
    env.clock.advance(7 * 24 * 3600_000 + 1000);
    await api.relogin();
    expect((await pub().get(`/api/v1/public/ratings/${old.token}`)).status).toBe(404);
    expect((await pub().post(`/api/v1/public/ratings/${old.token}`, ALL_SATISFIED)).status).toBe(404);
    const fresh = await linkOf(c.id);
    expect(fresh.token).not.toBe(old.token);
    expect((await pub().get(`/api/v1/public/ratings/${fresh.token}`)).status).toBe(200);
    env.clock.advance(-(7 * 24 * 3600_000 + 1000));
    await api.relogin();
  });

  it('gives one rating for two submissions at once; the other is the same 404', async () => {
    const c = await completed();
    const { token } = await linkOf(c.id);
    const both = await Promise.all([pub().post(`/api/v1/public/ratings/${token}`, ALL_SATISFIED), pub().post(`/api/v1/public/ratings/${token}`, ALL_SATISFIED)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 404]);
    expect((await get(c.id)).callbackCount).toBe(1);
  });

  it('is used up by a phone callback', async () => {
    const c = await completed();
    const { token } = await linkOf(c.id);
    const phoned = await ok('coord', c.id, 'callback', ALL_SATISFIED);
    expect(phoned.callback).toMatchObject({ source: 'phone', by: 'coord' });
    expect((await pub().get(`/api/v1/public/ratings/${token}`)).status).toBe(404);
    expect((await pub().post(`/api/v1/public/ratings/${token}`, ALL_SATISFIED)).status).toBe(404);
  });

  it('is used up when the case leaves the callback (reopened or merged): 404', async () => {
    const c = await completed();
    const { token } = await linkOf(c.id);
    await ok('coord', c.id, 'callback', ALL_SATISFIED);
    await ok('coord', c.id, 'reopen', { reason: '反映人再次反映', dueAt: '2026-12-30T23:59:59+08:00' });
    expect((await pub().get(`/api/v1/public/ratings/${token}`)).status).toBe(404);
  });

  it('counts a rating by link in the statistics exactly like a phone callback', async () => {
    const stats = async () => (await api.as('leader').get('/api/v1/stats/overview?from=2026-11-01&to=2026-11-30')).body;
    const before = await stats();
    const good = await completed();
    await pub().post(`/api/v1/public/ratings/${(await linkOf(good.id)).token}`, ALL_SATISFIED);
    const bad = await completed();
    await pub().post(`/api/v1/public/ratings/${(await linkOf(bad.id)).token}`, { ...ALL_SATISFIED, attitude: 'dissatisfied' });
    const after = await stats();
    expect(after.callbacks - before.callbacks).toBe(2);
    expect(after.satisfied - before.satisfied).toBe(1);
    expect(after.badReviews - before.badReviews).toBe(1);
    // 好差评 upward: the ratings export names the reporter's own rating as such.
    const exp = await api.app.inject({ method: 'GET', url: '/api/v1/exports/ratings?from=2026-11-01&to=2026-12-31', headers: { authorization: `Bearer ${api.tokens.coord}` } });
    const lines = exp.body.trim().split('\n').map((l: string) => JSON.parse(l) as { caseNo: string; evaluationChannel: string });
    expect(lines.filter((l: { caseNo: string }) => l.caseNo === good.caseNo || l.caseNo === bad.caseNo).map((l: { evaluationChannel: string }) => l.evaluationChannel)).toEqual(['reporter', 'reporter']);
  });

  it('serves the rating page under the public pages\' strict CSP', async () => {
    const r = await api.app.inject({ method: 'GET', url: '/public/rate?t=x' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.body).toContain('办理评价');
    expect(r.body).toMatch(/\/public\/assets\/rate\.js\?v=[0-9a-f]{10}/);
    const js = await api.app.inject({ method: 'GET', url: '/public/assets/rate.js' });
    expect(js.statusCode).toBe(200);
  });

  it('puts the rating link into the completion SMS; the progress page offers it', async () => {
    const c = await completed();
    const sms = new RecordingSms();
    await deliverOutbox(env.ctx, { sms });
    const { url, token } = await linkOf(c.id);
    const done = sms.sent.find((m) => m.caseNo === c.caseNo && m.topic === 'completed');
    expect(done?.text).toContain(url);
    const progress = await pub().get(`/api/v1/public/cases/${c.caseNo}?phoneLast4=1234`);
    expect(progress.status).toBe(200);
    expect(progress.body.ratingPath).toBe(`/public/rate?t=${token}`);
    const templates = await api.as('admin').get('/api/v1/notification-templates');
    expect(templates.body.placeholders.map((p: { name: string }) => p.name)).toContain('ratingUrl');
    // Not completed: no rating offered.
    const open = await newCase();
    expect((await pub().get(`/api/v1/public/cases/${open.caseNo}?phoneLast4=1234`)).body.ratingPath).toBeNull();
  });

  it('limits guessing: after 10 unknown tokens from one address → 429', async () => {
    const c = await completed();
    const { token } = await linkOf(c.id);
    const ip = { 'x-forwarded-for': '203.0.113.9' };
    const inject = (t: string) => api.app.inject({ method: 'GET', url: `/api/v1/public/ratings/${t}`, remoteAddress: '203.0.113.9', headers: ip });
    for (let i = 0; i < 10; i++) expect((await inject(`guess${i}`)).statusCode).toBe(404);
    expect((await inject(token)).statusCode).toBe(429);
  });
});
