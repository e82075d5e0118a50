/**
 * Shapes cases for the API: full detail for one case, a masked summary for lists. The answers are
 * typed by the documented schemas (core/api/responses.ts): a field missing, misnamed or mistyped
 * here does not compile.
 */
import type { Selectable } from 'kysely';
import type { z } from 'zod';
import { allowedActions, isCirculationPending, isCirculationRequired, type Actor } from '../../core/case-lifecycle.js';
import { isDueSoon, isOverdue, isStageOverdue, stageDueAt, workingDaysLeft } from '../../core/clocks.js';
import type { DecideContext } from '../../core/case-lifecycle.js';
import type { CallbackAttemptOutcome } from '../../core/domain.js';
import {
  STATUS_LABELS,
  type Channel,
  type Level,
  type MeasureType,
  type RejectCategory,
  type ReplyChannel,
  type ReporterKind,
} from '../../core/domain.js';
import type { ZCallbackRecord, ZCase, ZCaseSummary, ZSupervisionRecord, ZVerificationRecord } from '../../core/api/responses.js';
import { formatShanghai, type WorkCalendar } from '../../core/working-days.js';
import { maskPhone } from '../../core/validation.js';
import type { AssignmentSheetTable, CaseCallbackAttemptTable, CaseMeetingTable, CaseCoPartTable, MeasureTable, SupervisionRecordTable } from '../db/database.js';
import type { AttachmentRow } from '../attachments/attachment.repository.js';
import { presentAttachment } from '../attachments/attachment.presenter.js';
import { measureFacts, supervisionStateOf, type CaseRecord, type TimelineEvent } from './case.repository.js';
import { isMissed, measureState } from '../../core/measures.js';

/** A case in full, as GET /cases/{id} and every action answer it. */
export type CaseAnswer = z.output<typeof ZCase>;
/** A case in the list (GET /cases). */
export type CaseSummaryAnswer = z.output<typeof ZCaseSummary>;

/** A measure row with its 容缺 tracking marks (measure_tracking). */
export type TrackedMeasure = Selectable<MeasureTable> & { remindedAt: string | null; missedAt: string | null };

/** What the full case is built from besides the case itself. */
export interface CaseExtras {
  events: TimelineEvent[];
  measures: TrackedMeasure[];
  sheets: Selectable<AssignmentSheetTable>[];
  records?: Selectable<SupervisionRecordTable>[];
  meetings?: Selectable<CaseMeetingTable>[];
  coParts?: Selectable<CaseCoPartTable>[];
  callbackAttempts?: Selectable<CaseCallbackAttemptTable>[];
  mergedInto?: { id: number; caseNo: string } | null;
  mergedCases?: Array<{ id: number; caseNo: string }>;
  /** The case's files not withdrawn (server/attachments/). */
  attachments?: AttachmentRow[];
  /** The 知识库 entries linked to the case (server/knowledge/). */
  knowledge?: Array<{ id: number; title: string }>;
}

/** A 督办 is overdue once its deadline passed before it was answered (unanswered now, or answered late). */
export function isSupervisionOverdue(r: { kind: string; due_at: string | null; reported_at: string | null }, now: Date): boolean {
  if (r.kind !== 'supervise' || !r.due_at) return false;
  const answered = r.reported_at ? Date.parse(r.reported_at) : now.getTime();
  return answered > Date.parse(r.due_at);
}

function iso(v: string): string;
function iso(v: string | null): string | null;
function iso(v: string | null): string | null {
  return v ? formatShanghai(new Date(v)) : null;
}

// The columns below hold only values written through the validated request schemas
// (core/api/schemas.ts) or the ledger import's checks, so they are read back as the domain's types.
type Stored<T extends { at: string }> = Omit<T, 'at'> & { at: string };

export interface PresentDeps {
  now: Date;
  calendar: WorkCalendar;
  departmentNames: Map<string, string>;
  /** The setting: how many working days before a deadline count as due soon. */
  dueSoonWorkingDays: number;
  /** The rules' context (time, calendar, settings) for the actions offered now. */
  decide: DecideContext;
}

