/** Helpers shared by the documents tests: a spread of cases in every state, multipart bodies, xlsx reading. */
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { expect } from 'vitest';
import { usccCheckChar } from '../../core/validation.js';
import type { Api, TestEnv } from '../test/harness.js';
import { putSettings } from '../settings/settings.repository.js';
import { intakeBody } from '../test/harness.js';

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A valid 统一社会信用代码 built from 17 characters. */
export function uscc(first17 = '91500231MA5U8XYW1'): string {
  return first17 + usccCheckChar(first17);
}

export async function newCase(api: Api, overrides: Record<string, unknown> = {}, user = 'clerk') {
  const r = await api.as(user).post('/api/v1/cases', intakeBody(overrides));
  expect(r.status).toBe(201);
  return r.body as { id: number; caseNo: string; version: number };
}

export async function act(api: Api, user: string, id: number, action: string, body: Record<string, unknown>) {
  const r = await api.as(user).post(`/api/v1/cases/${id}/actions/${action}`, body);
  if (r.status !== 200) throw new Error(`${action} on ${id} as ${user}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: number; version: number; status: string };
}

/** Settings that keep test sessions alive for a day of test-clock time (logins are rate-limited). */
export async function useLongSessions(env: TestEnv): Promise<void> {
  await putSettings(env.ctx.db, { sessionIdleMinutes: 24 * 60 }, env.clock.now().toISOString());
}

/**
 * Cases in every state, registered an hour apart (call useLongSessions before logging in) (two at the same instant, to exercise the keyset's
 * tie-break), one of them overdue by the end. Leaves the clock later than it found it.
 */
export async function seedSpread(env: TestEnv, api: Api): Promise<number[]> {
  const ids: number[] = [];
  // The caller has made sessions last a day (LONG_SESSIONS), so the hours below log nobody out.
  const hour = async () => {
    env.clock.advance(3600_000);
  };
  const enterprise = { reporter: { name: '李四', phone: '023-74522706', kind: 'enterprise', orgName: '垫江县某某食品有限公司', orgCode: uscc() } };

  // received
  ids.push((await newCase(api)).id);
  // Two at the same instant: the list orders them by id.
  ids.push((await newCase(api, { channel: 'hotline', matter: '同一时刻登记甲' })).id);
  ids.push((await newCase(api, { channel: 'online', matter: '同一时刻登记乙' })).id);
  await hour();
  // rejected
  let c = await newCase(api, { matter: '涉诉事项' });
  await act(api, 'coord', c.id, 'reject', { version: c.version, reasonCategory: 'litigation', explanation: '已进入诉讼程序' });
  ids.push(c.id);
  await hour();
  // resolved on the spot, then closed by a callback
  c = await newCase(api, { ...enterprise, matter: '食品经营许可变更' });
  let r = await act(api, 'clerk', c.id, 'resolve-on-spot', { version: c.version, result: '窗口当场协调办结' });
  await act(api, 'coord', c.id, 'callback', { version: r.version, attitude: 'satisfied', result: 'satisfied', efficiency: 'satisfied', integrity: 'satisfied' });
  ids.push(c.id);
  await hour();
  // accepted
  c = await newCase(api, { matter: '社保关系转移', departmentCodes: ['rsj'] });
  await act(api, 'coord', c.id, 'accept', { version: c.version, problemType: 'unable' });
  ids.push(c.id);
  await hour();
  // assigned at level 2
  c = await newCase(api, { matter: '不动产登记', departmentCodes: ['zjw', 'ghzrzyj'] });
  r = await act(api, 'coord', c.id, 'accept', { version: c.version, problemType: 'complex' });
  await act(api, 'coord', c.id, 'dispatch', { version: r.version, level: 2, leadDepartment: 'zjw', coDepartments: ['ghzrzyj', 'rsj'] });
  ids.push(c.id);
  await hour();
  // in progress at level 1 — will be overdue
  c = await newCase(api, { matter: '营业执照变更' });
  r = await act(api, 'coord', c.id, 'accept', { version: c.version, problemType: 'materials' });
  r = await act(api, 'coord', c.id, 'dispatch', { version: r.version, level: 1, leadDepartment: 'scjgj' });
  await act(api, 'h_scjg', c.id, 'sign', { version: r.version });
  ids.push(c.id);
  await hour();
  // escalated to level 3 (two sheets)
  c = await newCase(api, { ...enterprise, matter: '建设工程规划许可', description: '规划条件与用地性质冲突，多部门意见不一。' });
  r = await act(api, 'coord', c.id, 'accept', { version: c.version, problemType: 'rigid_policy' });
  r = await act(api, 'coord', c.id, 'dispatch', { version: r.version, level: 1, leadDepartment: 'ghzrzyj' });
  r = await act(api, 'coord', c.id, 'request-escalation', { version: r.version, reason: '涉及政策突破' });
  await act(api, 'leader', c.id, 'approve-escalation', { version: r.version, leadDepartment: 'ghzrzyj', coDepartments: ['zjw'], dueAt: '2027-01-15T18:00:00+08:00' });
  ids.push(c.id);
  await hour();
  // completed, 差评, verified 属实 → accountability → closed
  c = await newCase(api, { matter: '医保报销', reason: '' });
  r = await act(api, 'coord', c.id, 'accept', { version: c.version, problemType: 'misconduct' });
  r = await act(api, 'coord', c.id, 'dispatch', { version: r.version, level: 1, leadDepartment: 'zjw' });
  r = await act(api, 'h_zj', c.id, 'sign', { version: r.version });
  r = await act(api, 'h_zj', c.id, 'complete', { version: r.version, result: '已立即办结', repliedVia: 'in_person' });
  r = await act(api, 'coord', c.id, 'callback', { version: r.version, attitude: 'dissatisfied', result: 'dissatisfied', efficiency: 'dissatisfied', integrity: 'dissatisfied' });
  await act(api, 'super', c.id, 'verify', { version: r.version, substantiated: true, outcome: 'accountability', note: '移交县纪委监委' });
  ids.push(c.id);
  await hour();
  // completed by the handler, 差评 → verifying
  c = await newCase(api, { matter: '就业登记' });
  r = await act(api, 'coord', c.id, 'accept', { version: c.version, problemType: 'unable' });
  r = await act(api, 'coord', c.id, 'dispatch', { version: r.version, level: 1, leadDepartment: 'rsj' });
  r = await act(api, 'h_rs', c.id, 'sign', { version: r.version });
  r = await act(api, 'h_rs', c.id, 'complete', { version: r.version, result: '已帮办完成就业登记', repliedVia: 'phone' });
  await act(api, 'coord', c.id, 'callback', { version: r.version, attitude: 'satisfied', result: 'dissatisfied', efficiency: 'basically_satisfied', integrity: 'satisfied', comment: '结果不满意' });
  ids.push(c.id);
  await hour();
  // completed, 差评 不实 → closed
  c = await newCase(api, { matter: '公积金提取' });
  r = await act(api, 'coord', c.id, 'accept', { version: c.version, problemType: 'materials' });
  r = await act(api, 'coord', c.id, 'dispatch', { version: r.version, level: 1, leadDepartment: 'scjgj' });
  r = await act(api, 'h_scjg', c.id, 'sign', { version: r.version });
  r = await act(api, 'h_scjg', c.id, 'complete', { version: r.version, result: '容缺受理办结', repliedVia: 'sms' });
  r = await act(api, 'coord', c.id, 'callback', { version: r.version, attitude: 'dissatisfied', result: 'satisfied', efficiency: 'satisfied', integrity: 'satisfied' });
  await act(api, 'super', c.id, 'verify', { version: r.version, substantiated: false, outcome: 'none', note: '经核实态度无问题' });
  ids.push(c.id);
  // A week later the level-1 case above is overdue.
  env.clock.advance(7 * 24 * 3600_000);
  return ids;
}

/** A multipart/form-data body with one file. */
export function multipart(content: Buffer, opts: { field?: string; filename?: string; type?: string } = {}) {
  const boundary = `----bcs${randomBytes(8).toString('hex')}`;
  const name = opts.filename ?? '台账.xlsx';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${opts.field ?? 'file'}"; filename="${name}"\r\nContent-Type: ${opts.type ?? XLSX}\r\n\r\n`,
    'utf8',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, content, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export async function readXlsx(buf: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as never);
  return wb;
}

/** Every page of the list API for a query. */
export async function listAll(api: Api, user: string, query = '', limit = 200): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const sep = query ? '&' : '';
    const r = await api.as(user).get(`/api/v1/cases?limit=${limit}${sep}${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    items.push(...r.body.items);
    cursor = r.body.nextCursor;
  } while (cursor);
  return items;
}

/** Raw bytes of an inject response (the harness's helpers parse text). */
export async function download(api: Api, user: string | null, url: string) {
  const r = await api.app.inject({ method: 'GET', url, headers: user ? { authorization: `Bearer ${api.tokens[user]}` } : {} });
  return { status: r.statusCode, headers: r.headers, body: r.rawPayload, json: () => r.json() };
}
