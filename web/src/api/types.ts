/**
 * Shapes of the API's answers as the web app reads them: the zod schemas of core/api/responses.ts,
 * which the server's handlers are typed by and its tests check real answers against, are the one
 * source. Types only: nothing of this file (nor zod) reaches the bundle through it. Request bodies
 * are typed from the zod schemas of core/api/schemas.ts.
 */
import type { z } from 'zod';
import type * as R from '../../../core/api/responses';
import type * as K from '../../../core/api/knowledge';

type Out<T extends z.ZodType> = z.output<T>;
type Item<T extends z.ZodType> = Out<T> extends { items: Array<infer I> } ? I : never;

export type SessionUser = Out<typeof R.ZSessionUser>;
export type LoginAnswer = Out<typeof R.ZLoginResponse>;
export type MeAnswer = Out<typeof R.ZMeResponse>;

/** A case in the list (GET /cases): reporter's phone masked. Instants are ISO 8601 with +08:00. */
export type CaseSummary = Out<typeof R.ZCaseSummary>;
export type CasePage = Out<typeof R.ZCasePage>;
/** Deadline fields shared by list rows and the detail (due soon by the server's one rule, core/clocks.ts). */
export type DeadlineFields = Pick<CaseSummary, 'dueAt' | 'dueProvisional' | 'overdue' | 'dueSoon' | 'workingDaysLeft'>;

/** A case in full (GET /cases/{id}, and the answer of every action). */
export type CaseDetail = Out<typeof R.ZCase>;
export type TimelineEntry = Out<typeof R.ZTimelineEvent>;
export type Measure = Out<typeof R.ZMeasure>;
/** A file of a case (附件). */
export type Attachment = Out<typeof R.ZAttachment>;
export type CallbackRecord = Out<typeof R.ZCallbackRecord>;
export type VerificationRecord = Out<typeof R.ZVerificationRecord>;
export type AssignmentSheet = Out<typeof R.ZAssignmentSheetRecord>;
/** 督办单, 通报 and 线索移送 records of a case. */
export type SupervisionRecord = Out<typeof R.ZSupervisionRecord>;
/** One row of the 督办台账 (GET /supervision-records). */
export type SupervisionRegisterItem = Out<typeof R.ZSupervisionRegisterItem>;

/** The 回访工作台's queue (GET /callbacks): full phones, audited. */
export type CallbackDeskAnswer = Out<typeof R.ZCallbackDesk>;
export type CallbackDeskItem = Item<typeof R.ZCallbackDesk>;

export type Department = Out<typeof R.ZDepartment>;
/** A matter of the 事项目录 (GET /matters). */
export type Matter = Out<typeof R.ZMatter>;
/** 分办建议 of a case (GET /cases/{id}/suggestions). */
export type Suggestions = Out<typeof R.ZSuggestions>;
export type MatterImportResult = Out<typeof R.ZMatterImportResult>;
export type UserRow = Out<typeof R.ZUser>;
/** 个人设置 (GET/PUT /me/settings): one's own mobile number and staff SMS choices. */
export type MySettings = Out<typeof R.ZMySettings>;
export type Settings = Out<typeof R.ZSettingsResponse>;

export type DeadlinePreview = Out<typeof R.ZDeadlineAnswer>;
export type CalendarYearInfo = Item<typeof R.ZCalendarYears>;
/** A year's holidays and adjusted workdays (GET /calendar/years/{year}). */
export type YearSchedule = Out<typeof R.ZYearSchedule>;
/** The body of PUT /calendar/years/{year}: the schedule without its year. */
export type YearScheduleBody = Omit<YearSchedule, 'year'>;

export type { StatsFigures } from '../../../core/api/stats';
export type DepartmentStats = Item<typeof R.ZStatsDepartments>;
export type MonthlyStats = Out<typeof R.ZMonthFigures>;

export type AssessmentAnswer = Out<typeof R.ZAssessment>;
export type AssessmentFormula = AssessmentAnswer['formula'];
export type AssessmentRow = Item<typeof R.ZAssessment>;
export type RecurringAnswer = Out<typeof R.ZRecurring>;

export type ServicePackage = Out<typeof R.ZServicePackage>;
export type PublishStatus = ServicePackage['status'];
export type TypicalCase = Out<typeof R.ZTypicalCase>;

export type AppNotification = Out<typeof R.ZNotification>;
export type NotificationPage = Out<typeof R.ZNotificationPage>;

/** POST /ledger/import → 200. */
export type ImportResult = Out<typeof R.ZLedgerImportResult>;
/** One line of the row-level report of a refused import (`error.details`). */
export type ImportIssue = Out<typeof R.ZImportIssue>;

/** GET /cases/todo. */
export type TodoAnswer = Out<typeof R.ZTodo>;
/** GET /activity. */
export type ActivityItem = Item<typeof R.ZActivity>;

/** One message template (GET /notification-templates). */
export type NotificationTemplate = Out<typeof R.ZNotificationTemplate>;
export type NotificationTemplatesAnswer = Out<typeof R.ZNotificationTemplateList>;
/** GET /notification-outbox: what is waiting to be delivered and what keeps failing. */
export type OutboxStatus = Out<typeof R.ZOutboxState>;

/** One record of the audit chain (GET /audit/records). */
export type AuditRecord = Out<typeof R.ZAuditRecord>;

/** 接口密钥 (GET /api-keys); the created one carries `key`, shown once. */
export type ApiKeyRow = Out<typeof R.ZApiKey>;
export type ApiKeyCreated = Out<typeof R.ZApiKeyCreated>;
/** Webhook receivers and their deliveries. */
export type WebhookRow = Out<typeof R.ZWebhook>;
export type WebhookDelivery = Out<typeof R.ZWebhookDelivery>;
export type WebhookDeliveryPage = Out<typeof R.ZWebhookDeliveryPage>;

/** 知识库 (core/api/knowledge.ts). */
export type KnowledgeEntry = z.output<typeof K.ZKnowledge>;
export type KnowledgePage = z.output<typeof K.ZKnowledgePage>;
export type KnowledgeHit = z.output<typeof K.ZKnowledgeHit>;
export type KnowledgeSearchAnswer = z.output<typeof K.ZKnowledgeSearch>;
