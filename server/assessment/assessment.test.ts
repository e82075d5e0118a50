import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { DIALECTS, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { scoreOf } from './assessment.js';
import { DEFAULT_SETTINGS } from '../settings/settings.repository.js';

const S = DEFAULT_SETTINGS.assessment;

describe('the assessment score', () => {
  it('weighs on-time, satisfaction and the absence of 差评, minus penalties', () => {
    const f = { onTimeRate: 1, satisfactionRate: 0.5, callbacks: 4, badReviews: 1, badReviewsSubstantiated: 1 };
    // 100 × (40×1 + 40×0.5 + 20×0.75) / 100 = 75; − 5 (one 通报) − 2 (one 差评属实) = 68
    expect(scoreOf(f, 1, S)).toBe(68);
  });
  it('leaves out rates that do not exist and never goes below 0', () => {
    expect(scoreOf({ onTimeRate: 0.5, satisfactionRate: null, callbacks: 0, badReviews: 0, badReviewsSubstantiated: 0 }, 0, S)).toBe(50);
    expect(scoreOf({ onTimeRate: null, satisfactionRate: null, callbacks: 0, badReviews: 0, badReviewsSubstantiated: 0 }, 0, S)).toBeNull();
    expect(scoreOf({ onTimeRate: 0, satisfactionRate: 0, callbacks: 1, badReviews: 1, badReviewsSubstantiated: 9 }, 9, S)).toBe(0);
  });
});

describe.each(DIALECTS)('assessment and 优化提升 on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  const act = async (user: string, id: number, action: string, body: Record<string, unknown>) => {
    const v = (await api.as('coord').get(`/api/v1/cases/${id}`)).body.version;
    const r = await api.as(user).post(`/api/v1/cases/${id}/actions/${action}`, { version: v, ...body });
    if (r.status !== 200) throw new Error(`${action}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  async function loop(dept: string, handler: string, problemType: string, rating: string, matter = '个体工商户设立登记', phone = '13800001234') {
    const c = (await api.as('clerk').post('/api/v1/cases', intakeBody({ matter, reporter: { name: '张三', phone, kind: 'person' } }))).body;
    await act('coord', c.id, 'accept', { problemType });
    await act('coord', c.id, 'dispatch', { level: 1, leadDepartment: dept });
    await act(handler, c.id, 'sign', {});
    await act(handler, c.id, 'complete', { result: '已办结', repliedVia: 'phone' });
    await act('coord', c.id, 'callback', { attitude: 'satisfied', result: rating, efficiency: 'satisfied', integrity: 'satisfied' });
    return c.id as number;
  }
  useApiEnv(
    kind,
    async (e, a) => {
      env = e;
      api = a;
      for (let i = 0; i < 5; i++) await loop('scjgj', 'h_scjg', 'complex', 'satisfied', '企业开办', `1380000100${i}`);
      const bad = await loop('rsj', 'h_rs', 'misconduct', 'dissatisfied', '社保转移', '13900002222');
      await act('super', bad, 'circulate', { summary: '态度生硬，全县通报' });
      await loop('rsj', 'h_rs', 'unable', 'satisfied', '社保转移', '13900002222');
    },
    '2026-11-23T02:00:00.000Z',
  );

  it('scores, ranks and marks small samples', async () => {
    const r = await api.as('leader').get('/api/v1/assessment?from=2026-11-01&to=2026-11-30');
    expect(r.status).toBe(200);
    const by = Object.fromEntries(r.body.items.map((i: any) => [i.department, i]));
    expect(by.scjgj).toMatchObject({ received: 5, completed: 5, onTimeRate: 1, satisfactionRate: 1, circulations: 0, score: 100, rank: 1, ranked: true });
    expect(by.rsj).toMatchObject({ received: 2, circulations: 1, ranked: false, rank: null });
    expect(by.rsj.note).toMatch(/样本不足/);
    // 100 × (40×1 + 40×0.5 + 20×0.5)/100 = 70 − 5 = 65
    expect(by.rsj.score).toBe(65);
    expect(r.body.formula.text).toMatch(/得分/);
    expect((await api.as('clerk').get('/api/v1/assessment?from=2026-11-01&to=2026-11-30')).status).toBe(403);
    expect((await api.as('coord').get('/api/v1/assessment?from=2026-11-30&to=2026-11-01')).status).toBe(400);
  });

  it('exports the assessment to Excel and a Word draft', async () => {
    const x = await api.app.inject({ method: 'GET', url: '/api/v1/assessment.xlsx?from=2026-11-01&to=2026-11-30', headers: { authorization: `Bearer ${api.tokens.coord}` } });
    expect(x.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as any);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(2).getCell(2).value).toBe('部门');
    expect(ws.getRow(3).getCell(2).value).toBe('县市场监管局');
    const d = await api.app.inject({ method: 'GET', url: '/api/v1/assessment.docx?from=2026-11-01&to=2026-11-30', headers: { authorization: `Bearer ${api.tokens.coord}` } });
    expect(d.statusCode).toBe(200);
    const xml = await (await JSZip.loadAsync(d.rawPayload)).file('word/document.xml')!.async('string');
    expect(xml).toContain('通报');
    expect(xml).toContain('县市场监管局');
    expect(xml).toContain('样本不足');
  });

  it('finds recurring matters and the same reporter back on the same matter', async () => {
    const r = await api.as('coord').get('/api/v1/optimization/recurring?from=2026-11-01&to=2026-11-30');
    expect(r.status).toBe(200);
    expect(r.body.matters).toEqual(expect.arrayContaining([{ matter: '企业开办', matterCode: null, count: 5, departments: 1 }, { matter: '社保转移', matterCode: null, count: 2, departments: 1 }]));
    expect(r.body.repeatReporters).toEqual([expect.objectContaining({ phone: '139****2222', matter: '社保转移', count: 2 })]);
    expect(JSON.stringify(r.body)).not.toContain('13900002222');
  });

  it('makes 一件事一次办 packages only from completed complex cases', async () => {
    const complex = (await api.as('coord').get('/api/v1/cases?problemType=complex&limit=1')).body.items[0].id;
    const unable = (await api.as('coord').get('/api/v1/cases?problemType=unable&limit=1')).body.items[0].id;
    const body = { name: '企业开办一件事', departments: ['scjgj', 'rsj'], materialsBefore: '11 份', materialsAfter: '4 份', stepsBefore: '跑 3 个窗口', stepsAfter: '一窗受理', sourceCaseIds: [complex] };
    expect((await api.as('h_scjg').post('/api/v1/packages', body)).status).toBe(403);
    expect((await api.as('coord').post('/api/v1/packages', { ...body, sourceCaseIds: [unable] })).status).toBe(400);
    const r = await api.as('coord').post('/api/v1/packages', body);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: '企业开办一件事', status: 'draft', sourceCaseIds: [complex], sources: [{ id: complex, matter: '企业开办' }] });
    expect((await api.as('clerk').get('/api/v1/packages')).body.items).toHaveLength(0);
    const p = await api.as('coord').patch(`/api/v1/packages/${r.body.id}`, { status: 'published' });
    expect(p.body.status).toBe('published');
    expect((await api.as('clerk').get('/api/v1/packages')).body.items).toHaveLength(1);
  });

  it('keeps typical cases as drafts until published', async () => {
    const id = (await api.as('coord').get('/api/v1/cases?problemType=misconduct&limit=1')).body.items[0].id;
    const r = await api.as('super').post('/api/v1/typical-cases', { caseId: id, kind: 'negative', title: '窗口态度生硬被通报', summary: '……' });
    expect(r.status).toBe(201);
    expect((await api.as('h_scjg').get('/api/v1/typical-cases')).body.items).toHaveLength(0);
    expect((await api.as('leader').get('/api/v1/typical-cases')).body.items).toHaveLength(1);
    expect((await api.as('super').post(`/api/v1/typical-cases/${r.body.id}/publish`)).status).toBe(200);
    expect((await api.as('super').post(`/api/v1/typical-cases/${r.body.id}/publish`)).status).toBe(409);
    expect((await api.as('h_scjg').get('/api/v1/typical-cases')).body.items[0]).toMatchObject({ status: 'published', kind: 'negative' });
    expect((await api.as('super').post('/api/v1/typical-cases', { caseId: 999999, kind: 'good', title: 't', summary: 's' })).status).toBe(400);
    expect((await api.as('leader').get(`/api/v1/typical-cases?caseId=${id}`)).body.items).toHaveLength(1);
    expect((await api.as('leader').get(`/api/v1/typical-cases?caseId=${id + 1000}`)).body.items).toHaveLength(0);
    expect((await api.as('leader').get('/api/v1/typical-cases?caseId=abc')).status).toBe(400);
  });
});
