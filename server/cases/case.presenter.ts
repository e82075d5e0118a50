/** Shapes cases for the API: full detail for one case, a masked summary for lists. */
import { allowedActions, isCirculationPending, isCirculationRequired, type Actor } from '../../core/case-lifecycle.js';
import { isDueSoon, isOverdue, workingDaysLeft } from '../../core/clocks.js';
import { STATUS_LABELS } from '../../core/domain.js';
import { formatShanghai, type WorkCalendar } from '../../core/working-days.js';
import { maskPhone } from '../../core/validation.js';
import type { CaseRecord, TimelineEvent } from './case.repository.js';

const iso = (v: string | null) => (v ? formatShanghai(new Date(v)) : null);

export interface PresentDeps {
  now: Date;
  calendar: WorkCalendar;
  departmentNames: Map<string, string>;
  /** The setting: how many working days before a deadline count as due soon. */
  dueSoonWorkingDays: number;
}

function deadline(c: CaseRecord, d: PresentDeps) {
  return {
    dueAt: iso(c.dueAt),
    dueProvisional: c.dueProvisional,
    overdue: isOverdue(c, d.now),
    dueSoon: isDueSoon(c, d.now, d.calendar, d.dueSoonWorkingDays),
    workingDaysLeft: workingDaysLeft(c, d.now, d.calendar),
  };
}

export function presentCaseSummary(c: CaseRecord, d: PresentDeps) {
  return {
    id: c.id,
    caseNo: c.caseNo,
    channel: c.channel,
    status: c.status,
    statusLabel: STATUS_LABELS[c.status],
    level: c.level,
    problemType: c.problemType,
    leadDepartment: c.leadDepartment,
    leadDepartmentName: c.leadDepartment ? (d.departmentNames.get(c.leadDepartment) ?? c.leadDepartment) : null,
    coDepartments: c.coDepartments,
    reporter: {
      name: c.reporter.name,
      phone: maskPhone(c.reporter.phone),
      kind: c.reporter.kind,
      orgName: c.reporter.orgName,
    },
    matter: c.matter,
    receivedAt: iso(c.receivedAt),
    ...deadline(c, d),
    completedAt: iso(c.completedAt),
    extended: c.extensionCount > 0,
    pendingExtension: !!c.pendingExtension,
    version: c.version,
  };
}

export function presentCase(
  c: CaseRecord,
  extra: { events: TimelineEvent[]; measures: any[]; sheets: any[]; records?: any[] },
  actor: Actor,
  d: PresentDeps,
) {
  const name = (code: string) => d.departmentNames.get(code) ?? code;
  const circulated = (extra.records ?? []).some((r) => r.kind === 'circulate');
  return {
    id: c.id,
    caseNo: c.caseNo,
    channel: c.channel,
    status: c.status,
    statusLabel: STATUS_LABELS[c.status],
    level: c.level,
    problemType: c.problemType,
    leadDepartment: c.leadDepartment,
    leadDepartmentName: c.leadDepartment ? name(c.leadDepartment) : null,
    coDepartments: c.coDepartments,
    coDepartmentNames: c.coDepartments.map(name),
    departmentCodes: c.namedDepartments,
    reporter: c.reporter,
    matter: c.matter,
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
    repliedVia: c.repliedVia,
    rejection: c.rejectCategory ? { reasonCategory: c.rejectCategory, explanation: c.rejectExplanation } : null,
    callback: c.callback ? { ...c.callback, at: iso(c.callback.at as string) } : null,
    callbackCount: c.callbackCount,
    verification: c.verification ? { ...c.verification, at: iso(c.verification.at as string) } : null,
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
    measures: extra.measures.map((m) => ({
      id: m.id,
      type: m.type,
      note: m.note,
      dueAt: iso(m.due_at),
      staff: m.staff,
      by: m.by_user,
      at: iso(m.at),
      /** 容缺 promise reminders: when the reminder went out, and when the due date was missed. */
      remindedAt: iso(m.remindedAt ?? null),
      missedAt: iso(m.missedAt ?? null),
      missed: !!m.missedAt,
    })),
    assignmentSheets: extra.sheets.map((s) => ({
      sheetNo: s.sheet_no,
      level: s.level,
      leadDepartment: s.lead_department,
      coDepartments: JSON.parse(s.co_departments),
      dueAt: iso(s.due_at),
      issuedAt: iso(s.issued_at),
      issuedBy: s.issued_by,
    })),
    pendingExtension: c.pendingExtension ? { ...c.pendingExtension, dueAt: iso(c.pendingExtension.dueAt), at: iso(c.pendingExtension.at) } : null,
    extensionCount: c.extensionCount,
    extended: c.extensionCount > 0,
    supervisionRecords: (extra.records ?? []).map((r) => ({
      kind: r.kind,
      recordNo: r.record_no,
      department: r.department_code,
      dueAt: iso(r.due_at),
      text: r.text,
      by: r.by_user,
      at: iso(r.at),
    })),
    circulationRequired: isCirculationRequired(c),
    circulated,
    circulationPending: isCirculationPending(c, circulated),
    allowedActions: allowedActions(c, actor, d.now),
  };
}
