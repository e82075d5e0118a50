/**
 * Zod schemas of the public API: the one source for request validation, the OpenAPI document
 * and the web app's types. Messages are Chinese (zod's zh-CN locale plus our own wording).
 */
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
import type { CaseAction, CaseCommand } from '../case-lifecycle.js';
import { isValidPhone, isValidUscc, normalisePhone } from '../validation.js';
import { STAFF_MOBILE, STAFF_MOBILE_MESSAGE, STAFF_SMS_EVENTS } from '../staff-sms.js';
import { SUPERVISION_KINDS, SUPERVISION_REGISTER_STATUSES, type SupervisionKind } from '../supervision-register.js';
import { passwordProblem, PASSWORD_RULE_TEXT } from '../passwords.js';

z.config(z.locales.zhCN());

/** Text limits (docs/CONTRACT.md §Errors): names ≤ 50, matter ≤ 200, long text ≤ 5,000 characters. */
export const LIMITS = { name: 50, matter: 200, text: 5000 } as const;

const text = (label: string, max: number) =>
  z
    .string({ error: `${label}必须是文字` })
    .trim()
    .min(1, { error: `请填写${label}` })
    .max(max, { error: `${label}不能超过 ${max} 个字` });
const optionalText = (label: string, max: number) =>
  z
    .string({ error: `${label}必须是文字` })
    .trim()
    .max(max, { error: `${label}不能超过 ${max} 个字` })
    .optional()
    .transform((v) => (v === '' ? undefined : v));

const enumOf = <T extends readonly [string, ...string[]]>(values: T, label: string) =>
  z.enum(values, { error: `${label}的取值无效，应为：${values.join('、')}` });

export const ZDepartmentCode = z
  .string({ error: '部门代码必须是文字' })
  .trim()
  .regex(/^[a-z][a-z0-9_-]{1,31}$/, { error: '部门代码应为 2–32 位小写字母、数字、下划线或连字符，以字母开头' });

export const ZPhone = z
  .string({ error: '联系电话必须是文字' })
  .transform((v) => normalisePhone(v))
  .refine((v) => isValidPhone(v), { error: '联系电话格式不正确（应为手机号码或固定电话）' });

export const ZReporter = z
  .object({
    name: text('反映人姓名', LIMITS.name),
    phone: ZPhone,
    kind: enumOf(REPORTER_KINDS, '反映人类型'),
    orgName: optionalText('企业名称', LIMITS.name),
    orgCode: z
      .string({ error: '统一社会信用代码必须是文字' })
      .trim()
      .transform((v) => v.toUpperCase())
      .optional()
      .transform((v) => (v === '' ? undefined : v)),
  })
  .superRefine((r, ctx) => {
    if (r.kind === 'enterprise') {
      if (!r.orgName) ctx.addIssue({ code: 'custom', path: ['orgName'], message: '企业反映须填写企业名称' });
      if (!r.orgCode) ctx.addIssue({ code: 'custom', path: ['orgCode'], message: '企业反映须填写统一社会信用代码' });
    }
    if (r.orgCode && !isValidUscc(r.orgCode)) {
      ctx.addIssue({ code: 'custom', path: ['orgCode'], message: '统一社会信用代码不正确（校验位不符）' });
    }
  });

/** Intake body (POST /api/v1/cases). */
export const ZIntake = z.object({
  channel: enumOf(CHANNELS, '反映渠道'),
  reporter: ZReporter,
  matter: text('事项名称', LIMITS.matter),
  /** A code of the 事项目录 (GET /matters); unknown → 400. */
  matterCode: z
    .string({ error: '事项编码必须是文字' })
    .trim()
    .max(64, { error: '事项编码不能超过 64 个字符' })
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .describe('事项目录中的事项编码（GET /matters）；可不填'),
  departmentCodes: z.array(ZDepartmentCode, { error: '涉及部门应为部门代码列表' }).max(30).optional().default([]),
  description: text('诉求', LIMITS.text),
  reason: optionalText('办不成原因', LIMITS.text),
  /** The ticket number in the system that pushed the case (12345, 群工系统…): the same system + id again answers the first case. */
  externalRef: z
    .object({
      system: text('外部系统', 64).meta({ examples: ['12345', 'mass_work'] }),
      id: text('外部工单号', 64).meta({ examples: ['GD20261126000123'] }),
    })
    .optional()
    .describe('外部工单：system 外部系统（如 12345、mass_work），id 该系统的工单号；同一 system + id 再次提交时返回首次登记的反映件'),
});
export type TIntake = z.infer<typeof ZIntake>;

