import { describe, expect, it } from 'vitest';
import { DIALECTS, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { act, listAll, newCase, seedSpread, useLongSessions } from '../documents/test-support.js';

/** ?stageOverdue=true and ?phone= page for page like the whole list filtered by hand. */
describe.each(DIALECTS)('the loop list filters on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, async (e, a) => {
    env = e;
    api = a;
    await useLongSessions(env);
    await api.relogin();
    await seedSpread(env, api);
    // Three cases a week later (triage clock running), then three weeks on: most clocks have run out.
    env.clock.advance(7 * 86400_000);
    await api.relogin();
    for (let i = 0; i < 3; i++) await newCase(api, { reporter: { name: '王五', phone: '13911112222', kind: 'person' } });
    env.clock.advance(21 * 86400_000);
    await api.relogin();
  }, '2026-11-26T02:00:00.000Z');

  /** The ids of every page of a query, `limit` at a time. */
  const pages = async (user: string, query: string, limit: number): Promise<number[]> => (await listAll(api, user, query, limit)).map((i: { id: number }) => i.id);

  it('lists exactly the cases past their stage clock or handling deadline, newest first, page by page', async () => {
    const all = await listAll(api, 'coord');
    const expected = all.filter((i) => i.stageOverdue).map((i) => i.id);
    expect(expected.length).toBeGreaterThan(3);
    expect(all.some((i) => !i.stageOverdue)).toBe(true);
    for (const limit of [1, 2, 50]) expect(await pages('coord', 'stageOverdue=true', limit)).toEqual(expected);
    // Combined with other filters, and as a handler sees it.
    expect(await pages('coord', 'stageOverdue=true&status=received', 2)).toEqual(all.filter((i) => i.stageOverdue && i.status === 'received').map((i) => i.id));
    const mine = await listAll(api, 'h_scjg');
    expect(await pages('h_scjg', 'stageOverdue=true', 1)).toEqual(mine.filter((i) => i.stageOverdue).map((i) => i.id));
  });

  it('finds a reporter\'s cases by phone, newest first, page by page', async () => {
    const all = await listAll(api, 'coord');
    const ids = await pages('coord', 'phone=13911112222', 2);
    expect(ids).toHaveLength(3);
    expect(ids).toEqual(all.filter((i) => ids.includes(i.id)).map((i) => i.id));
    expect(await pages('coord', 'phone=13100000000', 2)).toEqual([]);
  });

  it('keeps a merged repeat out of the stage-overdue list', async () => {
    const main = await newCase(api);
    const repeat = await newCase(api);
    await act(api, 'coord', repeat.id, 'merge', { version: repeat.version, into: main.id });
    env.clock.advance(10 * 86400_000);
    await api.relogin();
    const ids = await pages('coord', 'stageOverdue=true', 50);
    expect(ids).toContain(main.id);
    expect(ids).not.toContain(repeat.id);
  });
});
