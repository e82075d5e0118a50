import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_LABELS, PROBLEM_TYPE_LABELS, REJECT_CATEGORY_LABELS, type Channel, type ProblemType, type RejectCategory } from '../../core/domain.js';
import { ZCaseListQuery } from '../../core/api/schemas.js';
import { createTestEnv, DIALECTS, seedBasics, startApi, USERS, type Api, type TestEnv } from '../test/harness.js';
import { toActor } from '../users/user.repository.js';
import { ExportAborted, writeLedger } from './ledger-export.js';
import { callbackText, LEDGER_COLUMNS, verificationText } from './ledger-format.js';
import { act, download, listAll, newCase, readXlsx, seedSpread, useLongSessions, XLSX } from './test-support.js';

const LEVELS: Record<number, string> = { 1: '一级', 2: '二级', 3: '三级' };

/** What the ledger row of a list item must say, from the list API and the case's detail. */
function expectedRow(item: any, detail: any, index: number): unknown[] {
  const sheets = detail.assignmentSheets as Array<{ issuedAt: string }>;
  const overdue = item.overdue || detail.firstCompletedOnTime === false ? '是' : item.dueAt || detail.firstCompletedAt ? '否' : null;
  const result = detail.rejection
    ? `不予受理（${REJECT_CATEGORY_LABELS[detail.rejection.reasonCategory as RejectCategory]}）：${detail.rejection.explanation}`
    : detail.result;
  return [
    index,
    item.caseNo,
    item.receivedAt.slice(0, 10),
    CHANNEL_LABELS[item.channel as Channel],
    item.reporter.name,
    item.reporter.phone,
    item.reporter.orgName ?? null,
    item.matter,
    detail.description,
    detail.reason ?? null,
    item.problemType ? PROBLEM_TYPE_LABELS[item.problemType as ProblemType] : null,
    item.level ? LEVELS[item.level] : null,
    item.leadDepartmentName,
    detail.coDepartmentNames.length ? detail.coDepartmentNames.join('、') : null,
    sheets.length ? sheets[sheets.length - 1]!.issuedAt.slice(0, 10) : null,
    item.dueAt ? item.dueAt.slice(0, 16) : null,
    item.completedAt ? item.completedAt.slice(0, 10) : null,
    overdue,
    result ?? null,
    callbackText(detail.callback) || null,
    verificationText(detail.verification) || null,
    item.statusLabel,
  ];
}

/** A ledger row as read back: dates as the Shanghai wall time they show. */
function actualRow(row: any): unknown[] {
  return LEDGER_COLUMNS.map((col, i) => {
    const v = row.getCell(i + 1).value;
    if (v === null || v === undefined) return null;
    if (col.kind === 'date') {
      expect(v).toBeInstanceOf(Date);
      return (v as Date).toISOString().slice(0, 10);
    }
    if (col.kind === 'datetime') {
      expect(v).toBeInstanceOf(Date);
      return (v as Date).toISOString().slice(0, 16);
    }
    return v;
  });
}

