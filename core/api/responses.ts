/**
 * Zod schemas of the API's answers: the one source of their shapes. They generate the OpenAPI
 * document; they type what the handlers return (route() in server/http.ts types each handler's
 * answer by its `response`, and the case presenters return z.output of ZCase / ZCaseSummary); the
 * web app's answer types (web/src/api/types.ts) are inferred from them; and server/openapi.test.ts
 * holds a real answer of every documented route against them. The server never validates or strips
 * a response with them at run time. Pure: zod and core files only (the web app compiles core/ too).
 */
import { STAFF_SMS_EVENTS } from '../staff-sms.js';
import { z } from 'zod';
import {
  CALLBACK_ATTEMPT_OUTCOMES,
  CASE_STATUSES,
  CHANNELS,
  MEASURE_TYPES,
  PROBLEM_TYPES,
  RATINGS,
  REJECT_CATEGORIES,
  REPLY_CHANNELS,
  REPORTER_KINDS,
  ROLES,
  VERIFY_OUTCOMES,
} from '../domain.js';
import { CASE_ACTIONS, type CaseAction } from '../case-lifecycle.js';
import type { MonthFigures, StatsFigures } from './stats.js';
import { SUPERVISION_KINDS } from '../supervision-register.js';
import { MEASURE_STATES } from '../measures.js';
import { ATTACHMENT_KINDS, ATTACHMENT_SOURCES, ATTACHMENT_TYPE_LIST, type AttachmentType } from '../attachments.js';

// ---------------------------------------------------------------------------------------------
// Building blocks

/** An instant written in Asia/Shanghai time, as the presenters give it: 2026-11-26T10:00:00+08:00. */
export const ZShanghaiTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/)
  .meta({ format: 'date-time', description: 'ISO 8601 时刻，北京时间（+08:00）', examples: ['2026-11-26T10:00:00+08:00'] });

/** An instant as stored (UTC, `Z`), for the few administrative records not shown to reporters. */
export const ZStoredInstant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/)
  .meta({ format: 'date-time', description: 'ISO 8601 时刻（UTC，以 Z 结尾）', examples: ['2026-11-26T02:00:00.000Z'] });

/** A calendar date (Asia/Shanghai). */
export const ZIsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .meta({ format: 'date', description: '日期 YYYY-MM-DD（北京时间）', examples: ['2026-11-26'] });

const count = (description: string) => z.number().int().min(0).describe(description);
/** A fraction in [0, 1], null when its denominator is 0. */
const rate = (description: string) => z.number().min(0).max(1).nullable().describe(description);

const ZLevel = z.union([z.literal(1), z.literal(2), z.literal(3)]).describe('调度级别：1 一级交办，2 二级交办（含协办），3 提级后由县工作组交办');
const ZCaseAction = z.enum(CASE_ACTIONS as [CaseAction, ...CaseAction[]]);

// ---------------------------------------------------------------------------------------------
// Errors (docs/CONTRACT.md §Errors)

