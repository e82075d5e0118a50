/**
 * Shapes of the API's answers as the web app reads them (server/cases/case.presenter.ts and the
 * other routes). Request bodies are typed from the zod schemas of core/api/schemas.ts instead.
 */
import type { CaseAction } from '../../../core/case-lifecycle';
import type {
  CaseStatus,
  Channel,
  Level,
  MeasureType,
  ProblemType,
  Rating,
  RejectCategory,
  ReplyChannel,
  ReporterKind,
  Role,
  VerifyOutcome,
} from '../../../core/domain';

export interface SessionUser {
  username: string;
  name: string;
  role: Role;
  roleLabel: string;
  department: string | null;
}

export interface LoginAnswer {
  token: string;
  csrfToken: string;
  user: SessionUser;
}

export interface MeAnswer {
  user: SessionUser;
  csrfToken: string;
}

/** Deadline fields shared by list rows and the detail. Instants are ISO 8601 with +08:00. */
export interface DeadlineFields {
  dueAt: string | null;
  dueProvisional: boolean;
  overdue: boolean;
  /** Due soon by the server's one rule (core/clocks.ts). */
  dueSoon: boolean;
  /** Working days from today to the deadline's day (0 on the day, negative once passed); null when no clock runs. */
  workingDaysLeft: number | null;
}

/** The fields a case has in the list and in full alike. */
interface CaseHead extends DeadlineFields {
  id: number;
  caseNo: string;
  channel: Channel;
  status: CaseStatus;
  statusLabel: string;
  level: Level | null;
  problemType: ProblemType | null;
  leadDepartment: string | null;
  leadDepartmentName: string | null;
  coDepartments: string[];
}

export interface CaseSummary extends CaseHead {
  reporter: { name: string; phone: string; kind: ReporterKind; orgName: string | null };
  matter: string;
  receivedAt: string;
  completedAt: string | null;
  /** The deadline was extended at least once (延期). */
  extended?: boolean;
  /** A 延期 request awaits the coordinator. */
  pendingExtension?: boolean;
  version: number;
}

export interface CasePage {
  items: CaseSummary[];
  nextCursor: string | null;
}

export interface TimelineEntry {
  type: string;
  at: string;
  by: string;
  byName: string;
  /** A role, or 'system' for what the platform did by itself (deadline sweep, reminders). */
  byRole: Role | 'system' | (string & {});
  data: Record<string, unknown>;
}

export interface Measure {
  id?: number;
  type: MeasureType;
  note: string | null;
  dueAt: string | null;
  staff: string | null;
  by: string;
  at: string;
  /** 容缺 promise: when the reminder (one working day before) went out. */
  remindedAt?: string | null;
  /** 容缺 promise: when it was found missed. */
  missedAt?: string | null;
  missed?: boolean;
}

export interface CallbackRecord {
  attitude: Rating;
  result: Rating;
  efficiency: Rating;
  integrity: Rating;
  comment: string | null;
  bad: boolean;
  at: string;
  by: string;
}

export interface VerificationRecord {
  substantiated: boolean;
  outcome: VerifyOutcome;
  note: string | null;
  at: string;
  by: string;
}

export interface AssignmentSheet {
  sheetNo: string;
  level: Level;
  leadDepartment: string;
  coDepartments: string[];
  dueAt: string;
  issuedAt: string;
  issuedBy: string;
}

export interface CaseDetail extends CaseHead {
  coDepartmentNames: string[];
  departmentCodes: string[];
  reporter: { name: string; phone: string; kind: ReporterKind; orgName: string | null; orgCode: string | null };
  matter: string;
  description: string;
  reason: string | null;
  receivedAt: string;
  createdBy: string;
  assignmentNo: string | null;
  escalatedFrom: CaseStatus | null;
  resolvedOnSpot: boolean;
  firstCompletedAt: string | null;
  firstCompletedOnTime: boolean | null;
  completedAt: string | null;
  closedAt: string | null;
  result: string | null;
  repliedVia: ReplyChannel | null;
  rejection: { reasonCategory: RejectCategory; explanation: string | null } | null;
  callback: CallbackRecord | null;
  callbackCount: number;
  verification: VerificationRecord | null;
  version: number;
  updatedAt: string;
  events: TimelineEntry[];
  measures: Measure[];
  assignmentSheets: AssignmentSheet[];
  /** A 延期 request awaiting the coordinator. */
  pendingExtension?: { dueAt: string; reason: string; by: string; at: string } | null;
  extensionCount?: number;
  extended?: boolean;
  /** 督办单, 通报 and 线索移送 records of the case. */
  supervisionRecords?: SupervisionRecord[];
  /** 通报 is required (不给办, or a substantiated 差评) … */
  circulationRequired?: boolean;
  /** … and whether it was made. */
  circulated?: boolean;
  /** Required, not yet made, and still possible in this state (core isCirculationPending). */
  circulationPending: boolean;
  allowedActions: CaseAction[];
}

export interface SupervisionRecord {
  kind: 'supervise' | 'circulate' | 'referral' | string;
  recordNo: string | null;
  department: string | null;
  dueAt: string | null;
  text: string;
  by: string;
  at: string;
}

export interface Department {
  code: string;
  name: string;
  disabled: boolean;
}

export interface UserRow {
  id: number;
  username: string;
  name: string;
  role: Role;
  roleLabel: string;
  department: string | null;
  disabled: boolean;
  locked: boolean;
  createdAt: string;
}