describe.each(DIALECTS)('ledger export on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  beforeAll(async () => {
    // Thursday 2026-11-26 10:00 Asia/Shanghai.
    env = await createTestEnv(kind, '2026-11-26T02:00:00.000Z');
    await seedBasics(env);
    await useLongSessions(env);
    api = await startApi(env);
    await seedSpread(env, api);
    await api.relogin();
  });
  afterAll(async () => {
    await api.app.close();
    await env.close();
  });

  async function checkAgainstList(user: string, query: string) {
    const r = await download(api, user, `/api/v1/ledger.xlsx${query ? `?${query}` : ''}`);
    expect(r.status).toBe(200);
    const items = await listAll(api, user, query);
    expect(r.headers['x-total-count']).toBe(String(items.length));
    const wb = await readXlsx(r.body);
    const ws = wb.getWorksheet('台账')!;
    expect(ws.actualRowCount).toBe(3 + items.length);
    for (let i = 0; i < items.length; i++) {
      const detail = (await api.as(user).get(`/api/v1/cases/${items[i].id}`)).body;
      expect(actualRow(ws.getRow(4 + i)), `row ${4 + i} (${items[i].caseNo})`).toEqual(expectedRow(items[i], detail, i + 1));
    }
    return { ws, items };
  }

  it('exports every case of the list, row for row, with a title, frozen headers, an auto-filter and real dates', async () => {
    const r = await download(api, 'coord', '/api/v1/ledger.xlsx');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe(XLSX);
    // 2026-12-03 in Shanghai, after the week the seed moved on.
    expect(r.headers['content-disposition']).toBe(
      `attachment; filename="ledger-20261203.xlsx"; filename*=UTF-8''${encodeURIComponent('台账-20261203.xlsx')}`,
    );
    expect(r.headers['content-length']).toBeUndefined();

    const { ws, items } = await checkAgainstList('coord', '');
    expect(items.length).toBe(12);
    expect(ws.getCell('A1').value).toBe('垫江县“办不成事”问题台账');
    expect(String(ws.getCell('A2').value)).toContain('导出人：李行管');
    expect(ws.getRow(3).values).toEqual([undefined, ...LEDGER_COLUMNS.map((c) => c.header)]);
    expect(LEDGER_COLUMNS.map((c) => c.header)).toEqual([
      '序号', '编号', '受理日期', '渠道', '反映人', '联系电话', '企业名称', '事项名称', '诉求', '办不成原因', '问题类型',
      '调度级别', '承办部门', '协办部门', '交办日期', '办理时限', '办结日期', '是否超期', '办理结果', '回访评价', '核查结果', '当前状态',
    ]);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    expect(ws.autoFilter).toBe(`A3:V${3 + items.length}`);
    expect(ws.getCell('C4').numFmt).toBe('yyyy-mm-dd');
    expect(ws.getCell('P4').numFmt).toBe('yyyy-mm-dd hh:mm');
    // Phones are masked; no full number anywhere in the file.
    const all = JSON.stringify(ws.getSheetValues());
    expect(all).not.toContain('13800001234');
    expect(all).toContain('138****1234');
    // The overdue level-1 case says so.
    const overdueRow = items.findIndex((i) => i.overdue);
    expect(overdueRow).toBeGreaterThanOrEqual(0);
    expect(ws.getRow(4 + overdueRow).getCell(18).value).toBe('是');
  });

  it('applies the list\'s filters and a handler\'s visibility', async () => {
    await checkAgainstList('coord', 'status=assigned,in_progress');
    await checkAgainstList('coord', 'department=zjw');
    await checkAgainstList('coord', 'overdue=true');
    await checkAgainstList('coord', `q=${encodeURIComponent('登记')}&channel=window`);
    await checkAgainstList('super', 'level=1');
    const { items } = await checkAgainstList('h_rs', '');
    expect(items.length).toBeGreaterThan(0);
    const all = await listAll(api, 'coord');
    expect(items.length).toBeLessThan(all.length);
  });

  it('pages through the rows in keyset batches, ties on the same instant included', async () => {
    const coord = USERS.find((u) => u.username === 'coord')!;
    const user = await env.ctx.db.selectFrom('users').selectAll().where('username', '=', coord.username).executeTakeFirstOrThrow();
    const actor = toActor({ id: user.id, username: user.username, name: user.name, role: 'coordinator', department: null } as never);
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise((r) => out.on('end', r));
    const filters = ZCaseListQuery.omit({ cursor: true, limit: true }).parse({});
    const n = await writeLedger(env.ctx.db, out, { filters, actor, now: env.clock.now(), countyName: '测试县', batchSize: 2 });
    await done;
    const items = await listAll(api, 'coord');
    expect(n).toBe(items.length);
    const ws = (await readXlsx(Buffer.concat(chunks))).getWorksheet('台账')!;
    expect(ws.getCell('A1').value).toBe('测试县“办不成事”问题台账');
    expect(items.map((_, i) => ws.getRow(4 + i).getCell(2).value)).toEqual(items.map((i) => i.caseNo));
  });

  it('stops reading when the client goes away', async () => {
    const user = await env.ctx.db.selectFrom('users').selectAll().where('username', '=', 'coord').executeTakeFirstOrThrow();
    const actor = toActor({ id: user.id, username: user.username, name: user.name, role: 'coordinator', department: null } as never);
    const out = new PassThrough();
    out.once('data', () => out.destroy());
    const filters = ZCaseListQuery.omit({ cursor: true, limit: true }).parse({});
    await expect(writeLedger(env.ctx.db, out, { filters, actor, now: env.clock.now(), countyName: '垫江县', batchSize: 1 })).rejects.toBeInstanceOf(ExportAborted);
  });

  it('exports an empty ledger with its headers when nothing matches', async () => {
    const r = await download(api, 'coord', '/api/v1/ledger.xlsx?receivedFrom=2020-01-01&receivedTo=2020-01-31');
    expect(r.status).toBe(200);
    expect(r.headers['x-total-count']).toBe('0');
    const ws = (await readXlsx(r.body)).getWorksheet('台账')!;
    expect(ws.getRow(3).getCell(1).value).toBe('序号');
    expect(ws.actualRowCount).toBe(3);
    expect(String(ws.getCell('A2').value)).toContain('受理日期：2020-01-01 至 2020-01-31');
  });

  it('answers 401 without a login and 400 for a bad filter, like the list', async () => {
    expect((await download(api, null, '/api/v1/ledger.xlsx')).status).toBe(401);
    const bad = await download(api, 'coord', '/api/v1/ledger.xlsx?status=bogus');
    expect(bad.status).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION');
    expect((await download(api, 'coord', '/api/v1/ledger.xlsx?receivedFrom=2026-02-30')).status).toBe(400);
  });

  it('exports a repeat merged into its main case as 已并件', async () => {
    const main = await newCase(api);
    const repeat = await newCase(api);
    await act(api, 'coord', repeat.id, 'merge', { version: repeat.version, into: main.id });
    const { ws, items } = await checkAgainstList('coord', 'status=merged');
    expect(items.map((i) => i.id)).toEqual([repeat.id]);
    expect(ws.getRow(4).getCell(LEDGER_COLUMNS.findIndex((c) => c.header === '当前状态') + 1).value).toBe('已并件');
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await api.as(null).get('/api/v1/openapi.json')).body;
    expect(doc.paths['/api/v1/ledger.xlsx'].get.parameters.map((p: any) => p.name)).toEqual(
      expect.arrayContaining(['status', 'department', 'overdue', 'q', 'receivedFrom', 'receivedTo']),
    );
    expect(doc.paths['/api/v1/ledger.xlsx'].get.parameters.map((p: any) => p.name)).not.toContain('cursor');
  });
});
