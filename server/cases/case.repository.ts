/** Data access for the case aggregate: plain functions over a database or a transaction. */
import { CLOCK_RUNNING_STATUSES, isClockRunningStatus, STAGE_CLOCK_STATUSES } from '../../core/clocks.js';
import { startOfShanghaiDay } from '../../core/working-days.js';
import { CompiledQuery, sql } from 'kysely';
import { canSeeCase, type Actor, type CaseChanges, type CaseState } from '../../core/case-lifecycle.js';
import { formatCaseNo, type CaseStatus, type Level, type ProblemType } from '../../core/domain.js';
import type { Insertable, Selectable, SelectQueryBuilder } from 'kysely';
import type { CaseEventTable, CaseTable, Executor, MeasureTable } from '../db/database.js';
import type { TimelineEventData, TimelineEventType } from '../../core/timeline-events.js';
import { applyRollup, rollupWrite, type RollupSource } from '../stats/rollup.js';
import { caseTextWrite, indexCaseText, matchesText, queryTokens, searchDocument } from './case-search.js';
import { isPostgres } from '../db/dialect.js';
import { fixedStatement, insertRows, quoteIdent } from '../db/plain-insert.js';
import { combineStatements, compiled, lateMarker, lateNumberMarker, type LateValue, type NamedPart, type Part } from '../db/together.js';
import { auditChainParts, chainsInDatabase, writeThenAudit, type AuditEntry } from '../audit/audit.repository.js';
import type { TCaseListQuery } from '../../core/api/schemas.js';
import { AppError, notFound } from '../errors.js';
import { phoneIndex, sealReporter, unseal, unsealNullable } from '../security/pii.js';
import { listDepartments } from '../users/user.repository.js';

/** A case as the server works with it (parsed columns). */
export interface CaseRecord extends CaseState {
  id: number;
  caseNo: string;
  channel: string;
  reporter: { name: string; phone: string; kind: string; orgName: string | null; orgCode: string | null };
  /** The phone masked as lists show it (stored in clear), when read from a row. */
  phoneMasked?: string | null;
  matter: string;
  /** The 事项目录 code chosen at intake (migration 021), or null. */
  matterCode: string | null;
  description: string;
  reason: string | null;
  namedDepartments: string[];
  receivedAt: string;
  receivedDate: string;
  createdBy: string;
  dueProvisional: boolean;
  deadlineStartAt: string | null;
  deadlineDays: number | null;
  assignmentNo: string | null;
  firstCompletedOnTime: boolean | null;
  completedAt: string | null;
  closedAt: string | null;
  resolvedOnSpot: boolean;
  result: string | null;
  repliedVia: string | null;
  rejectCategory: string | null;
  rejectExplanation: string | null;
  callback: Record<string, unknown> | null;
  callbackCount: number;
  everBadReview: boolean;
  verification: Record<string, unknown> | null;
  everSubstantiated: boolean;
  updatedAt: string;
  extensionCount: number;
  /** Closed as unreachable after unanswered callbacks (no rating counted). */
  closedUnreachable: boolean;
  /** The main case this one was merged into (并件), or null. */
  mergedInto: number | null;
  /** 重办: how often the closed case was reopened. */
  reopenCount: number;
  /** The stage clock (core/clocks.ts): when the case entered the stage it waits in, and that stage's own deadline. */
  stageStartedAt: string | null;
  stageDueAt: string | null;
  /** The ticket in the system that pushed the case (12345, 群工系统…), if any. */
  externalRef: { system: string; id: string } | null;
  /** The raw columns the statistics rollup depends on, as last read. */
  rollup: RollupSource;
}

type CaseRow = { [K in keyof CaseTable]: CaseTable[K] extends import('kysely').ColumnType<infer S, any, any> ? S : CaseTable[K] };

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/**
 * The reporter of a row, each sealed field opened (SM4 + HMAC check) only when it is first read: a
 * list page shows the name and the masked phone (stored in clear), so the phone and the credit code
 * of its 50 rows are never opened. The properties are ordinary enumerable ones to every reader
 * (spread, JSON), and a field whose seal fails throws when read, as it did when read eagerly.
 */
function lazyReporter(r: Pick<CaseRow, 'reporter_name' | 'reporter_phone' | 'reporter_kind' | 'reporter_org_name' | 'reporter_org_code'>): CaseRecord['reporter'] {
  let name: string | undefined;
  let phone: string | undefined;
  let orgCode: string | null | undefined;
  return {
    get name() {
      return (name ??= unseal(r.reporter_name));
    },
    get phone() {
      return (phone ??= unseal(r.reporter_phone));
    },
    kind: r.reporter_kind,
    orgName: r.reporter_org_name,
    get orgCode() {
      return orgCode === undefined ? (orgCode = unsealNullable(r.reporter_org_code)) : orgCode;
    },
  };
}

export function rowToCase(r: CaseRow): CaseRecord {
  return {
    id: r.id,
    caseNo: r.case_no,
    channel: r.channel,
    status: r.status as CaseStatus,
    version: r.version,
    level: (r.level as Level | null) ?? null,
    problemType: (r.problem_type as ProblemType | null) ?? null,
    leadDepartment: r.lead_department,
    coDepartments: parseJson<string[]>(r.co_departments, []),
    dueAt: r.due_at,
    escalatedFrom: (r.escalated_from as CaseStatus | null) ?? null,
    firstCompletedAt: r.first_completed_at,
    reporter: lazyReporter(r),
    phoneMasked: r.reporter_phone_masked ?? null,
    matter: r.matter,
    matterCode: r.matter_code ?? null,
    description: r.description,
    reason: r.reason,
    namedDepartments: parseJson<string[]>(r.named_departments, []),
    receivedAt: r.received_at,
    receivedDate: r.received_date,
    createdBy: r.created_by,
    dueProvisional: r.due_provisional === 1,
    deadlineStartAt: r.deadline_start_at,
    deadlineDays: r.deadline_days,
    assignmentNo: r.assignment_no,
    firstCompletedOnTime: r.first_completed_on_time === null ? null : r.first_completed_on_time === 1,
    completedAt: r.completed_at,
    closedAt: r.closed_at,
    resolvedOnSpot: r.resolved_on_spot === 1,
    result: r.result,
    repliedVia: r.replied_via,
    rejectCategory: r.reject_category,
    rejectExplanation: r.reject_explanation,
    callback: parseJson<Record<string, unknown> | null>(r.callback, null),
    callbackCount: r.callback_count,
    everBadReview: r.ever_bad_review === 1,
    verification: parseJson<Record<string, unknown> | null>(r.verification, null),
    everSubstantiated: r.ever_substantiated === 1,
    updatedAt: r.updated_at,
    pendingExtension: parseJson(r.pending_extension, null),
    onTimeDueAt: r.on_time_due_at,
    extensionCount: r.extension_count,
    pendingContest: parseJson(r.pending_contest, null),
    contestedBy: parseJson<string[]>(r.contested_by, []),
    leadSince: r.lead_since,
    callbackAttempts: r.callback_attempts,
    closedUnreachable: r.closed_unreachable === 1,
    mergedInto: r.merged_into,
    reopenCount: r.reopen_count,
    stageStartedAt: r.stage_started_at,
    stageDueAt: r.stage_due_at,
    externalRef: r.external_system !== null && r.external_id !== null ? { system: r.external_system, id: r.external_id } : null,
    rollup: {
      received_date: r.received_date,
      lead_department: r.lead_department,
      channel: r.channel,
      problem_type: r.problem_type,
      level: r.level,
      status: r.status,
      resolved_on_spot: r.resolved_on_spot,
      first_completed_at: r.first_completed_at,
      first_completed_on_time: r.first_completed_on_time,
      callback_count: r.callback_count,
      latest_callback_bad: r.latest_callback_bad,
      ever_bad_review: r.ever_bad_review,
      ever_substantiated: r.ever_substantiated,
      closed_unreachable: r.closed_unreachable,
    },
  };
}

/** Column values for the changes an action decided. */
export function changesToRow(c: CaseChanges, current: CaseRecord): Partial<CaseRow> {
  const row: Partial<CaseRow> = {};
  const b = (v: boolean) => (v ? 1 : 0);
  if (c.status !== undefined) row.status = c.status;
  if (c.level !== undefined) row.level = c.level;
  if (c.problemType !== undefined) row.problem_type = c.problemType;
  if (c.leadDepartment !== undefined) row.lead_department = c.leadDepartment;
  if (c.coDepartments !== undefined) row.co_departments = JSON.stringify(c.coDepartments);
  if (c.dueAt !== undefined) row.due_at = c.dueAt;
  if (c.dueProvisional !== undefined) row.due_provisional = b(c.dueProvisional);
  if (c.deadlineStartAt !== undefined) row.deadline_start_at = c.deadlineStartAt;
  if (c.deadlineDays !== undefined) row.deadline_days = c.deadlineDays;
  if (c.escalatedFrom !== undefined) row.escalated_from = c.escalatedFrom;
  if (c.firstCompletedAt !== undefined) row.first_completed_at = c.firstCompletedAt;
  if (c.firstCompletedOnTime !== undefined) row.first_completed_on_time = b(c.firstCompletedOnTime);
  if (c.completedAt !== undefined) row.completed_at = c.completedAt;
  if (c.closedAt !== undefined) row.closed_at = c.closedAt;
  if (c.resolvedOnSpot !== undefined) row.resolved_on_spot = b(c.resolvedOnSpot);
  if (c.result !== undefined) row.result = c.result;
  if (c.repliedVia !== undefined) row.replied_via = c.repliedVia;
  if (c.rejectCategory !== undefined) row.reject_category = c.rejectCategory;
  if (c.rejectExplanation !== undefined) row.reject_explanation = c.rejectExplanation;
  if (c.callback !== undefined) {
    row.callback = JSON.stringify(c.callback);
    row.callback_count = current.callbackCount + 1;
    row.latest_callback_bad = b(c.callback.bad);
    if (c.callback.bad) row.ever_bad_review = 1;
  }
  if (c.verification !== undefined) {
    row.verification = JSON.stringify(c.verification);
    if (c.verification.substantiated) row.ever_substantiated = 1;
  }
  if (c.pendingExtension !== undefined) row.pending_extension = c.pendingExtension ? JSON.stringify(c.pendingExtension) : null;
  if (c.onTimeDueAt !== undefined) row.on_time_due_at = c.onTimeDueAt;
  if (c.extended) row.extension_count = current.extensionCount + 1;
  if (c.pendingContest !== undefined) row.pending_contest = c.pendingContest ? JSON.stringify(c.pendingContest) : null;
  if (c.contestedBy !== undefined) row.contested_by = JSON.stringify([...(current.contestedBy ?? []), c.contestedBy]);
  if (c.leadSince !== undefined) row.lead_since = c.leadSince;
  if (c.callbackAttempt !== undefined) row.callback_attempts = (current.callbackAttempts ?? 0) + 1;
  if (c.closedUnreachable !== undefined) row.closed_unreachable = b(c.closedUnreachable);
  if (c.mergedInto !== undefined) row.merged_into = c.mergedInto;
  if (c.reopened) row.reopen_count = current.reopenCount + 1;
  if (c.rejectionWithdrawn) {
    row.reject_category = null;
    row.reject_explanation = null;
  }
  const fix = c.corrections;
  if (fix) {
    if (fix.matter !== undefined) row.matter = fix.matter;
    if (fix.description !== undefined) row.description = fix.description;
    if (fix.reason !== undefined) row.reason = fix.reason;
    if (fix.channel !== undefined) row.channel = fix.channel;
    if (fix.reporter !== undefined) {
      Object.assign(row, sealReporter({ name: fix.reporter.name, phone: fix.reporter.phone, orgCode: fix.reporter.orgCode ?? null }));
      row.reporter_kind = fix.reporter.kind;
      row.reporter_org_name = fix.reporter.orgName ?? null;
    }
  }
  return row;
}