/** Every error code the API answers with (server/errors.ts ERROR_CODES; http.ts checks they agree). */
export const API_ERROR_CODES = [
  'VALIDATION',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'VERSION_CONFLICT',
  'INVALID_TRANSITION',
  'IDEMPOTENCY_MISMATCH',
  'CONFLICT',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'INTERNAL',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** One entry of a 400's `details`: the field at fault. */
export const ZFieldIssue = z.object({
  field: z.string().describe('字段路径，如 reporter.phone；请求体整体有误时为 (body)'),
  message: z.string().describe('中文说明'),
});

/** One entry of a refused ledger import's `details` (POST /ledger/import). */
export const ZImportIssue = z.object({
  row: z.number().int().nullable().describe('Excel 行号；整个文件的问题为 null'),
  column: z.string().nullable().describe('列标题；整个文件或整行的问题为 null'),
  cell: z.string().nullable().describe('单元格地址，如 F7'),
  message: z.string().describe('中文说明'),
});

/** The error envelope `{"error":{"code","message","details"?}}`, optionally narrowed to some codes. */
export function errorResponse(...codes: ApiErrorCode[]) {
  const list = (codes.length ? codes : [...API_ERROR_CODES]) as [ApiErrorCode, ...ApiErrorCode[]];
  const base = { code: z.enum(list).describe('错误代码'), message: z.string().describe('中文说明') };
  // Only a 400 VALIDATION carries details.
  return list.includes('VALIDATION')
    ? z.object({
        error: z.object({
          ...base,
          details: z
            .array(z.union([ZFieldIssue, ZImportIssue]))
            .optional()
            .describe('VALIDATION：出错的字段 [{field, message}]；台账导入为逐行报告 [{row, column, cell, message}]'),
        }),
      })
    : z.object({ error: z.object(base) });
}
export const ZErrorResponse = errorResponse();

// ---------------------------------------------------------------------------------------------
// Health, OpenAPI, auth

export const ZHealth = z.object({
  status: z.literal('ok'),
  database: z.enum(['sqlite', 'postgres']).describe('所用数据库'),
});

export const ZOpenApiDocument = z.looseObject({
  openapi: z.string().describe('OpenAPI 版本（3.1.x）'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

export const ZSessionUser = z.object({
  username: z.string(),
  name: z.string().describe('姓名'),
  role: z.enum(ROLES),
  roleLabel: z.string().describe('角色中文名'),
  department: z.string().nullable().describe('所属部门代码（承办部门用户）；县级角色为 null'),
  intakeChannel: z.enum(CHANNELS).nullable().describe('本账号登记时默认的反映渠道（如热线坐席为 hotline）；null 时按角色默认（受理员为窗口，其余为热线）'),
});

export const ZLoginResponse = z.object({
  token: z.string().describe('Bearer 令牌'),
  csrfToken: z.string().describe('用 Cookie 认证的写操作须在 X-CSRF-Token 头中带上此值'),
  expiresAt: ZStoredInstant.describe('无操作时会话的到期时刻（每次请求顺延）'),
  user: ZSessionUser,
  mustChangePassword: z.boolean().describe('须先修改密码（管理员设置或重置的密码、密码已过期）：此前除 POST /auth/password 外的调用均为 403'),
  totpSetupRequired: z.boolean().describe('本角色须使用动态口令而尚未设置：此前除 /auth/totp/setup、/auth/totp/enable 外的调用均为 403'),
});

export const ZMeResponse = z.object({
  user: ZSessionUser,
  csrfToken: z.string().describe('X-CSRF-Token 头的值'),
  mustChangePassword: z.boolean().describe('须先修改密码'),
  totpSetupRequired: z.boolean().describe('须先设置动态口令'),
  totpEnabled: z.boolean().describe('本账号已启用动态口令'),
});

export const ZTotpSetup = z.object({
  secret: z.string().describe('密钥（Base32，RFC 4648），与 otpauthUrl 中的 secret 相同'),
  otpauthUrl: z.string().describe('otpauth://totp/… 地址，生成二维码供手机验证器扫描'),
});
export const ZTotpEnabled = z.object({
  enabled: z.literal(true),
  recoveryCodes: z.array(z.string()).describe('恢复码：仅此一次显示，每个可代替动态口令登录一次；系统只保存其哈希'),
});

export const ZOkResponse = z.object({ ok: z.literal(true) });

// ---------------------------------------------------------------------------------------------
// Cases

const deadlineFields = {
  dueAt: ZShanghaiTime.nullable().describe('办理时限（+08:00）；交办前为 null'),
  dueProvisional: z.boolean().describe('时限是临时的：所跨年份的节假日安排尚未录入'),
  overdue: z.boolean().describe('已超期：未办结且时限已过'),
  dueSoon: z.boolean().describe('即将到期：时限未过，且不晚于今日起第 N 个工作日结束（N 为系统设置 dueSoonWorkingDays）'),
  workingDaysLeft: z
    .number()
    .int()
    .nullable()
    .describe('距时限的工作日数（当天为 0，超期为负）；不计时（未交办、已办结）时为 null'),
  stageDueAt: ZShanghaiTime.nullable().describe('当前环节的时限：受理（已登记、予以受理）、回访（已办结）、核查（核查督办中）各有时限，办理中为 dueAt；终结状态为 null'),
  stageOverdue: z.boolean().describe('当前环节已超时'),
};

/** The fields a case has in the list and in full alike. */
/** A ticket of another system (12345, 群工系统…). */
export const ZExternalRef = z.object({
  system: z.string().describe('外部系统，如 12345、mass_work'),
  id: z.string().describe('该系统的工单号'),
});

const CASE_HEAD = {
  id: z.number().int(),
  caseNo: z.string().describe('反映件编号'),
  channel: z.enum(CHANNELS).describe('反映渠道'),
  status: z.enum(CASE_STATUSES),
  statusLabel: z.string().describe('状态中文名'),
  level: ZLevel.nullable(),
  problemType: z.enum(PROBLEM_TYPES).nullable().describe('问题类型（受理时认定）'),
  leadDepartment: z.string().nullable().describe('牵头部门代码'),
  leadDepartmentName: z.string().nullable().describe('牵头部门名称'),
  coDepartments: z.array(z.string()).describe('协办部门代码'),
  externalRef: ZExternalRef.nullable().describe('外部工单（由 12345、群工系统等推送登记时带来）；无则为 null'),
};

export const ZCaseSummary = z.object({
  ...CASE_HEAD,
  reporter: z.object({
    name: z.string(),
    phone: z.string().describe('脱敏的电话号码，如 138****0000'),
    kind: z.enum(REPORTER_KINDS),
    orgName: z.string().nullable().describe('企业名称'),
  }),
  matter: z.string().describe('事项名称'),
  receivedAt: ZShanghaiTime.describe('登记时刻'),
  ...deadlineFields,
  completedAt: ZShanghaiTime.nullable().describe('最近一次办结时刻'),
  extended: z.boolean().describe('时限至少延长过一次'),
  pendingExtension: z.boolean().describe('有待审批的延期申请'),
  pendingContest: z.boolean().describe('有待处理的派单异议'),
  mergedInto: z.number().int().nullable().describe('已并入的主件 id（已并件时）'),
  version: z.number().int().describe('版本号：操作时原样带回'),
});

export const ZCasePage = z.object({
  items: z.array(ZCaseSummary),
  nextCursor: z.string().nullable().describe('下一页的 cursor；没有更多时为 null'),
});

export const ZTimelineEvent = z.object({
  type: z.string().describe('事件类型：intake（登记）、各操作名、deadline_recomputed、due_soon、overdue 等'),
  at: ZShanghaiTime,
  by: z.string().describe('操作人用户名（系统为 system，网上平台为 public）'),
  byName: z.string(),
  byRole: z.string().describe('操作人角色（系统为 system）'),
  data: z.record(z.string(), z.unknown()).describe('事件内容（随类型而定）'),
});

export const ZMeasure = z.object({
  id: z.number().int(),
  type: z.enum(MEASURE_TYPES).describe('措施类型'),
  note: z.string().nullable(),
  dueAt: ZShanghaiTime.nullable().describe('承诺或措施时限（如容缺受理的补齐时限）'),
  staff: z.string().nullable().describe('经办人员'),
  by: z.string(),
  at: ZShanghaiTime,
  remindedAt: ZShanghaiTime.nullable().describe('措施时限到期前提醒的时刻'),
  missedAt: ZShanghaiTime.nullable().describe('提醒任务标记逾期的时刻'),
  state: z.enum(MEASURE_STATES).describe('措施状态：open 进行中，missed 已逾期，fulfilled 已完成（容缺受理：已补交），withdrawn 已撤回'),
  missed: z.boolean().describe('措施时限已过而尚未完成（已完成或已撤回的措施为 false）'),
  fulfilledAt: ZShanghaiTime.nullable().describe('措施完成（已补交）的时刻；完成后不再提醒'),
  fulfilledBy: z.string().nullable(),
  fulfilledNote: z.string().nullable().describe('完成情况'),
  withdrawnAt: ZShanghaiTime.nullable().describe('措施撤回的时刻（误录的措施）；撤回后不再提醒、不计逾期'),
  withdrawnBy: z.string().nullable(),
  withdrawnReason: z.string().nullable().describe('撤回理由'),
});

const rating = z.enum(RATINGS);
export const ZCallbackRecord = z.object({
  attitude: rating.describe('服务态度'),
  result: rating.describe('办理结果'),
  efficiency: rating.describe('办理效率'),
  integrity: rating.describe('廉洁勤政'),
  comment: z.string().nullable(),
  bad: z.boolean().describe('差评：任一项为不满意'),
  at: ZShanghaiTime,
  by: z.string(),
  source: z.enum(['phone', 'reporter']).describe('phone 县行管办电话回访；reporter 反映人通过评价链接自行评价'),
  imported: z.boolean().optional().describe('由台账导入（时刻取办结日期）'),
});

export const ZVerificationRecord = z.object({
  substantiated: z.boolean().describe('差评是否属实'),
  outcome: z.enum(VERIFY_OUTCOMES).describe('处理结果：rectify 限期整改、accountability 追责问责、none 无需处理'),
  note: z.string().nullable(),
  at: ZShanghaiTime,
  by: z.string(),
  imported: z.boolean().optional().describe('由台账导入'),
});

export const ZAssignmentSheetRecord = z.object({
  sheetNo: z.string().describe('交办单编号，如 〔2026〕第12号'),
  level: ZLevel,
  leadDepartment: z.string(),
  coDepartments: z.array(z.string()),
  dueAt: ZShanghaiTime,
  issuedAt: ZShanghaiTime,
  issuedBy: z.string(),
});

export const ZSupervisionRecord = z.object({
  kind: z.enum(['supervise', 'circulate', 'referral']).describe('supervise 督办单、circulate 通报、referral 问题线索移送'),
  recordNo: z.string().describe('文书编号'),
  department: z.string().nullable().describe('所涉部门代码'),
  dueAt: ZShanghaiTime.nullable().describe('督办时限'),
  text: z.string(),
  by: z.string(),
  at: ZShanghaiTime,
  report: z.string().nullable().describe('督办情况报告（牵头部门；未报告为 null）'),
  reportedAt: ZShanghaiTime.nullable().describe('报告时刻'),
  reportedBy: z.string().nullable().describe('报告人用户名'),
  overdue: z.boolean().describe('督办逾期：督办时限已过仍未报告，或逾期后才报告（非督办为 false）'),
  result: z.string().nullable().describe('线索处理结果（县纪委监委；仅线索移送）'),
  resultAt: ZShanghaiTime.nullable().describe('线索处理结果记录时刻'),
});

/** The 会商 of the 工作组 recorded with an approved escalation. */
export const ZMeeting = z.object({
  heldAt: ZShanghaiTime.describe('会商时间'),
  convenor: z.string().describe('召集人（组长，或受委托的副组长）'),
  attendees: z.array(z.object({ department: z.string().describe('参会单位'), people: z.string().describe('参会人员') })),
  decision: z.string().describe('会商意见'),
  by: z.string().describe('记录人用户名'),
  at: ZShanghaiTime.describe('记录时刻'),
});

/** A file of a case (附件; GET /cases/{id}/attachments, and the case's `attachments`). */
export const ZAttachment = z
  .object({
    id: z.number().int(),
    caseId: z.number().int(),
    kind: z.enum(ATTACHMENT_KINDS).describe('用途：evidence 佐证材料、promise 容缺书面承诺、result 办理结果、verification 核查材料、other 其他'),
    name: z.string().describe('原文件名（保留中文）'),
    size: z.number().int().describe('字节数'),
    mime: z.string().describe('按内容识别的媒体类型'),
    type: z.enum(ATTACHMENT_TYPE_LIST as [AttachmentType, ...AttachmentType[]]).describe('按内容识别的类型：pdf、ofd、jpg、png、docx、xlsx、doc、xls'),
    sm3: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .meta({ examples: ['66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0'] })
      .describe('文件内容的 SM3（64 位小写十六进制），同时记入审计记录'),
    note: z.string().nullable().describe('说明'),
    source: z.enum(ATTACHMENT_SOURCES).describe('来源：staff 工作人员、public 网上反映（仅工作人员可见）'),
    uploadedBy: z.string().describe('上传人用户名（网上反映为 public）'),
    uploadedByName: z.string(),
    uploadedAt: ZShanghaiTime,
    withdrawn: z.boolean().describe('已撤回（误传；仍存档，默认列表不显示）'),
    withdrawnAt: ZShanghaiTime.nullable(),
    withdrawnBy: z.string().nullable(),
    withdrawnReason: z.string().nullable().describe('撤回原因'),
    url: z.string().describe('下载地址（GET，返回原文件，Content-Disposition 带原文件名）'),
  })
  .meta({ title: 'Attachment' });

export const ZAttachmentList = z.object({ items: z.array(ZAttachment) });

/** The form of an upload (POST /cases/{id}/attachments, multipart/form-data). */
export const ZAttachmentUploadForm = z.object({
  file: z.file().describe('文件（按内容识别类型：PDF、OFD、JPEG、PNG、DOCX、XLSX、DOC、XLS；不超过 attachmentMaxBytes，默认 20 MB）'),
  kind: z.enum(ATTACHMENT_KINDS).describe('用途'),
  note: z.string().max(500).optional().describe('说明'),
});

/** The form of a multipart intake (POST /cases, POST /public/cases). */
export const ZIntakeForm = z.object({
  case: z.string().describe('登记内容（JSON，与 application/json 请求体相同）'),
  file: z.array(z.file()).optional().describe('附件（可多个，字段名均为 file；网上反映至多 3 个，仅限图片与 PDF）'),
});

/**
 * A case in full (GET /cases/{id}, and the answer of intake and of every action). Its `title` makes
 * it one named component of the OpenAPI document instead of a copy in every answer.
 */
export const ZCase = z.object({
  ...CASE_HEAD,
  coDepartmentNames: z.array(z.string()).describe('协办部门名称（顺序同 coDepartments）'),
  departmentCodes: z.array(z.string()).describe('登记时所涉部门代码'),
  reporter: z.object({
    name: z.string(),
    phone: z.string().describe('完整电话号码（详情不脱敏）'),
    kind: z.enum(REPORTER_KINDS),
    orgName: z.string().nullable().describe('企业名称'),
    orgCode: z.string().nullable().describe('统一社会信用代码'),
  }),
  matter: z.string().describe('事项名称'),
  matterCode: z.string().nullable().describe('事项目录中的事项编码（登记时未选时为 null）'),
  description: z.string().describe('诉求'),
  reason: z.string().nullable().describe('办不成原因'),
  receivedAt: ZShanghaiTime.describe('登记时刻'),
  createdBy: z.string().describe('登记人用户名'),
  ...deadlineFields,
  assignmentNo: z.string().nullable().describe('最新交办单编号'),
  escalatedFrom: z.enum(CASE_STATUSES).nullable().describe('提级申请前的状态（不予提级时回到该状态）'),
  resolvedOnSpot: z.boolean().describe('当场办结'),
  firstCompletedAt: ZShanghaiTime.nullable().describe('首次办结时刻'),
  firstCompletedOnTime: z.boolean().nullable().describe('首次办结是否在时限内'),
  completedAt: ZShanghaiTime.nullable().describe('最近一次办结时刻'),
  closedAt: ZShanghaiTime.nullable().describe('归档时刻'),
  result: z.string().nullable().describe('办理结果'),
  repliedVia: z.enum(REPLY_CHANNELS).nullable().describe('答复方式'),
  rejection: z
    .object({ reasonCategory: z.enum(REJECT_CATEGORIES), explanation: z.string().nullable() })
    .nullable()
    .describe('不予受理的原因类别与说明'),
  callback: ZCallbackRecord.nullable().describe('最近一次回访'),
  callbackCount: count('回访次数'),
  verification: ZVerificationRecord.nullable().describe('最近一次差评核查'),
  version: z.number().int().describe('版本号：操作时原样带回'),
  updatedAt: ZShanghaiTime,
  events: z.array(ZTimelineEvent).describe('时间线（最早在前），第一条为登记'),
  measures: z.array(ZMeasure).describe('办理措施'),
  attachments: z.array(ZAttachment).describe('附件（未撤回的；撤回的见 GET /cases/{id}/attachments?includeWithdrawn=true）'),
  knowledge: z.array(z.object({ id: z.number().int(), title: z.string() })).describe('引用的知识条目（POST /cases/{id}/knowledge）'),
  assignmentSheets: z.array(ZAssignmentSheetRecord).describe('历次交办单'),
  pendingExtension: z
    .object({ dueAt: ZShanghaiTime.describe('申请延至'), reason: z.string(), by: z.string(), at: ZShanghaiTime })
    .nullable()
    .describe('待审批的延期申请'),
  extensionCount: count('已批准的延期次数'),
  extended: z.boolean().describe('时限至少延长过一次'),
  supervisionRecords: z.array(ZSupervisionRecord).describe('督办单、通报与问题线索移送记录'),
  meetings: z.array(ZMeeting).describe('工作组会商纪要（批准提级时记录）'),
  circulationRequired: z.boolean().describe('须通报：不给办（misconduct）或差评属实'),
  circulated: z.boolean().describe('已通报'),
  circulationPending: z.boolean().describe('待通报：须通报、尚未通报，且当前状态仍可通报'),
  pendingContest: z
    .object({ department: z.string(), reason: z.string(), suggestedDepartment: z.string().nullable(), by: z.string(), at: ZShanghaiTime })
    .nullable()
    .describe('待县行管办处理的派单异议'),
  coParts: z
    .array(z.object({ department: z.string(), departmentName: z.string(), opinion: z.string().nullable(), by: z.string().nullable(), at: ZShanghaiTime.nullable() }))
    .describe('各协办部门的协办意见（未提交为 null）'),
  callbackAttempts: z
    .array(z.object({ outcome: z.enum(CALLBACK_ATTEMPT_OUTCOMES), note: z.string().nullable(), at: ZShanghaiTime, by: z.string() }))
    .describe('回访未接通记录'),
  closedUnreachable: z.boolean().describe('因多次回访未接通而办结（不计入满意度）'),
  mergedInto: z.object({ id: z.number().int(), caseNo: z.string() }).nullable().describe('已并入的主件'),
  mergedCases: z.array(z.object({ id: z.number().int(), caseNo: z.string() })).describe('并入本件的反映件'),
  reopenCount: count('重办次数'),
  allowedActions: z.array(ZCaseAction).describe('调用者此刻可执行的操作'),
}).meta({ title: 'Case', description: '反映件（详情）' });

// ---------------------------------------------------------------------------------------------
// Workbench

export const ZTodo = z.object({
  items: z.array(
    z.object({
      kind: z.string().describe('待办类别，如 to_triage、to_dispatch、to_sign'),
      label: z.string().describe('类别中文名'),
      count: count('件数'),
      query: z.string().describe('列出这些反映件的台账查询条件（GET /cases 的查询串）'),
    }),
  ),
  overdue: count('超期件数'),
  overdueQuery: z.string().describe('列出超期件的查询串'),
  dueSoon: count('即将到期件数'),
  dueSoonWorkingDays: count('“即将到期”的工作日数（系统设置）'),
});

/** GET /callbacks: the 回访工作台's queue (full phones: the answer is audited). */
export const ZCallbackDesk = z.object({
  items: z.array(
    z.object({
      id: z.number().int(),
      caseNo: z.string(),
      version: z.number().int().describe('版本号：回访、记录未接通时原样带回'),
      channel: z.enum(CHANNELS),
      matter: z.string().describe('事项名称'),
      description: z.string().describe('诉求'),
      reporter: z.object({
        name: z.string(),
        phone: z.string().describe('完整电话号码（供回访拨打；本次查看记入审计）'),
        phoneMasked: z.string().describe('脱敏的电话号码'),
        kind: z.enum(REPORTER_KINDS),
        orgName: z.string().nullable(),
      }),
      leadDepartment: z.string().nullable(),
      leadDepartmentName: z.string().nullable(),
      result: z.string().nullable().describe('办理结果'),
      repliedVia: z.enum(REPLY_CHANNELS).nullable().describe('答复方式'),
      completedAt: ZShanghaiTime.nullable().describe('办结时刻'),
      stageDueAt: ZShanghaiTime.nullable().describe('回访时限'),
      stageOverdue: z.boolean().describe('已超过回访时限'),
      callbackAttempts: z
        .array(z.object({ outcome: z.enum(CALLBACK_ATTEMPT_OUTCOMES), note: z.string().nullable(), at: ZShanghaiTime, by: z.string() }))
        .describe('此前的回访未接通记录'),
    }),
  ),
  total: z.number().int().describe('待回访的总件数'),
  nextCursor: z.string().nullable(),
});

export const ZActivity = z.object({
  items: z.array(
    z.object({
      caseId: z.number().int(),
      caseNo: z.string(),
      matter: z.string(),
      type: z.string().describe('事件类型'),
      at: ZShanghaiTime,
      by: z.string(),
      byName: z.string(),
    }),
  ),
});

// ---------------------------------------------------------------------------------------------
// Administration: departments, users, settings

export const ZDepartment = z.object({
  code: z.string().describe('部门代码'),
  name: z.string(),
  disabled: z.boolean().describe('已停用'),
});
export const ZDepartmentList = z.object({ items: z.array(ZDepartment) });

export const ZUser = z.object({
  id: z.number().int(),
  username: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  roleLabel: z.string().describe('角色中文名'),
  department: z.string().nullable().describe('所属部门代码'),
  disabled: z.boolean().describe('已停用'),
  locked: z.boolean().describe('因连续输错密码暂时锁定'),
  createdAt: ZStoredInstant,
  intakeChannel: z.enum(CHANNELS).nullable().describe('登记时默认的反映渠道；null 时按角色默认'),
  mobileMasked: z.string().nullable().describe('手机号码（脱敏，如 138****1234）；未登记时为 null'),
  mustChangePassword: z.boolean().describe('下次登录须修改密码（管理员设置或重置了密码）'),
  totpEnabled: z.boolean().describe('已启用动态口令'),
});
export const ZUserList = z.object({ items: z.array(ZUser) });

/** A user's own settings (个人设置): GET/PUT /api/v1/me/settings. */
export const ZMySettings = z.object({
  mobile: z.string().nullable().describe('本人手机号码（仅本人可见全号）；未登记时为 null'),
  mobileMasked: z.string().nullable().describe('手机号码（脱敏）'),
  smsEvents: z.array(z.enum(STAFF_SMS_EVENTS)).describe('选择接收短信提醒的事项（站内消息始终发送）'),
  availableSmsEvents: z
    .array(z.object({ event: z.enum(STAFF_SMS_EVENTS), label: z.string(), byDefault: z.boolean() }))
    .describe('本角色可选的短信提醒事项；无手机号码时不发送短信'),
});

/** System settings (server/settings/settings.repository.ts ZSettings; the test checks they agree). */
export const ZSettingsResponse = z.object({
  levelDays: z.object({ 1: z.number().int(), 2: z.number().int() }).describe('一级、二级交办的办理工作日数'),
  sessionIdleMinutes: z.number().int().describe('无操作多少分钟后会话结束'),
  countyName: z.string().describe('县名（用于文书）'),
  hotlines: z.array(z.string()).describe('回执上印的咨询电话'),
  publicBaseUrl: z.string().describe('回执二维码使用的公众访问地址'),
  dueSoonWorkingDays: z.number().int().describe('距时限几个工作日内算“即将到期”'),
  triageWorkingDays: z.number().int().describe('受理时限：已登记、予以受理后几个工作日内须交办或处理'),
  callbackWorkingDays: z.number().int().describe('回访时限：办结后几个工作日内须回访'),
  verificationWorkingDays: z.number().int().describe('核查时限：差评后几个工作日内须核查'),
  contestWorkingDays: z.number().int().describe('派单异议期限：成为牵头部门后几个工作日内可提出异议'),
  callbackAttemptsBeforeUnreachable: z.number().int().describe('回访未接通几次后可按无法回访办结'),
  assessment: z
    .object({
      weights: z.object({ onTime: z.number(), satisfaction: z.number(), noBadReview: z.number() }).describe('按时办结率、满意率、无差评率的权重（合计 100）'),
      penaltyPerCirculation: z.number().describe('每次通报扣分'),
      penaltyPerSubstantiated: z.number().describe('每件差评属实扣分'),
      minSample: z.number().int().describe('参与排名的最少件数'),
    })
    .describe('部门考核参数'),
  selfRatingDays: z.number().int().describe('反映人评价链接的有效天数（自然日）'),
  webhookAllowPrivateNetworks: z.boolean().describe('允许向内网、回环、链路本地地址投递 Webhook（部署在政务外网内时开启）'),
  attachmentMaxBytes: z.number().int().describe('附件大小上限（字节，默认 20 MB）；超过则 413'),
  backupHour: z.number().int().nullable().describe('定时备份：每天几点（北京时间 0–23）执行；null 为不备份'),
  backupDir: z.string().describe('定时备份文件存放的目录（执行备份的实例上）'),
  backupKeep: z.number().int().describe('保留最近几份定时备份，更早的自动删除'),
  personalDataRetentionYears: z.number().int().nullable().describe('反映件办结满几年后清除反映人个人信息（姓名、电话、证件号）；null 为不清除'),
  passwordMaxAgeDays: z.number().int().describe('密码有效期（天）：超过后下次登录须先修改密码；0 为不限（安全管理员设置）'),
  totpRequiredRoles: z.array(z.enum(ROLES)).describe('须使用动态口令（TOTP）登录的角色；尚未设置的，下次登录时须先设置（安全管理员设置）'),
});

// ---------------------------------------------------------------------------------------------
// Calendar, audit

export const ZDeadlineAnswer = z.object({
  deadline: ZShanghaiTime.describe('时限：起算后第 N 个工作日 23:59:59（+08:00）'),
  date: ZIsoDate.describe('时限所在日期'),
  provisional: z.boolean().describe('临时：所跨年份的节假日安排尚未录入，按双休日计算'),
  start: ZShanghaiTime.describe('起算时刻'),
  workingDays: count('工作日数'),
});

export const ZCalendarYears = z.object({
  items: z.array(
    z.object({
      year: z.number().int(),
      source: z.string().describe('来源：admin（管理员在系统中录入）、import:文件名（命令行导入）等'),
      updatedAt: ZStoredInstant,
      updatedBy: z.string(),
      holidays: count('节假日天数'),
      workdays: count('调休上班天数'),
    }),
  ),
});

const ZNamedDay = z.object({ date: ZIsoDate, name: z.string() });
export const ZYearSchedule = z.object({
  year: z.number().int(),
  holidays: z.array(ZNamedDay).describe('放假日期'),
  workdays: z.array(ZNamedDay).describe('调休上班日期'),
});

export const ZSaveYearResult = z.object({
  year: z.number().int(),
  recomputed: z
    .array(z.object({ caseNo: z.string(), from: ZShanghaiTime.nullable(), to: ZShanghaiTime }))
    .describe('因此重新计算了临时时限的反映件'),
});

export const ZAuditRecord = z.object({
  seq: z.number().int().min(1).describe('链上序号'),
  at: ZShanghaiTime,
  actor: z.string().describe('操作人用户名（system 为系统自动）'),
  actorName: z.string().nullable().describe('操作人姓名（系统或已不存在的账号为 null）'),
  action: z.string().describe('操作代码，如 case.dispatch、login'),
  actionLabel: z.string().describe('操作（中文）'),
  entityType: z.string(),
  entityLabel: z.string().describe('对象类型（中文）'),
  entityId: z.string().nullable(),
  caseNo: z.string().nullable().describe('对象为反映件时的编号'),
  data: z.record(z.string(), z.unknown()).describe('记录的内容（电话已脱敏）'),
  hash: z.string().describe('本条记录的 SM3 哈希'),
});
export const ZAuditRecordPage = z.object({ items: z.array(ZAuditRecord), nextCursor: z.string().nullable() });

export const ZAuditVerification = z.union([
  z.object({ ok: z.literal(true), records: count('审计记录条数') }),
  z.object({
    ok: z.literal(false),
    records: count('断点之前完好的记录条数'),
    brokenAt: z.number().int().describe('第一条有问题的记录序号'),
    reason: z.string().describe('中文说明'),
  }),
]);

// ---------------------------------------------------------------------------------------------
// Statistics (core/api/stats.ts; definitions in core/stats-definitions.ts)

const statsFigures = {
  received: count('期间内受理（登记）的件数'),
  byChannel: z.record(z.string(), z.number().int()).describe(`按渠道（${CHANNELS.join('、')}）`),
  byProblemType: z.record(z.string(), z.number().int()).describe(`按问题类型（${PROBLEM_TYPES.join('、')}）`),
  byLevel: z.record(z.string(), z.number().int()).describe('按调度级别（"1"、"2"、"3"）'),
  byStatus: z.record(z.string(), z.number().int()).describe('按当前状态'),
  resolvedOnSpot: count('当场办结'),
  rejected: count('不予受理'),
  completed: count('办结（至少办结过一次）'),
  completedOnTime: count('按时办结：首次办结不晚于时限（当场办结计为按时）'),
  onTimeRate: rate('按时办结率 = completedOnTime / completed'),
  callbacks: count('已回访'),
  satisfied: count('满意：最近一次回访无“不满意”'),
  satisfactionRate: rate('满意率 = satisfied / callbacks'),
  badReviews: count('差评：任一次回访有“不满意”'),
  badReviewsSubstantiated: count('差评属实'),
  overdueOpen: count('当前超期未办结'),
  merged: count('已并件（作为重复件并入主件）'),
  closedUnreachable: count('无法回访办结（不计入回访与满意率）'),
  contestsUpheld: count('派单异议成立次数（按提出异议的部门；不扣分）'),
  contestsRejected: count('派单异议不成立次数（按提出异议的部门）'),
  redispatched: count('被改派次数（按原牵头部门）'),
  reopened: count('重办次数（按重办时的牵头部门）'),
  coPartsMissing: count('办结时协办意见未回复次数（按协办部门）'),
};
export const ZStatsFigures = z.object(statsFigures);

export const ZStatsOverview = z.object({
  from: ZIsoDate,
  to: ZIsoDate,
  department: z.string().nullable().describe('按牵头部门筛选时的部门代码'),
  ...statsFigures,
});

export const ZStatsDepartments = z.object({
  from: ZIsoDate,
  to: ZIsoDate,
  items: z.array(z.object({ department: z.string().describe('牵头部门代码'), name: z.string().describe('部门名称'), ...statsFigures })),
});

export const ZMonthFigures = z.object({
  month: z.string().regex(/^\d{4}-\d{2}$/).describe('受理月份 YYYY-MM'),
  received: statsFigures.received,
  completed: statsFigures.completed,
  completedOnTime: statsFigures.completedOnTime,
  onTimeRate: statsFigures.onTimeRate,
  callbacks: statsFigures.callbacks,
  satisfied: statsFigures.satisfied,
  satisfactionRate: statsFigures.satisfactionRate,
  badReviews: statsFigures.badReviews,
  badReviewsSubstantiated: statsFigures.badReviewsSubstantiated,
});

export const ZStatsMonthly = z.object({
  from: ZIsoDate,
  to: ZIsoDate,
  department: z.string().nullable(),
  items: z.array(ZMonthFigures),
});

// Compile-time: the schemas describe exactly the interfaces the server computes.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const statsAgree: Same<z.infer<typeof ZStatsFigures>, StatsFigures> = true;
const monthsAgree: Same<z.infer<typeof ZMonthFigures>, MonthFigures> = true;
void statsAgree;
void monthsAgree;

// ---------------------------------------------------------------------------------------------
// Assessment, optimisation

export const ZAssessment = z.object({
  from: ZIsoDate,
  to: ZIsoDate,
  formula: ZSettingsResponse.shape.assessment.extend({ text: z.string().describe('计分办法的中文说明') }),
  items: z.array(
    z.object({
      department: z.string(),
      name: z.string(),
      ...statsFigures,
      circulations: count('通报次数'),
      referrals: count('问题线索移送次数'),
      supervisions: count('督办次数'),
      badReviewRate: rate('差评率 = badReviews / callbacks'),
      score: z.number().nullable().describe('得分（0–100）；没有可计的比率时为 null'),
      rank: z.number().int().nullable().describe('排名；样本不足不参与排名时为 null'),
      ranked: z.boolean().describe('参与排名'),
      note: z.string().nullable().describe('说明（如样本不足）'),
    }),
  ),
});

export const ZRecurring = z.object({
  from: ZIsoDate,
  to: ZIsoDate,
  matters: z
    .array(z.object({ matter: z.string().describe('事项名称（有事项编码时为事项目录中的名称）'), matterCode: z.string().nullable().describe('事项编码：同一编码的反映件合并计数；无编码时按事项名称'), count: count('件数'), departments: count('涉及的牵头部门数') }))
    .describe('反复出现的事项（至少 2 件）'),
  departmentProblemTypes: z
    .array(z.object({ department: z.string(), problemType: z.enum(PROBLEM_TYPES), count: count('件数') }))
    .describe('部门 × 问题类型（至少 2 件）'),
  repeatReporters: z
    .array(
      z.object({
        phone: z.string().describe('脱敏电话'),
        matter: z.string(),
        count: count('件数'),
        firstCaseNo: z.string(),
        lastCaseNo: z.string(),
      }),
    )
    .describe('同一反映人同一事项再次反映'),
});

const ZPublishStatus = z.enum(['draft', 'published']).describe('draft 草稿、published 已发布');

export const ZServicePackage = z.object({
  id: z.number().int(),
  name: z.string().describe('套餐名称'),
  departments: z.array(z.string()).describe('涉及部门代码'),
  materialsBefore: z.string().describe('优化前材料'),
  materialsAfter: z.string().describe('优化后材料'),
  stepsBefore: z.string().describe('优化前流程'),
  stepsAfter: z.string().describe('优化后流程'),
  sourceCaseIds: z.array(z.number().int()).describe('来源反映件 id'),
  status: ZPublishStatus,
  createdBy: z.string(),
  createdAt: ZStoredInstant,
  updatedAt: ZStoredInstant,
  sources: z.array(z.object({ id: z.number().int(), caseNo: z.string(), matter: z.string() })).describe('来源反映件'),
});
export const ZServicePackageList = z.object({ items: z.array(ZServicePackage) });

export const ZTypicalCase = z.object({
  id: z.number().int(),
  caseId: z.number().int(),
  caseNo: z.string(),
  kind: z.enum(['good', 'negative']).describe('good 好的做法、negative 反面典型'),
  title: z.string(),
  summary: z.string(),
  status: ZPublishStatus,
  createdBy: z.string(),
  createdAt: ZStoredInstant,
  publishedBy: z.string().nullable(),
  publishedAt: ZStoredInstant.nullable(),
});
export const ZTypicalCaseList = z.object({ items: z.array(ZTypicalCase) });

// ---------------------------------------------------------------------------------------------
// Public (no login)

export const ZPublicInfo = z.object({
  countyName: z.string(),
  hotlines: z.array(z.string()).describe('服务热线'),
  departments: z.array(z.object({ code: z.string(), name: z.string() })).describe('可选的涉及部门（未停用）'),
});

export const ZPublicReceipt = z.object({
  caseNo: z.string().describe('反映件编号：查询进度时使用'),
  receivedAt: ZShanghaiTime,
  status: z.enum(CASE_STATUSES),
  statusText: z.string().describe('给反映人看的状态说明'),
});

export const ZPublicProgress = z.object({
  caseNo: z.string(),
  matter: z.string(),
  status: z.enum(CASE_STATUSES),
  statusLabel: z.string(),
  statusText: z.string().describe('给反映人看的状态说明'),
  receivedAt: ZShanghaiTime,
  department: z.string().nullable().describe('承办（牵头）部门名称'),
  dueAt: ZShanghaiTime.nullable().describe('办理时限'),
  overdue: z.boolean().describe('已超过办理时限且仍在办理'),
  reply: z.string().nullable().describe('答复：办结后为办理结果，不予受理为说明'),
  rejectReason: z.string().nullable().describe('不予受理的原因类别（中文）'),
  appealRoute: z.string().nullable().describe('不予受理时的其他解决途径'),
  completedAt: ZShanghaiTime.nullable(),
  progress: z.array(z.object({ at: ZShanghaiTime, text: z.string() })).describe('办理进度（不含个人信息）'),
  ratingPath: z.string().nullable().describe('已办结待回访时反映人自行评价的页面（/public/rate?t=…），否则 null'),
});

/** Delivery states of a message to the reporter (the case page's 给反映人的消息). */
export const REPORTER_MESSAGE_STATES = ['waiting', 'sent', 'failed', 'to_phone', 'phoned', 'skipped'] as const;
export const ZReporterMessages = z.object({
  items: z.array(
    z.object({
      id: z.number().int(),
      topic: z.string(),
      topicLabel: z.string(),
      state: z.enum(REPORTER_MESSAGE_STATES).describe('waiting 待发送；sent 已发送；failed 发送失败；to_phone 待电话告知；phoned 已电话告知；skipped 无需发送'),
      stateLabel: z.string(),
      createdAt: ZShanghaiTime,
      deliveredAt: ZShanghaiTime.nullable().describe('发出（或确定须电话告知）的时刻'),
      note: z.string().nullable().describe('失败或须电话告知的原因'),
      text: z.string().nullable().describe('须电话告知时，要向反映人读出的内容'),
      phonedAt: ZShanghaiTime.nullable(),
      phonedBy: z.string().nullable(),
    }),
  ),
});

/** The coordinator's copy of a case's rating link, to send again (好差评 by link). */
export const ZRatingLink = z.object({
  url: z.string().describe('评价页面的完整网址（由 publicBaseUrl 生成）'),
  token: z.string().describe('评价令牌（一次有效）'),
  expiresAt: ZShanghaiTime.describe('失效时间'),
});

/** What the reporter's rating page shows: no personal data. */
export const ZPublicRating = z.object({
  caseNo: z.string(),
  matter: z.string(),
  result: z.string().nullable().describe('办理结果'),
  departmentName: z.string().nullable().describe('承办（牵头）部门名称'),
});

export const ZPublicRatingDone = z.object({
  caseNo: z.string(),
  status: z.enum(['closed', 'verifying']).describe('closed 已办结归档；verifying 有不满意，转入核查'),
});

// ---------------------------------------------------------------------------------------------
// 督办台账: the register of 督办、通报、线索移送

/** One 督办单、通报 or 线索移送 in the register (GET /supervision-records). */
export const ZSupervisionRegisterItem = z.object({
  recordNo: z.string().describe('文书编号，如 督办〔2026〕第1号'),
  kind: z.enum(SUPERVISION_KINDS).describe('supervise 督办、circulate 通报、referral 线索移送'),
  case: z.object({ id: z.number().int(), caseNo: z.string(), matter: z.string().describe('事项名称') }),
  department: z.object({ code: z.string(), name: z.string() }).nullable().describe('所涉部门（督办、移送为牵头部门；通报为被通报部门）'),
  createdAt: ZShanghaiTime.describe('发出时刻'),
  createdBy: z.object({ username: z.string(), name: z.string() }).describe('发出人'),
  text: z.string().describe('督办要求、通报摘要或移送的问题线索'),
  dueAt: ZShanghaiTime.nullable().describe('督办时限（仅督办）'),
  reportedAt: ZShanghaiTime.nullable().describe('督办情况报告时刻（仅督办；未报告为 null）'),
  report: z.string().nullable().describe('督办情况报告'),
  overdue: z.boolean().describe('督办逾期：时限已过仍未报告，或逾期后才报告（非督办为 false）'),
  result: z.string().nullable().describe('线索处理结果（仅线索移送；未反馈为 null）'),
  resultAt: ZShanghaiTime.nullable().describe('线索处理结果记录时刻'),
  state: z.string().describe('状态（中文）：待报告、已报告、逾期未报告、已报告（逾期）、待反馈结果、已反馈结果、已通报'),
});

export const ZSupervisionRegisterPage = z.object({
  items: z.array(ZSupervisionRegisterItem).describe('最新的在前'),
  nextCursor: z.string().nullable().describe('下一页的 cursor；没有更多时为 null'),
});

// ---------------------------------------------------------------------------------------------
// Notifications

export const ZNotification = z.object({
  id: z.number().int(),
  topic: z.string().describe('通知主题代码'),
  topicLabel: z.string().describe('主题中文名'),
  caseId: z.number().int().nullable(),
  caseNo: z.string().nullable(),
  title: z.string(),
  body: z.string(),
  createdAt: ZShanghaiTime,
  read: z.boolean(),
  readAt: ZShanghaiTime.nullable(),
});

export const ZNotificationPage = z.object({
  items: z.array(ZNotification),
  unreadCount: count('未读总数'),
  nextCursor: z.string().nullable().describe('下一页的 cursor；没有更多时为 null'),
});

export const ZUnreadCount = z.object({ count: count('未读通知数') });
export const ZReadAll = z.object({ updated: count('本次标为已读的条数'), unreadCount: z.literal(0) });
export const ZMarkRead = z.object({ id: z.number().int(), read: z.literal(true), readAt: ZShanghaiTime.nullable(), unreadCount: count('未读总数') });

export const ZNotificationTemplate = z.object({
  topic: z.string().describe('通知主题代码'),
  topicLabel: z.string(),
  audience: z.enum(['reporter', 'department', 'supervisor', 'coordinator', 'leader', 'staff']).describe('接收方（staff：按本人选择发给工作人员的短信）'),
  audienceLabel: z.string(),
  channel: z.enum(['sms', 'inapp']).describe('sms 短信（反映人、选择短信提醒的工作人员）、inapp 站内通知（工作人员）'),
  title: z.string(),
  body: z.string().describe('模板内容，占位符如 {caseNo}'),
  defaultTitle: z.string(),
  defaultBody: z.string(),
  customized: z.boolean().describe('已被管理员修改（否则为内置文字）'),
  updatedAt: ZShanghaiTime.nullable(),
  updatedBy: z.string().nullable(),
});

export const ZNotificationTemplateList = z.object({
  items: z.array(ZNotificationTemplate),
  placeholders: z.array(z.object({ name: z.string(), token: z.string().describe('如 {caseNo}'), label: z.string() })).describe('可用的占位符'),
  limits: z.object({ title: z.number().int(), body: z.number().int() }).describe('标题、内容的字数上限'),
});

export const ZOutboxState = z.object({
  pending: count('待发'),
  retrying: count('重试中'),
  dead: count('已放弃'),
  now: ZShanghaiTime,
  failures: z
    .array(
      z.object({
        id: z.number().int(),
        topic: z.string(),
        topicLabel: z.string(),
        caseId: z.number().int().nullable(),
        recipient: z.string().describe('接收方（用户名或脱敏号码）'),
        attempts: count('已尝试次数'),
        lastError: z.string().nullable(),
        dead: z.boolean().describe('已放弃投递'),
        createdAt: ZShanghaiTime,
        nextAttemptAt: ZShanghaiTime.nullable(),
      }),
    )
    .describe('最近失败的消息（至多 50 条）'),
});

export const ZOutboxRetry = z.object({ id: z.number().int(), requeued: z.literal(true) });

// ---------------------------------------------------------------------------------------------
// Documents

export const ZLedgerImportResult = z.object({
  fileName: z.string(),
  sheet: z.string().describe('读取的工作表'),
  rows: count('文件中的数据行数'),
  imported: count('新建的反映件数'),
  skipped: count('编号已存在而跳过的行数'),
  skippedCaseNos: z.array(z.string()).describe('跳过的编号（至多 200 个）'),
  sm3: z.string().describe('文件的 SM3 摘要（与审计记录一致）'),
});

/** The form of POST /ledger/import (multipart/form-data). */
export const ZLedgerImportForm = z.object({
  file: z
    .file()
    .mime('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .describe('台账文件（.xlsx，≤ 20 MB）'),
});

// ---------------------------------------------------------------------------------------------
// Integrations: API keys and webhooks

export const ZApiKey = z
  .object({
    id: z.number().int(),
    name: z.string().describe('密钥名称（审计日志中以此名记录调用）'),
    role: z.enum(['clerk', 'coordinator', 'handler']).describe('以哪个角色调用'),
    department: z.string().nullable().describe('承办部门角色的所属部门'),
    keyPrefix: z.string().describe('密钥开头几位，用于辨认（完整密钥只在创建时显示一次）'),
    createdAt: ZStoredInstant,
    createdBy: z.string(),
    lastUsedAt: ZStoredInstant.nullable().describe('最近使用时刻（约每分钟更新一次）'),
    revokedAt: ZStoredInstant.nullable().describe('吊销时刻；吊销后立即失效'),
  })
  .meta({ title: 'ApiKey' });
export const ZApiKeyCreated = ZApiKey.extend({
  key: z.string().describe('完整密钥：只显示这一次，请立即妥善保存；调用时放在 Authorization: Bearer <key>'),
}).meta({ examples: [{ id: 1, name: '12345热线平台', role: 'clerk', department: null, keyPrefix: 'bcs_Xk3f', createdAt: '2026-11-26T02:00:00.000Z', createdBy: 'admin', lastUsedAt: null, revokedAt: null, key: 'bcs_Xk3f9Qm2…（共 47 个字符）' }] });
export const ZApiKeyList = z.object({ items: z.array(ZApiKey) });

export const ZWebhook = z
  .object({
    id: z.number().int(),
    url: z.string().describe('接收地址'),
    events: z.array(z.string()).describe('订阅的事件；["*"] 为全部'),
    createdAt: ZStoredInstant,
    createdBy: z.string(),
    pending: count('待投递（含重试中）的事件数'),
    failing: count('最近一次尝试失败、仍在重试的事件数'),
    dead: count('已放弃的事件数（可重新投递）'),
  })
  .meta({ title: 'Webhook' });
export const ZWebhookList = z.object({ items: z.array(ZWebhook) });

export const ZWebhookDelivery = z.object({
  id: z.number().int().describe('投递编号（重新投递时用）'),
  eventId: z.string().describe('事件编号：请求体的 id，重试时不变，接收方据此去重'),
  type: z.string().describe('事件类型'),
  caseId: z.number().int(),
  caseNo: z.string().nullable(),
  createdAt: ZStoredInstant.describe('事件发生（提交）时刻'),
  state: z.enum(['pending', 'retrying', 'sent', 'dead', 'cancelled']).describe('pending 待发，retrying 失败后等待重试，sent 已送达（2xx），dead 已放弃，cancelled 接收方已删除'),
  attempts: count('已尝试次数'),
  nextAttemptAt: ZStoredInstant.nullable().describe('下一次尝试的时刻（待发、重试中时）'),
  deliveredAt: ZStoredInstant.nullable(),
  lastStatus: z.number().int().nullable().describe('最近一次的 HTTP 状态码（超时、连接失败时为 null）'),
  lastError: z.string().nullable(),
  history: z
    .array(z.object({ at: ZStoredInstant, status: z.number().int().nullable(), error: z.string().nullable(), durationMs: count('耗时（毫秒）') }))
    .describe('每次尝试，最早的在前'),
});
export const ZWebhookDeliveryPage = z.object({ items: z.array(ZWebhookDelivery).describe('最新的在前'), nextCursor: z.string().nullable() });

/** The case as a webhook carries it: the fields of GET /cases/{id} without personal data. */
export const ZWebhookCase = z.object({
  id: z.number().int(),
  caseNo: z.string(),
  status: z.enum(CASE_STATUSES),
  statusLabel: z.string(),
  channel: z.enum(CHANNELS),
  externalRef: ZExternalRef.nullable(),
  level: ZLevel.nullable(),
  problemType: z.enum(PROBLEM_TYPES).nullable(),
  leadDepartment: z.string().nullable(),
  leadDepartmentName: z.string().nullable(),
  coDepartments: z.array(z.string()),
  matter: z.string(),
  receivedAt: ZShanghaiTime,
  dueAt: ZShanghaiTime.nullable(),
  firstCompletedAt: ZShanghaiTime.nullable(),
  completedAt: ZShanghaiTime.nullable(),
  closedAt: ZShanghaiTime.nullable(),
  resolvedOnSpot: z.boolean(),
  result: z.string().nullable().describe('办理结果（办结时填写）'),
  repliedVia: z.enum(REPLY_CHANNELS).nullable(),
  rejection: z.object({ reasonCategory: z.enum(REJECT_CATEGORIES), explanation: z.string().nullable() }).nullable(),
  callback: z
    .object({ attitude: z.enum(RATINGS), result: z.enum(RATINGS), efficiency: z.enum(RATINGS), integrity: z.enum(RATINGS), bad: z.boolean().describe('差评：任一项为不满意'), at: ZShanghaiTime })
    .nullable()
    .describe('最近一次回访评价（四项）'),
  version: z.number().int(),
  updatedAt: ZShanghaiTime,
});

/** The body POSTed to a webhook receiver (signed: X-Bcs-Signature: sha256=<hex HMAC-SHA256(body, secret)>). */
export const ZWebhookEventBody = z
  .object({
    id: z.string().describe('事件编号（重试时不变）'),
    type: z.enum(['case.created', 'case.status_changed', 'case.completed', 'case.callback', 'webhook.test']),
    at: ZStoredInstant.describe('事件发生时刻'),
    webhookId: z.number().int(),
    from: z.enum(CASE_STATUSES).nullable().describe('之前的状态（case.created 为 null）'),
    action: z.string().nullable().describe('引起事件的操作名（如 complete、callback）'),
    case: ZWebhookCase.describe('事件发生后的反映件（不含个人信息）'),
  })
  .meta({ title: 'WebhookEvent' });

// ---------------------------------------------------------------------------------------------
// 事项目录 and triage suggestions (issue 15)

export const ZMatter = z
  .object({
    code: z.string().describe('事项编码'),
    name: z.string().describe('事项名称'),
    department: z.string().describe('实施部门代码'),
    departmentName: z.string().describe('实施部门名称'),
  })
  .meta({ title: 'Matter' });

export const ZMatterList = z.object({ items: z.array(ZMatter), nextCursor: z.string().nullable().describe('下一页的游标；没有更多时为 null') });

export const ZMatterImportResult = z.object({
  fileName: z.string(),
  sheet: z.string().describe('读取的工作表'),
  rows: count('文件中的数据行数'),
  imported: count('新增的事项数'),
  updated: count('编码已存在而更新名称或部门的事项数'),
});

export const ZSuggestions = z
  .object({
    problemType: z.array(z.object({ value: z.enum(PROBLEM_TYPES), score: z.number().min(0).max(1).describe('后验概率') })).describe('建议的问题类型，最可能的在前；已决定的反映件不足 50 件时为空'),
    department: z.array(z.object({ code: z.string(), score: z.number().min(0).max(1).describe('后验概率') })).describe('建议的牵头部门，最可能的在前；已交办的反映件不足 50 件时为空'),
    knowledge: z.array(z.object({ id: z.number().int(), title: z.string() })).describe('与事项和诉求相符的已发布知识'),
    similar: z.array(z.object({ id: z.number().int(), caseNo: z.string() })).describe('相似的较早反映件，最相似的在前'),
  })
  .meta({ title: 'Suggestions' });
