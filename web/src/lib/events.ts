/** Timeline events in words: what happened, and the details worth reading. */
import { timelineEventLabel, type TimelineEventType } from '../../../core/timeline-events';
import {
  CALLBACK_ATTEMPT_OUTCOME_LABELS,
  CHANNEL_LABELS,
  MEASURE_LABELS,
  PROBLEM_TYPE_LABELS,
  RATING_ASPECTS,
  RATING_ASPECT_LABELS,
  RATING_LABELS,
  REJECT_CATEGORY_LABELS,
  REPLY_CHANNEL_LABELS,
  STATUS_LABELS,
  VERIFY_OUTCOME_LABELS,
  type CallbackAttemptOutcome,
  type CaseStatus,
  type Channel,
  type MeasureType,
  type ProblemType,
  type Rating,
  type RejectCategory,
  type ReplyChannel,
  type VerifyOutcome,
} from '../../../core/domain';
import type { TimelineEntry } from '../api/types';
import { formatDateTime } from './time';
import { measureEventLabel } from '../../../core/measures';
import { STAGE_LABELS, type Stage } from '../../../core/clocks';

/** Events written by the system rather than a person's action (shown in grey / red on the timeline). */
export const SYSTEM_EVENTS: ReadonlySet<string> = new Set<TimelineEventType>(['due_soon', 'overdue', 'measure_due_soon', 'measure_overdue', 'deadline_recomputed', 'supervision_overdue']);

/** The colour of an event's dot on the timeline. */
export function eventColor(e: TimelineEntry): string {
  const type = e.type as TimelineEventType;
  if (type === 'overdue' || type === 'measure_overdue' || type === 'supervision_overdue' || (type === 'callback' && e.data.badReview)) return 'red';
  if (type === 'due_soon' || type === 'measure_due_soon') return 'orange';
  if (SYSTEM_EVENTS.has(type) || type === 'import') return 'gray';
  if (type === 'complete' || type === 'resolve-on-spot') return 'green';
  return 'blue';
}

/** The event's name (core/timeline-events.ts); an unknown type as it is. A measure's reminder names a 容缺 promise as such. */
export function eventTitle(type: string, data?: Record<string, unknown>): string {
  if ((type === 'measure_due_soon' || type === 'measure_overdue') && data) return measureEventLabel(type, typeof data.measureType === 'string' ? data.measureType : undefined);
  return timelineEventLabel(type);
}

/** What the fields of a 更正 are called. */
export const CORRECTED_FIELD_LABELS: Record<string, string> = {
  'reporter.name': '反映人姓名',
  'reporter.phone': '联系电话',
  'reporter.kind': '反映人类型',
  'reporter.orgName': '企业名称',
  'reporter.orgCode': '统一社会信用代码',
  matter: '事项名称',
  description: '诉求',
  reason: '办不成原因',
  channel: '反映渠道',
};
const REPORTER_KIND_LABELS: Record<string, string> = { person: '个人（群众）', enterprise: '企业' };

/** A corrected value in words (channels and reporter kinds by their labels; blank as （空）). */
function correctedValue(field: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return '（空）';
  const s = String(v);
  if (field === 'channel') return CHANNEL_LABELS[s as Channel] ?? s;
  if (field === 'reporter.kind') return REPORTER_KIND_LABELS[s] ?? s;
  return s;
}

const LEVEL_WORDS: Record<number, string> = { 1: '一级', 2: '二级', 3: '三级' };

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);

