import { describe, expect, it } from 'vitest';
import { DIALECTS, intakeBody, type Api, type TestEnv, TEST_DATA_KEY_HEX, useApiEnv } from '../test/harness.js';
import { main } from '../cli.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A plausible 2027 schedule (test data: the real one is published in late 2026). */
const Y2027 = {
  holidays: [
    { date: '2027-01-01', name: '元旦' },
    { date: '2027-01-02', name: '元旦' },
    { date: '2027-01-03', name: '元旦' },
  ],
  workdays: [{ date: '2027-01-09', name: '元旦' }],
};

describe.each(DIALECTS)('calendar on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  // Wednesday 2026-12-30 10:00 Shanghai: a 2-day deadline reaches into 2027, which has no data yet.
  useApiEnv(kind, (e, a) => ((env = e), (api = a)), '2026-12-30T02:00:00.000Z');

  it('computes deadlines by the official calendar with +08:00', async () => {
    const r = await api.as('clerk').get('/api/v1/calendar/deadline?start=2025-09-30T10:00:00%2B08:00&workingDays=2');
    expect(r.status).toBe(200);
    // 1–8 Oct 2025 off; 9 and 10 Oct are the two working days.
    expect(r.body).toMatchObject({ deadline: '2025-10-10T23:59:59+08:00', provisional: false });
    const sat = await api.as('clerk').get('/api/v1/calendar/deadline?start=2025-09-26T10:00:00%2B08:00&workingDays=1');
    // Sunday 28 Sep 2025 is a make-up working day.
    expect(sat.body.deadline).toBe('2025-09-28T23:59:59+08:00');
    const late = await api.as('clerk').get('/api/v1/calendar/deadline?start=2026-11-26T16:30:00Z&workingDays=1');
    // 16:30Z is already Friday 27 Nov in Shanghai: the next working day is Monday 30 Nov.
    expect(late.body.deadline).toBe('2026-11-30T23:59:59+08:00');
  });

  it.each([['start=yesterday&workingDays=2'], ['start=2026-11-26T10:00:00%2B08:00&workingDays=-1'], ['start=2026-11-26T10:00:00%2B08:00'], ['workingDays=2'], ['start=2026-02-30&workingDays=1']])(
    '400 for %s',
    async (qs) => {
      const r = await api.as('clerk').get(`/api/v1/calendar/deadline?${qs}`);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
    },
  );

  it('marks a deadline in a year without data provisional, and recomputes it when the year is entered', async () => {
    const c = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
    let r = await api.as('coord').post(`/api/v1/cases/${c.id}/actions/accept`, { version: 1, problemType: 'materials' });
    r = await api.as('coord').post(`/api/v1/cases/${c.id}/actions/dispatch`, { version: r.body.version, level: 1, leadDepartment: 'scjgj' });
    // Weekdays only: Thu 31 Dec, Fri 1 Jan → provisional.
    expect(r.body.dueAt).toBe('2027-01-01T23:59:59+08:00');
    expect(r.body.dueProvisional).toBe(true);
    const preview = await api.as('coord').get('/api/v1/calendar/deadline?start=2026-12-30T10:00:00%2B08:00&workingDays=2');
    expect(preview.body.provisional).toBe(true);

    expect((await api.as('coord').put('/api/v1/calendar/years/2027', Y2027)).status).toBe(403);
    const bad = await api.as('admin').put('/api/v1/calendar/years/2027', { holidays: [{ date: '2027-02-30', name: '春节' }], workdays: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    const saved = await api.as('admin').put('/api/v1/calendar/years/2027', Y2027);
    expect(saved.status).toBe(200);
    expect(saved.body.recomputed.map((x: any) => x.caseNo)).toContain(c.caseNo);

    const after = (await api.as('coord').get(`/api/v1/cases/${c.id}`)).body;
    // Thu 31 Dec, then 1–3 Jan off, Mon 4 Jan is the second working day.
    expect(after.dueAt).toBe('2027-01-04T23:59:59+08:00');
    expect(after.dueProvisional).toBe(false);
    const ev = after.events.find((e: any) => e.type === 'deadline_recomputed');
    expect(ev.data).toMatchObject({ from: '2027-01-01T23:59:59+08:00', to: '2027-01-04T23:59:59+08:00', year: 2027 });
    const years = (await api.as('clerk').get('/api/v1/calendar/years')).body.items.map((y: any) => y.year);
    expect(years).toEqual([2024, 2025, 2026, 2027]);
    expect((await api.as('admin').get('/api/v1/audit/verify')).body.ok).toBe(true);
  });

  it('imports a year with bcs calendar import', async () => {
    const file = path.join(os.tmpdir(), `cal-2028-${process.pid}.json`);
    fs.writeFileSync(file, JSON.stringify({ year: 2028, holidays: [{ date: '2028-01-01', name: '元旦' }], workdays: [] }));
    const logs: string[] = [];
    const out = { log: (s: string) => logs.push(s), err: (s: string) => logs.push(s), stdin: async () => '' };
    expect(await main(['calendar', 'import', file], out, { DATABASE_URL: env.url, BCS_DATA_KEY: TEST_DATA_KEY_HEX })).toBe(0);
    expect(logs.join('\n')).toMatch(/2028/);
    fs.writeFileSync(file, '{"year": 2029, "holidays": [{"date": "2029-13-01", "name": "x"}], "workdays": []}');
    expect(await main(['calendar', 'import', file], out, { DATABASE_URL: env.url, BCS_DATA_KEY: TEST_DATA_KEY_HEX })).toBe(1);
    fs.rmSync(file);
    const years = (await api.as('clerk').get('/api/v1/calendar/years')).body.items.map((y: any) => y.year);
    expect(years).toContain(2028);
    expect(years).not.toContain(2029);
  });

  it('bcs deadline prints the deadline with +08:00', async () => {
    const logs: string[] = [];
    const out = { log: (s: string) => logs.push(s), err: () => {}, stdin: async () => '' };
    expect(await main(['deadline', '2026-04-30T09:00:00+08:00', '2'], out, { DATABASE_URL: env.url, BCS_DATA_KEY: TEST_DATA_KEY_HEX })).toBe(0);
    // 1–5 May 2026 off, Sat 9 May a make-up working day: 6 May, 7 May.
    expect(logs).toEqual(['2026-05-07T23:59:59+08:00']);
    expect(await main(['deadline', 'nonsense', '2'], out, { DATABASE_URL: env.url, BCS_DATA_KEY: TEST_DATA_KEY_HEX })).toBe(2);
  });
});