/** The stage clock's columns when a decision moved the case into another stage. */
export function stageToRow(stage: { stageStartedAt: string; stageDueAt: string | null } | undefined): Partial<CaseRow> {
  return stage ? { stage_started_at: stage.stageStartedAt, stage_due_at: stage.stageDueAt } : {};
}

/** Parses a path id; anything but a positive integer is simply not found. */
export function parseCaseId(raw: string): number | null {
  if (!/^[1-9]\d{0,14}$/.test(raw)) return null;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n <= 2_147_483_647 ? n : null;
}

export async function findCaseById(db: Executor, id: number): Promise<CaseRecord | undefined> {
  const row = await db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToCase(row as CaseRow) : undefined;
}

export async function findCaseByNo(db: Executor, caseNo: string): Promise<CaseRecord | undefined> {
  const row = await db.selectFrom('cases').selectAll().where('case_no', '=', caseNo).executeTakeFirst();
  return row ? rowToCase(row as CaseRow) : undefined;
}

/** Next value of a gap-free per-year counter. Holds the counter's row lock until the transaction ends. */
export async function nextCounter(trx: Executor, name: string, year: number): Promise<number> {
  const { rows } = await trx.executeQuery<{ value: number }>(
    fixedStatement(trx, 'insert into "counters" ("name", "year", "value") values (?, ?, 1) on conflict ("name", "year") do update set "value" = "counters"."value" + 1 returning "value"', [name, year]),
  );
  return rows[0]!.value;
}

/**
 * Inserts a case; answers the stored case (the row as inserted, defaults filled) and the writes that
 * must follow in the same transaction — its statistics rollup (to run before the audit chain's head
 * is taken) and its search index entry (to run with the caller's other writes).
 */
export async function insertCase(trx: Executor, values: Insertable<CaseTable> & RollupSource): Promise<{ record: CaseRecord; rollup: Part | null; search: Part }> {
  const writes = caseWritesFor(trx, values);
  const row = (await trx.executeQuery<CaseRow>(insertRows(trx, 'cases', [values], 'returning *'))).rows[0]!;
  return { record: rowToCase(row), rollup: writes.rollup, search: writes.search(row.id) };
}

export { formatCaseNo };

/**
 * Numbers and inserts a new case: the year's next `case` counter value as its `seq`, its case
 * number ({@link formatCaseNo}) from it; answers as {@link insertCase} does — the stored row is
 * where the number is to be read from. On PostgreSQL the counter and the case row are one
 * statement (`with n as (insert into counters … on conflict … returning value) insert into cases
 * … returning *`, the number formatted in SQL exactly as `formatCaseNo` does): the counter's row
 * lock, the queue of concurrent intakes, is taken one round trip later and the intake makes one
 * round trip fewer. On SQLite (no data-modifying CTEs; a statement is a call in the same process)
 * {@link nextCounter}, then {@link insertCase}.
 */
export async function insertNumberedCase(trx: Executor, values: UnnumberedCaseRow): Promise<{ record: CaseRecord; rollup: Part | null; search: Part }> {
  if (!isPostgres(trx)) {
    const seq = await nextCounter(trx, 'case', values.year);
    return insertCase(trx, { ...values, seq, case_no: formatCaseNo(values.year, seq) });
  }
  const { columns, parameters } = numberedInsertValues(values);
  const writes = caseWritesFor(trx, values);
  const row = (await trx.executeQuery<CaseRow>(CompiledQuery.raw(numberedInsertTexts(columns).together, parameters))).rows[0]!;
  return { record: rowToCase(row), rollup: writes.rollup, search: writes.search(row.id) };
}

/** The row's columns and values, then the year twice (the counter's key, the number's text): $1 … $k+2. */
function numberedInsertValues(values: UnnumberedCaseRow): { columns: string[]; parameters: unknown[] } {
  const row0 = values as unknown as Record<string, unknown>;
  const columns = Object.keys(row0).filter((k) => row0[k] !== undefined);
  const parameters: unknown[] = columns.map((c) => row0[c]);
  parameters.push(values.year, String(values.year));
  return { columns, parameters };
}

const numberedTexts = new Map<string, { together: string; counter: string; insert: string }>();

/**
 * PostgreSQL: the year's counter (`counter`, the year as $1) and the case row (`insert`, the row's k
 * values then the year's text: $1 … $k+1, the counter read from the CTE `n`), and the two as one
 * statement (`together`, parameters as {@link numberedInsertValues} makes them); written once per
 * column set (kysely built this 60-column insert again on every intake). The number is formatted as
 * formatCaseNo does: padded to six digits, never cut (lpad alone would cut a seventh).
 */
function numberedInsertTexts(columns: string[]): { together: string; counter: string; insert: string } {
  const key = columns.join(',');
  let texts = numberedTexts.get(key);
  if (texts === undefined) {
    const k = columns.length;
    const digits = '(select n.value::text from n)';
    const counter = (year: string) =>
      `insert into "counters" ("name", "year", "value") values ('case', ${year}, 1) ` +
      `on conflict ("name", "year") do update set "value" = "counters"."value" + 1 returning "value"`;
    const insert = (from: number, yearText: string) =>
      `insert into "cases" (${columns.map(quoteIdent).join(', ')}, "seq", "case_no") ` +
      `values (${columns.map((_, i) => `$${i + from}`).join(', ')}, (select n.value from n), ` +
      `cast(${yearText} as text) || '-' || lpad(${digits}, greatest(6, length(${digits})), '0')) returning *`;
    texts = { together: `with "n" as (${counter(`$${k + 1}`)}) ${insert(1, `$${k + 2}`)}`, counter: counter('$1'), insert: insert(1, `$${k + 1}`) };
    if (numberedTexts.size > 20) numberedTexts.clear();
    numberedTexts.set(key, texts);
  }
  return texts;
}

/**
 * What an intake writes after its case row, given the case's id and number (and, when it asked for
 * it, the stored case): its rows and its audit records. Called once; the id and number may be
 * markers the statement fills in ({@link writeNewCase}).
 */
export type NewCaseWrites = (
  trx: Executor,
  c: { id: number; caseNo: string; record: CaseRecord | null },
) => Promise<{ parts: ReadonlyArray<Part | null | undefined>; audits: AuditEntry[] }>;

/**
 * The columns PostgreSQL fills in a new case that the intake does not send (their defaults, constants
 * in the schema: `intake-answer.test.ts` checks), learned from the first intake of a column set
 * that answered with the whole row (`select *`); later intakes of the set ask back only the id and
 * number and the stored case is the values sent plus these (parsing the 64-column row was ≈ 60 µs of
 * node per intake). Learned only when every value sent came back as sent (a column the database
 * converts would otherwise be answered as sent, not as stored): else the whole row is always asked.
 */
const madeByDatabase = new WeakMap<object, Partial<CaseRow>>();

function learnDefaults(key: object, columns: readonly string[], sent: readonly unknown[], row: CaseRow): void {
  const stored = row as unknown as Record<string, unknown>;
  if (!columns.every((c, i) => Object.is(stored[c], sent[i]))) return;
  const sentNames = new Set([...columns, 'id', 'seq', 'case_no']);
  const made: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(stored)) if (!sentNames.has(k)) made[k] = v;
  madeByDatabase.set(key, Object.freeze(made) as Partial<CaseRow>);
}

const LATE_CASE_ID = lateNumberMarker();
const LATE_CASE_NO = lateMarker('case-no');
/** The new case's id and number as the one intake statement's CTE `c` has them. */
const NEW_CASE_LATE: readonly LateValue[] = [
  { marker: LATE_CASE_ID, sql: 'select "id" from "c"', textSql: 'select "id"::text from "c"' },
  { marker: LATE_CASE_NO, sql: 'select "case_no" from "c"', textSql: 'select "case_no" from "c"' },
];