/** Online report (POST /api/v1/public/cases): the intake without `channel`, with consent. */
export const ZPublicIntake = ZIntake.omit({ channel: true, externalRef: true }).extend({
  consent: z.literal(true, { error: '请阅读并同意个人信息使用说明' }),
});

/** Dates and instants the API takes: years 1970–2999 (a wider range is an input error, not a 500). */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 2999;
/** The latest deadline any action may set (deadlines are working days away, not centuries). */
export const MAX_DEADLINE_YEAR = 2099;

/**
 * Parses an ISO 8601 date-time with an offset (Z or ±hh:mm), or a bare date taken in
 * Asia/Shanghai (its start or its end, 23:59:59). Rejects impossible calendar dates such as
 * 2026-02-30 that Date.parse would roll over. Returns null when invalid; never throws.
 */
export function parseIsoInstant(v: string, bareDate: 'start' | 'end'): Date | null {
  const year = Number(v.slice(0, 4));
  if (!(year >= MIN_YEAR && year <= MAX_YEAR)) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const t = Date.parse(`${v}T${bareDate === 'start' ? '00:00:00' : '23:59:59'}+08:00`);
    if (Number.isNaN(t) || new Date(t + 8 * 3600_000).toISOString().slice(0, 10) !== v) return null;
    return new Date(t);
  }
  const m = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.exec(v);
  if (!m) return null;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return null;
  const off = m[4]!;
  const offsetMin = off === 'Z' ? 0 : (off[0] === '-' ? -1 : 1) * (Number(off.slice(1, 3)) * 60 + Number(off.slice(4, 6)));
  if (new Date(t + offsetMin * 60_000).toISOString().slice(0, 10) !== m[1]) return null;
  return new Date(t);
}

/**
 * An ISO 8601 date-time with an offset, or a date (taken as 23:59:59 Asia/Shanghai of that day).
 * Output: a UTC ISO string.
 */
export const ZDeadline = z
  .string({ error: '时限必须是日期时间' })
  .trim()
  .transform((v, ctx) => {
    const d = parseIsoInstant(v, 'end');
    if (!d) {
      ctx.addIssue({ code: 'custom', message: '时限应为 ISO 8601 日期时间（如 2026-12-01T17:00:00+08:00）' });
      return z.NEVER;
    }
    if (d.getTime() >= Date.UTC(MAX_DEADLINE_YEAR + 1, 0, 1) - 8 * 3600_000) {
      ctx.addIssue({ code: 'custom', message: `时限不能晚于 ${MAX_DEADLINE_YEAR} 年底` });
      return z.NEVER;
    }
    return d.toISOString();
  });

const ZVersion = z
  .number({ error: '缺少版本号 version（整数）' })
  .int({ error: '版本号应为整数' })
  .min(0, { error: '版本号应为非负整数' });
const ZDeptList = z.array(ZDepartmentCode, { error: '部门应为部门代码列表' }).max(30);

/** The departments of a level-1/2 dispatch or re-dispatch: no co-departments at level 1, at least one at level 2, none twice. */
function checkDispatchDepartments(b: { level: 1 | 2; leadDepartment: string; coDepartments?: string[] }, ctx: z.RefinementCtx): void {
  const co = b.coDepartments ?? [];
  if (b.level === 1 && co.length > 0) ctx.addIssue({ code: 'custom', path: ['coDepartments'], message: '一级交办只交一个部门，不能指定协办部门' });
  if (b.level === 2 && co.length === 0) ctx.addIssue({ code: 'custom', path: ['coDepartments'], message: '二级交办须指定至少一个协办部门' });
  if (co.includes(b.leadDepartment)) ctx.addIssue({ code: 'custom', path: ['coDepartments'], message: '协办部门不能与牵头部门相同' });
  if (new Set(co).size !== co.length) ctx.addIssue({ code: 'custom', path: ['coDepartments'], message: '协办部门不能重复' });
}

/** When a 会商 was held: an ISO instant (a date alone = its start in Shanghai), not after 2099. */
const ZHeldAt = z
  .string({ error: '会商时间必须是日期时间' })
  .trim()
  .transform((v, ctx) => {
    const d = parseIsoInstant(v, 'start');
    if (!d) {
      ctx.addIssue({ code: 'custom', message: '会商时间应为 ISO 8601 日期时间（如 2026-12-01T09:00:00+08:00）' });
      return z.NEVER;
    }
    return d.toISOString();
  });

/** The 会商 of the 工作组 on an escalation (组长, or 副组长 by delegation). */
export const ZMeetingInput = z.object(
  {
    heldAt: ZHeldAt,
    convenor: text('会商召集人', LIMITS.name),
    attendees: z
      .array(z.object({ department: text('参会单位', LIMITS.matter), people: text('参会人员', LIMITS.matter) }), { error: '参会单位及人员应为列表' })
      .min(1, { error: '请至少填写一个参会单位' })
      .max(50),
    decision: text('会商意见', LIMITS.text),
  },
  { error: '会商纪要（meeting）应为对象' },
);