/** Lines describing the event's data in Chinese. */
export function eventLines(e: TimelineEntry, deptName: (code: string) => string, measureName?: (id: number) => string | null): string[] {
  const d = e.data ?? {};
  const lines: string[] = [];
  const depts = (v: unknown) => (Array.isArray(v) ? v.map((c) => deptName(String(c))).join('、') : '');
  // Typed so that a case for a type the server does not write does not compile.
  switch (e.type as TimelineEventType) {
    case 'intake':
      if (str(d.caseNo)) lines.push(`编号 ${d.caseNo}`);
      if (str(d.channel)) lines.push(`渠道：${CHANNEL_LABELS[d.channel as Channel] ?? d.channel}`);
      if (depts(d.departmentCodes)) lines.push(`涉及部门：${depts(d.departmentCodes)}`);
      break;
    case 'resolve-on-spot':
    case 'complete':
      if (str(d.result)) lines.push(`办理结果：${d.result}`);
      if (str(d.repliedVia)) lines.push(`答复方式：${REPLY_CHANNEL_LABELS[d.repliedVia as ReplyChannel] ?? d.repliedVia}`);
      if (d.onTime === false) lines.push('超过办理时限办结');
      break;
    case 'reject':
      if (str(d.reasonCategory)) lines.push(`原因：${REJECT_CATEGORY_LABELS[d.reasonCategory as RejectCategory] ?? d.reasonCategory}`);
      if (str(d.explanation)) lines.push(`说明：${d.explanation}`);
      break;
    case 'accept':
    case 'change-problem-type':
      if (str(d.problemType)) lines.push(`问题类型：${PROBLEM_TYPE_LABELS[d.problemType as ProblemType] ?? d.problemType}`);
      break;
    case 'dispatch':
    case 'approve-escalation':
      if (typeof d.level === 'number') lines.push(`${d.level === 2 ? '二级' : '一级'}交办`);
      if (e.type === 'approve-escalation') lines.push('三级调度（一事一议）');
      if (str(d.leadDepartment)) lines.push(`牵头部门：${deptName(String(d.leadDepartment))}`);
      if (depts(d.coDepartments)) lines.push(`协办部门：${depts(d.coDepartments)}`);
      if (str(d.dueAt)) lines.push(`办理时限：${formatDateTime(String(d.dueAt))}${d.provisional ? '（临时）' : ''}`);
      if (str(d.assignmentNo)) lines.push(`交办单：${d.assignmentNo}`);
      if (d.meeting && typeof d.meeting === 'object') {
        const m = d.meeting as Record<string, unknown>;
        lines.push(`工作组会商：${formatDateTime(str(m.heldAt) ? String(m.heldAt) : null)}，召集人${str(m.convenor) ? String(m.convenor) : '—'}`);
        if (str(m.decision)) lines.push(`会商意见：${m.decision}`);
      }
      break;
    case 'request-escalation':
    case 'deny-escalation':
      if (str(d.reason)) lines.push(`理由：${d.reason}`);
      if (str(d.backTo)) lines.push(`退回：${STATUS_LABELS[d.backTo as CaseStatus] ?? d.backTo}`);
      break;
    case 'callback':
      lines.push(
        RATING_ASPECTS.map((a) => `${RATING_ASPECT_LABELS[a]}${RATING_LABELS[d[a] as Rating] ?? '—'}`).join('，'),
      );
      if (d.badReview) lines.push('差评，转入核查督办');
      if (str(d.comment)) lines.push(`意见：${d.comment}`);
      break;
    case 'verify':
      lines.push(`差评${d.substantiated ? '属实' : '不实'}，${VERIFY_OUTCOME_LABELS[d.outcome as VerifyOutcome] ?? ''}`);
      if (str(d.rectifyDueAt)) lines.push(`整改时限：${formatDateTime(String(d.rectifyDueAt))}`);
      break;
    case 'add-measure':
      if (str(d.type)) lines.push(`措施：${MEASURE_LABELS[d.type as MeasureType] ?? d.type}`);
      if (str(d.staff)) lines.push(`经办人员：${d.staff}`);
      if (str(d.dueAt)) lines.push(`期限：${formatDateTime(String(d.dueAt))}`);
      break;
    case 'request-extension':
      if (str(d.dueAt)) lines.push(`申请延至：${formatDateTime(String(d.dueAt))}`);
      if (str(d.reason)) lines.push(`理由：${d.reason}`);
      break;
    case 'approve-extension':
      if (str(d.to)) lines.push(`时限延至：${formatDateTime(String(d.to))}`);
      break;
    case 'deny-extension':
      if (str(d.reason)) lines.push(`理由：${d.reason}`);
      break;
    case 'supervise':
      if (str(d.recordNo)) lines.push(`督办单：${d.recordNo}`);
      if (str(d.dueAt)) lines.push(`督办时限：${formatDateTime(String(d.dueAt))}`);
      break;
    case 'circulate':
      if (str(d.department)) lines.push(`被通报部门：${deptName(String(d.department))}`);
      if (str(d.summary)) lines.push(`通报内容：${d.summary}`);
      break;
    case 'refer-discipline':
      if (str(d.handedOver)) lines.push(`移送材料：${d.handedOver}`);
      if (str(d.recordNo)) lines.push(`移送编号：${d.recordNo}`);
      break;
    case 'report-supervision':
      if (Array.isArray(d.recordNos) && d.recordNos.length) lines.push(`答复督办：${d.recordNos.join('、')}`);
      if (str(d.report)) lines.push(`落实情况：${d.report}`);
      break;
    case 'record-discipline-result':
      if (str(d.referralNo)) lines.push(`线索移送：${d.referralNo}`);
      if (str(d.result)) lines.push(`处理结果：${d.result}`);
      break;
    case 'supervision_overdue':
      if (str(d.recordNo)) lines.push(`督办单：${d.recordNo}`);
      if (str(d.dueAt)) lines.push(`督办时限：${formatDateTime(String(d.dueAt))}，逾期未报告`);
      break;
    case 'contest':
      if (str(d.department)) lines.push(`异议部门：${deptName(String(d.department))}`);
      if (str(d.reason)) lines.push(`异议理由：${d.reason}`);
      if (str(d.suggestedDepartment)) lines.push(`建议改派至：${deptName(String(d.suggestedDepartment))}`);
      break;
    case 'uphold-dispatch':
      if (str(d.department)) lines.push(`${deptName(String(d.department))}的派单异议不予采纳`);
      if (str(d.reason)) lines.push(`理由：${d.reason}`);
      break;
    case 'redispatch': {
      const from = (d.from ?? {}) as Record<string, unknown>;
      if (d.contest === 'upheld') lines.push(`采纳${str(d.contestDepartment) ? deptName(String(d.contestDepartment)) : ''}的派单异议`);
      if (str(from.leadDepartment)) lines.push(`原牵头部门：${deptName(String(from.leadDepartment))}${depts(from.coDepartments) ? `（协办：${depts(from.coDepartments)}）` : ''}`);
      if (str(d.leadDepartment))
        lines.push(`改派${typeof d.level === 'number' ? LEVEL_WORDS[d.level] ?? '' : ''}交办，牵头部门：${deptName(String(d.leadDepartment))}`);
      if (depts(d.coDepartments)) lines.push(`协办部门：${depts(d.coDepartments)}`);
      if (str(d.reason)) lines.push(`理由：${d.reason}`);
      if (str(d.dueAt)) lines.push(`新办理时限：${formatDateTime(String(d.dueAt))}${d.provisional ? '（临时）' : ''}`);
      if (str(d.assignmentNo)) lines.push(`交办单：${d.assignmentNo}`);
      break;
    }
    case 'co-reply':
      if (str(d.department)) lines.push(`协办部门：${deptName(String(d.department))}`);
      if (str(d.opinion)) lines.push(`协办意见：${d.opinion}`);
      break;
    case 'correct': {
      const fields = Array.isArray(d.fields) ? (d.fields as Array<{ field?: unknown; before?: unknown; after?: unknown }>) : [];
      for (const f of fields) {
        const field = String(f.field ?? '');
        lines.push(`${CORRECTED_FIELD_LABELS[field] ?? field}：${correctedValue(field, f.before)} → ${correctedValue(field, f.after)}`);
      }
      if (str(d.note)) lines.push(`更正说明：${d.note}`);
      break;
    }
    case 'reopen':
      lines.push(d.from === 'closed' ? '已归档的反映件重办，回到办理中' : '撤销不予受理，重新受理');
      if (str(d.leadDepartment)) lines.push(`牵头部门：${deptName(String(d.leadDepartment))}`);
      if (str(d.dueAt)) lines.push(`新办理时限：${formatDateTime(String(d.dueAt))}`);
      if (str(d.reason)) lines.push(`理由：${d.reason}`);
      break;
    case 'merge':
      lines.push(`并入主件 ${str(d.intoCaseNo) ? d.intoCaseNo : `#${String(d.into ?? '')}`}`);
      break;
    case 'callback-attempt':
      lines.push(
        `第 ${typeof d.attempt === 'number' ? d.attempt : '?'} 次回访：${CALLBACK_ATTEMPT_OUTCOME_LABELS[d.outcome as CallbackAttemptOutcome] ?? d.outcome ?? ''}`,
      );
      break;
    case 'close-unreachable':
      if (typeof d.attempts === 'number') lines.push(`回访 ${d.attempts} 次均未接通，按无法回访办结（不计入满意度）`);
      if (str(d.note)) lines.push(`说明：${d.note}`);
      break;
    case 'fulfil-measure': {
      const name = typeof d.measureId === 'number' ? measureName?.(d.measureId) : null;
      if (name) lines.push(`措施：${name}`);
      if (str(d.note)) lines.push(`完成情况：${d.note}`);
      break;
    }
    case 'withdraw-measure': {
      const name = typeof d.measureId === 'number' ? measureName?.(d.measureId) : null;
      if (name) lines.push(`措施：${name}`);
      if (str(d.reason)) lines.push(`撤回理由：${d.reason}`);
      break;
    }
    case 'deadline_recomputed':
      if (typeof d.year === 'number') lines.push(`${d.year} 年节假日安排已录入`);
      if (str(d.from)) lines.push(`原时限：${formatDateTime(String(d.from))}`);
      if (str(d.to)) lines.push(`新时限：${formatDateTime(String(d.to))}${d.provisional ? '（临时）' : ''}`);
      break;
    case 'import': {
      if (str(d.fileName)) lines.push(`导入文件：${d.fileName}${str(d.sheet) ? `（${d.sheet}` : ''}${typeof d.row === 'number' ? `${str(d.sheet) ? '，' : '（'}第 ${d.row} 行）` : str(d.sheet) ? '）' : ''}`);
      const h = (d.history ?? {}) as Record<string, unknown>;
      if (str(h.receivedAt)) lines.push(`原台账受理：${formatDateTime(String(h.receivedAt))}`);
      if (str(h.assignedAt)) lines.push(`原台账交办：${formatDateTime(String(h.assignedAt))}`);
      if (str(h.dueAt)) lines.push(`原台账时限：${formatDateTime(String(h.dueAt))}`);
      if (str(h.completedAt)) lines.push(`原台账办结：${formatDateTime(String(h.completedAt))}`);
      if (str(d.status)) lines.push(`导入时状态：${STATUS_LABELS[d.status as CaseStatus] ?? d.status}`);
      break;
    }
    case 'due_soon':
    case 'overdue':
      if (str(d.dueAt)) lines.push(`办理时限：${formatDateTime(String(d.dueAt))}`);
      break;
    case 'stage_overdue': {
      const stage = STAGE_LABELS[d.stage as Stage];
      if (str(d.dueAt)) lines.push(`${stage ?? '环节'}时限：${formatDateTime(String(d.dueAt))}`);
      break;
    }
    case 'measure_due_soon':
    case 'measure_overdue':
      if (str(d.measureType)) lines.push(`措施：${MEASURE_LABELS[d.measureType as MeasureType] ?? d.measureType}`);
      if (str(d.dueAt)) lines.push(`${d.measureType === 'tolerance_acceptance' ? '承诺补交期限' : '措施时限'}：${formatDateTime(String(d.dueAt))}`);
      break;
    default:
      break;
  }
  const noteLabel = e.type === 'supervise' ? '督办要求' : e.type.startsWith('measure_') ? '措施说明' : '意见';
  // 更正, 无法回访办结 and 措施完成 have written their note above under its own name.
  const noteShown = e.type === 'correct' || e.type === 'close-unreachable' || e.type === 'fulfil-measure';
  if (str(d.note) && !noteShown) lines.push(`${noteLabel}：${d.note}`);
  return lines;
}