function deadline(c: CaseRecord, d: PresentDeps): Pick<CaseAnswer, 'dueAt' | 'dueProvisional' | 'overdue' | 'dueSoon' | 'workingDaysLeft' | 'stageDueAt' | 'stageOverdue'> {
  return {
    dueAt: iso(c.dueAt),
    dueProvisional: c.dueProvisional,
    overdue: isOverdue(c, d.now),
    dueSoon: isDueSoon(c, d.now, d.calendar, d.dueSoonWorkingDays),
    workingDaysLeft: workingDaysLeft(c, d.now, d.calendar),
    stageDueAt: iso(stageDueAt(c)),
    stageOverdue: isStageOverdue(c, d.now),
  };
}

export function presentCaseSummary(c: CaseRecord, d: PresentDeps): CaseSummaryAnswer {
  return {
    id: c.id,
    caseNo: c.caseNo,
    channel: c.channel as Channel,
    status: c.status,
    statusLabel: STATUS_LABELS[c.status],
    level: c.level,
    problemType: c.problemType,
    leadDepartment: c.leadDepartment,
    leadDepartmentName: c.leadDepartment ? (d.departmentNames.get(c.leadDepartment) ?? c.leadDepartment) : null,
    coDepartments: c.coDepartments,
    externalRef: c.externalRef,
    reporter: {
      name: c.reporter.name,
      phone: c.phoneMasked ?? maskPhone(c.reporter.phone),
      kind: c.reporter.kind as ReporterKind,
      orgName: c.reporter.orgName,
    },
    matter: c.matter,
    receivedAt: iso(c.receivedAt),
    ...deadline(c, d),
    completedAt: iso(c.completedAt),
    extended: c.extensionCount > 0,
    pendingExtension: !!c.pendingExtension,
    pendingContest: !!c.pendingContest,
    mergedInto: c.mergedInto,
    version: c.version,
  };
}

/** The latest of the case's timeline events (they come in order), as the rules read it. */
function lastEventIn(events: TimelineEvent[]): { type: string; by: string; at: string } | null {
  const e = events[events.length - 1];
  return e ? { type: e.type, by: e.by.username, at: new Date(e.at).toISOString() } : null;
}

