/**
 * The 督办台账: every 督办单、通报 and 线索移送 of every case in one list, newest first, with the
 * register's filters. Read-only; the records themselves are written by the case actions
 * (server/cases/case.service.ts).
 */
import { sql } from 'kysely';
import type { TSupervisionRegisterFilters } from '../../core/api/schemas.js';
import { supervisionStateText, type SupervisionKind } from '../../core/supervision-register.js';
import { formatShanghai } from '../../core/working-days.js';
import type { Executor } from '../db/database.js';
import { caseNoOf, decodeCursor, encodeCursor } from '../cases/case.repository.js';
import { isSupervisionOverdue } from '../cases/case.presenter.js';
import { AppError } from '../errors.js';

/** The columns the register reads. */
export interface RegisterRow {
  id: number;
  kind: string;
  record_no: string;
  department_code: string | null;
  department_name: string | null;
  due_at: string | null;
  text: string;
  by_user: string;
  by_name: string | null;
  at: string;
  report: string | null;
  reported_at: string | null;
  result: string | null;
  result_at: string | null;
  case_id: number;
  case_no: string;
  matter: string;
}

/** Escapes LIKE wildcards so a search for "100%" finds the text "100%". */
function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

/** The records matching the filters, joined with their case, department and author. `now` decides what is overdue. */
export function filteredRecords(db: Executor, f: Partial<TSupervisionRegisterFilters>, now: Date) {
  let q = db
    .selectFrom('supervision_records as r')
    .innerJoin('cases as c', 'c.id', 'r.case_id')
    .leftJoin('departments as d', 'd.code', 'r.department_code')
    .leftJoin('users as u', 'u.username', 'r.by_user');
  if (f.kind?.length) q = q.where('r.kind', 'in', f.kind);
  if (f.department) q = q.where('r.department_code', '=', f.department);
  if (f.from) q = q.where('r.at_date', '>=', f.from);
  if (f.to) q = q.where('r.at_date', '<=', f.to);
  const nowIso = now.toISOString();
  switch (f.status) {
    case 'awaiting_report':
      q = q.where('r.kind', '=', 'supervise').where('r.reported_at', 'is', null);
      break;
    case 'reported':
      q = q.where('r.kind', '=', 'supervise').where('r.reported_at', 'is not', null);
      break;
    case 'overdue':
      // The rule of isSupervisionOverdue: past the deadline without a report, or answered after it.
      q = q
        .where('r.kind', '=', 'supervise')
        .where('r.due_at', 'is not', null)
        .where((eb) => eb.or([eb.and([eb('r.reported_at', 'is', null), eb('r.due_at', '<', nowIso)]), eb('r.reported_at', '>', eb.ref('r.due_at'))]));
      break;
    case 'result_recorded':
      q = q.where('r.kind', '=', 'referral').where('r.result_at', 'is not', null);
      break;
    case 'awaiting_result':
      q = q.where('r.kind', '=', 'referral').where('r.result_at', 'is', null);
      break;
  }
  if (f.q) {
    const no = caseNoOf(f.q);
    if (no) q = q.where('c.case_no', '=', no);
    else {
      const p = likePattern(f.q);
      q = q.where((eb) => eb.or([eb(sql`c.matter`, 'like', sql`${p} escape '\\'`), eb(sql`c.case_no`, 'like', sql`${p} escape '\\'`), eb(sql`r.record_no`, 'like', sql`${p} escape '\\'`)]));
    }
  }
  return q;
}

const COLUMNS = [
  'r.id',
  'r.kind',
  'r.record_no',
  'r.department_code',
  'd.name as department_name',
  'r.due_at',
  'r.text',
  'r.by_user',
  'u.name as by_name',
  'r.at',
  'r.report',
  'r.reported_at',
  'r.result',
  'r.result_at',
  'r.case_id',
  'c.case_no',
  'c.matter',
] as const;

/**
 * Records after a keyset position (at, id), newest first; `limit` of them at most. The export
 * walks the whole register with it in batches.
 */
export async function registerBatch(db: Executor, f: TSupervisionRegisterFilters, now: Date, after: { at: string; id: number } | null, limit: number): Promise<RegisterRow[]> {
  let q = filteredRecords(db, f, now);
  if (after) q = q.where((eb) => eb.or([eb('r.at', '<', after.at), eb.and([eb('r.at', '=', after.at), eb('r.id', '<', after.id)])]));
  return q.select(COLUMNS).orderBy('r.at', 'desc').orderBy('r.id', 'desc').limit(limit).execute();
}

/** One page of the register, newest first; `cursor` is the previous page's `nextCursor` (invalid → 400). */
export async function listSupervisionRecords(
  db: Executor,
  f: TSupervisionRegisterFilters,
  page: { limit: number; cursor?: string },
  now: Date,
): Promise<{ rows: RegisterRow[]; nextCursor: string | null }> {
  const c = page.cursor ? decodeCursor(page.cursor) : null;
  if (page.cursor && !c) throw new AppError('VALIDATION', '分页游标无效', [{ field: 'cursor', message: '分页游标无效' }]);
  const rows = await registerBatch(db, f, now, c && { at: c.receivedAt, id: c.id }, page.limit + 1);
  const more = rows.length > page.limit;
  const items = more ? rows.slice(0, page.limit) : rows;
  const last = items[items.length - 1];
  return { rows: items, nextCursor: more && last ? encodeCursor(last.at, last.id) : null };
}

const iso = (v: string | null) => (v ? formatShanghai(new Date(v)) : null);

/** A row as the register answers it (ZSupervisionRegisterItem). */
export function presentRegisterRow(r: RegisterRow, now: Date) {
  const kind = r.kind as SupervisionKind;
  const overdue = isSupervisionOverdue(r, now);
  const reportedAt = iso(r.reported_at);
  return {
    recordNo: r.record_no,
    kind,
    case: { id: r.case_id, caseNo: r.case_no, matter: r.matter },
    department: r.department_code ? { code: r.department_code, name: r.department_name ?? r.department_code } : null,
    createdAt: formatShanghai(new Date(r.at)),
    createdBy: { username: r.by_user, name: r.by_name ?? r.by_user },
    text: r.text,
    dueAt: iso(r.due_at),
    reportedAt,
    report: r.report,
    overdue,
    result: r.result,
    resultAt: iso(r.result_at),
    state: supervisionStateText({ kind, reportedAt, overdue, result: r.result }),
  };
}
