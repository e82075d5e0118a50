/**
 * The audit chain's actions and entities in words (审计日志). Pure: no I/O. Case actions are
 * recorded as `case.<action>` and take the lifecycle table's own labels.
 */
import { ACTION_RULES, isCaseAction } from './case-lifecycle.js';
import type { SystemEventType } from './timeline-events.js';

/** Actions that are not case actions, with what they mean. */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  login: '登录',
  login_failed: '登录失败',
  logout: '退出登录',
  'user.add': '新增用户',
  'user.update': '修改用户',
  'department.add': '新增部门',
  'department.update': '修改部门',
  'settings.update': '修改系统设置',
  'calendar.save_year': '保存节假日日历',
  'ledger.import': '导入台账',
  'matter.add': '新增事项（事项目录）',
  'matter.import': '导入事项目录',
  'triage.train': '重新训练分办建议模型',
  'notification_template.save': '修改消息模板',
  'notification_template.reset': '恢复默认消息模板',
  'outbox.retry': '重新投递消息',
  'package.create': '新建一件事一次办',
  'package.update': '修改一件事一次办',
  'typical_case.create': '新建典型案例',
  'typical_case.publish': '发布典型案例',
  'knowledge.create': '新建知识条目',
  'knowledge.update': '修改知识条目',
  'knowledge.review_reminded': '知识条目复核提醒',
  'knowledge.file_added': '上传知识条目原件',
  'knowledge.file_removed': '移除知识条目原件',
  'pii.seal': '加密历史反映人信息',
  'pii.rotate': '更换数据密钥',
  'cases.stage_backfill': '补记历史反映件的环节时钟',
  'callbacks.read': '查看回访工作台（含反映人完整电话）',
  'case.read': '查看反映件（含反映人信息）',
  'cases.read': '查看反映件列表（含反映人姓名）',
  'ledger.export': '导出台账（含反映人信息）',
  account_locked: '账号锁定',
  'password.change': '修改本人密码',
  'password.change_failed': '修改密码失败',
  'totp.setup': '获取动态口令密钥',
  'totp.enable': '启用动态口令',
  'user.totp_reset': '重置用户动态口令',
  'user.unlock': '解锁账号',
  'api_key.call': '接口密钥调用',
  ...({
    // The system timeline events' audit records (core/timeline-events.ts), in the audit's words.
    'case.intake': '登记反映件',
    'case.import': '导入反映件',
    'case.due_soon': '标记即将到期',
    'case.overdue': '标记超期',
    'case.measure_due_soon': '措施即将到期提醒',
    'case.measure_overdue': '标记措施逾期',
    'case.deadline_recomputed': '时限重新计算',
    'case.stage_overdue': '标记环节超时',
    'case.supervision_overdue': '标记督办逾期未报告',
    'case.reporter_phoned': '已电话告知反映人',
    'case.attachment_added': '上传附件',
    'case.attachment_withdrawn': '撤回附件',
    'case.knowledge_linked': '引用知识',
    'case.knowledge_unlinked': '取消引用知识',
  } satisfies Record<`case.${SystemEventType}`, string>),
};

export const AUDIT_ENTITY_LABELS: Record<string, string> = {
  case: '反映件',
  cases: '反映件（批量）',
  user: '用户',
  department: '部门',
  settings: '系统设置',
  calendar: '节假日日历',
  ledger: '台账',
  notification_template: '消息模板',
  outbox: '消息投递',
  package: '一件事一次办',
  typical_case: '典型案例',
  knowledge: '知识条目',
  api_key: '接口密钥',
};

export function auditActionLabel(action: string): string {
  const known = AUDIT_ACTION_LABELS[action];
  if (known) return known;
  if (action.startsWith('case.')) {
    const a = action.slice('case.'.length);
    if (isCaseAction(a)) return ACTION_RULES[a].label;
  }
  return action;
}

export function auditEntityLabel(entityType: string): string {
  return AUDIT_ENTITY_LABELS[entityType] ?? entityType;
}

/** Every action code with its label, for a filter: the fixed ones, then one per case action. */
export function auditActionOptions(): Array<{ value: string; label: string }> {
  const fixed = Object.entries(AUDIT_ACTION_LABELS).map(([value, label]) => ({ value, label }));
  const caseActions = Object.entries(ACTION_RULES).map(([a, r]) => ({ value: `case.${a}`, label: `${r.label}（反映件）` }));
  return [...fixed, ...caseActions];
}