export function presentCase(c: CaseRecord, extra: CaseExtras, actor: Actor, d: PresentDeps): CaseAnswer {
  const name = (code: string) => d.departmentNames.get(code) ?? code;
  const circulated = (extra.records ?? []).some((r) => r.kind === 'circulate');
  const callback = c.callback as Stored<z.output<typeof ZCallbackRecord>> | null;
  const verification = c.verification as Stored<z.output<typeof ZVerificationRecord>> | null;
  return {
    id: c.id,
    caseNo: c.caseNo,
    channel: c.channel as Channel,
    status: c.status,
    statusLabel: STATUS_LABELS[c.status],
    level: c.level,
    problemType: c.problemType,
    leadDepartment: c.leadDepartment,
    leadDepartmentName: c.leadDepartment ? name(c.leadDepartment) : null,
    coDepartments: c.coDepartments,
    coDepartmentNames: c.coDepartments.map(name),
    externalRef: c.externalRef,
    departmentCodes: c.namedDepartments,
    reporter: { ...c.reporter, kind: c.reporter.kind as ReporterKind },
    matter: c.matter,
    matterCode: c.matterCode,
    description: c.description,
    reason: c.reason,
    receivedAt: iso(c.receivedAt),
    createdBy: c.createdBy,
    ...deadline(c, d),
    assignmentNo: c.assignmentNo,
    escalatedFrom: c.escalatedFrom,
    resolvedOnSpot: c.resolvedOnSpot,
    firstCompletedAt: iso(c.firstCompletedAt),
    firstCompletedOnTime: c.firstCompletedOnTime,
    completedAt: iso(c.completedAt),
    closedAt: iso(c.closedAt),
    result: c.result,
    repliedVia: c.repliedVia as ReplyChannel | null,
    rejection: c.rejectCategory ? { reasonCategory: c.rejectCategory as RejectCategory, explanation: c.rejectExplanation } : null,
    // Callbacks recorded before rating by link existed were all by phone.
    callback: callback ? { ...callback, source: callback.source ?? 'phone', at: iso(callback.at) } : null,
    callbackCount: c.callbackCount,
    verification: verification ? { ...verification, at: iso(verification.at) } : null,
    version: c.version,
    updatedAt: iso(c.updatedAt),
    events: extra.events.map((e) => ({
      type: e.type,
      at: iso(e.at),
      by: e.by.username,
      byName: e.by.name,
      byRole: e.by.role,
      data: e.data,
    })),
    attachments: (extra.attachments ?? []).map(presentAttachment),
    knowledge: extra.knowledge ?? [],
    measures: extra.measures.map((m) => ({
      id: m.id,
      type: m.type as MeasureType,
      note: m.note,
      dueAt: iso(m.due_at),
      staff: m.staff,
      by: m.by_user,
      at: iso(m.at),
      /** Reminders of a measure with a due date: when the reminder went out, and when the job flagged it missed. */
      remindedAt: iso(m.remindedAt),
      missedAt: iso(m.missedAt),
      state: measureState({ ...measureFacts(m), missedAt: m.missedAt }, d.now),
      missed: isMissed({ ...measureFacts(m), missedAt: m.missedAt }, d.now),
      fulfilledAt: iso(m.fulfilled_at),
      fulfilledBy: m.fulfilled_by,
      fulfilledNote: m.fulfilled_note,
      withdrawnAt: iso(m.withdrawn_at),
      withdrawnBy: m.withdrawn_by,
      withdrawnReason: m.withdrawn_reason,
    })),
    assignmentSheets: extra.sheets.map((s) => ({
      sheetNo: s.sheet_no,
      level: s.level as Level,
      leadDepartment: s.lead_department,
      coDepartments: JSON.parse(s.co_departments) as string[],
      dueAt: iso(s.due_at),
      issuedAt: iso(s.issued_at),
      issuedBy: s.issued_by,
    })),
    pendingExtension: c.pendingExtension ? { ...c.pendingExtension, dueAt: iso(c.pendingExtension.dueAt), at: iso(c.pendingExtension.at) } : null,
    extensionCount: c.extensionCount,
    extended: c.extensionCount > 0,
    supervisionRecords: (extra.records ?? []).map((r) => ({
      kind: r.kind as z.output<typeof ZSupervisionRecord>['kind'],
      recordNo: r.record_no,
      department: r.department_code,
      dueAt: iso(r.due_at),
      text: r.text,
      by: r.by_user,
      at: iso(r.at),
      report: r.report,
      reportedAt: iso(r.reported_at),
      reportedBy: r.reported_by,
      overdue: isSupervisionOverdue(r, d.now),
      result: r.result,
      resultAt: iso(r.result_at),
    })),
    meetings: (extra.meetings ?? []).map((m) => ({
      heldAt: iso(m.held_at),
      convenor: m.convenor,
      attendees: JSON.parse(m.attendees) as Array<{ department: string; people: string }>,
      decision: m.decision,
      by: m.by_user,
      at: iso(m.at),
    })),
    /** 通报 is required for 不给办 (misconduct) and for a substantiated 差评 (work plan §二(五), 四项机制). */
    circulationRequired: isCirculationRequired(c),
    circulated,
    circulationPending: isCirculationPending(c, circulated),
    pendingContest: c.pendingContest ? { ...c.pendingContest, at: iso(c.pendingContest.at) } : null,
    coParts: c.coDepartments.map((dept) => {
      const p = (extra.coParts ?? []).find((x) => x.department_code === dept);
      return { department: dept, departmentName: name(dept), opinion: p?.opinion ?? null, by: p?.by_user ?? null, at: p ? iso(p.at) : null };
    }),
    callbackAttempts: (extra.callbackAttempts ?? []).map((a) => ({ outcome: a.outcome as CallbackAttemptOutcome, note: a.note, at: iso(a.at), by: a.by_user })),
    closedUnreachable: c.closedUnreachable,
    mergedInto: extra.mergedInto ?? null,
    mergedCases: extra.mergedCases ?? [],
    reopenCount: c.reopenCount,
    allowedActions: allowedActions(
      {
        ...c,
        measures: extra.measures.map(measureFacts),
        ...supervisionStateOf(extra.records ?? []),
        lastEvent: lastEventIn(extra.events),
      },
      actor,
      d.decide,
    ),
  };
}