/**
 * Numbers and writes a new case with everything its intake writes (its rollup and search entry,
 * then `follow`'s rows and audit records, the chain extended last); answers the stored case.
 *
 * On PostgreSQL with the audit chain computed in the database, and when `follow` needs no stored
 * case (`needsRecord`: a webhook's body does), all of it is ONE statement outside any transaction
 * (atomic by itself): `with n (counter), c (case row), the writes, cur/ch/adv (the chain's head), a
 * (the records), the rollup select * from c`. The writes name the case's id and number through markers that
 * become `(select … from "c")` ({@link LateValue}). An intake so makes one round trip instead of four
 * (begin, the case, the writes, commit), and the locks it takes — the year's counter, the chain's
 * head, the day's rollup rows — are held for the statement's execution and its commit only, never
 * across a round trip to this process. PostgreSQL runs the main query first (the counter, the case)
 * and then the other CTEs to completion from the last to the first, so the rollup is put last: the
 * day's rollup rows are locked before the chain's head, as a decision locks them (its rollup is a
 * statement before its audit record's) — in the opposite order an intake and a decision could each
 * hold the row the other waits for (a deadlock, found by `concurrency.test.ts`).
 *
 * Otherwise (SQLite, or the chain computed here) a transaction: {@link insertNumberedCase}, then
 * the writes and the records ({@link writeThenAudit}).
 */
export async function writeNewCase(db: Executor, values: UnnumberedCaseRow, follow: NewCaseWrites, opts: { needsRecord: boolean }): Promise<CaseRecord> {
  if (isPostgres(db) && chainsInDatabase(db) && !opts.needsRecord) {
    const { parts, audits } = await follow(db, { id: LATE_CASE_ID, caseNo: LATE_CASE_NO, record: null });
    const { columns, parameters } = numberedInsertValues(values);
    const texts = numberedInsertTexts(columns);
    const writes = caseWritesFor(db, values);
    const yearText = parameters.pop();
    const year = parameters.pop();
    const statement: Array<NamedPart | CompiledQuery> = [
      { name: 'n', query: CompiledQuery.raw(texts.counter, [year]) },
      { name: 'c', query: CompiledQuery.raw(texts.insert, [...parameters, yearText]) },
      compiled(writes.search(LATE_CASE_ID)),
      ...parts.filter((p): p is Part => !!p).map(compiled),
    ];
    if (audits.length) {
      const chain = auditChainParts(db, audits);
      statement.push(...chain.ctes, { name: 'a', query: chain.insert });
    }
    // Last in the list, so run before the chain's CTEs (see above).
    if (writes.rollup) statement.push(compiled(writes.rollup));
    const made = madeByDatabase.get(texts);
    const answer = made ? 'select "id", "seq", "case_no" from "c"' : 'select * from "c"';
    const { sql: text, parameters: all } = combineStatements(statement, CompiledQuery.raw(answer, []), NEW_CASE_LATE);
    const row = (await db.executeQuery<CaseRow>(CompiledQuery.raw(text, [...all]))).rows[0]!;
    if (made) return rowToCase({ ...made, ...(values as unknown as CaseRow), id: row.id, seq: row.seq, case_no: row.case_no });
    learnDefaults(texts, columns, parameters, row);
    return rowToCase(row);
  }
  return db.transaction().execute(async (trx) => {
    const { record, rollup, search } = await insertNumberedCase(trx, values);
    const { parts, audits } = await follow(trx, { id: record.id, caseNo: record.caseNo, record });
    // The rollup's rows before the chain's head (writeThenAudit takes the head first), as a decision does.
    if (rollup) await trx.executeQuery(compiled(rollup));
    await writeThenAudit(trx, [search, ...parts], audits);
    return record;
  });
}

/**
 * The writes that follow a new case in its transaction: its statistics rollup and its search entry
 * (apart: the rollup's rows are locked before the audit chain's head, see {@link writeNewCase}).
 * Prepared before the case row is written (only the search entry's id is filled in after): on
 * PostgreSQL the year's counter is locked from that statement to the commit, and other intakes wait
 * for it — no work that could be done before belongs in that window.
 */
function caseWritesFor(trx: Executor, values: UnnumberedCaseRow): { rollup: Part | null; search: (id: number) => Part } {
  const rollup = rollupWrite(trx, null, values);
  const document = searchDocument([values.matter, values.description, values.reporter_org_name]);
  return { rollup, search: (id) => caseTextWrite(trx, id, { document }) };
}

/**
 * Raises a gap-free per-year counter to at least `atLeast` (never lowers it). Holds the counter's
 * row lock until the transaction ends, as {@link nextCounter} does.
 */
export async function raiseCounter(trx: Executor, name: string, year: number, atLeast: number): Promise<void> {
  await trx
    .insertInto('counters')
    .values({ name, year, value: atLeast })
    .onConflict((oc) =>
      oc.columns(['name', 'year']).doUpdateSet({
        value: sql<number>`case when counters.value < excluded.value then excluded.value else counters.value end`,
      }),
    )
    .execute();
}

/** A case as first written: its state, and the history it already has (an imported case's). */
export interface NewCase {
  caseNo: string;
  year: number;
  seq: number;
  channel: string;
  status: CaseStatus;
  level: number | null;
  problemType: string | null;
  leadDepartment: string | null;
  coDepartments: string[];
  namedDepartments: string[];
  reporter: { name: string; phone: string; kind: string; orgName: string | null; orgCode: string | null };
  matter: string;
  description: string;
  reason: string | null;
  receivedAt: string;
  receivedDate: string;
  createdBy: string;
  dueAt: string | null;
  dueProvisional: boolean;
  deadlineStartAt: string | null;
  deadlineDays: number | null;
  escalatedFrom: CaseStatus | null;
  assignmentNo: string | null;
  firstCompletedAt: string | null;
  firstCompletedOnTime: boolean | null;
  completedAt: string | null;
  closedAt: string | null;
  resolvedOnSpot: boolean;
  result: string | null;
  repliedVia: string | null;
  rejectCategory: string | null;
  rejectExplanation: string | null;
  /** The latest callback (stored as given); its `bad` sets the review flags. */
  callback: ({ bad: boolean } & Record<string, unknown>) | null;
  /** The latest verification (stored as given); its `substantiated` sets the flag. */
  verification: ({ substantiated: boolean } & Record<string, unknown>) | null;
  updatedAt: string;
  /** The stage clock of the state it is written in (core/clocks.ts `enterStage`); absent = none yet. */
  stage?: { stageStartedAt: string; stageDueAt: string | null } | null;
}

/** What a case has of its outcome before anything was done with it (a new intake's). */
export const NO_OUTCOME_YET = {
  escalatedFrom: null,
  assignmentNo: null,
  firstCompletedAt: null,
  firstCompletedOnTime: null,
  completedAt: null,
  closedAt: null,
  resolvedOnSpot: false,
  result: null,
  repliedVia: null,
  rejectCategory: null,
  rejectExplanation: null,
  callback: null,
  verification: null,
} as const satisfies Partial<NewCase>;

/** The columns of a new case but its number (`case_no`, `seq`): what {@link insertNumberedCase} numbers. */
export type UnnumberedCaseRow = Omit<Insertable<CaseTable>, 'case_no' | 'seq'> & RollupSource;

/** The columns of a new case (version 1), the reporter sealed. */
export function newCaseRow(c: NewCase): Insertable<CaseTable> & RollupSource {
  const { year, ...rest } = unnumberedCaseRow(c);
  return { case_no: c.caseNo, year, seq: c.seq, ...rest };
}

/** The columns of a new case (version 1) whose number the database gives ({@link insertNumberedCase}). */
export function unnumberedCaseRow(c: Omit<NewCase, 'caseNo' | 'seq'>): UnnumberedCaseRow {
  const b = (v: boolean) => (v ? 1 : 0);
  return {
    year: c.year,
    channel: c.channel,
    status: c.status,
    level: c.level,
    problem_type: c.problemType,
    lead_department: c.leadDepartment,
    co_departments: JSON.stringify(c.coDepartments),
    named_departments: JSON.stringify(c.namedDepartments),
    ...sealReporter({ name: c.reporter.name, phone: c.reporter.phone, orgCode: c.reporter.orgCode }),
    reporter_kind: c.reporter.kind,
    reporter_org_name: c.reporter.orgName,
    matter: c.matter,
    description: c.description,
    reason: c.reason,
    received_at: c.receivedAt,
    received_date: c.receivedDate,
    created_by: c.createdBy,
    due_at: c.dueAt,
    due_provisional: b(c.dueProvisional),
    deadline_start_at: c.deadlineStartAt,
    deadline_days: c.deadlineDays,
    escalated_from: c.escalatedFrom,
    assignment_no: c.assignmentNo,
    first_completed_at: c.firstCompletedAt,
    first_completed_on_time: c.firstCompletedOnTime === null ? null : b(c.firstCompletedOnTime),
    completed_at: c.completedAt,
    closed_at: c.closedAt,
    resolved_on_spot: b(c.resolvedOnSpot),
    result: c.result,
    replied_via: c.repliedVia,
    reject_category: c.rejectCategory,
    reject_explanation: c.rejectExplanation,
    callback: c.callback ? JSON.stringify(c.callback) : null,
    callback_count: c.callback ? 1 : 0,
    ever_bad_review: b(c.callback?.bad ?? false),
    latest_callback_bad: b(c.callback?.bad ?? false),
    verification: c.verification ? JSON.stringify(c.verification) : null,
    ever_substantiated: b(c.verification?.substantiated ?? false),
    version: 1,
    updated_at: c.updatedAt,
    stage_started_at: c.stage?.stageStartedAt ?? null,
    stage_due_at: c.stage?.stageDueAt ?? null,
    closed_unreachable: 0,
  };
}

/**
 * Inserts many new cases in one statement (the caller bounds the batch) and indexes their text;
 * with `rollup` each is added to the statistics rollup (a bulk writer may rebuild it once
 * instead). Answers the new ids by case number.
 */