/** Fields of each action (docs/CONTRACT.md §Actions), without `version`. */
export const ACTION_BODIES = {
  'resolve-on-spot': z.object({ result: text('办理结果', LIMITS.text) }),
  reject: z.object({
    reasonCategory: enumOf(REJECT_CATEGORIES, '不予受理原因类别'),
    explanation: text('不予受理说明', LIMITS.text),
  }),
  accept: z.object({ problemType: enumOf(PROBLEM_TYPES, '问题类型'), note: optionalText('备注', LIMITS.text) }),
  'change-problem-type': z.object({
    problemType: enumOf(PROBLEM_TYPES, '问题类型'),
    note: optionalText('备注', LIMITS.text),
  }),
  dispatch: z
    .object({
      level: z.union([z.literal(1), z.literal(2)], { error: '交办级别应为 1 或 2（三级须提级审批）' }),
      leadDepartment: ZDepartmentCode,
      coDepartments: ZDeptList.optional(),
      note: optionalText('备注', LIMITS.text),
    })
    .superRefine((b, ctx) => checkDispatchDepartments(b, ctx)),
  'request-escalation': z.object({ reason: text('提级理由', LIMITS.text) }),
  'approve-escalation': z
    .object({
      leadDepartment: ZDepartmentCode,
      coDepartments: ZDeptList.optional().default([]),
      dueAt: ZDeadline,
      note: optionalText('备注', LIMITS.text),
      meeting: ZMeetingInput.optional(),
    })
    .superRefine((b, ctx) => {
      if (b.coDepartments.includes(b.leadDepartment))
        ctx.addIssue({ code: 'custom', path: ['coDepartments'], message: '协办部门不能与牵头部门相同' });
      if (new Set(b.coDepartments).size !== b.coDepartments.length)
        ctx.addIssue({ code: 'custom', path: ['coDepartments'], message: '协办部门不能重复' });
    }),
  'deny-escalation': z.object({ reason: text('不予提级理由', LIMITS.text) }),
  sign: z.object({ note: optionalText('备注', LIMITS.text) }),
  'undo-sign': z.object({}),
  complete: z.object({
    result: text('办理结果', LIMITS.text),
    repliedVia: enumOf(REPLY_CHANNELS, '答复方式'),
  }),
  callback: z.object({
    attitude: enumOf(RATINGS, '服务态度评价'),
    result: enumOf(RATINGS, '办理结果评价'),
    efficiency: enumOf(RATINGS, '办理效率评价'),
    integrity: enumOf(RATINGS, '廉洁勤政评价'),
    comment: optionalText('回访意见', LIMITS.text),
  }),
  verify: z
    .object({
      substantiated: z.boolean({ error: '请说明差评是否属实（true/false）' }),
      outcome: enumOf(VERIFY_OUTCOMES, '核查处理结果'),
      note: optionalText('核查意见', LIMITS.text),
      rectifyDueAt: ZDeadline.optional(),
    })
    .superRefine((b, ctx) => {
      if (!b.substantiated && b.outcome !== 'none')
        ctx.addIssue({ code: 'custom', path: ['outcome'], message: '差评不实时处理结果应为“无需处理”（none）' });
      if (b.substantiated && b.outcome === 'none')
        ctx.addIssue({ code: 'custom', path: ['outcome'], message: '差评属实时须选择“限期整改”或“追责问责”' });
      if (b.outcome === 'rectify' && !b.rectifyDueAt)
        ctx.addIssue({ code: 'custom', path: ['rectifyDueAt'], message: '限期整改须填写整改时限' });
      if (b.outcome !== 'rectify' && b.rectifyDueAt)
        ctx.addIssue({ code: 'custom', path: ['rectifyDueAt'], message: '只有限期整改才填写整改时限' });
    }),
  urge: z.object({ note: optionalText('催办意见', LIMITS.text) }),
  'add-measure': z.object({
    type: enumOf(MEASURE_TYPES, '措施类型'),
    note: optionalText('措施说明', LIMITS.text),
    dueAt: ZDeadline.optional(),
    staff: optionalText('经办人员', LIMITS.name),
  }),
  comment: z.object({ note: text('备注', LIMITS.text) }),
  'request-extension': z.object({ dueAt: ZDeadline, reason: text('延期理由', LIMITS.text) }),
  'approve-extension': z.object({ dueAt: ZDeadline.optional(), note: optionalText('审批意见', LIMITS.text) }),
  'deny-extension': z.object({ reason: text('不予延期理由', LIMITS.text) }),
  supervise: z.object({ note: text('督办要求', LIMITS.text), dueAt: ZDeadline }),
  circulate: z.object({ department: ZDepartmentCode.optional(), summary: text('通报内容', LIMITS.text) }),
  'refer-discipline': z.object({ handedOver: text('移送材料说明', LIMITS.text), note: optionalText('备注', LIMITS.text) }),
  'report-supervision': z.object({ report: text('督办情况报告', LIMITS.text) }),
  'record-discipline-result': z.object({ referralNo: text('线索移送编号', LIMITS.matter), result: text('线索处理结果', LIMITS.text) }),
  contest: z.object({ reason: text('异议理由', LIMITS.text), suggestedDepartment: ZDepartmentCode.optional() }),
  'uphold-dispatch': z.object({ reason: text('维持原派单的理由', LIMITS.text) }),
  redispatch: z
    .object({
      level: z.union([z.literal(1), z.literal(2)], { error: '交办级别应为 1 或 2' }),
      leadDepartment: ZDepartmentCode,
      coDepartments: ZDeptList.optional(),
      reason: text('改派理由', LIMITS.text),
    })
    .superRefine((b, ctx) => checkDispatchDepartments(b, ctx)),
  'co-reply': z.object({ opinion: text('协办意见', LIMITS.text) }),
  correct: z.object({
    changes: z
      .strictObject(
        {
          reporter: ZReporter.optional(),
          matter: text('事项名称', LIMITS.matter).optional(),
          description: text('诉求', LIMITS.text).optional(),
          reason: text('办不成原因', LIMITS.text).optional(),
          channel: enumOf(CHANNELS, '渠道').optional(),
        },
        { error: (iss) => (iss.code === 'unrecognized_keys' ? '只能更正反映人、事项名称、诉求、办不成原因和渠道' : '请填写要更正的内容（changes）') },
      )
      .refine((c) => Object.values(c).some((v) => v !== undefined), { error: '请至少更正一项内容' }),
    note: text('更正说明', LIMITS.text),
  }),
  reopen: z.object({ reason: text('重新受理理由', LIMITS.text), dueAt: ZDeadline.optional() }),
  merge: z.object({
    into: z.number({ error: '请指定主件（into，反映件 id）' }).int({ error: '主件 id 应为整数' }).positive({ error: '主件 id 应为正整数' }),
    note: optionalText('备注', LIMITS.text),
  }),
  'callback-attempt': z.object({ outcome: enumOf(CALLBACK_ATTEMPT_OUTCOMES, '未接通情形'), note: optionalText('备注', LIMITS.text) }),
  'close-unreachable': z.object({ note: text('说明', LIMITS.text) }),
  'fulfil-measure': z.object({
    measureId: z.number({ error: '请指定措施（measureId）' }).int({ error: '措施 id 应为整数' }).positive({ error: '措施 id 应为正整数' }),
    note: text('完成情况', LIMITS.text),
  }),
  'withdraw-measure': z.object({
    measureId: z.number({ error: '请指定措施（measureId）' }).int({ error: '措施 id 应为整数' }).positive({ error: '措施 id 应为正整数' }),
    reason: text('撤回理由', LIMITS.text),
  }),
} satisfies Record<CaseAction, z.ZodType>;

