/**
 * Who may do what outside the case actions (those are in the transition table of
 * `case-lifecycle.ts`). The server's routes check these by name (`route({ auth: 'importLedger' })`)
 * and the web app shows menus, pages and buttons by the same names — nobody restates a role list.
 *
 * Pure data and functions: no I/O.
 */
import { CASE_ROLES, type Role } from './domain.js';
import { ACTION_RULES } from './case-lifecycle.js';

/** County-level readers: everything county-wide, drafts included. */
const COUNTY: readonly Role[] = ['coordinator', 'leader', 'supervisor', 'admin'];
/** Every role that works on cases (the 安全管理员 and 审计管理员 do not). */
const STAFF: readonly Role[] = CASE_ROLES;

export const PERMISSIONS = {
  /**
   * The case work: a route that names no permission (cases, their lists, the 工作台, documents) is
   * for these roles. The 安全管理员 and 审计管理员 (三员分立) reach only what names their role.
   */
  workOnCases: STAFF,
  /** Any signed-in account, whatever its role: oneself (me, logout, password, second factor, 个人设置). */
  signedIn: ['clerk', 'coordinator', 'handler', 'leader', 'supervisor', 'admin', 'security_admin', 'auditor'],
  /** 登记反映件 (POST /cases) */
  intake: ['clerk', 'coordinator'],
  /** 事项目录: adding and importing matters (POST /matters, POST /matters/import); every staff role reads them */
  editMatters: ['coordinator', 'admin'],
  /** 分办建议 (GET /cases/{id}/suggestions): learned problem type, lead department, knowledge, similar cases */
  readSuggestions: ['coordinator'],
  /** 导入台账 (POST /ledger/import, the import page) */
  importLedger: ['coordinator', 'admin'],
  /** 统计分析 (GET /stats/*); handlers see their own department only */
  readStats: ['coordinator', 'leader', 'supervisor', 'admin', 'handler'],
  /** 部门考核 (GET /assessment, its Excel and Word) */
  readAssessment: COUNTY,
  /** 反复出现的问题 (GET /optimization/recurring) */
  readRecurring: COUNTY,
  /** 审计日志: reading the records (GET /audit/records) — not the 系统管理员 (三员分立) */
  readAuditRecords: ['supervisor', 'auditor'],
  /** 校验审计链 (GET /audit/verify) */
  verifyAudit: ['supervisor', 'admin', 'auditor'],
  /** “一件事一次办”套餐 and 典型案例: reading the published ones */
  readCatalogue: STAFF,
  /** …and the drafts as well */
  readDrafts: COUNTY,
  /** 新建、修改、发布“一件事一次办”套餐 */
  editPackages: ['coordinator'],
  /** 起草、发布典型案例 */
  editTypicalCases: ['coordinator', 'supervisor'],
  /** 部门管理 */
  manageDepartments: ['admin'],
  /** 用户管理: adding accounts, names, roles, disabling, setting a password (GET/POST/PATCH /users) */
  manageUsers: ['admin'],
  /** The account list (GET /users): the 系统管理员 manages it, the 安全管理员 unlocks and resets second factors from it */
  readUsers: ['admin', 'security_admin'],
  /** 安全管理员: unlocking an account, resetting its second factor (POST /users/{id}/unlock, /users/{id}/totp/reset) */
  manageCredentials: ['security_admin'],
  /** 安全管理员: the password and second-factor policy (settings passwordMaxAgeDays, totpRequiredRoles) */
  manageSecurityPolicy: ['security_admin'],
  /** 系统设置 (PUT /settings), but for the security policy ({@link SECURITY_POLICY_SETTINGS}) */
  manageSettings: ['admin'],
  /** PUT /settings at all: each key then needs manageSettings or manageSecurityPolicy */
  changeSettings: ['admin', 'security_admin'],
  /** 工作日历: entering a year's schedule */
  manageCalendar: ['admin'],
  /** 消息模板 and the outbox (投递状况, 重新投递) */
  manageNotifications: ['admin'],
  /** 接口密钥 and Webhook (integrations: 12345, 群工系统, the provincial platform) */
  manageApiKeys: ['admin'],
  /** 好差评 upward: the ratings export for the provincial platform (GET /exports/ratings) */
  exportRatings: ['coordinator', 'supervisor', 'admin'],
  /** 评价链接: a case's rating link to send the reporter again (GET /cases/{id}/rating-link) */
  sendRatingLinks: ['coordinator'],
  /** 电话告知: the messages the reporter could not get by SMS, read out by phone (已电话告知) */
  phoneReporters: ['coordinator'],
  /** The deadline lists of the 工作台 (超期, 即将到期) */
  watchDeadlines: ['coordinator', 'handler', 'leader', 'supervisor'],
  /** The 工作台's list of cases past a stage clock (环节超时), county-wide */
  watchStageClocks: ['coordinator', 'leader', 'supervisor'],
  /** 督办台账: the register of every 督办、通报、线索移送 (GET /supervision-records and its Excel) */
  viewSupervisionRegister: ['coordinator', 'leader', 'supervisor'],
  /** 回访工作台: the cases due for callback with the reporter's full phone (GET /callbacks, audited) */
  callbackDesk: ACTION_RULES.callback.roles,
  /** 知识库: reading published entries (GET /knowledge, /knowledge/search, /knowledge/{id}) */
  readKnowledge: STAFF,
  /** 知识库: writing entries (POST/PUT /knowledge); handlers only for their own department (core/knowledge.ts canWriteKnowledge) */
  writeKnowledge: ['coordinator', 'admin', 'handler'],
  /** 工作简报 for a period (GET /reports/briefing.docx) */
  readBriefing: ['coordinator', 'leader', 'supervisor'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** The settings that make the password and second-factor policy: the 安全管理员's (manageSecurityPolicy), not the 系统管理员's. */
export const SECURITY_POLICY_SETTINGS = ['passwordMaxAgeDays', 'totpRequiredRoles'] as const;

/** The permission needed to change a setting. */
export function settingPermission(key: string): Permission {
  return (SECURITY_POLICY_SETTINGS as readonly string[]).includes(key) ? 'manageSecurityPolicy' : 'manageSettings';
}

/** Whether a role holds the permission. The public reporter holds none. */
export function can(role: Role | 'public', permission: Permission): boolean {
  return role !== 'public' && (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** The roles holding a permission (for the OpenAPI document and messages). */
export function rolesWith(permission: Permission): readonly Role[] {
  return PERMISSIONS[permission];
}
