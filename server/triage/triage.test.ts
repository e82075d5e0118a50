/**
 * 事项目录 and learned triage suggestions (issue 15, part B) through the API on both databases:
 * matters (list, type-ahead, add, Excel import all or nothing), matterCode at intake, 优化提升 by
 * matter code, suggestions before and after 50 decisions, the scheduled retraining claimed once,
 * and `bcs triage train`.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { DIALECTS, TEST_DATA_KEY_HEX, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { multipart } from '../documents/test-support.js';
import { main } from '../cli.js';
import { actorOf, seedDecidedCases, type DecidedCaseSpec } from './triage-seed.js';
import { trainAndStore } from './triage.service.js';
import { claimScheduledRun, runScheduledTraining, TRIAGE_TRAIN_EVERY_MS } from './triage.job.js';

/** The test county's decisions: matters of the harness departments, reasons of each problem type. */
const MATTERS: Array<[string, string]> = [
  ['营业执照变更', 'scjgj'],
  ['食品经营许可证办理', 'scjgj'],
  ['养老保险关系转移接续', 'rsj'],
  ['失业保险金申领', 'rsj'],
  ['商品房预售许可', 'zjw'],
  ['不动产转移登记', 'ghzrzyj'],
  ['户口迁移', 'gaj'],
  ['医保异地就医备案', 'ybj'],
];
const REASONS: Array<[string, string]> = [
  ['无法提供房屋产权证明材料', 'materials'],
  ['窗口机械执行政策一刀切', 'rigid_policy'],
  ['老人不会使用手机认证', 'unable'],
  ['要在多个部门来回跑流程复杂', 'complex'],
  ['工作人员态度生硬推诿', 'misconduct'],
];
function decisions(n: number, offset = 0): DecidedCaseSpec[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + offset;
    const [matter, department] = MATTERS[i % MATTERS.length]!;
    const [reason, problemType] = REASONS[(i * 3) % REASONS.length]!;
    return { matter, description: `办理${matter}时${reason}，希望协调解决`, reason, problemType, department };
  });
}

