import { createHash, randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { DIALECTS, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { LEDGER_COLUMNS } from './ledger-format.js';
import { download, listAll, multipart, newCase, readXlsx } from './test-support.js';

type Row = Partial<Record<string, unknown>>;

/** Good rows: every state a county ledger holds, in the ledger's own words. */
const GOOD: Row[] = [
  {
    序号: 1, 编号: '2025-000101', 受理日期: '2025-03-03', 渠道: '窗口', 反映人: '张三', 联系电话: '13800001111',
    事项名称: '个体工商户设立登记', 诉求: '办理营业执照被要求提供房屋产权证明。', 办不成原因: '农村自建房没有产权证。',
    问题类型: '材料不齐、缺乏佐证（不敢办）', 调度级别: '一级', 承办部门: '县市场监管局', 交办日期: '2025-03-04',
    办理时限: '2025-03-06', 办结日期: '2025-03-05', 是否超期: '否', 办理结果: '容缺受理，已发营业执照。', 回访评价: '满意', 当前状态: '已归档',
  },
  {
    序号: 2, 编号: '2025-000102', 受理日期: new Date(Date.UTC(2025, 2, 10)), 渠道: '热线', 反映人: '李四', 联系电话: '023-74522706',
    企业名称: '重庆某某建材有限公司', 事项名称: '建设工程施工许可', 诉求: '施工许可需多个部门前置审查，反复跑。',
    问题类型: '不好办', 调度级别: '二级', 承办部门: '县住房城乡建委', 协办部门: '县规划自然资源局、县人力社保局', 交办日期: '2025/3/11',
    办理时限: '2025-03-18 17:00', 办结日期: new Date(Date.UTC(2025, 2, 20)), 办理结果: '并联审查后核发。',
    回访评价: '服务态度：满意；办理结果：不满意；办理效率：满意；廉洁勤政：满意', 核查结果: '差评不实，无需处理', 当前状态: '已归档',
  },
  {
    序号: 3, 编号: '2026-000050', 受理日期: '2026年11月20日', 渠道: '网上平台', 反映人: '王五', 联系电话: 13900002222,
    事项名称: '失业保险金申领', 诉求: '不会在手机上申领失业保险金。', 问题类型: '不会办', 调度级别: '一级', 承办部门: '县人力社保局',
    交办日期: '2026-11-20', 办理时限: '2026-11-24', 当前状态: '办理中',
  },
  { 序号: 4, 编号: '2026-000051', 受理日期: '2026-11-25', 渠道: '群工系统', 反映人: '赵六', 联系电话: '13700003333', 事项名称: '低保申请', 诉求: '低保申请材料不清楚。', 当前状态: '已登记' },
  {
    序号: 5, 编号: '2026-000052', 受理日期: '2026-11-21', 渠道: '窗口', 反映人: '钱七', 联系电话: '13600004444', 事项名称: '土地纠纷',
    诉求: '要求撤销土地确权。', 办理结果: '不予受理（涉诉）：已向法院起诉', 当前状态: '不予受理',
  },
  {
    序号: 6, 编号: '2026-000053', 受理日期: '2026-11-02', 渠道: '窗口', 反映人: '孙八', 联系电话: '13500005555', 事项名称: '居住证办理',
    诉求: '居住证材料不会填。', 办结日期: '2026-11-02', 办理结果: '窗口当场帮办完成。', 回访评价: '满意', 当前状态: '已归档',
  },
];

/** A ledger workbook like a county's: title, a note, the header on row 3, data from row 4. */
async function ledgerFile(rows: Row[], edit?: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('台账');
  ws.getCell('A1').value = '垫江县“办不成事”问题台账';
  ws.getCell('A2').value = '2025 年度';
  LEDGER_COLUMNS.forEach((c, i) => (ws.getRow(3).getCell(i + 1).value = c.header));
  rows.forEach((r, j) => {
    LEDGER_COLUMNS.forEach((c, i) => {
      const v = r[c.header];
      if (v !== undefined) ws.getRow(4 + j).getCell(i + 1).value = v as ExcelJS.CellValue;
    });
  });
  edit?.(ws);
  return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

/** A zip written by hand, so that its headers can claim any size (CRCs are left at 0). */
function zipOf(entries: Array<{ name: string; data: Buffer; size: number; deflated?: boolean }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.deflated ? 8 : 0, 8);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(e.deflated ? 8 : 0, 10);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.data);
    centrals.push(central, name);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const col = (header: string) => String.fromCharCode(65 + LEDGER_COLUMNS.findIndex((c) => c.header === header));

describe.each(DIALECTS)('ledger import on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  // Thursday 2026-11-26 10:00 Asia/Shanghai.
  useApiEnv(kind, (e, a) => ((env = e), (api = a)), '2026-11-26T02:00:00.000Z');

  const upload = async (user: string | null, content: Buffer, opts: Parameters<typeof multipart>[1] = {}) => {
    const m = multipart(content, opts);
    const r = await api.app.inject({
      method: 'POST',
      url: '/api/v1/ledger/import',
      headers: { ...m.headers, ...(user ? { authorization: `Bearer ${api.tokens[user]}` } : {}) },
      payload: m.payload,
    });
    return { status: r.statusCode, body: r.json() };
  };

  const counts = async () => {
    const db = env.ctx.db;
    const n = async (t: 'cases' | 'case_events' | 'audit_log' | 'case_departments' | 'counters') =>
      Number((await db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    // The audit's writes: reading a case back (GET /cases/{id}) also audits the read.
    const writes = async () => Number((await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', 'not in', ['case.read', 'cases.read']).executeTakeFirstOrThrow()).n);
    const counters = await db.selectFrom('counters').selectAll().orderBy('name').orderBy('year').execute();
    return { cases: await n('cases'), events: await n('case_events'), audit: await writes(), depts: await n('case_departments'), counters };
  };

  /** Uploads a bad file: 400 VALIDATION, the report holds the expected entries, nothing changed. */
  const expectRejected = async (content: Buffer, expected: Array<{ row: number | null; column: string | null; message: RegExp }>, opts = {}) => {
    const before = await counts();
    const r = await upload('coord', content, opts);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION');
    for (const e of expected) {
      expect(
        r.body.error.details.some((d: any) => d.row === e.row && d.column === e.column && e.message.test(d.message)),
        `${JSON.stringify(e)} in ${JSON.stringify(r.body.error.details)}`,
      ).toBe(true);
    }
    expect(await counts()).toEqual(before);
    return r.body.error;
  };

  it('offers a template with the export\'s columns, drop-downs and instructions', async () => {
    const r = await download(api, 'clerk', '/api/v1/ledger/template.xlsx');
    expect(r.status).toBe(200);
    expect(String(r.headers['content-disposition'])).toContain(encodeURIComponent('台账导入模板.xlsx'));
    const wb = await readXlsx(r.body);
    const ws = wb.getWorksheet('台账')!;
    expect(ws.getRow(3).values).toEqual([undefined, ...LEDGER_COLUMNS.map((c) => c.header)]);
    expect(wb.getWorksheet('填写说明')).toBeDefined();
    expect(wb.getWorksheet('代码表')!.getColumn(5).values).toEqual(expect.arrayContaining(['县市场监管局', '县人力社保局']));
    const sheetXml = await (await JSZip.loadAsync(r.body)).file('xl/worksheets/sheet1.xml')!.async('string');
    expect(sheetXml).toContain('<dataValidation type="list"');
  });

  it('imports every row with its historical state, dates and timeline, audited once; the same file again creates nothing', async () => {
    const file = await ledgerFile(GOOD);
    const before = await counts();
    const r = await upload('coord', file, { filename: '垫江县台账2025.xlsx' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ fileName: '垫江县台账2025.xlsx', sheet: '台账', rows: 6, imported: 6, skipped: 0 });
    const sm3 = createHash('sm3').update(file).digest('hex');
    expect(r.body.sm3).toBe(sm3);

    const all = await listAll(api, 'coord');
    const byNo = new Map(all.map((i) => [i.caseNo, i]));
    const detail = async (caseNo: string) => (await api.as('coord').get(`/api/v1/cases/${byNo.get(caseNo)!.id}`)).body;

    const a = await detail('2025-000101');
    expect(a).toMatchObject({
      status: 'closed', level: 1, leadDepartment: 'scjgj', problemType: 'materials', receivedAt: '2025-03-03T00:00:00+08:00',
      dueAt: '2025-03-06T23:59:59+08:00', completedAt: '2025-03-05T00:00:00+08:00', firstCompletedOnTime: true, resolvedOnSpot: false,
      result: '容缺受理，已发营业执照。', reporter: { name: '张三', phone: '13800001111', kind: 'person' },
    });
    expect(a.callback).toMatchObject({ attitude: 'satisfied', result: 'satisfied', efficiency: 'satisfied', integrity: 'satisfied' });
    // Imported cases are in the search index like any other.
    const hits = (await api.as('coord').get(`/api/v1/cases?q=${encodeURIComponent(a.matter.slice(0, 2))}&limit=200`)).body.items.map((i: any) => i.id);
    expect(hits).toContain(a.id);
    expect(a.events).toEqual([
      expect.objectContaining({
        type: 'import',
        by: 'coord',
        data: {
          fileName: '垫江县台账2025.xlsx',
          sheet: '台账',
          row: 4,
          status: 'closed',
          history: { receivedAt: '2025-03-03T00:00:00+08:00', assignedAt: '2025-03-04T00:00:00+08:00', dueAt: '2025-03-06T23:59:59+08:00', completedAt: '2025-03-05T00:00:00+08:00' },
        },
      }),
    ]);

    const b = await detail('2025-000102');
    expect(b).toMatchObject({
      status: 'closed', level: 2, leadDepartment: 'zjw', coDepartments: ['ghzrzyj', 'rsj'], problemType: 'complex',
      dueAt: '2025-03-18T17:00:00+08:00', completedAt: '2025-03-20T00:00:00+08:00', firstCompletedOnTime: false,
      reporter: { name: '李四', phone: '023-74522706', kind: 'enterprise', orgName: '重庆某某建材有限公司' },
    });
    expect(b.callback).toMatchObject({ result: 'dissatisfied', bad: true });
    expect(b.verification).toMatchObject({ substantiated: false, outcome: 'none' });

    const c = byNo.get('2026-000050');
    expect(c).toMatchObject({ status: 'in_progress', overdue: true, leadDepartment: 'rsj' });
    expect((await api.as('h_rs').get(`/api/v1/cases/${c.id}`)).status).toBe(200);
    expect((await api.as('h_scjg').get(`/api/v1/cases/${c.id}`)).status).toBe(404);
    expect((await detail('2026-000051')).status).toBe('received');
    // Imported cases waiting for triage get their stage clock from the intake date; handled and closed ones none of their own.
    const staged = new Map((await env.ctx.db.selectFrom('cases').select(['case_no', 'received_at', 'stage_started_at', 'stage_due_at']).execute()).map((x) => [x.case_no, x]));
    expect(staged.get('2026-000051')!.stage_started_at).toBe(staged.get('2026-000051')!.received_at);
    expect(staged.get('2026-000051')!.stage_due_at).not.toBeNull();
    expect(staged.get('2026-000050')!.stage_due_at).toBeNull();
    expect(staged.get('2025-000101')!.stage_due_at).toBeNull();
    const noSheet = await download(api, 'coord', `/api/v1/cases/${c.id}/assignment-sheet.docx`);
    expect(noSheet.status).toBe(404);
    expect(noSheet.json()).toEqual({ error: { code: 'NOT_FOUND', message: '未找到该记录' } });
    expect((await detail('2026-000052')).rejection).toEqual({ reasonCategory: 'litigation', explanation: '已向法院起诉' });
    expect(await detail('2026-000053')).toMatchObject({ status: 'closed', resolvedOnSpot: true, firstCompletedOnTime: true });

    // One audit record for the whole import, with the count and the file's SM3; the chain holds.
    const after = await counts();
    expect(after.cases - before.cases).toBe(6);
    expect(after.audit - before.audit).toBe(1);
    const audit = await env.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'ledger.import').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(audit.action).toBe('ledger.import');
    expect(JSON.parse(audit.data)).toMatchObject({ imported: 6, skipped: 0, sm3, fileName: '垫江县台账2025.xlsx' });
    expect((await api.as('admin').get('/api/v1/audit/verify')).body).toMatchObject({ ok: true });

    // The statistics see the history.
    const stats = (await api.as('coord').get('/api/v1/stats/overview?from=2025-03-01&to=2025-03-31')).body;
    expect(stats).toMatchObject({ received: 2, completed: 2, completedOnTime: 1, callbacks: 2, badReviews: 1 });

    // Later intakes of 2026 continue after the highest imported number.
    expect((await newCase(api)).caseNo).toBe('2026-000054');

    // The same file again: nothing new.
    const again = await upload('coord', file);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ imported: 0, skipped: 6 });
    const afterAgain = await counts();
    expect(afterAgain.cases).toBe(after.cases + 1); // the intake above
    expect(afterAgain.audit).toBe(after.audit + 1); // the intake above

    // The file plus one new row: only the new row.
    const more = await upload('admin', await ledgerFile([...GOOD, { ...GOOD[3], 编号: '2026-000060', 反映人: '周九' }]));
    expect(more.body).toMatchObject({ imported: 1, skipped: 6 });
    expect(more.body.skippedCaseNos).toContain('2025-000101');
  });

  it('imports a large ledger in one go, and the statistics agree with a full scan', async () => {
    const rows: Row[] = Array.from({ length: 700 }, (_, i) => {
      const day = `2023-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
      const base = { 序号: i + 1, 编号: `2023-${String(i + 1).padStart(6, '0')}`, 受理日期: day, 渠道: ['窗口', '热线', '网上平台'][i % 3], 反映人: `群众${i}`, 联系电话: `139${String(10000000 + i)}`, 事项名称: `事项${i % 17}`, 诉求: `诉求内容${i}` };
      if (i % 4 === 0) return { ...base, 当前状态: '已登记' };
      const dispatched = { ...base, 问题类型: ['不敢办', '不愿办', '不会办', '不好办', '不给办'][i % 5], 调度级别: '一级', 承办部门: ['县市场监管局', '县人力社保局', '县医保局'][i % 3], 交办日期: day, 办理时限: day };
      if (i % 4 === 1) return { ...dispatched, 当前状态: '办理中' };
      return { ...dispatched, 办结日期: day, 办理结果: '已办结', 回访评价: i % 8 === 2 ? '不满意' : '满意', 核查结果: i % 8 === 2 ? '差评属实，追责问责' : undefined, 当前状态: '已归档' };
    });
    const t0 = Date.now();
    const r = await upload('coord', await ledgerFile(rows));
    expect(r.status, JSON.stringify(r.body).slice(0, 500)).toBe(200);
    expect(r.body).toMatchObject({ rows: 700, imported: 700, skipped: 0 });
    expect(Date.now() - t0).toBeLessThan(20_000);
    const { overviewFigures } = await import('../stats/stats.repository.js');
    const filter = { from: '2023-01-01', to: '2023-12-31' };
    const viaApi = (await api.as('coord').get(`/api/v1/stats/overview?from=${filter.from}&to=${filter.to}`)).body;
    const scan = await overviewFigures(env.ctx.db, filter, env.clock.now(), 'scan');
    expect(viaApi).toMatchObject({ ...scan, received: 700, badReviewsSubstantiated: 88 });
  });

  it('imports a filled-in template', async () => {
    const t = await download(api, 'coord', '/api/v1/ledger/template.xlsx');
    const wb = await readXlsx(t.body);
    const ws = wb.getWorksheet('台账')!;
    const row: Row = { ...GOOD[0], 编号: '2024-000007', 受理日期: '2024-06-03', 交办日期: '2024-06-03', 办理时限: '2024-06-05', 办结日期: '2024-06-05' };
    LEDGER_COLUMNS.forEach((c, i) => {
      const v = row[c.header];
      if (v !== undefined) ws.getRow(4).getCell(i + 1).value = v as ExcelJS.CellValue;
    });
    const r = await upload('coord', Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ imported: 1, sheet: '台账' });
  });

  it('refuses missing required cells, row by row, and imports nothing', async () => {
    const err = await expectRejected(
      await ledgerFile([
        { ...GOOD[3], 编号: '2026-000070', 反映人: undefined },
        { ...GOOD[3], 编号: '2026-000071', 诉求: '   ' },
        { ...GOOD[0], 编号: '2025-000201', 办结日期: undefined, 办理结果: undefined },
        { ...GOOD[2], 编号: '2026-000072', 承办部门: undefined, 调度级别: undefined, 交办日期: undefined },
      ]),
      [
        { row: 4, column: '反映人', message: /请填写反映人/ },
        { row: 5, column: '诉求', message: /请填写诉求/ },
        { row: 6, column: '办结日期', message: /须填写办结日期/ },
        { row: 6, column: '办理结果', message: /须填写办理结果/ },
        { row: 7, column: '承办部门', message: /须填写承办部门/ },
      ],
    );
    expect(err.message).toMatch(/台账有 \d+ 处错误.*未导入任何数据/);
    expect(err.details.find((d: any) => d.row === 4).cell).toBe(`${col('反映人')}4`);
  });

  it('refuses impossible dates', async () => {
    await expectRejected(
      await ledgerFile([
        { ...GOOD[3], 编号: '2026-000080', 受理日期: '2026-02-30' },
        { ...GOOD[3], 编号: '2026-000081', 受理日期: '2026-13-01' },
        { ...GOOD[3], 编号: '2026-000082', 受理日期: '去年三月' },
        { ...GOOD[3], 编号: '2026-000083', 受理日期: '2026-12-25' },
        { ...GOOD[0], 编号: '2025-000301', 办结日期: '2025-03-01' },
        { ...GOOD[0], 编号: '2025-000302', 办理时限: '2025-03-06 25:00' },
      ]),
      [
        { row: 4, column: '受理日期', message: /不存在/ },
        { row: 5, column: '受理日期', message: /不存在/ },
        { row: 6, column: '受理日期', message: /无法识别的日期/ },
        { row: 7, column: '受理日期', message: /晚于今天/ },
        { row: 8, column: '办结日期', message: /不能早于/ },
        { row: 9, column: '办理时限', message: /不存在/ },
      ],
    );
  });

  it('refuses unknown departments and values outside the lists', async () => {
    await expectRejected(
      await ledgerFile([
        { ...GOOD[0], 编号: '2025-000401', 承办部门: '县不存在局' },
        { ...GOOD[1], 编号: '2025-000402', 协办部门: '县规划自然资源局、县外星人管理局' },
        { ...GOOD[3], 编号: '2026-000090', 渠道: '飞鸽传书' },
        { ...GOOD[3], 编号: '2026-000091', 当前状态: '搁置' },
        { ...GOOD[0], 编号: '2025-000403', 调度级别: '四级' },
      ]),
      [
        { row: 4, column: '承办部门', message: /承办部门“县不存在局”不存在/ },
        { row: 5, column: '协办部门', message: /县外星人管理局/ },
        { row: 6, column: '渠道', message: /无效/ },
        { row: 7, column: '当前状态', message: /无效/ },
        { row: 8, column: '调度级别', message: /无效/ },
      ],
    );
  });

  it('refuses a 已并件 row: a merge needs its main case', async () => {
    await expectRejected(await ledgerFile([GOOD[3]!, { ...GOOD[3], 编号: '2026-000095', 当前状态: '已并件' }]), [
      { row: 5, column: '当前状态', message: /已并件.*不能导入.*主件/ },
    ]);
  });

  it('refuses duplicate case numbers within the file, malformed numbers and masked phones', async () => {
    const err = await expectRejected(
      await ledgerFile([
        { ...GOOD[3], 编号: '2026-000100' },
        { ...GOOD[3], 编号: '2026-000100', 反映人: '另一人' },
        { ...GOOD[3], 编号: 'DJ-2026-1' },
        { ...GOOD[3], 编号: '2025-000100' },
        { ...GOOD[3], 编号: '2026-000101', 联系电话: '138****1234' },
        // Past a million the number has seven digits; a seventh digit below it is not a number the system writes.
        { ...GOOD[3], 编号: '2026-1000000' },
        { ...GOOD[3], 编号: '2026-0000102' },
      ]),
      [
        { row: 5, column: '编号', message: /与第 4 行重复/ },
        { row: 6, column: '编号', message: /格式不对/ },
        { row: 7, column: '编号', message: /年份.*不一致/ },
        { row: 8, column: '联系电话', message: /脱敏/ },
        { row: 10, column: '编号', message: /格式不对/ },
      ],
    );
    expect(err.details.filter((d: any) => d.row === 9)).toEqual([]);
  });

  it('refuses formula cells', async () => {
    await expectRejected(
      await ledgerFile([{ ...GOOD[3], 编号: '2026-000110' }], (ws) => {
        ws.getCell(`${col('反映人')}4`).value = { formula: 'CONCATENATE("赵","六")', result: '赵六' } as ExcelJS.CellFormulaValue;
      }),
      [{ row: 4, column: '反映人', message: /不能是公式/ }],
    );
  });

  it('refuses the ledger this platform exported: its phones are masked', async () => {
    const exported = await download(api, 'coord', '/api/v1/ledger.xlsx');
    const err = await expectRejected(exported.body, [{ row: 4, column: '联系电话', message: /脱敏/ }]);
    expect(err.details.every((d: any) => d.column === '联系电话')).toBe(true);
  });

  it('refuses an empty sheet, a sheet without data and a sheet without the ledger\'s columns', async () => {
    const empty = new ExcelJS.Workbook();
    empty.addWorksheet('Sheet1');
    await expectRejected(Buffer.from((await empty.xlsx.writeBuffer()) as ArrayBuffer), [{ row: null, column: null, message: /是空的/ }]);
    await expectRejected(await ledgerFile([]), [{ row: null, column: null, message: /没有数据行/ }]);
    const other = new ExcelJS.Workbook();
    other.addWorksheet('工资表').addRow(['姓名', '工资']).commit();
    other.getWorksheet('工资表')!.addRow(['张三', 3000]);
    await expectRejected(Buffer.from((await other.xlsx.writeBuffer()) as ArrayBuffer), [{ row: null, column: null, message: /未找到台账的列名行/ }]);
    const missing = await ledgerFile([GOOD[3]!], (ws) => ws.spliceColumns(LEDGER_COLUMNS.findIndex((c) => c.header === '诉求') + 1, 1));
    await expectRejected(missing, [{ row: null, column: null, message: /缺少必需的列：诉求/ }]);
  });

  it('refuses a 10 MB random file quickly, and files that are not xlsx', async () => {
    const t0 = Date.now();
    await expectRejected(randomBytes(10 * 1024 * 1024), [{ row: null, column: null, message: /不是 Excel/ }], { filename: 'random.xlsx' });
    expect(Date.now() - t0).toBeLessThan(5000);
    await expectRejected(Buffer.from('编号,受理日期\n2026-000001,2026-11-01\n', 'utf8'), [{ row: null, column: null, message: /不是 Excel/ }], { filename: '台账.csv', type: 'text/csv' });
    const docx = new JSZip();
    docx.file('[Content_Types].xml', '<Types/>');
    docx.file('word/document.xml', '<w:document/>');
    await expectRejected(await docx.generateAsync({ type: 'nodebuffer' }), [{ row: null, column: null, message: /不是 Excel 工作簿/ }], { filename: '交办单.docx' });
    const xls = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), randomBytes(4096)]);
    await expectRejected(xls, [{ row: null, column: null, message: /旧版 Excel（\.xls）/ }], { filename: '台账.xls' });
    const broken = (await ledgerFile(GOOD)).subarray(0, 3000);
    await expectRejected(broken, [{ row: null, column: null, message: /损坏|无法读取/ }]);
    await expectRejected(Buffer.alloc(0), [{ row: null, column: null, message: /空的/ }]);
  });

  it('refuses a zip bomb whose declared sizes lie, without inflating it all', async () => {
    // 300 MB of zeros deflate to about 300 KB; the headers claim 1 KB.
    const deflate = zlib.createDeflateRaw({ level: 9 });
    const parts: Buffer[] = [];
    deflate.on('data', (c: Buffer) => parts.push(c));
    const done = new Promise((r) => deflate.on('end', r));
    const mb = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 300; i++) if (!deflate.write(mb)) await new Promise((r) => deflate.once('drain', r));
    deflate.end();
    await done;
    const bomb = zipOf([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>'), size: 8 },
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>'), size: 11 },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.concat(parts), size: 1024, deflated: true },
    ]);
    const t0 = Date.now();
    await expectRejected(bomb, [{ row: null, column: null, message: /解压后内容过大/ }]);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('refuses uploads that are not one file in the field `file`, or too large', async () => {
    const json = await api.as('coord').post('/api/v1/ledger/import', { file: 'x' });
    expect(json.status).toBe(400);
    expect(json.body.error.message).toMatch(/multipart/);
    const wrong = await upload('coord', await ledgerFile(GOOD), { field: 'ledger' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/字段名应为 file/);
    const noBoundary = await api.app.inject({
      method: 'POST',
      url: '/api/v1/ledger/import',
      headers: { authorization: `Bearer ${api.tokens.coord}`, 'content-type': 'multipart/form-data' },
      payload: 'garbage',
    });
    expect(noBoundary.statusCode).toBe(400);
    const emptyForm = await api.app.inject({
      method: 'POST',
      url: '/api/v1/ledger/import',
      headers: { authorization: `Bearer ${api.tokens.coord}`, 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x--\r\n',
    });
    expect(emptyForm.statusCode).toBe(400);
    expect(emptyForm.json().error.message).toMatch(/请选择要导入的台账文件/);
    const big = await upload('coord', Buffer.concat([Buffer.from('504b0304', 'hex'), Buffer.alloc(21 * 1024 * 1024)]));
    expect(big.status).toBe(400);
    expect(big.body.error.message).toMatch(/超过 20 MB/);
  });

  it('lets only coordinators and admins import: 401 → 400 → 403', async () => {
    const before = await counts();
    const good = await ledgerFile([{ ...GOOD[3], 编号: '2026-000120' }]);
    expect((await upload(null, good)).status).toBe(401);
    expect((await upload('clerk', randomBytes(1000))).status).toBe(400);
    for (const user of ['clerk', 'h_scjg', 'leader', 'super']) {
      const r = await upload(user, good);
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('FORBIDDEN');
    }
    expect(await counts()).toEqual(before);
  });
  it('queues case.created for each imported case in the import\'s transaction; a second import of the file queues nothing', async () => {
    const db = env.ctx.db;
    const hook = await db
      .insertInto('webhooks')
      .values({ url: 'https://example.gov.cn/hooks/bcs', events: '["case.created"]', secret: 'a-long-shared-secret', created_at: '2026-11-26T02:00:00.000Z', created_by: 'admin', deleted_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    try {
      const rows = GOOD.slice(0, 4).map((r, i) => ({ ...r, 编号: `${String(r.编号).slice(0, 4)}-00090${i}` }));
      const deliveries = () => db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', hook.id).orderBy('id').execute();
      const r = await upload('coord', await ledgerFile(rows));
      expect(r.status).toBe(200);
      expect(r.body.imported).toBe(4);
      const queued = await deliveries();
      expect(queued.map((d) => d.type)).toEqual(['case.created', 'case.created', 'case.created', 'case.created']);
      const bodies = queued.map((d) => JSON.parse(d.body));
      expect(bodies.map((b) => b.case.caseNo)).toEqual(rows.map((x) => x.编号));
      expect(bodies.map((b) => b.action)).toEqual(['import', 'import', 'import', 'import']);
      expect(new Set(bodies.map((b) => b.id)).size).toBe(4);
      // The case as it stands after the import: its historical state.
      expect(bodies[0].case.status).toBe('closed');
      const cases = await db.selectFrom('cases').select(['id', 'case_no']).where('case_no', 'in', rows.map((x) => x.编号 as string)).execute();
      expect(queued.map((d) => d.case_id).sort()).toEqual(cases.map((c) => c.id).sort());

      const again = await upload('coord', await ledgerFile(rows));
      expect(again.body.imported).toBe(0);
      expect(await deliveries()).toHaveLength(4);
    } finally {
      await db.updateTable('webhooks').set({ deleted_at: '2026-11-26T02:00:00.000Z' }).where('id', '=', hook.id).execute();
    }
  });
});
