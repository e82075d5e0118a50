/** Audit records in words (审计日志): case records as the timeline tells them, the rest field by field. */
import { ROLE_LABELS, STATUS_LABELS, type CaseStatus, type Role } from '../../../core/domain';
import type { AuditRecord, TimelineEntry } from '../api/types';
import { eventLines } from './events';
import { formatDateTime } from './time';

const KEY_LABELS: Record<string, string> = {
  caseNo: '编号',
  caseId: '反映件',
  dueAt: '时限',
  measureId: '措施序号',
  reason: '原因',
  ip: '登录地址',
  username: '用户名',
  name: '名称',
  role: '角色',
  department: '部门',
  code: '代码',
  disabled: '停用',
  password: '密码',
  title: '标题',
  body: '内容',
  kind: '类别',
  sourceCaseIds: '来源反映件',
  sealed: '加密条数',
  resealed: '重新加密条数',
  fileName: '文件',
  sheet: '工作表',
  rows: '行数',
  imported: '导入',
  skipped: '跳过',
  sm3: '文件 SM3',
  year: '年份',
  holidays: '节假日',
  workdays: '调休上班日',
  levelDays: '办理时限（工作日）',
  '1': '一级交办',
  '2': '二级交办',
  sessionIdleMinutes: '空闲超时（分钟）',
  countyName: '县名',
  hotlines: '热线号码',
  publicBaseUrl: '公众查询网址',
  selfRatingDays: '评价链接有效期（天）',
  dueSoonWorkingDays: '即将到期提醒（工作日）',
  assessment: '考核设置',
  matter: '事项',
  reporterPhone: '反映人电话',
  channel: '渠道',
  departmentCodes: '涉及部门',
  reporterKind: '反映人类型',
};

const REASONS: Record<string, string> = { locked: '账号已锁定', unknown_user: '用户不存在', bad_password: '密码错误' };
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

function value(key: string, v: unknown, deptName: (code: string) => string): string {
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') {
    if (ISO_INSTANT.test(v)) return formatDateTime(v);
    if (key === 'role') return ROLE_LABELS[v as Role] ?? v;
    if (key === 'department') return deptName(v);
    if (key === 'reason') return REASONS[v] ?? v;
    if (key === 'password') return '（已重置）';
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' && x !== null ? fieldLines(x as Record<string, unknown>, deptName).join('，') : value(key, x, deptName))).join('、') || '（无）';
  if (v && typeof v === 'object') return fieldLines(v as Record<string, unknown>, deptName).join('，');
  return '';
}

/** Each non-empty field as “名称：值”. */
export function fieldLines(d: Record<string, unknown>, deptName: (code: string) => string, skip: ReadonlySet<string> = new Set()): string[] {
  return Object.entries(d)
    .filter(([k, v]) => !skip.has(k) && v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${KEY_LABELS[k] ?? k}：${value(k, v, deptName)}`);
}

const CASE_KEYS = new Set(['caseNo', 'from', 'to', 'version', 'fields']);

/** The record's content in Chinese lines. */
export function auditLines(r: Pick<AuditRecord, 'action' | 'data'>, deptName: (code: string) => string): string[] {
  const d = r.data ?? {};
  if (!r.action.startsWith('case.')) return fieldLines(d, deptName);
  const type = r.action.slice('case.'.length);
  const lines: string[] = [];
  if (typeof d.from === 'string' && typeof d.to === 'string' && d.from !== d.to) {
    lines.push(`状态：${STATUS_LABELS[d.from as CaseStatus] ?? d.from} → ${STATUS_LABELS[d.to as CaseStatus] ?? d.to}`);
  }
  const fields = d.fields && typeof d.fields === 'object' ? (d.fields as Record<string, unknown>) : d;
  const told = eventLines({ type, data: fields } as TimelineEntry, deptName).filter((l) => !l.startsWith('编号 '));
  lines.push(...(told.length ? told : fieldLines(fields, deptName, CASE_KEYS)));
  if (type === 'intake') lines.push(...fieldLines({ matter: d.matter, reporterPhone: d.reporterPhone }, deptName));
  return lines;
}