export async function insertCases(trx: Executor, rows: Array<Insertable<CaseTable> & RollupSource>, opts: { rollup: boolean }): Promise<Map<string, number>> {
  if (rows.length === 0) return new Map();
  const inserted = await trx.insertInto('cases').values(rows).returning(['id', 'case_no']).execute();
  const idOf = new Map(inserted.map((i) => [i.case_no, i.id]));
  if (opts.rollup) for (const v of rows) await applyRollup(trx, null, v);
  for (const v of rows) await indexCaseText(trx, idOf.get(v.case_no)!, [v.matter, v.description, v.reporter_org_name]);
  return idOf;
}

/** Which of the given case numbers exist. */
export async function existingCaseNos(db: Executor, caseNos: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < caseNos.length; i += 500) {
    const rows = await db.selectFrom('cases').select('case_no').where('case_no', 'in', caseNos.slice(i, i + 500)).execute();
    for (const r of rows) found.add(r.case_no);
  }
  return found;
}

/**
 * Writes the changes when the version still matches (409 VERSION_CONFLICT when it does not), with the
 * statistics rollup's move; answers the case as stored now.
 */
export async function updateCaseVersioned(
  trx: Executor,
  current: CaseRecord,
  changes: Partial<CaseRow>,
  now: string,
): Promise<CaseRecord> {
  const row = await trx
    .updateTable('cases')
    .set({ ...changes, version: current.version + 1, updated_at: now } as any)
    .where('id', '=', current.id)
    .where('version', '=', current.version)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new AppError('VERSION_CONFLICT', '该反映件已被他人更新，请刷新后重试');
  const after = { ...current.rollup } as RollupSource;
  for (const k of Object.keys(after) as Array<keyof RollupSource>) {
    if (k in changes) (after as any)[k] = (changes as any)[k];
  }
  await applyRollup(trx, current.rollup, after);
  return rowToCase(row as CaseRow);
}

/** Indexes the departments of new cases (no rows yet): the lead, then the co-departments. */
export async function addCaseDepartments(trx: Executor, cases: Array<{ caseId: number; lead: string | null; co: string[] }>): Promise<void> {
  const rows = cases.flatMap((c) => [
    ...(c.lead ? [{ case_id: c.caseId, department_code: c.lead, role: 'lead' }] : []),
    ...c.co.filter((d) => d !== c.lead).map((d) => ({ case_id: c.caseId, department_code: d, role: 'co' })),
  ]);
  for (let i = 0; i < rows.length; i += 500) await trx.insertInto('case_departments').values(rows.slice(i, i + 500)).execute();
}

/** Keeps the (case, department) index in step with the lead and co-departments. */
export async function setCaseDepartments(trx: Executor, caseId: number, lead: string | null, co: string[]): Promise<void> {
  await trx.deleteFrom('case_departments').where('case_id', '=', caseId).execute();
  const rows = [
    ...(lead ? [{ case_id: caseId, department_code: lead, role: 'lead' }] : []),
    ...co.filter((d) => d !== lead).map((d) => ({ case_id: caseId, department_code: d, role: 'co' })),
  ];
  if (rows.length) await trx.insertInto('case_departments').values(rows).execute();
}

/** Who wrote a timeline event: a user, `public` (网上平台) or `system`. */
export interface EventAuthor {
  username: string;
  name: string;
  role: string;
}

/** A timeline event as stored and read back (any type a past version wrote). */
export interface TimelineEvent {
  type: string;
  at: string;
  by: EventAuthor;
  data: Record<string, unknown>;
}

/** A timeline event to write: its type one of core/timeline-events.ts, its data that type's shape. */
export interface NewTimelineEvent<T extends TimelineEventType> {
  type: T;
  /** UTC ISO instant. */
  at: string;
  by: EventAuthor;
  data: TimelineEventData[T];
}

/** The row of a new timeline event, for writers that insert many at once (the ledger import). */
export function timelineEventRow<T extends TimelineEventType>(caseId: number, e: NewTimelineEvent<T>): Insertable<CaseEventTable> {
  return {
    case_id: caseId,
    type: e.type,
    at: e.at,
    by_user: e.by.username,
    by_name: e.by.name,
    by_role: e.by.role,
    data: JSON.stringify(e.data),
  };
}

/** Appends an event to the case's timeline; a wrong type name or data shape does not compile. */
export async function appendEvent<T extends TimelineEventType>(trx: Executor, caseId: number, e: NewTimelineEvent<T>): Promise<void> {
  await trx.executeQuery(eventWrite(trx, caseId, e));
}

/** The insert {@link appendEvent} runs, not executed (for `writeTogether`). */
export function eventWrite<T extends TimelineEventType>(trx: Executor, caseId: number, e: NewTimelineEvent<T>) {
  return insertRows(trx, 'case_events', [timelineEventRow(caseId, e)]);
}

/** Appends events to many cases in one statement (the caller bounds the batch). */
export async function appendEvents(trx: Executor, events: Array<{ caseId: number; event: NewTimelineEvent<TimelineEventType> }>): Promise<void> {
  if (events.length) await trx.insertInto('case_events').values(events.map((x) => timelineEventRow(x.caseId, x.event))).execute();
}

/** The case's latest timeline event (type, who, when), for rules that look at what happened last (撤销签收). */
export async function lastEventOf(db: Executor, caseId: number): Promise<{ type: string; by: string; at: string } | null> {
  const r = await db.selectFrom('case_events').select(['type', 'by_user', 'at']).where('case_id', '=', caseId).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return r ? { type: r.type, by: r.by_user, at: new Date(r.at).toISOString() } : null;
}

/** A stored timeline row as the case shows it. */
export function eventOfRow(r: Pick<Insertable<CaseEventTable>, 'type' | 'at' | 'by_user' | 'by_name' | 'by_role' | 'data'>): TimelineEvent {
  return {
    type: r.type,
    at: r.at,
    by: { username: r.by_user, name: r.by_name, role: r.by_role },
    data: parseJson<Record<string, unknown>>(r.data, {}),
  };
}

export async function listEvents(db: Executor, caseId: number): Promise<TimelineEvent[]> {
  return (await eventsQuery(db, caseId).execute()).map(eventOfRow);
}

/** A case's timeline rows, oldest first ({@link eventOfRow} makes each an event). */
export function eventsQuery(db: Executor, caseId: number) {
  return db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('id');
}

export async function insertMeasure(
  trx: Executor,
  m: { caseId: number; type: string; note: string | null; dueAt: string | null; staff: string | null; by: string; at: string },
): Promise<void> {
  await trx
    .insertInto('measures')
    .values({ case_id: m.caseId, type: m.type, note: m.note, due_at: m.dueAt, staff: m.staff, by_user: m.by, at: m.at })
    .execute();
}

export async function listMeasures(db: Executor, caseId: number) {
  return measuresQuery(db, caseId).execute();
}

export function measuresQuery(db: Executor, caseId: number) {
  return db.selectFrom('measures').selectAll().where('case_id', '=', caseId).orderBy('id');
}

/** Marks a measure fulfilled (措施完成 / 已补交); its reminders stop. */
export async function fulfilMeasure(trx: Executor, m: { id: number; note: string; at: string; by: string }): Promise<void> {
  await trx.updateTable('measures').set({ fulfilled_at: m.at, fulfilled_by: m.by, fulfilled_note: m.note }).where('id', '=', m.id).where('fulfilled_at', 'is', null).where('withdrawn_at', 'is', null).execute();
}

/** Marks a measure withdrawn (撤回措施, recorded by mistake); it is no longer reminded nor missed. */
export async function withdrawMeasure(trx: Executor, m: { id: number; reason: string; at: string; by: string }): Promise<void> {
  await trx
    .updateTable('measures')
    .set({ withdrawn_at: m.at, withdrawn_by: m.by, withdrawn_reason: m.reason })
    .where('id', '=', m.id)
    .where('fulfilled_at', 'is', null)
    .where('withdrawn_at', 'is', null)
    .execute();
}

/** What the rules (core/measures.ts) read of a stored measure. */
export function measureFacts(m: Selectable<MeasureTable>): { id: number; type: string; dueAt: string | null; fulfilledAt: string | null; withdrawnAt: string | null } {
  return { id: m.id, type: m.type, dueAt: m.due_at, fulfilledAt: m.fulfilled_at, withdrawnAt: m.withdrawn_at };
}

/** 协办意见: the department's current part (a later one replaces it). */
export async function upsertCoPart(trx: Executor, caseId: number, p: { department: string; opinion: string; at: string; by: string }): Promise<void> {
  await trx
    .insertInto('case_co_parts')
    .values({ case_id: caseId, department_code: p.department, opinion: p.opinion, by_user: p.by, at: p.at })
    .onConflict((oc) => oc.columns(['case_id', 'department_code']).doUpdateSet({ opinion: p.opinion, by_user: p.by, at: p.at }))
    .execute();
}

export async function listCoParts(db: Executor, caseId: number) {
  return coPartsQuery(db, caseId).execute();
}

export function coPartsQuery(db: Executor, caseId: number) {
  return db.selectFrom('case_co_parts').selectAll().where('case_id', '=', caseId);
}

export async function insertCallbackAttempt(trx: Executor, caseId: number, a: { outcome: string; note: string | null; at: string; by: string }): Promise<void> {
  await trx.insertInto('case_callback_attempts').values({ case_id: caseId, outcome: a.outcome, note: a.note, at: a.at, by_user: a.by }).execute();
}

export function callbackAttemptsQuery(db: Executor, caseId: number) {
  return db.selectFrom('case_callback_attempts').selectAll().where('case_id', '=', caseId).orderBy('id');
}

/** The unanswered callbacks of several cases at once (the 回访工作台's page), oldest first. */
export async function listCallbackAttemptsOf(db: Executor, caseIds: number[]) {
  if (!caseIds.length) return [];
  return db.selectFrom('case_callback_attempts').selectAll().where('case_id', 'in', caseIds).orderBy('id').execute();
}

/** The cases merged into a main case (并件), oldest first. */
export async function listMergedCases(db: Executor, mainId: number) {
  return mergedCasesQuery(db, mainId).execute();
}