/** The whole body of an action: its fields plus the `version` the caller last saw. */
export function actionBodySchema(action: CaseAction) {
  return (ACTION_BODIES[action] as z.ZodObject).and(z.object({ version: ZVersion }));
}

/** Turns a validated action body into the domain command. */
export function toCommand(action: CaseAction, body: Record<string, unknown>): CaseCommand {
  const { version: _v, ...fields } = body;
  if (action === 'add-measure') {
    const { type, ...rest } = fields;
    return { type: 'add-measure', measureType: type, ...rest } as CaseCommand;
  }
  if (action === 'dispatch' || action === 'redispatch') {
    return { type: action, ...fields, coDepartments: (fields.coDepartments as string[] | undefined) ?? [] } as CaseCommand;
  }
  return { type: action, ...fields } as CaseCommand;
}

/** Deadlines in a command, by field name, that must lie in the future. */
export function commandDeadlines(cmd: CaseCommand): Array<[string, string]> {
  switch (cmd.type) {
    case 'approve-escalation':
      return [['dueAt', cmd.dueAt]];
    case 'verify':
      return cmd.rectifyDueAt ? [['rectifyDueAt', cmd.rectifyDueAt]] : [];
    case 'add-measure':
    case 'approve-extension':
      return cmd.dueAt ? [['dueAt', cmd.dueAt]] : [];
    case 'request-extension':
    case 'supervise':
      return [['dueAt', cmd.dueAt]];
    case 'reopen':
      return cmd.dueAt ? [['dueAt', cmd.dueAt]] : [];
    default:
      return [];
  }
}

const ZDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: '日期格式应为 YYYY-MM-DD' })
  .refine((v) => {
    const t = Date.parse(`${v}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === v;
  }, { error: '日期不存在' })
  .refine((v) => Number(v.slice(0, 4)) >= MIN_YEAR && Number(v.slice(0, 4)) <= MAX_YEAR, { error: `日期应在 ${MIN_YEAR}–${MAX_YEAR} 年之间` });

/** `limit` of a cursor-paged list: 1–200, 50 when absent; out of range is a 400, not clamped. */
export const ZPageLimit = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined) return 50;
    if (!/^\d{1,4}$/.test(v) || Number(v) < 1 || Number(v) > 200) {
      ctx.addIssue({ code: 'custom', message: 'limit 应为 1–200 的整数' });
      return z.NEVER;
    }
    return Number(v);
  });

/** List filters (GET /api/v1/cases and the ledger export). */
export const ZCaseListQuery = z.object({
  status: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      const parts = v.split(',').map((s) => s.trim()).filter(Boolean);
      for (const p of parts)
        if (!(CASE_STATUSES as readonly string[]).includes(p)) {
          ctx.addIssue({ code: 'custom', message: `状态“${p}”无效，应为：${CASE_STATUSES.join('、')}` });
          return z.NEVER;
        }
      return parts as (typeof CASE_STATUSES)[number][];
    }),
  /** One level, or several separated by commas (level=1,2). */
  level: z
    .string()
    .regex(/^[123](,[123])*$/, { error: '调度级别应为 1、2 或 3（多个以逗号分隔）' })
    .optional()
    .transform((v) => (v ? [...new Set(v.split(',').map(Number))] : undefined)),
  department: ZDepartmentCode.optional(),
  problemType: enumOf(PROBLEM_TYPES, '问题类型').optional(),
  channel: enumOf(CHANNELS, '反映渠道').optional(),
  overdue: z.enum(['true', 'false'], { error: 'overdue 应为 true 或 false' }).optional().transform((v) => v === 'true'),
  q: z.string().trim().max(100, { error: '搜索词不能超过 100 个字' }).optional().transform((v) => (v ? v : undefined)),
  receivedFrom: ZDate.optional(),
  receivedTo: ZDate.optional(),
  /** Lead department only (where `department` also matches co-departments). */
  lead: ZDepartmentCode.optional(),
  /** Exactly this 事项名称 (where `q` finds substrings). */
  matter: z.string().trim().min(1).max(LIMITS.matter, { error: `事项名称不能超过 ${LIMITS.matter} 个字` }).optional(),
  /** Open cases due within the setting's working days (not yet overdue). */
  dueSoon: z.enum(['true', 'false'], { error: 'dueSoon 应为 true 或 false' }).optional().transform((v) => v === 'true'),
  /** Cases with a 延期 request awaiting approval. */
  pendingExtension: z.enum(['true', 'false'], { error: 'pendingExtension 应为 true 或 false' }).optional().transform((v) => v === 'true'),
  /** Cases with a 派单异议 awaiting the coordinator. */
  pendingContest: z.enum(['true', 'false'], { error: 'pendingContest 应为 true 或 false' }).optional().transform((v) => v === 'true'),
  /** Open cases with a 督办 still awaiting the lead department's report. */
  pendingSupervision: z.enum(['true', 'false'], { error: 'pendingSupervision 应为 true 或 false' }).optional().transform((v) => v === 'true'),
  /** Cases with a message to the reporter that could not go by SMS, not phoned yet (电话告知). */
  phoneDue: z.enum(['true', 'false'], { error: 'phoneDue 应为 true 或 false' }).optional().transform((v) => v === 'true'),
  /** Cases past the deadline of the stage they wait in (triage, handling, callback, verification). */
  stageOverdue: z.enum(['true', 'false'], { error: 'stageOverdue 应为 true 或 false' }).optional().transform((v) => v === 'true'),
  /** The reporter's exact phone number (matched through the keyed blind index, never by decrypting). */
  phone: ZPhone.optional(),
  /** Last completion on or after / on or before these Asia/Shanghai dates. */
  completedFrom: ZDate.optional(),
  completedTo: ZDate.optional(),
  limit: ZPageLimit,
  cursor: z.string().max(200, { error: '分页游标无效' }).optional(),
  /**
   * Order: `received` (default, newest intake first) or `due` (earliest deadline first — only cases
   * that have a deadline; the most urgent on top).
   */
  sort: z.enum(['received', 'due'], { error: 'sort 应为 received 或 due' }).optional(),
  /** A ticket of another system, `system:id` (e.g. 12345:GD20261126000123). */
  externalRef: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      const i = v.indexOf(':');
      const system = i > 0 ? v.slice(0, i).trim() : '';
      const id = i > 0 ? v.slice(i + 1).trim() : '';
      if (!system || !id || system.length > 64 || id.length > 64) {
        ctx.addIssue({ code: 'custom', message: 'externalRef 应为“外部系统:工单号”，如 12345:GD20261126000123（各不超过 64 个字）' });
        return z.NEVER;
      }
      return { system, id };
    })
    .meta({ description: '外部工单，格式“外部系统:工单号”', examples: ['12345:GD20261126000123'] }),
});
export type TCaseListQuery = z.infer<typeof ZCaseListQuery>;

/** GET /audit/records: the audit chain, newest first, with filters. */
export const ZAuditQuery = z.object({
  actor: z.string().trim().max(64, { error: '操作人不能超过 64 字' }).optional(),
  action: z
    .string()
    .trim()
    .regex(/^[a-z_]+(?:[.:-][a-z_-]+)*$/, { error: '操作类型格式有误' })
    .max(64)
    .optional(),
  entityType: z.string().trim().regex(/^[a-z_]{1,40}$/, { error: '对象类型格式有误' }).optional(),
  entityId: z.string().trim().max(64, { error: '对象编号不能超过 64 字' }).optional(),
  from: ZDate.optional(),
  to: ZDate.optional(),
  limit: ZPageLimit,
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, { error: '分页游标无效' })
    .optional()
    .transform((v) => (v === undefined ? undefined : Number(v))),
});
export type TAuditQuery = z.infer<typeof ZAuditQuery>;

/** The filters of the register of 督办、通报、线索移送 (督办台账). */
const ZSupervisionRegisterFilters = z.object({
    /** One kind or several, separated by commas (kind=supervise,referral) or repeated. */
    kind: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return undefined;
        const parts = (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
        for (const p of parts)
          if (!(SUPERVISION_KINDS as readonly string[]).includes(p)) {
            ctx.addIssue({ code: 'custom', message: `类别“${p.slice(0, 20)}”无效，应为 supervise（督办）、circulate（通报）或 referral（线索移送）` });
            return z.NEVER;
          }
        return parts.length ? ([...new Set(parts)] as SupervisionKind[]) : undefined;
      })
      .meta({ description: '类别：supervise 督办、circulate 通报、referral 线索移送；多个以逗号分隔', examples: ['supervise,referral'] }),
    /** The department the record concerns (督办/移送: the lead department; 通报: the circulated one). */
    department: ZDepartmentCode.optional(),
    /** Created on or after / on or before these Asia/Shanghai dates. */
    from: ZDate.optional(),
    to: ZDate.optional(),
    status: z
      .enum(SUPERVISION_REGISTER_STATUSES, {
        error: 'status 应为 awaiting_report（督办待报告）、reported（督办已报告）、overdue（督办逾期）、result_recorded（移送已反馈结果）或 awaiting_result（移送待反馈结果）',
      })
      .optional(),
    /** A case number (2026-000123) or words of the matter. */
    q: z.string().trim().max(100, { error: '搜索词不能超过 100 个字' }).optional().transform((v) => (v ? v : undefined)),
});
const orderedDates = (q: { from?: string; to?: string }) => !q.from || !q.to || q.from <= q.to;

/** GET /supervision-records: the register's filters and a page of it (newest first). */
export const ZSupervisionRegisterQuery = ZSupervisionRegisterFilters.extend({
  limit: ZPageLimit,
  cursor: z.string().max(200, { error: '分页游标无效' }).optional(),
}).refine(orderedDates, { path: ['to'], error: '结束日期不能早于开始日期' });
/** GET /supervision-records.xlsx: the same filters, every matching record. */
export const ZSupervisionRegisterExportQuery = ZSupervisionRegisterFilters.refine(orderedDates, { path: ['to'], error: '结束日期不能早于开始日期' });
export type TSupervisionRegisterFilters = z.infer<typeof ZSupervisionRegisterFilters>;

/** GET /reports/briefing.docx: a period of intake (Asia/Shanghai dates, both included), at most one year. */
export const ZBriefingQuery = z
  .object({
    from: z.string({ error: '请填写开始日期 from（YYYY-MM-DD）' }).pipe(ZDate).meta({ examples: ['2026-11-01'] }),
    to: z.string({ error: '请填写结束日期 to（YYYY-MM-DD）' }).pipe(ZDate).meta({ examples: ['2026-11-30'] }),
  })
  .refine((q) => q.from <= q.to, { path: ['to'], error: '结束日期不能早于开始日期' })
  // Shorter than a year: `to` before the same day a year after `from`.
  .refine((q) => q.from > q.to || q.to < `${Number(q.from.slice(0, 4)) + 1}${q.from.slice(4)}`, { path: ['to'], error: '简报期间不能超过一年' });

export const ZStatsQuery = z.object({
  from: ZDate,
  to: ZDate,
  department: ZDepartmentCode.optional(),
});

export const ZLogin = z.object({
  username: z.string({ error: '请输入用户名' }).trim().min(1, { error: '请输入用户名' }).max(64),
  password: z.string({ error: '请输入密码' }).min(1, { error: '请输入密码' }).max(256),
  /** The second factor: a 6-digit TOTP code, or one of the recovery codes (each works once). */
  totp: z.string({ error: '动态口令必须是文字' }).trim().max(64, { error: '动态口令过长' }).optional(),
});

export const ZDepartmentCreate = z.object({
  code: ZDepartmentCode,
  name: text('部门名称', LIMITS.name),
});

/** A new password: the rule of core/passwords.ts (≥ 8 characters from 3 of 4 classes). */
export const ZPassword = z
  .string({ error: '请输入密码' })
  .superRefine((v, ctx) => {
    const problem = passwordProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ description: PASSWORD_RULE_TEXT, examples: ['Passw0rd!2026'] });

/** POST /auth/password: one's own password change. */
export const ZPasswordChange = z.object({
  currentPassword: z.string({ error: '请输入当前密码' }).min(1, { error: '请输入当前密码' }).max(256),
  newPassword: ZPassword,
});

/** A TOTP code (6 digits) — or, at login, one of the recovery codes. */
export const ZTotpEnable = z.object({
  code: z.string({ error: '请输入动态口令' }).trim().regex(/^\d{6}$/, { error: '动态口令应为 6 位数字' }).meta({ description: '验证器上显示的 6 位动态口令', examples: ['492039'] }),
});

/** A staff member's own mobile number (staff SMS); spaces and a +86 prefix are dropped. */
export const ZStaffMobile = z
  .string({ error: '手机号码必须是文字' })
  .transform((v) => normalisePhone(v))
  .pipe(z.string().regex(STAFF_MOBILE, { error: STAFF_MOBILE_MESSAGE }));

export const ZUserCreate = z
  .object({
    username: z
      .string({ error: '请输入用户名' })
      .trim()
      .regex(/^[A-Za-z0-9_.-]{2,32}$/, { error: '用户名应为 2–32 位字母、数字、下划线、点或连字符' }),
    name: optionalText('姓名', LIMITS.name),
    role: enumOf(ROLES, '角色'),
    department: ZDepartmentCode.optional(),
    password: ZPassword,
    /** The channel the account takes reports on (its 登记 form starts there); only for roles that may register. */
    intakeChannel: enumOf(CHANNELS, '登记渠道').nullable().optional(),
    /** The user's mobile number for staff SMS (optional). */
    mobile: ZStaffMobile.nullable().optional(),
  })
  .superRefine((u, ctx) => {
    if (u.role === 'handler' && !u.department)
      ctx.addIssue({ code: 'custom', path: ['department'], message: '承办部门用户须指定所属部门' });
  });

export const ZUserUpdate = z.object({
  name: optionalText('姓名', LIMITS.name),
  disabled: z.boolean().optional(),
  password: ZPassword.optional(),
  role: enumOf(ROLES, '角色').optional(),
  /** A department code, or null to unbind (not allowed for handlers). */
  department: ZDepartmentCode.nullable().optional(),
  /** The channel the account takes reports on, or null for the role's default. */
  intakeChannel: enumOf(CHANNELS, '登记渠道').nullable().optional(),
  /** The user's mobile number for staff SMS, or null to remove it. */
  mobile: ZStaffMobile.nullable().optional(),
});

/** A user's own settings (个人设置): their mobile number and which events they are told of by SMS. */
export const ZMySettingsUpdate = z.object({
  mobile: ZStaffMobile.nullable().optional(),
  smsEvents: z.array(enumOf(STAFF_SMS_EVENTS, '短信提醒事项'), { error: '短信提醒事项应为列表' }).max(STAFF_SMS_EVENTS.length).optional(),
});

export const ZDepartmentUpdate = z.object({
  name: optionalText('部门名称', LIMITS.name),
  disabled: z.boolean().optional(),
});

/** Issues → `details` of a 400: one entry per field with a Chinese message. */
export function describeIssues(error: z.ZodError): Array<{ field: string; message: string }> {
  return error.issues.map((i) => ({ field: i.path.map(String).join('.') || '(body)', message: i.message }));
}

// ---------------------------------------------------------------------------------------------
// Integrations: API keys and webhooks

/** The roles an API key may act as. */
export const API_KEY_ROLES = ['clerk', 'coordinator', 'handler'] as const;

/** POST /api-keys */
export const ZApiKeyCreate = z
  .object({
    name: text('密钥名称', 64).meta({ examples: ['12345热线平台'] }),
    role: enumOf(API_KEY_ROLES, '密钥角色'),
    department: ZDepartmentCode.optional(),
  })
  .superRefine((k, ctx) => {
    if (k.role === 'handler' && !k.department) ctx.addIssue({ code: 'custom', path: ['department'], message: '承办部门角色的密钥须指定所属部门' });
    if (k.role !== 'handler' && k.department) ctx.addIssue({ code: 'custom', path: ['department'], message: '只有承办部门角色的密钥才指定部门' });
  });

/** The events a webhook may subscribe to. */
export const WEBHOOK_EVENTS = ['case.created', 'case.status_changed', 'case.completed', 'case.callback'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** POST /webhooks */
export const ZWebhookCreate = z.object({
  url: z
    .string({ error: '请填写接收地址' })
    .trim()
    .max(500, { error: '接收地址不能超过 500 个字符' })
    .refine(
      (v) => {
        try {
          const u = new URL(v);
          return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
        } catch {
          return false;
        }
      },
      { error: '接收地址应为 http:// 或 https:// 开头的网址（不含用户名密码）' },
    )
    .meta({ examples: ['https://12345.example.gov.cn/bcs/webhook'] }),
  events: z
    .array(z.enum([...WEBHOOK_EVENTS, '*'], { error: `事件应为 ${WEBHOOK_EVENTS.join('、')} 或 *` }), { error: '请选择事件' })
    .min(1, { error: '请至少选择一个事件' })
    .max(10)
    .transform((v) => [...new Set(v)])
    .meta({ examples: [['case.status_changed', 'case.completed']] }),
  secret: z
    .string({ error: '请填写签名密钥' })
    .min(16, { error: '签名密钥至少 16 个字符' })
    .max(200, { error: '签名密钥不能超过 200 个字符' })
    .meta({ examples: ['s3cr3t-shared-with-the-12345-platform'] }),
});

/** GET /webhooks/{id}/deliveries: newest first, keyset by delivery id. */
export const ZWebhookDeliveryQuery = z.object({
  limit: ZPageLimit,
  /** The `nextCursor` of the previous page. */
  cursor: z
    .string()
    .regex(/^\d{1,10}$/, { error: '分页游标无效' })
    .optional()
    .transform((v) => (v === undefined ? undefined : Number(v))),
  state: z.enum(['pending', 'retrying', 'sent', 'dead', 'cancelled'], { error: 'state 应为 pending、retrying、sent、dead 或 cancelled' }).optional(),
});

/** GET /exports/ratings: ratings made on these Asia/Shanghai dates (both included). */
export const ZRatingsExportQuery = z
  .object({
    from: ZDate,
    to: ZDate,
    /** `jsonl` (default, one JSON record a line) or `xlsx`. */
    format: z.enum(['jsonl', 'xlsx'], { error: 'format 应为 jsonl 或 xlsx' }).optional(),
  })
  .refine((q) => q.from <= q.to, { path: ['to'], error: '结束日期不能早于开始日期' });

// ---------------------------------------------------------------------------------------------
// 事项目录 (issue 15)

/** A matter's code in the 政务服务事项目录: letters and digits (dots, hyphens, underscores inside), ≤ 64. */
export const ZMatterCode = z
  .string({ error: '事项编码必须是文字' })
  .trim()
  .min(1, { error: '请填写事项编码' })
  .max(64, { error: '事项编码不能超过 64 个字符' })
  .regex(/^[0-9A-Za-z][0-9A-Za-z._-]*$/, { error: '事项编码只能由字母、数字及 . _ - 组成' });

/** POST /matters. */
export const ZMatterCreate = z.object({
  code: ZMatterCode.meta({ examples: ['11500231MB1726413A4000117001000'] }),
  name: text('事项名称', LIMITS.matter).meta({ examples: ['营业执照变更登记'] }),
  department: ZDepartmentCode.describe('实施部门代码'),
});
export type TMatterCreate = z.infer<typeof ZMatterCreate>;

/** GET /matters: `q` finds codes and names containing it (type-ahead), ordered by code. */
export const ZMatterListQuery = z.object({
  q: z.string().trim().max(100, { error: '搜索词不能超过 100 个字' }).optional().transform((v) => (v ? v : undefined)),
  department: ZDepartmentCode.optional(),
  limit: ZPageLimit,
  cursor: z.string().max(200, { error: '分页游标无效' }).optional(),
});