async function catalogueFile(rows: Array<[string, string, string]>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('事项目录');
  ws.addRow(['垫江县政务服务事项目录']);
  ws.addRow(['事项编码', '事项名称', '实施部门']);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe.each(DIALECTS)('事项目录 on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, (e, a) => {
    env = e;
    api = a;
  });

  it('adds matters (coordinator, admin): 201, 409 for a code taken, 400 for an unknown department or a bad code, 403 for others, 401', async () => {
    const m = { code: '11500231MB1726413A4000117001000', name: '营业执照变更登记', department: 'scjgj' };
    const created = await api.as('coord').post('/api/v1/matters', m);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ ...m, departmentName: '县市场监管局' });
    expect((await api.as('admin').post('/api/v1/matters', { ...m, name: '另一个' })).status).toBe(409);
    const unknown = await api.as('coord').post('/api/v1/matters', { code: 'X-1', name: '某事项', department: 'nosuch' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0].message).toContain('nosuch');
    expect((await api.as('coord').post('/api/v1/matters', { code: '编码', name: '某事项', department: 'scjgj' })).status).toBe(400);
    expect((await api.as('coord').post('/api/v1/matters', { code: 'X-2', department: 'scjgj' })).status).toBe(400);
    for (const u of ['clerk', 'h_scjg', 'leader', 'super']) expect((await api.as(u).post('/api/v1/matters', { code: 'X-3', name: '某事项', department: 'scjgj' })).status).toBe(403);
    expect((await api.as(null).post('/api/v1/matters', m)).status).toBe(401);
    expect((await api.as(null).get('/api/v1/matters')).status).toBe(401);
    expect((await env.ctx.db.selectFrom('matters').select('code').execute()).map((r) => r.code)).toEqual([m.code]);
  });

  it('lists matters by code for every staff role, finds them by code or name as one types, pages with a cursor', async () => {
    for (const [code, name, department] of [
      ['GA-001', '户口迁移', 'gaj'],
      ['GA-002', '居住证办理', 'gaj'],
      ['SC-001', '营业执照经营范围变更', 'scjgj'],
    ]) expect((await api.as('admin').post('/api/v1/matters', { code, name, department })).status).toBe(201);
    const found = await api.as('clerk').get(`/api/v1/matters?q=${encodeURIComponent('营业执照')}`);
    expect(found.status).toBe(200);
    expect(found.body.items.map((m: { code: string }) => m.code)).toEqual(['11500231MB1726413A4000117001000', 'SC-001']);
    expect((await api.as('h_rs').get('/api/v1/matters?q=GA-00')).body.items.map((m: { name: string }) => m.name)).toEqual(['户口迁移', '居住证办理']);
    const page1 = await api.as('coord').get('/api/v1/matters?limit=2');
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await api.as('coord').get(`/api/v1/matters?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items).toHaveLength(2);
    expect(page2.body.nextCursor).toBeNull();
    expect(new Set([...page1.body.items, ...page2.body.items].map((m: { code: string }) => m.code)).size).toBe(4);
    expect((await api.as('coord').get('/api/v1/matters?limit=0')).status).toBe(400);
    expect((await api.as('coord').get('/api/v1/matters?cursor=%25%25')).status).toBe(400);
  });

  it('imports the catalogue from Excel all or nothing, with row-level errors in Chinese; the same file again changes nothing', async () => {
    const bad = await catalogueFile([
      ['IMP-1', '社保卡补换领', '县人力社保局'],
      ['IMP-2', '', 'rsj'],
      ['IMP-1', '重复的编码', 'rsj'],
      ['IMP-3', '某事项', '县不存在局'],
    ]);
    const badBody = multipart(bad, { filename: '事项目录.xlsx' });
    const refused = await api.app.inject({ method: 'POST', url: '/api/v1/matters/import', headers: { authorization: `Bearer ${api.tokens.coord}`, ...badBody.headers }, payload: badBody.payload });
    expect(refused.statusCode).toBe(400);
    const details = refused.json().error.details as Array<{ row: number; column: string; message: string }>;
    expect(details).toEqual([
      expect.objectContaining({ row: 4, column: '事项名称', message: '请填写事项名称' }),
      expect.objectContaining({ row: 5, column: '事项编码', message: '事项编码与第 3 行重复' }),
      expect.objectContaining({ row: 6, column: '实施部门', message: expect.stringContaining('县不存在局') }),
    ]);
    expect(await env.ctx.db.selectFrom('matters').select('code').where('code', 'like', 'IMP-%').execute()).toEqual([]);

    const good = await catalogueFile([
      ['IMP-1', '社保卡补换领', '县人力社保局'],
      ['IMP-2', '失业保险金申领', 'rsj'],
    ]);
    const upload = (user: string, file: Buffer) => {
      const m = multipart(file, { filename: '事项目录.xlsx' });
      return api.app.inject({ method: 'POST', url: '/api/v1/matters/import', headers: { authorization: `Bearer ${api.tokens[user]}`, ...m.headers }, payload: m.payload });
    };
    expect((await upload('clerk', good)).statusCode).toBe(403);
    const ok = await upload('admin', good);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ fileName: '事项目录.xlsx', sheet: '事项目录', rows: 2, imported: 2, updated: 0 });
    expect((await upload('coord', good)).json()).toMatchObject({ imported: 0, updated: 0 });
    expect((await api.as('coord').get('/api/v1/matters?q=IMP')).body.items).toEqual([
      { code: 'IMP-1', name: '社保卡补换领', department: 'rsj', departmentName: '县人力社保局' },
      { code: 'IMP-2', name: '失业保险金申领', department: 'rsj', departmentName: '县人力社保局' },
    ]);
    const notExcel = await upload('coord', Buffer.from('code,name\n'));
    expect(notExcel.statusCode).toBe(400);
  });

  it('takes matterCode at intake (unknown → 400, nothing registered), answers it on the case, null when none', async () => {
    const before = await env.ctx.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const unknown = await api.as('clerk').post('/api/v1/cases', intakeBody({ matterCode: 'NO-SUCH' }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0]).toEqual({ field: 'matterCode', message: '事项编码“NO-SUCH”不在事项目录中' });
    const after = await env.ctx.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    const coded = await api.as('clerk').post('/api/v1/cases', intakeBody({ matter: '营业执照经营范围变更', matterCode: 'SC-001' }));
    expect(coded.status).toBe(201);
    expect(coded.body.matterCode).toBe('SC-001');
    expect((await api.as('coord').get(`/api/v1/cases/${coded.body.id}`)).body.matterCode).toBe('SC-001');
    const plain = await api.as('clerk').post('/api/v1/cases', intakeBody({ matter: '营业执照变更' }));
    expect(plain.body.matterCode).toBeNull();
  });

  it('counts cases of one matter code together in 优化提升, named as in the catalogue', async () => {
    // One more coded case, worded differently: 「营业执照变更」 under SC-001 with 「营业执照经营范围变更」.
    expect((await api.as('clerk').post('/api/v1/cases', intakeBody({ matter: '营业执照变更', matterCode: 'SC-001' }))).status).toBe(201);
    const r = await api.as('coord').get('/api/v1/optimization/recurring?from=2026-11-01&to=2026-11-30');
    expect(r.status).toBe(200);
    expect(r.body.matters).toEqual(expect.arrayContaining([{ matter: '营业执照经营范围变更', matterCode: 'SC-001', count: 2, departments: 0 }]));
    // The uncoded case of the same words stays apart (it has no code to be grouped by).
    expect(r.body.matters.find((m: { matter: string; matterCode: string | null }) => m.matter === '营业执照变更' && m.matterCode === null)).toBeUndefined();
  });
});

describe.each(DIALECTS)('triage suggestions on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, (e, a) => {
    env = e;
    api = a;
  });
  const seed = async (specs: DecidedCaseSpec[]) =>
    seedDecidedCases(env.ctx, specs, { clerk: await actorOf(env.ctx, 'clerk'), coordinator: await actorOf(env.ctx, 'coord') });
  const newCase = async (overrides: Record<string, unknown>) => {
    const r = await api.as('clerk').post('/api/v1/cases', intakeBody(overrides));
    expect(r.status).toBe(201);
    return r.body as { id: number; caseNo: string };
  };

  it('answers 401, 404 for unknown cases and cases the caller cannot see (before 403), 403 for other roles', async () => {
    const c = await newCase({});
    expect((await api.as(null).get(`/api/v1/cases/${c.id}/suggestions`)).status).toBe(401);
    // A handler sees only the cases of their department: not this new one (API.md: 404 before 403).
    expect((await api.as('h_scjg').get(`/api/v1/cases/${c.id}/suggestions`)).status).toBe(404);
    for (const u of ['clerk', 'leader', 'super', 'admin']) expect((await api.as(u).get(`/api/v1/cases/${c.id}/suggestions`)).status).toBe(403);
    expect((await api.as('coord').get('/api/v1/cases/999999/suggestions')).status).toBe(404);
    expect((await api.as('coord').get('/api/v1/cases/abc/suggestions')).status).toBe(404);
  });

  it('gives no problem type or department below 50 decided cases, even after training', async () => {
    await seed(decisions(49));
    const none = await api.as('coord').get(`/api/v1/cases/${(await newCase({ matter: '户口迁移' })).id}/suggestions`);
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ problemType: [], department: [], knowledge: [], similar: [] });
    const trained = await trainAndStore(env.ctx);
    expect(trained.accuracy).toEqual({ problemType: null, department: null });
    const c = await newCase({ matter: '户口迁移', description: '想把户口迁到县城', reason: '工作人员态度生硬推诿' });
    const r = await api.as('coord').get(`/api/v1/cases/${c.id}/suggestions`);
    expect(r.body.problemType).toEqual([]);
    expect(r.body.department).toEqual([]);
    expect(r.body.similar.length).toBeGreaterThan(0); // similar earlier cases need no minimum
  }, 180_000);

  it('from 50 decisions on, suggests what the county decided for such cases, best first, and earlier similar cases', async () => {
    await seed(decisions(20, 49));
    await trainAndStore(env.ctx);
    const c = await newCase({ matter: '户口迁移', description: '想把户口从外地迁回县城，办理户口迁移时工作人员态度生硬推诿', reason: '工作人员态度生硬推诿' });
    const r = await api.as('coord').get(`/api/v1/cases/${c.id}/suggestions`);
    expect(r.status).toBe(200);
    expect(r.body.department[0].code).toBe('gaj');
    expect(r.body.problemType[0].value).toBe('misconduct');
    expect(r.body.department[0].score).toBeGreaterThan(0.5);
    for (const list of [r.body.department, r.body.problemType]) {
      expect(list.length).toBeGreaterThan(0);
      expect(list.length).toBeLessThanOrEqual(3);
      for (let i = 1; i < list.length; i++) expect(list[i].score).toBeLessThanOrEqual(list[i - 1].score);
    }
    expect(r.body.knowledge).toEqual([]);
    expect(r.body.similar.length).toBeGreaterThan(0);
    expect(r.body.similar.every((s: { id: number }) => s.id < c.id)).toBe(true);
    const first = r.body.similar[0] as { id: number; caseNo: string };
    const earlier = (await api.as('coord').get(`/api/v1/cases/${first.id}`)).body;
    expect(earlier.caseNo).toBe(first.caseNo);
    expect(earlier.matter).toBe('户口迁移');
    // Another matter, another department.
    const other = await newCase({ matter: '医保异地就医备案', description: '老人不会使用手机认证，医保异地就医备案办不了', reason: '老人不会使用手机认证' });
    const o = await api.as('coord').get(`/api/v1/cases/${other.id}/suggestions`);
    expect(o.body.department[0].code).toBe('ybj');
    expect(o.body.problemType[0].value).toBe('unable');
  }, 180_000);

  it('answers from the newest stored model at the next request (trained elsewhere)', async () => {
    const c = await newCase({ matter: '商品房预售许可', description: '商品房预售许可材料太多' });
    const before = await api.as('coord').get(`/api/v1/cases/${c.id}/suggestions`);
    expect(before.body.department[0].code).toBe('zjw');
    // Another instance (or bcs triage train) learns that such cases now go to 县规划自然资源局.
    await seed(Array.from({ length: 50 }, () => ({ matter: '商品房预售许可', description: '商品房预售许可材料太多', problemType: 'complex', department: 'ghzrzyj' })));
    await trainAndStore(env.ctx, 'another-instance');
    const after = await api.as('coord').get(`/api/v1/cases/${c.id}/suggestions`);
    expect(after.body.department[0].code).toBe('ghzrzyj');
  }, 180_000);

  it('retrains on schedule exactly once across instances', async () => {
    const now = env.clock.now();
    const claims = await Promise.all([0, 1, 2, 3].map(() => claimScheduledRun(env.ctx.db, 'test-job', now, TRIAGE_TRAIN_EVERY_MS)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await claimScheduledRun(env.ctx.db, 'test-job', new Date(now.getTime() + TRIAGE_TRAIN_EVERY_MS - 1), TRIAGE_TRAIN_EVERY_MS)).toBe(false);
    expect(await claimScheduledRun(env.ctx.db, 'test-job', new Date(now.getTime() + TRIAGE_TRAIN_EVERY_MS), TRIAGE_TRAIN_EVERY_MS)).toBe(true);
    const count = async () => Number((await env.ctx.db.selectFrom('triage_models').select((eb) => eb.fn.max('id').as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const runs = await Promise.all([runScheduledTraining(env.ctx), runScheduledTraining(env.ctx)]);
    expect(runs.sort()).toEqual([0, 1]);
    expect(await count()).toBe(before + 1);
    expect(await runScheduledTraining(env.ctx)).toBe(0);
  }, 180_000);

  it('bcs triage train prints held-out top-1 and top-3 as percentages and the training time', async () => {
    const logs: string[] = [];
    const out = { log: (s: string) => logs.push(s), err: (s: string) => logs.push(s), stdin: async () => '' };
    expect(await main(['triage', 'train'], out, { DATABASE_URL: env.url, BCS_DATA_KEY: TEST_DATA_KEY_HEX })).toBe(0);
    expect(logs[0]).toMatch(/^department top-1 \d{1,3}\.\d% top-3 \d{1,3}\.\d%$/);
    expect(logs[1]).toMatch(/^problemType top-1 \d{1,3}\.\d% top-3 \d{1,3}\.\d%$/);
    expect(logs[2]).toMatch(/^training time \d+\.\d\d s \(\d+ dispatched, \d+ accepted cases; model \d+\)$/);
    const audit = await env.ctx.db.selectFrom('audit_log').select(['actor', 'action']).where('action', '=', 'triage.train').orderBy('seq', 'desc').executeTakeFirst();
    expect(audit).toEqual({ actor: 'cli', action: 'triage.train' });
  }, 180_000);
});