export function mergedCasesQuery(db: Executor, mainId: number) {
  return db.selectFrom('cases').select(['id', 'case_no']).where('merged_into', '=', mainId).orderBy('id');
}

/** A case's id and number (none when `id` is null or no such case). */
export function caseNumberQuery(db: Executor, id: number | null) {
  return db.selectFrom('cases').select(['id', 'case_no']).where('id', '=', id ?? 0);
}

export async function insertAssignmentSheet(
  trx: Executor,
  s: { caseId: number; sheetNo: string; year: number; seq: number; level: number; lead: string; co: string[]; dueAt: string; at: string; by: string },
): Promise<void> {
  await trx
    .insertInto('assignment_sheets')
    .values({
      case_id: s.caseId,
      sheet_no: s.sheetNo,
      year: s.year,
      seq: s.seq,
      level: s.level,
      lead_department: s.lead,
      co_departments: JSON.stringify(s.co),
      due_at: s.dueAt,
      issued_at: s.at,
      issued_by: s.by,
    })
    .execute();
}

export async function listAssignmentSheets(db: Executor, caseId: number) {
  return assignmentSheetsQuery(db, caseId).execute();
}

export function assignmentSheetsQuery(db: Executor, caseId: number) {
  return db.selectFrom('assignment_sheets').selectAll().where('case_id', '=', caseId).orderBy('id');
}

export async function listSupervisionRecords(db: Executor, caseId: number) {
  return supervisionRecordsQuery(db, caseId).execute();
}

export function supervisionRecordsQuery(db: Executor, caseId: number) {
  return db.selectFrom('supervision_records').selectAll().where('case_id', '=', caseId).orderBy('id');
}

/** What the rules (core CaseState) need of a case's supervision records: an unanswered 督办, the 线索移送 numbers. */
export function supervisionStateOf(records: ReadonlyArray<{ kind: string; record_no: string; reported_at: string | null }>): Pick<CaseState, 'unansweredSupervision' | 'referralNos'> {
  return {
    unansweredSupervision: records.some((r) => r.kind === 'supervise' && !r.reported_at),
    referralNos: records.filter((r) => r.kind === 'referral').map((r) => r.record_no),
  };
}

/** The 会商 recorded on a case (with approved escalations), oldest first. */
export function meetingsQuery(db: Executor, caseId: number) {
  return db.selectFrom('case_meetings').selectAll().where('case_id', '=', caseId).orderBy('id');
}

/** Existing, enabled department codes among those given. */
export async function findKnownDepartments(db: Executor, codes: string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  return knownDepartmentCodes(await listDepartments(db), codes);
}

/** The enabled departments' codes among `codes`, of a department list already read. */
export function knownDepartmentCodes(departments: ReadonlyArray<{ code: string; disabled: number }>, codes: string[]): Set<string> {
  return new Set(departments.filter((d) => d.disabled === 0 && codes.includes(d.code)).map((d) => d.code));
}

/** Opaque keyset cursor: the (received_at, id) of the last row of the previous page. */
export function encodeCursor(receivedAt: string, id: number): string {
  return Buffer.from(JSON.stringify([receivedAt, id])).toString('base64url');
}

/** The cursor of a list ordered by deadline: after (dueAt, id). */
export function encodeDueCursor(dueAt: string, id: number): string {
  return Buffer.from(JSON.stringify(['due', dueAt, id])).toString('base64url');
}

const STORED_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A keyset position (instant, id) from a cursor, optionally tagged with its order; null when invalid. */
function readKeyset(cursor: string, tag: string | null): { at: string; id: number } | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(v)) return null;
    const parts = tag === null ? v : v[0] === tag ? v.slice(1) : null;
    if (parts && parts.length === 2 && typeof parts[0] === 'string' && STORED_INSTANT.test(parts[0]) && Number.isSafeInteger(parts[1]) && (parts[1] as number) > 0)
      return { at: parts[0], id: parts[1] as number };
  } catch {
    /* not a cursor */
  }
  return null;
}

export function decodeCursor(cursor: string): { receivedAt: string; id: number } | null {
  const k = readKeyset(cursor, null);
  return k && { receivedAt: k.at, id: k.id };
}

export function decodeDueCursor(cursor: string): { dueAt: string; id: number } | null {
  const k = readKeyset(cursor, 'due');
  return k && { dueAt: k.at, id: k.id };
}

/** A search for a case number (2026-000123, 2026-123, or past a million 2026-1000000) looks the number up instead of the text. */
export function caseNoOf(q: string): string | null {
  const m = /^\s*(\d{4})-(\d{1,9})\s*$/.exec(q);
  return m ? formatCaseNo(Number(m[1]), Number(m[2])) : null;
}

/** Escapes LIKE wildcards so a search for "100%" finds the text "100%". */
function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

export type CaseFilters = Omit<TCaseListQuery, 'cursor' | 'limit' | 'dueSoon' | 'sort'> & {
  /** The latest deadline that still counts as due soon (UTC ISO): `dueSoonCutoff()` of core/clocks.ts. */
  dueSoonUntil?: string;
  /**
   * SQLite: the department's rows in the asked statuses are many (`listTuning.departmentRows`):
   * check each case of the statuses against them instead of collecting them all (see
   * `filteredCases`). Set by the list from a bounded count, never from a request.
   */
  manyDepartmentRows?: { handler: boolean; department: boolean };
  /**
   * The page is read from a department's rows joined to their cases (`departmentPage`), which
   * already hold the `?department=` condition or the handler's own department: not added again.
   * Set by the list, never from a request.
   */
  departmentJoined?: 'department' | 'handler';
  /**
   * The page part's status, given by the department row it is read from (`departmentPage`): the
   * deadline filters do not ask the case's status again (PostgreSQL multiplied the two
   * selectivities and hashed the department's rows). Set by the list, never from a request.
   */
  statusOfRow?: CaseStatus;
  /**
   * The deadline filters (overdue, due soon) are asked of the department row the page part is read
   * from (its copy of the case's `due_at`, migration 031): not again of the case. Set by the list,
   * never from a request.
   */
  deadlineOfRow?: boolean;
};

/**
 * The deadline filters — overdue (`due_at` past), due soon (`due_at` from now to `dueSoonUntil`) —
 * on rows that have a `due_at`: a case's, or its department row's copy (migration 031).
 */
function deadlineFilters<Q extends { where(column: 'due_at', op: '<' | '>=' | '<=', value: string): Q }>(q: Q, f: CaseFilters, now: Date): Q {
  const nowIso = now.toISOString();
  if (f.dueSoonUntil) q = q.where('due_at', '>=', nowIso).where('due_at', '<=', f.dueSoonUntil);
  if (f.overdue === true) q = q.where('due_at', '<', nowIso);
  return q;
}

/** How many department rows make a department + status list walk the statuses' cases instead. */
export const listTuning = { departmentRows: 5000 };

/** The case's row of a department in one of the statuses (an EXISTS per case). */
function departmentRowOf(eb: any, alias: 'vis' | 'fd', dept: string, statuses: readonly string[]) {
  return eb
    .selectFrom(`case_departments as ${alias}`)
    .select(`${alias}.case_id`)
    .whereRef(`${alias}.case_id`, '=', 'cases.id')
    .where(`${alias}.department_code`, '=', dept)
    .where(`${alias}.status`, 'in', statuses);
}

/**
 * Whether the department rows a department + status list starts from are many (SQLite only; a
 * bounded count over the (department_code, status, case_id) index). PostgreSQL plans both shapes well.
 */
export async function probeDepartmentRows(db: Executor, f: CaseFilters, actor: Actor): Promise<CaseFilters> {
  if (isPostgres(db) || !f.status?.length) return f;
  const many = async (dept: string) => {
    const r = await sql<{ n: number }>`select count(*) as n from (select 1 from case_departments where department_code = ${dept} and status in (${sql.join(f.status!)}) limit ${listTuning.departmentRows})`.execute(db);
    return Number(r.rows[0]?.n ?? 0) >= listTuning.departmentRows;
  };
  const handler = actor.role === 'handler' && !f.status.includes('merged') ? await many(actor.department ?? '') : false;
  const department = f.department ? await many(f.department) : false;
  return handler || department ? { ...f, manyDepartmentRows: { handler, department } } : f;
}

/** Shanghai dates `from`…`to` (both included) as the instants [from, to) of a stored column (UTC ISO). */
function dayRange(from: string | undefined, to: string | undefined): { from: string | null; to: string | null } {
  return {
    from: from ? startOfShanghaiDay(from).toISOString() : null,
    to: to ? new Date(startOfShanghaiDay(to).getTime() + 86_400_000).toISOString() : null,
  };
}

/** The list's intake-date range as instants of received_at (the list and a department's page alike). */
const receivedRange = (f: CaseFilters) => dayRange(f.receivedFrom, f.receivedTo);

/**
 * The filtered query over cases visible to the actor, without ordering or paging: shared by the
 * list and the ledger export.
 */