export interface Settings {
  levelDays: { 1: number; 2: number };
  sessionIdleMinutes: number;
  countyName: string;
  hotlines: string[];
  publicBaseUrl: string;
  dueSoonWorkingDays: number;
  /** 部门考核: weights of the three rates (summing to 100), penalties, minimum sample. */
  assessment: {
    weights: { onTime: number; satisfaction: number; noBadReview: number };
    penaltyPerCirculation: number;
    penaltyPerSubstantiated: number;
    minSample: number;
  };
}

export interface DeadlinePreview {
  deadline: string;
  date: string;
  provisional: boolean;
  start: string;
  workingDays: number;
}

export interface CalendarYearInfo {
  year: number;
  source: string;
  updatedAt: string;
  updatedBy: string | null;
  holidays: number;
  workdays: number;
}

export interface YearScheduleBody {
  holidays: Array<{ date: string; name: string }>;
  workdays: Array<{ date: string; name: string }>;
}

export type { StatsFigures } from '../../../core/api/stats';
import type { StatsFigures, MonthFigures } from '../../../core/api/stats';

export interface DepartmentStats extends StatsFigures {
  department: string;
  name: string;
}

export type MonthlyStats = MonthFigures;

export interface AssessmentFormula {
  weights: { onTime: number; satisfaction: number; noBadReview: number };
  penaltyPerCirculation: number;
  penaltyPerSubstantiated: number;
  minSample: number;
  text: string;
}

export interface AssessmentRow {
  department: string;
  name: string;
  received: number;
  completed: number;
  onTimeRate: number | null;
  callbacks: number;
  satisfactionRate: number | null;
  badReviews: number;
  badReviewsSubstantiated: number;
  badReviewRate?: number | null;
  circulations: number;
  supervisions: number;
  referrals: number;
  overdueOpen: number;
  score: number | null;
  rank: number | null;
  ranked: boolean;
  note: string | null;
}

export interface AssessmentAnswer {
  from: string;
  to: string;
  formula: AssessmentFormula;
  items: AssessmentRow[];
}

export interface RecurringAnswer {
  from?: string;
  to?: string;
  matters: Array<{ matter: string; count: number; departments: number }>;
  departmentProblemTypes: Array<{ department: string; problemType: ProblemType; count: number }>;
  repeatReporters: Array<{ phone: string; matter: string; count: number; firstCaseNo: string; lastCaseNo: string }>;
}

export type PublishStatus = 'draft' | 'published';

export interface ServicePackage {
  id: number;
  name: string;
  departments: string[];
  materialsBefore: string;
  materialsAfter: string;
  stepsBefore: string;
  stepsAfter: string;
  sourceCaseIds: number[];
  status: PublishStatus;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface TypicalCase {
  id: number;
  caseId: number;
  caseNo: string;
  kind: 'good' | 'negative';
  title: string;
  summary: string;
  status: PublishStatus;
  createdBy: string;
  createdAt: string;
  publishedBy: string | null;
  publishedAt: string | null;
}

export interface AppNotification {
  id: number;
  topic: string;
  topicLabel: string;
  caseId: number | null;
  caseNo: string | null;
  title: string;
  body: string;
  createdAt: string;
  read: boolean;
  readAt: string | null;
}

export interface NotificationPage {
  items: AppNotification[];
  unreadCount: number;
  nextCursor: string | null;
}

/** POST /ledger/import → 200. */
export interface ImportResult {
  fileName: string;
  sheet: string;
  rows: number;
  imported: number;
  skipped: number;
  skippedCaseNos: string[];
  /** SM3 digest of the uploaded file (kept in the audit record). */
  sm3: string;
}

/** One line of the row-level report of a refused import (`error.details`). */
export interface ImportIssue {
  /** Excel row number; null for a problem of the whole file. */
  row: number | null;
  /** Column header; null for a problem of the whole file or row. */
  column: string | null;
  /** Cell address such as F7. */
  cell: string | null;
  message: string;
}

/** GET /cases/todo. */
export interface TodoAnswer {
  items: Array<{ kind: string; label: string; count: number; query: string }>;
  overdue: number;
  dueSoon: number;
}

/** GET /activity. */
export interface ActivityItem {
  caseId: number;
  caseNo: string;
  matter: string;
  type: string;
  at: string;
  by: string;
  byName: string;
  data?: Record<string, unknown>;
}

/** One message template (GET /notification-templates). */
export interface NotificationTemplate {
  topic: string;
  topicLabel: string;
  audience: 'reporter' | 'department' | 'supervisor' | 'coordinator' | 'leader';
  audienceLabel: string;
  channel: 'sms' | 'inapp';
  title: string;
  body: string;
  defaultTitle: string;
  defaultBody: string;
  customized: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface NotificationTemplatesAnswer {
  items: NotificationTemplate[];
  placeholders: Array<{ name: string; token: string; label: string }>;
  limits: { title: number; body: number };
}

/** GET /notification-outbox: what is waiting to be delivered and what keeps failing. */
export interface OutboxStatus {
  pending: number;
  retrying: number;
  dead: number;
  now: string;
  failures: Array<{
    id: number;
    topic: string;
    topicLabel: string;
    caseId: number | null;
    recipient: string;
    attempts: number;
    lastError: string | null;
    dead: boolean;
    createdAt: string;
    nextAttemptAt: string | null;
  }>;
}

/** One record of the audit chain (GET /audit/records). */
export interface AuditRecord {
  seq: number;
  at: string;
  actor: string;
  actorName: string | null;
  action: string;
  actionLabel: string;
  entityType: string;
  entityLabel: string;
  entityId: string | null;
  caseNo: string | null;
  data: Record<string, unknown>;
  hash: string;
}
