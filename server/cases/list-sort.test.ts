import { describe, expect, it } from 'vitest';
import { DIALECTS, intakeBody, useApiEnv, type Api, type TestEnv } from '../test/harness.js';

describe.each(DIALECTS)('the list ordered by deadline on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  const ids: Record<string, number> = {};
  useApiEnv(
    kind,
    async (readyEnv, readyApi) => {
      env = readyEnv;
      api = readyApi;
      const dispatch = async (name: string, level: 1 | 2, lead: string, matter = '营业执照变更') => {
        let c = (await api.as('clerk').post('/api/v1/cases', intakeBody({ matter }))).body;
        c = (await api.as('coord').post(`/api/v1/cases/${c.id}/actions/accept`, { version: c.version, problemType: 'materials' })).body;
        c = (await api.as('coord').post(`/api/v1/cases/${c.id}/actions/dispatch`, { version: c.version, level, leadDepartment: lead, ...(level === 2 ? { coDepartments: ['zjw'] } : {}) })).body;
        expect(c.status).toBe('assigned');
        ids[name] = c.id;
      };
      // Thursday 2026-11-26: level 1 → Mon 30 Nov, level 2 → Thu 3 Dec.
      await dispatch('l2a', 2, 'scjgj');
      await dispatch('l1a', 1, 'scjgj');
      await dispatch('l1b', 1, 'rsj', '社保关系转移');
      env.clock.advance(24 * 3600_000); // Friday: level 1 → Tue 1 Dec.
      await api.relogin();
      await dispatch('l1c', 1, 'scjgj', '社保卡补办');
      ids.received = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body.id;
    },
    '2026-11-26T02:00:00.000Z',
  );

  const list = async (q: string) => {
    const r = await api.as('coord').get(`/api/v1/cases?${q}`);
    expect(r.status, q).toBe(200);
    return r.body as { items: Array<{ id: number; dueAt: string | null }>; nextCursor: string | null };
  };

  it('puts the earliest deadline first, same deadlines in intake order, and leaves out cases without one', async () => {
    const r = await list('sort=due');
    expect(r.items.map((c) => c.id)).toEqual([ids.l1a, ids.l1b, ids.l1c, ids.l2a]);
    expect(r.items.every((c) => c.dueAt)).toBe(true);
    expect(r.items.map((c) => c.id)).not.toContain(ids.received);
    // The default stays newest intake first, with every case.
    expect((await list('')).items.map((c) => c.id)[0]).toBe(ids.received);
    expect((await list('sort=received')).items.map((c) => c.id)[0]).toBe(ids.received);
  });

  it('pages by cursor without gaps or repeats, and combines with filters and text', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ id: number }>; nextCursor: string | null } = await list(`sort=due&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([ids.l1a, ids.l1b, ids.l1c, ids.l2a]);
    expect((await list('sort=due&lead=scjgj')).items.map((c) => c.id)).toEqual([ids.l1a, ids.l1c, ids.l2a]);
    expect((await list(`sort=due&q=${encodeURIComponent('社保')}`)).items.map((c) => c.id)).toEqual([ids.l1b, ids.l1c]);
    // A handler sees only their department's, in the same order.
    expect((await api.as('h_scjg').get('/api/v1/cases?sort=due')).body.items.map((c: { id: number }) => c.id)).toEqual([ids.l1a, ids.l1c, ids.l2a]);
  });

  it("with statuses asked, merges each status's deadline order, page by page", async () => {
    // One case signed (办理中): the statuses' parts are merged in deadline order.
    const c = (await api.as('coord').get(`/api/v1/cases/${ids.l1b}`)).body;
    const signed = await api.as('h_rs').post(`/api/v1/cases/${ids.l1b}/actions/sign`, { version: c.version });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    for (const limit of [1, 2, 50]) {
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: Array<{ id: number }>; nextCursor: string | null } = await list(`sort=due&status=assigned,in_progress&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.items.map((x) => x.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen, `limit ${limit}`).toEqual([ids.l1a, ids.l1b, ids.l1c, ids.l2a]);
    }
    expect((await list('sort=due&status=in_progress')).items.map((x) => x.id)).toEqual([ids.l1b]);
    expect((await list('sort=due&status=assigned')).items.map((x) => x.id)).toEqual([ids.l1a, ids.l1c, ids.l2a]);
    expect((await list('sort=due&status=closed,received')).items).toEqual([]);
  });

  it('refuses an unknown order and a cursor of the other order (400, Chinese)', async () => {
    const bad = await api.as('coord').get('/api/v1/cases?sort=deadline');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('sort');
    const other = (await list('limit=1')).nextCursor!;
    const r = await api.as('coord').get(`/api/v1/cases?sort=due&cursor=${other}`);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe('分页游标无效');
  });
});