export function filteredCases(db: Executor, f: CaseFilters, actor: Actor, now: Date, from?: ReturnType<Executor['selectFrom']>) {
  // `from`: a query over `cases` joined with something else (SQLite's text page joins the FTS table).
  let q = (from ?? db.selectFrom('cases')) as ReturnType<typeof db.selectFrom<'cases'>>;
  if (f.departmentJoined === 'handler') {
    // Read from the handler's department rows in these statuses (departmentPage): visible.
  } else if (actor.role === 'handler' && f.status?.length && !f.status.includes('merged')) {
    // Its department's cases in those statuses, from the department's rows (migration 024), as
    // ?department=&status= below: the OR with the merged repeats made the planner walk every case
    // of the status checking each (a handler's 不予受理 list: 5 s at 1 M cases on PostgreSQL). A
    // repeat merged into its cases is not in these statuses: only 并件 sets merged_into, with the
    // status merged, which no command leaves.
    const dept = actor.department ?? '';
    const statuses = f.status;
    q = f.manyDepartmentRows?.handler
      ? q.where((eb) => eb.exists(departmentRowOf(eb, 'vis', dept, statuses)))
      : q.where('cases.id', 'in', (eb) =>
          eb.selectFrom('case_departments as vis').select('vis.case_id').where('vis.department_code', '=', dept).where('vis.status', 'in', statuses),
        );
  } else if (actor.role === 'handler') {
    const dept = actor.department ?? '';
    // Its department's cases, and the repeats merged into them (并件): one EXISTS over the case and
    // the case it was merged into. (Written as an OR of two EXISTS, PostgreSQL hashed every case id
    // of the department on each request: 0.2 s for a handler's first page at 1 M cases.)
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('case_departments as vis')
          .select('vis.case_id')
          .where('vis.department_code', '=', dept)
          .where(sql<boolean>`vis.case_id in (cases.id, cases.merged_into)`),
      ),
    );
  }
  // A deadline filter (overdue, due soon) holds running cases only: their statuses, for the department's rows.
  const deptStatuses = f.status?.length ? f.status : f.overdue === true || f.dueSoonUntil ? [...CLOCK_RUNNING_STATUSES] : null;
  if (f.departmentJoined === 'department') {
    // Read from the department's rows (departmentPage).
  } else if (f.department && deptStatuses) {
    // Start from the department's cases in those statuses (few, or none: rejected cases have no
    // department) rather than walk every case of the statuses checking each (migration 024). The
    // overdue list of a department checked each overdue case's department rows instead (40 ms of
    // PostgreSQL per request at 1 M cases).
    const dept = f.department;
    const statuses = deptStatuses;
    // Many (SQLite): collecting them made SQLite read and sort every one of them for a page of 50
    // (a handler's 已办结, ≈ 80,000 closed cases: 1 s of CPU at 1 M cases); then each case of the
    // statuses, newest first, is checked against its department rows instead.
    q = f.manyDepartmentRows?.department
      ? q.where((eb) => eb.exists(departmentRowOf(eb, 'fd', dept, statuses)))
      : q.where('cases.id', 'in', (eb) =>
          eb.selectFrom('case_departments as fd').select('fd.case_id').where('fd.department_code', '=', dept).where('fd.status', 'in', statuses),
        );
  } else if (f.department) {
    const dept = f.department;
    q = q.where((eb) =>
      eb.exists(
        eb.selectFrom('case_departments as fd').select('fd.case_id').whereRef('fd.case_id', '=', 'cases.id').where('fd.department_code', '=', dept),
      ),
    );
  }
  if (f.lead) q = q.where('lead_department', '=', f.lead);
  if (f.externalRef) q = q.where('external_system', '=', f.externalRef.system).where('external_id', '=', f.externalRef.id);
  if (f.matter) q = q.where('matter', '=', f.matter);
  // A deadline filter (overdue, due soon) holds running cases only.
  const running = (qq: typeof q) => (f.statusOfRow && isClockRunningStatus(f.statusOfRow) ? qq : qq.where('status', 'in', [...CLOCK_RUNNING_STATUSES]));
  if (f.pendingExtension === true) q = q.where('pending_extension', 'is not', null);
  if (f.pendingContest === true) q = q.where('pending_contest', 'is not', null);
  if (f.pendingSupervision === true) {
    q = q
      .where('status', 'not in', ['rejected', 'closed', 'merged'])
      .where((eb) =>
        eb.exists(
          eb.selectFrom('supervision_records as sr').select('sr.case_id').whereRef('sr.case_id', '=', 'cases.id').where('sr.kind', '=', 'supervise').where('sr.reported_at', 'is', null),
        ),
      );
  }
  if (f.phoneDue === true) {
    // A message to the reporter that could not go by SMS and is not phoned yet (电话告知, server/notifications/reporter-messages.ts).
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('outbox as ob')
          .select('ob.case_id')
          .whereRef('ob.case_id', '=', 'cases.id')
          .where('ob.recipient', '=', 'reporter')
          .where('ob.phone_text', 'is not', null)
          .where('ob.phoned_at', 'is', null)
          .where('ob.outcome', 'in', ['phone', 'dead']),
      ),
    );
  }
  if (f.phone) q = q.where('reporter_phone_index', '=', phoneIndex(f.phone));
  if (f.stageOverdue === true) {
    const nowIso = now.toISOString();
    // Handling: the dispatch deadline; triage, callback and verification: the stored stage deadline (core/clocks.ts).
    q = q.where((eb) =>
      eb.or([
        eb.and([eb('status', 'in', [...CLOCK_RUNNING_STATUSES]), eb('due_at', '<', nowIso)]),
        eb.and([eb('status', 'in', [...STAGE_CLOCK_STATUSES]), eb('stage_due_at', '<', nowIso)]),
      ]),
    );
  }
  const completed = dayRange(f.completedFrom, f.completedTo);
  if (completed.from) q = q.where('completed_at', '>=', completed.from);
  if (completed.to) q = q.where('completed_at', '<', completed.to);
  if (f.status?.length) q = q.where('status', 'in', f.status);
  if (f.level?.length) q = q.where('level', 'in', f.level);
  if (f.problemType) q = q.where('problem_type', '=', f.problemType);
  if (f.channel) q = q.where('channel', '=', f.channel);
  // The intake date is the Shanghai date of received_at (at intake and import alike): its range is
  // asked of received_at, so that the list walks (received_at, id) from the range's end (a month two
  // years back: 0.7 s of PostgreSQL per request at 1 M cases when asked of received_date alone;
  // asked of both, PostgreSQL combined the two indexes and sorted the day's cases: 18 ms at 10 M).
  const received = receivedRange(f);
  if (received.from) q = q.where('received_at', '>=', received.from);
  if (received.to) q = q.where('received_at', '<', received.to);
  const nowIso = now.toISOString();
  if ((f.overdue === true || f.dueSoonUntil) && !f.deadlineOfRow) q = deadlineFilters(running(q), f, now);
  const caseNo = f.q ? caseNoOf(f.q) : null;
  const tokens = f.q && !caseNo ? queryTokens(f.q) : null;
  if (caseNo) {
    q = q.where('case_no', '=', caseNo);
  } else if (tokens) {
    q = q.where(matchesText(db, tokens));
  } else if (f.q) {
    // A single character: no bigram to look up.
    const p = likePattern(f.q);
    q = q.where((eb) =>
      eb.or([
        eb(sql`matter`, 'like', sql`${p} escape '\\'`),
        eb(sql`description`, 'like', sql`${p} escape '\\'`),
        eb(sql`reporter_org_name`, 'like', sql`${p} escape '\\'`),
      ]),
    );
  }
  return q;
}

/**
 * The keyset of the newest-first lists: cases older than the cursor in (received_at, id) order. A
 * row-value comparison, which both planners take as the bound of an index range ending in
 * (received_at, id); written as `received_at < x or (received_at = x and id < y)` it was a filter,
 * and a second page walked the first page's rows again (and, for a sorted list, every match).
 */
function olderThan(c: { receivedAt: string; id: number }) {
  return sql<boolean>`(cases.received_at, cases.id) < (${c.receivedAt}, ${c.id})`;
}

/**
 * One page of the list, newest first. Without text: keyset on (received_at, id). With text the
 * order is intake order (id) — on SQLite the FTS table is walked backwards by rowid and joined, so
 * a common word needs no sort of every match; PostgreSQL plans the same order itself.
 */
export async function listCases(
  db: Executor,
  f: CaseFilters,
  page: { limit: number; cursor?: string; sort?: 'received' | 'due' },
  actor: Actor,
  now: Date,
): Promise<{ rows: CaseRecord[]; nextCursor: string | null }> {
  const drive = page.sort !== 'due' && f.stageOverdue !== true ? departmentDrive(f, actor) : null;
  if (!drive) f = await probeDepartmentRows(db, f, actor);
  if (page.sort === 'due') return listByDeadline(db, f, { limit: page.limit, cursor: page.cursor }, actor, now);
  const c = page.cursor ? decodeCursor(page.cursor) : null;
  if (page.cursor && !c) throw new AppError('VALIDATION', '分页游标无效', [{ field: 'cursor', message: '分页游标无效' }]);
  const tokens = f.q && !caseNoOf(f.q) ? queryTokens(f.q) : null;
  let rows: any[];
  if (tokens && !isPostgres(db)) {
    // Walk the FTS index newest first (rowid = case id) and join the filtered cases.
    const phrase = `"${tokens.join(' ')}"`;
    // The other filters apply to the joined case row itself; when they leave few cases, to their
    // ids instead (the walk would pass many matches of the word to find them). As an IN
    // (subquery) SQLite built the whole set on every request: "社保" + status=closed read 880,000
    // ids (1.7 s at 1 M cases).
    const { q: _q, ...rest } = f;
    const narrowed = actor.role === 'handler' || Object.values(rest).some((v) => v !== undefined && v !== false);
    const few = narrowed ? await filteredCases(db, { ...f, q: undefined }, actor, now).select('cases.id').limit(pgSearchTuning.others).execute() : null;
    const join = db
      .selectFrom(sql<{ rowid: number }>`case_search`.as('case_search'))
      .innerJoin('cases', 'cases.id', sql.ref('case_search.rowid') as any)
      .where(sql<boolean>`case_search match ${phrase}`);
    let q: any;
    if (few && few.length === 0) {
      // Nothing passes the other filters ("社保" + a status no case is in walked every match: 1.2 s).
      q = null;
    } else if (few && few.length < pgSearchTuning.others) {
      // One parameter (a JSON array), so that the statement's text, and its prepared statement, is one.
      q = join.where(sql<boolean>`cases.id in (select value from json_each(${JSON.stringify(few.map((r) => r.id))}))`);
    } else {
      q = filteredCases(db, { ...f, q: undefined }, actor, now, join as any);
    }
    if (q && c) q = q.where(sql.ref('case_search.rowid') as any, '<', c.id);
    rows = q ? await q.selectAll('cases').orderBy(sql`case_search.rowid`, 'desc').limit(page.limit + 1).execute() : [];
  } else if (tokens) {
    rows = await pgTextPage(db, f, page.limit + 1, c?.id ?? null, actor, now, tokens);
  } else if (f.stageOverdue === true) {
    rows = await stageOverduePage(db, f, page.limit + 1, c, actor, now);
  } else if (drive) {
    rows = await departmentPage(db, f, drive, page.limit + 1, c, actor, now);
  } else {
    // A deadline range (overdue, due soon) holds running cases only.
    const deadline = f.overdue === true || !!f.dueSoonUntil;
    const statuses = deadline ? (f.status?.length ? f.status.filter(isClockRunningStatus) : [...CLOCK_RUNNING_STATUSES]) : (f.status ?? []);
    if (statuses.length > 1 || deadline) {
      // Several statuses, or a deadline range: no index gives their cases newest first, so a
      // planner read every match and sorted (SQLite: status=assigned,in_progress,escalating 0.3 s
      // at 1 M cases; PostgreSQL: the 44,000 overdue cases at 10 M, 23 ms of PostgreSQL per page).
      // The statuses are disjoint: the newest of each from its own (status, received_at, id) walk
      // (the deadline checked on each row, or its range read and sorted when it is small: the
      // planner's choice), merged and cut to the page, then only those rows read.
      rows = await newestOfParts(
        db,
        statuses.map((s) => {
          let b = filteredCases(db, { ...f, status: [s] }, actor, now);
          if (c) b = b.where(olderThan(c));
          return b.select(['cases.id', 'cases.received_at']).orderBy('received_at', 'desc').orderBy('id', 'desc').limit(page.limit + 1);
        }),
        page.limit + 1,
      );
    } else {
      let q = filteredCases(db, f, actor, now);
      if (c) q = q.where(olderThan(c));
      rows = await q.selectAll('cases').orderBy('received_at', 'desc').orderBy('id', 'desc').limit(page.limit + 1).execute();
    }
  }
  const more = rows.length > page.limit;
  const items = (more ? rows.slice(0, page.limit) : rows).map((r) => rowToCase(r as CaseRow));
  const last = items[items.length - 1];
  return { rows: items, nextCursor: more && last ? encodeCursor(last.receivedAt, last.id) : null };
}

