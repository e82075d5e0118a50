/**
 * Row types of every table. Instants are UTC ISO 8601 strings ('2026-11-26T05:40:23.123Z'), dates
 * are Asia/Shanghai 'YYYY-MM-DD' strings, booleans are 0/1 integers, JSON is stored as text: the
 * same representation on SQLite and PostgreSQL.
 */
import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';

type Id = Generated<number>;

export interface DepartmentTable {
  code: string;
  name: string;
  disabled: ColumnType<number, number | undefined, number>;
  created_at: string;
}

export interface UserTable {
  id: Id;
  username: string;
  name: string;
  role: string;
  department_code: string | null;
  password_hash: string;
  disabled: ColumnType<number, number | undefined, number>;
  failed_logins: ColumnType<number, number | undefined, number>;
  locked_until: string | null;
  created_at: string;
  /** The channel this account takes reports on (014): one of core/domain CHANNELS, or null (the role's default). */
  intake_channel: ColumnType<string | null, string | null | undefined, string | null>;
  /** The user's own mobile number (019), sealed (server/security/pii.ts), or null. */
  mobile: ColumnType<string | null, string | null | undefined, string | null>;
  /** JSON array of the staff SMS events chosen (019; core/staff-sms.ts), or null: the role's defaults. */
  sms_events: ColumnType<string | null, string | null | undefined, string | null>;
  /** 022: 1 when an administrator set the password — the next login must change it. */
  must_change_password: ColumnType<number, number | undefined, number>;
  /** 022: when the password was last set (null: since created_at). */
  password_changed_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** 022: the enabled TOTP secret (base32), sealed; null when the user has none. */
  totp_secret: ColumnType<string | null, string | null | undefined, string | null>;
  /** 022: a TOTP secret set up but not confirmed yet (sealed), or null. */
  totp_pending: ColumnType<string | null, string | null | undefined, string | null>;
  /** 022: the last 30-second step whose code was accepted (a code works once). */
  totp_last_step: ColumnType<number | null, number | null | undefined, number | null>;
  /** 022: JSON array of the SM3 hashes of the unused recovery codes. */
  totp_recovery: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface SessionTable {
  /** SM3 hash of the bearer token; the token itself is never stored. */
  token_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  /** 022: 'password' or 'totp_setup' — the session may only change the password / set up TOTP; null = unrestricted. */
  restriction: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Gap-free per-year counters (case numbers, assignment sheet numbers). */
export interface CounterTable {
  name: string;
  year: number;
  value: number;
}

export interface CaseTable {
  id: Id;
  case_no: string;
  year: number;
  seq: number;
  channel: string;
  status: string;
  level: number | null;
  problem_type: string | null;
  lead_department: string | null;
  /** JSON array of department codes. */
  co_departments: string;
  /** JSON array of department codes named at intake. */
  named_departments: string;
  reporter_name: string;
  reporter_phone: string;
  reporter_kind: string;
  reporter_org_name: string | null;
  reporter_org_code: string | null;
  /** 138****0000, in clear (lists and exports show only this). */
  reporter_phone_masked: string | null;
  /** Keyed blind index of the phone (server/security/pii.ts). */
  reporter_phone_index: string | null;
  /** When the retention job erased the reporter's personal data (023), or null. */
  reporter_erased_at: string | null;
  matter: string;
  description: string;
  reason: string | null;
  received_at: string;
  /** Asia/Shanghai date of received_at. */
  received_date: string;
  created_by: string;
  due_at: string | null;
  due_provisional: number;
  deadline_start_at: string | null;
  deadline_days: number | null;
  escalated_from: string | null;
  assignment_no: string | null;
  first_completed_at: string | null;
  first_completed_on_time: number | null;
  completed_at: string | null;
  closed_at: string | null;
  resolved_on_spot: number;
  result: string | null;
  replied_via: string | null;
  reject_category: string | null;
  reject_explanation: string | null;
  /** JSON of the latest callback. */
  callback: string | null;
  callback_count: number;
  ever_bad_review: number;
  latest_callback_bad: number;
  /** JSON of the latest verification. */
  verification: string | null;
  ever_substantiated: number;
  version: number;
  updated_at: string;
  /** JSON of a 延期 request awaiting approval. */
  pending_extension: ColumnType<string | null, string | null | undefined, string | null>;
  /** Deadline the first completion is judged by when an extension was approved late. */
  on_time_due_at: ColumnType<string | null, string | null | undefined, string | null>;
  extension_count: ColumnType<number, number | undefined, number>;
  /** JSON of a 派单异议 awaiting the coordinator (migration 009). */
  pending_contest: ColumnType<string | null, string | null | undefined, string | null>;
  /** JSON list of the departments that have contested the case. */
  contested_by: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the current lead department was made lead. */
  lead_since: ColumnType<string | null, string | null | undefined, string | null>;
  callback_attempts: ColumnType<number, number | undefined, number>;
  closed_unreachable: ColumnType<number, number | undefined, number>;
  /** The main case this one was merged into (并件). */
  merged_into: ColumnType<number | null, number | null | undefined, number | null>;
  /** 重办: how often the closed case was reopened. */
  reopen_count: ColumnType<number, number | undefined, number>;
  /** The stage clock (core/clocks.ts): when the case entered its waiting stage, and that stage's deadline. */
  stage_started_at: ColumnType<string | null, string | null | undefined, string | null>;
  stage_due_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** Added by 011: the ticket number in the system that pushed the case (unique together). */
  external_system: ColumnType<string | null, string | null | undefined, string | null>;
  external_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** SM3 of the canonical intake body that came with the ticket (a replay with another body → 409). */
  external_body_hash: ColumnType<string | null, string | null | undefined, string | null>;
  /** Added by 021: the 事项目录 code chosen at intake, or null. */
  matter_code: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CaseCoPartTable {
  case_id: number;
  department_code: string;
  opinion: string;
  by_user: string;
  at: string;
}

export interface CaseCallbackAttemptTable {
  id: Id;
  case_id: number;
  outcome: string;
  note: string | null;
  by_user: string;
  at: string;
}

export interface CaseDepartmentTable {
  case_id: number;
  department_code: string;
  /** 'lead' or 'co'. */
  role: string;
  /** Its case's status, kept by triggers (migration 024): filled in on insert, never written by the server. */
  status: Generated<string | null>;
  /** Its case's intake time, kept by triggers (migration 029): the department's lists in intake order. */
  received_at: Generated<string | null>;
  /** Its case's dispatch deadline, kept by triggers (migration 031): a department's overdue lists read from its rows. */
  due_at: Generated<string | null>;
}

export interface CaseEventTable {
  id: Id;
  case_id: number;
  type: string;
  at: string;
  by_user: string;
  by_name: string;
  by_role: string;
  /** JSON object. */
  data: string;
}

export interface MeasureTable {
  id: Id;
  case_id: number;
  type: string;
  note: string | null;
  due_at: string | null;
  staff: string | null;
  by_user: string;
  at: string;
  /** 措施完成 / 已补交 (migration 009). */
  fulfilled_at: ColumnType<string | null, string | null | undefined, string | null>;
  fulfilled_by: ColumnType<string | null, string | null | undefined, string | null>;
  fulfilled_note: ColumnType<string | null, string | null | undefined, string | null>;
  /** 撤回措施: a measure recorded by mistake (migration 017). */
  withdrawn_at: ColumnType<string | null, string | null | undefined, string | null>;
  withdrawn_by: ColumnType<string | null, string | null | undefined, string | null>;
  withdrawn_reason: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AssignmentSheetTable {
  id: Id;
  case_id: number;
  sheet_no: string;
  year: number;
  seq: number;
  level: number;
  lead_department: string;
  co_departments: string;
  due_at: string;
  issued_at: string;
  issued_by: string;
}

export interface IdempotencyKeyTable {
  user_id: number;
  key: string;
  body_hash: string;
  case_id: number;
  created_at: string;
}

export interface AuditLogTable {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  /** JSON object. */
  data: string;
  prev_hash: string;
  hash: string;
}

/** The single row (id = 1) holding the head of the audit chain. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface CalendarYearTable {
  year: number;
  source: string;
  updated_at: string;
  updated_by: string;
}

export interface CalendarDayTable {
  date: string;
  year: number;
  /** 'holiday' (放假) or 'workday' (调休上班). */
  kind: string;
  name: string;
}

/** One row (id 1): the check value of the data key that sealed the reporter data. */
export interface DataKeyCheckTable {
  id: number;
  check_value: string;
  created_at: string;
}

/** One counter per kind of reference data, raised by triggers on its tables (migration 024; server/db/ref-cache.ts). */
export interface RefVersionTable {
  name: string;
  version: number;
}

export interface SettingTable {
  key: string;
  /** JSON value. */
  value: string;
  updated_at: string;
}

/** Transactional outbox: messages written with the change that causes them, delivered after commit. */
export interface OutboxTable {
  id: Id;
  topic: string;
  case_id: number | null;
  recipient: string;
  payload: string;
  created_at: string;
  available_at: string;
  attempts: number;
  delivered_at: string | null;
  last_error: string | null;
  /** Added by 003: 'sent' | 'skipped' (reason in last_error) | 'dead' (gave up after the last attempt); null while pending. */
  outcome: ColumnType<string | null, string | null | undefined, string | null>;
  /** Added by 018: 'phone' is a further outcome — the reporter cannot get an SMS (a landline); the text to read out. */
  phone_text: ColumnType<string | null, string | null | undefined, string | null>;
  /** Added by 018: the coordinator's 已电话告知. */
  phoned_at: ColumnType<string | null, string | null | undefined, string | null>;
  phoned_by: ColumnType<string | null, string | null | undefined, string | null>;
}

/** The reporter's rating link of a completed case (migration 018); only a hash of the token is kept. */
export interface RatingLinkTable {
  id: Id;
  case_id: number;
  /** Random, base64url; the token is derived from it with the data key (server/ratings/rating-links.ts). */
  nonce: string;
  /** SM3 of the token, hex. */
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: ColumnType<string | null, string | null | undefined, string | null>;
  created_by: string;
}

export interface LookupFailureTable {
  id: Id;
  /** 'case' or 'ip'. */
  scope: string;
  key: string;
  at: string;
}

export interface SupervisionRecordTable {
  id: Id;
  case_id: number;
  /** 'supervise' (督办), 'circulate' (通报), 'referral' (线索移送). */
  kind: string;
  record_no: string;
  department_code: string | null;
  due_at: string | null;
  text: string;
  by_user: string;
  at: string;
  at_date: string;
  /** 督办情况报告 of the lead department (migration 012); null until answered. */
  report: string | null;
  reported_at: string | null;
  reported_by: string | null;
  /** When the deadline sweep marked the 督办 overdue without a report (once). */
  overdue_marked_at: string | null;
  /** 线索处理结果 of 纪委 for a 线索移送. */
  result: string | null;
  result_at: string | null;
  result_by: string | null;
}

/** The 会商 of the 工作组 recorded with an approved escalation (migration 012). */
export interface CaseMeetingTable {
  id: Id;
  case_id: number;
  held_at: string;
  convenor: string;
  /** JSON: [{ department, people }]. */
  attendees: string;
  decision: string;
  by_user: string;
  at: string;
}

export interface CaseDeadlineMarkTable {
  case_id: number;
  /** 'due_soon' or 'overdue'. */
  kind: string;
  due_at: string;
  marked_at: string;
}

export interface CaseStatsTable {
  /** 'd:YYYY-MM-DD' or 'm:YYYY-MM' (Asia/Shanghai date of intake). */
  bucket: string;
  /** '' when not dispatched. */
  lead_department: string;
  /** 'total', 'channel', 'problem_type', 'level' or 'status'. */
  dim: string;
  value: string;
  n: number;
  on_spot: number;
  completed: number;
  on_time: number;
  callbacks: number;
  satisfied: number;
  bad: number;
  substantiated: number;
}

export interface ServicePackageTable {
  id: Id;
  name: string;
  departments: string;
  materials_before: string;
  materials_after: string;
  steps_before: string;
  steps_after: string;
  source_case_ids: string;
  status: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface TypicalCaseTable {
  id: Id;
  case_id: number;
  /** 'good' (good practice) or 'negative'. */
  kind: string;
  title: string;
  summary: string;
  /** 'draft' or 'published'. */
  status: string;
  created_by: string;
  created_at: string;
  published_by: string | null;
  published_at: string | null;
}

/** In-app notifications for staff (the bell): one row per outbox message and user. */
export interface NotificationTable {
  id: Id;
  user_id: number;
  /** The outbox message it was delivered from (unique with user_id). */
  outbox_id: number | null;
  topic: string;
  case_id: number | null;
  title: string;
  body: string;
  created_at: string;
  read_at: string | null;
}

/** An admin's edit of a built-in notification template; no row = the built-in default. */
export interface NotificationTemplateTable {
  topic: string;
  /** 'reporter' | 'department' | 'supervisor' | 'coordinator' | 'leader'. */
  audience: string;
  title: string;
  body: string;
  updated_at: string;
  updated_by: string;
}

/** Reminder / missed flags of a tracked measure (容缺受理 promise), keyed by measure id. */
export interface MeasureTrackingTable {
  measure_id: number;
  case_id: number;
  reminded_at: string | null;
  missed_at: string | null;
}

/** Rate-limit events of the public pages (e.g. online reports per client address). */
export interface PublicRateEventTable {
  id: Id;
  scope: string;
  key: string;
  at: string;
}

/** Keys of integrations (011): only the SM3 hash of the key is stored. */
export interface ApiKeyTable {
  id: Id;
  name: string;
  role: string;
  department_code: string | null;
  key_hash: string;
  /** The first characters of the key, to tell keys apart in the list. */
  key_prefix: string;
  created_at: string;
  created_by: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** Requests per API key and minute (013), shared by every instance; `minute` = whole minutes since the epoch. */
export interface ApiKeyRateTable {
  key_id: number;
  minute: number;
  requests: number;
}

/** Webhook receivers (011). `events` is a JSON array; `secret` is the shared HMAC secret (needed in clear to sign). */
export interface WebhookTable {
  id: Id;
  url: string;
  events: string;
  secret: string;
  created_at: string;
  created_by: string;
  deleted_at: string | null;
}

/** One event for one receiver (011): the webhook outbox. */
export interface WebhookDeliveryTable {
  id: Id;
  webhook_id: number;
  event_id: string;
  type: string;
  case_id: number;
  /** The exact JSON body sent on every attempt. */
  body: string;
  created_at: string;
  available_at: string;
  attempts: ColumnType<number, number | undefined, number>;
  delivered_at: string | null;
  /** null while pending; 'sent' | 'dead' | 'cancelled'. */
  outcome: string | null;
  last_status: number | null;
  last_error: string | null;
}

export interface WebhookAttemptTable {
  id: Id;
  delivery_id: number;
  at: string;
  status: number | null;
  error: string | null;
  duration_ms: number;
}

/** A stored file of a case (016). The bytes are in the attachment storage under `storage_key`. */
export interface AttachmentTable {
  id: Id;
  case_id: number;
  /** evidence, promise, result, verification, other (core/attachments.ts). */
  kind: string;
  /** The name as given (Chinese kept). */
  name: string;
  size: number;
  mime: string;
  /** The type detected from the content: pdf, ofd, jpg, png, docx, xlsx, doc, xls. */
  file_type: string;
  /** SM3 of the bytes, 64 lowercase hex digits. */
  sm3: string;
  storage_key: string;
  note: string | null;
  /** staff, or public (the reporter's online report). */
  source: string;
  uploaded_by: string;
  uploaded_by_name: string;
  uploaded_at: string;
  withdrawn_at: string | null;
  withdrawn_by: string | null;
  withdrawn_reason: string | null;
}

/** An entry of the 知识库 (migration 020); arrays as JSON text. */
export interface KnowledgeTable {
  id: Id;
  title: string;
  category: string;
  /** policy, materials, guide, faq (core/knowledge.ts). */
  kind: string;
  /** The safe subset of HTML (core/knowledge.ts sanitizeKnowledgeBody). */
  body: string;
  issuer: string | null;
  keywords: string;
  departments: string;
  matter_codes: string;
  /** draft, published, expired. */
  status: string;
  review_due_at: string | null;
  review_reminded_at: string | null;
  /** Lower-cased title, keywords and body text (the ?q= search). */
  search_text: string;
  open_count: ColumnType<number, number | undefined, number>;
  link_count: ColumnType<number, number | undefined, number>;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
}

/** Which case used which knowledge entry (migration 020). */
export interface KnowledgeLinkTable {
  case_id: number;
  knowledge_id: number;
  linked_by: string;
  linked_at: string;
}

/** A source document of a knowledge entry (migration 020); bytes in the attachment storage. */
export interface KnowledgeFileTable {
  id: Id;
  knowledge_id: number;
  name: string;
  size: number;
  mime: string;
  /** pdf, ofd, docx, doc (core/knowledge.ts KNOWLEDGE_FILE_TYPES). */
  file_type: string;
  sm3: string;
  storage_key: string;
  uploaded_by: string;
  uploaded_at: string;
  removed_at: string | null;
  removed_by: string | null;
}


/** 事项目录 (021): the county's catalogue of government service matters. */
export interface MatterTable {
  code: string;
  name: string;
  department_code: string;
  created_at: string;
}

/** A trained triage model (021; core/triage-model.ts): the newest id is the one answered from. */
export interface TriageModelTable {
  id: Id;
  trained_at: string;
  problem_type_cases: number;
  department_cases: number;
  /** JSON of core/triage-model.ts TriageAccuracy. */
  accuracy: string;
  training_ms: number;
  /** JSON of core/triage-model.ts TriageModel. */
  model: string;
}

/** A scheduled job's next run (021), claimed by a conditional update so it runs once across instances. */
export interface JobClaimTable {
  name: string;
  next_at: string;
  claimed_at: string | null;
}

/** Requests per (route, client, fixed window), shared by every instance (023). */
export interface RateLimitHitTable {
  route: string;
  key: string;
  window: number;
  hits: number;
  expires_at: string;
}

/** One row per scheduled backup slot, claimed by exactly one instance (023). */
export interface BackupRunTable {
  slot: string;
  started_at: string;
  finished_at: string | null;
  file: string | null;
  error: string | null;
}

export interface Database {
  knowledge: KnowledgeTable;
  knowledge_files: KnowledgeFileTable;
  knowledge_links: KnowledgeLinkTable;
  matters: MatterTable;
  triage_models: TriageModelTable;
  job_claims: JobClaimTable;
  rate_limit_hits: RateLimitHitTable;
  backup_runs: BackupRunTable;
  attachments: AttachmentTable;
  api_keys: ApiKeyTable;
  api_key_rate: ApiKeyRateTable;
  webhooks: WebhookTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
  supervision_records: SupervisionRecordTable;
  case_meetings: CaseMeetingTable;
  case_deadline_marks: CaseDeadlineMarkTable;
  case_stats: CaseStatsTable;
  service_packages: ServicePackageTable;
  typical_cases: TypicalCaseTable;
  lookup_failures: LookupFailureTable;
  departments: DepartmentTable;
  users: UserTable;
  sessions: SessionTable;
  counters: CounterTable;
  cases: CaseTable;
  case_departments: CaseDepartmentTable;
  case_events: CaseEventTable;
  measures: MeasureTable;
  case_co_parts: CaseCoPartTable;
  case_callback_attempts: CaseCallbackAttemptTable;
  assignment_sheets: AssignmentSheetTable;
  idempotency_keys: IdempotencyKeyTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  calendar_years: CalendarYearTable;
  calendar_days: CalendarDayTable;
  settings: SettingTable;
  ref_versions: RefVersionTable;
  outbox: OutboxTable;
  rating_links: RatingLinkTable;
  notifications: NotificationTable;
  notification_templates: NotificationTemplateTable;
  measure_tracking: MeasureTrackingTable;
  public_rate_events: PublicRateEventTable;
  data_key_check: DataKeyCheckTable;
}

export type Db = Kysely<Database>;
/** A database handle or an open transaction: repositories accept either; the caller owns the transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;
