/** 督办台账 (issue 12 part 5): GET /supervision-records and its Excel, on every dialect. */
import { beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { download, readXlsx, XLSX } from '../documents/test-support.js';
import { getSettings } from '../settings/settings.repository.js';
import { REGISTER_HEADER_ROWS } from './register-export.js';

const URL = '/api/v1/supervision-records';
const CJK = /[\u4e00-\u9fa5]/;

describe.each(DIALECTS)('督办台账 on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, (e, a) => ((env = e), (api = a)), '2026-11-23T02:00:00.000Z'); // Monday 10:00 Shanghai

  /** The record numbers of the scenario, by name. */
  const no: Record<string, string> = {};
  const cases: Record<string, { id: number; caseNo: string }> = {};

  async function at(iso: string) {
    env.clock.set(iso);
    await api.relogin();
  }
  async function act(user: string, id: number, action: string, body: Record<string, unknown>) {
    const r = await api.as(user).post(`/api/v1/cases/${id}/actions/${action}`, body);
    if (r.status !== 200) throw new Error(`${action}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }
  async function inProgress(matter: string, lead: string, handler: string) {
    const c = (await api.as('clerk').post('/api/v1/cases', intakeBody({ matter, departmentCodes: [lead] }))).body;
    let r = await act('coord', c.id, 'accept', { version: 1, problemType: 'misconduct' });
    r = await act('coord', c.id, 'dispatch', { version: r.version, level: 1, leadDepartment: lead });
    return act(handler, c.id, 'sign', { version: r.version });
  }
  const last = (c: any, kind: string) => c.supervisionRecords.filter((r: any) => r.kind === kind).at(-1).recordNo as string;

  beforeAll(async () => {
    // A: 督办 on Monday due the same evening, answered late on Tuesday; 通报 against 住建 on Thursday.
    let a = await inProgress('个体工商户设立登记', 'scjgj', 'h_scjg');
    a = await act('super', a.id, 'supervise', { version: a.version, note: '当日办结并报告', dueAt: '2026-11-23T18:00:00+08:00' });
    no.aSupervise = last(a, 'supervise');
    // B: 督办 on Tuesday due Wednesday, never answered; 线索移送 on Wednesday with 纪委's result.
    await at('2026-11-24T02:00:00.000Z');
    a = await act('h_scjg', a.id, 'report-supervision', { version: a.version, report: '已约谈窗口人员' });
    let b = await inProgress('社保卡补办', 'rsj', 'h_rs');
    b = await act('coord', b.id, 'supervise', { version: b.version, note: '限期报告', dueAt: '2026-11-25T18:00:00+08:00' });
    no.bSupervise = last(b, 'supervise');
    await at('2026-11-25T03:00:00.000Z');
    b = await act('super', b.id, 'refer-discipline', { version: b.version, handedOver: '窗口人员推诿的问题线索' });
    no.bReferral = last(b, 'referral');
    b = await act('super', b.id, 'record-discipline-result', { version: b.version, referralNo: no.bReferral, result: '已立案审查，给予诫勉谈话' });
    await at('2026-11-26T01:00:00.000Z');
    a = await act('coord', a.id, 'circulate', { version: a.version, summary: '推诿扯皮，全县通报', department: 'zjw' });
    no.aCirculate = last(a, 'circulate');
    // C: 督办 and 线索移送 at the same instant (the keyset's tie-break), neither answered.
    await at('2026-11-26T06:00:00.000Z');
    let c = await inProgress('食品经营许可', 'scjgj', 'h_scjg');
    c = await act('super', c.id, 'supervise', { version: c.version, note: '请于月底前报告', dueAt: '2026-11-30T18:00:00+08:00' });
    no.cSupervise = last(c, 'supervise');
    c = await act('super', c.id, 'refer-discipline', { version: c.version, handedOver: '涉嫌吃拿卡要' });
    no.cReferral = last(c, 'referral');
    Object.assign(cases, { a, b, c });
    await at('2026-11-27T04:00:00.000Z'); // Friday noon
  });

  const list = async (query = '', user = 'super') => {
    const r = await api.as(user).get(`${URL}${query ? `?${query}` : ''}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as { items: any[]; nextCursor: string | null };
  };
  const nos = async (query: string) => (await list(query)).items.map((i) => i.recordNo);

  it('answers 401 without a session and 403 to a handler, a clerk and the admin; 200 to the county roles', async () => {
    expect((await api.as(null).get(URL)).status).toBe(401);
    expect((await download(api, null, `${URL}.xlsx`)).status).toBe(401);
    for (const user of ['h_scjg', 'clerk', 'admin']) {
      const r = await api.as(user).get(URL);
      expect(r.status).toBe(403);
      expect(r.body.error.message).toMatch(CJK);
      expect((await download(api, user, `${URL}.xlsx`)).status).toBe(403);
    }
    for (const user of ['coord', 'leader', 'super']) expect((await list('', user)).items).toHaveLength(6);
  });

  it.each([
    ['kind=notice', '类别'],
    ['kind=supervise,', null],
    ['status=late', 'status'],
    ['from=2026-11-30&to=2026-11-01', '结束日期不能早于开始日期'],
    ['from=2026-02-30', '日期不存在'],
    ['department=县市场监管局', '部门代码'],
    ['limit=0', 'limit'],
    ['cursor=not-a-cursor', '分页游标无效'],
  ])('answers 400 in Chinese to a bad filter: %s', async (query, words) => {
    const r = await api.as('coord').get(`${URL}?${query}`);
    if (words === null) {
      expect(r.status).toBe(200); // a trailing comma is forgiven
      return;
    }
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION');
    expect(r.body.error.message).toMatch(CJK);
    expect(JSON.stringify(r.body.error)).toContain(words);
    if (!query.startsWith('cursor') && !query.startsWith('limit')) expect((await download(api, 'coord', `${URL}.xlsx?${query}`)).status).toBe(400);
  });

  it('lists every record newest first, with its case, department, author, deadline, report and result', async () => {
    const page = await list();
    expect(page.nextCursor).toBeNull();
    // C's two records share an instant: the later one (the 移送) first.
    expect(page.items.map((i) => i.recordNo)).toEqual([no.cReferral, no.cSupervise, no.aCirculate, no.bReferral, no.bSupervise, no.aSupervise]);
    const byNo = new Map(page.items.map((i) => [i.recordNo, i]));
    expect(byNo.get(no.aSupervise)).toEqual({
      recordNo: no.aSupervise,
      kind: 'supervise',
      case: { id: cases.a!.id, caseNo: cases.a!.caseNo, matter: '个体工商户设立登记' },
      department: { code: 'scjgj', name: '县市场监管局' },
      createdAt: '2026-11-23T10:00:00+08:00',
      createdBy: { username: 'super', name: '钱监督' },
      text: '当日办结并报告',
      dueAt: '2026-11-23T18:00:00+08:00',
      reportedAt: '2026-11-24T10:00:00+08:00',
      report: '已约谈窗口人员',
      overdue: true,
      result: null,
      resultAt: null,
      state: '已报告（逾期）',
    });
    expect(byNo.get(no.bSupervise)).toMatchObject({ department: { code: 'rsj', name: '县人力社保局' }, createdBy: { name: '李行管' }, reportedAt: null, overdue: true, state: '逾期未报告' });
    expect(byNo.get(no.cSupervise)).toMatchObject({ overdue: false, state: '待报告' });
    expect(byNo.get(no.bReferral)).toMatchObject({ kind: 'referral', result: '已立案审查，给予诫勉谈话', resultAt: '2026-11-25T11:00:00+08:00', dueAt: null, overdue: false, state: '已反馈结果' });
    expect(byNo.get(no.cReferral)).toMatchObject({ result: null, state: '待反馈结果', text: '涉嫌吃拿卡要' });
    expect(byNo.get(no.aCirculate)).toMatchObject({ kind: 'circulate', department: { code: 'zjw', name: '县住房城乡建委' }, text: '推诿扯皮，全县通报', state: '已通报' });
    // The register says what the case page says.
    const detail = (await api.as('super').get(`/api/v1/cases/${cases.b!.id}`)).body;
    const onCase = detail.supervisionRecords.find((r: any) => r.recordNo === no.bSupervise);
    expect(onCase).toMatchObject({ dueAt: byNo.get(no.bSupervise).dueAt, overdue: true, reportedAt: null });
  });

  it('filters by kind, department, created date, status and case number or matter', async () => {
    expect(await nos('kind=supervise')).toEqual([no.cSupervise, no.bSupervise, no.aSupervise]);
    expect(await nos('kind=circulate,referral')).toEqual([no.cReferral, no.aCirculate, no.bReferral]);
    expect(await nos('kind=circulate&kind=referral')).toEqual([no.cReferral, no.aCirculate, no.bReferral]);
    expect(await nos('department=rsj')).toEqual([no.bReferral, no.bSupervise]);
    expect(await nos('department=zjw')).toEqual([no.aCirculate]);
    expect(await nos('department=gaj')).toEqual([]);
    expect(await nos('from=2026-11-26')).toEqual([no.cReferral, no.cSupervise, no.aCirculate]);
    expect(await nos('to=2026-11-24')).toEqual([no.bSupervise, no.aSupervise]);
    expect(await nos('from=2026-11-25&to=2026-11-25')).toEqual([no.bReferral]);
    expect(await nos('status=awaiting_report')).toEqual([no.cSupervise, no.bSupervise]);
    expect(await nos('status=reported')).toEqual([no.aSupervise]);
    expect(await nos('status=overdue')).toEqual([no.bSupervise, no.aSupervise]);
    expect(await nos('status=result_recorded')).toEqual([no.bReferral]);
    expect(await nos('status=awaiting_result')).toEqual([no.cReferral]);
    expect(await nos('status=awaiting_report&kind=circulate')).toEqual([]);
    expect(await nos(`q=${encodeURIComponent(cases.b!.caseNo)}`)).toEqual([no.bReferral, no.bSupervise]);
    expect(await nos('q=食品')).toEqual([no.cReferral, no.cSupervise]);
    expect(await nos(`q=${encodeURIComponent('移送〔')}`)).toEqual([no.cReferral, no.bReferral]);
    expect(await nos('q=100%25')).toEqual([]);
    expect(await nos('kind=supervise&department=scjgj&status=awaiting_report&from=2026-11-26')).toEqual([no.cSupervise]);
    // Overdue is judged at the time of asking: after C's deadline its 督办 is overdue too.
    await api.relogin();
    env.clock.set('2026-12-01T02:00:00.000Z');
    await api.relogin();
    expect(await nos('status=overdue')).toEqual([no.cSupervise, no.bSupervise, no.aSupervise]);
    env.clock.set('2026-11-27T04:00:00.000Z');
    await api.relogin();
  });

  it('pages newest first with a cursor, every record once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(`limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.recordNo));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(await nos(''));
    // The filters hold across pages.
    const first = await list('kind=supervise&limit=1');
    const second = await list(`kind=supervise&limit=1&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect([...first.items, ...second.items].map((i) => i.recordNo)).toEqual([no.cSupervise, no.bSupervise]);
  });

  it('exports the same records as Excel, titled with the county and the filters', async () => {
    const r = await download(api, 'leader', `${URL}.xlsx?kind=supervise,referral&from=2026-11-24`);
    expect(r.status).toBe(200);
    expect(String(r.headers['content-type'])).toBe(XLSX);
    expect(String(r.headers['content-disposition'])).toContain(`filename*=UTF-8''${encodeURIComponent('督办台账-20261127.xlsx')}`);
    expect(r.headers['x-total-count']).toBe('4');
    const wb = await readXlsx(r.body);
    const ws = wb.getWorksheet('督办台账')!;
    const county = (await getSettings(env.ctx.db)).countyName;
    expect(ws.getCell('A1').value).toBe(`${county}督办通报移送台账`);
    expect(String(ws.getCell('A2').value)).toContain('类别：督办、线索移送；发出日期：2026-11-24 至 …');
    expect(String(ws.getCell('A2').value)).toContain('导出人：赵组长');
    expect(ws.getRow(REGISTER_HEADER_ROWS).getCell(2).value).toBe('文书编号');
    const rows: unknown[][] = [];
    for (let i = REGISTER_HEADER_ROWS + 1; i <= ws.rowCount; i++) {
      const row = ws.getRow(i);
      if (!row.getCell(1).value) continue;
      rows.push([row.getCell(1).value, row.getCell(2).value, row.getCell(3).value, row.getCell(4).value, row.getCell(6).value, row.getCell(14).value]);
    }
    expect(rows).toEqual([
      [1, no.cReferral, '线索移送', cases.c!.caseNo, '县市场监管局', '待反馈结果'],
      [2, no.cSupervise, '督办', cases.c!.caseNo, '县市场监管局', '待报告'],
      [3, no.bReferral, '线索移送', cases.b!.caseNo, '县人力社保局', '已反馈结果'],
      [4, no.bSupervise, '督办', cases.b!.caseNo, '县人力社保局', '逾期未报告'],
    ]);
    const b = ws.getRow(REGISTER_HEADER_ROWS + 4);
    // Instants as the Shanghai wall time they show: 督办时限 and 发出时间.
    expect((b.getCell(10).value as Date).toISOString().slice(0, 16)).toBe('2026-11-25T18:00');
    expect((b.getCell(7).value as Date).toISOString().slice(0, 16)).toBe('2026-11-24T10:00');
    expect(ws.getRow(REGISTER_HEADER_ROWS + 3).getCell(13).value).toBe('已立案审查，给予诫勉谈话');
    // An export with nothing to hold is a valid workbook with the headers only.
    const none = await download(api, 'coord', `${URL}.xlsx?department=gaj`);
    expect(none.status).toBe(200);
    expect(none.headers['x-total-count']).toBe('0');
    const empty = (await readXlsx(none.body)).getWorksheet('督办台账')!;
    expect(empty.getRow(REGISTER_HEADER_ROWS + 1).getCell(2).value ?? null).toBeNull();
  });
});