interface DepartmentDrive {
  department: string;
  /** The statuses asked, each read from its own index range; null: every status. */
  statuses: readonly CaseStatus[] | null;
  joined: 'department' | 'handler';
}

/**
 * Whether a page (no text) is read from a department's rows in intake order (migration 029):
 * `?department=` and a handler's lists, with or without statuses, overdue or due soon (a part per
 * running status, the deadline checked on each case). Not when a filter of its own finds the few
 * cases at once (a phone number, an external reference).
 */
function departmentDrive(f: CaseFilters, actor: Actor): DepartmentDrive | null {
  if (f.phone || f.externalRef || f.q) return null;
  if (f.status?.includes('merged')) return null;
  // A deadline range (overdue, due soon) holds running cases only: a part per running status asked.
  const deadline = f.overdue === true || !!f.dueSoonUntil;
  const statuses = deadline
    ? (f.status?.length ? f.status : CLOCK_RUNNING_STATUSES).filter(isClockRunningStatus)
    : f.status?.length ? f.status : null;
  if (f.department) return { department: f.department, statuses, joined: 'department' };
  // A handler's lists: its department's rows (with no status asked, the repeats merged into them
  // come from a branch of their own, see departmentPage).
  if (actor.role === 'handler') return { department: actor.department ?? '', statuses, joined: 'handler' };
  return null;
}

/**
 * A page read from a department's rows, newest first: for each status asked, the newest matches
 * from the (department_code, status, received_at, case_id) range (all statuses: from
 * (department_code, received_at, case_id)), each joined to its case for the other filters, merged
 * and cut to the page, then only those rows read. (As `cases.id in (the department's rows)`,
 * PostgreSQL hashed every row of the department in the status for a page of 50: 95 ms at 10 M
 * cases for `&status=in_progress`; as an EXISTS per case it walked every case of the status.)
 */
async function departmentPage(db: Executor, f: CaseFilters, d: DepartmentDrive, want: number, c: { receivedAt: string; id: number } | null, actor: Actor, now: Date): Promise<any[]> {
  const { from: fromIso, to: toIso } = receivedRange(f);
  const part = (s: CaseStatus | null) => {
    // The department's rows as a derived table with names of their own: `filteredCases` names the
    // case's columns unqualified (status, received_at), which `case_departments` has too. Both
    // planners flatten it into a walk of the index range.
    let rows = db
      .selectFrom('case_departments')
      .select(['case_id as dr_case', 'received_at as dr_at'])
      .where('department_code', '=', d.department);
    if (s) rows = rows.where('status', '=', s);
    // The intake-date range and the cursor bound the index range itself.
    if (fromIso) rows = rows.where('received_at', '>=', fromIso);
    if (toIso) rows = rows.where('received_at', '<', toIso);
    if (c) rows = rows.where(sql<boolean>`(received_at, case_id) < (${c.receivedAt}, ${c.id})`);
    // A deadline (overdue, due soon; s is then a running status) is checked on the row's copy of
    // it, in the index (migration 031): only the matches are joined to their cases.
    const deadlineOfRow = !!s && (f.overdue === true || !!f.dueSoonUntil);
    if (deadlineOfRow) rows = deadlineFilters(rows, f, now);
    const from = db.selectFrom(rows.as('dr')).innerJoin('cases', 'cases.id', 'dr.dr_case');
    // The status is the row's (dr.status = s, kept equal to the case's by the triggers): asked of
    // the case too, PostgreSQL multiplied the two selectivities, expected a few matches and hashed
    // every row of the department in the status (15 ms of PostgreSQL at 10 M cases).
    return filteredCases(db, { ...f, status: s ? undefined : f.status, statusOfRow: s ?? undefined, deadlineOfRow, departmentJoined: d.joined }, actor, now, from as any)
      .select(['cases.id', sql<string>`dr.dr_at`.as('received_at')])
      .orderBy(sql`dr.dr_at`, 'desc')
      .orderBy(sql`dr.dr_case`, 'desc')
      .limit(want);
  };
  const parts = d.statuses ? d.statuses.map((s) => part(s)) : [part(null)];
  // A handler sees, besides its department's cases, the repeats merged into them (并件): few, walked
  // newest first from (status, received_at, id), each checked for the case it was merged into. A
  // repeat could also hold a row of the department itself: UNION, not UNION ALL, keeps it once.
  const repeats = d.joined === 'handler' && !d.statuses;
  if (repeats) {
    let q = filteredCases(db, { ...f, status: ['merged'] }, actor, now);
    if (c) q = q.where(olderThan(c));
    parts.push(q.select(['cases.id', 'cases.received_at']).orderBy('received_at', 'desc').orderBy('id', 'desc').limit(want));
  }
  return newestOfParts(db, parts, want, repeats);
}

/**
 * A page of ?stageOverdue=true, newest first. Its condition is an OR of two disjoint sets (handled
 * past the dispatch deadline; waiting past the stage clock), which a planner answers by fetching
 * every match and sorting them all. Instead: the newest ids of each status past its clock, each
 * from its own index (the (status, received_at, id) walk checking the clock, or migration 010's
 * (status, due_at | stage_due_at, received_at, id) range sorted when it is small: the planner's
 * choice), merged and cut to the page, then only those rows read. (One part per set, each sorting
 * every match of its statuses: 34 ms of PostgreSQL per page at 10 M cases.)
 */
async function stageOverduePage(db: Executor, f: CaseFilters, want: number, c: { receivedAt: string; id: number } | null, actor: Actor, now: Date): Promise<any[]> {
  const nowIso = now.toISOString();
  const part = (s: CaseStatus, column: 'due_at' | 'stage_due_at') => {
    // The stage clock is asked as `coalesce(stage_due_at, now) < now` (the same cases: no clock is
    // never past it) so that the planner cannot take it as a range of (status, stage_due_at, …): it
    // expected a few dozen cases past the clock, read them all (25,000 at 10 M) and sorted them,
    // where the walk newest first reads 50 pages of the index.
    const late = column === 'stage_due_at' ? sql<boolean>`coalesce(stage_due_at, ${nowIso}) < ${nowIso}` : sql<boolean>`due_at < ${nowIso}`;
    let q = filteredCases(db, { ...f, stageOverdue: false }, actor, now).where('status', '=', s).where(late);
    if (c) q = q.where(olderThan(c));
    return q.select(['cases.id', 'cases.received_at']).orderBy('received_at', 'desc').orderBy('id', 'desc').limit(want);
  };
  // One part per status (each status has one clock), as the overdue list.
  return newestOfParts(db, [...CLOCK_RUNNING_STATUSES.map((s) => part(s, 'due_at')), ...STAGE_CLOCK_STATUSES.map((s) => part(s, 'stage_due_at'))], want);
}

/**
 * A page made of disjoint parts, each already its first `want` ids (with their received_at, or
 * due_at for 'due') in the list's order — a part per status, or per index range —: the parts merged and cut to the page,
 * then only the page's rows read. `distinct`: parts that may share a case (UNION instead of UNION ALL).
 */
async function newestOfParts(
  db: Executor,
  parts: Array<SelectQueryBuilder<any, any, { id: number }>>,
  want: number,
  distinct = false,
  order: 'received' | 'due' = 'received',
): Promise<any[]> {
  if (!parts.length) return [];
  // 'due': parts of (id, due_at), earliest deadline first (sort=due).
  const [key, dir] = order === 'due' ? (['due_at', 'asc'] as const) : (['received_at', 'desc'] as const);
  const wrap = (p: (typeof parts)[number]) => db.selectFrom(p.as('b')).selectAll();
  let merged = wrap(parts[0]!);
  for (const p of parts.slice(1)) merged = (distinct ? merged.union(wrap(p)) : merged.unionAll(wrap(p))) as typeof merged;
  const ids = await db
    .selectFrom(merged.as('m'))
    .select(['m.id'])
    .orderBy(`m.${key}` as any, dir)
    .orderBy('m.id', dir)
    .limit(want)
    .execute();
  if (!ids.length) return [];
  return db.selectFrom('cases').selectAll().where('id', 'in', ids.map((r) => r.id as number)).orderBy(key, dir).orderBy('id', dir).execute();
}

/**
 * One page ordered by deadline, earliest first (only cases with a deadline): keyset on (due_at, id).
 * Text filters go through the same bigram match as the rest of the list.
 */
async function listByDeadline(
  db: Executor,
  f: CaseFilters,
  page: { limit: number; cursor?: string },
  actor: Actor,
  now: Date,
): Promise<{ rows: CaseRecord[]; nextCursor: string | null }> {
  const c = page.cursor ? decodeDueCursor(page.cursor) : null;
  if (page.cursor && !c) throw new AppError('VALIDATION', '分页游标无效', [{ field: 'cursor', message: '分页游标无效' }]);
  let rows: any[];
  if (f.status?.length) {
    // With statuses: a part per status from (status, due_at, received_at, id), merged. Asked with
    // a bound status, SQLite walked the (due_at, id) index of every case checking each one's status
    // (a status of few cases: 83–200 ms at 1 M); `+due_at` keeps it on the status's own range.
    const dueKnown = isPostgres(db) ? sql<boolean>`cases.due_at is not null` : sql<boolean>`+cases.due_at is not null`;
    rows = await newestOfParts(
      db,
      f.status.map((s) => {
        let p = filteredCases(db, { ...f, status: [s] }, actor, now).where(dueKnown);
        if (c) p = p.where(sql<boolean>`(cases.due_at, cases.id) > (${c.dueAt}, ${c.id})`);
        return p.select(['cases.id', 'cases.due_at']).orderBy('due_at', 'asc').orderBy('id', 'asc').limit(page.limit + 1);
      }),
      page.limit + 1,
      false,
      'due',
    );
  } else {
    let q = filteredCases(db, f, actor, now).where('due_at', 'is not', null);
    if (c) q = q.where(sql<boolean>`(cases.due_at, cases.id) > (${c.dueAt}, ${c.id})`);
    rows = await q.selectAll('cases').orderBy('due_at', 'asc').orderBy('id', 'asc').limit(page.limit + 1).execute();
  }
  const more = rows.length > page.limit;
  const items = (more ? rows.slice(0, page.limit) : rows).map((r) => rowToCase(r as CaseRow));
  const last = items[items.length - 1];
  return { rows: items, nextCursor: more && last?.dueAt ? encodeDueCursor(last.dueAt, last.id) : null };
}

/**
 * Text-search tuning: `others`, the most cases the other filters may leave for the phrase to be
 * checked on those cases only (both databases); PostgreSQL: `chunks` of that many filtered ids
 * walked newest first when they leave more. PostgreSQL: ids per window when walking newest
 * first, and windows at most before the GIN index finds the rest. Exported so that tests can make
 * the windows tiny.
 */
export const pgSearchTuning = { window: 2_000, maxWindows: 10, others: 5000, chunks: 3 };

/**
 * A page of text matches on PostgreSQL, newest first. The planner cannot estimate a bigram phrase:
 * it would recheck every match of a common phrase and sort them. So the newest ids are walked in
 * windows, the phrase checked row by row, where a common phrase's matches are dense; when the
 * windows walked show the phrase too rare to fill the page from the windows left, the GIN index
 * finds the rest (a rare phrase's posting lists are short). The phrase's candidates are not
 * counted through the index first: for a common phrase that count built a bitmap of all of them
 * (an enterprise name, ≈ 18,000 candidates at 300 k cases: 60–360 ms, seconds at 10 M).
 */
async function pgTextPage(db: Executor, f: CaseFilters, want: number, below: number | null, actor: Actor, now: Date, tokens: string[], chunked = false): Promise<any[]> {
  const phrase = tokens.join(' <-> ');
  const others = () => {
    let q = filteredCases(db, { ...f, q: undefined }, actor, now);
    if (below !== null) q = q.where('id', '<', below);
    return q;
  };
  // Matching ids straight from the GIN index (phrase rechecked), newest first.
  const byIndex = async (hi: number | null, got: number) => {
    let q = sql<{ case_id: number }>`select case_id from case_search where tsv @@ to_tsquery('simple', ${phrase})`;
    if (hi !== null) q = sql<{ case_id: number }>`${q} and case_id <= ${hi}`;
    const ids = (await q.execute(db)).rows.map((r) => r.case_id);
    if (!ids.length) return [];
    const rows: any[] = [];
    for (let i = 0; i < ids.length && rows.length < want - got; i += 5000) {
      const part = ids.sort((x, y) => y - x).slice(i, i + 5000);
      rows.push(...(await others().where('id', 'in', part).selectAll('cases').orderBy('id', 'desc').limit(want - got - rows.length).execute()));
    }
    return rows;
  };
  // With other filters that leave few cases (a rare status, a department and a status, a
  // handler's few cases, a day): take their ids (at most `others`) and check the phrase on those
  // only. Without this a common word with a status that has few or no cases walked every window,
  // then every id the word matches (issue 17: "社保" + a status).
  const { q: _q, ...rest } = f;
  const filtered = Object.values(rest).some((v) => v !== undefined && v !== false);
  // A handler's cases without other filters are at least its department's rows: when those are
  // many (an index-only count), fetching `others` visible ids only to find them many is skipped
  // (≈ 90 ms of PostgreSQL for a handler's "社保" at 300 k cases).
  const manyOwn = async () =>
    Number((await sql<{ n: number }>`select count(*)::int as n from (select 1 from case_departments where department_code = ${actor.department ?? ''} limit ${pgSearchTuning.others}) t`.execute(db)).rows[0]?.n ?? 0) >=
    pgSearchTuning.others;
  // The cases among `ids` whose text holds the phrase, newest first — checked row by row (not a scan
  // of every match in the GIN index): see rowByRow below.
  const matchingAmong = (ids: number[], n: number) =>
    db
      .selectFrom('cases')
      .selectAll()
      .where(sql<boolean>`cases.id = any(${ids}::int[])`)
      .where(sql<boolean>`exists (select 1 from case_search s where s.case_id = cases.id and (s.tsv || ''::tsvector) @@ to_tsquery('simple', ${phrase}))`)
      .orderBy('id', 'desc')
      .limit(n)
      .execute();
  if (!chunked && (filtered || (actor.role === 'handler' && !(await manyOwn())))) {
    const few = await others().select('cases.id').limit(pgSearchTuning.others).execute();
    if (few.length < pgSearchTuning.others) {
      if (!few.length) return [];
      return matchingAmong(
        few.map((r) => r.id),
        want,
      );
    }
    // Many cases pass the other filters: walk them newest first, `others` ids at a time, checking the
    // phrase on each chunk — a common word among a status's cases is found in the first one. (Walking
    // raw id windows, a status rare among the newest cases looked like a rare phrase, and the GIN
    // index then collected every match of the common word: "社保" + 待核查 at 10 M cases ran into
    // the 30 s statement timeout.) Still short after `chunks`, the rest comes by the route below.
    const found: any[] = [];
    let cursor = below;
    for (let chunk = 0; chunk < pgSearchTuning.chunks; chunk++) {
      // The first chunk small (a common word fills a page from a few hundred cases), then `others`.
      const size = chunk === 0 ? Math.max(1, Math.ceil(pgSearchTuning.others / 5)) : pgSearchTuning.others;
      let q = filteredCases(db, { ...f, q: undefined }, actor, now);
      if (cursor !== null) q = q.where('cases.id', '<', cursor);
      const ids = (await q.select('cases.id').orderBy('cases.id', 'desc').limit(size).execute()).map((r) => r.id);
      if (ids.length) found.push(...(await matchingAmong(ids, want - found.length)));
      if (found.length >= want || ids.length < size) return found;
      cursor = ids[ids.length - 1]!;
    }
    return [...found, ...(await pgTextPage(db, f, want - found.length, cursor, actor, now, tokens, true))];
  }
  // The phrase checked row by row among the newest cases, written so that the planner cannot turn
  // it into a scan of the whole GIN index.
  const rowByRow = sql<boolean>`exists (select 1 from case_search s where s.case_id = cases.id and (s.tsv || ''::tsvector) @@ to_tsquery('simple', ${phrase}))`;
  const rows: any[] = [];
  let hi = below === null ? Number((await db.selectFrom('cases').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst())?.m ?? 0) : below - 1;
  const { window, maxWindows } = pgSearchTuning;
  let walked = 0;
  for (let w = 0; w < maxWindows && rows.length < want && hi >= 1; w++) {
    const lo = Math.max(1, hi - window + 1);
    rows.push(...(await others().where('id', '>=', lo).where('id', '<=', hi).where(rowByRow).selectAll('cases').orderBy('id', 'desc').limit(want - rows.length).execute()));
    walked += hi - lo + 1;
    hi = lo - 1;
    // As dense further back, the windows left would not fill the page: the index finds the rest.
    if (rows.length < want && rows.length * (walked + (maxWindows - w - 1) * window) < want * walked) break;
  }
  if (rows.length < want && hi >= 1) rows.push(...(await byIndex(hi, rows.length)));
  return rows;
}

/** Loads a case the actor may see, or answers 404 (the same whether unknown or hidden). */
export async function findVisibleCase(db: Executor, id: number | null, actor: Actor): Promise<CaseRecord> {
  if (id === null) throw notFound();
  const c = await findCaseById(db, id);
  if (!c) throw notFound();
  if (canSeeCase(c, actor)) return c;
  // A repeat merged into a case the actor may see is visible with it (并件).
  const main = c.mergedInto ? await findCaseById(db, c.mergedInto) : undefined;
  if (!main || !canSeeCase(main, actor)) throw notFound();
  return c;
}
